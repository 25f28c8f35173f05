"""Tables: one hour of demo-rate transactions as `souk stream` rolls it, after `souk compact`, and as
pyarrow writes the same rows in one file, through Benchmarks/Tables/measure.py --json --runs N (719,800
rows in the hour and a 10,000,000-row hour to compact; 20,000 and 50,000 in smoke). Per run and layout:
the DuckDB query and the pyarrow read of the hour (after one warm-up); bytes per row, and the compactions'
time and peak RSS, once (the files do not change between runs).

Goal (BENCHMARKS.md, "Tables: row groups at low rates"): bytes per row of a rolled part within 1.1× of
pyarrow writing the same rows with the same codec in one row group."""

from ..model import Goal, Row
from ..runner import Failed, json_objects, run

TITLE = "Tables: bytes per row and reads, before and after `souk compact`"
ROLLED, COMPACTED, PYARROW = "souk, as rolled", "souk, compacted", "pyarrow, one file"
TOOLS = [ROLLED, COMPACTED, PYARROW]
LAYOUTS = {"rolled": ROLLED, "compacted": COMPACTED, "pyarrow": PYARROW}


def measure(ctx, result):
    hour_rows, big_rows = (20_000, 50_000) if ctx.smoke else (719_800, 10_000_000)
    result.rows = [
        Row("bytes per row", "B/row", "lower", ROLLED, PYARROW, command="measure",
            goal=Goal("bytes per row of a rolled part within 1.1× of pyarrow writing the same rows with the same "
                      "codec (snappy) in one row group", 1.1, relative=True, at_most=True)),
        Row("bytes per row", "B/row", "lower", COMPACTED, PYARROW, command="measure"),
        Row("DuckDB query over the hour", "ms", "lower", COMPACTED, PYARROW, speed=True, command="measure"),
        Row("pyarrow read of the hour", "ms", "lower", COMPACTED, PYARROW, speed=True, command="measure"),
        Row("souk compact of the hour", "s", "lower", COMPACTED, command="measure", tools=(COMPACTED,)),
        Row("souk compact of the hour, peak RSS", "MiB", "lower", COMPACTED, command="measure", tools=(COMPACTED,)),
        Row(f"souk compact of a {big_rows:,}-row hour", "s", "lower", COMPACTED, command="measure",
            tools=(COMPACTED,)),
        Row(f"souk compact of a {big_rows:,}-row hour, peak RSS", "MiB", "lower", COMPACTED, command="measure",
            tools=(COMPACTED,)),
    ]
    command = [ctx.python, "Benchmarks/Tables/measure.py", ctx.souk, ctx.work / "tables", "--json",
               "--runs", ctx.runs, "--hour-rows", hour_rows, "--big-rows", big_rows]
    lines = json_objects(run(ctx, command).stdout)
    result.command("measure", ctx.shown(command))
    layouts = {line["layout"]: line for line in lines if "layout" in line}
    steps = {line["step"]: line for line in lines if "step" in line}
    if set(layouts) != set(LAYOUTS) or set(steps) != {"compact hour", "compact big hour"}:
        raise Failed(f"measure.py did not report every layout and compaction: {lines}")
    for key, line in layouts.items():
        tool = LAYOUTS[key]
        result.add("bytes per row", tool, 1, line["bytes_per_row"], "B/row", parts=line["parts"],
                   row_groups=line["row_groups"], bytes=line["bytes"])
        result.add_runs("DuckDB query over the hour", tool, line["duckdb_runs_ms"], "ms")
        result.add_runs("pyarrow read of the hour", tool, line["pyarrow_runs_ms"], "ms")
    for step, figure in (("compact hour", "souk compact of the hour"),
                         ("compact big hour", f"souk compact of a {big_rows:,}-row hour")):
        result.add(figure, COMPACTED, 1, steps[step]["seconds"], "s")
        result.add(f"{figure}, peak RSS", COMPACTED, 1, steps[step]["peak_rss_mib"], "MiB")
    def count(number, word):
        return f"{number} {word}{'s' if number != 1 else ''}"

    shape = "; ".join(f"{LAYOUTS[k]}: {count(layouts[k]['parts'], 'part')}, "
                      f"{count(layouts[k]['row_groups'], 'row group')}" for k in LAYOUTS)
    result.notes.append(f"{hour_rows:,} rows in the hour, fed in batches of 40 with parts rolled at 1100 KiB "
                        f"({shape}). Bytes per row and the compactions are one run each (the files do not change "
                        "between runs); reads: after one warm-up, DuckDB with 2 threads.")

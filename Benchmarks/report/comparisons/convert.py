"""JSON lines to Parquet: `souk convert` beside pyarrow, DuckDB (2 threads) and polars, through
Benchmarks/Convert/measure.py --runs N on the original platform's transactions (1,000,000 lines; 3,000 in
smoke). Per run and tool and codec (zstd, snappy): the wall time and the output's size; the rows every
tool wrote are checked equal by the script.

Goal (BENCHMARKS.md, "JSON lines to Parquet"): `souk convert` at least as fast as polars on this task."""

from ..model import Goal, Row
from ..runner import ROOT, Failed, json_objects, run

TITLE = "JSON lines to Parquet (`souk convert`)"
TOOLS = ["souk", "pyarrow", "duckdb", "polars"]
CODECS = ["zstd", "snappy"]
GOAL = "`souk convert` at least as fast as polars on this task"


def measure(ctx, result):
    count = 3_000 if ctx.smoke else 1_000_000
    for codec in CODECS:
        result.rows.append(Row(f"wall time, {codec}", "s", "lower", reference="polars", speed=True,
                               goal=Goal(GOAL, 1.0, relative=True), command="measure"))
    for codec in CODECS:
        result.rows.append(Row(f"file size, {codec}", "MB", "lower", reference="polars", command="measure"))

    if ctx.smoke:
        source = ctx.work / "transactions.jsonl"
    else:  # the input `make bench-convert` keeps, generated once
        source = ROOT / ".build" / "bench-convert" / "transactions.jsonl"
        source.parent.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        generate = [ctx.python, "Benchmarks/Convert/generate.py", source, "--count", count]
        run(ctx, generate)
        result.command("generate", ctx.shown(generate))
    command = [ctx.python, "Benchmarks/Convert/measure.py", source, "--runs", ctx.runs, "--souk", ctx.souk]
    output = run(ctx, command)
    result.command("measure", ctx.shown(command))
    lines = [line for line in json_objects(output.stdout) if "tool" in line]
    if {(line["tool"], line["codec"]) for line in lines} != {(t, c) for t in TOOLS for c in CODECS}:
        raise Failed(f"measure.py did not report every tool and codec: {lines}")
    for line in lines:
        result.add_runs(f"wall time, {line['codec']}", line["tool"], line["runs_s"], "s", rows=line["rows"])
        result.add_runs(f"file size, {line['codec']}", line["tool"], [b / 1e6 for b in line["bytes_runs"]], "MB",
                        rows=line["rows"])
    rows = {line["rows"] for line in lines}
    result.notes.append(f"Input: `{ctx.shown([source])}` (`Benchmarks/Convert/generate.py`); every tool wrote "
                        f"{rows.pop():,} rows (read back with pyarrow). Each tool infers the schema itself; "
                        "DuckDB runs with 2 threads.")

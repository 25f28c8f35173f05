"""The report: `souk analyze` beside DuckDB (2 threads) and pandas + pyarrow over the same files, through
Benchmarks/Analyze/run.sh with RUNS=N and HOUR_RUNS=N (10,000,000 transactions over 24 hours; 20,000 in
smoke). Per run and tool: wall time from process start to exit and peak RSS, for the full report and for a
one-hour --from/--to report; run.sh checks that Souk's and DuckDB's reports agree.

Goals (BENCHMARKS.md, "The report"): faster than pandas + pyarrow by at least 5×; at least half DuckDB's
speed (aiming for parity); memory bounded by a row group (10 million rows under 200 MB RSS); a one-hour
report over a 24-hour table under 100 ms."""

from ..model import Goal, Row
from ..runner import Failed, json_objects, run

TITLE = "The report (`souk analyze`)"
TOOLS = ["souk", "duckdb", "pandas + pyarrow"]
NAMES = {"souk analyze": ("souk", "full"), "duckdb, 2 threads": ("duckdb", "full"),
         "pandas + pyarrow": ("pandas + pyarrow", "full"), "souk analyze, one hour": ("souk", "hour"),
         "duckdb, 2 threads, one hour": ("duckdb", "hour")}
MB_IN_MIB = 1e6 / 2**20
HOUR = ("souk", "duckdb")  # the one-hour report is not run with pandas


def measure(ctx, result):
    events = 20_000 if ctx.smoke else 10_000_000
    result.rows = [
        Row("full report, wall", "s", "lower", reference="pandas + pyarrow", speed=True, command="run",
            goal=Goal("faster than pandas + pyarrow by at least 5×", 5.0, relative=True)),
        Row("full report, wall", "s", "lower", reference="duckdb", speed=True, command="run",
            goal=Goal("at least half DuckDB's speed, aiming for parity", 0.5, relative=True)),
        Row("full report, peak RSS", "MiB", "lower", reference="duckdb", command="run",
            goal=Goal(f"memory bounded by a row group ({events:,} rows under 200 MB = {200 * MB_IN_MIB:.1f} MiB RSS)",
                      200 * MB_IN_MIB, at_most=True, strict=True)),
        Row("one-hour report, wall", "ms", "lower", reference="duckdb", speed=True, command="run",
            goal=Goal("a one-hour report over a 24-hour table under 100 ms", 100, at_most=True, strict=True),
            tools=HOUR),
        Row("one-hour report, peak RSS", "MiB", "lower", reference="duckdb", command="run", tools=HOUR),
    ]
    env = {"RUNS": str(ctx.runs), "HOUR_RUNS": str(ctx.runs), "SOUK_BIN": ctx.souk}
    command = ["Benchmarks/Analyze/run.sh", events]
    output = run(ctx, command, env=env)
    result.command("run", ctx.shown(command, env))
    lines = [line for line in json_objects(output.stdout) if line.get("name") in NAMES]
    if {line["name"] for line in lines} != set(NAMES):
        raise Failed(f"run.sh did not report every reader: {[line.get('name') for line in lines]}")
    for line in lines:
        tool, part = NAMES[line["name"]]
        label = "full report" if part == "full" else "one-hour report"
        walls = line["wall_seconds_runs"] if part == "full" else [s * 1000 for s in line["wall_seconds_runs"]]
        inside = [c for c in line["compute_seconds_runs"]]
        for index, (wall, rss) in enumerate(zip(walls, line["peak_rss_mib_runs"]), 1):
            extra = {} if inside[index - 1] is None else {"inside_process_s": inside[index - 1]}
            result.add(f"{label}, wall", tool, index, wall, "s" if part == "full" else "ms", **extra)
            result.add(f"{label}, peak RSS", tool, index, rss, "MiB")
    agreed = [line for line in output.stdout.splitlines() if line.startswith(("agree:", "table:"))]
    result.notes += [f"run.sh: {line}" for line in agreed]
    result.notes.append("Each reader runs once unmeasured first (the files in the page cache for all). The Python "
                        "readers' wall time includes starting the interpreter and importing; the time inside the "
                        "process is in the CSV (`inside_process_s`).")

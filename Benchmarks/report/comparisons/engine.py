"""The stream engine beside PySpark Structured Streaming and Apache Flink on the same JSON-lines input,
through Benchmarks/Engine/run.sh with RUNS=N (1,000,000 events; 20,000 in smoke, where the JVM engines
are left out unless asked for with --only engine): per run and engine the events/s of the file source
(parse, raw Parquet sink, 1-minute windows), CPU seconds, and peak RSS (the JVMs' high-water mark once per
process). Then, one run each, as run.sh measures them: Souk from the broker, the CPU of an idle trigger,
the two batches without data, and end-to-end latency at 100,000 events/s. run.sh checks that every engine
wrote the same windows.

Goals (BENCHMARKS.md, "Stream engine"): ≥ 10× Spark Structured Streaming; ≥ 1,000,000 events/s (from the
file and from the broker); ≤ 5 ms per empty batch; end-to-end p99 < 500 ms."""

import re
import shutil

from ..model import Goal, Row
from ..runner import ROOT, Failed, json_objects, run

TITLE = "Stream engine"
TOOLS = ["souk", "pyspark", "flink"]
VENVS = {"pyspark": ".venv-bench", "flink": ".venv-flink"}
# The one-run lines run.sh prints after the engines' comparison: figure, unit, pattern.
SINGLE = [
    ("broker source, events/s", "events/s", r"souk broker source: ([0-9.]+) events/s"),
    ("idle trigger, CPU per trigger", "ms", r"idle trigger: ([0-9.]+) ms of CPU per trigger"),
    ("batch without data that closes windows", "ms",
     r"batch without data that applies a new watermark and closes windows \(no roll\): ([0-9.]+) ms"),
    ("batch without data that rolls every open part", "ms",
     r"batch without data \(watermark advance, every open part rolled\): ([0-9.]+) ms"),
    ("end-to-end latency p99 at 100,000 events/s", "ms", r"latency over \d+ events: p50 \d+ ms, p99 (\d+) ms"),
]
MILLION = "≥ 1,000,000 events/s"
SOUK = ("souk",)  # the rows only Souk is measured in


def peers(ctx, result):
    """The JVM engines that can run: Java and their virtualenv present, not left out with --without."""
    chosen = []
    for tool, venv in VENVS.items():
        if tool in ctx.without:
            result.skipped[tool] = f"left out (--without {tool})"
        elif ctx.smoke:
            result.skipped[tool] = "left out in smoke (JVM start-up alone exceeds the smoke's budget)"
        elif not shutil.which("java"):
            result.skipped[tool] = "java is not installed (make bench installs openjdk-17-jdk-headless)"
        elif not (ROOT / venv / "bin" / "python").exists():
            result.skipped[tool] = f"{venv} is not installed (make bench installs it)"
        else:
            chosen.append(tool)
    return chosen


def measure(ctx, result):
    events = 20_000 if ctx.smoke else 1_000_000
    result.rows = [
        Row("file source, events/s", "events/s", "higher", reference="pyspark", command="run",
            goal=Goal("≥ 10× Spark Structured Streaming", 10.0, relative=True)),
        Row("file source, events/s", "events/s", "higher", reference="flink", command="run",
            goal=Goal(MILLION, 1_000_000)),
        Row("CPU seconds per run", "s", "lower", reference="pyspark", command="run"),
        Row("peak RSS", "MB", "lower", reference="pyspark", command="run"),
        Row(SINGLE[0][0], "events/s", "higher", command="run", goal=Goal(MILLION, 1_000_000), tools=SOUK),
        Row(SINGLE[1][0], "ms", "lower", command="run", tools=SOUK),
        Row(SINGLE[2][0], "ms", "lower", command="run", goal=Goal("≤ 5 ms per empty batch", 5.0, at_most=True),
            tools=SOUK),
        Row(SINGLE[3][0], "ms", "lower", command="run", goal=Goal("≤ 5 ms per empty batch", 5.0, at_most=True),
            tools=SOUK),
        Row(SINGLE[4][0], "ms", "lower", command="run",
            goal=Goal("end-to-end p99 < 500 ms", 500.0, at_most=True, strict=True), tools=SOUK),
    ]
    for tool in ("kcat", "bc"):
        if not shutil.which(tool):
            raise Failed(f"{tool} is not installed (make bench installs it)")
    env = {"RUNS": str(ctx.runs), "PEERS": ",".join(peers(ctx, result)), "SOUK_BIN": ctx.souk}
    if ctx.smoke:
        env["LATENCY_EVENTS"] = "200000"
    command = ["Benchmarks/Engine/run.sh", events]
    output = run(ctx, command, env=env)
    result.command("run", ctx.shown(command, env))
    engines = {line["engine"]: line for line in json_objects(output.stdout) if "engine" in line}
    if "souk" not in engines:
        raise Failed("run.sh printed no result line for souk")
    for tool, line in engines.items():
        result.add_runs("file source, events/s", tool, [line["events"] / s for s in line["runs"]], "events/s")
        result.add_runs("CPU seconds per run", tool, line["cpu_seconds"], "s")
        result.add_runs("peak RSS", tool, line.get("peak_rss_mb_runs") or [line["peak_rss_mb"]], "MB")
    for tool in env["PEERS"].split(","):
        if tool and tool not in engines:
            raise Failed(f"run.sh printed no result line for {tool}")
    for figure, unit, pattern in SINGLE:
        found = re.search(pattern, output.stdout)
        if not found:
            raise Failed(f"run.sh printed no '{figure}' line")
        result.add(figure, "souk", 1, float(found.group(1)), unit)
    result.notes += [f"run.sh: {line}" for line in output.stdout.splitlines() if line.startswith("windows:")]
    result.notes.append(f"{events:,} events (`Benchmarks/Engine/generate.py`). Souk: wall clock of the whole "
                        "`souk stream --file … --once --trigger 0` process; PySpark and Flink: one warm-up, then the "
                        "runs inside one JVM (start-up excluded); the JVMs' peak RSS is one figure per process. "
                        "The broker source, idle trigger, empty batches and latency are one run each.")

"""The broker beside librdkafka's mock cluster and Redis Streams (reference points, not peers: see
BENCHMARKS.md), through Benchmarks/Broker/run.sh, run N times (1,000,000 records per throughput case;
20,000 in smoke), with the binary under test (SOUK_BIN: no build). Per run and target: produce rec/s at
acks=1 and acks=all, fetch rec/s by one librdkafka consumer, by `souk bench consume`, by the raw reader
(the broker's capacity) and by two librdkafka consumers at once, p50/p99 at 50,000 rec/s with acks=all,
and the broker's CPU seconds per million records produced.

Goals (BENCHMARKS.md, "Broker"): ingest ≥ 1,000,000 rec/s at acks=1; fetch ≥ 2,000,000 rec/s (met as the
broker's capacity, measured with the raw reader, and by a real consumer, `souk bench consume`); p99 < 5 ms
at 50,000 rec/s (acks=all)."""

import shutil
import subprocess

from ..model import Goal, Row
from ..runner import Failed, Skip, json_objects, run

TITLE = "Broker"
INTERVAL, ALWAYS, PREAD = "souk, fsync interval:1000", "souk, fsync always", "souk, fetch-io pread"
MOCK, REDIS = "librdkafka mock cluster", "redis streams"
TOOLS = [INTERVAL, ALWAYS, PREAD, MOCK, REDIS]
TARGETS = {"souk fsync=interval:1000": INTERVAL, "souk fsync=always": ALWAYS, "souk fetch-io=pread": PREAD,
           "librdkafka mock cluster": MOCK, "redis streams": REDIS}  # labels before any " (…)"


def figure_of(line):
    """The figure and tool one of run.sh's JSON lines measures, or None for lines the report does not show."""
    label, phase = line["target"], line["phase"]
    base = label.split(" (")[0]
    tool = TARGETS.get(base)
    if tool is None:
        return None
    if phase == "produce" and tool == REDIS:
        return "produce acks=1, rec/s", tool, line["records_per_s"]
    if phase == "produce" and int(line.get("rate", 0)) == 0 and "(load)" not in label:
        return f"produce acks={line['acks']}, rec/s", tool, line["records_per_s"]
    if phase == "produce":
        return None  # the latency case: read from its p99 below
    if phase == "fetch" and ("(fetch only)" in label or tool == MOCK):
        return "fetch, one librdkafka consumer, rec/s", tool, line["records_per_s"]
    if phase == "fetch, souk bench consume":
        return "fetch, souk bench consume, rec/s", tool, line["records_per_s"]
    if phase.startswith("fetch, raw reader"):
        return "fetch, raw reader (broker capacity), rec/s", tool, line["records_per_s"]
    if phase == "fetch, two consumers":
        return "fetch, two librdkafka consumers, rec/s", tool, line["records_per_s"]
    if phase == "broker cpu during produce acks=1":
        return "broker CPU per 1M produced, acks=1", tool, line["cpu_s_per_million"]
    return None


def measure(ctx, result):
    records = 20_000 if ctx.smoke else 1_000_000
    ingest = Goal("ingest ≥ 1,000,000 rec/s at acks=1", 1_000_000)
    fetch = Goal("fetch ≥ 2,000,000 rec/s", 2_000_000)
    p99 = Goal("p99 < 5 ms at 50,000 rec/s", 5.0, at_most=True, strict=True)
    produce, souks = (INTERVAL, ALWAYS, MOCK, REDIS), (INTERVAL, ALWAYS)
    latency = (INTERVAL, ALWAYS, MOCK)
    result.rows = [
        Row("produce acks=1, rec/s", "rec/s", "higher", INTERVAL, MOCK, goal=ingest, command="run", tools=produce),
        Row("produce acks=1, rec/s", "rec/s", "higher", ALWAYS, REDIS, goal=ingest, command="run", tools=produce),
        Row("produce acks=all, rec/s", "rec/s", "higher", INTERVAL, command="run", tools=souks),
        Row("broker CPU per 1M produced, acks=1", "s", "lower", INTERVAL, command="run", tools=souks),
        # No ratio against the mock cluster: its fetch path is not a broker's (about 650 rec/s, see BENCHMARKS.md).
        Row("fetch, one librdkafka consumer, rec/s", "rec/s", "higher", INTERVAL, command="run",
            tools=(INTERVAL, ALWAYS, PREAD, MOCK)),
        Row("fetch, souk bench consume, rec/s", "rec/s", "higher", INTERVAL, goal=fetch, command="run", tools=souks,
            compared_with="the goal's threshold (no peer), read by a real consumer, Souk's own"),
        Row("fetch, raw reader (broker capacity), rec/s", "rec/s", "higher", INTERVAL, PREAD, goal=fetch,
            command="run", tools=(INTERVAL, ALWAYS, PREAD),
            compared_with="the goal's threshold (no peer), as the broker's capacity: a reader of batch headers only"),
        Row("fetch, two librdkafka consumers, rec/s", "rec/s", "higher", INTERVAL, command="run", tools=souks),
        Row("p50 at 50,000 rec/s, acks=all", "ms", "lower", INTERVAL, MOCK, command="run", tools=latency),
        Row("p99 at 50,000 rec/s, acks=all", "ms", "lower", INTERVAL, MOCK, goal=p99, command="run", tools=latency),
        Row("p99 at 50,000 rec/s, acks=all", "ms", "lower", ALWAYS, MOCK, goal=p99, command="run", tools=latency),
    ]
    if not shutil.which("gcc") or subprocess.run(["pkg-config", "--exists", "rdkafka"]).returncode != 0:
        raise Skip("librdkafka's C API is not installed (pkg-config rdkafka; make bench installs librdkafka-dev)")
    env = {"SOUK_BIN": ctx.souk}
    if "redis" in ctx.without:
        result.skipped[REDIS] = "left out (--without redis)"
    elif not (shutil.which("redis-server") and shutil.which("redis-benchmark")):
        result.skipped[REDIS] = "redis-server is not installed (make bench installs redis-server, redis-tools)"
    if REDIS in result.skipped:
        env["SKIP_REDIS"] = "1"
    command = ["Benchmarks/Broker/run.sh", records]
    for index in range(1, ctx.runs + 1):
        lines = [line for line in json_objects(run(ctx, command, env=env).stdout) if "target" in line]
        for line in lines:
            found = figure_of(line)
            if found:
                figure, tool, value = found
                result.add(figure, tool, index, value, "s" if figure.startswith("broker CPU") else "rec/s")
            if line["phase"] == "produce" and int(line.get("rate", 0)) > 0:
                tool = TARGETS.get(line["target"].split(" (")[0])
                result.add("p50 at 50,000 rec/s, acks=all", tool, index, line["p50_ms"], "ms")
                result.add("p99 at 50,000 rec/s, acks=all", tool, index, line["p99_ms"], "ms")
        if not any(line["target"] == "souk fsync=interval:1000" for line in lines):
            raise Failed("run.sh printed no result for souk")
    result.command("run", ctx.shown(command, env))
    result.notes.append(f"{records:,} 250-byte records per throughput case, one partition, C clients over "
                        "librdkafka (`Benchmarks/Broker/produce_bench.c`); latency: 250,000 records at a fixed "
                        "50,000 rec/s. The mock cluster runs inside the client process (no network, no log); Redis "
                        "Streams gets one pipelined XADD per record: reference points, not peers.")

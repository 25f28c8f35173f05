#!/usr/bin/env bash
# Engine benchmark, one run on this machine: Souk's stream engine beside PySpark Structured Streaming
# and Apache Flink over the same JSON-lines input (throughput, CPU seconds, peak RSS, and a check that
# they wrote the same windows), then Souk from the broker, the cost of an idle trigger and of a
# batch without data, and end-to-end latency at 100,000 events/s with a 100 ms trigger.
# Usage: Benchmarks/Engine/run.sh [events]   (SOUK_BIN, default .build/release/souk; RUNS, default 3: the
#        timed runs of each engine; PEERS, default "pyspark,flink": the JVM engines to run beside Souk, "" for
#        none; LATENCY_EVENTS, default 2000000: the events of the latency step, at 100,000/s)
# Every engine's result is also printed as one JSON line ({"engine": ...}) for `make bench`.
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-1000000}
RUNS=${RUNS:-3}
PEERS=${PEERS-pyspark,flink}
LATENCY_EVENTS=${LATENCY_EVENTS:-2000000}
SOUK=${SOUK_BIN:-.build/release/souk}
PY=.venv/bin/python
SPARK_PY=.venv-bench/bin/python
FLINK_PY=.venv-flink/bin/python
# parquet-mr and the Hadoop client for Flink's Parquet sink come from the pyspark wheel (see flink_windows.py).
SPARK_JARS=$(ls -d .venv-bench/lib/python3*/site-packages/pyspark/jars 2>/dev/null | head -1)
WORK=$(mktemp -d /tmp/souk-engine-bench.XXXXXX)
PIDS=()  # the processes this script started, stopped by id on exit
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] && cp "$WORK"/*.jsonl "$KEEP_WORK"/ 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/input"
echo "machine: $(nproc) cores, $(uname -r); events: $EVENTS"
$PY Benchmarks/Engine/generate.py "$WORK/input/events.jsonl" --count "$EVENTS"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== file source: decode + 1-minute windows (3 dimensions) + raw Parquet sink, --once, $RUNS runs"
# Each timed run starts with no dirty pages of earlier steps: an fsync of the engine's checkpoint would
# otherwise wait for the kernel to write out the input file just generated (ext4 data=ordered).
# /usr/bin/time gives each run's CPU (user + system) seconds and peak RSS; the wall clock is date's.
: > "$WORK/souk-runs.txt"
for run in $(seq "$RUNS"); do
  rm -rf "$WORK/souk"
  sync
  start=$(date +%s.%N)
  /usr/bin/time -o "$WORK/souk-time.txt" -f "%e %U %S %M" \
    "$SOUK" stream --file "$WORK/input/events.jsonl" --once --trigger 0 --data-dir "$WORK/souk" --log-level error
  end=$(date +%s.%N)
  read -r _ user sys rss < "$WORK/souk-time.txt"
  seconds=$(echo "$end - $start" | bc -l)
  echo "$seconds $(echo "$user + $sys" | bc -l) $rss" >> "$WORK/souk-runs.txt"
  printf 'run %d: %.3f s, %.0f events/s, %.2f CPU s, peak RSS %d MB\n' "$run" "$seconds" \
    "$(echo "$EVENTS / $seconds" | bc -l)" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))"
done
SOUK_FILE=$(awk '{print $1}' "$WORK/souk-runs.txt" | median | awk -v n="$EVENTS" '{printf "%.0f", n / $1}')
printf 'souk file source: median %.0f events/s\n' "$SOUK_FILE"
# Souk's results as one JSON line, like the other engines' (the summary reads them all).
$PY - "$WORK/souk-runs.txt" "$EVENTS" > "$WORK/souk.json" <<'PYEOF'
import json, statistics, sys
runs = [line.split() for line in open(sys.argv[1])]
seconds = [float(r[0]) for r in runs]
median = statistics.median(seconds)
print(json.dumps({"engine": "souk", "events": int(sys.argv[2]), "seconds": round(median, 3),
                  "runs": [round(s, 3) for s in seconds], "events_per_second": round(int(sys.argv[2]) / median),
                  "cpu_seconds": [round(float(r[1]), 2) for r in runs],
                  "peak_rss_mb": round(max(int(r[2]) for r in runs) / 1024),
                  "peak_rss_mb_runs": [round(int(r[2]) / 1024) for r in runs]}))
PYEOF
cat "$WORK/souk.json"
ENGINES=("$WORK/souk.json")

# The JVM engines: one process each, an untimed warm-up and $RUNS timed runs inside it (JVM start-up
# excluded), fresh output directories each run; their logs go to a file, shown if they fail.
if [[ ",$PEERS," != *,pyspark,* ]]; then
  echo "PySpark not run (PEERS=$PEERS)"
elif [ -x "$SPARK_PY" ]; then
  echo "== PySpark Structured Streaming, local[2], availableNow, one query (raw UNION windows, foreachBatch), same input"
  sync
  "$SPARK_PY" Benchmarks/Engine/spark_windows.py "$WORK/input" "$WORK/spark" --events "$EVENTS" --runs "$RUNS" \
    > "$WORK/spark.out" 2> "$WORK/spark.log" || { tail -30 "$WORK/spark.out" "$WORK/spark.log" >&2; exit 1; }
  grep '^{"engine"' "$WORK/spark.out" | tail -1 | tee "$WORK/spark.json"
  # The two must have computed the same thing: the same closed windows with the same aggregates.
  $PY Benchmarks/Engine/compare_windows.py "$WORK/souk" "$WORK/spark" --engine pyspark
  ENGINES+=("$WORK/spark.json")
else
  echo "PySpark not installed (.venv-bench): make bench-engine installs it"
fi

if [[ ",$PEERS," != *,flink,* ]]; then
  echo "Flink not run (PEERS=$PEERS)"
elif [ -x "$FLINK_PY" ]; then
  echo "== Apache Flink (PyFlink Table API), local mini-cluster, parallelism 2, streaming mode, one job, same input"
  if [ -n "$SPARK_JARS" ]; then FLINK_SINK=(--spark-jars "$SPARK_JARS" --build-dir "$WORK/flink-build")
  else echo "no pyspark jars (.venv-bench) for Flink's Parquet sink: Flink writes JSON lines"; FLINK_SINK=(--format json); fi
  sync
  FLINK_LOG_DIR="$WORK/flink-logs" "$FLINK_PY" Benchmarks/Engine/flink_windows.py "$WORK/input" "$WORK/flink" --events "$EVENTS" --runs "$RUNS" "${FLINK_SINK[@]}" \
    > "$WORK/flink.out" 2> "$WORK/flink.log" || { tail -30 "$WORK/flink.out" "$WORK/flink.log" >&2; exit 1; }
  # The JVM's log lines (a Hadoop codec pool's) share stdout with the result line.
  grep '^{"engine"' "$WORK/flink.out" | tail -1 | tee "$WORK/flink.json"
  # Flink closes every window at the end of its bounded input; the windows Souk closed must match.
  $PY Benchmarks/Engine/compare_windows.py "$WORK/souk" "$WORK/flink" --engine flink
  ENGINES+=("$WORK/flink.json")
else
  echo "Flink not installed (.venv-flink): make bench-engine installs it"
fi

echo "== summary: the same 1-minute windows + raw Parquet, median of $RUNS runs"
$PY - "${ENGINES[@]}" <<'PYEOF'
import json, sys
results = [json.load(open(path)) for path in sys.argv[1:]]
souk = results[0]
print(f"{'engine':<8} {'events/s':>10} {'souk ÷':>7} {'median s':>9}  {'runs (s)':<24} {'CPU s per run':<24} {'peak RSS':>9}")
for r in results:
    ratio = souk["events_per_second"] / r["events_per_second"]
    print(f"{r['engine']:<8} {r['events_per_second']:>10,} {ratio:>6.1f}× {r['seconds']:>9.3f}  "
          f"{' / '.join(f'{s:.3f}' for s in r['runs']):<24} {' / '.join(f'{c:.2f}' for c in r['cpu_seconds']):<24} "
          f"{r['peak_rss_mb']:>6} MB")
PYEOF

echo "== broker source: the same events produced to a souk broker first, then souk stream --once"
# A free port (--port 0): two runs at once on one machine must not share a broker.
"$SOUK" broker --port 0 --data-dir "$WORK/broker" --partitions 2 > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "listening on" "$WORK/broker.log" && break; sleep 0.1; done
BOOT=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$WORK/broker.log" | head -1 | sed 's/listening on //')
[ -n "$BOOT" ] || { cat "$WORK/broker.log" >&2; exit 1; }
kcat -P -b "$BOOT" -t ecommerce-transactions -z lz4 -X queue.buffering.max.ms=50 -l "$WORK/input/events.jsonl"
rm -rf "$WORK/souk"
sync
start=$(date +%s.%N)
"$SOUK" stream --bootstrap "$BOOT" --once --trigger 0 --data-dir "$WORK/souk" --log-level error
end=$(date +%s.%N)
printf 'souk broker source: %.0f events/s\n' "$(echo "$EVENTS / ($end - $start)" | bc -l)"

echo "== idle trigger and batch without data (10 ms trigger, idle topic, 20 s)"
rm -rf "$WORK/idle"
"$SOUK" stream --bootstrap "$BOOT" --topic idle-topic --trigger 10ms --data-dir "$WORK/idle" --log-level error \
  --progress > "$WORK/idle.jsonl" 2>/dev/null &
IDLE_PID=$!
PIDS+=($IDLE_PID)
# Two records in each partition, two minutes apart: the batch after theirs applies a watermark that
# closes the first minute's windows.
for partition in 0 1; do
  printf '%s\n%s\n' \
    '{"transaction_id":"a","user_id":"u","city":"c","category":"k","amount":1.0,"quantity":1,"payment_method":"card","timestamp":"2026-11-24T10:00:00"}' \
    '{"transaction_id":"b","user_id":"u","city":"c","category":"k","amount":2.0,"quantity":1,"payment_method":"card","timestamp":"2026-11-24T10:02:00"}' \
    | kcat -P -b "$BOOT" -t idle-topic -p $partition
done
sleep 5
before=$(awk '{print $14 + $15}' /proc/$IDLE_PID/stat)
sleep 20
after=$(awk '{print $14 + $15}' /proc/$IDLE_PID/stat)
kill -TERM $IDLE_PID; wait $IDLE_PID || true
ticks=$(getconf CLK_TCK)
printf 'idle trigger: %.3f ms of CPU per trigger (2,000 triggers in 20 s)\n' "$(echo "($after - $before) * 1000 / $ticks / 2000" | bc -l)"
# The first batch without data: it applies the watermark the records moved and closes a minute's
# windows (a row group and a manifest entry for the windows table, state and commit files); no part
# is rolled (the roll age is 60 s).
$PY - "$WORK/idle.jsonl" <<'PYEOF'
import json, sys
reports = [json.loads(line) for line in open(sys.argv[1])]
empty = [r for r in reports if r["numInputRows"] == 0]
first = empty[0]
print("batch without data that applies a new watermark and closes windows (no roll): %.1f ms (batch %d, %d windows)" % (
    first["durationMs"]["triggerExecution"], first["batchId"], sum(s["numOutputRows"] for s in first["sinks"][1:])))
PYEOF
# A batch with no data that still advances the watermark: the final batch of --once over new data.
rm -rf "$WORK/empty"
head -1000 "$WORK/input/events.jsonl" > "$WORK/small.jsonl"
"$SOUK" stream --file "$WORK/small.jsonl" --once --trigger 0 --data-dir "$WORK/empty" --roll-age 1h --progress --log-level error \
  > "$WORK/empty.jsonl"
$PY - "$WORK/empty.jsonl" <<'PYEOF'
import json, sys
reports = [json.loads(line) for line in open(sys.argv[1])]
empty = [r for r in reports if r["numInputRows"] == 0]
print("batch without data (watermark advance, every open part rolled): %.1f ms (batch %d)" % (
    empty[-1]["durationMs"]["triggerExecution"], empty[-1]["batchId"]))
PYEOF

echo "== end-to-end latency: producer timestamp -> live view, 100,000 events/s, 100 ms trigger, $LATENCY_EVENTS events"
rm -rf "$WORK/latency"
"$SOUK" stream --bootstrap "$BOOT" --topic latency --trigger 100ms --measure-latency --progress \
  --data-dir "$WORK/latency" --log-level error > "$WORK/latency.jsonl" 2>/dev/null &
LAT_PID=$!
PIDS+=($LAT_PID)
"$SOUK" produce --bootstrap "$BOOT" --topic latency --count 1 --rate 0 > /dev/null
sleep 2
"$SOUK" produce --bootstrap "$BOOT" --topic latency --rate 100000 --count "$LATENCY_EVENTS" --json
sleep 2
kill -TERM $LAT_PID; wait $LAT_PID || true
$PY - "$WORK/latency.jsonl" <<'PYEOF'
import json, sys
reports = [json.loads(line) for line in open(sys.argv[1])]
latency = [r["latency"] for r in reports if r.get("latency")][-1]
print("latency over %d events: p50 %d ms, p99 %d ms, max %d ms" % (
    latency["samples"], latency["p50Ms"], latency["p99Ms"], latency["maxMs"]))
PYEOF

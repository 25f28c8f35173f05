#!/usr/bin/env bash
# Engine benchmark, one run on this machine: Souk's stream engine beside PySpark Structured Streaming
# over the same JSON-lines input, then Souk from the broker, the cost of an idle trigger and of a
# batch without data, and end-to-end latency at 100,000 events/s with a 100 ms trigger.
# Usage: Benchmarks/Engine/run.sh [events]   (SOUK_BIN, default .build/release/souk)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-1000000}
SOUK=${SOUK_BIN:-.build/release/souk}
PY=.venv/bin/python
SPARK_PY=.venv-bench/bin/python
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

echo "== file source: decode + 1-minute windows (3 dimensions) + raw Parquet sink, --once, 3 runs"
# Each timed run starts with no dirty pages of earlier steps: an fsync of the engine's checkpoint would
# otherwise wait for the kernel to write out the input file just generated (ext4 data=ordered).
for run in 1 2 3; do
  rm -rf "$WORK/souk"
  sync
  start=$(date +%s.%N)
  "$SOUK" stream --file "$WORK/input/events.jsonl" --once --trigger 0 --data-dir "$WORK/souk" --log-level error
  end=$(date +%s.%N)
  echo "$EVENTS / ($end - $start)" | bc -l
done | tee "$WORK/souk-file.txt"
SOUK_FILE=$(median < "$WORK/souk-file.txt")
printf 'souk file source: median %.0f events/s\n' "$SOUK_FILE"

if [ -x "$SPARK_PY" ]; then
  echo "== PySpark Structured Streaming, local[2], availableNow, same input (1 run)"
  sync
  "$SPARK_PY" Benchmarks/Engine/spark_windows.py "$WORK/input" "$WORK/spark" --events "$EVENTS" | tee "$WORK/spark.json"
  SPARK=$($PY -c "import json,sys; print(json.load(open('$WORK/spark.json'))['events_per_second'])")
  printf 'ratio souk / pyspark: %.1f\n' "$(echo "$SOUK_FILE / $SPARK" | bc -l)"
  # The two must have computed the same thing: the same closed windows with the same aggregates.
  $PY Benchmarks/Engine/compare_windows.py "$WORK/souk" "$WORK/spark"
else
  echo "PySpark not installed (.venv-bench): make bench-engine installs it"
fi

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

echo "== end-to-end latency: producer timestamp -> live view, 100,000 events/s, 100 ms trigger, 20 s"
rm -rf "$WORK/latency"
"$SOUK" stream --bootstrap "$BOOT" --topic latency --trigger 100ms --measure-latency --progress \
  --data-dir "$WORK/latency" --log-level error > "$WORK/latency.jsonl" 2>/dev/null &
LAT_PID=$!
PIDS+=($LAT_PID)
"$SOUK" produce --bootstrap "$BOOT" --topic latency --count 1 --rate 0 > /dev/null
sleep 2
"$SOUK" produce --bootstrap "$BOOT" --topic latency --rate 100000 --count 2000000 --json
sleep 2
kill -TERM $LAT_PID; wait $LAT_PID || true
$PY - "$WORK/latency.jsonl" <<'PYEOF'
import json, sys
reports = [json.loads(line) for line in open(sys.argv[1])]
latency = [r["latency"] for r in reports if r.get("latency")][-1]
print("latency over %d events: p50 %d ms, p99 %d ms, max %d ms" % (
    latency["samples"], latency["p50Ms"], latency["p99Ms"], latency["maxMs"]))
PYEOF

#!/usr/bin/env bash
# Broker benchmark, one run on this machine: Souk's broker, librdkafka's mock cluster and Redis Streams,
# same 250-byte transaction payload, driven by C clients (librdkafka, redis-benchmark). JSON lines on stdout.
#   Benchmarks/Broker/run.sh [records]        (make bench-broker)
# SOUK_BIN: a souk binary to use as it is (`make bench` passes the release binary it built); without it the
# script builds the release binary first. SKIP_REDIS=1 leaves Redis Streams out (redis-server not installed).
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-1000000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/produce_bench" Benchmarks/Broker/produce_bench.c $(pkg-config --cflags --libs rdkafka)
if [ -n "${SOUK_BIN:-}" ]; then
    souk=$SOUK_BIN
else
    swift build -c release --static-swift-stdlib --product souk >&2
    souk=.build/release/souk
fi

start_broker() {  # $1: fsync policy, then more broker options
    rm -rf "$work/data"
    "$souk" broker --port 0 --data-dir "$work/data" --fsync "$1" "${@:2}" --log-level warning 2> "$work/broker.log" &
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/broker.log")
        [ -n "$port" ] && return
        sleep 0.1
    done
    echo "broker did not start" >&2; cat "$work/broker.log" >&2; exit 1
}
stop_broker() { kill %?"broker --port 0" 2>/dev/null || kill "$(jobs -p)" 2>/dev/null || true; wait 2>/dev/null || true; }

for fsync in interval:1000 always; do
    start_broker "$fsync"
    pid=$(pgrep -f -- "--data-dir $work/data" | head -1)
    ticks=$(getconf CLK_TCK)
    for acks in 1 all; do
        # The broker's CPU time for the records produced, beside the throughput the client saw.
        before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        "$work/produce_bench" -b "127.0.0.1:$port" -t "t-$acks" -n "$records" -a "$acks" -l "souk fsync=$fsync"
        after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        echo "{\"target\": \"souk fsync=$fsync\", \"phase\": \"broker cpu during produce acks=$acks\", \"records\": $records, \"cpu_ms\": $(( (after - before) * 1000 / ticks )), \"cpu_s_per_million\": $(python3 -c "print(round(($after - $before) / $ticks * 1e6 / $records, 3))")}"
    done
    # Souk's own consumer (souk bench consume) over the same records, beside librdkafka's below.
    "$souk" bench consume --bootstrap "127.0.0.1:$port" --topic t-1 --records "$records" --json \
        | python3 -c "import json,sys; r=json.load(sys.stdin); print(json.dumps({'target': 'souk fsync=$fsync', 'phase': 'fetch, souk bench consume', 'records': r['records'], 'records_per_s': round(r['records_per_sec'])}))"
    # Fetch again with the broker's CPU time measured: is the broker or the one consumer thread the limit?
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    "$work/produce_bench" -b "127.0.0.1:$port" -t "t-1" -n "$records" -F -l "souk fsync=$fsync (fetch only)"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "{\"target\": \"souk fsync=$fsync\", \"phase\": \"broker cpu during fetch\", \"records\": $records, \"cpu_ms\": $(( (after - before) * 1000 / ticks ))}"
    # The broker's own fetch ceiling: a reader that decodes only batch headers (fetch_raw.py), 10 MB
    # per partition per fetch as the librdkafka consumer above asks, with the broker's CPU time.
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    python3 Benchmarks/Broker/fetch_raw.py --bootstrap "127.0.0.1:$port" --topic t-1 --records "$records" \
        --max-bytes 10485760 --label "souk fsync=$fsync"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "{\"target\": \"souk fsync=$fsync\", \"phase\": \"broker cpu during raw fetch\", \"records\": $records, \"cpu_ms\": $(( (after - before) * 1000 / ticks ))}"
    # Two consumers at once, each on its own topic: the broker's fetch rate past one client thread.
    started=$(date +%s.%N)
    "$work/produce_bench" -b "127.0.0.1:$port" -t "t-1" -n "$records" -F -l "souk fsync=$fsync (consumer A)" &
    first=$!
    "$work/produce_bench" -b "127.0.0.1:$port" -t "t-all" -n "$records" -F -l "souk fsync=$fsync (consumer B)"
    wait "$first"
    ended=$(date +%s.%N)
    echo "{\"target\": \"souk fsync=$fsync\", \"phase\": \"fetch, two consumers\", \"records\": $((2 * records)), \"records_per_s\": $(python3 -c "print(round(2 * $records / ($ended - $started)))")}"
    "$work/produce_bench" -b "127.0.0.1:$port" -t "rate" -n 250000 -a all -r 50000 -l "souk fsync=$fsync"
    stop_broker
done

# Fetch with the log read into buffers (pread, CRC-checked) instead of sendfile, same data and readers.
start_broker interval:1000 --fetch-io pread
"$work/produce_bench" -b "127.0.0.1:$port" -t "t-1" -n "$records" -a 1 -l "souk pread (load)" > /dev/null
pid=$(pgrep -f -- "--data-dir $work/data" | head -1)
"$work/produce_bench" -b "127.0.0.1:$port" -t "t-1" -n "$records" -F -l "souk fetch-io=pread (fetch only)"
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
python3 Benchmarks/Broker/fetch_raw.py --bootstrap "127.0.0.1:$port" --topic t-1 --records "$records" \
    --max-bytes 10485760 --label "souk fetch-io=pread"
after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "{\"target\": \"souk fetch-io=pread\", \"phase\": \"broker cpu during raw fetch\", \"records\": $records, \"cpu_ms\": $(( (after - before) * 1000 / $(getconf CLK_TCK) ))}"
stop_broker

"$work/produce_bench" -m -t mock -n "$records" -a 1 -l "librdkafka mock cluster" 2>/dev/null
"$work/produce_bench" -m -t mock -n 250000 -a all -r 50000 -l "librdkafka mock cluster" 2>/dev/null

# Redis Streams: AOF with everysec fsync, pipelined XADD of the same 250-byte payload.
[ "${SKIP_REDIS:-0}" = 1 ] && exit 0
redis_port=$((20000 + RANDOM % 10000))
redis-server --port "$redis_port" --dir "$work" --appendonly yes --appendfsync everysec --save "" --daemonize no \
    > "$work/redis.log" 2>&1 &
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
value=$(printf '{"transaction_id": "00000001-4f1c-4a6b-9e2d-000000001eef", "user_id": "user_1", "city": "Casablanca", "category": "Electronics", "amount": 1.01, "quantity": 2, "payment_method": "credit_card", "timestamp": "2026-11-24T12:00:00"}%*s' 21 '')
seconds=$( { /usr/bin/time -f "%e" redis-benchmark -p "$redis_port" -n "$records" -P 100 -c 4 -q XADD s '*' v "$value" >/dev/null; } 2>&1 | tail -1)
length=$(redis-cli -p "$redis_port" XLEN s)
echo "{\"target\": \"redis streams (aof everysec)\", \"phase\": \"produce\", \"records\": $length, \"seconds\": $seconds, \"records_per_s\": $(python3 -c "print(round($length/$seconds))")}"
redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true

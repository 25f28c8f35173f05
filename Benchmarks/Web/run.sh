#!/usr/bin/env bash
# Dashboard benchmark, one run on this machine: API latency under 1,000 requests/s with `hey` over a history
# of N transactions (live mode: `souk stream --web`; tables mode: `souk web`), at N/10 and N to show whether
# it stays flat; the server-sent events fan-out to 100 subscribers and the end-to-end freshness at 10,000
# events/s with a 200 ms trigger; page weight and time to the first chart in headless Chromium.
# Usage: Benchmarks/Web/run.sh [events]   (default 10,000,000; SOUK_BIN, default .build/release/souk;
#        ONLY=api or ONLY=sse runs one part: the API under load, or SSE with the page load; SKIP_PAGE=1 leaves
#        the page load out, where Chromium is not installed)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-10000000}
ONLY=${ONLY:-all}
SOUK=${SOUK_BIN:-.build/release/souk}
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/souk-web-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done; return 1; }
# p50 and p99 in ms from hey's latency distribution, and the achieved rate.
hey_line() {
  awk '/Requests\/sec/ {rps=$2} /50% in/ {p50=$3*1000} /99% in/ {p99=$3*1000} /\[200\]/ {ok=$2}
       END {printf "rps %.0f, p50 %.2f ms, p99 %.2f ms, 200s %s\n", rps, p50, p99, ok}'
}
load() {  # port label
  for route in /api/stats /api/categories "/api/transactions/top?n=10" "/api/timeseries?dimension=city&minutes=60"; do
    printf '%-8s %-45s ' "$2" "$route"
    hey -z 15s -c 10 -q 100 "http://127.0.0.1:$1$route" | hey_line
  done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r); $($SOUK --version); $(hey -h 2>&1 | head -1 || true)"
for n in $((EVENTS / 10)) "$EVENTS"; do
  [ "$ONLY" = sse ] && break
  echo "== history of $n transactions"
  $PY Benchmarks/Engine/generate.py "$WORK/in-$n.jsonl" --count "$n"
  "$SOUK" stream --file "$WORK/in-$n.jsonl" --once --trigger 0 --data-dir "$WORK/tables-$n" --log-level error

  port=$(free_port)
  start=$(date +%s.%N)
  "$SOUK" web --data-dir "$WORK/tables-$n" --port "$port" --log-level error > /dev/null &
  PIDS+=($!)
  wait_http "$port"
  printf 'souk web: answering %.2f s after start (it reads the tables first), RSS %s MiB\n' \
    "$(echo "$(date +%s.%N) - $start" | bc -l)" "$(( $(awk '/VmRSS/ {print $2}' /proc/${PIDS[-1]}/status) / 1024 ))"
  load "$port" tables
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'

  port=$(free_port)
  "$SOUK" stream --file "$WORK/in-$n.jsonl" --trigger 200ms --data-dir "$WORK/live-$n" --web --web-port "$port" \
    --log-level error > /dev/null 2>&1 &
  PIDS+=($!)
  wait_http "$port"
  for _ in $(seq 1200); do
    [ "$(curl -sf "http://127.0.0.1:$port/api/stats" | $PY -c 'import json,sys; print(json.load(sys.stdin)["transactions"])')" = "$n" ] && break
    sleep 0.5
  done
  printf 'souk stream --web: live view holds all %s transactions, RSS %s MiB\n' "$n" \
    "$(( $(awk '/VmRSS/ {print $2}' /proc/${PIDS[-1]}/status) / 1024 ))"
  load "$port" live
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
  rm -rf "$WORK/in-$n.jsonl" "$WORK/live-$n"
done

[ "$ONLY" = api ] && exit 0
echo "== 100 SSE subscribers, 10,000 events/s through the broker, 200 ms trigger, 30 s"
bport=$(free_port)
"$SOUK" broker --port "$bport" --data-dir "$WORK/broker" > "$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do grep -q "listening on" "$WORK/broker.log" && break; sleep 0.1; done
wport=$(free_port)
"$SOUK" produce --bootstrap "127.0.0.1:$bport" --count 1 --rate 0 2> /dev/null
"$SOUK" stream --bootstrap "127.0.0.1:$bport" --trigger 200ms --data-dir "$WORK/sse" --web --web-port "$wport" \
  --log-level error > /dev/null 2>&1 &
PIDS+=($!)
wait_http "$wport"
$PY Benchmarks/Web/sse_latency.py "$wport" --subscribers 100 --seconds 35 > "$WORK/sse.json" &
SSE=$!
sleep 2
"$SOUK" produce --bootstrap "127.0.0.1:$bport" --rate 10000 --count 300000 2> /dev/null
wait $SSE
cat "$WORK/sse.json"

[ "${SKIP_PAGE:-0}" = 1 ] && exit 0
echo "== page weight and time to the first chart (headless Chromium, live dashboard)"
$PY Benchmarks/Web/page_load.py "http://127.0.0.1:$wport/"

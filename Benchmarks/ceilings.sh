#!/usr/bin/env bash
# The machine's ceilings the benchmarks are read against, one run: cores, memory, kernel, the disk under
# the repository, loopback TCP throughput (iperf3, 10 s) and sequential write with fdatasync (dd, 1 GiB).
# Usage: Benchmarks/ceilings.sh      (make bench-ceilings)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d ./.build/ceilings.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "disk under the repository: $(df -hT . | awk 'NR==2 {print $2, $1, $3 " total"}')"
port=$((30000 + RANDOM % 10000))
iperf3 -s -p "$port" -1 > /dev/null 2>&1 &
sleep 0.5
iperf3 -c 127.0.0.1 -p "$port" -t 10 -J | python3 -c "import json,sys; r=json.load(sys.stdin)['end']['sum_received']; print('loopback TCP (iperf3, one stream, 10 s): %.1f Gbit/s' % (r['bits_per_second'] / 1e9))"
dd if=/dev/zero of="$work/dd" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1 | sed 's/^/sequential write with fdatasync (dd, 1 GiB): /'

#!/usr/bin/env bash
# `souk analyze` beside DuckDB and pandas + pyarrow, one run on this machine, the same files for all three:
# N transactions (default 10,000,000) over 24 hours of event time, written by `souk stream --file --once`.
# Each reader runs once unmeasured (the files are then in the page cache for all), then three times; the
# median wall time (process start to exit) is reported, and for the Python readers also the time inside
# the process after imports. Then a one-hour --from/--to report over the 24-hour table, both ways.
# Usage: Benchmarks/Analyze/run.sh [events]   (SOUK_BIN, default .build/release/souk; RUNS, default 3, and
#        HOUR_RUNS, default 5: the timed runs of the full and the one-hour report)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS=${1:-10000000}
RUNS=${RUNS:-3}
HOUR_RUNS=${HOUR_RUNS:-5}
SOUK=${SOUK_BIN:-.build/release/souk}
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/souk-analyze-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
TABLE="$WORK/data/tables/transactions"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r); $($SOUK --version);" \
  "duckdb $($PY -c 'import duckdb; print(duckdb.__version__)'), pandas $($PY -c 'import pandas; print(pandas.__version__)')," \
  "pyarrow $($PY -c 'import pyarrow; print(pyarrow.__version__)')"
$PY Benchmarks/Engine/generate.py "$WORK/in.jsonl" --count "$EVENTS" --start 2026-11-24T00:00:00 \
  --spacing-us $((86400000000 / EVENTS))
"$SOUK" stream --file "$WORK/in.jsonl" --once --trigger 0 --data-dir "$WORK/data" --log-level error
rm "$WORK/in.jsonl"
$PY - "$TABLE" <<'PY'
import glob, sys, pyarrow.parquet as pq
files = glob.glob(f"{sys.argv[1]}/date=*/hour=*/*.parquet")
groups = sum(pq.ParquetFile(f).num_row_groups for f in files)
rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
size = sum(__import__("os").path.getsize(f) for f in files)
print(f"table: {rows:,} rows in {len(files)} files, {groups} row groups, {size / 2**20:.0f} MiB")
PY

echo "== full report"
$PY Benchmarks/Analyze/measure.py --runs "$RUNS" --warmup 1 \
  "souk analyze" "$SOUK analyze --data-dir $WORK/data --format json --workers 2" \
  "duckdb, 2 threads" "$PY Benchmarks/Analyze/report_duckdb.py $TABLE --threads 2" \
  "pandas + pyarrow" "$PY Benchmarks/Analyze/report_pandas.py $TABLE"

echo "== one hour (22:00 to 23:00) of the 24-hour table"
FROM=2026-11-24T22:00:00Z
TO=2026-11-24T23:00:00Z
$PY Benchmarks/Analyze/measure.py --runs "$HOUR_RUNS" --warmup 1 \
  "souk analyze, one hour" "$SOUK analyze --data-dir $WORK/data --format json --from $FROM --to $TO" \
  "duckdb, 2 threads, one hour" "$PY Benchmarks/Analyze/report_duckdb.py $TABLE --threads 2 --from $FROM --to $TO"
"$SOUK" analyze --data-dir "$WORK/data" --format json --from $FROM --to $TO --section scan

echo "== do they agree? (Souk against DuckDB, the whole table and the hour)"
"$SOUK" analyze --data-dir "$WORK/data" --format json > "$WORK/souk.json"
$PY Benchmarks/Analyze/report_duckdb.py "$TABLE" > "$WORK/duckdb.json" 2> /dev/null
"$SOUK" analyze --data-dir "$WORK/data" --format json --from $FROM --to $TO > "$WORK/souk-hour.json"
$PY Benchmarks/Analyze/report_duckdb.py "$TABLE" --from $FROM --to $TO > "$WORK/duckdb-hour.json" 2> /dev/null
$PY Benchmarks/Analyze/compare.py "$WORK/souk.json" "$WORK/duckdb.json"
$PY Benchmarks/Analyze/compare.py "$WORK/souk-hour.json" "$WORK/duckdb-hour.json"

"""Checks that Souk and another engine (PySpark or Flink) computed the same windows over the benchmark input.

Usage: compare_windows.py SOUK_DATA_DIR ENGINE_WORK_DIR [--engine pyspark|flink]. Reads
`<souk>/tables/windows/**/*.parquet` and `<engine>/windows/**` (Spark: `batch=<id>/part-*.parquet`, one
directory per micro-batch; Flink: `part-*` files) with DuckDB, and exits 1 unless the windows both closed
are the same (window, dimension, key) rows with equal counts and item sums and revenues within 1e-6
relative.

Which windows both closed: Souk's --once run closes the windows its final watermark allows, W = the
largest event time minus 10 s (read from Souk's raw table): every window with window_end <= W.
- PySpark applies the same watermark in the no-data batch that availableNow runs last, so its set must
  equal Souk's exactly.
- Flink's bounded source ends with a MAX watermark that closes every window, so Flink also writes the
  windows that end after W; those are counted and left out, and the rest must equal Souk's exactly.
"""

import argparse
import glob
import sys

import duckdb


def rows(pattern):
    files = glob.glob(pattern, recursive=True)
    parquet = not files or open(files[0], "rb").read(4) == b"PAR1"  # Flink's --format json writes JSON lines
    source = (f"read_parquet('{pattern}', hive_partitioning = false)" if parquet else
              f"read_json('{pattern}', columns = {{window_start: 'TIMESTAMP', window_end: 'TIMESTAMP', "
              "dimension: 'VARCHAR', key: 'VARCHAR', revenue: 'DOUBLE', transactions: 'BIGINT', items: 'BIGINT'})")
    return {
        (start, end, dimension, key): (revenue, transactions, items)
        for start, end, dimension, key, revenue, transactions, items in duckdb.sql(
            f"""select epoch_us(window_start), epoch_us(window_end), dimension, key, revenue, transactions, items
                from {source}"""
        ).fetchall()
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("souk_dir")
    parser.add_argument("engine_dir")
    parser.add_argument("--engine", choices=["pyspark", "flink"], default="pyspark")
    args = parser.parse_args()
    souk = rows(f"{args.souk_dir}/tables/windows/**/*.parquet")
    other = rows(f"{args.engine_dir}/windows/**/*.parquet" if args.engine == "pyspark"
                 else f"{args.engine_dir}/windows/part-*")
    [(max_event_us,)] = duckdb.sql(
        f"""select max(epoch_us("timestamp")) from read_parquet('{args.souk_dir}/tables/transactions/**/*.parquet',
            hive_partitioning = false)""").fetchall()
    watermark = max_event_us - 10_000_000
    later = {k for k in other if k[1] > watermark}  # windows Souk's final watermark leaves open
    if args.engine == "pyspark":
        later = set()  # same watermark: any extra window is a difference
    closed = {k: v for k, v in other.items() if k not in later}
    open_in_souk = [k for k in souk if k[1] > watermark]
    only_souk, only_other = souk.keys() - closed.keys(), closed.keys() - souk.keys()
    differ = [
        k for k in souk.keys() & closed.keys()
        if souk[k][1:] != closed[k][1:] or abs(souk[k][0] - closed[k][0]) > 1e-6 * max(1.0, abs(closed[k][0]))
    ]
    extra = f" ({len(later)} more closed only by {args.engine}'s end-of-input watermark, left out)" if later else ""
    print(f"windows: souk {len(souk)}, {args.engine} {len(closed)}{extra}, only in souk {len(only_souk)}, "
          f"only in {args.engine} {len(only_other)}, different values {len(differ)}")
    if only_souk or only_other or differ or open_in_souk:
        for k in sorted(only_souk)[:5] + sorted(only_other)[:5] + sorted(differ)[:5] + open_in_souk[:5]:
            print("  ", k, souk.get(k), other.get(k))
        sys.exit(1)


if __name__ == "__main__":
    main()

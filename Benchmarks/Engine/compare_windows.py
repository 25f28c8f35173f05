"""Checks that Souk and PySpark computed the same windows over the benchmark input.

Usage: compare_windows.py SOUK_DATA_DIR SPARK_WORK_DIR. Reads `<souk>/tables/windows/**/*.parquet` and
`<spark>/windows/*.parquet` with DuckDB; exits 1 unless both hold the same (window, dimension, key) rows
with equal counts and item sums and revenues within 1e-6 relative. Souk closes windows up to the final
watermark of its --once run, Spark up to the watermark of its last (no-data) batch: the same instant,
the largest event time minus 10 s, so the sets must match exactly.
"""

import sys

import duckdb


def rows(pattern):
    return {
        (start, end, dimension, key): (revenue, transactions, items)
        for start, end, dimension, key, revenue, transactions, items in duckdb.sql(
            f"""select epoch_us(window_start), epoch_us(window_end), dimension, key, revenue, transactions, items
                from read_parquet('{pattern}', hive_partitioning = false)"""
        ).fetchall()
    }


def main():
    souk = rows(f"{sys.argv[1]}/tables/windows/**/*.parquet")
    spark = rows(f"{sys.argv[2]}/windows/*.parquet")
    only_souk, only_spark = souk.keys() - spark.keys(), spark.keys() - souk.keys()
    differ = [
        k for k in souk.keys() & spark.keys()
        if souk[k][1:] != spark[k][1:] or abs(souk[k][0] - spark[k][0]) > 1e-6 * max(1.0, abs(spark[k][0]))
    ]
    print(f"windows: souk {len(souk)}, pyspark {len(spark)}, only in souk {len(only_souk)}, "
          f"only in pyspark {len(only_spark)}, different values {len(differ)}")
    if only_souk or only_spark or differ:
        for k in sorted(only_souk)[:5] + sorted(only_spark)[:5] + sorted(differ)[:5]:
            print("  ", k, souk.get(k), spark.get(k))
        sys.exit(1)


if __name__ == "__main__":
    main()

"""JSON lines → Parquet, one file, every tool: `souk convert` beside pyarrow, DuckDB (2 threads) and polars.

Usage: measure.py INPUT.jsonl [--runs 3] [--souk .build/release/souk]
Each tool reads the same JSON-lines file and writes Parquet with the codec given (zstd, snappy); the
best of --runs wall times is reported with the output's size and row count (read back with pyarrow), and
every run's wall time and output size (`runs_s`, `bytes_runs`) for the report (`make bench`).
Every tool infers the schema from the data, as a user running it without options would.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import duckdb
import polars as pl
import pyarrow.json as pj
import pyarrow.parquet as pq


def souk(binary):
    return lambda src, dst, codec: subprocess.run([binary, "convert", "--codec", codec, src, dst], check=True)


def pyarrow(src, dst, codec):
    pq.write_table(pj.read_json(src), dst, compression=codec)


def duck(src, dst, codec):
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"COPY (SELECT * FROM read_json_auto('{src}', format='newline_delimited')) TO '{dst}' "
                f"(FORMAT parquet, COMPRESSION {codec})")
    con.close()


def polars(src, dst, codec):
    pl.read_ndjson(src).write_parquet(dst, compression=codec)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--souk", default=".build/release/souk")
    parser.add_argument("--codecs", default="zstd,snappy")
    args = parser.parse_args()
    tools = {"souk": souk(args.souk), "pyarrow": pyarrow, "duckdb": duck, "polars": polars}
    results = []
    with tempfile.TemporaryDirectory() as work:
        for codec in args.codecs.split(","):
            for name, convert in tools.items():
                times, sizes = [], []
                dst = os.path.join(work, f"{name}-{codec}.parquet")
                for _ in range(args.runs):
                    if os.path.exists(dst):
                        os.remove(dst)
                    start = time.perf_counter()
                    convert(args.input, dst, codec)
                    times.append(time.perf_counter() - start)
                    sizes.append(os.path.getsize(dst))
                rows = pq.ParquetFile(dst).metadata.num_rows
                results.append({"tool": name, "codec": codec, "best_s": round(min(times), 3),
                                "runs_s": [round(t, 3) for t in times], "bytes": os.path.getsize(dst),
                                "bytes_runs": sizes, "rows": rows})
                print(json.dumps(results[-1]), flush=True)
    counts = {r["rows"] for r in results}
    if len(counts) != 1:
        sys.exit(f"the tools wrote different row counts: {counts}")


if __name__ == "__main__":
    main()

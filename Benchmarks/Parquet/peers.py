"""The peers of the Parquet benchmark, on the table `make_input.py` wrote (loaded untimed): pyarrow, DuckDB
and polars, each on ONE thread as Souk's writer and reader are.

  peers.py write INPUT.parquet DIR   time each peer writing the table from memory with none, snappy and
                                     zstd (best of 3); files go to DIR/<tool>-<codec>.parquet
  peers.py read DIR                  time every reader (pyarrow, DuckDB, polars) reading every file in DIR,
                                     Souk's included, into memory (best of 3)
  --runs N                           time N runs instead of 3 (`make bench` passes its own)

Prints one JSON object per measurement: the best run (`ms`) and every run (`runs_ms`; for writes also the
file's size after each run, `bytes_runs`). DuckDB writes through `COPY … TO` (a file in DIR; put DIR on tmpfs
to keep the disk out), pyarrow and polars to a file in DIR as well.
"""

import argparse
import json
import os
import time

os.environ["POLARS_MAX_THREADS"] = "1"

import duckdb  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

pa.set_cpu_count(1)
pa.set_io_thread_count(1)
CODECS = ["none", "snappy", "zstd"]


def timed(action, runs=3, after=None):
    """Runs `action` `runs` times; returns each run's seconds (and what `after()` returned after each run)."""
    times, observed = [], []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if after:
            observed.append(after())
    return times, observed


def write(input_path, directory, runs=3):
    table = pq.read_table(input_path)
    frame = pl.from_arrow(table)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.register("input_table", table)
    rows = table.num_rows
    for codec in CODECS:
        targets = {
            "pyarrow": lambda p: pq.write_table(table, p, compression=codec, write_page_index=False),
            "duckdb": lambda p: con.execute(
                f"COPY input_table TO '{p}' (FORMAT parquet, COMPRESSION {'uncompressed' if codec == 'none' else codec})"),
            "polars": lambda p: frame.write_parquet(p, compression="uncompressed" if codec == "none" else codec),
        }
        for tool, action in targets.items():
            path = os.path.join(directory, f"{tool}-{codec}.parquet")
            times, sizes = timed(lambda: action(path), runs, after=lambda: os.path.getsize(path))
            seconds = min(times)
            print(json.dumps({"phase": "write", "tool": tool, "codec": codec, "ms": round(seconds * 1000, 1),
                              "rows_per_s": round(rows / seconds), "bytes": os.path.getsize(path),
                              "runs_ms": [round(t * 1000, 1) for t in times], "bytes_runs": sizes}), flush=True)


def read(directory, runs=3):
    con = duckdb.connect()
    con.execute("SET threads = 1")
    readers = {
        "pyarrow": lambda p: pq.read_table(p, use_threads=False).num_rows,
        "duckdb": lambda p: con.sql(f"SELECT * FROM read_parquet('{p}')").to_arrow_table().num_rows,
        "polars": lambda p: pl.read_parquet(p).height,
    }
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".parquet"):
            continue
        path = os.path.join(directory, name)
        for reader, action in readers.items():
            rows = action(path)
            times, _ = timed(lambda: action(path), runs)
            print(json.dumps({"phase": "read", "file": name, "reader": reader, "ms": round(min(times) * 1000, 1),
                              "rows": rows, "runs_ms": [round(t * 1000, 1) for t in times]}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["write", "read"])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="write: INPUT.parquet DIR; read: DIR")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.phase == "write" and len(args.paths) == 2:
        write(*args.paths, runs=args.runs)
    elif args.phase == "read" and len(args.paths) == 1:
        read(args.paths[0], runs=args.runs)
    else:
        parser.error("usage: peers.py write INPUT.parquet DIR | peers.py read DIR")


if __name__ == "__main__":
    main()

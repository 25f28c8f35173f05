"""The tables benchmark: bytes per row and read time of one hour of demo-rate data as the stream rolls it,
after `souk compact`, and as pyarrow writes the same rows in one file; then time and peak memory of
compacting a 10-million-row hour. One run; prints a Markdown report (or, with --json, one JSON object per
measurement with every timed read, for `make bench`).

Usage: measure.py SOUK_BINARY WORK_DIR [--runs 5] [--hour-rows 719800] [--big-rows 10000000] [--json]
(--runs: timed reads of each layout after one warm-up, the best reported; --big-rows 0 skips the big hour)

Input: one hour of transactions as `souk demo` generates them (UUID ids, USER_100..999, six cities, six
categories, four payment methods, 10.00-500.00, quantity 1-5), 200 a second (720,000, 5 ms apart), fed to
`souk stream --file --once` in batches of 40 rows (200/s with a 200 ms trigger), with 20 s of the next
hour after it so that the watermark closes it. A demo rolls a part a
minute (--roll-age 60s); a file is read far faster than a minute, so --roll-size stands in for the age:
parts of about a minute of rows each, as the demo leaves them.
"""

import argparse
import datetime
import glob
import json
import os
import random
import subprocess
import sys
import time
import uuid

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

CITIES = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"]
CATEGORIES = ["Electronics", "Fashion", "Home & Garden", "Sports", "Books", "Beauty"]
PAYMENTS = ["Credit Card", "PayPal", "Cash on Delivery", "Bank Transfer"]
START = datetime.datetime(2026, 11, 24, 10, 0, 1)


def generate(path, count, spacing_us, seed):
    rng = random.Random(seed)
    with open(path, "w") as out:
        for i in range(count):
            moment = START + datetime.timedelta(microseconds=i * spacing_us)
            out.write(json.dumps({
                "transaction_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "user_id": f"USER_{rng.randint(100, 999)}", "city": rng.choice(CITIES),
                "category": rng.choice(CATEGORIES), "amount": rng.randint(1000, 50000) / 100,
                "quantity": rng.randint(1, 5), "payment_method": rng.choice(PAYMENTS),
                "timestamp": moment.isoformat(),
            }) + "\n")


def run(command):
    """Runs `command` under GNU time; returns (seconds, peak RSS in MiB, stdout)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{command[1]} failed: {done.stderr}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024, done.stdout


def timed(function, runs=5):
    """Each run's seconds, after one untimed run that warms the page cache and the readers alike."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


QUERY = "select category, count(*), sum(amount), count(distinct user_id) from read_parquet({}) group by 1"


class Report:
    """Collects the measurements: Markdown lines, or one JSON object per measurement (--json)."""

    def __init__(self, as_json):
        self.as_json, self.lines = as_json, []

    def text(self, line):
        if not self.as_json:
            self.lines.append(line)

    def record(self, line, **fields):
        if self.as_json:
            print(json.dumps(fields), flush=True)
        else:
            self.lines.append(line)


def measure(report, key, label, files, rows, runs):
    size = sum(os.path.getsize(f) for f in files)
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    connection = duckdb.connect()
    connection.execute("set threads = 2")
    duck = timed(lambda: connection.sql(QUERY.format(listing)).fetchall(), runs)
    arrow = timed(lambda: pq.ParquetDataset(files).read(), runs)
    groups = sum(pq.ParquetFile(f).metadata.num_row_groups for f in files)
    report.record(
        f"| {label} | {len(files)} | {groups} | {size / rows:.1f} | {min(duck) * 1000:.0f} ms | {min(arrow) * 1000:.0f} ms |",
        layout=key, label=label, parts=len(files), row_groups=groups, rows=rows, bytes=size,
        bytes_per_row=round(size / rows, 2), duckdb_runs_ms=[round(t * 1000, 2) for t in duck],
        pyarrow_runs_ms=[round(t * 1000, 2) for t in arrow])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("souk")
    parser.add_argument("work")
    parser.add_argument("--runs", type=int, default=5, help="timed reads of each layout (the best is reported)")
    parser.add_argument("--hour-rows", type=int, default=720_000 - 200,
                        help="rows of the hour, at most the default (200 a second, 10:00:01 to 10:59:59.995)")
    parser.add_argument("--big-rows", type=int, default=10_000_000, help="rows of the compacted big hour; 0 skips it")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of Markdown")
    args = parser.parse_args()
    if not 0 < args.hour_rows <= 720_000 - 200 or args.big_rows < 0:
        parser.error("--hour-rows must be 1 to 719,800 (200 a second fill the hour) and --big-rows at least 0")
    souk, work = args.souk, args.work
    os.makedirs(work, exist_ok=True)
    report = Report(args.json)

    source = os.path.join(work, "hour.jsonl")
    rows = args.hour_rows
    # The rows fill one hour directory from 10:00:01 (5 ms apart for the default 719,800) …
    spacing_us = -(-3_599_000_000 // rows)
    if 1_000_000 + (rows - 1) * spacing_us >= 3_600_000_000:
        sys.exit(f"--hour-rows {rows}: the rows do not fit the hour 5 ms or more apart; use another count")
    # … and 20 s of the next hour, so the watermark (10 s behind) closes this one.
    generate(source, rows + 20_000_000 // spacing_us, spacing_us, seed=7)
    data = os.path.join(work, "data")
    subprocess.run(["rm", "-rf", data], check=True)
    seconds, peak, _ = run([souk, "stream", "--file", source, "--data-dir", data, "--once", "--trigger", "0",
                            "--max-records-per-partition", "40", "--roll-size", "1100KiB", "--log-level", "error"])
    table = os.path.join(data, "tables", "transactions")
    hour = "date=2026-11-24/hour=10"
    parts = sorted(glob.glob(f"{table}/{hour}/*.parquet"))
    report.text(f"`souk stream` over the hour in batches of 40 rows: {seconds:.1f} s, {len(parts)} parts.")
    report.text("")
    report.text("| layout | parts | row groups | bytes per row | DuckDB query (2 threads) | pyarrow read |")
    report.text("|---|---|---|---|---|---|")
    measure(report, "rolled", "as the stream rolled them", parts, rows, args.runs)

    whole = pq.ParquetDataset(parts).read().sort_by("timestamp")
    if whole.num_rows != rows:
        sys.exit(f"the stream wrote {whole.num_rows} rows into the hour, not {rows}")
    reference = os.path.join(work, "pyarrow.parquet")
    pq.write_table(whole, reference, compression="snappy", row_group_size=len(whole))
    measure(report, "pyarrow", "pyarrow, the same rows in one file (snappy, one row group)", [reference], rows,
            args.runs)

    seconds, peak, output = run([souk, "compact", "--data-dir", data, "--older-than", "0s", "--retain", "0s",
                                 "--table", "transactions"])
    compacted = sorted(glob.glob(f"{table}/{hour}/*.parquet"))
    measure(report, "compacted", "after `souk compact`", compacted, rows, args.runs)
    report.text("")
    report.record(f"`souk compact` of that hour: {seconds:.2f} s, peak RSS {peak:.0f} MiB.",
                  step="compact hour", rows=rows, seconds=round(seconds, 3), peak_rss_mib=round(peak, 1))
    report.text("")
    if args.big_rows == 0:
        print("\n".join(report.lines))
        return

    big = os.path.join(work, "ten-million.jsonl")
    count = args.big_rows
    # 10:00:01 to 10:59:51 (359 µs apart for 10,000,000), then 21.5 s of the next hour.
    big_spacing_us = 3_590_000_000 // count
    generate(big, count + 21_540_000 // big_spacing_us, big_spacing_us, seed=8)
    data = os.path.join(work, "data-10m")
    subprocess.run(["rm", "-rf", data], check=True)
    seconds, peak, _ = run([souk, "stream", "--file", big, "--data-dir", data, "--once", "--trigger", "0",
                            "--roll-size", "64MiB", "--log-level", "error"])
    table = os.path.join(data, "tables", "transactions")
    parts = glob.glob(f"{table}/{hour}/*.parquet")
    before = sum(os.path.getsize(p) for p in parts)
    seconds, peak, output = run([souk, "compact", "--data-dir", data, "--older-than", "0s", "--retain", "0s",
                                 "--table", "transactions"])
    after = glob.glob(f"{table}/{hour}/*.parquet")
    merged = pq.ParquetFile(after[0]).metadata
    report.record(
        f"`souk compact` of a {count:,}-row hour ({len(parts)} parts, {before / 2**20:.0f} MiB, into "
        f"{len(after)} part of {merged.num_row_groups} row groups, {sum(os.path.getsize(p) for p in after) / 2**20:.0f} "
        f"MiB): {seconds:.1f} s, peak RSS {peak:.0f} MiB.",
        step="compact big hour", rows=count, parts=len(parts), seconds=round(seconds, 3), peak_rss_mib=round(peak, 1))
    print("\n".join(report.lines))


if __name__ == "__main__":
    main()

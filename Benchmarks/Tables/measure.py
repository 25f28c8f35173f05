"""The tables benchmark: bytes per row and read time of one hour of demo-rate data as the stream rolls it,
after `souk compact`, and as pyarrow writes the same rows in one file; then time and peak memory of
compacting a 10-million-row hour. One run; prints a Markdown report.

Usage: measure.py SOUK_BINARY WORK_DIR

Input: one hour of transactions as `souk demo` generates them (UUID ids, USER_100..999, six cities, six
categories, four payment methods, 10.00-500.00, quantity 1-5), 200 a second (720,000, 5 ms apart), fed to
`souk stream --file --once` in batches of 40 rows (200/s with a 200 ms trigger), with 20 s of the next
hour after it so that the watermark closes it. A demo rolls a part a
minute (--roll-age 60s); a file is read far faster than a minute, so --roll-size stands in for the age:
parts of about a minute of rows each, as the demo leaves them.
"""

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


def best(function, runs=5):
    function()  # warm the page cache and the readers alike
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


QUERY = "select category, count(*), sum(amount), count(distinct user_id) from read_parquet({}) group by 1"


def measure(label, files, rows):
    size = sum(os.path.getsize(f) for f in files)
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    connection = duckdb.connect()
    connection.execute("set threads = 2")
    duck = best(lambda: connection.sql(QUERY.format(listing)).fetchall())
    arrow = best(lambda: pq.ParquetDataset(files).read())
    groups = sum(pq.ParquetFile(f).metadata.num_row_groups for f in files)
    return f"| {label} | {len(files)} | {groups} | {size / rows:.1f} | {duck * 1000:.0f} ms | {arrow * 1000:.0f} ms |"


def main():
    souk, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    lines = []

    source = os.path.join(work, "hour.jsonl")
    rows = 720_000 - 200  # 10:00:01 to 10:59:59.995, inside one hour directory
    # … and 20 s of the next hour, so the watermark (10 s behind) closes this one.
    generate(source, rows + 200 * 20, 5000, seed=7)
    data = os.path.join(work, "data")
    subprocess.run(["rm", "-rf", data], check=True)
    seconds, peak, _ = run([souk, "stream", "--file", source, "--data-dir", data, "--once", "--trigger", "0",
                            "--max-records-per-partition", "40", "--roll-size", "1100KiB", "--log-level", "error"])
    table = os.path.join(data, "tables", "transactions")
    hour = "date=2026-11-24/hour=10"
    parts = sorted(glob.glob(f"{table}/{hour}/*.parquet"))
    lines.append(f"`souk stream` over the hour in batches of 40 rows: {seconds:.1f} s, {len(parts)} parts.")
    lines.append("")
    lines.append("| layout | parts | row groups | bytes per row | DuckDB query (2 threads) | pyarrow read |")
    lines.append("|---|---|---|---|---|---|")
    lines.append(measure("as the stream rolled them", parts, rows))

    whole = pq.ParquetDataset(parts).read().sort_by("timestamp")
    reference = os.path.join(work, "pyarrow.parquet")
    pq.write_table(whole, reference, compression="snappy", row_group_size=len(whole))
    lines.append(measure("pyarrow, the same rows in one file (snappy, one row group)", [reference], rows))

    seconds, peak, output = run([souk, "compact", "--data-dir", data, "--older-than", "0s", "--retain", "0s",
                                 "--table", "transactions"])
    compacted = sorted(glob.glob(f"{table}/{hour}/*.parquet"))
    lines.append(measure("after `souk compact`", compacted, rows))
    lines.append("")
    lines.append(f"`souk compact` of that hour: {seconds:.2f} s, peak RSS {peak:.0f} MiB.")
    lines.append("")

    big = os.path.join(work, "ten-million.jsonl")
    count = 10_000_000
    generate(big, count + 60_000, 359, seed=8)  # 10:00:01 to 10:59:51, then 21 s of the next hour
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
    lines.append(
        f"`souk compact` of a 10,000,000-row hour ({len(parts)} parts, {before / 2**20:.0f} MiB, into "
        f"{len(after)} part of {merged.num_row_groups} row groups, {sum(os.path.getsize(p) for p in after) / 2**20:.0f} "
        f"MiB): {seconds:.1f} s, peak RSS {peak:.0f} MiB.")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

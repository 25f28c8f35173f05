"""kill -9 `souk stream` again and again while a producer keeps producing: afterwards the raw table
holds every record exactly once, the windows equal a recomputation over the input, and each table's Delta
log has no gap, adds only files that exist, and reads (delta-rs) as the glob does."""

import datetime
import json
import os
import pathlib
import random
import signal
import subprocess
import threading
import time

import duckdb
import pytest

from broker_support import Broker
from conftest import souk_binary
from stream_support import (
    assert_windows_equal,
    create_topic,
    encode,
    expected_raw,
    final_watermark,
    oracle_windows,
    produce,
    raw_rows,
    run_stream,
    transactions,
    window_rows,
)

START = datetime.datetime(2026, 11, 24, 12, 0, 0, tzinfo=datetime.timezone.utc)
CRASH_POINTS = ["after-offsets", "after-raw-write", "between-sinks", "after-sinks", "after-state"]


class Feeder(threading.Thread):
    """Produces `entries` in slices, in order, until stopped (or out of entries); `sent` counts the
    entries the broker acknowledged, so `entries[:sent]` is exactly what was produced."""

    def __init__(self, bootstrap, entries, slice_size=100, pause=0.1):
        super().__init__(daemon=True)
        self.bootstrap, self.entries, self.slice_size, self.pause = bootstrap, entries, slice_size, pause
        self.sent = 0
        self.partitions = []  # the partition of each acknowledged entry
        self.stopping = threading.Event()
        self.error = None

    def run(self):
        try:
            while self.sent < len(self.entries) and not self.stopping.is_set():
                part = self.entries[self.sent:self.sent + self.slice_size]
                positions = produce(self.bootstrap, [encode(e) for e in part])
                self.partitions += [partition for partition, _ in positions]
                self.sent += len(part)
                time.sleep(self.pause)
        except Exception as error:  # reported by the test
            self.error = error

    def producing(self):
        return self.is_alive() and not self.stopping.is_set() and self.sent < len(self.entries)

    def stop(self):
        self.stopping.set()
        self.join(60)
        assert not self.is_alive()
        assert self.error is None, self.error
        return self.entries[:self.sent]


def last_commit(data):
    commits = pathlib.Path(data, "checkpoints", "ecommerce", "commits")
    ids = [int(p.name) for p in commits.iterdir() if p.name.isdigit()] if commits.exists() else []
    return max(ids, default=-1)


def stream(data, bootstrap, env=None):
    log = open(pathlib.Path(data).parent / "crashes.log", "ab")
    return subprocess.Popen(
        [str(souk_binary()), "stream", "--bootstrap", bootstrap, "--data-dir", str(data), "--trigger", "50ms",
         "--max-records-per-partition", "200", "--roll-age", "1s", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=log, env=env,
    )


def assert_totals_equal_raw_table(data):
    """The running totals saved with the last commit (state/N) equal a recomputation over the raw table:
    overall and per category, city and payment method, whatever the kills interrupted."""
    state_dir = pathlib.Path(data, "checkpoints", "ecommerce", "state")
    summary = json.loads((state_dir / str(last_commit(data))).read_text())["summary"]
    pattern = str(pathlib.Path(data, "tables", "transactions", "date=*", "hour=*", "*.parquet"))
    [(count, revenue, items)] = duckdb.sql(
        f"select count(*), sum(amount), sum(quantity) from read_parquet('{pattern}')").fetchall()
    assert summary["transactions"] == count and summary["items"] == items
    assert abs(summary["revenue"] - revenue) <= 1e-9 * revenue
    for dimension, key in [("category", "categories"), ("city", "cities"), ("payment_method", "paymentMethods")]:
        expected = duckdb.sql(
            f"select {dimension}, count(*), sum(amount), sum(quantity) from read_parquet('{pattern}') group by 1"
        ).fetchall()
        totals = summary[key]["values"]
        assert sorted(totals) == sorted(value for value, *_ in expected), dimension
        for value, transactions, amount, quantity in expected:
            assert totals[value]["transactions"] == transactions and totals[value]["items"] == quantity
            assert abs(totals[value]["revenue"] - amount) <= 1e-9 * amount, (dimension, value)


def assert_delta_logs_whole(data):
    """Each table's Delta log: versions 0..N with no gap, every file ever added still there (nothing is
    removed yet), and delta-rs reads the rows the glob sees."""
    import deltalake

    for name in ("transactions", "windows"):
        table = pathlib.Path(data, "tables", name)
        commits = sorted((table / "_delta_log").glob("*.json"))
        versions = [int(p.name[:20]) for p in commits]
        assert versions == list(range(len(versions))) and len(versions) > 2, (name, versions)
        for commit in commits:
            for line in commit.read_text().splitlines():
                add = json.loads(line).get("add")
                assert add is None or (table / add["path"]).is_file(), (commit.name, add)
        pattern = str(table / "date=*" / "hour=*" / "*.parquet")
        [(count,)] = duckdb.sql(f"select count(*) from read_parquet('{pattern}')").fetchall()
        assert deltalake.DeltaTable(str(table)).to_pyarrow_table().num_rows == count, name


def test_kill_9_at_every_commit_step_and_at_random_loses_and_duplicates_nothing(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    try:
        create_topic(broker.bootstrap, partitions=3)
        # Event time advances 50 ms per record, out of order by up to 1 s (the lateness is 10 s, so
        # nothing is ever late); the feeder sends ~1,000 records/s for as long as the kills last.
        entries = transactions(60_000, START, seed=21, spacing_ms=50, jitter_ms=1000)
        feeder = Feeder(broker.bootstrap, entries)
        feeder.start()
        data = tmp_path / "stream"
        rng = random.Random(5)
        kills = 0
        # Each step of the commit protocol, on purpose: the process kills itself there.
        for point in CRASH_POINTS:
            target = last_commit(data) + 2
            env = dict(os.environ, SOUK_STREAM_CRASH_AT=f"{point}:{target}")
            process = stream(data, broker.bootstrap, env)
            try:
                code = process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                pytest.fail(f"the stream never reached batch {target} to crash at {point}")
            log = (tmp_path / "crashes.log").read_text()
            if code == 1 and "testing switch of debug builds" in log:
                pytest.skip("crash points are compiled into debug builds only; SOUK_BIN is a release build")
            assert code == -signal.SIGKILL, (point, code, log[-3000:])
            assert last_commit(data) == target - 1, (point, last_commit(data), target)
            kills += 1
        # And kill -9 from outside at random moments while the producer keeps producing: during
        # start-up, fetches, mid-write, between commits.
        random_kills, progressed = 0, 0
        for _ in range(12):
            before = last_commit(data)
            process = stream(data, broker.bootstrap)
            time.sleep(rng.uniform(0.2, 2.0))
            assert process.poll() is None, (tmp_path / "crashes.log").read_text()[-3000:]
            assert feeder.producing(), "the producer stopped before the kills did"
            process.send_signal(signal.SIGKILL)
            assert process.wait(30) == -signal.SIGKILL
            random_kills += 1
            progressed += last_commit(data) > before
        kills += random_kills
        assert random_kills >= 10 and kills >= 15
        # Most kills hit a stream that was committing batches, not one still starting.
        assert progressed >= random_kills // 2, (progressed, random_kills)
        print(f"{kills} kills, {progressed} of {random_kills} random ones after new commits, batch {last_commit(data)}")
        produced = feeder.stop()
        assert len(produced) >= 5_000, len(produced)

        code, reports, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", timeout=300)
        assert code == 0, log
        assert sum(r["lateRows"] for r in reports) == 0
        assert sum(r["malformedRows"] for r in reports) == 0
        assert not list((data / "deadletter").rglob("*.jsonl")), "no record was late or malformed in any run"
        # Nothing lost, nothing twice, nothing half-written visible, no orphan left behind.
        assert sorted(raw_rows(data)) == expected_raw(produced)
        leftovers = [p for p in (data / "tables").rglob("*") if p.is_file() and p.suffix != ".parquet"
                     and not {"_delta_log", "_souk_writer"} & set(p.parts)]
        assert leftovers == []
        assert_delta_logs_whole(data)
        watermark = final_watermark(data)
        assert_windows_equal(window_rows(data), oracle_windows(produced, watermark))
        assert_totals_equal_raw_table(data)
        # The final watermark is the slowest partition's largest event time minus the lateness.
        assert sorted(set(feeder.partitions)) == [0, 1, 2]
        slowest = min(max(e["micros"] for e, q in zip(produced, feeder.partitions) if q == p) for p in range(3))
        assert watermark == slowest - 10_000_000
    finally:
        broker.stop()


def test_a_release_binary_has_no_crash_points(tmp_path):
    release = pathlib.Path(__file__).resolve().parents[2] / ".build" / "release" / "souk"
    if not release.exists():
        pytest.skip("no release build here (make release builds one)")
    source = tmp_path / "in.jsonl"
    source.write_text("")
    run = subprocess.run(
        [str(release), "stream", "--file", str(source), "--once", "--data-dir", str(tmp_path / "data")],
        env=dict(os.environ, SOUK_STREAM_CRASH_AT="after-sinks:1"), capture_output=True, timeout=60)
    assert run.returncode != 0
    assert run.returncode != -signal.SIGKILL
    lines = run.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "testing switch of debug builds" in lines[0], lines

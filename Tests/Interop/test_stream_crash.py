"""kill -9 `souk stream` again and again while a producer keeps producing: afterwards the raw table
holds every record exactly once and the windows equal a recomputation over the input."""

import datetime
import json
import os
import pathlib
import random
import signal
import subprocess
import threading
import time

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
    """Produces `entries` in slices until done, so the stream always has new data to crash on."""

    def __init__(self, bootstrap, entries, slices=60, pause=0.15):
        super().__init__(daemon=True)
        self.bootstrap, self.entries, self.slices, self.pause = bootstrap, entries, slices, pause
        self.error = None

    def run(self):
        try:
            size = len(self.entries) // self.slices + 1
            for start in range(0, len(self.entries), size):
                produce(self.bootstrap, [encode(e) for e in self.entries[start:start + size]])
                time.sleep(self.pause)
        except Exception as error:  # reported by the test
            self.error = error


def last_commit(data):
    commits = pathlib.Path(data, "checkpoints", "ecommerce", "commits")
    ids = [int(p.name) for p in commits.iterdir() if p.name.isdigit()] if commits.exists() else []
    return max(ids, default=-1)


def stream(data, bootstrap, env=None):
    return subprocess.Popen(
        [str(souk_binary()), "stream", "--bootstrap", bootstrap, "--data-dir", str(data), "--trigger", "50ms",
         "--max-records-per-partition", "200", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )


def test_kill_9_at_every_commit_step_and_at_random_loses_and_duplicates_nothing(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    try:
        create_topic(broker.bootstrap, partitions=3)
        # Event time advances 50 ms per record (out of order by up to 1 s): ~6 minutes of windows.
        entries = transactions(7200, START, seed=21, spacing_ms=50, jitter_ms=1000)
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
            assert code == -signal.SIGKILL, (point, code, process.stderr.read().decode())
            kills += 1
        # And at random moments: during fetches, mid-write, between commits.
        for _ in range(7):
            process = stream(data, broker.bootstrap)
            time.sleep(rng.uniform(0.2, 1.5))
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            kills += 1
        feeder.join(120)
        assert feeder.error is None, feeder.error
        assert kills >= 10

        code, reports, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", timeout=300)
        assert code == 0, log
        assert sum(r["lateRows"] for r in reports) == 0
        assert sum(r["malformedRows"] for r in reports) == 0
        # Nothing lost, nothing twice, nothing half-written visible.
        assert sorted(raw_rows(data)) == expected_raw(entries)
        assert not list((data / "tables").rglob("*.inprogress"))
        assert_windows_equal(window_rows(data), oracle_windows(entries, final_watermark(data)))
        assert final_watermark(data) > START.timestamp() * 1e6 + 5 * 60e6
    finally:
        broker.stop()

"""Data directories are private to the user who runs Souk: every directory 0700 and every file 0600, for the
broker's log and the engine's tables, checkpoints and dead letters."""

import datetime
import os
import stat
import uuid

from broker_support import Broker
from stream_support import encode, run_stream, transactions

START = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=datetime.timezone.utc)


def modes(root):
    found = []
    for directory, subdirectories, files in os.walk(root):
        found.append((directory, stat.S_IMODE(os.stat(directory).st_mode), "dir"))
        found += [(os.path.join(directory, f), stat.S_IMODE(os.stat(os.path.join(directory, f)).st_mode), "file")
                  for f in files]
    return found


def test_the_broker_and_the_engine_create_files_only_their_user_can_read(tmp_path):
    from confluent_kafka import Producer

    os.umask(0o022)  # what a login shell usually has: the processes must not inherit it
    broker = Broker(tmp_path / "broker").start()
    producer = Producer({"bootstrap.servers": broker.bootstrap})
    producer.produce(f"private-{uuid.uuid4().hex[:6]}", value=b"x")
    assert producer.flush(10) == 0
    assert broker.stop() == 0, broker.log()

    source = tmp_path / "input.jsonl"
    source.write_text("\n".join(encode(e).decode() for e in transactions(200, START, seed=3)) + "\n{broken\n")
    code, _, log = run_stream(tmp_path / "stream", "--file", source, "--once")
    assert code == 0, log

    found = modes(tmp_path / "broker") + modes(tmp_path / "stream")
    assert any(kind == "file" and path.endswith(".parquet") for path, _, kind in found)
    assert any(kind == "file" and path.endswith(".log") for path, _, kind in found)
    wrong = [(path, oct(mode)) for path, mode, kind in found if mode != (0o700 if kind == "dir" else 0o600)]
    # The test's own top directories were made by pytest; everything below them by Souk.
    wrong = [w for w in wrong if w[0] not in (str(tmp_path / "broker"), str(tmp_path / "stream"))]
    assert wrong == []

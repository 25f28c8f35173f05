"""A Quix Streams application (tumbling-window aggregates and a stateful running count, both backed by the
changelog topics Quix creates with `cleanup.policy=compact` through the admin API) against `souk broker`.

The application runs under its own venv (`.venv-quix`: Quix pins an older confluent-kafka than the other
tests). It processes half the orders and stops; the broker's cleaner compacts the changelog topics; the
application restarts with an empty state directory, so its state comes back from the compacted changelogs
alone, and processes the rest. Every running count and every window's last aggregate must equal a
recomputation from the orders produced."""

import json
import os
import pathlib
import signal
import subprocess
import time
import uuid
from collections import defaultdict

import pytest

from broker_support import Broker
from conftest import ROOT

GROUP = "quix-app"
USERS = 7
BASE_TIMESTAMP = 1_700_000_000_000


def quix_python() -> pathlib.Path:
    configured = os.environ.get("SOUK_QUIX_PYTHON")
    path = pathlib.Path(configured) if configured else ROOT / ".venv-quix" / "bin" / "python"
    if not path.exists():
        pytest.fail(f"Quix Streams' venv is missing ({path}): `make setup` creates it")
    return path


def order(index):
    """The index-th order: user, amount, and a timestamp 100 ms after the previous one."""
    return f"u{index % USERS}", index % 50 + 1, BASE_TIMESTAMP + index * 100


def produce_orders(bootstrap, topic, start, count):
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
    for index in range(start, start + count):
        user, amount, timestamp = order(index)
        producer.produce(topic, key=user, value=json.dumps({"amount": amount}), timestamp=timestamp)
    assert producer.flush(30) == 0


def read_all(bootstrap, topic):
    """Every record of every partition from the start: (partition, offset, key, value)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    records, at_end = [], set()
    deadline = time.monotonic() + 30
    while len(at_end) < len(partitions) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(message.partition())
                continue
            raise AssertionError(message.error())
        records.append((message.partition(), message.offset(), message.key(), message.value()))
    consumer.close()
    assert len(at_end) == len(partitions), f"{topic}: not every partition read to its end"
    return records


def end_offsets(bootstrap, topic):
    """The end offset (high watermark) of each partition of `topic`."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    finally:
        consumer.close()


def wait_until_consumed(bootstrap, topic, app, timeout=90):
    """Waits until the application's group has committed the end offset of every input partition."""
    from confluent_kafka import Consumer, TopicPartition

    ends = end_offsets(bootstrap, topic)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "enable.auto.commit": False})
    try:
        partitions = list(ends)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert app.poll() is None, f"the Quix application exited with {app.returncode}"
            committed = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
            if all(tp.offset == ends[tp.partition] for tp in committed):
                return
            time.sleep(0.2)
        raise AssertionError(f"the Quix application did not consume {topic} to {ends}")
    finally:
        consumer.close()


def shrink_changelog_segments(bootstrap, topics, app, timeout=60):
    """Once Quix has created its changelog topics, gives them small segments so closed segments exist for
    the cleaner (Quix creates them with the broker's default, one segment per 1 GiB)."""
    from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource

    admin = AdminClient({"bootstrap.servers": bootstrap})
    deadline = time.monotonic() + timeout
    while not set(topics) <= set(admin.list_topics(timeout=10).topics):
        assert app.poll() is None, f"the Quix application exited with {app.returncode}"
        assert time.monotonic() < deadline, "Quix did not create its changelog topics"
        time.sleep(0.1)
    entries = [ConfigEntry(name, value, incremental_operation=AlterConfigOpType.SET)
               for name, value in [("segment.bytes", "1500"), ("min.cleanable.dirty.ratio", "0.01")]]
    resources = [ConfigResource(ConfigResource.Type.TOPIC, topic, incremental_configs=entries) for topic in topics]
    for future in admin.incremental_alter_configs(resources).values():
        future.result(10)


class QuixApp:
    def __init__(self, bootstrap, topics, state_dir, log_path):
        self.args = [str(quix_python()), str(pathlib.Path(__file__).parent / "quix_app.py"), bootstrap, *topics,
                     str(state_dir)]
        self.log_path = log_path
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.args, stdout=log, stderr=log)
        return self.process

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        assert self.process.returncode == 0, self.log()

    def log(self):
        return self.log_path.read_text(errors="replace")


def expected_results(count):
    totals, windows = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for index in range(count):
        user, amount, timestamp = order(index)
        totals[user][0] += 1
        totals[user][1] += amount
        start = timestamp - timestamp % 10_000
        windows[(user, start)][0] += 1
        windows[(user, start)][1] += amount
    return totals, windows


def test_a_quix_streams_app_with_windows_and_state_restores_from_compacted_changelogs(tmp_path):
    broker = Broker(tmp_path / "data", "--cleaner-interval", "200ms").start()
    suffix = uuid.uuid4().hex[:8]
    orders, windows_topic, counts_topic = f"orders-{suffix}", f"windows-{suffix}", f"counts-{suffix}"
    changelogs = [f"changelog__{GROUP}--{orders}--default", f"changelog__{GROUP}--{orders}--tumbling_window_10000"]
    half, total = 700, 1500
    try:
        from confluent_kafka.admin import AdminClient, NewTopic

        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        admin.create_topics([NewTopic(orders, 2, 1)])[orders].result(10)
        app = QuixApp(broker.bootstrap, [orders, windows_topic, counts_topic], tmp_path / "state-1",
                      tmp_path / "quix-1.log")
        process = app.start()
        shrink_changelog_segments(broker.bootstrap, changelogs, process)
        # Rounds, each consumed and committed before the next: every commit writes the state it changed to
        # the changelogs, so newer values of the same state keys supersede older ones there.
        for start in range(0, half, 100):
            produce_orders(broker.bootstrap, orders, start, 100)
            wait_until_consumed(broker.bootstrap, orders, process)
        app.stop()
        assert "Creating a new topic \"" + changelogs[0] in app.log()

        # The cleaner removes superseded state from the changelogs' closed segments: fewer records remain
        # than were written.
        deadline = time.monotonic() + 30
        while True:
            removed = {topic: sum(end_offsets(broker.bootstrap, topic).values())
                       - len(read_all(broker.bootstrap, topic)) for topic in changelogs}
            if all(removed.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert all(removed.values()), f"the cleaner did not compact the changelogs: {removed}"

        # A new state directory: the second run's state comes from the compacted changelogs alone.
        produce_orders(broker.bootstrap, orders, half, total - half)
        app = QuixApp(broker.bootstrap, [orders, windows_topic, counts_topic], tmp_path / "state-2",
                      tmp_path / "quix-2.log")
        process = app.start()
        wait_until_consumed(broker.bootstrap, orders, process)
        app.stop()
        for topic in changelogs:
            for partition in (0, 1):
                assert f'Recovery successful for <RecoveryPartition "{topic}[{partition}]">' in app.log()

        expected_totals, expected_windows = expected_results(total)
        counts = defaultdict(list)
        for _, _, key, value in read_all(broker.bootstrap, counts_topic):
            counts[key.decode()].append(json.loads(value))
        for user, (orders_count, amount) in expected_totals.items():
            assert [c["orders"] for c in counts[user]] == list(range(1, orders_count + 1)), user
            assert counts[user][-1] == {"orders": orders_count, "amount": amount}, user

        last_window = {}
        for _, _, key, value in read_all(broker.bootstrap, windows_topic):
            window = json.loads(value)
            last_window[(key.decode(), window["start"])] = [window["orders"], window["amount"]]
        assert last_window == dict(expected_windows)
    finally:
        assert broker.stop() == 0, broker.log()

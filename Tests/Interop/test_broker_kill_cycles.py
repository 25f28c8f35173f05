"""`kill -9` of the real broker, again and again, under idempotent `acks=all` load from librdkafka, in both
fsync modes. Three producers write numbered values (two of them into the same partition) while the broker
is killed and restarted on the same port; librdkafka retries across each restart. Afterwards every
partition is read from offset 0:
- offsets are dense (never reused, never skipped);
- every acknowledged value is there exactly once, and each producer's values are in the order it sent them;
- no value whose delivery failed is visible; a value never reported either way is there at most once.

SIGKILL leaves written data in the page cache, so this proves the broker's recovery and its producer-state
deduplication across restarts, not fsync (the simulated power-loss tests prove fsync). `SOUK_KILL_CYCLES`
sets the cycles per mode (`make reliability` runs 20; `make test` the default, 6)."""

import os
import random
import signal
import threading
import time
import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from broker_support import Broker

CYCLES = int(os.environ.get("SOUK_KILL_CYCLES", "6"))
# Producer → partition: two producers share partition 0, so their batches interleave in one log.
PARTITION_OF = {"p0": 0, "p1": 1, "p2": 0}


class Load(threading.Thread):
    """One idempotent producer sending `name:seq` to its partition, about 1,000 values a second, recording
    each value's outcome from its delivery report."""

    def __init__(self, bootstrap, topic, name):
        super().__init__(daemon=True)
        self.topic, self.name, self.partition = topic, name, PARTITION_OF[name]
        self.producer = Producer({
            "bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
            "linger.ms": 5, "message.timeout.ms": 120000, "retry.backoff.ms": 50,
            "reconnect.backoff.max.ms": 200, "log_level": 0,
        })
        self.sent = 0
        self.acked, self.failed = set(), {}
        self.fatal = None
        self.running = threading.Event()
        self.running.set()

    def report(self, error, message):
        value = message.value().decode()
        if error is None:
            self.acked.add(value)
        else:
            self.failed[value] = error.name()
            if error.fatal():
                self.fatal = error.name()

    def run(self):
        while self.running.is_set():
            for _ in range(20):
                try:
                    self.producer.produce(self.topic, f"{self.name}:{self.sent}".encode(), partition=self.partition,
                                          on_delivery=self.report)
                    self.sent += 1
                except BufferError:
                    break
            self.producer.poll(0.02)

    def finish(self):
        self.running.clear()
        self.join(10)
        remaining = self.producer.flush(150)
        assert remaining == 0, f"{self.name}: {remaining} values still undelivered after the flush"


def read_all(bootstrap, topic, partitions):
    """Every record of every partition from offset 0 to the high watermark, as (partition, offset, value)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"check-{uuid.uuid4().hex}",
                         "enable.auto.commit": False, "check.crcs": True, "log_level": 0})
    try:
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=15)[1] for p in range(partitions)}
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        records = []
        deadline = time.monotonic() + 120
        while len(records) < sum(ends.values()) and time.monotonic() < deadline:
            message = consumer.poll(1)
            if message is None:
                continue
            assert message.error() is None, message.error()
            records.append((message.partition(), message.offset(), message.value().decode()))
        return records, ends
    finally:
        consumer.close()


@pytest.mark.parametrize("fsync", ["always", "interval:200"])
def test_kill_9_cycles_under_idempotent_load_lose_duplicate_and_reorder_nothing(tmp_path, fsync):
    broker = Broker(tmp_path / "data", "--fsync", fsync).start()
    topic = f"kill-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(15)
    loads = [Load(broker.bootstrap, topic, name) for name in PARTITION_OF]
    rng = random.Random(7)
    try:
        for load in loads:
            load.start()
        acked_before_last_kill = 0
        for _ in range(CYCLES):
            time.sleep(rng.uniform(0.4, 1.2))
            acked_before_last_kill = sum(len(load.acked) for load in loads)
            broker.restart(sig=signal.SIGKILL)
        time.sleep(2)
        for load in loads:
            load.finish()
        records, ends = read_all(broker.bootstrap, topic, 2)
    finally:
        for load in loads:
            load.running.clear()
        broker.stop()

    assert not [load.fatal for load in loads if load.fatal], "a producer hit a fatal error"
    acked_total = sum(len(load.acked) for load in loads)
    assert acked_total > acked_before_last_kill, "nothing was acknowledged after the last restart"
    assert acked_before_last_kill > 0, "nothing was acknowledged before the kills"
    assert sum(ends.values()) == len(records), f"read {len(records)} of {sum(ends.values())} records"
    for partition in range(2):
        offsets = [offset for p, offset, _ in records if p == partition]
        assert offsets == list(range(ends[partition])), f"partition {partition}: offsets not dense"
    values = [value for _, _, value in records]
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    for load in loads:
        missing = [value for value in load.acked if counts.get(value, 0) != 1]
        assert not missing, f"{load.name}: {len(missing)} acknowledged values not there exactly once: {missing[:5]}"
        visible_failures = [value for value in load.failed if value in counts]
        assert not visible_failures, f"{load.name}: values whose delivery failed are visible: {visible_failures[:5]}"
        sequence = [int(value.split(":")[1]) for _, _, value in records if value.startswith(load.name + ":")]
        assert sequence == sorted(set(sequence)), f"{load.name}: values out of order or repeated"
    assert all(count == 1 for count in counts.values()), "a value is there more than once"
    print(f"fsync {fsync}: {CYCLES} kills, {acked_total} acknowledged, "
          f"{sum(len(load.failed) for load in loads)} failed, {len(records)} records read")

"""Compacted topics (`cleanup.policy=compact`) against `souk broker` with confluent-kafka: created through
the admin API, key-less records refused, and after the cleaner ran a consumer reading from the start sees
the newest value of every key (older values of keys whose newest record is in the active segment excepted),
also after the broker was killed with SIGKILL (at no chosen moment of the cleaner) and restarted."""

import signal
import time
import uuid

import pytest

from broker_support import Broker


def topic_name():
    return f"k-{uuid.uuid4().hex[:10]}"


def create_compacted(bootstrap, topic):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    # Small segments roll often, so most records sit in closed segments the cleaner may compact.
    admin.create_topics([NewTopic(topic, 1, 1, config={
        "cleanup.policy": "compact", "segment.bytes": "2000", "min.cleanable.dirty.ratio": "0.01",
    })])[topic].result(10)


def produce_rounds(bootstrap, topic, keys, rounds):
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "enable.idempotence": True})
    for round_ in range(rounds):
        for key in range(keys):
            producer.produce(topic, key=f"key-{key}", value=f"v{round_}-{key}")
        assert producer.flush(30) == 0
    # A last record of its own key ends up alone in the active segment after enough filler.
    producer.produce(topic, key="last", value="last")
    assert producer.flush(30) == 0


def read_from_start(bootstrap, topic):
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    records = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                break
            raise AssertionError(message.error())
        records.append((message.offset(), message.key().decode(), message.value().decode()))
    consumer.close()
    return records


def old_rounds(records, rounds):
    """Records of the rounds older than the last three: a segment of 2000 bytes holds about two rounds, so
    the newest value of every key lies in a closed segment or the active one by then, and these go."""
    return [r for r in records if r[1] != "last" and int(r[2][1:].split("-")[0]) < rounds - 3]


def wait_for_cleaning(bootstrap, topic, rounds):
    """Reads until the cleaner removed the older rounds from the closed segments; returns the records."""
    deadline = time.monotonic() + 30
    while True:
        records = read_from_start(bootstrap, topic)
        if not old_rounds(records, rounds) or time.monotonic() > deadline:
            return records
        time.sleep(0.3)


def check_compacted(records, keys, rounds):
    newest = {f"key-{k}": f"v{rounds - 1}-{k}" for k in range(keys)}
    latest_seen = {}
    for _, key, value in records:
        latest_seen[key] = value
    assert {k: v for k, v in latest_seen.items() if k != "last"} == newest, "every key ends at its newest value"
    offsets = [offset for offset, _, _ in records]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), "offsets ascend, none twice"
    # Offsets keep their places: round r of key k was written at offset r * keys + k.
    assert all(offset == int(value[1:].split("-")[0]) * keys + int(key[4:])
               for offset, key, value in records if key != "last")
    assert not old_rounds(records, rounds), f"the older rounds are gone: {len(records)} records remain"
    assert len(records) <= keys * 3 + 1


def test_a_compacted_topic_keeps_the_newest_value_of_each_key_at_its_offset(tmp_path):
    broker = Broker(tmp_path / "data", "--cleaner-interval", "200ms").start()
    try:
        topic = topic_name()
        create_compacted(broker.bootstrap, topic)
        keys, rounds = 40, 6
        produce_rounds(broker.bootstrap, topic, keys, rounds)
        records = wait_for_cleaning(broker.bootstrap, topic, rounds)
        check_compacted(records, keys, rounds)
        assert "cleaner compacted segments" in broker.log()
    finally:
        assert broker.stop() == 0, broker.log()


def test_a_compacted_topic_refuses_records_without_a_key_and_names_them_in_the_batch(tmp_path):
    from confluent_kafka import KafkaError, Producer

    broker = Broker(tmp_path / "data").start()
    try:
        topic = topic_name()
        create_compacted(broker.bootstrap, topic)
        errors = []
        producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 0})
        producer.produce(topic, value=b"no key", on_delivery=lambda error, _: errors.append(error))
        producer.flush(30)
        assert len(errors) == 1 and errors[0] is not None, errors
        assert errors[0].code() == KafkaError.INVALID_RECORD, errors[0]

        # One batch of ten, every third record without a key: the broker names those (KIP-467), so only
        # they fail with INVALID_RECORD; the others fail as innocent members of a refused batch.
        outcomes = {}
        producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 200})
        for index in range(10):
            producer.produce(topic, key=None if index % 3 == 0 else f"k{index}", value=f"v{index}",
                             on_delivery=lambda error, message: outcomes.__setitem__(
                                 message.value().decode(), error.code() if error else None))
        producer.flush(30)
        assert {v for v, code in outcomes.items() if code == KafkaError.INVALID_RECORD} == {"v0", "v3", "v6", "v9"}
        assert {v for v, code in outcomes.items() if code == KafkaError._INVALID_DIFFERENT_RECORD} == {
            "v1", "v2", "v4", "v5", "v7", "v8"}, outcomes
    finally:
        assert broker.stop() == 0, broker.log()


def test_compaction_after_a_kill_9_and_restart_still_holds_every_newest_value(tmp_path):
    broker = Broker(tmp_path / "data", "--cleaner-interval", "100ms").start()
    topic = topic_name()
    create_compacted(broker.bootstrap, topic)
    keys, rounds = 40, 6
    produce_rounds(broker.bootstrap, topic, keys, rounds)
    # Killed once the cleaner has swapped segments and while it keeps passing every 100 ms: the moment is
    # not a chosen step of a swap (the unit tests stop the cleaner at each one); the restart recovers
    # whatever the kill left and cleans again.
    deadline = time.monotonic() + 30
    while "cleaner compacted segments" not in broker.log() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "cleaner compacted segments" in broker.log()
    broker.stop(signal.SIGKILL)
    broker.start()
    try:
        records = wait_for_cleaning(broker.bootstrap, topic, rounds)
        check_compacted(records, keys, rounds)
    finally:
        assert broker.stop() == 0, broker.log()

"""Consumer groups on the real broker: confluent-kafka (librdkafka), kafka-python and aiokafka members join,
split the partitions, rebalance when a member leaves, and with commits nothing is lost or read twice;
committed offsets survive a restart."""

import asyncio
import threading
import time
import uuid

import pytest
from broker_support import Broker
from test_broker import dataset, produce_confluent

PARTITIONS = 6
RECORDS = 6000


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "data").start()
    yield b
    assert b.stop() == 0, b.log()


def create_topic(bootstrap, name, partitions=PARTITIONS):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})  # kept alive until the result is in
    admin.create_topics([NewTopic(name, partitions, 1)])[name].result(10)


def confluent_member(bootstrap, group, topic, **extra):
    from confluent_kafka import Consumer

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, "session.timeout.ms": 10000, "heartbeat.interval.ms": 500, **extra,
        }
    )
    consumer.subscribe([topic])
    return consumer


def test_three_confluent_members_split_the_partitions(broker):
    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic)
    produce_confluent(broker.bootstrap, topic, dataset(RECORDS, seed=1), "lz4", "all", partitions=PARTITIONS)
    group = f"group-{uuid.uuid4().hex[:6]}"
    members = [confluent_member(broker.bootstrap, group, topic) for _ in range(3)]
    seen = [[] for _ in members]
    stop = threading.Event()

    def consume(index):
        member = members[index]
        while not stop.is_set():
            batch = member.consume(500, timeout=0.2)
            for message in batch:
                assert message.error() is None, message.error()
                seen[index].append((message.partition(), message.offset()))
            if batch:
                member.commit(asynchronous=False)

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 90
    while sum(map(len, seen)) < RECORDS and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join()
    assignments = [member.assignment() for member in members]
    for member in members:
        member.close()
    everything = [record for records in seen for record in records]
    assert len(everything) == RECORDS and len(set(everything)) == RECORDS
    owned = [{tp.partition for tp in assignment} for assignment in assignments]
    assert all(len(parts) == 2 for parts in owned), owned
    assert set().union(*owned) == set(range(PARTITIONS))


def test_member_leaving_hands_over_without_loss_or_duplicates(broker):
    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic)
    produce_confluent(broker.bootstrap, topic, dataset(RECORDS, seed=2), "zstd", "all", partitions=PARTITIONS)
    group = f"group-{uuid.uuid4().hex[:6]}"
    first = confluent_member(broker.bootstrap, group, topic)
    second = confluent_member(broker.bootstrap, group, topic)
    seen = []
    # Both join; the first reads a little, commits synchronously, then leaves the group.
    deadline = time.monotonic() + 60
    while (not first.assignment() or not second.assignment()) and time.monotonic() < deadline:
        for member in (first, second):
            batch = member.consume(50, timeout=0.1)
            for message in batch:
                seen.append((message.partition(), message.offset()))
            if batch:
                member.commit(asynchronous=False)
    first.close()
    deadline = time.monotonic() + 60
    while len(seen) < RECORDS and time.monotonic() < deadline:
        batch = second.consume(500, timeout=0.2)
        for message in batch:
            assert message.error() is None
            seen.append((message.partition(), message.offset()))
        if batch:
            second.commit(asynchronous=False)
    assert {tp.partition for tp in second.assignment()} == set(range(PARTITIONS))
    second.close()
    assert len(seen) == RECORDS, f"{len(seen)} read"
    assert len(set(seen)) == RECORDS, "a record was read twice"


def test_kafka_python_group_reads_everything_and_commits(broker):
    from kafka import KafkaConsumer, TopicPartition

    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic)
    produce_confluent(broker.bootstrap, topic, dataset(3000, seed=3), "snappy", "all", partitions=PARTITIONS)
    group = f"kp-{uuid.uuid4().hex[:6]}"
    consumer = KafkaConsumer(
        topic, bootstrap_servers=broker.bootstrap, group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    # The group's first rebalance waits group.initial.rebalance.delay.ms (3 s, as Kafka) for more members.
    seen = []
    deadline = time.monotonic() + 60
    while len(seen) < 3000 and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=300).values():
            seen.extend((r.partition, r.offset) for r in records)
    consumer.commit()
    assert len(seen) == 3000 and len(set(seen)) == 3000
    committed = {p: consumer.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)}
    consumer.close()
    assert sum(committed.values()) == 3000


def test_aiokafka_group_reads_everything(broker):
    from aiokafka import AIOKafkaConsumer

    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic)
    produce_confluent(broker.bootstrap, topic, dataset(3000, seed=4), "gzip", "1", partitions=PARTITIONS)

    async def run():
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=broker.bootstrap, group_id=f"ai-{uuid.uuid4().hex[:6]}",
            auto_offset_reset="earliest", enable_auto_commit=False,
        )
        await consumer.start()
        seen = set()
        try:
            deadline = time.monotonic() + 60
            while len(seen) < 3000 and time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=300)).values():
                    seen.update((r.partition, r.offset) for r in records)
            await consumer.commit()
        finally:
            await consumer.stop()
        return seen

    assert len(asyncio.run(run())) == 3000


def test_committed_offsets_survive_a_restart(broker):
    from confluent_kafka import Consumer, TopicPartition

    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, partitions=2)
    group = f"restart-{uuid.uuid4().hex[:6]}"
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    consumer.commit(offsets=[TopicPartition(topic, 0, 42), TopicPartition(topic, 1, 7)], asynchronous=False)
    consumer.close()
    broker.restart()
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    committed = consumer.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)
    consumer.close()
    assert [tp.offset for tp in committed] == [42, 7]


def test_group_admin_calls(broker):
    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.admin import AdminClient

    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, partitions=1)
    group = f"admin-{uuid.uuid4().hex[:6]}"
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    consumer.commit(offsets=[TopicPartition(topic, 0, 3)], asynchronous=False)
    consumer.close()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    listed = admin.list_consumer_groups().result(10)
    assert group in {g.group_id for g in listed.valid}
    described = admin.describe_consumer_groups([group])[group].result(10)
    assert described.group_id == group and described.members == []
    admin.delete_consumer_groups([group])[group].result(10)
    assert group not in {g.group_id for g in admin.list_consumer_groups().result(10).valid}


def test_cooperative_sticky_members_share_a_topic_through_joins_and_leaves(broker):
    """KIP-429 incremental rebalancing, as librdkafka runs it: members keep their partitions while others
    join and leave; every record is read once (offsets committed before a partition is given up)."""
    topic = f"g-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic)
    produce_confluent(broker.bootstrap, topic, dataset(RECORDS, seed=5), "snappy", "all", partitions=PARTITIONS)
    group = f"group-{uuid.uuid4().hex[:6]}"
    seen = []
    members = {}

    def commit(consumer):
        from confluent_kafka import KafkaError, KafkaException

        try:
            consumer.commit(asynchronous=False)
        except KafkaException as error:
            # As with Kafka: a commit racing a rebalance is refused (the member's generation moved on, or
            # the group is completing a rebalance); the revoke callback commits again before handing over.
            code = error.args[0].code()
            assert code in (KafkaError.ILLEGAL_GENERATION, KafkaError.REBALANCE_IN_PROGRESS,
                            KafkaError._NO_OFFSET), error

    def join(name):
        def on_revoke(consumer, partitions):
            # Commit what was read before the partitions go to another member: here the member holds the
            # new generation, so the commit must go through (a few tries for a concurrent rebalance).
            from confluent_kafka import KafkaError, KafkaException

            for _ in range(20):
                try:
                    consumer.commit(asynchronous=False)
                    return
                except KafkaException as error:
                    if error.args[0].code() == KafkaError._NO_OFFSET:
                        return
                    time.sleep(0.1)
            raise AssertionError("the revoke callback could not commit before the hand-over")

        member = confluent_member(broker.bootstrap, group, topic,
                                  **{"partition.assignment.strategy": "cooperative-sticky"})
        member.subscribe([topic], on_revoke=on_revoke)
        members[name] = member

    def poll(name, rounds):
        member = members[name]
        for _ in range(rounds):
            batch = member.consume(40, timeout=0.1)
            for message in batch:
                assert message.error() is None, message.error()
                seen.append((message.partition(), message.offset()))
            if batch:
                commit(member)

    join("a")
    deadline = time.monotonic() + 60
    while len(members["a"].assignment()) < PARTITIONS and time.monotonic() < deadline:
        poll("a", 1)
    assert len(members["a"].assignment()) == PARTITIONS
    join("b")
    deadline = time.monotonic() + 60
    while not members["b"].assignment() and time.monotonic() < deadline:
        poll("a", 1)
        poll("b", 1)
    # Incremental: "a" kept some partitions and "b" got the others, none in both.
    a, b = ({tp.partition for tp in members[n].assignment()} for n in ("a", "b"))
    assert a and b and not (a & b), (a, b)
    poll("a", 5)
    poll("b", 5)
    members.pop("b").close()  # leaves: its partitions go back to "a" with what it committed
    deadline = time.monotonic() + 90
    while len(set(seen)) < RECORDS and time.monotonic() < deadline:
        poll("a", 1)
    assert {tp.partition for tp in members["a"].assignment()} == set(range(PARTITIONS))
    members.pop("a").close()
    assert len(set(seen)) == RECORDS, f"{len(set(seen))} of {RECORDS} read"
    assert len(seen) == RECORDS, "a record was read twice"

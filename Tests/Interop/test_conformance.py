"""Kafka behaviours real clients rely on, checked with those clients against `souk broker`: fetch size
limits, ListOffsets by timestamp inside a batch, an immediate answer to transactional producers, and
CreateTopics with a replica assignment."""

import time
import uuid

import pytest

from broker_support import Broker


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "data").start()
    yield b
    assert b.stop() == 0, b.log()


def topic_name():
    return f"c-{uuid.uuid4().hex[:10]}"


def produce(bootstrap, topic, values, partitions=1, **config):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(10)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50, **config})
    for index, value in enumerate(values):
        while True:
            try:
                producer.produce(topic, value=value, partition=index % partitions)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    assert producer.flush(30) == 0


def read_all(bootstrap, topic, expected, partitions=1, **config):
    """Reads `expected` records with confluent-kafka; fails on any client error (as a response too large)."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

    errors = []
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False,
        "error_cb": lambda error: errors.append(error), **config,
    })
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    got = 0
    deadline = time.monotonic() + 60
    while got < expected and time.monotonic() < deadline and not errors:
        for message in consumer.consume(500, timeout=0.2):
            if message.error() and message.error().code() != KafkaError._PARTITION_EOF:
                errors.append(message.error())
            elif not message.error():
                got += 1
    consumer.close()
    assert not errors, errors
    return got


def test_a_small_fetch_max_bytes_is_honoured_so_a_small_receive_limit_never_overflows(broker):
    # About 3 MB in batches of about 16 KB: a response filled to the partition's 1 MB default would be far
    # above what this consumer accepts (receive.message.max.bytes), so only max_bytes keeps it in bounds.
    topic = topic_name()
    produce(broker.bootstrap, topic, [bytes([65 + i % 26]) * 1000 for i in range(3000)], **{"batch.size": 16384})
    got = read_all(broker.bootstrap, topic, 3000, **{
        "fetch.max.bytes": 100000, "message.max.bytes": 100000, "receive.message.max.bytes": 200000})
    assert got == 3000


def test_a_batch_larger_than_fetch_max_bytes_still_comes_whole(broker):
    # 1 MB batches of 100 KB records, read with fetch.max.bytes 100,000: Kafka returns the first batch of a
    # fetch whole, however large, so the consumer progresses.
    topic = topic_name()
    produce(broker.bootstrap, topic, [bytes([97 + i % 26]) * 100_000 for i in range(40)], partitions=2,
            **{"batch.size": 1_000_000, "linger.ms": 500, "compression.type": "none"})
    got = read_all(broker.bootstrap, topic, 40, partitions=2, **{"fetch.max.bytes": 100000, "message.max.bytes": 100000})
    assert got == 40


def test_offsets_for_times_finds_the_record_inside_a_batch(broker):
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    from kafka import KafkaConsumer
    from kafka import TopicPartition as KafkaPythonPartition

    topic = topic_name()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(10)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 1000, "batch.num.messages": 100})
    base = 1_700_000_000_000
    for i in range(10):  # one batch: timestamps base+1000 … base+10000
        producer.produce(topic, value=f"v{i}".encode(), partition=0, timestamp=base + (i + 1) * 1000)
    assert producer.flush(30) == 0

    # The ten records are one batch on disk, so only a search inside the batch answers these.
    assert batches_on_disk(broker, topic) == [10]

    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "x"})
    queries = {base + 1000: 0, base + 4500: 4, base + 5000: 4, base + 5001: 5, base + 10000: 9, base + 10001: -1}
    # One partition per request: a request may not name a partition twice.
    found = [consumer.offsets_for_times([TopicPartition(topic, 0, t)], timeout=10)[0].offset for t in queries]
    assert found == list(queries.values())
    consumer.close()

    # kafka-python also reads the timestamp the broker found.
    reader = KafkaConsumer(bootstrap_servers=broker.bootstrap)
    answer = reader.offsets_for_times({KafkaPythonPartition(topic, 0): base + 4500})
    [(_, result)] = answer.items()
    assert (result.offset, result.timestamp) == (4, base + 5000)
    reader.close()


def batches_on_disk(broker, topic, partition=0):
    """The record count of each batch in a partition's log segments (RecordBatch v2 headers)."""
    import struct

    counts = []
    for segment in sorted((broker.data_dir / "broker" / f"{topic}-{partition}").glob("*.log")):
        data = segment.read_bytes()
        position = 0
        while position + 61 <= len(data):
            (length,) = struct.unpack_from(">i", data, position + 8)
            (records,) = struct.unpack_from(">i", data, position + 57)
            counts.append(records)
            position += 12 + length
    return counts


def test_a_transactional_producer_fails_at_once_with_a_clear_error(broker):
    from confluent_kafka import KafkaException, Producer

    producer = Producer({"bootstrap.servers": broker.bootstrap, "transactional.id": "souk-txn"})
    started = time.monotonic()
    with pytest.raises(KafkaException) as raised:
        producer.init_transactions(30)
    assert time.monotonic() - started < 10, "not the 30 s timeout"
    error = raised.value.args[0]
    assert error.fatal() or not error.retriable(), error
    assert "uthoriz" in str(error) or "transaction" in str(error).lower(), error


def test_a_transactional_kafka_python_producer_fails_at_once(broker):
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, transactional_id="souk-txn-2", max_block_ms=30000)
    try:
        started = time.monotonic()
        with pytest.raises(KafkaError):
            producer.init_transactions()
        assert time.monotonic() - started < 10
    finally:
        producer.close(timeout=5)


def test_create_topics_with_a_replica_assignment_on_this_broker(broker):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    [broker_id] = admin.list_topics(timeout=10).brokers
    good, bad = topic_name(), topic_name()
    admin.create_topics([NewTopic(good, num_partitions=3, replica_assignment=[[broker_id], [broker_id], [broker_id]])])[good].result(10)
    assert len(admin.list_topics(timeout=10).topics[good].partitions) == 3
    with pytest.raises(Exception) as raised:
        admin.create_topics([NewTopic(bad, num_partitions=1, replica_assignment=[[broker_id + 7]])])[bad].result(10)
    assert "REPLICA_ASSIGNMENT" in str(raised.value).upper() or "single broker" in str(raised.value), raised.value
    assert bad not in admin.list_topics(timeout=10).topics


def test_incremental_alter_configs_changes_only_the_configs_named(broker):
    from confluent_kafka.admin import (AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewTopic,
                                       ResourceType)

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    topic = topic_name()
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(10)

    def alter(*entries):
        resource = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=list(entries))
        return admin.incremental_alter_configs([resource])[resource].result(10)

    def described():
        resource = ConfigResource(ResourceType.TOPIC, topic)
        entries = admin.describe_configs([resource])[resource].result(10)
        return {name: (entry.value, entry.is_default) for name, entry in entries.items()}

    alter(ConfigEntry("retention.ms", "123456", incremental_operation=AlterConfigOpType.SET),
          ConfigEntry("segment.bytes", "2097152", incremental_operation=AlterConfigOpType.SET))
    alter(ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE))
    configs = described()
    # The DELETE reset retention.ms alone; segment.bytes, not named, kept its value (AlterConfigs would not).
    assert configs["segment.bytes"] == ("2097152", False)
    assert configs["retention.ms"][1] is True
    # APPEND on a list config goes through the same validation as AlterConfigs: "delete" is already there.
    alter(ConfigEntry("cleanup.policy", "delete", incremental_operation=AlterConfigOpType.APPEND))
    assert described()["cleanup.policy"][0] == "delete"
    with pytest.raises(Exception) as refused:
        alter(ConfigEntry("retention.ms", "1", incremental_operation=AlterConfigOpType.APPEND))
    assert "INVALID_CONFIG" in str(refused.value) or "list" in str(refused.value), refused.value
    assert described()["segment.bytes"] == ("2097152", False), "a refused change changes nothing"


def test_described_topics_and_cluster_carry_every_operation_as_kafka_without_an_authoriser_does(broker):
    from confluent_kafka import TopicCollection
    from confluent_kafka.admin import AclOperation, AdminClient

    topic = topic_name()
    produce(broker.bootstrap, topic, [b"x"])
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    described = admin.describe_topics(TopicCollection([topic]), include_authorized_operations=True)[topic].result(10)
    assert set(described.authorized_operations) == {
        AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER,
        AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS}
    cluster = admin.describe_cluster(include_authorized_operations=True).result(10)
    assert set(cluster.authorized_operations) == {
        AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.CLUSTER_ACTION,
        AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE}
    assert [node.id for node in cluster.nodes] == [0]


def test_groups_are_listed_with_their_state_and_their_offsets_deleted_as_kafka_does(broker):
    from confluent_kafka import Consumer, ConsumerGroupState, TopicPartition
    from confluent_kafka.admin import AdminClient

    topic, other = topic_name(), topic_name()
    produce(broker.bootstrap, topic, [b"x"] * 3)
    produce(broker.bootstrap, other, [b"y"])
    group = f"g-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    deadline = time.monotonic() + 30
    while not consumer.assignment() and time.monotonic() < deadline:
        consumer.poll(0.2)
    consumer.commit(offsets=[TopicPartition(topic, 0, 2), TopicPartition(other, 0, 1)], asynchronous=False)

    listed = admin.list_consumer_groups(states={ConsumerGroupState.STABLE}).result(10)
    assert [(g.group_id, g.state) for g in listed.valid] == [(group, ConsumerGroupState.STABLE)]
    assert admin.list_consumer_groups(states={ConsumerGroupState.EMPTY}).result(10).valid == []

    # An active group keeps the offsets of the topic it subscribes to, loses the others (kafka-python's
    # admin client: confluent-kafka's Python package has no call for OffsetDelete).
    import kafka
    from kafka.admin import KafkaAdminClient
    from kafka.errors import GroupSubscribedToTopicError, NoError

    python_admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    result = python_admin.delete_group_offsets(group, [kafka.TopicPartition(topic, 0), kafka.TopicPartition(other, 0)])
    assert result == {kafka.TopicPartition(topic, 0): GroupSubscribedToTopicError,
                      kafka.TopicPartition(other, 0): NoError}, result
    left = consumer.committed([TopicPartition(topic, 0), TopicPartition(other, 0)], timeout=10)
    assert [tp.offset for tp in left] == [2, -1001]

    consumer.close()
    listed = admin.list_consumer_groups(states={ConsumerGroupState.EMPTY}).result(10)
    assert [(g.group_id, g.state) for g in listed.valid] == [(group, ConsumerGroupState.EMPTY)]
    result = python_admin.delete_group_offsets(group, [kafka.TopicPartition(topic, 0)])
    assert result == {kafka.TopicPartition(topic, 0): NoError}, result
    python_admin.close()
    reader = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    assert reader.committed([TopicPartition(topic, 0)], timeout=10)[0].offset == -1001
    reader.close()


def test_kafkas_topic_configs_are_accepted_described_and_applied_where_a_single_broker_can(broker):
    from confluent_kafka import KafkaError, KafkaException, Producer
    from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, ResourceType

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    topic = topic_name()
    # What librdkafka's compaction test and Kafka's own tools set on a topic, beyond the basics.
    configs = {
        "cleanup.policy": "compact", "segment.ms": "10000", "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": "86400", "file.delete.delay.ms": "10000", "max.compaction.lag.ms": "100",
        "flush.messages": "1", "index.interval.bytes": "1024", "min.insync.replicas": "2",
        "message.format.version": "2.8", "unclean.leader.election.enable": "false", "preallocate": "false",
    }
    admin.create_topics([NewTopic(topic, 1, 1, config=configs)])[topic].result(10)
    resource = ConfigResource(ResourceType.TOPIC, topic)
    described = admin.describe_configs([resource])[resource].result(10)
    assert {name: described[name].value for name in configs} == configs
    assert described["segment.jitter.ms"].is_default and described["segment.jitter.ms"].value == "0"

    # min.insync.replicas=2 on the only replica: acks=all fails as Kafka short of replicas does; acks=1 works.
    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(error.code())

    for acks in ("all", "1"):
        producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": acks, "enable.idempotence": False,
                             "message.send.max.retries": 0})
        producer.produce(topic, key=b"k", value=b"v", on_delivery=delivered)
        assert producer.flush(30) == 0
    assert failures == [KafkaError.NOT_ENOUGH_REPLICAS]

    # Kafka would recompress to the topic's codec; Souk keeps the producer's bytes and says so.
    refused = topic_name()
    with pytest.raises(KafkaException) as error:
        admin.create_topics([NewTopic(refused, 1, 1, config={"compression.type": "zstd"})])[refused].result(10)
    assert "compression.type=producer" in str(error.value)
    with pytest.raises(KafkaException) as error:
        admin.create_topics([NewTopic(refused, 1, 1, config={"index.interval.bytes": "0"})])[refused].result(10)
    assert "index.interval.bytes" in str(error.value)

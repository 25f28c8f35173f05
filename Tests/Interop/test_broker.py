"""The broker with real Kafka clients: kcat (librdkafka 2.0.2), confluent-kafka 2.16.1 (librdkafka),
kafka-python 3.0.12 and aiokafka 0.14.0 produce and consume; records come back byte-identical, in order
per partition; admin calls work; data survives a restart; bad input only closes its own connection."""

import asyncio
import json
import os
import random
import struct
import subprocess
import uuid

import pytest
from broker_support import Broker, connect

RECORDS = int(os.environ.get("SOUK_INTEROP_RECORDS", "10000"))
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "data").start()
    yield b
    assert b.stop() == 0, b.log()


def dataset(count, seed):
    rng = random.Random(seed)
    out = []
    for i in range(count):
        key = None if i % 17 == 0 else f"user_{rng.randint(1, 500)}".encode()
        value = json.dumps({"i": i, "amount": round(rng.uniform(1, 999), 2), "city": "Fès"}).encode()
        headers = [("trace", f"t{i}".encode()), ("empty", b"")] if i % 3 == 0 else []
        out.append((key, value, headers))
    return out


def topic_name():
    return f"t-{uuid.uuid4().hex[:10]}"


# ---------- consumers that read everything by explicit assignment ----------


def consume_confluent(bootstrap, topic, partitions, expected):
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused", "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    got = []
    idle = 0
    while len(got) < expected and idle < 50:
        batch = consumer.consume(1000, timeout=0.2)
        idle = 0 if batch else idle + 1
        for message in batch:
            assert message.error() is None, message.error()
            got.append((message.partition(), message.offset(), message.key(), message.value(), message.headers() or []))
    consumer.close()
    return got


def consume_kafka_python(bootstrap, topic, partitions, expected):
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
    consumer.seek_to_beginning()
    got = []
    idle = 0
    while len(got) < expected and idle < 30:
        polled = consumer.poll(timeout_ms=300, max_records=5000)
        idle = 0 if polled else idle + 1
        for records in polled.values():
            for r in records:
                got.append((r.partition, r.offset, r.key, r.value, list(r.headers or [])))
    consumer.close()
    return got


def consume_aiokafka(bootstrap, topic, partitions, expected):
    from aiokafka import AIOKafkaConsumer, TopicPartition

    async def run():
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
        await consumer.start()
        try:
            consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
            await consumer.seek_to_beginning()
            got = []
            idle = 0
            while len(got) < expected and idle < 30:
                polled = await consumer.getmany(timeout_ms=300, max_records=5000)
                idle = 0 if polled else idle + 1
                for records in polled.values():
                    for r in records:
                        got.append((r.partition, r.offset, r.key, r.value, list(r.headers or [])))
            return got
        finally:
            await consumer.stop()

    return asyncio.run(run())


def normalise_headers(headers):
    return [(k, bytes(v) if v is not None else None) for k, v in headers]


def check_round_trip(sent_by_partition, got):
    """Every record once, in order per partition, byte-identical with keys and headers."""
    by_partition = {}
    for partition, offset, key, value, headers in got:
        by_partition.setdefault(partition, []).append((offset, key, value, normalise_headers(headers)))
    for partition, sent in sent_by_partition.items():
        received = by_partition.get(partition, [])
        offsets = [r[0] for r in received]
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), f"partition {partition} order"
        assert [(k, v, h) for _, k, v, h in received] == [(k, v, normalise_headers(h)) for k, v, h in sent], (
            f"partition {partition}: {len(received)} received, {len(sent)} sent"
        )
    assert sum(len(v) for v in sent_by_partition.values()) == len(got)


# ---------- producers ----------


def produce_confluent(bootstrap, topic, records, codec, acks, partitions=3):
    from confluent_kafka import Producer

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "compression.type": codec,
            "acks": acks,
            "linger.ms": 5,
            "enable.idempotence": acks == "all",
        }
    )
    sent = {}
    errors = []
    for i, (key, value, headers) in enumerate(records):
        partition = i % partitions
        producer.produce(
            topic, value=value, key=key, headers=headers or None, partition=partition,
            on_delivery=lambda err, msg: errors.append(err) if err else None,
        )
        sent.setdefault(partition, []).append((key, value, headers))
        if i % 1000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0
    assert errors == []
    return sent


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("acks", ["0", "1", "all"])
def test_confluent_kafka_every_codec_and_acks(broker, codec, acks):
    topic = topic_name()
    records = dataset(RECORDS, seed=hash((codec, acks)) & 0xFFFF)
    sent = produce_confluent(broker.bootstrap, topic, records, codec, acks)
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, RECORDS))


@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_idempotent_producer_every_codec(broker, codec):
    from kafka import KafkaProducer

    topic = topic_name()
    records = dataset(RECORDS, seed=7)
    compression = None if codec == "none" else codec
    # kafka-python 3 turns idempotence on by default (acks=all).
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, compression_type=compression, linger_ms=5)
    sent = {}
    futures = []
    for i, (key, value, headers) in enumerate(records):
        futures.append(producer.send(topic, value=value, key=key, headers=headers, partition=i % 3))
        sent.setdefault(i % 3, []).append((key, value, headers))
    producer.flush(30)
    for future in futures[:: max(1, RECORDS // 50)]:
        assert future.get(timeout=10).offset >= 0
    producer.close()
    check_round_trip(sent, consume_kafka_python(broker.bootstrap, topic, 3, RECORDS))


@pytest.mark.parametrize("acks", [0, 1])
def test_kafka_python_acks_0_and_1(broker, acks):
    from kafka import KafkaProducer

    topic = topic_name()
    records = dataset(2000, seed=acks)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks=acks, enable_idempotence=False)
    sent = {}
    for i, (key, value, headers) in enumerate(records):
        producer.send(topic, value=value, key=key, headers=headers, partition=i % 3)
        sent.setdefault(i % 3, []).append((key, value, headers))
    producer.flush(30)
    producer.close()
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, len(records)))


@pytest.mark.parametrize("codec", CODECS)
def test_aiokafka_every_codec(broker, codec):
    from aiokafka import AIOKafkaProducer

    topic = topic_name()
    records = dataset(RECORDS, seed=11)

    async def produce():
        producer = AIOKafkaProducer(
            bootstrap_servers=broker.bootstrap, compression_type=None if codec == "none" else codec, linger_ms=5
        )
        await producer.start()
        sent = {}
        try:
            pending = []
            for i, (key, value, headers) in enumerate(records):
                pending.append(await producer.send(topic, value=value, key=key, headers=headers, partition=i % 3))
                sent.setdefault(i % 3, []).append((key, value, headers))
            await producer.flush()
            for future in pending[::500]:
                assert (await future).offset >= 0
        finally:
            await producer.stop()
        return sent

    sent = asyncio.run(produce())
    check_round_trip(sent, consume_aiokafka(broker.bootstrap, topic, 3, RECORDS))


@pytest.mark.parametrize("codec", CODECS)
def test_kcat_produces_and_consumes_every_codec(broker, codec):
    topic = topic_name()
    lines = [f"key{i % 7}:value-{i}-{'x' * (i % 50)}" for i in range(3000)]
    run = subprocess.run(
        ["kcat", "-P", "-b", broker.bootstrap, "-t", topic, "-K:", "-z", codec, "-p", "0", "-X", "linger.ms=5"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "not compressing" not in run.stderr
    out = subprocess.run(
        ["kcat", "-C", "-b", broker.bootstrap, "-t", topic, "-p", "0", "-e", "-f", "%k:%s\n"],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == lines


def test_produced_by_one_client_consumed_by_the_others(broker):
    topic = topic_name()
    records = dataset(3000, seed=99)
    sent = produce_confluent(broker.bootstrap, topic, records, "zstd", "all")
    check_round_trip(sent, consume_kafka_python(broker.bootstrap, topic, 3, len(records)))
    check_round_trip(sent, consume_aiokafka(broker.bootstrap, topic, 3, len(records)))


def test_restart_keeps_data(broker):
    topic = topic_name()
    records = dataset(3000, seed=5)
    sent = produce_confluent(broker.bootstrap, topic, records, "lz4", "all")
    broker.restart()
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, len(records)))
    more = produce_confluent(broker.bootstrap, topic, dataset(300, seed=6), "none", "1")
    for partition, rows in more.items():
        sent[partition] += rows
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, 3300))


def test_admin_calls(broker):
    from confluent_kafka import TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = topic_name()
    futures = admin.create_topics([NewTopic(name, 2, 1, config={"retention.ms": "3600000"})], validate_only=True)
    futures[name].result(10)
    assert name not in admin.list_topics(timeout=10).topics
    admin.create_topics([NewTopic(name, 2, 1, config={"retention.ms": "3600000"})])[name].result(10)
    assert len(admin.list_topics(timeout=10).topics[name].partitions) == 2
    with pytest.raises(Exception) as info:
        admin.create_topics([NewTopic(name, 2, 1)])[name].result(10)
    assert "already exists" in str(info.value).lower() or "TOPIC_ALREADY_EXISTS" in str(info.value)

    configs = admin.describe_configs([ConfigResource("topic", name)])
    described = list(configs.values())[0].result(10)
    assert described["retention.ms"].value == "3600000"
    assert not described["retention.ms"].is_default
    assert described["cleanup.policy"].value == "delete" and described["cleanup.policy"].is_default

    admin.alter_configs([ConfigResource("topic", name, set_config={"retention.ms": "7200000"})])
    described = list(admin.describe_configs([ConfigResource("topic", name)]).values())[0].result(10)
    assert described["retention.ms"].value == "7200000"

    admin.create_partitions([NewPartitions(name, 4)])[name].result(10)
    assert len(admin.list_topics(timeout=10).topics[name].partitions) == 4

    sent = produce_confluent(broker.bootstrap, name, dataset(400, seed=3), "none", "all", partitions=4)
    result = admin.delete_records([TopicPartition(name, 0, 50)])
    low = list(result.values())[0].result(10)
    assert low.low_watermark == 50
    got = consume_confluent(broker.bootstrap, name, 4, 350)
    assert min(offset for partition, offset, *_ in got if partition == 0) == 50
    assert sum(1 for g in got if g[0] == 0) == len(sent[0]) - 50

    admin.delete_topics([name])[name].result(10)
    assert name not in admin.list_topics(timeout=10).topics


def test_list_offsets_by_time_and_ends(broker):
    from confluent_kafka import Consumer, TopicPartition

    topic = topic_name()
    produce_confluent(broker.bootstrap, topic, dataset(300, seed=1), "none", "all", partitions=1)
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "x"})
    low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    assert (low, high) == (0, 300)
    found = consumer.offsets_for_times([TopicPartition(topic, 0, 0)], timeout=10)
    assert found[0].offset == 0
    future = consumer.offsets_for_times([TopicPartition(topic, 0, 10**13)], timeout=10)
    assert future[0].offset == -1
    consumer.close()


# ---------- bad input over raw sockets ----------


def api_versions_frame(correlation=1, version=0):
    body = struct.pack(">hhi", 18, version, correlation) + struct.pack(">h", 4) + b"test"
    return struct.pack(">i", len(body)) + body


def read_frame(sock):
    header = b""
    while len(header) < 4:
        chunk = sock.recv(4 - len(header))
        if not chunk:
            return None
        header += chunk
    (length,) = struct.unpack(">i", header)
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            return None
        body += chunk
    return body


def closed_by_peer(sock):
    sock.settimeout(10)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", id="http"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, id="tls-hello"),
        pytest.param(struct.pack(">i", -5) + b"abcd", id="negative-length"),
        pytest.param(struct.pack(">i", 2_000_000_000) + b"abcd", id="huge-length"),
        pytest.param(struct.pack(">i", 8) + struct.pack(">hhi", 999, 0, 1), id="unknown-api-key"),
        pytest.param(struct.pack(">i", 10) + struct.pack(">hhih", 3, 99, 1, -1), id="unsupported-version"),
        pytest.param(struct.pack(">i", 12) + struct.pack(">hhih", 3, 1, 1, -1) + b"\xff\xff", id="garbage-body"),
    ],
)
def test_bad_input_closes_only_that_connection(broker, payload):
    topic = topic_name()
    good = connect(broker)
    bad = connect(broker)
    bad.sendall(payload)
    assert closed_by_peer(bad)
    good.sendall(api_versions_frame(7))
    response = read_frame(good)
    assert response is not None and struct.unpack(">i", response[:4])[0] == 7
    sent = produce_confluent(broker.bootstrap, topic, dataset(500, seed=2), "snappy", "all")
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, 500))


def test_truncated_frame_then_close_leaves_others_alone(broker):
    bad = connect(broker)
    bad.sendall(struct.pack(">i", 100) + b"\x00\x12\x00\x00")
    bad.close()
    good = connect(broker)
    good.sendall(api_versions_frame(3) + api_versions_frame(4))
    assert struct.unpack(">i", read_frame(good)[:4])[0] == 3
    assert struct.unpack(">i", read_frame(good)[:4])[0] == 4


def test_unknown_api_versions_version_gets_unsupported_with_ranges(broker):
    sock = connect(broker)
    body = struct.pack(">hhi", 18, 9, 42) + struct.pack(">h", -1) + b"\x00"
    sock.sendall(struct.pack(">i", len(body)) + body)
    response = read_frame(sock)
    correlation, error, count = struct.unpack(">ihi", response[:10])
    assert (correlation, error) == (42, 35) and count >= 10
    keys = {struct.unpack(">hhh", response[10 + 6 * i : 16 + 6 * i])[0]: struct.unpack(">hhh", response[10 + 6 * i : 16 + 6 * i])[1:] for i in range(count)}
    assert keys[0] == (0, 8) and keys[1] == (4, 11) and keys[18] == (0, 3)


def test_client_that_never_reads_does_not_block_others(broker):
    stuck = connect(broker)
    stuck.setsockopt(__import__("socket").SOL_SOCKET, __import__("socket").SO_RCVBUF, 4096)
    stuck.sendall(api_versions_frame(1) * 20000)
    topic = topic_name()
    sent = produce_confluent(broker.bootstrap, topic, dataset(500, seed=4), "gzip", "1")
    check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, 500))
    stuck.close()


def test_kill_9_keeps_every_acknowledged_record_with_fsync_always(tmp_path):
    import signal

    broker = Broker(tmp_path / "data", "--fsync", "always").start()
    topic = topic_name()
    sent = produce_confluent(broker.bootstrap, topic, dataset(2000, seed=8), "zstd", "all")
    broker.restart(sig=signal.SIGKILL)
    try:
        check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, 2000))
    finally:
        assert broker.stop() == 0


def test_second_broker_on_the_same_data_dir_is_refused(tmp_path):
    first = Broker(tmp_path / "data").start()
    try:
        second = subprocess.run(
            [str(__import__("conftest").souk_binary()), "broker", "--port", "0", "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True, timeout=30,
        )
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1].startswith("souk broker: ")
        assert "lock" in second.stderr.lower()
    finally:
        assert first.stop() == 0


def test_bad_command_line_is_a_usage_error(tmp_path):
    binary = str(__import__("conftest").souk_binary())
    for args in (["--port", "70000"], ["--fsync", "sometimes"], ["--retention", "soon"], ["--partitions", "0"],
                 ["--retention", "99999999999999999d"], ["--fsync", "interval:99999999999999999999"],
                 ["--max-connections", "0"], ["--max-connections", "99999999999999999999"]):
        run = subprocess.run([binary, "broker", *args, "--data-dir", str(tmp_path / "d")], capture_output=True, text=True, timeout=30)
        assert run.returncode == 64, (args, run.returncode, run.stderr)
        assert run.stdout == ""


def test_souk_produce_feeds_transactions_that_kafka_python_reads(broker, souk):
    run = souk("produce", "--bootstrap", broker.bootstrap, "--count", "3000", "--rate", "0", "--codec", "snappy",
               "--key", "user_id", "--json")
    assert run.returncode == 0, run.stderr.decode()
    summary = json.loads(run.stdout)
    assert (summary["records"], summary["acknowledged"], summary["failed"], summary["topic"]) == (
        3000, 3000, 0, "ecommerce-transactions"
    )
    got = consume_kafka_python(broker.bootstrap, "ecommerce-transactions", 3, 3000)
    assert len(got) == 3000
    rows = [json.loads(value) for _, _, _, value, _ in got]
    assert len({row["transaction_id"] for row in rows}) == 3000
    assert all(key == row["user_id"].encode() for (_, _, key, _, _), row in zip(got, rows))
    assert set(rows[0]) == {"transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method", "timestamp"}


def test_souk_produce_reports_an_unreachable_broker_in_one_line(souk):
    run = souk("produce", "--bootstrap", "127.0.0.1:1", "--count", "1", timeout=120)
    assert run.returncode == 1
    lines = run.stderr.decode().strip().splitlines()
    assert lines[-1].startswith("souk produce: ")


def test_pread_fetch_path_serves_every_client_the_same_records(tmp_path):
    """`--fetch-io pread` (read into buffers, CRC-checked) next to the default sendfile path."""
    broker = Broker(tmp_path / "data", "--fetch-io", "pread").start()
    try:
        topic = topic_name()
        records = dataset(3000, seed=21)
        sent = produce_confluent(broker.bootstrap, topic, records, "zstd", "all")
        check_round_trip(sent, consume_confluent(broker.bootstrap, topic, 3, len(records)))
        check_round_trip(sent, consume_kafka_python(broker.bootstrap, topic, 3, len(records)))
    finally:
        assert broker.stop() == 0


def test_bad_fetch_io_is_refused(souk):
    run = souk("broker", "--fetch-io", "mmap")
    assert run.returncode == 64
    assert b"--fetch-io must be 'sendfile' or 'pread'" in run.stderr

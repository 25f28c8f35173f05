"""`souk bench produce` and `souk bench consume` against the real broker: exact counts, read back with
confluent-kafka, the JSON keys the harness relies on, the rate schedule, groups, and one-line errors."""

import json
import uuid

import pytest

from broker_support import Broker

LATENCY_KEYS = {"p50_ms", "p99_ms", "p999_ms", "max_ms"}


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "data").start()
    yield b
    assert b.stop() == 0, b.log()


def bench(souk, *args):
    run = souk("bench", *args)
    return run, (json.loads(run.stdout) if run.returncode == 0 and "--json" in args else None)


def log_end_offsets(bootstrap, topic):
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "probe"})
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    ends = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions]
    consumer.close()
    return ends


@pytest.mark.parametrize("acks,codec,producers", [("all", "none", 1), ("1", "zstd", 3), ("0", "lz4", 2)])
def test_produce_sends_exactly_the_records_asked_and_reports_their_latency(souk, broker, acks, codec, producers):
    topic = f"bench-{uuid.uuid4().hex[:8]}"
    run, result = bench(souk, "produce", "--bootstrap", broker.bootstrap, "--topic", topic, "--records", 5000,
                        "--record-size", 200, "--acks", acks, "--codec", codec, "--producers", producers, "--json")
    assert run.returncode == 0, run.stderr
    assert result["records"] == result["acknowledged"] == 5000 and result["failed"] == 0
    assert result["bytes"] == 5000 * 200
    assert LATENCY_KEYS <= result.keys()
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["p999_ms"] <= result["max_ms"]
    assert result["records_per_sec"] > 0 and result["mb_per_sec"] > 0
    assert run.stderr == b"", "nothing on stderr when it is not a terminal"
    assert sum(log_end_offsets(broker.bootstrap, topic)) == 5000


def test_produce_with_a_rate_keeps_its_schedule_and_sends_the_shops_transactions(souk, broker):
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    topic = f"bench-{uuid.uuid4().hex[:8]}"
    run, result = bench(souk, "produce", "--bootstrap", broker.bootstrap, "--topic", topic, "--records", 600,
                        "--rate", 400, "--payload", "transactions", "--json")
    assert run.returncode == 0, run.stderr
    assert result["acknowledged"] == 600
    # The last record is due 599/400 s after the start: the schedule, not the broker, sets the pace.
    assert result["seconds"] >= 1.45, result
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "check"})
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    values = []
    while len(values) < 600:
        values += [m.value() for m in consumer.consume(600, timeout=5) if not m.error()]
    consumer.close()
    transactions = [json.loads(v) for v in values]
    assert {"transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method",
            "timestamp"} == set(transactions[0])
    assert len({t["transaction_id"] for t in transactions}) == 600


def test_consume_reads_exactly_the_records_asked_and_a_group_goes_on_where_it_left(souk, broker):
    topic = f"bench-{uuid.uuid4().hex[:8]}"
    run, _ = bench(souk, "produce", "--bootstrap", broker.bootstrap, "--topic", topic, "--records", 3000,
                   "--record-size", 50)
    assert run.returncode == 0, run.stderr
    assert b"3,000 records" in run.stdout

    run, result = bench(souk, "consume", "--bootstrap", broker.bootstrap, "--topic", topic, "--records", 3000,
                        "--json")
    assert run.returncode == 0, run.stderr
    assert result["records"] == 3000 and result["bytes"] == 3000 * 50
    assert 0 < result["first_record_ms"] <= result["seconds"] * 1000 + 1
    assert result["records_per_sec"] > 0 and result["partitions"] >= 1

    group = f"g-{uuid.uuid4().hex[:8]}"
    for records in (1000, 2000):
        run, result = bench(souk, "consume", "--bootstrap", broker.bootstrap, "--topic", topic, "--records",
                            records, "--group", group, "--json")
        assert run.returncode == 0, run.stderr
        assert result["records"] == records
    # The group has read all 3,000: one more record never comes.
    run, _ = bench(souk, "consume", "--bootstrap", broker.bootstrap, "--topic", topic, "--records", 1,
                   "--group", group, "--timeout", 1)
    assert run.returncode == 1
    assert run.stderr.decode().strip() == f"souk bench consume: read 0 of 1 records of {topic}: no new record for 1.0 seconds"


def test_bad_bootstraps_topics_and_arguments_are_one_line_errors(souk, broker):
    for args in (["produce", "--bootstrap", "127.0.0.1:1", "--records", 10],
                 ["consume", "--bootstrap", "127.0.0.1:1", "--records", 10]):
        run, _ = bench(souk, *args)
        assert run.returncode == 1
        lines = run.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and "127.0.0.1:1" in lines[0], run.stderr

    run, _ = bench(souk, "consume", "--bootstrap", broker.bootstrap, "--topic", "missing", "--records", 10)
    assert run.returncode == 1
    assert run.stderr.decode().strip() == "souk bench consume: no topic 'missing'"
    run, _ = bench(souk, "produce", "--bootstrap", broker.bootstrap, "--topic", "bad topic!", "--records", 10)
    assert run.returncode == 1 and len(run.stderr.decode().strip().splitlines()) == 1, run.stderr

    for args in (["produce", "--records", "99999999999999999999"], ["produce", "--records", "0"],
                 ["produce", "--bootstrap", "nohost"], ["produce", "--acks", "2"], ["produce", "--codec", "brotli"],
                 ["produce", "--rate", "-1"], ["produce", "--producers", "0"], ["produce", "--payload", "pdf"],
                 ["consume", "--timeout", "0"], ["consume", "--group", ""], ["fly"]):
        run, _ = bench(souk, *args)
        assert run.returncode == 64, (args, run.returncode, run.stderr)
        assert run.stdout == b""

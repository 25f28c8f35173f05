"""The e-commerce data as real Kafka consumers see it: `souk produce` sends the original platform's
transactions, and `souk demo` runs broker, generator and stream as one process."""

import collections
import json
import re
import signal
import subprocess
import time

import duckdb

from broker_support import Broker
from conftest import souk_binary

CITIES = {"Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"}
CATEGORIES = {"Electronics", "Fashion", "Home & Garden", "Sports", "Books", "Beauty"}
PAYMENTS = {"Credit Card", "PayPal", "Cash on Delivery", "Bank Transfer"}
FIELDS = ["transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method", "timestamp"]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NAIVE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")


def consume_all(bootstrap, topic, expected, timeout=90):
    """Every (key, value) of `topic` read by librdkafka from the beginning, once `expected` arrived."""
    from confluent_kafka import Consumer

    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": f"check-{topic}", "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    records = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for message in consumer.consume(10_000, timeout=1.0):
                assert message.error() is None, message.error()
                records.append((message.key(), message.value()))
    finally:
        consumer.close()
    return records


def produce(bootstrap, topic, *args):
    run = subprocess.run(
        [str(souk_binary()), "produce", "--bootstrap", bootstrap, "--topic", topic, "--rate", "0", "--json", *args],
        capture_output=True, timeout=180,
    )
    assert run.returncode == 0, run.stderr.decode()
    return json.loads(run.stdout)


def test_produce_sends_the_original_platforms_transactions_to_a_real_consumer(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    try:
        summary = produce(broker.bootstrap, "shop", "--count", "100000")
        assert {k: summary[k] for k in ("records", "acknowledged", "failed", "late", "malformed", "topic")} == {
            "records": 100000, "acknowledged": 100000, "failed": 0, "late": 0, "malformed": 0, "topic": "shop"
        }
        records = consume_all(broker.bootstrap, "shop", 100_000)
        assert len(records) == 100_000
        seen = collections.defaultdict(set)
        ids = set()
        for key, value in records:
            assert key is None, "the original producer sent no key"
            text = value.decode()
            transaction = json.loads(text)
            # Byte for byte what Python's json.dumps writes for the same object, fields in this order.
            assert list(transaction) == FIELDS, text
            assert json.dumps(transaction) == text
            assert UUID4.match(transaction["transaction_id"]), text
            ids.add(transaction["transaction_id"])
            assert re.fullmatch(r"USER_\d{3}", transaction["user_id"]) and 100 <= int(transaction["user_id"][5:]) <= 999
            assert isinstance(transaction["amount"], float) and 10.0 <= transaction["amount"] <= 500.0
            assert round(transaction["amount"], 2) == transaction["amount"]
            assert isinstance(transaction["quantity"], int) and 1 <= transaction["quantity"] <= 5
            assert NAIVE_ISO.match(transaction["timestamp"]), text
            for field in ["user_id", "city", "category", "payment_method", "quantity"]:
                seen[field].add(transaction[field])
        assert len(ids) == 100_000
        assert seen["city"] == CITIES
        assert seen["category"] == CATEGORIES
        assert seen["payment_method"] == PAYMENTS
        assert seen["quantity"] == {1, 2, 3, 4, 5}
        assert len(seen["user_id"]) == 900

        # A second run without a seed shares no id with the first; a seed repeats itself.
        produce(broker.bootstrap, "again", "--count", "5000")
        again = {json.loads(v)["transaction_id"] for _, v in consume_all(broker.bootstrap, "again", 5000)}
        assert len(again) == 5000 and not (again & ids)
        produce(broker.bootstrap, "seeded", "--count", "300", "--seed", "7", "--key", "user_id")
        produce(broker.bootstrap, "seeded", "--count", "300", "--seed", "7", "--key", "user_id")
        seeded = consume_all(broker.bootstrap, "seeded", 600)
        by_position = collections.defaultdict(list)
        for key, value in seeded:
            transaction = json.loads(value)
            assert key == transaction["user_id"].encode(), "--key user_id keys each record by its user"
            transaction.pop("timestamp")
            by_position[transaction["transaction_id"]].append(transaction)
        assert len(by_position) == 300 and all(len(twice) == 2 and twice[0] == twice[1] for twice in by_position.values())
    finally:
        broker.stop()


def test_produce_rejects_an_unknown_key(souk):
    run = souk("produce", "--key", "city")
    assert run.returncode == 64
    assert b"--key must be none or user_id" in run.stderr


def test_demo_prints_as_it_goes_and_a_sigterm_drains_everything_it_sent(tmp_path):
    data = tmp_path / "data"
    process = subprocess.Popen(
        [str(souk_binary()), "demo", "--broker-port", "0", "--web-port", "0", "--data-dir", str(data), "--rate", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        # Piped, the banner still arrives while the demo runs, not when it stops.
        first = process.stdout.readline().decode()
        assert (first.startswith("Souk ") and "demo" in first) or first.startswith("Dashboard: http://"), first
        assert process.poll() is None
        pattern = str(data / "tables" / "transactions" / "date=*" / "hour=*" / "*.parquet")
        # Stop once the stream committed a batch with data: the stop must then drain the rest.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(data.glob("tables/transactions/date=*/hour=*/*.inprogress")):
            time.sleep(0.2)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err.decode()
    sent = int(re.search(r"this run sent ([\d,]+) transactions", out.decode()).group(1).replace(",", ""))
    assert sent > 0
    # Every transaction the generator sent reached the raw table exactly once.
    assert duckdb.sql(f"select count(*), count(distinct transaction_id) from read_parquet('{pattern}')").fetchall() == [
        (sent, sent)
    ]

"""Driving `souk stream` for the interop tests: datasets, a producer, runs, and the DuckDB oracle."""

import datetime
import glob
import json
import pathlib
import random
import subprocess

import duckdb

from conftest import souk_binary

TOPIC = "ecommerce-transactions"
CITIES = ["Casablanca", "Rabat", "Fès", "Marrakesh", "Tangier", "Agadir"]
CATEGORIES = ["Electronics", "Books", "Fashion", "Home", "Beauty"]
PAYMENTS = ["card", "cash", "paypal", "wallet"]
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MICROS = datetime.timedelta(microseconds=1)


def micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // MICROS


def timestamp_text(moment: datetime.datetime, style: int):
    """The same instant in the formats Python producers write (naive means UTC)."""
    if style == 0:
        return moment.replace(tzinfo=None).isoformat()  # naive, fraction when non-zero
    if style == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment.microsecond == 0 else moment.isoformat().replace("+00:00", "Z")
    if style == 2:
        return moment.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat()
    if style == 3:
        return micros(moment) // 1000  # epoch milliseconds (the instant is whole milliseconds)
    return moment.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.%f")


def transactions(count, start, seed, spacing_ms=100, jitter_ms=3000, prefix="t"):
    """`count` valid transactions from `start`, `spacing_ms` apart, each moved by up to ±`jitter_ms`."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        moment = start + datetime.timedelta(milliseconds=i * spacing_ms + rng.randint(-jitter_ms, jitter_ms))
        style = i % 5
        if style == 3:
            moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        record = {
            "transaction_id": f"{prefix}{seed}-{i}",
            "user_id": f"user_{rng.randint(1, 300)}",
            "city": rng.choice(CITIES),
            "category": rng.choice(CATEGORIES),
            "amount": round(rng.uniform(1, 999), 2),
            "quantity": rng.randint(1, 5),
            "payment_method": rng.choice(PAYMENTS),
            "timestamp": timestamp_text(moment, style),
        }
        out.append({"record": record, "micros": micros(moment)})
    return out


MALFORMED = [
    b"not json at all",
    b'{"transaction_id": "m1", "user_id": "u", "city": "Rabat"',
    b'{"transaction_id": "m2", "user_id": "u", "city": "Rabat", "category": "Books", "quantity": 1, '
    b'"payment_method": "card", "timestamp": "2026-11-24T10:00:00"}',  # no amount
    b'{"transaction_id": "m3", "user_id": "u", "city": "Rabat", "category": "Books", "amount": "12.5", '
    b'"quantity": 1, "payment_method": "card", "timestamp": "2026-11-24T10:00:00"}',  # amount is text
    b'{"transaction_id": "m4", "user_id": "u", "city": "Rabat", "category": "Books", "amount": 3.5, '
    b'"quantity": 1, "payment_method": "card", "timestamp": "yesterday"}',
    b"[1, 2, 3]",
    b"",
]


def encode(entry) -> bytes:
    return json.dumps(entry["record"]).encode()


def create_topic(bootstrap, partitions=3, topic=TOPIC):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, partitions, 1)])
    futures[topic].result(15)  # `admin` stays referenced until here: the future needs its client alive
    metadata = admin.list_topics(topic, timeout=15).topics[topic]
    assert metadata.error is None and len(metadata.partitions) == partitions, metadata


def produce(bootstrap, values, topic=TOPIC, partitions=3):
    """Sends the values round-robin over the partitions, in order within each; waits for every ack.

    Returns the (partition, offset) the broker gave each value, in the order of `values`.
    """
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all"})
    failures = []
    positions = [None] * len(values)

    def report_for(index):
        def report(error, message):
            if error is not None:
                failures.append(error)
            else:
                positions[index] = (message.partition(), message.offset())

        return report

    for index, value in enumerate(values):
        producer.produce(topic, value=value, partition=index % partitions, on_delivery=report_for(index))
        if index % 1000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0
    assert not failures, failures
    assert None not in positions
    return positions


def run_stream(data_dir, *args, timeout=180, env=None):
    """Runs `souk stream --progress …` to the end; returns (exit code, progress reports, stderr).

    The stderr log is also appended to `<data_dir>-stream.log` beside the data directory.
    """
    data_dir = pathlib.Path(data_dir)
    result = subprocess.run(
        [str(souk_binary()), "stream", "--data-dir", str(data_dir), "--progress", *map(str, args)],
        capture_output=True,
        timeout=timeout,
        env=env,
    )
    log = result.stderr.decode(errors="replace")
    with open(data_dir.parent / f"{data_dir.name}-stream.log", "a") as out:
        out.write(f"--- souk stream {' '.join(map(str, args))} -> exit {result.returncode}\n{log}")
    reports = [json.loads(line) for line in result.stdout.decode().splitlines() if line.strip()]
    return result.returncode, reports, log


def applied_watermarks(data_dir, job="ecommerce"):
    """batch id → the watermark (µs) that batch applied, from the offset log."""
    offsets = pathlib.Path(data_dir, "checkpoints", job, "offsets")
    return {int(p.name): json.loads(p.read_text())["watermarkMicros"] for p in offsets.iterdir() if p.name.isdigit()}


def assert_progress_matches_checkpoints(data_dir, reports):
    """Each progress line's watermark is the one its batch recorded in offsets/<batchId>."""
    recorded = applied_watermarks(data_dir)
    assert reports, "no progress line"
    for report in reports:
        assert report["batchId"] in recorded, report["batchId"]
        assert report["watermark"] == recorded[report["batchId"]], (report["batchId"], report["watermark"])


def final_watermark(data_dir, job="ecommerce") -> int:
    """The watermark the newest batch applied (µs)."""
    entries = sorted(pathlib.Path(data_dir, "checkpoints", job, "offsets").iterdir(), key=lambda p: int(p.name))
    return json.loads(entries[-1].read_text())["watermarkMicros"]


def raw_rows(data_dir):
    """(transaction_id, user_id, city, category, amount, quantity, payment_method, µs) of the raw table."""
    pattern = str(pathlib.Path(data_dir, "tables", "transactions", "date=*", "hour=*", "*.parquet"))
    if not glob.glob(pattern, recursive=True):
        return []
    return duckdb.sql(
        f"""select transaction_id, user_id, city, category, amount, quantity, payment_method,
                   epoch_us("timestamp") from read_parquet('{pattern}', hive_partitioning = false)"""
    ).fetchall()


def expected_raw(entries):
    out = []
    for entry in entries:
        r = entry["record"]
        out.append(
            (r["transaction_id"], r["user_id"], r["city"], r["category"], r["amount"], r["quantity"],
             r["payment_method"], entry["micros"])
        )
    return sorted(out)


def window_rows(data_dir):
    pattern = str(pathlib.Path(data_dir, "tables", "windows", "date=*", "hour=*", "*.parquet"))
    if not glob.glob(pattern, recursive=True):
        return []
    return duckdb.sql(
        f"""select epoch_us(window_start), epoch_us(window_end), dimension, key, revenue, transactions, items
            from read_parquet('{pattern}', hive_partitioning = false)"""
    ).fetchall()


def oracle_windows(entries, watermark):
    """DuckDB's GROUP BY over the on-time entries: 1-minute windows per dimension value, closed ones only."""
    con = duckdb.connect()
    con.execute(
        "create table t (ts bigint, category varchar, city varchar, payment_method varchar, amount double, quantity int)"
    )
    con.executemany(
        "insert into t values (?, ?, ?, ?, ?, ?)",
        [
            (e["micros"], e["record"]["category"], e["record"]["city"], e["record"]["payment_method"],
             e["record"]["amount"], e["record"]["quantity"])
            for e in entries
        ],
    )
    rows = []
    for dimension in ["category", "city", "payment_method"]:
        rows += con.execute(
            f"""select * from (
                    select ts // 60000000 * 60000000 as s, ts // 60000000 * 60000000 + 60000000 as e, '{dimension}', {dimension},
                           sum(amount), count(*), sum(quantity)
                    from t group by 1, 2, 3, 4)
                where e <= ?""",
            [watermark],
        ).fetchall()
    return rows


def assert_windows_equal(actual, expected):
    key = lambda row: (row[0], row[2], row[3])  # noqa: E731
    actual_by_key = {key(row): row for row in actual}
    expected_by_key = {key(row): row for row in expected}
    assert len(actual) == len(actual_by_key), "a window was written twice"
    assert sorted(actual_by_key) == sorted(expected_by_key)
    for k, want in expected_by_key.items():
        got = actual_by_key[k]
        assert got[1] == want[1] and got[5] == want[5] and got[6] == want[6], (got, want)
        assert abs(got[4] - want[4]) <= 1e-6 * max(1.0, abs(want[4])), (got, want)


def dead_letters(data_dir, kind):
    """The dead letters of `kind` (late, malformed), each with the batch its file is named after."""
    lines = []
    for path in sorted(pathlib.Path(data_dir, "deadletter", kind).glob("batch-*.jsonl")):
        batch = int(path.stem.removeprefix("batch-"))
        for line in path.read_text().splitlines():
            if line.strip():
                letter = json.loads(line)
                letter["file_batch"] = batch
                lines.append(letter)
    return lines


def assert_dead_letters_match_progress(letters, reports, counter):
    """Per batch, as many dead letters as the progress line counted; every letter complete."""
    for letter in letters:
        assert {"batch", "partition", "offset", "reason", "value"} <= letter.keys(), letter
        assert letter["batch"] == letter["file_batch"], letter
        assert isinstance(letter["reason"], str) and letter["reason"].strip(), letter
    per_batch = {}
    for letter in letters:
        per_batch[letter["batch"]] = per_batch.get(letter["batch"], 0) + 1
    counted = {r["batchId"]: r[counter] for r in reports if r[counter]}
    assert per_batch == counted, (counter, per_batch, counted)

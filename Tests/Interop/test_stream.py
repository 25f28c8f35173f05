"""`souk stream` end to end: a real `souk broker`, a real librdkafka producer, DuckDB as the oracle."""

import datetime
import json
import subprocess
import time

import pytest

from broker_support import Broker
from conftest import souk_binary
from stream_support import (
    MALFORMED,
    applied_watermarks,
    assert_dead_letters_match_progress,
    assert_progress_matches_checkpoints,
    assert_windows_equal,
    create_topic,
    dead_letters,
    encode,
    expected_raw,
    final_watermark,
    oracle_windows,
    produce,
    raw_rows,
    run_stream,
    transactions,
    window_rows,
)

START = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "broker").start()
    yield b
    assert b.stop() == 0, b.log()


def test_windows_late_and_malformed_records_against_duckdb(broker, tmp_path):
    create_topic(broker.bootstrap, partitions=3)
    data = tmp_path / "stream"
    # Phase 1: 2,400 on-time records over 4 minutes (out of order by up to 3 s, within the 10 s
    # lateness), mixed timestamp formats, and malformed records in between.
    first = transactions(2400, START, seed=1, spacing_ms=100, jitter_ms=3000)
    sent = [(encode(e), e["micros"]) for e in first]
    for index, bad in enumerate(MALFORMED):
        sent.insert(index * 300 + 7, (bad, None))
    values = [value for value, _ in sent]
    positions = produce(broker.bootstrap, values)
    malformed_at = sorted(positions[i] for i, (_, m) in enumerate(sent) if m is None)
    code, reports, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", "--max-records-per-partition", 300)
    assert code == 0, log
    assert len(reports) >= 3, "the cap splits the input over several batches"
    assert sum(r["numInputRows"] for r in reports) == len(values)
    assert sum(r["malformedRows"] for r in reports) == len(MALFORMED)
    assert sum(r["lateRows"] for r in reports) == 0
    assert_progress_matches_checkpoints(data, reports)
    # The final watermark: the slowest partition's largest event time minus the 10 s lateness.
    slowest = min(max(m for i, (_, m) in enumerate(sent) if m is not None and i % 3 == p) for p in range(3))
    assert final_watermark(data) == slowest - 10_000_000

    # Phase 2: records far behind the watermark (late) and more on-time ones after the first.
    late = transactions(25, START + datetime.timedelta(seconds=30), seed=2, spacing_ms=1000, jitter_ms=0, prefix="late")
    second = transactions(600, START + datetime.timedelta(minutes=4, seconds=10), seed=3, jitter_ms=2000)
    more = late + second
    late_at = sorted(produce(broker.bootstrap, [encode(e) for e in more])[: len(late)])
    code, reports2, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once")
    assert code == 0, log
    assert sum(r["numInputRows"] for r in reports2) == len(late) + len(second)
    assert sum(r["lateRows"] for r in reports2) == len(late)
    assert sum(r["malformedRows"] for r in reports2) == 0
    assert all(r["batchId"] > reports[-1]["batchId"] for r in reports2), "batch ids continue after a restart"
    assert_progress_matches_checkpoints(data, reports2)

    # Every valid record exactly once in the raw table, late ones included.
    assert sorted(raw_rows(data)) == expected_raw(first + late + second)
    # Windows: exactly DuckDB's GROUP BY over the on-time records, for the windows the watermark closed.
    watermark = final_watermark(data)
    slowest = min(
        max(max(m for i, (_, m) in enumerate(sent) if m is not None and i % 3 == p),
            max(e["micros"] for i, e in enumerate(more) if i % 3 == p))
        for p in range(3)
    )
    assert watermark == slowest - 10_000_000
    assert_windows_equal(window_rows(data), oracle_windows(first + second, watermark))

    # Dead letters: each refused record once, with a reason.
    malformed = dead_letters(data, "malformed")
    assert len(malformed) == len(MALFORMED)
    assert_dead_letters_match_progress(malformed, reports + reports2, "malformedRows")
    assert sorted((letter["partition"], letter["offset"]) for letter in malformed) == malformed_at
    by_position = {(letter["partition"], letter["offset"]): letter for letter in malformed}
    for (value, _), position in zip(sent, positions):
        if value in MALFORMED:
            # The value as sent; an empty Kafka value is reported as such.
            assert by_position[position]["value"] == value.decode(), position
            if not value:
                assert by_position[position]["reason"] == "empty record"
    late_letters = dead_letters(data, "late")
    assert sorted(letter["value"] for letter in late_letters) == sorted(encode(e).decode() for e in late)
    assert_dead_letters_match_progress(late_letters, reports2, "lateRows")
    assert sorted((letter["partition"], letter["offset"]) for letter in late_letters) == late_at
    # Late means: before the watermark its batch applied.
    applied = applied_watermarks(data)
    late_micros = {encode(e).decode(): e["micros"] for e in late}
    assert all(late_micros[letter["value"]] < applied[letter["batch"]] for letter in late_letters)


def test_file_source_matches_the_oracle(tmp_path):
    entries = transactions(3000, START, seed=7, spacing_ms=50, jitter_ms=2000)
    path = tmp_path / "input.jsonl"
    lines = [encode(e).decode() for e in entries]
    lines.insert(100, "{broken")
    lines.insert(200, "")  # a blank line is not a record
    lines.insert(300, '{"transaction_id": "x", "amount": 1.0}')  # fields missing
    path.write_text("\n".join(lines) + "\n")
    data = tmp_path / "stream"
    code, reports, log = run_stream(data, "--file", path, "--once", "--max-records-per-partition", 1000)
    assert code == 0, log
    assert len(reports) >= 4, "the cap splits the file over several batches"
    assert sum(r["numInputRows"] for r in reports) == 3002
    assert sum(r["malformedRows"] for r in reports) == 2
    assert sum(r["lateRows"] for r in reports) == 0
    assert_progress_matches_checkpoints(data, reports)
    # The offset of a file record is its 0-based line number.
    malformed = dead_letters(data, "malformed")
    assert sorted((m["partition"], m["offset"], m["value"]) for m in malformed) == [
        (0, 100, "{broken"), (0, 300, lines[300])
    ]
    assert_dead_letters_match_progress(malformed, reports, "malformedRows")
    assert sorted(raw_rows(data)) == expected_raw(entries)
    assert_windows_equal(window_rows(data), oracle_windows(entries, final_watermark(data)))
    # The final watermark: the largest event time of the file minus the 10 s lateness.
    assert final_watermark(data) == max(e["micros"] for e in entries) - 10_000_000
    # Running again finds nothing new: no batch, no new checkpoint file.
    offsets = sorted((data / "checkpoints" / "ecommerce" / "offsets").iterdir())
    code, again, log = run_stream(data, "--file", path, "--once")
    assert code == 0 and again == [], log
    assert sorted((data / "checkpoints" / "ecommerce" / "offsets").iterdir()) == offsets

    # Lines appended later are read from where the last run stopped: late ones (a minute behind the
    # watermark) go to the raw table and the late dead letters, on-time ones to the windows too.
    late = transactions(20, START + datetime.timedelta(seconds=20), seed=8, spacing_ms=500, jitter_ms=0, prefix="late")
    second = transactions(400, START + datetime.timedelta(seconds=155), seed=9, spacing_ms=50, jitter_ms=1000)
    with open(path, "a") as out:
        out.write("\n".join(encode(e).decode() for e in late + second) + "\n")
    code, reports2, log = run_stream(data, "--file", path, "--once")
    assert code == 0, log
    assert sum(r["numInputRows"] for r in reports2) == len(late) + len(second)
    assert sum(r["lateRows"] for r in reports2) == len(late)
    assert_progress_matches_checkpoints(data, reports2)
    late_letters = dead_letters(data, "late")
    assert sorted(letter["offset"] for letter in late_letters) == list(range(len(lines), len(lines) + len(late)))
    assert_dead_letters_match_progress(late_letters, reports2, "lateRows")
    assert sorted(raw_rows(data)) == expected_raw(entries + late + second)
    watermark = final_watermark(data)
    assert watermark == max(e["micros"] for e in entries + second) - 10_000_000
    assert_windows_equal(window_rows(data), oracle_windows(entries + second, watermark))


def test_once_runs_its_batches_back_to_back_whatever_the_trigger(tmp_path):
    """Like Spark's availableNow: five batches with a 60 s trigger would take four minutes if the trigger
    paced them; the run must end well within the 60 s this test allows."""
    entries = transactions(500, START, seed=11, spacing_ms=100, jitter_ms=0)
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(encode(e).decode() for e in entries) + "\n")
    code, reports, log = run_stream(tmp_path / "stream", "--file", path, "--once", "--trigger", "60s",
                                    "--max-records-per-partition", 100, timeout=60)
    assert code == 0, log
    assert sum(r["numInputRows"] for r in reports) == 500
    assert len([r for r in reports if r["numInputRows"] > 0]) == 5


def test_tables_are_typed_as_the_contract_says(tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(encode(e).decode() for e in transactions(500, START, seed=9)) + "\n")
    data = tmp_path / "stream"
    code, _, log = run_stream(data, "--file", path, "--once")
    assert code == 0, log
    raw = pq.read_table(next((data / "tables" / "transactions").rglob("*.parquet"))).schema
    assert [(f.name, str(f.type)) for f in raw] == [
        ("transaction_id", "string"), ("user_id", "string"), ("city", "string"), ("category", "string"),
        ("amount", "double"), ("quantity", "int32"), ("payment_method", "string"), ("timestamp", "timestamp[us, tz=UTC]"),
    ]
    windows = pq.read_table(next((data / "tables" / "windows").rglob("*.parquet"))).schema
    assert [(f.name, str(f.type)) for f in windows] == [
        ("window_start", "timestamp[us, tz=UTC]"), ("window_end", "timestamp[us, tz=UTC]"), ("dimension", "string"),
        ("key", "string"), ("revenue", "double"), ("transactions", "int64"), ("items", "int64"),
    ]
    table = data / "tables" / "transactions"
    hours = {p.relative_to(table).parts[:2] for p in table.rglob("*.parquet")}
    # The first records are up to 3 s before 10:00 UTC.
    assert hours == {("date=2026-11-24", "hour=09"), ("date=2026-11-24", "hour=10")}
    import polars

    assert polars.read_parquet(str(data / "tables" / "windows" / "date=*" / "hour=*" / "*.parquet")).height == len(window_rows(data))


def test_a_second_stream_on_the_same_data_dir_is_refused(broker, tmp_path):
    create_topic(broker.bootstrap, partitions=1)
    data = tmp_path / "stream"
    first = subprocess.Popen(
        [str(souk_binary()), "stream", "--bootstrap", broker.bootstrap, "--data-dir", str(data), "--trigger", "50ms"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        # The checkpoint directory is created after the lock is taken: wait for it, with a deadline.
        deadline = time.monotonic() + 30
        while not (data / "checkpoints" / "ecommerce" / "commits").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (data / "checkpoints" / "ecommerce" / "commits").exists(), "the first stream never started"
        code, reports, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", timeout=60)
        assert code == 1
        assert reports == []
        errors = [line for line in log.splitlines() if "in use by another souk stream" in line]
        assert len(errors) == 1 and str(data) in errors[0], log
        assert first.poll() is None, "the refused second run must not disturb the first"
    finally:
        first.terminate()
        assert first.wait(30) == 0, first.stderr.read().decode()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--trigger", "banana"], "--trigger"),
        (["--trigger", "5ms"], "at least 10ms"),
        (["--watermark", "-3s"], "--watermark"),
        (["--roll-size", "12"], "--roll-size"),
        (["--workers", "0"], "--workers"),
        (["--bootstrap", "nohostport"], "--bootstrap"),
        (["--compression", "brotli"], "--compression"),
    ],
)
def test_bad_arguments_get_a_clear_error(souk, tmp_path, args, message):
    result = souk("stream", "--data-dir", tmp_path / "d", "--once", *args)
    assert result.returncode == 64, result.stderr  # a usage error (EX_USAGE)
    assert result.stdout == b""
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert not (tmp_path / "d").exists()


def test_unreachable_source_fails_cleanly(souk, tmp_path):
    result = souk("stream", "--file", tmp_path / "missing.jsonl", "--data-dir", tmp_path / "d", "--once")
    assert result.returncode == 1
    assert "missing.jsonl" in result.stderr.decode()


def test_progress_reports_follow_structured_streaming(tmp_path):
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(encode(e).decode() for e in transactions(200, START, seed=11)) + "\n")
    code, reports, log = run_stream(tmp_path / "d", "--file", path, "--once")
    assert code == 0, log
    report = reports[0]
    for field in ["batchId", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond", "durationMs", "eventTime",
                  "stateOperators", "sources", "sinks", "watermark", "lateRows", "malformedRows"]:
        assert field in report, field
    for phase in ["walCommit", "addBatch", "commitOffsets", "triggerExecution"]:
        assert report["durationMs"][phase] >= 0
    assert report["sources"][0]["endOffset"] == {"0": 200}


def test_two_streams_in_one_group_share_the_partitions(broker, tmp_path):
    create_topic(broker.bootstrap, partitions=4)
    entries = transactions(2000, START, seed=31, spacing_ms=100, jitter_ms=1000)
    produce(broker.bootstrap, [encode(e) for e in entries], partitions=4)
    streams = [
        subprocess.Popen(
            [str(souk_binary()), "stream", "--bootstrap", broker.bootstrap, "--group", "souk-share", "--data-dir",
             str(tmp_path / f"member-{index}"), "--trigger", "100ms", "--progress", "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for index in range(2)
    ]
    try:
        # Wait until the members' checkpoints together cover every offset of the four partitions.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and read_up_to(tmp_path) < len(entries):
            time.sleep(0.2)
        assert read_up_to(tmp_path) == len(entries)
    finally:
        for process in streams:
            process.terminate()
        codes = [process.wait(30) for process in streams]
    assert codes == [0, 0], [p.stderr.read().decode()[-2000:] for p in streams]
    per_member = [raw_rows(tmp_path / f"member-{i}") for i in range(2)]
    # Both members read: the group split the partitions between them, and together they read everything.
    assert all(per_member), "one member got no partition"
    # Every transaction exactly once across the members: a list, so a row both wrote would show.
    seen = sorted(row[0] for rows in per_member for row in rows)
    assert seen == sorted(e["record"]["transaction_id"] for e in entries)


def read_up_to(tmp_path):
    """The end offsets of the newest planned batch of each member, over all their partitions."""
    ends = {}
    for member in range(2):
        offsets = tmp_path / f"member-{member}" / "checkpoints" / "ecommerce" / "offsets"
        names = sorted((int(p.name) for p in offsets.glob("*") if p.name.isdigit()), reverse=True) if offsets.exists() else []
        for name in names[:1]:
            for partition, bounds in json.loads((offsets / str(name)).read_text())["sources"].get("ecommerce-transactions", {}).items():
                ends[partition] = max(ends.get(partition, 0), bounds[1])
    return sum(ends.values())

"""The tables as readers meet them: a part rolled at a low rate holds row groups of a useful size and
takes about the bytes pyarrow takes for the same rows in one row group; Spark (the original platform's
reader) and pandas read both tables, with every codec Souk writes, as DuckDB does."""

import datetime
import glob
import json
import os
import shutil
import signal
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import souk_binary


def test_a_demo_at_200_per_second_rolls_parts_of_one_row_group_as_compact_as_pyarrow(tmp_path):
    data = tmp_path / "data"
    run = subprocess.run(
        [str(souk_binary()), "demo", "--data-dir", str(data), "--broker-port", "0", "--web-port", "0",
         "--rate", "200", "--trigger", "200ms", "--duration", "15"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    parts = glob.glob(str(data / "tables" / "transactions" / "date=*" / "hour=*" / "*.parquet"))
    assert parts and not glob.glob(str(data / "tables" / "**" / "*.inprogress"), recursive=True)
    checked = 0
    for part in parts:
        metadata = pq.ParquetFile(part).metadata
        if metadata.num_rows < 1000:
            continue  # a part cut short by an hour boundary
        # 75 batches of about 40 rows each were appended, one row group each; the roll rewrote them.
        assert metadata.num_row_groups == 1, (part, metadata.num_row_groups)
        table = pq.read_table(part)
        again = tmp_path / "pyarrow.parquet"
        pq.write_table(table, again, compression="snappy", row_group_size=len(table))
        # The whole files, footers included, and the column chunks alone.
        file_ratio = os.path.getsize(part) / os.path.getsize(again)
        chunks = [sum(m.row_group(0).column(c).total_compressed_size for c in range(m.num_columns))
                  for m in (metadata, pq.ParquetFile(again).metadata)]
        assert file_ratio <= 1.1 and chunks[0] / chunks[1] <= 1.1, (part, metadata.num_rows, file_ratio, chunks)
        checked += 1
    assert checked, [pq.ParquetFile(p).metadata.num_rows for p in parts]


@pytest.fixture(scope="module")
def spark():
    """A local Spark session (pyspark from PyPI, Java 17 from Debian), in UTC."""
    if not shutil.which("java"):
        pytest.fail("java is not installed: make setup installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("souk-tables")
               .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("codec", ["snappy", "zstd", "none"])
def test_spark_and_pandas_read_both_tables_as_duckdb_does(tmp_path, spark, codec):
    import duckdb
    import pandas as pd

    from stream_support import run_stream, transactions

    start = datetime.datetime(2026, 11, 24, 9, 40, tzinfo=datetime.timezone.utc)
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b"".join(json.dumps(e["record"]).encode() + b"\n"
                               for e in transactions(3000, start, seed=31, spacing_ms=1500)))
    data = tmp_path / "data"
    code, _, log = run_stream(data, "--file", lines, "--once", "--trigger", "0", "--compression", codec)
    assert code == 0, log

    raw = data / "tables" / "transactions"
    windows = data / "tables" / "windows"
    glob_of = lambda table: f"read_parquet('{table}/date=*/hour=*/*.parquet')"  # noqa: E731
    expected_raw = sorted(duckdb.sql(
        f"select transaction_id, epoch_us(timestamp), amount, quantity, category from {glob_of(raw)}").fetchall())
    expected_windows = sorted(duckdb.sql(
        f"select epoch_us(window_start), dimension, key, revenue, transactions, items from {glob_of(windows)}"
    ).fetchall())
    assert len(expected_raw) == 3000 and expected_windows

    # Spark reads the table directories and discovers the date= and hour= partitions.
    frame = spark.read.parquet(str(raw))
    assert {"date", "hour"} <= set(frame.columns)
    got = sorted(tuple(row) for row in frame.selectExpr(
        "transaction_id", "unix_micros(timestamp)", "amount", "quantity", "category").collect())
    assert got == expected_raw
    # The partition values agree with each row's timestamp (UTC).
    assert frame.where("to_date(timestamp) != date or hour(timestamp) != hour").count() == 0
    got_windows = sorted(tuple(row) for row in spark.read.parquet(str(windows)).selectExpr(
        "unix_micros(window_start)", "dimension", "key", "revenue", "transactions", "items").collect())
    assert got_windows == expected_windows

    # pandas, the original dashboard's reader, through pyarrow's dataset discovery.
    table = pd.read_parquet(raw)
    assert len(table) == 3000
    assert abs(table["amount"].sum() - sum(r[2] for r in expected_raw)) < 1e-6
    assert sorted(table["transaction_id"]) == [r[0] for r in expected_raw]
    assert len(pd.read_parquet(windows)) == len(expected_windows)


def test_delta_readers_see_every_version_with_the_rows_the_engine_had_committed_then(tmp_path):
    """Three runs of `souk stream --file --once` over a growing input, with parts small enough to roll
    mid-run: delta-rs reads every version (time travel) with exactly the rows committed by then, polars
    reads the table as DuckDB reads the glob, and each `add`'s statistics match its file."""
    import deltalake
    import duckdb
    import polars as pl

    from stream_support import run_stream, transactions

    start = datetime.datetime(2026, 11, 24, 9, 40, tzinfo=datetime.timezone.utc)
    entries = transactions(3000, start, seed=41, spacing_ms=3600, jitter_ms=2000)
    lines = tmp_path / "in.jsonl"
    data = tmp_path / "data"
    raw, windows = data / "tables" / "transactions", data / "tables" / "windows"
    glob_of = lambda table: f"read_parquet('{table}/date=*/hour=*/*.parquet')"  # noqa: E731
    run_ends = []  # (Delta version, ids a glob sees) after each run
    for run in range(3):
        with open(lines, "ab") as out:
            out.writelines(json.dumps(e["record"]).encode() + b"\n" for e in entries[run * 1000:(run + 1) * 1000])
        code, _, log = run_stream(data, "--file", lines, "--once", "--trigger", "0",
                                  "--max-records-per-partition", "100", "--roll-size", "6KiB")
        assert code == 0, log
        ids = sorted(r[0] for r in duckdb.sql(f"select transaction_id from {glob_of(raw)}").fetchall())
        assert len(ids) == (run + 1) * 1000
        run_ends.append((deltalake.DeltaTable(str(raw)).version(), ids))

    latest = run_ends[-1][0]
    assert latest >= 10, "parts rolled mid-run, so each run added several versions"
    assert sorted(int(p.name[:20]) for p in (raw / "_delta_log").glob("*.json")) == list(range(latest + 1))
    previous = []
    for version in range(latest + 1):
        table = deltalake.DeltaTable(str(raw), version=version)
        ids = sorted(table.to_pyarrow_table(columns=["transaction_id"]).column(0).to_pylist())
        assert set(previous) <= set(ids) and len(ids) == len(set(ids)), version
        previous = ids
        for end_version, expected in run_ends:
            if version == end_version:
                assert ids == expected, version
    assert deltalake.DeltaTable(str(raw), version=0).to_pyarrow_table().num_rows == 0

    # DuckDB reads the hour directory (`hour=09`) as text: the Delta schema says integer.
    # Checkpoints, every 10 versions, come from Souk's nested Parquet writer: pyarrow reads their rows, and
    # delta-rs reads the table from the newest one alone once the commits it covers are gone.
    log_dir = raw / "_delta_log"
    last = json.loads((log_dir / "_last_checkpoint").read_text())
    assert last["version"] == latest - latest % 10
    rows = pq.read_table(log_dir / f"{last['version']:020d}.checkpoint.parquet").to_pylist()
    assert len(rows) == last["size"]
    assert [r["protocol"] for r in rows if r["protocol"]] == [{"minReaderVersion": 1, "minWriterVersion": 2}]
    [metadata] = [r["metaData"] for r in rows if r["metaData"]]
    assert metadata["partitionColumns"] == ["date", "hour"] and metadata["format"]["provider"] == "parquet"
    first = [json.loads(line) for line in (log_dir / f"{0:020d}.json").read_text().splitlines()]
    assert [a["metaData"]["schemaString"] for a in first if "metaData" in a] == [metadata["schemaString"]]
    [txn] = [r["txn"] for r in rows if r["txn"]]
    assert txn["appId"] == "souk-stream"
    logged = {a["path"]: a for a in pa.table(deltalake.DeltaTable(str(raw), version=last["version"])
                                                .get_add_actions(flatten=False)).to_pylist()}
    checkpointed = {r["add"]["path"]: r["add"] for r in rows if r["add"]}
    assert checkpointed.keys() == logged.keys()
    for path, add in checkpointed.items():
        assert dict(add["partitionValues"]) == {"date": path[5:15], "hour": str(int(path[21:23]))}
        assert add["size"] == (raw / path).stat().st_size and add["tags"] is None
        assert json.loads(add["stats"])["numRecords"] == pq.ParquetFile(raw / path).metadata.num_rows
    copy = tmp_path / "from-checkpoint"
    shutil.copytree(raw, copy)
    for version in range(last["version"] + 1):
        (copy / "_delta_log" / f"{version:020d}.json").unlink()
    from_checkpoint = deltalake.DeltaTable(str(copy))
    assert from_checkpoint.version() == latest
    assert sorted(from_checkpoint.to_pyarrow_table(columns=["transaction_id"]).column(0).to_pylist()) == run_ends[-1][1]

    columns = "transaction_id, epoch_us(timestamp), amount, quantity, city, cast(date as date), cast(hour as int)"
    expected = sorted(duckdb.sql(f"select {columns} from {glob_of(raw)}").fetchall())
    frame = pl.read_delta(str(raw))
    got = sorted(duckdb.sql(f"select {columns} from frame").fetchall())
    assert got == expected
    assert pl.read_delta(str(windows)).height == duckdb.sql(f"select count(*) from {glob_of(windows)}").fetchall()[0][0]

    adds = pa.table(deltalake.DeltaTable(str(raw)).get_add_actions(flatten=True)).to_pylist()
    assert sorted(a["path"] for a in adds) == sorted(
        str(p.relative_to(raw)) for p in raw.glob("date=*/hour=*/*.parquet"))
    for add in adds:
        path = raw / add["path"]
        assert add["size_bytes"] == path.stat().st_size
        [(count, low, high, low_amount, high_amount)] = duckdb.sql(
            f"select count(*), min(epoch_us(timestamp)), max(epoch_us(timestamp)), min(amount), max(amount) "
            f"from read_parquet('{path}')").fetchall()
        assert add["num_records"] == count
        assert add["min.amount"] == low_amount and add["max.amount"] == high_amount
        # Delta keeps timestamps to the millisecond: the minimum rounded down, the maximum up.
        assert epoch_us(add["min.timestamp"]) == low - low % 1000
        assert epoch_us(add["max.timestamp"]) == high + (-high % 1000)
        assert add["null_count.transaction_id"] == 0
        day, hour = add["partition.date"], add["partition.hour"]
        assert f"date={day}/hour={hour:02d}/" in add["path"]


def epoch_us(moment):
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000 + moment.microsecond


def streamed_hours(tmp_path, *extra):
    """Three hours of transactions (09:40 to 12:10 UTC) through `souk stream --file --once` with parts small
    enough that every hour holds several."""
    from stream_support import run_stream, transactions

    start = datetime.datetime(2026, 11, 24, 9, 40, tzinfo=datetime.timezone.utc)
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b"".join(json.dumps(e["record"]).encode() + b"\n"
                               for e in transactions(3000, start, seed=43, spacing_ms=3000, jitter_ms=2000)))
    data = tmp_path / "data"
    code, _, log = run_stream(data, "--file", lines, "--once", "--trigger", "0", "--max-records-per-partition", "100",
                              "--roll-size", "6KiB", *extra)
    assert code == 0, log
    return data


def table_rows(table):
    import duckdb

    # As text: exact, and no time-zone module needed for timestamps.
    return sorted(duckdb.sql(f"select columns(*)::varchar from read_parquet('{table}/date=*/hour=*/*.parquet')").fetchall())


def parts_by_hour(table):
    hours = {}
    for part in sorted(table.glob("date=*/hour=*/*.parquet")):
        hours.setdefault(str(part.parent.relative_to(table)), []).append(part)
    return hours


def compact(data, *args, env=None):
    return subprocess.run([str(souk_binary()), "compact", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_compaction_merges_each_hour_closed_by_the_watermark_into_one_sorted_part_of_the_same_rows(tmp_path):
    import deltalake

    data = streamed_hours(tmp_path)
    tables = [data / "tables" / "transactions", data / "tables" / "windows"]
    before = {table: table_rows(table) for table in tables}
    versions = {table: deltalake.DeltaTable(str(table)).version() for table in tables}
    assert all(len(parts) > 1 for hour, parts in parts_by_hour(tables[0]).items() if not hour.endswith("hour=12"))

    # The watermark (event time) is about 12:09: the 09:00 hour ended 2h09 before it, the 10:00 hour 1h09.
    # By the wall clock (December 2026) every hour would be old enough.
    run = compact(data, "--older-than", "2h", "--table", "transactions")
    assert run.returncode == 0, run.stderr
    hours = parts_by_hour(tables[0])
    assert len(hours["date=2026-11-24/hour=09"]) == 1 and len(hours["date=2026-11-24/hour=10"]) > 1, run.stdout
    assert "1 hours merged" in run.stdout and "watermark 2026-11-24T12:" in run.stdout, run.stdout

    run = compact(data, "--older-than", "0s")
    assert run.returncode == 0, run.stderr
    for table in tables:
        hours = parts_by_hour(table)
        closed = [h for h in hours if not h.endswith("hour=12")]
        assert closed and all(len(hours[h]) == 1 for h in closed), hours
        assert len(hours["date=2026-11-24/hour=12"]) >= 1
        # The same rows, to the last field, through a glob and through the Delta log.
        assert table_rows(table) == before[table]
        assert deltalake.DeltaTable(str(table)).to_pyarrow_table().num_rows == len(before[table])
        # Each merged part is sorted by event time, in full row groups (one, below 128k rows).
        sort_column = "timestamp" if table.name == "transactions" else "window_start"
        for hour in closed:
            part = pq.ParquetFile(hours[hour][0])
            times = part.read(columns=[sort_column]).column(0).to_pylist()
            assert times == sorted(times) and part.metadata.num_row_groups == 1
        # The replaced parts left every glob under their `.removed` names.
        assert list(table.glob("date=*/hour=*/*.parquet.removed"))

    log_dir = tables[0] / "_delta_log"
    newest = max(int(p.name[:20]) for p in log_dir.glob("*.json"))
    actions = [json.loads(line) for line in (log_dir / f"{newest:020d}.json").read_text().splitlines()]
    removes = [a["remove"] for a in actions if "remove" in a]
    adds = [a["add"] for a in actions if "add" in a]
    info = [a["commitInfo"] for a in actions if "commitInfo" in a]
    assert removes and len(adds) == 1 and info[0]["operation"] == "OPTIMIZE"
    assert not any(r["dataChange"] for r in removes) and not adds[0]["dataChange"]
    # Time travel to before the compaction finds its files gone.
    with pytest.raises(Exception):
        deltalake.DeltaTable(str(tables[0]), version=versions[tables[0]]).to_pyarrow_table()

    again = compact(data, "--older-than", "0s")
    assert again.returncode == 0 and "0 hours merged" in again.stdout, again.stdout
    deleted = compact(data, "--older-than", "0s", "--retain", "0s")
    assert deleted.returncode == 0, deleted.stderr
    assert not list(data.glob("tables/*/date=*/hour=*/*.removed")), deleted.stdout
    assert all(table_rows(table) == before[table] for table in tables)


def test_a_stream_with_compact_after_merges_the_closed_hours_itself(tmp_path):
    data = streamed_hours(tmp_path, "--compact-after", "0s")
    for table in (data / "tables" / "transactions", data / "tables" / "windows"):
        hours = parts_by_hour(table)
        assert all(len(parts) == 1 for hour, parts in hours.items() if not hour.endswith("hour=12")), hours


@pytest.mark.parametrize("step", ["after-write", "after-new-rename", "after-commit", "after-removed-renames"])
def test_a_compaction_killed_at_any_step_leaves_a_readable_table_and_the_next_run_finishes(tmp_path, step):
    import deltalake

    from stream_support import run_stream

    data = streamed_hours(tmp_path)
    table = data / "tables" / "transactions"
    before = table_rows(table)
    run = compact(data, "--older-than", "0s", "--table", "transactions",
                  env=dict(os.environ, SOUK_COMPACT_CRASH_AT=step))
    if run.returncode == 1 and "testing switch of debug builds" in run.stderr:
        pytest.skip("crash points are compiled into debug builds only; SOUK_BIN is a release build")
    assert run.returncode == -signal.SIGKILL, (run.returncode, run.stderr)
    # Whatever the step, Delta readers see every row once.
    assert sorted(deltalake.DeltaTable(str(table)).to_pyarrow_table().column("transaction_id").to_pylist()) == \
        sorted(r[0] for r in before)
    run = compact(data, "--older-than", "0s", "--table", "transactions")
    assert run.returncode == 0, run.stderr
    assert table_rows(table) == before
    assert all(len(parts) == 1 for hour, parts in parts_by_hour(table).items() if not hour.endswith("hour=12"))
    # The stream's next start deletes what the killed compaction left in progress.
    code, _, log = run_stream(data, "--file", tmp_path / "in.jsonl", "--once", "--trigger", "0")
    assert code == 0, log
    assert not list(table.glob("date=*/hour=*/*.inprogress")) and table_rows(table) == before


def test_compact_refuses_bad_arguments_a_missing_directory_and_a_running_stream(tmp_path):
    for args, fragment in [(["--older-than", "soon"], "--older-than 'soon' is not a duration"),
                           (["--retain", "1 hour"], "--retain '1 hour' is not a duration"),
                           (["--table", "orders"], "unknown --table 'orders'")]:
        run = compact(tmp_path, *args)
        assert run.returncode == 64 and fragment in run.stderr and run.stdout == "", (args, run.stderr)
    run = compact(tmp_path / "missing")
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1 and "no tables at" in run.stderr
    assert not (tmp_path / "missing").exists()

    # A stream holds the data directory: compaction belongs inside it then.
    data = tmp_path / "data"
    (data / "tables").mkdir(parents=True)
    source = tmp_path / "empty.jsonl"
    source.write_text("")
    stream = subprocess.Popen([str(souk_binary()), "stream", "--file", str(source), "--data-dir", str(data)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (data / ".stream.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        run = compact(data)
        assert run.returncode == 1 and "--compact-after" in run.stderr and "in use" in run.stderr, run.stderr
    finally:
        stream.terminate()
        stream.wait(30)

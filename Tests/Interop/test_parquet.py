"""Parquet interop: files Souk writes are read by pyarrow, DuckDB and polars with identical values,
and files pyarrow writes are read by Souk (through `souk convert FILE.parquet OUT.jsonl`)."""

import base64
import datetime as dt
import decimal
import json
import math
import random

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

UTC = dt.timezone.utc
CATEGORIES = ["Electronics", "Clothing", "Home & Kitchen", "Books", "Sports"]
CITIES = ["Casablanca", "Fès", "Marrakech", "東京", "São Paulo"]


def transaction_rows(count, seed=11):
    rng = random.Random(seed)
    base = dt.datetime(2026, 11, 24, 12, 0, 0)
    rows = []
    for index in range(count):
        stamp = base + dt.timedelta(microseconds=rng.randint(0, 3_600_000_000))
        rows.append(
            {
                "transaction_id": f"{rng.getrandbits(128):032x}",
                "user_id": f"user_{rng.randint(1, 1000)}",
                "city": rng.choice(CITIES),
                "category": rng.choice(CATEGORIES),
                "amount": round(rng.uniform(1, 2000), 2),
                "quantity": rng.randint(1, 5),
                "payment_method": rng.choice(["credit_card", "paypal", "apple_pay"]),
                # Python's isoformat() drops the fraction when it is zero; both forms must parse.
                "timestamp": stamp.replace(microsecond=0).isoformat() if index % 7 == 0 else stamp.isoformat(),
            }
        )
    return rows


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def parse_ts(text):
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def transactions():
    return transaction_rows(20_000)


GRID = [
    (codec, encoding, page_version)
    for codec in ["none", "snappy", "zstd", "gzip", "lz4_raw"]
    for encoding in ["dictionary", "plain", "delta", "byte-stream-split"]
    for page_version in ["1", "2"]
]


@pytest.mark.parametrize("codec,encoding,page_version", GRID)
def test_transactions_grid_read_by_pyarrow_duckdb_polars(souk, tmp_path, transactions, codec, encoding, page_version):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, transactions)
    run = souk(
        "convert", "--schema", "transactions", "--codec", codec, "--encoding", encoding,
        "--page-version", page_version, source, target,
    )
    assert run.returncode == 0, run.stderr.decode()

    table = pq.read_table(target)
    assert table.num_rows == len(transactions)
    types = {field.name: field.type for field in table.schema}
    assert types == {
        "transaction_id": pa.string(), "user_id": pa.string(), "city": pa.string(), "category": pa.string(),
        "amount": pa.float64(), "quantity": pa.int32(), "payment_method": pa.string(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    got = table.to_pylist()
    for expected, row in zip(transactions, got):
        assert row["transaction_id"] == expected["transaction_id"]
        assert row["city"] == expected["city"]
        assert row["amount"] == expected["amount"]
        assert row["quantity"] == expected["quantity"]
        assert row["timestamp"] == parse_ts(expected["timestamp"])

    metadata = pq.ParquetFile(target).metadata
    assert metadata.created_by.startswith("souk version ")
    expected_codec = {"none": "UNCOMPRESSED", "lz4_raw": "LZ4_RAW"}.get(codec, codec.upper())
    city = metadata.row_group(0).column(2)
    # pyarrow's metadata API calls LZ4_RAW (codec 7) "LZ4"; DuckDB below names it exactly.
    assert city.compression == {"LZ4_RAW": "LZ4"}.get(expected_codec, expected_codec)
    assert city.statistics is not None and city.statistics.has_min_max
    assert city.statistics.min == min(r["city"] for r in transactions[: metadata.row_group(0).num_rows])

    con = duckdb.connect()
    total, count, distinct = con.execute(
        f"select sum(amount), count(*), count(distinct transaction_id) from read_parquet('{target}')"
    ).fetchone()
    assert count == len(transactions) and distinct == len(transactions)
    assert math.isclose(total, sum(r["amount"] for r in transactions), rel_tol=1e-12)
    codecs = {row[0] for row in con.execute(f"select compression from parquet_metadata('{target}')").fetchall()}
    assert codecs == {expected_codec}

    frame = pl.read_parquet(target)
    assert frame.height == len(transactions)
    assert frame["quantity"].sum() == sum(r["quantity"] for r in transactions)
    assert frame["category"].to_list() == [r["category"] for r in transactions]


def test_inferred_schema(souk, tmp_path):
    rows = [
        {"name": "a", "count": 1, "ratio": 0.5, "flag": True, "when": "2026-01-02T03:04:05Z", "tags": [1, 2], "mixed": 1},
        {"name": "ü", "count": -9_007_199_254_740_993, "ratio": 2, "flag": False, "when": "2026-01-02T03:04:05.25",
         "mixed": "x", "late": None},
        {"name": None, "count": None, "ratio": None, "flag": None, "when": None, "tags": {"k": "v"}, "mixed": True,
         "late": "only here"},
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, rows)
    run = souk("convert", source, target)
    assert run.returncode == 0, run.stderr.decode()
    table = pq.read_table(target)
    types = {field.name: field.type for field in table.schema}
    assert types == {
        "name": pa.string(), "count": pa.int64(), "ratio": pa.float64(), "flag": pa.bool_(),
        "when": pa.timestamp("us", tz="UTC"), "tags": pa.string(), "mixed": pa.string(), "late": pa.string(),
    }
    got = table.to_pylist()
    assert [r["count"] for r in got] == [1, -9_007_199_254_740_993, None]
    assert [r["ratio"] for r in got] == [0.5, 2.0, None]
    assert [r["when"] for r in got] == [
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), dt.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC), None,
    ]
    assert json.loads(got[0]["tags"]) == [1, 2] and json.loads(got[2]["tags"]) == {"k": "v"}
    assert [r["mixed"] for r in got] == ["1", "x", "true"]
    assert [r["late"] for r in got] == [None, None, "only here"]


def test_bad_lines_are_reported_by_number(souk, tmp_path):
    rows = transaction_rows(10)
    lines = [json.dumps(r) for r in rows]
    lines[3] = '{"transaction_id": "x", "amount": '
    lines[6] = json.dumps({**rows[6], "quantity": "three"})
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    source.write_text("\n".join(lines) + "\n")

    run = souk("convert", "--schema", "transactions", source, target)
    assert run.returncode == 1
    message = run.stderr.decode()
    assert message.startswith("souk convert: line 4: ") and message.count("\n") == 1
    assert not target.exists()
    assert not list(tmp_path.glob("*.parquet*"))

    run = souk("convert", "--schema", "transactions", "--skip-bad", "--json", source, target)
    assert run.returncode == 0, run.stderr.decode()
    summary = json.loads(run.stdout)
    assert summary["rows"] == 8 and summary["skipped_lines"] == [4, 7]
    assert pq.read_table(target).column("transaction_id").to_pylist() == [
        r["transaction_id"] for i, r in enumerate(rows) if i not in (3, 6)
    ]


def test_missing_field_in_a_transaction_is_a_bad_line(souk, tmp_path):
    row = transaction_rows(1)[0]
    del row["amount"]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, [row])
    run = souk("convert", "--schema", "transactions", source, target)
    assert run.returncode == 1
    assert "line 1" in run.stderr.decode() and "amount" in run.stderr.decode()


def pyarrow_table():
    rng = random.Random(5)
    n = 3000
    def maybe(value, index):
        return None if index % 11 == 3 else value
    return pa.table(
        {
            "b": pa.array([maybe(i % 3 == 0, i) for i in range(n)], pa.bool_()),
            "i8": pa.array([maybe(rng.randint(-128, 127), i) for i in range(n)], pa.int8()),
            "u16": pa.array([maybe(rng.randint(0, 65535), i) for i in range(n)], pa.uint16()),
            "i32": pa.array([maybe(rng.randint(-2**31, 2**31 - 1), i) for i in range(n)], pa.int32()),
            "u64": pa.array([maybe(rng.randint(0, 2**64 - 1), i) for i in range(n)], pa.uint64()),
            "i64": pa.array([maybe(rng.randint(-2**63, 2**63 - 1), i) for i in range(n)], pa.int64()),
            "f32": pa.array([maybe(rng.uniform(-1e6, 1e6), i) for i in range(n)], pa.float32()),
            "f64": pa.array([maybe(rng.uniform(-1e300, 1e300), i) for i in range(n)], pa.float64()),
            "s": pa.array([maybe(rng.choice(CITIES) * rng.randint(0, 3), i) for i in range(n)], pa.string()),
            "bin": pa.array([maybe(rng.randbytes(rng.randint(0, 20)), i) for i in range(n)], pa.binary()),
            "d": pa.array([maybe(dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 20000)), i) for i in range(n)], pa.date32()),
            "ts_ms": pa.array([maybe(rng.randint(0, 2**41), i) for i in range(n)], pa.timestamp("ms", tz="UTC")),
            "ts_us": pa.array([maybe(rng.randint(-2**50, 2**52), i) for i in range(n)], pa.timestamp("us", tz="UTC")),
            "dec9": pa.array([maybe(decimal.Decimal(rng.randint(-10**9 + 1, 10**9 - 1)).scaleb(-2), i) for i in range(n)], pa.decimal128(9, 2)),
            "dec18": pa.array([maybe(decimal.Decimal(rng.randint(-10**18 + 1, 10**18 - 1)).scaleb(-4), i) for i in range(n)], pa.decimal128(18, 4)),
            "dec30": pa.array([maybe(decimal.Decimal(rng.randint(-10**30 + 1, 10**30 - 1)).scaleb(-6), i) for i in range(n)], pa.decimal128(30, 6)),
        }
    )


def expected_json(value, field_type):
    """How `souk convert` renders one pyarrow value as JSON: structs and maps as objects (map keys as
    text), lists as arrays."""
    if value is None:
        return None
    if pa.types.is_struct(field_type):
        return {field.name: expected_json(value[field.name], field.type) for field in field_type}
    if pa.types.is_map(field_type):
        rendered = {}
        for key, item in value:
            text = expected_json(key, field_type.key_type)
            rendered[text if isinstance(text, str) else json.dumps(text)] = expected_json(item, field_type.item_type)
        return rendered
    if pa.types.is_list(field_type) or pa.types.is_large_list(field_type):
        return [expected_json(item, field_type.value_type) for item in value]
    if pa.types.is_timestamp(field_type):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if pa.types.is_date(field_type):
        return value.isoformat()
    if pa.types.is_decimal(field_type):
        return format(value, "f")
    if pa.types.is_binary(field_type):
        return base64.b64encode(value).decode()
    if pa.types.is_float32(field_type):
        return float(value)
    return value


WRITE_OPTIONS = [
    pytest.param({"compression": codec}, id=f"codec-{codec}")
    for codec in ["none", "snappy", "gzip", "brotli", "zstd", "lz4"]
] + [
    pytest.param({"use_dictionary": False}, id="plain"),
    pytest.param({"use_dictionary": False, "column_encoding": {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY", "bin": "DELTA_BYTE_ARRAY", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT"}}, id="delta-and-split"),
    pytest.param({"data_page_version": "2.0"}, id="page-v2"),
    pytest.param({"data_page_version": "2.0", "compression": "zstd", "use_dictionary": False}, id="page-v2-plain-zstd"),
    pytest.param({"row_group_size": 700, "data_page_size": 1024}, id="many-groups-and-pages"),
]


@pytest.mark.parametrize("options", WRITE_OPTIONS)
def test_souk_reads_what_pyarrow_writes(souk, tmp_path, options):
    table = pyarrow_table()
    source, target = tmp_path / "in.parquet", tmp_path / "out.jsonl"
    try:
        pq.write_table(table, source, **options)
    except (pa.ArrowNotImplementedError, OSError) as error:
        pytest.skip(f"pyarrow cannot write {options}: {error}")
    run = souk("convert", source, target)
    if options.get("compression") == "brotli":
        assert run.returncode == 1 and "brotli" in run.stderr.decode().lower()
        return
    assert run.returncode == 0, run.stderr.decode()
    lines = target.read_text().splitlines()
    assert len(lines) == table.num_rows
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    for index, line in enumerate(lines):
        row = json.loads(line)
        assert list(row) == table.column_names
        for field in table.schema:
            expected = expected_json(columns[field.name][index], field.type)
            assert row[field.name] == expected, (field.name, index)


def test_round_trip_through_souk_both_ways(souk, tmp_path, transactions):
    source, parquet, back = tmp_path / "in.jsonl", tmp_path / "t.parquet", tmp_path / "back.jsonl"
    write_jsonl(source, transactions[:500])
    assert souk("convert", "--schema", "transactions", source, parquet).returncode == 0
    run = souk("convert", parquet, back)
    assert run.returncode == 0, run.stderr.decode()
    rows = [json.loads(line) for line in back.read_text().splitlines()]
    for expected, row in zip(transactions, rows):
        assert parse_ts(row["timestamp"]) == parse_ts(expected["timestamp"])
        assert row["timestamp"].endswith("Z")
        assert {k: v for k, v in row.items() if k != "timestamp"} == {
            k: v for k, v in expected.items() if k != "timestamp"
        }


def test_inspect_json(souk, tmp_path, transactions):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, transactions[:5000])
    assert souk("convert", "--schema", "transactions", "--codec", "zstd", source, target).returncode == 0
    run = souk("inspect", "--json", target)
    assert run.returncode == 0, run.stderr.decode()
    report = json.loads(run.stdout)
    assert report["num_rows"] == 5000
    assert report["created_by"].startswith("souk version ")
    assert [column["name"] for column in report["schema"]] == list(transactions[0])
    metadata = pq.ParquetFile(target).metadata
    assert len(report["row_groups"]) == metadata.num_row_groups
    first = report["row_groups"][0]["columns"]
    assert len(first) == 8
    amount = first[4]
    reference = metadata.row_group(0).column(4)
    assert amount["codec"] == "ZSTD"
    assert amount["total_compressed_size"] == reference.total_compressed_size
    assert amount["total_uncompressed_size"] == reference.total_uncompressed_size
    assert amount["data_page_offset"] == reference.data_page_offset
    assert amount["statistics"]["null_count"] == 0
    text = souk("inspect", target)
    assert text.returncode == 0 and b"amount" in text.stdout


@pytest.mark.parametrize("damage", ["truncate-footer", "bad-magic", "flip-page", "empty"])
def test_inspect_rejects_an_invalid_file_in_one_line(souk, tmp_path, transactions, damage):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, transactions[:2000])
    assert souk("convert", "--schema", "transactions", "--codec", "snappy", source, target).returncode == 0
    data = bytearray(target.read_bytes())
    if damage == "truncate-footer":
        data = data[: len(data) - 10]
    elif damage == "bad-magic":
        data[-1] ^= 0xFF
    elif damage == "flip-page":
        for offset in range(40, 400, 7):
            data[offset] ^= 0x5A
    else:
        data = bytearray()
    target.write_bytes(bytes(data))
    run = souk("inspect", target)
    assert run.returncode != 0
    message = run.stderr.decode()
    assert message.startswith("souk inspect: ") and message.count("\n") == 1


def test_convert_rejects_bad_arguments(souk, tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, transaction_rows(3))
    run = souk("convert", "--codec", "brotli", source, tmp_path / "out.parquet")
    assert run.returncode not in (0, 1) and b"brotli" in run.stderr
    run = souk("convert", source, tmp_path / "out.csv")
    assert run.returncode != 0 and run.stderr.decode().count("\n") >= 1
    assert not (tmp_path / "out.csv").exists()


def test_skip_bad_with_inferred_schema_reports_each_line_once(souk, tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    source.write_text('{"a": 1}\nnot json\n{"a": 2}\n{"a": \n')
    run = souk("convert", "--skip-bad", "--json", source, target)
    assert run.returncode == 0, run.stderr.decode()
    assert json.loads(run.stdout)["skipped_lines"] == [2, 4]
    stderr = run.stderr.decode()
    assert stderr.count("skipped line 2:") == 1 and stderr.count("skipped line 4:") == 1
    assert pq.read_table(target).column("a").to_pylist() == [1, 2]


def test_checksums_are_verified_only_when_asked(souk, tmp_path):
    import pathlib

    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "parquet-testing" / "data"
    corrupt = shared / "datapage_v1-corrupt-checksum.parquet"
    if not corrupt.exists():
        pytest.skip(f"parquet-testing not found at {shared}")
    out = tmp_path / "out.jsonl"
    assert souk("convert", corrupt, out).returncode == 0
    run = souk("convert", "--verify-checksums", corrupt, out)
    assert run.returncode == 1
    assert "CRC" in run.stderr.decode() and run.stderr.decode().count("\n") == 1
    run = souk("inspect", "--verify-checksums", corrupt)
    assert run.returncode == 1 and "CRC" in run.stderr.decode()
    good = shared / "datapage_v1-snappy-compressed-checksum.parquet"
    assert souk("inspect", "--verify-checksums", good).returncode == 0


def nested_table():
    """Structs, lists, lists of lists, lists of structs and maps, with nulls and empty lists at every
    depth, over enough rows for several pages."""
    rng = random.Random(9)
    n = 2000
    point = pa.struct([("x", pa.int32()), ("label", pa.string())])

    def maybe(value, chance=0.15):
        return None if rng.random() < chance else value

    def items(make, most=4):
        return maybe([maybe(make(), 0.2) for _ in range(rng.randint(0, most))])

    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "point": pa.array([maybe({"x": maybe(rng.randint(-9, 9)), "label": maybe(rng.choice(CITIES))})
                           for _ in range(n)], point),
        "tags": pa.array([items(lambda: rng.choice(CITIES)) for _ in range(n)], pa.list_(pa.string())),
        "grid": pa.array([items(lambda: [rng.randint(0, 99) for _ in range(rng.randint(0, 3))])
                          for _ in range(n)], pa.list_(pa.list_(pa.int64()))),
        "points": pa.array([items(lambda: {"x": rng.randint(0, 5), "label": maybe("p")}) for _ in range(n)],
                           pa.list_(point)),
        "scores": pa.array([maybe([(f"k{j}", maybe(rng.uniform(0, 1))) for j in range(rng.randint(0, 3))])
                            for _ in range(n)], pa.map_(pa.string(), pa.float64())),
        "by_id": pa.array([maybe([(j, maybe([j] * rng.randint(0, 2))) for j in range(rng.randint(0, 2))])
                           for _ in range(n)], pa.map_(pa.int32(), pa.list_(pa.int32()))),
        "times": pa.array([items(lambda: rng.randint(0, 2**50)) for _ in range(n)],
                          pa.list_(pa.timestamp("us", tz="UTC"))),
    })


def assert_converted_like_pyarrow(souk, source, target, table):
    run = souk("convert", source, target)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stderr.decode() == ""
    lines = target.read_text().splitlines()
    assert len(lines) == table.num_rows
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    for index, line in enumerate(lines):
        row = json.loads(line)
        assert list(row) == table.column_names
        for field in table.schema:
            assert row[field.name] == expected_json(columns[field.name][index], field.type), (field.name, index)


NESTED_OPTIONS = [
    pytest.param({}, id="default"),
    pytest.param({"data_page_version": "2.0", "compression": "zstd"}, id="page-v2-zstd"),
    pytest.param({"use_dictionary": False, "compression": "none"}, id="plain-uncompressed"),
    pytest.param({"row_group_size": 300, "data_page_size": 512}, id="many-groups-and-pages"),
]


@pytest.mark.parametrize("options", NESTED_OPTIONS)
def test_souk_reads_the_nested_columns_pyarrow_writes(souk, tmp_path, options):
    table = nested_table()
    source, target = tmp_path / "nested.parquet", tmp_path / "out.jsonl"
    pq.write_table(table, source, **options)
    assert_converted_like_pyarrow(souk, source, target, table)


def test_souk_reads_the_nested_parquet_testing_files_as_pyarrow_does(souk, tmp_path):
    import pathlib

    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "parquet-testing" / "data"
    if not shared.exists():
        pytest.skip(f"parquet-testing not found at {shared}")
    checked = []
    for path in sorted(shared.glob("*.parquet")):
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError):
            continue
        if not any(pa.types.is_nested(field.type) for field in table.schema):
            continue
        assert_converted_like_pyarrow(souk, path, tmp_path / (path.name + ".jsonl"), table)
        checked.append(path.name)
    assert {"nonnullable.impala.parquet", "nullable.impala.parquet", "nulls.snappy.parquet"} <= set(checked)


def test_files_broken_only_in_their_nested_columns_are_rejected_as_pyarrow_rejects_them(souk, tmp_path):
    import pathlib

    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "parquet-testing" / "bad_data"
    if not shared.exists():
        pytest.skip(f"parquet-testing not found at {shared}")
    for name in ["ARROW-RS-GH-6229-LEVELS.parquet", "ARROW-GH-45185.parquet"]:
        with pytest.raises((pa.ArrowException, OSError)):
            pq.read_table(shared / name)
        run = souk("convert", shared / name, tmp_path / "out.jsonl")
        assert run.returncode == 1, (name, run.stdout)
        lines = run.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and name in lines[0], lines
        assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("late_line,expected_type", [
    ({"n": 1, "s": "x", "when": "2026-01-02T03:04:05", "added": "only late"}, None),
    ({"n": 2.5, "s": "x", "when": "2026-01-02T03:04:05"}, ("n", pa.float64())),
    ({"n": 1, "s": "x", "when": "not a time"}, ("when", pa.string())),
    ({"n": 1, "s": "x", "when": 1700000000000}, ("when", pa.string())),
    ({"n": 1, "s": {"nested": True}, "when": "2026-01-02T03:04:05"}, ("s", pa.string())),
])
def test_a_line_past_the_schema_sample_that_does_not_fit_widens_the_schema_as_if_every_line_was_read(
        souk, tmp_path, late_line, expected_type):
    rows = [{"n": i, "s": f"v{i}", "when": "2026-01-02T03:04:05"} for i in range(30_000)]
    rows.insert(25_000, late_line)
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_jsonl(source, rows)
    run = souk("convert", source, target)
    assert run.returncode == 0, run.stderr.decode()
    table = pq.read_table(target)
    assert table.num_rows == 30_001
    # The same schema and values as pyarrow's reader infers from the whole file, where it can read it.
    types = {field.name: field.type for field in table.schema}
    if expected_type:
        assert types[expected_type[0]] == expected_type[1]
    else:
        assert types["added"] == pa.string()
        assert table.column("added").to_pylist()[25_000] == "only late"
        assert table.column("added").null_count == 30_000
    got = table.column("n").to_pylist()
    assert got[25_000] == late_line["n"] and got[0] == 0 and got[-1] == 29_999
    if isinstance(late_line["s"], dict):
        assert json.loads(table.column("s").to_pylist()[25_000]) == late_line["s"]

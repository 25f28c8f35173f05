"""Seed corpora for the libFuzzer targets (`make fuzz`), from real clients' captures and real files.

Usage: seed.py OUTPUT_DIR
Writes OUTPUT_DIR/<Target>/seed-* for every target in Fuzz/: the Kafka request frames librdkafka, kcat,
kafka-python and aiokafka sent (Tests/KafkaTests/Fixtures), the record batches inside their produce
requests, buffers compressed by pyarrow's codecs (gzip, snappy, lz4 frame, zstd, lz4 raw), Parquet files
written by pyarrow (flat and nested, every codec, both page versions) and parquet-testing's files when
../shared/parquet-testing is there, transaction lines from the benchmark generator, and query strings.
"""

import io
import json
import pathlib
import struct
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Fuzz/FuzzDecompress's selector byte: Storage's CompressionKind.allCases order.
CODECS = ["none", "gzip", "snappy", "lz4", "zstd", "lz4_raw"]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"seed-{name}").write_bytes(data)


def record_batches(frame):
    """RecordBatch v2 spans in a produce request: magic 2 at +16 and a length that fits."""
    found = []
    for start in range(0, len(frame) - 61):
        if frame[start + 16] != 2:
            continue
        (length,) = struct.unpack(">i", frame[start + 8:start + 12])
        if 49 <= length and start + 12 + length <= len(frame) and frame[start:start + 8] == b"\0" * 8:
            found.append(frame[start:start + 12 + length])
    return found


def kafka(out):
    captures = sorted((ROOT / "Tests" / "KafkaTests" / "Fixtures").glob("*/*.bin"))
    for index, path in enumerate(captures):
        frame = path.read_bytes()
        write(out / "FuzzKafkaRequests", f"{path.parent.name}-{path.stem}", frame)
        for number, batch in enumerate(record_batches(frame)):
            write(out / "FuzzRecordBatch", f"{path.parent.name}-{path.stem}-{number}", batch)
    return len(captures)


def codecs(out):
    samples = [b"", b"a", b"hello hello hello hello", bytes(range(256)) * 8,
               json.dumps({"transaction_id": "x" * 36, "amount": 12.5}).encode() * 20]
    for kind, codec in enumerate(CODECS):
        for number, sample in enumerate(samples):
            body = sample if codec == "none" else pa.compress(sample, codec=codec, asbytes=True)
            write(out / "FuzzDecompress", f"{codec}-{number}", bytes([kind]) + body)


def parquet(out):
    table = pa.table({
        "id": pa.array(["a1", "b2", None, "d4"]), "n": pa.array([1, None, 3, 4], pa.int64()),
        "x": pa.array([0.5, 1.5, None, 2.5]), "flag": pa.array([True, False, None, True]),
        "t": pa.array([0, 1, 2, None], pa.timestamp("us", tz="UTC")),
        "list": pa.array([[1, 2], [], None, [3]]), "s": pa.array([{"k": 1}, None, {"k": 3}, {"k": 4}]),
        "m": pa.array([[("a", 1)], None, [], [("b", 2)]], pa.map_(pa.string(), pa.int64())),
    })
    files = []
    for codec in ["none", "snappy", "gzip", "zstd", "lz4"]:
        for version in ["1.0", "2.0"]:
            for dictionary in [True, False]:
                buffer = io.BytesIO()
                pq.write_table(table, buffer, compression=codec, data_page_version=version,
                               use_dictionary=dictionary, write_statistics=True, write_page_index=True,
                               write_page_checksum=True, row_group_size=2)
                files.append((f"pyarrow-{codec}-v{version}-{'dict' if dictionary else 'plain'}", buffer.getvalue()))
    shared = ROOT.parent / "shared" / "parquet-testing"
    for path in sorted(shared.glob("**/*.parquet")):
        if path.stat().st_size <= 256 * 1024:
            files.append((f"parquet-testing-{path.name}", path.read_bytes()))
    for name, data in files:
        write(out / "FuzzParquet", name, b"\x01" + data)
        (length,) = struct.unpack("<i", data[-8:-4])
        if 0 < length <= len(data) - 12:
            write(out / "FuzzParquet", name + "-footer", b"\x00" + data[-8 - length:-8])
    return len(files)


def json_lines(out):
    line = ('{"transaction_id": "cd613e30-d8f1-4adf-91b7-584a2265b1f5", "user_id": "USER_882", "city": "Casablanca", '
            '"category": "Home & Garden", "amount": 67.78, "quantity": 4, "payment_method": "Bank Transfer", '
            '"timestamp": "2026-11-24T10:00:00.003000"}')
    seeds = [line, line + "\n" + line.replace("67.78", "1e3"), '{"transaction_id": "esc\\"aped\\u00e9", "amount": -0.0, '
             '"quantity": 1, "timestamp": 1700000000000, "note": {"deep": [1, [2, {"x": null}]]}}',
             '{"a": [1, 2, {"b": "c"}], "n": 12345678901234567890, "t": true, "f": false, "z": null}',
             "\r\n  \t\n{}", '{"amount": "12.5", "quantity": 4.0}']
    for number, seed in enumerate(seeds):
        write(out / "FuzzJSON", str(number), seed.encode())


def queries(out):
    for number, query in enumerate(["n=10", "n=1000&dimension=city", "n=1&n=2", "dimension=payment_method",
                                    "n=%31%30", "dimension=CITY&n=-1", "n=99999999999999999999999", ""]):
        write(out / "FuzzHTTPQuery", str(number), query.encode())


def main():
    out = pathlib.Path(sys.argv[1])
    captures = kafka(out)
    codecs(out)
    files = parquet(out)
    json_lines(out)
    queries(out)
    counts = {target.name: len(list(target.iterdir())) for target in sorted(out.iterdir()) if target.is_dir()}
    print(f"seeds from {captures} client captures and {files} Parquet files: {counts}")


if __name__ == "__main__":
    main()

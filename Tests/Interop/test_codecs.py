"""Cross-format proof: Souk's codecs and the reference Python implementations agree byte for byte.

Souk compresses, Python decompresses; Python compresses, Souk decompresses. The formats are the
ones Kafka clients put on the wire: zstd frames, raw snappy (librdkafka) and xerial-framed snappy
(kafka-python, Java), the LZ4 frame format, and gzip (several members too).
"""

import gzip
import json
import os
import random

import lz4.frame
import pytest
import snappy
import zstandard
from kafka.codec import snappy_decode, snappy_encode


def transactions(count: int) -> bytes:
    rng = random.Random(7)
    lines = []
    for index in range(count):
        lines.append(
            json.dumps(
                {
                    "transaction_id": f"{rng.getrandbits(128):032x}",
                    "user_id": f"user_{rng.randint(1, 1000)}",
                    "city": rng.choice(["Casablanca", "Fès", "Marrakech", "東京"]),
                    "amount": round(rng.uniform(10, 1000), 2),
                    "quantity": rng.randint(1, 5),
                    "timestamp": f"2026-11-24T12:{index % 60:02d}:00",
                },
                ensure_ascii=False,
            )
        )
    return ("\n".join(lines) + "\n").encode()


PAYLOADS = {
    "empty": b"",
    "one byte": b"x",
    "transactions": transactions(5000),
    "incompressible": random.Random(3).randbytes(300_000),
    "repetitive": b"a" * 2_000_000,
}

# name -> (python compress, python decompress, souk codec, souk compress options)
CODECS = {
    "zstd": (lambda b: zstandard.ZstdCompressor().compress(b), lambda b: zstandard.ZstdDecompressor().decompress(b, max_output_size=1 << 30), "zstd", []),
    "snappy-raw": (snappy.compress, snappy.decompress, "snappy", ["--framing", "raw"]),
    "snappy-xerial": (
        lambda b: snappy_encode(b, xerial_compatible=True),
        snappy_decode,
        "snappy",
        ["--framing", "xerial"],
    ),
    "lz4-frame": (lz4.frame.compress, lz4.frame.decompress, "lz4", []),
    "gzip": (gzip.compress, gzip.decompress, "gzip", []),
}


def cases():
    for codec in CODECS:
        for payload in PAYLOADS:
            # The Python libraries disagree on what an empty input becomes; compare only real data there.
            yield pytest.param(codec, payload, id=f"{codec}-{payload}")


@pytest.mark.parametrize("codec,payload", cases())
def test_souk_compresses_python_decompresses(souk, tmp_path, codec, payload):
    _, py_decompress, souk_codec, options = CODECS[codec]
    data = PAYLOADS[payload]
    source, packed = tmp_path / "in", tmp_path / "out"
    source.write_bytes(data)
    run = souk("codec", "compress", "--codec", souk_codec, *options, source, packed)
    assert run.returncode == 0, run.stderr.decode()
    compressed = packed.read_bytes()
    if codec == "snappy-xerial":
        assert compressed[:8] == b"\x82SNAPPY\x00"
    if codec == "snappy-raw" and data:
        assert not compressed.startswith(b"\x82SNAPPY")
    assert py_decompress(compressed) == data


@pytest.mark.parametrize("codec,payload", cases())
def test_python_compresses_souk_decompresses(souk, tmp_path, codec, payload):
    py_compress, _, souk_codec, _ = CODECS[codec]
    data = PAYLOADS[payload]
    compressed = py_compress(data)
    if codec == "snappy-xerial" and data:
        assert compressed[:8] == b"\x82SNAPPY\x00"
    source, unpacked = tmp_path / "in", tmp_path / "out"
    source.write_bytes(compressed)
    if not data and codec == "snappy-xerial":
        # kafka-python writes only the 16-byte header for an empty payload: still a valid stream.
        assert len(compressed) == 16
    run = souk("codec", "decompress", "--codec", souk_codec, source, unpacked)
    assert run.returncode == 0, run.stderr.decode()
    assert unpacked.read_bytes() == data


def test_gzip_of_several_members_decodes_whole(souk, tmp_path):
    parts = [b"first member\n", b"second member\n", PAYLOADS["transactions"]]
    source, unpacked = tmp_path / "in", tmp_path / "out"
    source.write_bytes(b"".join(gzip.compress(part) for part in parts))
    run = souk("codec", "decompress", "--codec", "gzip", source, unpacked)
    assert run.returncode == 0, run.stderr.decode()
    assert unpacked.read_bytes() == b"".join(parts)


def test_zstd_level_is_honoured(souk, tmp_path):
    data = PAYLOADS["transactions"]
    source = tmp_path / "in"
    source.write_bytes(data)
    sizes = {}
    for level in (1, 19):
        out = tmp_path / f"out{level}"
        run = souk("codec", "compress", "--codec", "zstd", "--level", level, source, out)
        assert run.returncode == 0, run.stderr.decode()
        sizes[level] = len(out.read_bytes())
        assert zstandard.ZstdDecompressor().decompress(out.read_bytes()) == data
    assert sizes[19] < sizes[1]


@pytest.mark.parametrize("codec", ["zstd", "snappy", "lz4", "gzip"])
def test_corrupt_input_is_one_line_error(souk, tmp_path, codec):
    compress = {"zstd": CODECS["zstd"][0], "snappy": snappy.compress, "lz4": lz4.frame.compress, "gzip": gzip.compress}[codec]
    good = compress(PAYLOADS["transactions"])
    source, unpacked = tmp_path / "in", tmp_path / "out"
    source.write_bytes(good[: len(good) // 2])
    run = souk("codec", "decompress", "--codec", codec, source, unpacked)
    assert run.returncode == 1
    message = run.stderr.decode()
    assert message.startswith("souk codec decompress: ") and message.count("\n") == 1
    assert not unpacked.exists()


def test_output_limit_is_enforced(souk, tmp_path):
    source, unpacked = tmp_path / "in", tmp_path / "out"
    source.write_bytes(zstandard.ZstdCompressor().compress(b"a" * 1_000_000))
    run = souk("codec", "decompress", "--codec", "zstd", "--max-size", 999_999, source, unpacked)
    assert run.returncode == 1
    assert "larger than the limit" in run.stderr.decode()


def test_missing_file_is_one_line_error(souk, tmp_path):
    run = souk("codec", "decompress", "--codec", "zstd", tmp_path / "absent", tmp_path / "out")
    assert run.returncode == 1
    assert run.stderr.decode().strip() == f"souk codec decompress: cannot read {tmp_path / 'absent'}"

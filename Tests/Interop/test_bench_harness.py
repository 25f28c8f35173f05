"""The benchmark harness still runs (`make bench-smoke`, also part of `make test`): each comparison script on a
tiny input with the binary under test, checking that every tool produced the same rows. No figure is
asserted; the figures are BENCHMARKS.md's, from the full runs."""

import json
import subprocess
import sys

from conftest import ROOT, souk_binary

PYTHON = sys.executable


def run(*args, timeout=120):
    result = subprocess.run([PYTHON, *map(str, args)], capture_output=True, timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().splitlines() if line.startswith("{")]


def test_the_convert_comparison_runs_and_every_tool_writes_every_row(tmp_path):
    source = tmp_path / "transactions.jsonl"
    run(ROOT / "Benchmarks/Convert/generate.py", source, "--count", 3000)
    assert len(source.read_text().splitlines()) == 3000
    results = run(ROOT / "Benchmarks/Convert/measure.py", source, "--runs", 1, "--souk", souk_binary())
    assert {(r["tool"], r["codec"]) for r in results} == {
        (tool, codec) for tool in ("souk", "pyarrow", "duckdb", "polars") for codec in ("zstd", "snappy")}
    assert {r["rows"] for r in results} == {3000}


def test_the_parquet_comparison_runs_and_every_reader_reads_every_file(tmp_path):
    table = tmp_path / "input.parquet"
    run(ROOT / "Benchmarks/Parquet/make_input.py", table, "--rows", 2000)
    writes = run(ROOT / "Benchmarks/Parquet/peers.py", "write", table, tmp_path)
    assert {(w["tool"], w["codec"]) for w in writes} == {
        (tool, codec) for tool in ("pyarrow", "duckdb", "polars") for codec in ("none", "snappy", "zstd")}
    # Souk's own file of the same rows, as its suite writes them, read by every peer.
    subprocess.run([str(souk_binary()), "convert", "--codec", "zstd", tmp_path / "input.parquet",
                    tmp_path / "rows.jsonl"], check=True)
    subprocess.run([str(souk_binary()), "convert", "--codec", "zstd", tmp_path / "rows.jsonl",
                    tmp_path / "souk-zstd.parquet"], check=True)
    reads = run(ROOT / "Benchmarks/Parquet/peers.py", "read", tmp_path)
    assert {r["rows"] for r in reads} == {2000}
    assert {r["reader"] for r in reads if r["file"] == "souk-zstd.parquet"} == {"pyarrow", "duckdb", "polars"}

"""The `souk` command line as a user meets it: help, version, exit codes, one-line errors."""

import re

import pytest

SUBCOMMANDS = ["demo", "broker", "produce", "stream", "web", "analyze", "convert", "inspect", "bench"]


def test_help_lists_every_subcommand(souk):
    run = souk("--help")
    assert run.returncode == 0
    text = run.stdout.decode()
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in text, name


def test_version(souk):
    run = souk("--version")
    assert run.returncode == 0
    assert run.stdout.decode().strip().startswith("souk version ")


def test_unknown_subcommand_is_a_usage_error(souk):
    run = souk("teleport")
    assert run.returncode not in (0, 1)
    assert run.stdout == b""
    assert b"teleport" in run.stderr


def test_demo_runs_broker_generator_and_stream(souk, tmp_path):
    import duckdb

    run = souk("demo", "--broker-port", "0", "--web-port", "0", "--data-dir", tmp_path / "data", "--duration", "2", "--rate", "300", timeout=90)
    assert run.returncode == 0, run.stderr.decode()
    text = run.stdout.decode()
    assert "the Kafka-compatible broker on 127.0.0.1:" in text
    assert "the stream engine (souk stream)" in text
    sent = int(re.search(r"this run sent ([\d,]+) transactions", text).group(1).replace(",", ""))
    # Two seconds at 300/s: about 600, paced by the clock.
    assert 300 <= sent <= 660, sent
    assert (tmp_path / "data" / "broker" / "ecommerce-transactions-0").is_dir()
    # The stream read every transaction sent before the demo stopped, into the raw table.
    pattern = str(tmp_path / "data" / "tables" / "transactions" / "date=*" / "hour=*" / "*.parquet")
    assert duckdb.sql(f"select count(distinct transaction_id) from read_parquet('{pattern}')").fetchall() == [(sent,)]


def test_demo_rejects_a_bad_rate(souk):
    run = souk("demo", "--rate", "0")
    assert run.returncode == 64
    assert b"--rate must be positive" in run.stderr

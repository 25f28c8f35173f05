"""The `souk` command line as a user meets it: help, version, exit codes, one-line errors."""

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


def test_demo_runs_what_exists_and_names_what_does_not(souk):
    run = souk("demo", "--transactions", "2000")
    assert run.returncode == 0, run.stderr.decode()
    text = run.stdout.decode()
    for codec in ["zstd", "snappy", "lz4", "gzip"]:
        assert f"  {codec} " in text and "round trip identical" in text
    assert "Not built yet" in text


def test_demo_rejects_a_bad_count(souk):
    run = souk("demo", "--transactions", "0")
    assert run.returncode == 1
    assert run.stderr.decode() == "souk demo: --transactions must be positive\n"

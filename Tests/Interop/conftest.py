"""Shared fixtures for the interop tests: they drive the real `souk` binary."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def souk_binary() -> pathlib.Path:
    """The binary under test: $SOUK_BIN, else the debug build `make test` produces."""
    configured = os.environ.get("SOUK_BIN")
    path = pathlib.Path(configured) if configured else ROOT / ".build" / "debug" / "souk"
    if not path.exists():
        pytest.fail(f"souk binary not found at {path}: run `swift build` first or set SOUK_BIN")
    return path


@pytest.fixture(scope="session")
def souk():
    """Runs `souk ARGS…` and returns the completed process (never raises on a non-zero exit)."""
    binary = souk_binary()

    def run(*args, input_bytes=None, timeout=120):
        return subprocess.run(
            [str(binary), *map(str, args)], input=input_bytes, capture_output=True, timeout=timeout
        )

    return run

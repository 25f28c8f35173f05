"""The Parquet writer and reader beside pyarrow, DuckDB and polars, one thread each, the same table for all
(Benchmarks/Parquet/make_input.py: 1,000,000 transaction rows; 2,000 in smoke), as `make bench-parquet`:

- peers: Benchmarks/Parquet/peers.py write|read --runs N (files on tmpfs, /dev/shm/souk-bench-parquet);
- Souk: the package-benchmark suite ParquetBenchmarks run standalone (Benchmarks/.build/release/
  ParquetBenchmarks, which `make bench` builds), writing to and reading from memory; its per-iteration
  wall-clock samples are the runs (up to 5 per invocation, invoked again until there are N).

Per run and tool: write time per codec (none, snappy, zstd), the file's size, and read time of each
reader over its own file, Souk's file and pyarrow's file. Goals (BENCHMARKS.md, "Parquet writer and
reader"): write rows/s at least pyarrow's, size at most 1.05 × pyarrow's, read at least pyarrow's
single-threaded speed (each reader on its own writer's file, as "Like with like" compares them)."""

import os
import re

from .. import suites
from ..model import Goal, Row
from ..runner import Failed, Skip, json_objects, run

TITLE = "Parquet writer and reader"
TOOLS = ["souk", "pyarrow", "duckdb", "polars"]
PEERS = ["pyarrow", "duckdb", "polars"]
CODECS = ["none", "snappy", "zstd"]


def rows_of_table(result):
    rows = []
    for codec in CODECS:
        rows.append(Row(f"write, {codec}", "ms", "lower", reference="pyarrow", speed=True, command="write",
                        goal=Goal("write rows/s at least pyarrow's", 1.0, relative=True)))
    for codec in CODECS:
        rows.append(Row(f"file size, {codec}", "MB", "lower", reference="pyarrow", command="write",
                        goal=Goal("size at most 1.05 × pyarrow's", 1.05, relative=True, at_most=True)))
    for codec in CODECS:
        rows.append(Row(f"read own file, {codec}", "ms", "lower", reference="pyarrow", speed=True, command="read",
                        goal=Goal("read at least pyarrow's single-threaded speed", 1.0, relative=True),
                        compared_with="pyarrow reading its own file of the same rows"))
    for writer in ("souk", "pyarrow"):
        for codec in CODECS:
            rows.append(Row(f"read {writer}'s file, {codec}", "ms", "lower", reference="pyarrow", speed=True,
                            command="read"))
    result.rows = rows


def souk_side(ctx, result, directory):
    """Runs the suite until every benchmark has N samples; returns {name: [ms]}."""
    suite = suites.binary("ParquetBenchmarks")
    env = {"SOUK_PARQUET_DIR": str(directory)}
    collected = {}
    for _ in range(ctx.runs):
        for name, values in suites.iterations_ms(run(ctx, [suite], env=env).stdout).items():
            collected.setdefault(name, []).extend(values)
        if collected and min(len(values) for values in collected.values()) >= ctx.runs:
            break
    result.command("souk", ctx.shown([suite], env))
    return {name: values[:ctx.runs] for name, values in collected.items()}


def measure(ctx, result):
    rows_of_table(result)
    if ctx.smoke:
        directory, count = ctx.work / "parquet", 2_000
    else:
        directory, count = os.environ.get("BENCH_PARQUET_DIR", "/dev/shm/souk-bench-parquet"), 1_000_000
    os.makedirs(directory, exist_ok=True)
    table = os.path.join(directory, "input.parquet")
    if not os.path.exists(table):
        make = [ctx.python, "Benchmarks/Parquet/make_input.py", table, "--rows", count]
        run(ctx, make)
        result.command("input", ctx.shown(make))
    for name in os.listdir(directory):  # every writer writes its files afresh
        if name.endswith(".parquet") and name != "input.parquet":
            os.remove(os.path.join(directory, name))

    write = [ctx.python, "Benchmarks/Parquet/peers.py", "write", table, directory, "--runs", ctx.runs]
    writes = [line for line in json_objects(run(ctx, write).stdout) if line.get("phase") == "write"]
    result.command("write", ctx.shown(write))
    if {(w["tool"], w["codec"]) for w in writes} != {(t, c) for t in PEERS for c in CODECS}:
        raise Failed(f"peers.py write did not report every peer and codec: {writes}")
    for line in writes:
        result.add_runs(f"write, {line['codec']}", line["tool"], line["runs_ms"], "ms")
        result.add_runs(f"file size, {line['codec']}", line["tool"], [b / 1e6 for b in line["bytes_runs"]], "MB")

    try:
        souk = souk_side(ctx, result, directory)
    except Skip as reason:
        result.skipped["souk"] = str(reason)
        souk = {}
    for codec in CODECS:
        if souk:
            name = f"parquet write 1M transactions {codec}"
            if name not in souk:
                raise Failed(f"the suite did not run '{name}': {sorted(souk)}")
            result.add_runs(f"write, {codec}", "souk", souk[name], "ms")
            # Souk's suite writes to memory and keeps one copy of each file for the readers.
            size = os.path.getsize(os.path.join(directory, f"souk-{codec}.parquet"))
            result.add(f"file size, {codec}", "souk", 1, size / 1e6, "MB")

    read = [ctx.python, "Benchmarks/Parquet/peers.py", "read", directory, "--runs", ctx.runs]
    reads = [line for line in json_objects(run(ctx, read).stdout) if line.get("phase") == "read"]
    result.command("read", ctx.shown(read))
    if "souk" in result.commands:  # Souk's side of both, the suite
        for key in ("write", "read"):
            result.commands[key] += f"; {result.commands['souk']}"
    counts = {line["rows"] for line in reads}
    if len(counts) != 1:
        raise Failed(f"the readers read different row counts: {sorted(counts)}")
    times = {(line["reader"], line["file"]): line["runs_ms"] for line in reads}
    for name, values in souk.items():
        found = re.match(r"parquet read 1M transactions, (.+)$", name)
        if found:
            times[("souk", found.group(1))] = values
    for codec in CODECS:
        for reader in TOOLS:
            own = times.get((reader, f"{reader}-{codec}.parquet"))
            if own:
                result.add_runs(f"read own file, {codec}", reader, own, "ms", file=f"{reader}-{codec}.parquet")
            for writer in ("souk", "pyarrow"):
                values = times.get((reader, f"{writer}-{codec}.parquet"))
                if values:
                    result.add_runs(f"read {writer}'s file, {codec}", reader, values, "ms",
                                    file=f"{writer}-{codec}.parquet")
    result.notes.append(
        f"The same {counts.pop():,} rows for every writer (`Benchmarks/Parquet/make_input.py`, loaded untimed). One "
        "thread everywhere: pyarrow with `set_cpu_count(1)`, DuckDB `SET threads = 1`, polars `POLARS_MAX_THREADS=1`. "
        "Souk writes to and reads from memory (the suite's iterations are its runs); the peers write to and read from "
        f"files in `{directory}`. Souk's file size is of the one copy its suite keeps. Every reader read every "
        "file's rows.")
    if not ctx.smoke and not str(directory).startswith("/dev/shm"):
        result.notes.append(f"{directory} is not under /dev/shm: the peers' figures may include the disk.")

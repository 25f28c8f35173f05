"""The codecs and CRC-32C beside the same C libraries called directly: the package-benchmark suite
CodecBenchmarks run standalone (Benchmarks/.build/release/CodecBenchmarks, which `make bench` builds), once
per run. Per run and codec (zstd 3, snappy, lz4 frame, gzip 6), compress and decompress: the MB/s of the
median iteration over 1 MiB of transaction-like JSON lines (up to 2,000 iterations or 2 s), for Souk's
wrapper and for the C library called the plainest way (Benchmarks/Sources/CodecBaseline); CRC-32C with the
hardware path and with the table fallback. Not run in smoke (the suite is not built by `make test`).

Goals (BENCHMARKS.md, "Codecs and CRC-32C"): each codec within 10% of calling the C library directly;
CRC-32C at least 5 GB/s."""

from .. import suites
from ..model import Goal, Row
from ..runner import Failed, Skip, run

TITLE = "Codecs and CRC-32C"
TOOLS = ["souk", "C library directly"]
CODECS = ["zstd", "snappy", "lz4", "gzip"]
MEBIBYTE_MB = 2**20 / 1e6


def measure(ctx, result):
    within = Goal("each codec within 10% of calling the C library directly", 0.9, relative=True)
    for codec in CODECS:
        for direction in ("compress", "decompress"):
            result.rows.append(Row(f"{codec} {direction}", "MB/s", "higher", reference="C library directly",
                                   goal=within, command="suite"))
    result.rows += [
        Row("crc32c", "MB/s", "higher", command="suite", tools=("souk",),
            goal=Goal("CRC-32C at least 5 GB/s", 5000)),
        Row("crc32c, table fallback", "MB/s", "higher", command="suite", tools=("souk",)),
    ]
    if ctx.smoke:
        raise Skip("not run in smoke: the suite runs each benchmark for up to 2 s")
    suite = suites.binary("CodecBenchmarks")
    for index in range(1, ctx.runs + 1):
        for name, iterations in suites.iterations_ms(run(ctx, [suite]).stdout).items():
            figure, tool = name.replace(" 1 MiB", ""), "souk"
            if figure.endswith(" (C library directly)"):
                figure, tool = figure[:-len(" (C library directly)")], "C library directly"
            if figure == "crc32c (table fallback)":
                figure = "crc32c, table fallback"
            result.add(figure, tool, index, MEBIBYTE_MB / (suites.median(iterations) / 1000), "MB/s",
                       iterations=len(iterations))
    result.command("suite", ctx.shown([suite]))
    measured = {sample.figure for sample in result.samples}
    if not {row.figure for row in result.rows} <= measured:
        raise Failed(f"the suite did not run every benchmark: {sorted(measured)}")
    result.notes.append("MB/s = 1 MiB ÷ the median iteration's wall time, per invocation of the suite (one run). "
                        "The codecs' levels: zstd 3, gzip 6; lz4 frames of 64 KiB independent blocks.")

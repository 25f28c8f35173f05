"""Souk's package-benchmark suites (Benchmarks/Benchmarks/*), run standalone: the executable that
`cd Benchmarks && swift build -c release --product <Suite>` builds (`make bench` does) runs every benchmark
in one process and prints, per benchmark, "Debug results for <name>:" and an HDR histogram of each metric.
This module reads the wall-clock iterations back from those histograms; nothing here builds anything."""

import os
import re

from .runner import ROOT, Failed, Skip

BUILD = ROOT / "Benchmarks" / ".build" / "release"


def binary(suite):
    """The suite's prebuilt executable, or Skip saying it is not built."""
    path = BUILD / suite
    if not os.access(path, os.X_OK):
        raise Skip(f"Benchmarks/.build/release/{suite} is not built (make bench builds it)")
    return path


def histogram_samples(body, metric):
    """The recorded values of one metric's HDR histogram as printed standalone: each step of the TotalCount
    column adds that many samples of the row's value (exact for a few iterations; for many, each sample
    rounded up to the next printed percentile, which keeps the median)."""
    found = re.search(re.escape(metric) + r".*?:\n(.*?)#\[Max\s*=\s*[0-9.]+,\s*Total count\s*=\s*(\d+)\]", body,
                      re.S)
    if not found:
        return []
    samples, seen = [], 0
    for value, _, count in re.findall(r"^\s*([0-9.]+)\s+([0-9.]+)\s+(\d+)", found.group(1), re.M):
        samples += [float(value)] * (int(count) - seen)
        seen = max(seen, int(count))
    if len(samples) != int(found.group(2)):
        raise Failed(f"could not read the suite's {metric} histogram ({len(samples)} of {found.group(2)} samples)")
    return samples


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def iterations_ms(text):
    """{benchmark name: [milliseconds per iteration]} from one standalone run of a suite."""
    parts = re.split(r"^Debug results for (.+):$", text, flags=re.M)
    found = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        wall = histogram_samples(body, "Time (wall clock)")
        throughput = histogram_samples(body, "Throughput (# / s)")
        if not wall:
            raise Failed(f"no wall-clock samples for {name}")
        # The standalone output prints wall clock in nanoseconds: check it against the throughput it prints.
        if throughput and not 0.5 < (1e9 / median(wall)) / median(throughput) < 2:
            raise Failed(f"{name}: wall clock {median(wall)} does not match throughput {median(throughput)} "
                         "as nanoseconds")
        found[name.strip()] = [value / 1e6 for value in wall]
    if not found:
        raise Failed("the suite printed no results")
    return found

"""The machine the figures come from (cores, CPU, memory, kernel, the disk under the repository) and the
version of every tool the comparisons run, each asked from the tool itself; "not installed" when absent."""

import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys

from .runner import ROOT


def first_line(command, stream="stdout"):
    """The first non-empty line a command prints (on stdout, or stderr for `java -version`), or None."""
    if not shutil.which(command[0]) and not os.access(command[0], os.X_OK):
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [line.strip() for line in getattr(done, stream).splitlines() if line.strip()]
    return lines[0] if done.returncode == 0 and lines else None


def matching(command, pattern, stream="stdout"):
    """The first group of `pattern` in what a command prints, or None."""
    if not shutil.which(command[0]):
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(pattern, getattr(done, stream))
    return found.group(1) if found else None


def machine():
    with open("/proc/meminfo") as meminfo:
        total_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown CPU")
    disk = "disk unknown"
    df = subprocess.run(["df", "-hT", str(ROOT)], capture_output=True, text=True)
    if df.returncode == 0 and len(df.stdout.splitlines()) > 1:
        device, kind, size = df.stdout.splitlines()[1].split()[:3]
        disk = f"{kind} on `{device}` ({size}) under the repository"
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": f"{total_kib / 1048576:.1f} GiB",
            "kernel": platform.release(), "disk": disk}


def package(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def venv_package(venv, name):
    """A package's version inside another virtualenv (.venv-bench, .venv-flink)."""
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        return None
    return first_line([str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"])


def librdkafka_of_client():
    try:
        import confluent_kafka
    except ImportError:
        return None
    return confluent_kafka.libversion()[0]


def strip(text, *prefixes):
    if text is None:
        return None
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix):].strip()
    return text


def versions(souk):
    """Every version the report names, in a fixed order."""
    java = first_line(["java", "-version"], "stderr")
    found = {
        "souk": strip(first_line([souk, "--version"]), "souk version"),
        "swift": strip(first_line(["swift", "--version"]), "Swift version"),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "pyarrow": package("pyarrow"),
        "duckdb": package("duckdb"),
        "polars": package("polars"),
        "pandas": package("pandas"),
        "pyspark (.venv-bench)": venv_package(".venv-bench", "pyspark"),
        "apache-flink (.venv-flink)": venv_package(".venv-flink", "apache-flink"),
        "java": java,
        "confluent-kafka": package("confluent-kafka"),
        "librdkafka (confluent-kafka's)": librdkafka_of_client(),
        "librdkafka (system, produce_bench)": first_line(["pkg-config", "--modversion", "rdkafka"]),
        "redis": matching(["redis-server", "--version"], r"v=(\S+)"),
        "iperf3": first_line(["iperf3", "--version"]),
        "hey": first_line(["dpkg-query", "-W", "-f=${Version}", "hey"]),
        "kcat": matching(["kcat", "-V"], r"Version (\S+)"),
        "chromium": first_line(["chromium", "--version"]),
        "selenium": package("selenium"),
        "gcc": first_line(["gcc", "--version"]),
    }
    return {name: version or "not installed" for name, version in found.items()}

"""The machine's ceilings, measured in the same run as the comparisons (Benchmarks/ceilings.sh's logic):
loopback TCP throughput with iperf3 (one stream; 10 s, 1 s in smoke) and sequential write with fdatasync
with dd (1 GiB, 32 MiB in smoke) into the disk under the repository. Per run: Gbit/s and MB/s."""

import re
import shutil
import socket
import subprocess
import tempfile
import time

from ..model import Row
from ..runner import ROOT, Failed, json_objects, run

TITLE = "The machine's ceilings"
TOOLS = ["machine"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_iperf3(ctx, seconds):
    """Bits per second of one client run against a one-shot server, or the reason it gave none."""
    port = free_port()
    server = subprocess.Popen(["iperf3", "-s", "-p", str(port), "-1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        command = ["iperf3", "-c", "127.0.0.1", "-p", str(port), "-t", str(seconds), "-J"]
        try:
            report = json_objects(run(ctx, command, timeout=seconds + 60).stdout)
        except Failed as failure:
            return None, str(failure)
    finally:
        server.kill()
        server.wait()
    received = report[0].get("end", {}).get("sum_received") if report else None
    if not received:
        return None, (report[0].get("error") if report else None) or "no sum_received in its report"
    return received["bits_per_second"], None


def iperf3(ctx, result, figure, seconds):
    """One client run of `seconds` per run; a run that gets no result (the server not up yet, a busy
    machine) is tried again, twice at most."""
    for index in range(1, ctx.runs + 1):
        for _ in range(3):
            bits, problem = one_iperf3(ctx, seconds)
            if bits:
                break
            ctx.log(f"iperf3 gave no result ({problem}); trying again")
        else:
            raise Failed(f"iperf3 gave no result three times: {problem}")
        result.add(figure, "machine", index, bits / 1e9, "Gbit/s")
    result.command("tcp", f"iperf3 -s -p PORT -1 & iperf3 -c 127.0.0.1 -p PORT -t {seconds} -J")


def dd(ctx, result, figure, mebibytes):
    """`mebibytes` of zeros written with fdatasync at the end, per run, into .build/ (the repository's disk)."""
    build = ROOT / ".build"
    work = tempfile.mkdtemp(prefix="ceilings.", dir=build if build.is_dir() else ROOT)
    try:
        command = ["dd", "if=/dev/zero", f"of={work}/dd", "bs=1M", f"count={mebibytes}", "conv=fdatasync"]
        for index in range(1, ctx.runs + 1):
            output = run(ctx, command, timeout=600).stderr
            found = re.search(r"^(\d+) bytes.* copied, ([0-9.,]+) s", output, re.MULTILINE)
            if not found:
                raise Failed(f"dd printed no throughput: {output.strip()}")
            written, seconds = int(found.group(1)), float(found.group(2).replace(",", "."))
            result.add(figure, "machine", index, written / seconds / 1e6, "MB/s", bytes=written)
        result.command("disk", ctx.shown([word.replace(work, ".build/ceilings.XXXXXX") for word in command]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(ctx, result):
    seconds, mebibytes = (1, 32) if ctx.smoke else (10, 1024)
    tcp = f"loopback TCP, one iperf3 stream, {seconds} s"
    disk = f"sequential write with fdatasync (dd), {mebibytes} MiB"
    result.rows = [Row(tcp, "Gbit/s", "higher", subject="machine", command="tcp"),
                   Row(disk, "MB/s", "higher", subject="machine", command="disk")]
    if shutil.which("iperf3"):
        iperf3(ctx, result, tcp, seconds)
    else:
        result.skipped["iperf3"] = "iperf3 is not installed (make bench installs it)"
    dd(ctx, result, disk, mebibytes)

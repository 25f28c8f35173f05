"""Runs each named command `--warmup` times unmeasured, then `--runs` times, one after another; prints per
command the median wall time (process start to exit), the median time the command reported itself on
stderr as `compute_seconds=…` when it does, and the peak RSS of its runs, as JSON lines; beside them each
run's figures (`wall_seconds_runs`, `compute_seconds_runs`, `peak_rss_mib_runs`) for `make bench`.
Usage: measure.py [--runs N] [--warmup N] NAME COMMAND [NAME COMMAND ...]"""

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import time


def run(command):
    started = time.perf_counter()
    process = subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command} exited {process.returncode}: {stderr.strip()}")
    match = re.search(r"compute_seconds=([0-9.]+)", stderr)
    return wall, float(match.group(1)) if match else None, usage.ru_maxrss // 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("pairs", nargs="+")
    args = parser.parse_args()
    commands = list(zip(args.pairs[::2], args.pairs[1::2]))
    for name, command in commands:
        for _ in range(args.warmup):
            run(command)
        results = [run(command) for _ in range(args.runs)]
        computed = [c for _, c, _ in results if c is not None]
        print(json.dumps({
            "name": name, "wall_seconds_median": round(statistics.median(w for w, _, _ in results), 3),
            "wall_seconds_runs": [round(w, 3) for w, _, _ in results],
            "compute_seconds_median": round(statistics.median(computed), 3) if computed else None,
            "compute_seconds_runs": [None if c is None else round(c, 3) for _, c, _ in results],
            "peak_rss_mib": max(r for _, _, r in results),
            "peak_rss_mib_runs": [r for _, _, r in results]}), flush=True)


if __name__ == "__main__":
    main()

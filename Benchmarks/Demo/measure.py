"""`souk demo` as a newcomer runs it: how long from the command to the dashboard answering, and how much
memory it holds idle and under load.

- Cold start: a fresh data directory each run; the time from starting the process to the first
  `200` for `GET /` (polled every 2 ms). The binary is run once before, unmeasured, so it is in the page
  cache like any second start. Median of --runs.
- Memory: VmRSS of the process every 5 s, at `--rate 1` ("idle": the generator sends one transaction a
  second) and at `--rate 10000`, each for --seconds; the engine's own rate and lag are read from
  /api/status beside it, to show that it kept up.
Usage: measure.py SOUK [--runs N] [--seconds S]"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(souk, data, rate, duration=None):
    port = free_port()
    command = [souk, "demo", "--data-dir", data, "--broker-port", str(free_port()), "--web-port", str(port),
               "--rate", str(rate)]
    if duration:
        command += ["--duration", str(duration)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, port, started


def answering(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def cold_start(souk, runs):
    results = []
    for index in range(runs + 1):
        data = tempfile.mkdtemp(prefix="souk-demo-bench-")
        process, port, started = start(souk, data, 200)
        while not answering(port):
            if process.poll() is not None:
                raise SystemExit("souk demo exited before answering")
            time.sleep(0.002)
        answered = time.perf_counter() - started
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
        shutil.rmtree(data, ignore_errors=True)
        if index > 0:  # the first run only warms the page cache
            results.append(answered)
    return {"runs": runs, "median_ms": round(statistics.median(results) * 1000, 1),
            "each_ms": [round(r * 1000, 1) for r in results]}


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def status(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as response:
            return json.load(response)
    except OSError:
        return {}


def memory(souk, rate, seconds):
    data = tempfile.mkdtemp(prefix="souk-demo-bench-")
    process, port, started = start(souk, data, rate)
    while not answering(port):
        if process.poll() is not None:
            raise SystemExit("souk demo exited before answering")
        time.sleep(0.05)
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        time.sleep(5)
        now = status(port)
        samples.append({
            "t": round(time.perf_counter() - started), "rss_mib": round(rss_mib(process.pid), 1),
            "events_per_second": round(now.get("events_per_second") or 0),
            "consumer_lag": now.get("consumer_lag"),
        })
    with open(f"/proc/{process.pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=120)
    transactions = next((line.split()[-1] for line in out.splitlines() if line.strip().startswith("Transactions")), "?")
    shutil.rmtree(data, ignore_errors=True)
    rss = [s["rss_mib"] for s in samples]
    return {"rate": rate, "seconds": seconds, "cpu_seconds": round(cpu, 1), "transactions": transactions,
            "rss_first_mib": rss[0], "rss_max_mib": max(rss), "rss_last_mib": rss[-1], "samples": samples}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("souk")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps({"cold_start": cold_start(args.souk, args.runs)}))
    print(json.dumps({"idle": memory(args.souk, 1, min(args.seconds, 120))}))
    print(json.dumps({"load": memory(args.souk, 10_000, args.seconds)}))


if __name__ == "__main__":
    main()

"""Soak: `souk demo` at a steady rate for a long time, sampled every second, judged flat or not.

Usage: soak.py SOUK [--seconds 900] [--rate 20000] [--warmup 120] [--out Benchmarks/results] [--smoke]
       soak.py SOUK --judge Benchmarks/results/soak.csv  (judge and plot an earlier run again)

Every second: the process's resident memory (VmRSS), its open file descriptors (/proc/PID/fd), and from
`GET /api/status` the consumer lag (records the broker holds that the engine has not read) and the newest
micro-batch's duration. After `--warmup` seconds (the broker, the engine and the tables settling), each
series is fitted with a least-squares line; a series is flat when the line's change over the measured
window stays within its bound:
- RSS: 8 MiB (about a tenth of what the demo holds: no steady growth);
- open descriptors: 8 (segments roll, parts open and close, none pile up);
- consumer lag: the events of one second at the rate (the engine keeps up, it does not fall behind);
- batch duration: 100 ms (batches do not slow down as the tables and the state grow).
Writes soak.csv (every sample), soak.json (the verdicts and the fitted lines) and soak.svg (one panel per
series, the fitted line over it) into --out; exits 1 when souk demo fails or a series is not flat.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from measure import answering, free_port, rss_mib, status

SERIES = [
    # key, title, unit, bound of the fitted change (a function of the rate)
    ("rss_mib", "resident memory", "MiB", lambda rate: 8.0),
    ("fds", "open file descriptors", "", lambda rate: 8.0),
    ("consumer_lag", "consumer lag", "records", lambda rate: float(rate)),
    ("last_batch_ms", "batch duration", "ms", lambda rate: 100.0),
]


def fitted_change(points):
    """The change over the window of the least-squares line through (t, value) points."""
    n = len(points)
    if n < 2:
        return 0.0, 0.0
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var_t = sum((t - mean_t) ** 2 for t, _ in points)
    slope = sum((t - mean_t) * (v - mean_v) for t, v in points) / var_t if var_t else 0.0
    return slope * (points[-1][0] - points[0][0]), slope


def judge(samples, warmup, rate):
    verdicts = {}
    for key, title, unit, bound in SERIES:
        points = [(s["t"], s[key]) for s in samples if s["t"] >= warmup and s[key] is not None]
        change, slope = fitted_change(points)
        values = [v for _, v in points]
        verdicts[key] = {
            "title": title, "unit": unit, "samples": len(points), "bound": bound(rate),
            "fitted_change": round(change, 2), "slope_per_minute": round(slope * 60, 3),
            "min": min(values) if values else None, "max": max(values) if values else None,
            "flat": bool(points) and abs(change) <= bound(rate),
        }
    return verdicts


def svg(samples, verdicts, warmup, args):
    width, panel_height, left, top = 900, 170, 70, 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + panel_height * len(SERIES) + 20}" '
             f'font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="22" font-size="15" font-weight="bold">souk demo at {args.rate:,} events/s for '
             f'{args.seconds} s, sampled every second (warm-up {warmup} s shaded)</text>']
    t_max = max((s["t"] for s in samples), default=1) or 1
    for index, (key, title, unit, _) in enumerate(SERIES):
        y0 = top + index * panel_height
        plot_w, plot_h = width - left - 20, panel_height - 50
        values = [s[key] for s in samples if s[key] is not None]
        v_max = max(values, default=1) or 1
        verdict = verdicts[key]
        x = lambda t: left + plot_w * t / t_max
        y = lambda v: y0 + 20 + plot_h - plot_h * v / (v_max * 1.1)
        flat = "flat" if verdict["flat"] else "NOT flat"
        parts.append(f'<text x="{left}" y="{y0 + 12}" font-weight="bold">{title} ({unit or "count"}): {flat} — '
                     f'fitted change {verdict["fitted_change"]:,} {unit} after the warm-up, bound '
                     f'{verdict["bound"]:,}</text>')
        parts.append(f'<rect x="{left}" y="{y0 + 20}" width="{plot_w * min(warmup, t_max) / t_max:.1f}" '
                     f'height="{plot_h}" fill="#eee"/>')
        parts.append(f'<line x1="{left}" y1="{y0 + 20 + plot_h}" x2="{left + plot_w}" y2="{y0 + 20 + plot_h}" '
                     f'stroke="#888"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v_max) + 4:.1f}" text-anchor="end">{v_max:,.0f}</text>')
        parts.append(f'<text x="{left - 6}" y="{y0 + 24 + plot_h}" text-anchor="end">0</text>')
        line = " ".join(f"{x(s['t']):.1f},{y(s[key]):.1f}" for s in samples if s[key] is not None)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="1"/>')
        parts.append(f'<text x="{left + plot_w}" y="{y0 + 34 + plot_h}" text-anchor="end">{t_max} s</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("souk")
    parser.add_argument("--seconds", type=int, default=900)
    parser.add_argument("--rate", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=120)
    parser.add_argument("--out", default="Benchmarks/results")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run to check the harness: a series that is not flat does not fail it")
    parser.add_argument("--judge", metavar="CSV", help="judge and plot the samples of an earlier run again")
    args = parser.parse_args()
    if args.judge:
        with open(args.judge) as rows:
            samples = [{key: (float(value) if value not in ("", "None") else None) for key, value in row.items()}
                       for row in csv.DictReader(rows)]
        verdicts = judge(samples, args.warmup, args.rate)
        with open(os.path.join(args.out, "soak.json")) as previous:
            summary = json.load(previous)
        summary["series"] = verdicts
        with open(os.path.join(args.out, "soak.json"), "w") as out:
            json.dump(summary, out, indent=1)
        with open(os.path.join(args.out, "soak.svg"), "w") as out:
            out.write(svg(samples, verdicts, args.warmup, args))
        print(json.dumps(summary))
        return
    data = tempfile.mkdtemp(prefix="souk-soak-")
    web = free_port()
    command = [args.souk, "demo", "--data-dir", data, "--broker-port", "0", "--web-port", str(web),
               "--rate", str(args.rate)]
    log = tempfile.NamedTemporaryFile("w+", prefix="souk-soak-", suffix=".log", delete=False)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    samples = []
    try:
        deadline = time.monotonic() + 60
        while not answering(web):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"souk demo did not answer on port {web} (exit {process.poll()})")
            time.sleep(0.1)
        started = time.monotonic()
        next_sample = started
        while time.monotonic() - started < args.seconds:
            if process.poll() is not None:
                sys.exit(f"souk demo exited with {process.returncode} after {round(time.monotonic() - started)} s; "
                         f"its log: {log.name}")
            now = status(web)
            samples.append({
                "t": round(time.monotonic() - started, 1), "rss_mib": round(rss_mib(process.pid), 1),
                "fds": len(os.listdir(f"/proc/{process.pid}/fd")), "consumer_lag": now.get("consumer_lag"),
                "last_batch_ms": now.get("last_batch_ms"), "events_per_second": now.get("events_per_second"),
                "batch_id": now.get("batch_id"),
            })
            next_sample += 1
            time.sleep(max(0.0, next_sample - time.monotonic()))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)
    if process.returncode == 0:
        os.remove(log.name)
    verdicts = judge(samples, args.warmup, args.rate)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "soak.csv"), "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(samples[0]))
        writer.writeheader()
        writer.writerows(samples)
    summary = {"command": " ".join(["souk", *command[1:3], "DIR", *command[4:]]), "seconds": args.seconds,
               "rate": args.rate, "warmup": args.warmup, "samples": len(samples), "exit": process.returncode,
               "batches": samples[-1]["batch_id"] if samples else None, "series": verdicts}
    with open(os.path.join(args.out, "soak.json"), "w") as out:
        json.dump(summary, out, indent=1)
    with open(os.path.join(args.out, "soak.svg"), "w") as out:
        out.write(svg(samples, verdicts, args.warmup, args))
    print(json.dumps(summary))
    if process.returncode != 0:
        sys.exit(f"souk demo exited with {process.returncode} on SIGTERM; its log: {log.name}")
    if not args.smoke and not all(v["flat"] for v in verdicts.values()):
        sys.exit("not flat: " + ", ".join(k for k, v in verdicts.items() if not v["flat"]))


if __name__ == "__main__":
    main()

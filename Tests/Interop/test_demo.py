"""`souk demo` as a newcomer meets it: the real binary on free ports for a bounded time, its status
line piped and on a terminal (tmux), its closing report against `souk analyze`, the dashboard API
and DuckDB over the committed files, a second run that continues, and every usage error."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import duckdb
import pytest

from conftest import souk_binary
from stream_support import applied_watermarks
from web_support import Served, free_port, get, wait_until

SIGNAL_EXITS = {-4, -5, -6, -11, 132, 133, 134, 139}


def demo(data, *args, timeout=120):
    """Runs `souk demo` on free ports until it stops by itself (pass --duration)."""
    command = [str(souk_binary()), "demo", "--data-dir", str(data), "--broker-port", "0", "--web-port", "0", *map(str, args)]
    return subprocess.run(command, capture_output=True, timeout=timeout, text=True)


def closing_report(stdout):
    """The figures of the closing report: {name: number}, the top categories and this run's count."""

    def number(label):
        match = re.search(rf"^  {label}\s+€?([\d,]+(?:\.\d+)?)$", stdout, re.M)
        assert match, f"no '{label}' in the closing report:\n{stdout}"
        return float(match.group(1).replace(",", ""))

    top = [
        (name.strip(), float(revenue.replace(",", "")))
        for name, revenue in re.findall(r"^    \d\. (.+?)\s+€([\d,]+\.\d\d) \(", stdout, re.M)
    ]
    sent = re.search(r"this run sent ([\d,]+) transactions", stdout)
    assert sent, stdout
    return {
        "transactions": int(number("Transactions")),
        "unique_users": int(number("Unique users")),
        "revenue": number("Total revenue"),
        "average_amount": number("Average basket"),
        "items": int(number("Items sold")),
        "top": top,
        "sent": int(sent.group(1).replace(",", "")),
    }


def parquet(data):
    return str(data / "tables" / "transactions" / "date=*" / "hour=*" / "*.parquet")


def test_a_bounded_demo_prints_its_url_status_lines_and_a_closing_report_equal_to_analyze_the_api_and_duckdb(
    souk, tmp_path
):
    data = tmp_path / "data"
    # 0.45m is 27 s: two plain status lines (every 10 s when stderr is not a terminal), with room to start.
    run = demo(data, "--duration", "0.45m", "--rate", "300", "--trigger", "200ms")
    assert run.returncode == 0, run.stderr
    assert re.search(r"^Dashboard: http://127\.0\.0\.1:\d+$", run.stdout, re.M), run.stdout
    assert run.stdout.rstrip().splitlines()[-1].startswith("Read it again: souk analyze --data-dir"), run.stdout

    status = [line for line in run.stderr.splitlines() if " produced " in line]
    assert len(status) >= 2, run.stderr
    assert "\r" not in run.stderr and "\x1b" not in run.stderr, "piped status lines are plain"
    for line in status:
        assert re.search(
            r"^\d+:\d\d:\d\d produced [\d,]+/s · processed ([\d,]+|–)/s · lag ([\d,]+|–) · last batch (\d+ ms|–) · "
            r"watermark (\d\d:\d\d:\d\d|–) · [\d,]+ Parquet files?, [\d.,]+ (B|kB|MB|GB)$",
            line,
        ), line
    assert re.search(r"produced [1-9][\d,]*/s", status[-1]), status

    report = closing_report(run.stdout)
    assert report["sent"] > 0
    count, distinct, users, revenue, items = duckdb.sql(
        f"select count(*), count(distinct transaction_id), count(distinct user_id), sum(amount), sum(quantity) "
        f"from read_parquet('{parquet(data)}')"
    ).fetchall()[0]
    # Everything the generator sent reached the table once; the report counts every committed row.
    assert count == distinct == report["sent"] == report["transactions"]
    assert report["unique_users"] == users
    assert report["items"] == items
    assert abs(report["revenue"] - revenue) < 0.006
    assert abs(report["average_amount"] - revenue / count) < 0.006

    analyze = souk("analyze", "--data-dir", data, "--format", "json")
    assert analyze.returncode == 0, analyze.stderr
    stats = json.loads(analyze.stdout)["stats"]
    assert (stats["transactions"], stats["unique_users"], stats["items"]) == (
        report["transactions"],
        report["unique_users"],
        report["items"],
    )
    assert abs(stats["revenue"] - report["revenue"]) < 0.006
    categories = sorted(json.loads(analyze.stdout)["categories"], key=lambda c: -c["revenue"])[:3]
    assert [c["category"] for c in categories] == [name for name, _ in report["top"]]
    assert all(abs(c["revenue"] - r) < 0.006 for c, (_, r) in zip(categories, report["top"]))

    web = Served(tmp_path, "web", "web", "--data-dir", data, "--port", "PORT").start()
    try:
        _, _, api = get(web.port, "/api/stats")
    finally:
        web.stop()
    for key in ("transactions", "unique_users", "items"):
        assert api[key] == stats[key], key
    assert abs(api["revenue"] - report["revenue"]) < 0.006
    assert abs(api["average_amount"] - report["average_amount"]) < 0.006


def test_a_second_demo_on_the_same_data_directory_continues_with_nothing_lost_or_repeated(tmp_path):
    data = tmp_path / "data"
    first = demo(data, "--duration", "6", "--rate", "200")
    assert first.returncode == 0, first.stderr
    commits = data / "checkpoints" / "ecommerce" / "commits"
    last_batch = max(int(p.name) for p in commits.iterdir() if p.name.isdigit())
    log_bytes = sum(p.stat().st_size for p in (data / "broker").rglob("*.log"))

    second = demo(data, "--duration", "6s", "--rate", "200")
    assert second.returncode == 0, second.stderr
    one, two = closing_report(first.stdout), closing_report(second.stdout)
    assert one["transactions"] == one["sent"] > 0
    # The totals go on from where they were: the first run's rows and every row the second sent.
    assert two["transactions"] == one["transactions"] + two["sent"]
    count, distinct = duckdb.sql(
        f"select count(*), count(distinct transaction_id) from read_parquet('{parquet(data)}')"
    ).fetchall()[0]
    assert count == distinct == two["transactions"]
    # The engine went on from its checkpoint and the broker appended to the log it kept.
    assert max(int(p.name) for p in commits.iterdir() if p.name.isdigit()) > last_batch
    assert sum(p.stat().st_size for p in (data / "broker").rglob("*.log")) > log_bytes


def test_generated_late_and_malformed_records_are_the_dead_letters_the_report_counts(souk, tmp_path):
    data = tmp_path / "data"
    broker_port = free_port()
    command = [
        str(souk_binary()), "demo", "--data-dir", str(data), "--broker-port", str(broker_port), "--web-port", "0",
        "--rate", "20",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: _listening(broker_port), timeout=30, message="the demo's broker")
        # Once a batch with rows is committed the watermark stands, and records older than it are late.
        wait_until(lambda: list(data.glob("tables/transactions/date=*/hour=*/*.inprogress")), timeout=60,
                   message="a first committed batch")
        wait_until(lambda: any(w > 0 for w in applied_watermarks(data).values()), timeout=30,
                   message="a batch applying a watermark")
        produce = souk(
            "produce", "--bootstrap", f"127.0.0.1:{broker_port}", "--count", "1200", "--rate", "600", "--seed", "3",
            "--shape", "daily", "--late-fraction", "0.1", "--malformed-fraction", "0.05", "--json",
        )
        assert produce.returncode == 0, produce.stderr
        summary = json.loads(produce.stdout)
        process.send_signal(signal.SIGTERM)  # the stream then takes everything sent before it stops
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert set(summary) == {"records", "acknowledged", "failed", "late", "malformed", "seconds", "rate", "topic"}
    assert summary["records"] == summary["acknowledged"] == 1200 and summary["failed"] == 0
    # Drawn with probabilities 0.1 and 0.05 from 1,200 records: far from zero, far from all.
    assert 60 < summary["late"] < 200 and 20 < summary["malformed"] < 110, summary

    report = json.loads(souk("analyze", "--data-dir", data, "--format", "json").stdout)
    assert report["dead_letters"] == {"late": summary["late"], "malformed": summary["malformed"]}
    demo_sent = closing_report(out)["sent"]
    # Late transactions are still transactions (kept in the raw table); malformed records are not.
    assert report["stats"]["transactions"] == demo_sent + summary["records"] - summary["malformed"]


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make setup installs it)")
def test_on_a_terminal_the_status_line_redraws_in_place_and_ctrl_c_ends_with_the_report(tmp_path):
    data = tmp_path / "data"
    session = f"souk-demo-{os.getpid()}"
    command = (
        f"{souk_binary()} demo --data-dir {data} --broker-port 0 --web-port 0 --rate 100; "
        f"echo EXIT=$?; sleep 60"
    )

    pane = lambda: tmux_pane(session)  # noqa: E731

    env = dict(os.environ, TERM="xterm-256color")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "80", command], check=True, env=env)
    try:
        first = wait_until(lambda: re.search(r"\d+:\d\d:\d\d produced [1-9][\d,]*/s · processed [1-9].*", pane()),
                           timeout=60, message="a status line with traffic").group(0)
        # Wait until its clock moved on (a redraw; it moves every second), then look at the screen.
        wait_until(lambda: first[:7] not in pane() and re.search(r" produced ", pane()), timeout=10,
                   message="the status line redrawn")
        screen = pane()
        # Redrawn in place: still one status line on the screen, not one per second.
        assert len(re.findall(r" produced [\d,]+/s", screen)) == 1, screen
        assert "Dashboard: http://127.0.0.1:" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-c"], check=True)
        wait_until(lambda: "EXIT=" in pane(), timeout=90, message="the demo to exit after Ctrl-C")
        screen = pane()
        assert "EXIT=0" in screen, screen
        assert "Souk demo stopped after" in screen and "Top categories by revenue:" in screen, screen
        # The status line was erased before the report.
        assert " produced " not in screen, screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def tmux_pane(session):
    """The visible text of a tmux session's pane."""
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True,
                          check=True).stdout


def _one_line_error(run, *expected):
    assert run.returncode not in SIGNAL_EXITS and run.returncode > 0, (run.returncode, run.stderr)
    text = run.stderr if isinstance(run.stderr, str) else run.stderr.decode()
    assert "Fatal error" not in text and "Stack dump" not in text, text
    first = text.strip().splitlines()[0]
    for part in expected:
        assert part in first, (part, text)
    return first


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--no-such-flag"], ["--no-such-flag"]),
        (["--rate", "0"], ["--rate must be positive"]),
        (["--rate", "lots"], ["--rate"]),
        (["--rate", "99999999999999999999999"], ["--rate"]),
        (["--duration", "99999999999999999999"], ["--duration", "64-bit nanoseconds"]),
        (["--duration", "9999999999999h"], ["--duration", "64-bit nanoseconds"]),
        (["--duration", "300000y"], ["--duration"]),
        (["--duration", "-5"], ["--duration"]),
        (["--trigger", "1ms"], ["--trigger"]),
        (["--trigger", "99999999999999999999s"], ["--trigger"]),
        (["--web-port", "70000"], ["--web-port"]),
        (["--broker-port", "-1"], ["--broker-port"]),
    ],
)
def test_demo_usage_errors_are_one_clear_line(souk, tmp_path, args, expected):
    run = souk("demo", "--data-dir", tmp_path / "d", *args, timeout=30)
    assert run.returncode == 64
    _one_line_error(run, *expected)
    assert not (tmp_path / "d").exists(), "nothing started"


@pytest.mark.parametrize("flag", ["--broker-port", "--web-port"])
def test_a_port_in_use_names_the_port_and_the_flag_and_starts_nothing(souk, tmp_path, flag):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        other = "--web-port" if flag == "--broker-port" else "--broker-port"
        run = souk("demo", "--data-dir", tmp_path / "d", flag, port, other, 0, timeout=30)
    assert run.returncode == 1
    line = _one_line_error(run, f"port {port}", flag)
    assert line.startswith("souk demo: ")
    assert run.stdout == b""
    assert not (tmp_path / "d").exists(), "nothing started"


def test_an_unwritable_data_directory_is_one_line(souk, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = souk("demo", "--data-dir", blocker / "data", "--broker-port", 0, "--web-port", 0, timeout=30)
    assert run.returncode == 1
    _one_line_error(run, "souk demo: ", "data directory")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--duration", "99999999999999999999"], ["--duration"]),
        (["--duration", "0"], ["--duration"]),
        (["--shape", "zigzag"], ["--shape must be flat, daily or bursty"]),
        (["--late-fraction", "1.5"], ["--late-fraction"]),
        (["--malformed-fraction", "-0.1"], ["--malformed-fraction"]),
        (["--rate", "-1"], ["--rate"]),
        (["--count", "99999999999999999999999"], ["--count"]),
    ],
)
def test_produce_usage_errors_are_one_clear_line(souk, args, expected):
    run = souk("produce", *args, timeout=30)
    assert run.returncode == 64
    _one_line_error(run, *expected)


def test_produce_to_an_unreachable_bootstrap_fails_fast_with_one_line(souk):
    started = time.monotonic()
    run = souk("produce", "--bootstrap", f"127.0.0.1:{free_port()}", "--count", "10", timeout=60)
    assert run.returncode == 1
    assert _one_line_error(run, "souk produce: ").startswith("souk produce: ")
    assert len(run.stderr.decode().strip().splitlines()) == 1, run.stderr
    assert time.monotonic() - started < 30


def test_open_hands_the_dashboard_url_to_xdg_open(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n")
    opener.chmod(0o755)
    web_port = free_port()
    command = [str(souk_binary()), "demo", "--data-dir", str(tmp_path / "data"), "--broker-port", "0",
               "--web-port", str(web_port), "--duration", "3", "--open"]
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    run = subprocess.run(command, capture_output=True, text=True, timeout=90, env=env)
    assert run.returncode == 0, run.stderr
    wait_until(lambda: opened.exists() and opened.read_text().strip(), timeout=10, message="xdg-open called")
    assert opened.read_text().strip() == f"http://127.0.0.1:{web_port}"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make setup installs it)")
def test_produce_on_a_terminal_shows_its_rate_and_delivery_counts_in_place(tmp_path):
    from broker_support import Broker

    broker = Broker(tmp_path / "broker").start()
    session = f"souk-produce-{os.getpid()}"
    command = f"{souk_binary()} produce --bootstrap {broker.bootstrap} --rate 200 --duration 15s; echo EXIT=$?; sleep 60"

    pane = lambda: tmux_pane(session)  # noqa: E731

    env = dict(os.environ, TERM="xterm-256color")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "40", command], check=True, env=env)
    try:
        status = r"souk produce: ([\d,]+) sent at [\d,]+/s, ([\d,]+) acknowledged, 0 failed"
        line = wait_until(lambda: re.search(status, pane()), timeout=30, message="the produce status line")
        # Wait for a redraw with a larger count, then look at the screen.
        wait_until(lambda: (m := re.search(status, pane())) and m.group(1) != line.group(1), timeout=10,
                   message="the produce status line redrawn")
        screen = pane()
        assert len(re.findall(r"sent at", screen)) == 1, screen
        wait_until(lambda: "EXIT=" in pane(), timeout=60, message="produce to end")
        screen = pane()
        assert "EXIT=0" in screen, screen
        # The status line gave way to the summary.
        assert "sent at" not in screen and re.search(r"souk produce: sent [\d,]+ transactions", screen), screen
        assert line
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        broker.stop()

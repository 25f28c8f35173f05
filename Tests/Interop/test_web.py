"""The dashboard's API, served by the real binary: `souk web` over committed tables against DuckDB over the
same files, `souk stream --web` live with server-sent events, bad queries, headers and port conflicts."""

import datetime
import json
import subprocess
import time

import duckdb
import pytest

from broker_support import Broker
from conftest import souk_binary
from stream_support import create_topic, produce, run_stream
from web_support import EventStream, LiveDashboard, Served, get, wait_until

XSS = "<img src=x onerror=alert(1)>"
TOPIC = "ecommerce-transactions"


def souk_produce(bootstrap, count, *args):
    run = subprocess.run(
        [str(souk_binary()), "produce", "--bootstrap", bootstrap, "--count", str(count), "--rate", "0", *args],
        capture_output=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode()


def hostile_record():
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return json.dumps({
        "transaction_id": "xss-1", "user_id": "USER_100", "city": XSS, "category": "Books", "amount": 42.5,
        "quantity": 2, "payment_method": "PayPal", "timestamp": now.isoformat(),
    }).encode()


def raw(data_dir):
    return f"read_parquet('{data_dir}/tables/transactions/date=*/hour=*/*.parquet')"


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def test_souk_web_serves_the_committed_tables_as_duckdb_reads_them(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    data = tmp_path / "data"
    try:
        create_topic(broker.bootstrap, partitions=3)
        souk_produce(broker.bootstrap, 3000)
        produce(broker.bootstrap, [hostile_record()])
        code, _, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", "--trigger", "0")
        assert code == 0, log
    finally:
        broker.stop()

    web = Served(tmp_path, "web", "web", "--data-dir", data, "--port", "PORT").start()
    try:
        status, headers, stats = get(web.port, "/api/stats")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        assert list(stats) == ["revenue", "transactions", "unique_users", "average_amount", "items", "watermark", "as_of"]
        [(count, revenue, users, average, items)] = duckdb.sql(
            f"select count(*), sum(amount), count(distinct user_id), avg(amount), sum(quantity) from {raw(data)}"
        ).fetchall()
        assert stats["transactions"] == count == 3001
        assert stats["unique_users"] == users and stats["items"] == items
        assert close(stats["revenue"], revenue) and close(stats["average_amount"], average)
        assert stats["watermark"].endswith("Z") and stats["as_of"].endswith("Z")

        for route, column in [("categories", "category"), ("cities", "city"), ("payments", "payment_method")]:
            status, _, rows = get(web.port, f"/api/{route}")
            assert status == 200
            expected = duckdb.sql(
                f"""select {column}, sum(amount) r, count(*) t, sum(quantity) from {raw(data)}
                    group by 1 order by r desc, 1"""
            ).fetchall()
            assert [list(row)[0] for row in rows] == [column] * len(rows)
            assert [row[column] for row in rows] == [value for value, *_ in expected]
            for row, (_, r, t, q) in zip(rows, expected):
                assert list(row) == [column, "revenue", "transactions", "items", "revenue_share", "transaction_share"]
                assert row["transactions"] == t and row["items"] == q and close(row["revenue"], r)
                assert close(row["revenue_share"], r / revenue) and close(row["transaction_share"], t / count)
        assert XSS in [row["city"] for row in get(web.port, "/api/cities")[2]]

        status, _, top = get(web.port, "/api/transactions/top?n=25")
        expected = duckdb.sql(
            f"select transaction_id, amount from {raw(data)} order by amount desc, transaction_id limit 25").fetchall()
        assert [(t["transaction_id"], t["amount"]) for t in top] == expected
        assert list(top[0]) == ["transaction_id", "user_id", "city", "category", "amount", "quantity",
                                "payment_method", "timestamp"]
        assert len(get(web.port, "/api/transactions/top")[2]) == 10

        status, _, series = get(web.port, "/api/timeseries?dimension=city&minutes=60")
        assert status == 200 and series
        expected = duckdb.sql(
            f"""with t as (select * from {raw(data)}),
                     newest as (select max(timestamp) m from t)
                select strftime(time_bucket(interval 1 minute, timestamp), '%Y-%m-%dT%H:%M:%S.000000Z') s, city,
                       sum(amount), count(*), sum(quantity)
                from t, newest where time_bucket(interval 1 minute, timestamp) > m - interval 60 minute
                group by 1, 2 order by 1, 2"""
        ).fetchall()
        assert [(w["window_start"], w["key"], w["transactions"], w["items"]) for w in series] == [
            (s, k, c, q) for s, k, _, c, q in expected]
        assert all(close(w["revenue"], r) for w, (_, _, r, _, _) in zip(series, expected))

        # Tables mode has no engine in the process: no progress, but a status.
        assert get(web.port, "/api/engine/progress")[2] == []
        status, _, state = get(web.port, "/api/status")
        assert status == 200 and state["mode"] == "tables" and state["batch_id"] is not None
    finally:
        assert web.stop() == 0, web.log()


def test_bad_queries_and_unknown_routes_answer_json_errors_with_safe_headers(tmp_path):
    web = Served(tmp_path, "web", "web", "--data-dir", tmp_path / "empty", "--port", "PORT").start()
    try:
        for path in ["/api/transactions/top?n=0", "/api/transactions/top?n=101", "/api/transactions/top?n=abc",
                     "/api/transactions/top?n=99999999999999999999", "/api/timeseries?dimension=country",
                     "/api/timeseries?minutes=-5", "/api/engine/progress?n=0", "/api/transactions/top?n=1&n=2"]:
            status, headers, body = get(web.port, path)
            assert status == 400, (path, status, body)
            assert list(body) == ["error"] and body["error"], path
        status, headers, body = get(web.port, "/api/nothing-here")
        assert status == 404 and list(body) == ["error"]
        status, headers, page = get(web.port, "/")
        assert status == 200 and "<html" in page.lower()
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        # An empty data directory is an empty dashboard, not an error.
        status, _, stats = get(web.port, "/api/stats")
        assert status == 200 and stats["transactions"] == 0 and stats["watermark"] is None
        status, headers, _ = get(web.port, "/metrics")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
    finally:
        web.stop()


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path):
    first = Served(tmp_path, "first", "web", "--data-dir", tmp_path / "d", "--port", "PORT").start()
    try:
        run = subprocess.run(
            [str(souk_binary()), "web", "--data-dir", str(tmp_path / "d"), "--port", str(first.port)],
            capture_output=True, timeout=30,
        )
        assert run.returncode == 1
        lines = run.stderr.decode().strip().splitlines()
        assert lines[-1].startswith("souk web: ") and str(first.port) in lines[-1], run.stderr.decode()
        assert get(first.port, "/healthz")[0] == 200, "the first server keeps serving"
    finally:
        first.stop()


def test_stream_web_is_live_and_pushes_an_update_after_each_batch(tmp_path):
    with LiveDashboard(tmp_path, 500) as live:
        port = live.port
        events = EventStream(port)
        assert events.status_line.startswith("HTTP/1.1 200") and "text/event-stream" in events.headers
        first = events.next_update()
        assert list(first)[:6] == ["stats", "categories", "cities", "payments", "top_transactions", "windows"]
        assert first["stats"]["transactions"] == 500 and first["status"]["mode"] == "live"
        assert len(first["top_transactions"]) == 10
        # One more record: an update carries it, without asking.
        produce(live.bootstrap, [hostile_record()], partitions=2)
        started = time.monotonic()
        update = events.next_update()
        while update["stats"]["transactions"] < 501:
            update = events.next_update()
        assert time.monotonic() - started < 10
        assert XSS in [row["city"] for row in update["cities"]]
        events.close()

        status, _, progress = get(port, "/api/engine/progress?n=5")
        assert status == 200 and 1 <= len(progress) <= 5 and "durationMs" in progress[-1]
        status, _, overview = get(port, "/api/broker")
        assert status == 200, overview
        topic = next(t for t in overview["topics"] if t["name"] == TOPIC)
        assert sum(p["log_end_offset"] - p["log_start_offset"] for p in topic["partitions"]) == 501
        status, _, state = get(port, "/api/status")
        assert state["mode"] == "live" and state["consumer_lag"] == 0 and state["batch_id"] is not None
        status, _, metrics = get(port, "/metrics")
        assert status == 200 and "souk_stream_batches_total" in metrics


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_clients_that_never_read_the_stream_do_not_grow_memory_or_stop_the_others(tmp_path):
    import socket

    stalled = []
    with LiveDashboard(tmp_path, 200, trigger="50ms") as live:
        port, pid = live.port, live.stream.process.pid
        try:
            before = rss_kib(pid)
            # 200 clients subscribe and never read a byte: their socket buffers fill, their writers wait.
            for _ in range(200):
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
                stalled.append(s)
            wait_until(lambda: get(port, "/healthz")[2]["subscribers"] >= 200, message="200 subscribers")
            reader = EventStream(port)
            reader.next_update()
            # Hundreds of updates (each several KB) while they stall: far more than their buffers hold.
            total, updates = 200, 0
            for _ in range(300):
                produce(live.bootstrap, [hostile_record()], partitions=2)
                total += 1
                update = reader.next_update()
                while update["stats"]["transactions"] < total:
                    update = reader.next_update()
                updates += 1
            assert updates == 300, "a reading client got every change while 200 others stalled"
            assert get(port, "/api/stats")[2]["transactions"] == total
            grown = rss_kib(pid) - before
            assert grown < 100 * 1024, f"RSS grew by {grown} KiB with 200 stalled clients"
            reader.close()
        finally:
            for s in stalled:
                s.close()


def test_souk_web_follows_new_commits_without_a_restart(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    data = tmp_path / "data"
    web = None
    try:
        create_topic(broker.bootstrap, partitions=2)
        souk_produce(broker.bootstrap, 1000)
        code, _, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", "--trigger", "0")
        assert code == 0, log
        web = Served(tmp_path, "web", "web", "--data-dir", data, "--port", "PORT").start()
        # It listens only once the tables are read: the first answer is already complete.
        assert get(web.port, "/api/stats")[2]["transactions"] == 1000
        events = EventStream(web.port)
        assert events.next_update()["stats"]["transactions"] == 1000
        souk_produce(broker.bootstrap, 500)
        code, _, log = run_stream(data, "--bootstrap", broker.bootstrap, "--once", "--trigger", "0")
        assert code == 0, log
        update = events.next_update()
        while update["stats"]["transactions"] < 1500:
            update = events.next_update()
        assert update["stats"]["transactions"] == 1500
        [(count,)] = duckdb.sql(f"select count(*) from {raw(data)}").fetchall()
        assert get(web.port, "/api/stats")[2]["transactions"] == count == 1500
        events.close()
    finally:
        if web is not None:
            assert web.stop() == 0, web.log()
        broker.stop()


def test_sigterm_ends_open_event_streams_and_exits_0_even_with_a_client_that_never_reads(tmp_path):
    import socket

    with LiveDashboard(tmp_path, 100) as live:
        port, process = live.port, live.stream.process
        reader = EventStream(port)
        reader.next_update()
        stalled = socket.create_connection(("127.0.0.1", port), timeout=10)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        stalled.sendall(b"GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            wait_until(lambda: get(port, "/healthz")[2]["subscribers"] >= 2, message="two subscribers")
            started = time.monotonic()
            process.terminate()
            # The reading client sees its stream end; the process exits within the 5 s grace, with 0.
            with pytest.raises(EOFError):
                while True:
                    reader.next_event()
            assert process.wait(30) == 0, live.stream.log()
            assert time.monotonic() - started < 20
        finally:
            stalled.close()
            reader.close()


def test_souk_web_over_two_replicas_data_directories_serves_their_sum(tmp_path):
    """Two stream replicas of one consumer group each commit their partitions' rows to their own data
    directory; `souk web --data-dir A --data-dir B` serves the sum, as DuckDB reads both tables."""
    from stream_support import transactions

    start = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=datetime.timezone.utc)
    entries = transactions(4000, start, seed=21, spacing_ms=900)
    replicas = [tmp_path / "replica-1", tmp_path / "replica-2"]
    for index, replica in enumerate(replicas):
        lines = tmp_path / f"part-{index}.jsonl"
        # Alternate records, as two replicas would split partitions: both see every minute and category.
        lines.write_bytes(b"\n".join(json.dumps(e["record"]).encode() for e in entries[index::2]) + b"\n")
        code, _, log = run_stream(replica, "--file", lines, "--once", "--trigger", "0")
        assert code == 0, log
    both = f"read_parquet(['{replicas[0]}/tables/transactions/date=*/hour=*/*.parquet', " \
           f"'{replicas[1]}/tables/transactions/date=*/hour=*/*.parquet'])"

    web = Served(tmp_path, "web", "web", "--data-dir", replicas[0], "--data-dir", replicas[1], "--port", "PORT").start()
    try:
        _, _, stats = get(web.port, "/api/stats")
        [(count, revenue, users, items)] = duckdb.sql(
            f"select count(*), sum(amount), count(distinct user_id), sum(quantity) from {both}").fetchall()
        assert stats["transactions"] == count == 4000
        # Users appear in both replicas: the union is counted once.
        assert stats["unique_users"] == users and stats["items"] == items and close(stats["revenue"], revenue)

        _, _, rows = get(web.port, "/api/categories")
        expected = duckdb.sql(
            f"select category, sum(amount) r, count(*) from {both} group by 1 order by r desc, 1").fetchall()
        assert [(row["category"], row["transactions"]) for row in rows] == [(c, n) for c, _, n in expected]

        _, _, top = get(web.port, "/api/transactions/top?n=20")
        expected = duckdb.sql(f"select transaction_id from {both} order by amount desc, transaction_id limit 20").fetchall()
        assert [t["transaction_id"] for t in top] == [t for (t,) in expected]

        # A minute's window holds both replicas' rows of that minute.
        _, _, series = get(web.port, "/api/timeseries?dimension=category&minutes=60")
        expected = duckdb.sql(
            f"""with t as (select * from {both}), newest as (select max(timestamp) m from t)
                select strftime(time_bucket(interval 1 minute, timestamp), '%Y-%m-%dT%H:%M:%S.000000Z'), category,
                       count(*) from t, newest where time_bucket(interval 1 minute, timestamp) > m - interval 60 minute
                group by 1, 2 order by 1, 2"""
        ).fetchall()
        assert [(w["window_start"], w["key"], w["transactions"]) for w in series] == expected
        _, _, state = get(web.port, "/api/status")
        assert state["mode"] == "tables" and state["batch_id"] is None
    finally:
        assert web.stop() == 0, web.log()

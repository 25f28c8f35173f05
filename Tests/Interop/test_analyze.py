"""`souk analyze` against the real binary: every number against DuckDB over the same committed files (the
whole table and ranges that start and end mid-hour), pruning counted against the files' own row-group
statistics, the JSON report against `souk web`'s API over the same data, every format, and bad input."""

import csv
import datetime
import glob
import html.parser
import io
import json
import os
import subprocess

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import souk_binary
from stream_support import MALFORMED, encode, micros, run_stream, transactions
from web_support import Served, get

START = datetime.datetime(2026, 11, 24, 9, 40, tzinfo=datetime.timezone.utc)
HOSTILE = "<img src=x onerror=alert(1)>\x1b[31m|*_"


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Four hours of transactions (09:40 to 13:40 UTC) through `souk stream --file --once` in batches of 400
    lines, so each hour directory holds several row groups; then late records (an hour older than the
    newest), malformed lines, and a transaction whose city is hostile text."""
    root = tmp_path_factory.mktemp("analyze")
    entries = transactions(4800, START, seed=12, spacing_ms=3000, jitter_ms=2000, prefix="a")
    hostile = dict(entries[100]["record"], transaction_id="hostile-1", city=HOSTILE)
    late = [dict(entries[i]["record"], transaction_id=f"late-{i}") for i in range(3600, 3620)]
    lines = [encode(e) for e in entries]
    lines.insert(101, json.dumps(hostile).encode())
    lines += [json.dumps(r).encode() for r in late] + [m for m in MALFORMED if m]
    source = root / "input.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    data = root / "data"
    code, reports, log = run_stream(
        data, "--file", source, "--once", "--trigger", "0", "--max-records-per-partition", "400")
    assert code == 0, log
    assert sum(r["lateRows"] for r in reports) == 20 and sum(r["malformedRows"] for r in reports) > 0, reports
    return data


def analyze(data, *args, timeout=120):
    run = subprocess.run([str(souk_binary()), "analyze", "--data-dir", str(data), *map(str, args)],
                         capture_output=True, timeout=timeout)
    return run.returncode, run.stdout.decode(), run.stderr.decode()


def report(data, *args):
    code, out, err = analyze(data, "--format", "json", *args)
    assert code == 0, err
    assert err == "", "nothing on stderr when it is not a terminal"
    return json.loads(out)


def files(data):
    return sorted(glob.glob(f"{data}/tables/transactions/date=*/hour=*/*.parquet"))


def db(data, where="true"):
    """DuckDB over the committed parts, as a view `t` of the rows in range."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(
        f"create view t as select * from read_parquet('{data}/tables/transactions/date=*/hour=*/*.parquet') "
        f"where {where}")
    return connection


def check_against_duckdb(result, connection, top=10):
    [(count, revenue, users, average, items)] = connection.sql(
        "select count(*), sum(amount), count(distinct user_id), avg(amount), sum(quantity) from t").fetchall()
    stats = result["stats"]
    assert list(stats) == ["revenue", "transactions", "unique_users", "average_amount", "items", "watermark", "as_of"]
    assert (stats["transactions"], stats["unique_users"], stats["items"]) == (count, users, items)
    assert close(stats["revenue"], revenue) and close(stats["average_amount"], average)

    for section, column in [("categories", "category"), ("cities", "city"), ("payments", "payment_method")]:
        expected = connection.sql(
            f"select {column}, sum(amount) r, count(*) c, sum(quantity) from t group by 1 order by r desc, 1").fetchall()
        rows = result[section]
        assert [list(row) for row in rows] == [
            [column, "revenue", "transactions", "items", "revenue_share", "transaction_share"]] * len(expected)
        assert [(row[column], row["transactions"], row["items"]) for row in rows] == [
            (v, c, q) for v, _, c, q in expected]
        for row, (_, r, c, _) in zip(rows, expected):
            assert close(row["revenue"], r) and close(row["revenue_share"], r / revenue)
            assert close(row["transaction_share"], c / count)

    expected = connection.sql(
        """select strftime(date_trunc('hour', timestamp), '%Y-%m-%dT%H:00:00.000000Z'), sum(amount), count(*),
                  sum(quantity) from t group by 1 order by 1""").fetchall()
    assert [(h["hour"], h["transactions"], h["items"]) for h in result["hours"]] == [(h, c, q) for h, _, c, q in expected]
    assert all(close(h["revenue"], r) for h, (_, r, _, _) in zip(result["hours"], expected))

    expected = connection.sql(
        "select city, count(*), avg(amount) a, avg(quantity) from t group by 1 order by a desc, 1").fetchall()
    assert [(b["city"], b["transactions"]) for b in result["basket_by_city"]] == [(c, n) for c, n, _, _ in expected]
    for basket, (_, _, a, q) in zip(result["basket_by_city"], expected):
        assert list(basket) == ["city", "transactions", "average_amount", "items_per_transaction"]
        assert close(basket["average_amount"], a) and close(basket["items_per_transaction"], q)

    expected = connection.sql(
        f"""select user_id, sum(amount) r, count(*), sum(quantity) from t group by 1
            order by r desc, user_id limit {top}""").fetchall()
    customers = result["top_customers"]
    assert [list(c) for c in customers] == [["user_id", "revenue", "transactions", "items"]] * len(expected)
    assert [(c["user_id"], c["transactions"], c["items"]) for c in customers] == [(u, n, q) for u, _, n, q in expected]
    assert all(close(c["revenue"], r) for c, (_, r, _, _) in zip(customers, expected))

    expected = connection.sql(
        f"""select transaction_id, user_id, city, category, amount, quantity, payment_method,
                   strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ')
            from t order by amount desc, transaction_id limit {top}""").fetchall()
    keys = ["transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method", "timestamp"]
    assert [list(t) for t in result["top_transactions"]] == [keys] * len(expected)
    assert [tuple(t.values()) for t in result["top_transactions"]] == expected


def test_the_json_report_equals_duckdb_over_the_committed_files(dataset):
    result = report(dataset)
    assert list(result) == ["stats", "categories", "cities", "payments", "hours", "basket_by_city", "top_customers",
                            "top_transactions", "dead_letters", "scan"]
    check_against_duckdb(result, db(dataset))
    assert len(result["hours"]) == 5, "09:40 to 13:40 spans five hours"
    assert HOSTILE in [c["city"] for c in result["cities"]]

    late = sum(len(open(p).read().splitlines()) for p in glob.glob(f"{dataset}/deadletter/late/*.jsonl"))
    malformed = sum(len(open(p).read().splitlines()) for p in glob.glob(f"{dataset}/deadletter/malformed/*.jsonl"))
    assert result["dead_letters"] == {"late": 20, "malformed": malformed} and late == 20 and malformed > 0

    scan = result["scan"]
    groups = sum(pq.ParquetFile(p).num_row_groups for p in files(dataset))
    assert scan["files"] == scan["files_total"] == len(files(dataset))
    assert scan["row_groups"] == scan["row_groups_total"] == groups
    assert scan["rows"] == result["stats"]["transactions"]
    assert scan["from"] is None and scan["to"] is None and scan["bytes"] > 0 and scan["seconds"] >= 0

    top = report(dataset, "--top", "25")
    check_against_duckdb(top, db(dataset), top=25)


@pytest.mark.parametrize("workers", ["1", "3", "16"])
def test_any_number_of_workers_reports_what_duckdb_finds(dataset, workers):
    # Workers share each row group: a slice of its rows each, and a part of the users each over all of them.
    check_against_duckdb(report(dataset, "--workers", workers), db(dataset))
    check_against_duckdb(
        report(dataset, "--workers", workers, "--from", "2026-11-24T10:17:30Z", "--to", "2026-11-24T12:41:10Z"),
        db(dataset, f"epoch_us(timestamp) >= {micros(datetime.datetime(2026, 11, 24, 10, 17, 30, tzinfo=datetime.timezone.utc))}"
                    f" and epoch_us(timestamp) < {micros(datetime.datetime(2026, 11, 24, 12, 41, 10, tzinfo=datetime.timezone.utc))}"))


@pytest.mark.parametrize("workers", ["1", "2", "5"])
def test_top_transactions_tied_on_amount_across_row_groups_rank_by_id_as_duckdb_does(tmp_path, workers):
    # Three amounts only, in every row group: the top list is decided by the ids of the tied rows, which
    # are read at the end for the rows that can still enter it.
    entries = transactions(1500, START, seed=5, spacing_ms=1000, jitter_ms=0, prefix="tie")
    for i, entry in enumerate(entries):
        entry["record"]["amount"] = [500.0, 499.5, 20.0][(i * 7) % 3]
        entry["record"]["transaction_id"] = f"tie-{(i * 7919) % 1500:05d}"
    source = tmp_path / "input.jsonl"
    source.write_bytes(b"\n".join(encode(e) for e in entries) + b"\n")
    data = tmp_path / "data"
    code, _, log = run_stream(
        data, "--file", source, "--once", "--trigger", "0", "--max-records-per-partition", "200", "--row-group-rows", "200")
    assert code == 0, log
    assert sum(pq.ParquetFile(p).num_row_groups for p in files(data)) >= 4
    for top in ["1", "10", "600"]:
        check_against_duckdb(report(data, "--workers", workers, "--top", top), db(data), top=int(top))


def overlapping_row_groups(data, start, end):
    """Row groups (and their files) whose hour directory and `timestamp` statistics meet [start, end)."""
    groups, touched = 0, set()
    for path in files(data):
        hour = datetime.datetime.strptime(path.split("/date=")[1][:18], "%Y-%m-%d/hour=%H").replace(
            tzinfo=datetime.timezone.utc)
        if not (hour < end and hour + datetime.timedelta(hours=1) > start):
            continue
        touched.add(path)
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.names.index("timestamp")
        for g in range(metadata.num_row_groups):
            stats = metadata.row_group(g).column(column).statistics
            low, high = (v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc) for v in (stats.min, stats.max))
            if low < end and high >= start:
                groups += 1
    return groups, touched


@pytest.mark.parametrize("start, end", [
    ("2026-11-24T10:17:30", "2026-11-24T12:41:10"),  # starts and ends mid-hour, no zone: UTC
    ("2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z"),  # one whole hour
    ("2026-11-24T12:25:00+01:00", "2026-11-24T11:50:00.5Z"),  # a zone: 11:25 to 11:50:00.5 UTC
])
def test_a_range_reports_what_duckdb_finds_in_it_and_reads_only_the_row_groups_it_can_hold(dataset, start, end):
    def instant(value):
        if isinstance(value, int):  # epoch milliseconds
            return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)

    low, high = instant(start), instant(end)
    result = report(dataset, "--from", start, "--to", end)
    check_against_duckdb(result, db(dataset, f"epoch_us(timestamp) >= {micros(low)} and epoch_us(timestamp) < {micros(high)}"))
    groups, touched = overlapping_row_groups(dataset, low, high)
    scan = result["scan"]
    assert scan["row_groups"] == groups and scan["files"] == len(touched)
    assert scan["row_groups"] < scan["row_groups_total"] or scan["files"] < scan["files_total"]
    utc = [moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ") for moment in (low, high)]
    assert [scan["from"], scan["to"]] == utc
    assert "timestamp" in scan["columns"]
    late = [json.loads(json.loads(line)["value"]) for p in glob.glob(f"{dataset}/deadletter/late/*.jsonl")
            for line in open(p).read().splitlines()]
    in_range = [r for r in late if low <= instant(r["timestamp"]) < high]
    assert result["dead_letters"]["late"] == len(in_range)


def test_one_hour_of_a_table_reads_that_hour_directory_only(dataset):
    result = report(dataset, "--from", "2026-11-24T11", "--to", "2026-11-24T12", "--section", "stats", "--section", "scan")
    assert list(result) == ["stats", "scan"]
    hour_files = [p for p in files(dataset) if "/hour=11/" in p]
    assert result["scan"]["files"] == len(hour_files) and result["scan"]["files_total"] == len(files(dataset))
    assert result["scan"]["row_groups"] == sum(pq.ParquetFile(p).num_row_groups for p in hour_files)
    assert result["scan"]["columns"] == ["user_id", "amount", "quantity", "timestamp"], "only what the sections need"
    [(count,)] = db(dataset, "hour(timestamp) = 11").sql("select count(*) from t").fetchall()
    assert result["stats"]["transactions"] == count > 0


def test_the_json_report_equals_the_dashboard_api_over_the_same_data(dataset, tmp_path):
    result = report(dataset)
    web = Served(tmp_path, "web", "web", "--data-dir", dataset, "--port", "PORT").start()
    try:
        stats = get(web.port, "/api/stats")[2]
        assert {k: v for k, v in stats.items() if k not in ("revenue", "average_amount", "as_of")} == {
            k: v for k, v in result["stats"].items() if k not in ("revenue", "average_amount", "as_of")}
        assert close(stats["revenue"], result["stats"]["revenue"])
        for section in ["categories", "cities", "payments"]:
            api = get(web.port, f"/api/{section}")[2]
            assert [[v for k, v in row.items() if "revenue" not in k] for row in api] == [
                [v for k, v in row.items() if "revenue" not in k] for row in result[section]]
            assert all(close(a["revenue"], b["revenue"]) for a, b in zip(api, result[section]))
        assert get(web.port, "/api/transactions/top?n=10")[2] == result["top_transactions"]
    finally:
        assert web.stop() == 0, web.log()


def test_the_terminal_table_has_aligned_sections_separators_euros_and_a_footer(dataset):
    code, out, err = analyze(dataset)
    assert code == 0 and err == "", err
    result = report(dataset)
    stats = result["stats"]
    assert f"{stats['transactions']:,}" in out and f"€{stats['revenue']:,.2f}" in out
    for title in ["Totals", "By category", "By city", "By payment method", "By hour (UTC)", "Average basket by city",
                  "Top customers by revenue", "Top transactions by amount", "Dead letters"]:
        assert f"\n{title}\n" in out, title
    assert "\x1b" not in out, "control characters from events never reach the terminal"
    assert "<img src=x onerror=alert(1)>\ufffd[31m|*_" in out
    footer = out.rstrip().splitlines()[-1]
    assert footer.startswith(f"Read {result['scan']['files']} of {result['scan']['files_total']} files,"), footer
    lines = out.split("\nBy category\n")[1].split("\n\n")[0].splitlines()
    assert len({len(line) for line in lines[1:]}) == 1, "rows of a table are aligned"


def test_csv_markdown_and_html_carry_the_same_values(dataset):
    result = report(dataset)
    code, out, err = analyze(dataset, "--format", "csv", "--section", "categories")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["category"] for r in rows] == [c["category"] for c in result["categories"]]
    assert [float(r["revenue"]) for r in rows] == [c["revenue"] for c in result["categories"]]
    assert [int(r["transactions"]) for r in rows] == [c["transactions"] for c in result["categories"]]

    code, out, _ = analyze(dataset, "--format", "csv", "--section", "cities")
    assert HOSTILE in [r["city"] for r in csv.DictReader(io.StringIO(out))], "CSV keeps values exact"

    code, out, _ = analyze(dataset, "--format", "markdown")
    assert code == 0 and "| Category | Revenue | Transactions |" in out and "|---|---:|---:|" in out
    assert "<img" not in out and "&lt;img src=x onerror=alert\\(1\\)&gt;" in out

    code, out, _ = analyze(dataset, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")

    class Page(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    page = Page()
    page.feed(out)
    names = [t for t, _ in page.tags]
    assert "script" not in names and "img" not in names, "no scripts; event text never becomes markup"
    assert names.count("svg") == 4 and names.count("rect") >= 6 + 4
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert "<img src=x onerror=alert(1)>\ufffd[31m|*_" in "".join(page.text)
    assert f"€{result['stats']['revenue']:,.2f}" in "".join(page.text)


def test_bad_input_is_one_line_on_stderr_and_a_non_zero_exit(dataset, tmp_path):
    for args, code, fragment in [
        (["--from", "yesterday"], 64, "--from 'yesterday' is not an ISO-8601 time"),
        (["--from", "2026-11-24T12:00", "--to", "2026-11-24T11:00"], 64, "--to must be later than --from"),
        (["--top", "0"], 64, "--top must be from 1 to 10000"),
        (["--top", "99999999999999999999"], 64, "--top"),
        (["--format", "pdf"], 64, "unknown --format 'pdf'"),
        (["--format", "csv"], 64, "add --section NAME"),
        (["--section", "nope"], 64, "unknown --section 'nope'"),
    ]:
        got, out, err = analyze(dataset, *args)
        assert got == code and fragment in err and out == "", (args, got, err)

    got, out, err = analyze(tmp_path / "missing")
    assert got == 1 and out == "" and len(err.strip().splitlines()) == 1 and "no table at" in err, err

    got, out, err = analyze(dataset, "--from", "2030-01-01", "--to", "2030-01-02")
    assert got == 1 and "no committed transaction from 2030-01-01T00:00:00.000000Z" in err, err

    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(dataset), str(broken)], check=True)
    victim = files(broken)[2]
    with open(victim, "r+b") as f:
        f.seek(-12, 2)
        f.write(b"\xff" * 8)
    got, out, err = analyze(broken)
    assert got == 1 and out == "" and len(err.strip().splitlines()) == 1 and victim in err, err


def test_the_report_and_the_dashboard_read_the_table_through_its_delta_log(dataset, tmp_path):
    """A Parquet file dropped into an hour directory by hand is no part of the table: the Delta log does not
    add it, so neither the report nor `souk web` counts it (a glob would). A part the log adds that went
    missing is an error naming it. A table of an older Souk is refused with how to convert it."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(dataset, copy)
    stray = files(copy)[0].replace(".parquet", "-stray.parquet")
    shutil.copyfile(files(copy)[0], stray)
    expected = report(dataset)
    got = report(copy)
    drop = lambda stats: {k: v for k, v in stats.items() if k != "as_of"}  # noqa: E731
    assert drop(got["stats"]) == drop(expected["stats"]) and got["scan"]["files"] == expected["scan"]["files"]
    web = Served(tmp_path, "web", "web", "--data-dir", copy, "--port", "PORT").start()
    try:
        assert get(web.port, "/api/stats")[2]["transactions"] == expected["stats"]["transactions"]
    finally:
        assert web.stop() == 0, web.log()

    victim = next(f for f in files(copy) if "-stray" not in f)
    os.remove(victim)
    code, out, err = analyze(copy)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "missing" in err, err
    assert os.path.basename(victim) in err, err

    legacy = tmp_path / "legacy"
    shutil.copytree(dataset, legacy)
    table = legacy / "tables" / "transactions"
    shutil.rmtree(table / "_delta_log")
    (table / "_souk_manifest").mkdir()
    code, out, err = analyze(legacy)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "older Souk" in err and "souk stream --data-dir" in err, err

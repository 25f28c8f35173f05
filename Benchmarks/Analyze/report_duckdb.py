"""The report `souk analyze --format json` prints, computed by DuckDB with the SQL a user would write: one
query per section over `read_parquet('<table>/date=*/hour=*/*.parquet')`, on N threads (default 2).
Prints the same sections as JSON (stats, the three dimensions, hours, basket by city, top customers and
transactions), so a run can be checked against Souk's. Usage: report_duckdb.py TABLE [--threads N]
[--from ISO --to ISO]"""

import argparse
import json
import sys
import time

import duckdb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("table")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--from", dest="start")
    parser.add_argument("--to", dest="end")
    args = parser.parse_args()
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"set threads = {args.threads}")
    con.execute("set TimeZone = 'UTC'")
    where = "true"
    if args.start:
        where += f" and timestamp >= '{args.start}'::timestamptz"
    if args.end:
        where += f" and timestamp < '{args.end}'::timestamptz"
    con.execute(f"create view t as select * from read_parquet('{args.table}/date=*/hour=*/*.parquet') where {where}")
    q = lambda sql: con.sql(sql).fetchall()  # noqa: E731
    [(count, revenue, users, average, items)] = q(
        "select count(*), sum(amount), count(distinct user_id), avg(amount), sum(quantity) from t")
    report = {"stats": {"revenue": revenue, "transactions": count, "unique_users": users, "average_amount": average,
                        "items": items}}
    for section, column in [("categories", "category"), ("cities", "city"), ("payments", "payment_method")]:
        report[section] = [
            {column: v, "revenue": r, "transactions": c, "items": i, "revenue_share": r / revenue,
             "transaction_share": c / count}
            for v, r, c, i in q(f"select {column}, sum(amount) r, count(*), sum(quantity) from t group by 1 order by r desc, 1")]
    report["hours"] = [
        {"hour": h, "revenue": r, "transactions": c, "items": i}
        for h, r, c, i in q("""select strftime(date_trunc('hour', timestamp), '%Y-%m-%dT%H:00:00.000000Z') h,
                                      sum(amount), count(*), sum(quantity) from t group by 1 order by 1""")]
    report["basket_by_city"] = [
        {"city": c, "transactions": n, "average_amount": a, "items_per_transaction": i}
        for c, n, a, i in q("select city, count(*), avg(amount) a, avg(quantity) from t group by 1 order by a desc, 1")]
    report["top_customers"] = [
        {"user_id": u, "revenue": r, "transactions": c, "items": i}
        for u, r, c, i in q("""select user_id, sum(amount) r, count(*), sum(quantity) from t group by 1
                               order by r desc, user_id limit 10""")]
    keys = ["transaction_id", "user_id", "city", "category", "amount", "quantity", "payment_method", "timestamp"]
    report["top_transactions"] = [
        dict(zip(keys, row))
        for row in q("""select transaction_id, user_id, city, category, amount, quantity, payment_method,
                               strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') from t
                        order by amount desc, transaction_id limit 10""")]
    json.dump(report, sys.stdout)
    print()
    print(f"compute_seconds={time.perf_counter() - started:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()

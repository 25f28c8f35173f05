"""The report as the original platform's batch script computed its results: pyarrow reads the Parquet files
into a pandas DataFrame, pandas aggregates (totals, the three dimensions, hours, basket by city, top
customers and transactions). Prints JSON like report_duckdb.py. Usage: report_pandas.py TABLE"""

import argparse
import glob
import json
import sys
import time

import pyarrow.parquet as pq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("table")
    args = parser.parse_args()
    started = time.perf_counter()
    paths = sorted(glob.glob(f"{args.table}/date=*/hour=*/*.parquet"))
    df = pq.ParquetDataset(paths).read().to_pandas()
    count, revenue = len(df), float(df["amount"].sum())
    report = {"stats": {"revenue": revenue, "transactions": count, "unique_users": int(df["user_id"].nunique()),
                        "average_amount": float(df["amount"].mean()), "items": int(df["quantity"].sum())}}
    for section, column in [("categories", "category"), ("cities", "city"), ("payments", "payment_method")]:
        grouped = df.groupby(column).agg(revenue=("amount", "sum"), transactions=("amount", "size"),
                                         items=("quantity", "sum")).reset_index()
        grouped = grouped.sort_values(["revenue", column], ascending=[False, True])
        report[section] = [
            {column: v, "revenue": float(r), "transactions": int(c), "items": int(i), "revenue_share": float(r) / revenue,
             "transaction_share": int(c) / count}
            for v, r, c, i in grouped[[column, "revenue", "transactions", "items"]].itertuples(index=False)]
    hours = df.groupby(df["timestamp"].dt.floor("h")).agg(
        revenue=("amount", "sum"), transactions=("amount", "size"), items=("quantity", "sum"))
    report["hours"] = [{"hour": h.strftime("%Y-%m-%dT%H:00:00.000000Z"), "revenue": float(r), "transactions": int(c),
                        "items": int(i)} for h, (r, c, i) in hours.iterrows()]
    basket = df.groupby("city").agg(transactions=("amount", "size"), average_amount=("amount", "mean"),
                                    items_per_transaction=("quantity", "mean")).reset_index()
    basket = basket.sort_values(["average_amount", "city"], ascending=[False, True])
    report["basket_by_city"] = basket.to_dict("records")
    customers = df.groupby("user_id").agg(revenue=("amount", "sum"), transactions=("amount", "size"),
                                          items=("quantity", "sum")).reset_index()
    report["top_customers"] = customers.sort_values(["revenue", "user_id"], ascending=[False, True]).head(10).to_dict(
        "records")
    top = df.sort_values(["amount", "transaction_id"], ascending=[False, True]).head(10).copy()
    top["timestamp"] = top["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    report["top_transactions"] = top.to_dict("records")
    json.dump(report, sys.stdout, default=lambda v: v.item() if hasattr(v, "item") else str(v))
    print()
    print(f"compute_seconds={time.perf_counter() - started:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()

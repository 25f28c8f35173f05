"""PySpark Structured Streaming over the same JSON-lines input as `souk stream --file … --once`:
file source with an explicit schema, 10 s watermark, 1-minute tumbling windows of revenue,
transactions and items per category, city and payment method (append mode), and the raw events —
both to Parquet, trigger availableNow, local[2], spark.sql.shuffle.partitions=2.

Prints one JSON line: events, seconds, events/s. What is timed: from just before the two streaming
queries start (the SparkSession and its JVM are already up, the input file is in the page cache) until
both have terminated — file listing, planning, JSON parsing (each query parses the input: Spark runs
one query per sink), the stateful aggregation with its state store checkpoints, the no-data batch that
closes the last windows, and the Parquet writes with their commit logs. Not timed: JVM start-up and the
read-back of the outputs that follows (row counts, printed for checking).
"""

import argparse
import json
import os
import shutil
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

SCHEMA = StructType([
    StructField("transaction_id", StringType()), StructField("user_id", StringType()),
    StructField("city", StringType()), StructField("category", StringType()),
    StructField("amount", DoubleType()), StructField("quantity", IntegerType()),
    StructField("payment_method", StringType()), StructField("timestamp", StringType()),
])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input_dir", help="directory holding the JSON-lines file(s)")
    parser.add_argument("work_dir")
    parser.add_argument("--events", type=int, required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    spark = (
        SparkSession.builder.master("local[2]").appName("souk-compare")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    events = (
        spark.readStream.schema(SCHEMA).json(args.input_dir)
        .withColumn("timestamp", F.to_timestamp("timestamp"))
    )
    started = time.monotonic()
    raw = (
        events.writeStream.format("parquet").option("path", f"{args.work_dir}/raw")
        .option("checkpointLocation", f"{args.work_dir}/raw-checkpoint").trigger(availableNow=True).start()
    )
    # One aggregation over (window, dimension, key): each event counted once per dimension value.
    exploded = events.withWatermark("timestamp", "10 seconds").select(
        "timestamp", "amount", "quantity",
        F.expr("stack(3, 'category', category, 'city', city, 'payment_method', payment_method) as (dimension, key)"),
    )
    result = (
        exploded.groupBy(F.window("timestamp", "1 minute"), "dimension", "key")
        .agg(F.sum("amount").alias("revenue"), F.count("*").alias("transactions"), F.sum("quantity").alias("items"))
        .select(F.col("window.start").alias("window_start"), F.col("window.end").alias("window_end"),
                "dimension", "key", "revenue", "transactions", "items")
    )
    windows = (
        result.writeStream.format("parquet").outputMode("append").option("path", f"{args.work_dir}/windows")
        .option("checkpointLocation", f"{args.work_dir}/windows-checkpoint").trigger(availableNow=True).start()
    )
    queries = [raw, windows]
    for query in queries:
        query.awaitTermination()
    seconds = time.monotonic() - started
    windows = spark.read.parquet(f"{args.work_dir}/windows").count()
    raw_rows = spark.read.parquet(f"{args.work_dir}/raw").count()
    print(json.dumps({"engine": "pyspark", "events": args.events, "raw_rows": raw_rows, "window_rows": windows,
                      "seconds": round(seconds, 3), "events_per_second": round(args.events / seconds),
                      "measured": "both streaming queries, start to termination; JVM start-up excluded"}))
    spark.stop()


if __name__ == "__main__":
    main()

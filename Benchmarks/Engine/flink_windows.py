"""Apache Flink (PyFlink Table API / SQL, local mini-cluster) over the same JSON-lines input as
`souk stream --file … --once`: the raw events and 1-minute tumbling windows per category, city and payment
method, both to Parquet, in ONE streaming job.

The job (runtime mode STREAMING, parallelism 2, one TableEnvironment per run, one statement set):

    CREATE TABLE events (… the 8 fields …, `timestamp` TIMESTAMP(6),
        rowtime AS CAST(`timestamp` AS TIMESTAMP(3)),                  -- event time (ISO, no zone: UTC)
        WATERMARK FOR rowtime AS rowtime - INTERVAL '10' SECOND)
      WITH ('connector' = 'filesystem', 'format' = 'json', …)          -- bounded file source
    INSERT INTO raw_sink SELECT <the 8 fields> FROM events            -- Parquet, <work>/raw
    INSERT INTO window_sink                                          -- Parquet, <work>/windows
      SELECT window_start, window_end, 'category', category, SUM(amount), COUNT(*), SUM(quantity)
        FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))
        GROUP BY window_start, window_end, category
      UNION ALL … city … UNION ALL … payment_method

The planner compiles the two INSERTs into one job that reads and parses the file once (the source is
shared by the raw sink and the three window aggregations: `--explain` shows one TableSourceScan, reused).
The window aggregations are Flink's event-time window operators (two-phase: local pre-aggregation chained
to the source, hash exchange by key, global window aggregate); a window fires once the watermark passes
its end, each window exactly once (append only). One setting beyond the defaults: pipeline.object-reuse
(without it Flink deep-copies every row for each of the four operators chained to the source; SQL
operators are safe with reuse).

Parallelism: Flink's file source makes one split per local file (the local file system reports the
whole file as one block), so with the one input file a single source subtask reads and parses every
line, and the raw Parquet sink and the window pre-aggregation chained to it run in that subtask too; the
second subtask only runs its share of the global window aggregates. Spark splits the same file into two
tasks, and Souk decodes it with two workers. `--split-input 2` copies the input into two line-aligned
files first (untimed) so that both source subtasks work; run.sh uses the one file, as for the others.

Parquet: the apache-flink wheel on PyPI ships no Parquet format (flink-parquet / flink-sql-parquet are
Maven artefacts, and Maven Central cannot be reached here). The sinks therefore use 'souk-parquet', a
small BulkWriterFormatFactory of ours (flink-parquet/, ~250 lines of Java) that, like Flink's own
ParquetRowDataWriter, writes each row through parquet-mr's ParquetWriter into Flink's part-file stream:
snappy, parquet-mr's defaults (dictionary encoding, 1 MiB pages, 128 MiB row groups). The parquet-mr
1.17.0, Hadoop 3.5.0 client and snappy-java jars it needs come from the pyspark wheel (--spark-jars); the
script compiles the format with javac (JDK 17) into --build-dir when the jar is missing. With --format json
the sinks write JSON lines instead (Flink's own format), for a run without the Parquet jars.

Streaming, bounded input, end of input: the file source is bounded; when it has read everything it emits
a final MAX watermark, which closes EVERY window, including the last ones that Souk's --once run leaves
open (Souk closes the windows its final watermark — the largest event time minus 10 s — allows, and
Spark the same). Flink therefore writes a few more windows (the last minute or so of event time);
compare_windows.py compares the windows both closed. No checkpointing: the filesystem sink commits its
part files when the input ends (the job's end); Souk and Spark commit (and checkpoint) every batch, which
for one --once / availableNow run over one file is one data batch plus the final one.

Timing: one untimed warm-up run in the same JVM (fresh output directories), then three timed runs, each
with fresh directories; the median is reported. A run is timed from just before the statement set is
executed until the job has finished: planning, job submission, the start of the local mini-cluster
(Flink starts one per job in local execution), reading and parsing the file, the windows, the Parquet
writes and the final commit of the part files. Not timed: the JVM start-up and the read-back of the
outputs (row counts). CPU seconds are the JVM's user + system time (/proc/<pid>/stat, all threads) over
each timed run; peak RSS is the JVM's VmHWM at the end (whole process, warm-up included). The JVM gets
-Xmx4g, as Spark's driver.

Prints one JSON line, as spark_windows.py does.
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from jvm_usage import proc_cpu_seconds, proc_peak_rss_mb

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT_SOURCES = os.path.join(HERE, "flink-parquet")
# parquet-mr and what it loads, from the pyspark wheel's jars/ directory.
PARQUET_JARS = ["parquet-column-*.jar", "parquet-common-*.jar", "parquet-encoding-*.jar",
                "parquet-format-structures-*.jar", "parquet-hadoop-*.jar", "parquet-jackson-*.jar",
                "hadoop-client-api-*.jar", "hadoop-client-runtime-*.jar", "snappy-java-*.jar",
                "aircompressor-*.jar", "commons-pool-*.jar", "jts-core-*.jar"]

RAW_COLUMNS = """transaction_id STRING, user_id STRING, city STRING, category STRING, amount DOUBLE,
    quantity INT, payment_method STRING, `timestamp` TIMESTAMP(6)"""
WINDOW_COLUMNS = """window_start TIMESTAMP(3), window_end TIMESTAMP(3), dimension STRING, `key` STRING,
    revenue DOUBLE, transactions BIGINT, items BIGINT"""


def pyflink_lib():
    import pyflink
    return os.path.join(os.path.dirname(pyflink.__file__), "lib")


def parquet_classpath(spark_jars, build_dir):
    """The jars of the 'souk-parquet' format, compiling it first when its jar is missing or older."""
    jars = []
    for pattern in PARQUET_JARS:
        found = sorted(glob.glob(os.path.join(spark_jars, pattern)))
        if not found:
            sys.exit(f"flink_windows.py: no {pattern} in {spark_jars} (--spark-jars: the pyspark wheel's jars/)")
        jars.append(found[-1])
    sources = sorted(glob.glob(os.path.join(FORMAT_SOURCES, "src", "**", "*.java"), recursive=True))
    target = os.path.join(build_dir, "souk-flink-parquet.jar")
    if not os.path.exists(target) or os.path.getmtime(target) < max(os.path.getmtime(s) for s in sources):
        classes = os.path.join(build_dir, "classes")
        shutil.rmtree(classes, ignore_errors=True)
        os.makedirs(classes)
        compile_path = os.pathsep.join(sorted(glob.glob(os.path.join(pyflink_lib(), "*.jar"))) + jars)
        subprocess.run(["javac", "--release", "17", "-nowarn", "-cp", compile_path, "-d", classes, *sources],
                       check=True)
        shutil.copytree(os.path.join(FORMAT_SOURCES, "META-INF"), os.path.join(classes, "META-INF"))
        subprocess.run(["jar", "cf", target, "-C", classes, "."], check=True)
    return [target] + jars


def sink_options(path, fmt):
    options = {"connector": "filesystem", "path": path}
    if fmt == "parquet":
        options.update({"format": "souk-parquet", "souk-parquet.compression": "snappy"})
    else:
        options.update({"format": "json", "json.timestamp-format.standard": "ISO-8601"})
    return ", ".join(f"'{k}' = '{v}'" for k, v in options.items())


def build_statements(t_env, input_dir, work_dir, fmt):
    t_env.execute_sql(f"""
        CREATE TABLE events (
            {RAW_COLUMNS},
            rowtime AS CAST(`timestamp` AS TIMESTAMP(3)),
            WATERMARK FOR rowtime AS rowtime - INTERVAL '10' SECOND
        ) WITH ('connector' = 'filesystem', 'path' = '{input_dir}', 'format' = 'json',
                'json.timestamp-format.standard' = 'ISO-8601', 'json.fail-on-missing-field' = 'false',
                'json.ignore-parse-errors' = 'false')""")
    t_env.execute_sql(f"CREATE TABLE raw_sink ({RAW_COLUMNS}) WITH ({sink_options(work_dir + '/raw', fmt)})")
    t_env.execute_sql(f"CREATE TABLE window_sink ({WINDOW_COLUMNS}) WITH ({sink_options(work_dir + '/windows', fmt)})")
    per_dimension = [
        f"""SELECT window_start, window_end, '{dimension}', {dimension}, SUM(amount), COUNT(*),
                   SUM(CAST(quantity AS BIGINT))
            FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))
            GROUP BY window_start, window_end, {dimension}"""
        for dimension in ("category", "city", "payment_method")
    ]
    statements = t_env.create_statement_set()
    statements.add_insert_sql(
        "INSERT INTO raw_sink SELECT transaction_id, user_id, city, category, amount, quantity, payment_method, "
        "`timestamp` FROM events")
    statements.add_insert_sql("INSERT INTO window_sink " + " UNION ALL ".join(per_dimension))
    return statements


def new_table_env(extra=()):
    from pyflink.table import EnvironmentSettings, TableEnvironment
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    config = t_env.get_config()
    config.set("parallelism.default", "2")
    config.set("table.local-time-zone", "UTC")
    config.set("pipeline.name", "souk-compare")
    # The source's rows go to four chained consumers (the raw sink, three window pre-aggregations):
    # without object reuse Flink deep-copies each row for each of them. SQL operators are reuse-safe.
    config.set("pipeline.object-reuse", "true")
    for setting in extra:
        key, _, value = setting.partition("=")
        config.set(key, value)
    return t_env


def count_rows(directory, fmt):
    files = [f for f in glob.glob(os.path.join(directory, "*")) if not os.path.basename(f).startswith((".", "_"))]
    hidden = [f for f in glob.glob(os.path.join(directory, ".*"))]
    assert not hidden, f"uncommitted part files left in {directory}: {hidden[:3]}"
    if fmt == "parquet":
        import pyarrow.parquet as pq
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    return sum(sum(1 for _ in open(f)) for f in files)


def run(input_dir, work_dir, fmt, extra):
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    statements = build_statements(new_table_env(extra), input_dir, work_dir, fmt)
    started = time.monotonic()
    statements.execute().wait()
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input_dir", help="directory holding the JSON-lines file(s)")
    parser.add_argument("work_dir")
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the untimed warm-up")
    parser.add_argument("--format", choices=["parquet", "json"], default="parquet", help="of both sinks")
    parser.add_argument("--spark-jars", help="the pyspark wheel's jars/ directory (parquet-mr, Hadoop client)",
                        default=next(iter(sorted(glob.glob(os.path.join(
                            HERE, "..", "..", ".venv-bench", "lib", "python3*", "site-packages", "pyspark", "jars")))),
                            None))
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "..", ".build", "flink-parquet"))
    parser.add_argument("--split-input", type=int, default=1, metavar="N",
                        help="copy the input into N line-aligned files first (untimed): Flink's file source "
                             "makes one split per local file, so one file is parsed by one source subtask")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="an extra Flink configuration setting (repeatable)")
    parser.add_argument("--explain", action="store_true", help="print the job's plan and exit")
    args = parser.parse_args()
    input_dir = os.path.abspath(args.input_dir)
    work_dir = os.path.abspath(args.work_dir)
    if args.format == "parquet":
        if not args.spark_jars:
            sys.exit("flink_windows.py: --spark-jars is needed for Parquet (or --format json)")
        # Put on the JVM's class path when PyFlink launches it (PyFlink's way to add Hadoop jars).
        os.environ["HADOOP_CLASSPATH"] = os.pathsep.join(
            parquet_classpath(os.path.abspath(args.spark_jars), os.path.abspath(args.build_dir)))
    os.environ["JVM_ARGS"] = "-Xmx4g"  # as spark.driver.memory

    from pyflink.java_gateway import get_gateway
    from pyflink.version import __version__ as flink_version
    if args.explain:
        print(build_statements(new_table_env(args.conf), input_dir, work_dir, args.format).explain())
        return
    jvm_pid = get_gateway().jvm.java.lang.ProcessHandle.current().pid()
    shutil.rmtree(work_dir, ignore_errors=True)
    if args.split_input > 1:
        split_dir = f"{work_dir}/input-split"
        os.makedirs(split_dir)
        for path in sorted(glob.glob(os.path.join(input_dir, "*"))):
            subprocess.run(["split", "-n", f"l/{args.split_input}", path,
                            os.path.join(split_dir, os.path.basename(path) + ".")], check=True)
        input_dir = split_dir

    run(input_dir, f"{work_dir}/warmup", args.format, args.conf)  # untimed: class loading, JIT
    shutil.rmtree(f"{work_dir}/warmup")
    runs, cpu = [], []
    for index in range(args.runs):
        before = proc_cpu_seconds(jvm_pid)
        seconds = run(input_dir, f"{work_dir}/run{index}", args.format, args.conf)
        cpu.append(round(proc_cpu_seconds(jvm_pid) - before, 2))
        runs.append(round(seconds, 3))
        if index < args.runs - 1:
            shutil.rmtree(f"{work_dir}/run{index}")
    last = f"{work_dir}/run{args.runs - 1}"
    raw_rows = count_rows(f"{last}/raw", args.format)
    window_rows = count_rows(f"{last}/windows", args.format)
    for name in ("raw", "windows"):
        os.symlink(f"run{args.runs - 1}/{name}", f"{work_dir}/{name}")
    median = statistics.median(runs)
    print(json.dumps({
        "engine": "flink", "version": flink_version, "format": args.format, "events": args.events,
        "seconds": round(median, 3), "runs": runs, "events_per_second": round(args.events / median),
        "raw_rows": raw_rows, "window_rows": window_rows, "input_files": len(os.listdir(input_dir)),
        "cpu_seconds": cpu, "peak_rss_mb": round(proc_peak_rss_mb(jvm_pid)),
        "jvm_max_heap_mb": round(get_gateway().jvm.java.lang.Runtime.getRuntime().maxMemory() / 2**20),
        "measured": f"one streaming job (statement set), execute to finish, median of {args.runs} after a "
                    "warm-up; JVM start-up excluded, mini-cluster start included",
    }), flush=True)


if __name__ == "__main__":
    main()

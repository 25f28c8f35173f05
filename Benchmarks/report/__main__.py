"""make bench: runs the comparisons N times each, writes Benchmarks/results/<comparison>.{csv,svg,json} and
the generated block of BENCHMARKS.md.

  python -m Benchmarks.report [--runs 5] [--only convert,parquet] [--without pyspark,flink]
  python -m Benchmarks.report --smoke --runs 2 [--results-dir DIR] [--output FILE]

--smoke: tiny inputs, the binary from $SOUK_BIN allowed (a debug build), results into a temporary directory
(or --results-dir), and BENCHMARKS.md left alone unless --output names a file. The ceilings are measured
in every run (shortened in smoke) unless --no-ceilings. Exit status 1 when a comparison failed; goals not
met are results, not failures.
"""

import argparse
import json
import os
import pathlib
import shlex
import shutil
import sys
import tempfile
import time
import traceback

from . import machine, markdown, outputs
from .comparisons import MODULES, ORDER, SMOKE
from .model import Result, now, to_dict
from .runner import ROOT, Context, Failed, Skip, wait_for_binary

OPTIONAL_TOOLS = ["pyspark", "flink", "redis", "hey", "chromium"]


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m Benchmarks.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--only", help=f"comma-separated comparisons: {','.join(ORDER)}")
    parser.add_argument("--smoke", action="store_true", help="tiny inputs; results in a temporary directory")
    parser.add_argument("--output", help="the Markdown file to write the block into (default: BENCHMARKS.md, "
                                         "none with --smoke)")
    parser.add_argument("--results-dir", help="where the CSV, SVG and JSON go (default: Benchmarks/results)")
    parser.add_argument("--souk", default=os.environ.get("SOUK_BIN", str(ROOT / ".build" / "release" / "souk")),
                        help="the binary under test (default: $SOUK_BIN, else .build/release/souk)")
    parser.add_argument("--without", default="", help=f"tools to leave out, reported as skipped: "
                                                      f"{','.join(OPTIONAL_TOOLS)}")
    parser.add_argument("--no-ceilings", action="store_true", help="do not measure the ceilings")
    parser.add_argument("--quiet", action="store_true", help="do not echo the commands' output")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    names = args.only.split(",") if args.only else (SMOKE if args.smoke else ORDER)
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        parser.error(f"unknown comparison {', '.join(unknown)}; known: {', '.join(ORDER)}")
    without = {tool for tool in args.without.split(",") if tool}
    if without - set(OPTIONAL_TOOLS):
        parser.error(f"--without takes {', '.join(OPTIONAL_TOOLS)}")
    if args.no_ceilings:
        names = [name for name in names if name != "ceilings"]
    elif "ceilings" not in names:
        names = ["ceilings"] + names
    args.names = [name for name in ORDER if name in names]
    args.without = frozenset(without)
    return args


def measure(name, args, souk):
    """Runs one comparison in a fresh work directory; a Skip or a failure is recorded in its result."""
    module = MODULES[name]
    result = Result(name, module.TITLE, list(module.TOOLS), runs=args.runs, started=now())
    work = tempfile.mkdtemp(prefix=f"souk-bench-{name}-")
    ctx = Context(souk=souk, runs=args.runs, smoke=args.smoke, work=pathlib.Path(work),
                  without=args.without, verbose=not args.quiet)
    started = time.monotonic()
    ctx.log(f"== {name}: {module.TITLE}")
    try:
        module.measure(ctx, result)
    except Skip as reason:
        result.skipped_all = str(reason)
        ctx.log(f"{name}: skipped: {reason}")
    except Failed as failure:
        result.error = str(failure)
        ctx.log(f"{name}: FAILED: {failure}")
    except Exception as error:  # a bug in reading a script's output: the other comparisons still run
        traceback.print_exc()
        result.error = f"{type(error).__name__}: {error}"
        ctx.log(f"{name}: FAILED: {result.error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return to_dict(result)


def verdicts(result):
    found = [row["goal"]["result"] for row in result["rows"] if row["goal"]]
    if result["skipped_all"]:
        return f"skipped: {result['skipped_all']}"
    if result["error"]:
        return f"FAILED: {result['error']}"
    met = sum(1 for value in found if value == "met")
    missed = sum(1 for value in found if value == "not met")
    return f"{len(found)} goals: {met} met, {missed} not met, {len(found) - met - missed} not evaluated"


def last_full_run(path):
    """The header of the last run of every comparison, from the run.json a run left (None if none did):
    a run of some comparisons (`--only`) keeps it, as the other sections still come from it."""
    try:
        with open(path) as file:
            previous = json.load(file)
    except (OSError, ValueError):
        return None
    if previous.get("partial"):
        return previous.get("full")
    return {key: previous[key] for key in ("date", "machine", "versions", "arguments") if key in previous}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    souk = os.path.abspath(args.souk)
    wait_for_binary(souk)
    results_dir = args.results_dir or (tempfile.mkdtemp(prefix="souk-bench-report-") if args.smoke
                                       else str(ROOT / "Benchmarks" / "results"))
    output = args.output or (None if args.smoke else str(ROOT / "BENCHMARKS.md"))
    os.makedirs(results_dir, exist_ok=True)

    run_info = {"date": now(), "machine": machine.machine(), "versions": machine.versions(souk),
                "arguments": shlex.join(argv)}
    if args.only and not args.smoke:
        run_info["partial"] = args.names
        run_info["full"] = last_full_run(os.path.join(results_dir, "run.json"))
    failed = False
    for name in args.names:
        result = measure(name, args, souk)
        outputs.write(result, results_dir)
        failed |= bool(result["error"])
        print(f"{name}: {verdicts(result)}", flush=True)
    outputs.write_json(run_info, os.path.join(results_dir, "run.json"))
    if output:
        present = outputs.load(results_dir, ORDER)
        markdown.splice(output, markdown.block(run_info, present, results_dir, output))
        print(f"wrote the block of {output}", flush=True)
    print(f"results in {results_dir}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

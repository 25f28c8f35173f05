"""`souk demo`: cold start to the dashboard answering and memory idle and under load, through
Benchmarks/Demo/measure.py --runs N --seconds S (S = 300; 20 in smoke). Per run: the cold start (a fresh
data directory each time, after one unmeasured start). Once: VmRSS sampled every 5 s at --rate 1 (idle,
min(S, 120) s) and at --rate 10000 (S s), with the engine's rate beside it.

Goals (BENCHMARKS.md, "The demo"): cold start to the dashboard answering under 1 s; RSS idle and at 10,000
events/s for 5 minutes under 150 MB and flat ("flat within 2 MiB after the first minute", as BENCHMARKS.md
reads its own figures: the last sample against the first one taken after 60 s)."""

from ..model import Goal, Row
from ..runner import Failed, json_objects, run

TITLE = "The demo (`souk demo`)"
TOOLS = ["souk"]
MB_IN_MIB = 1e6 / 2**20


def growth_after_first_minute(samples):
    later = [sample for sample in samples if sample["t"] >= 60]
    return later[-1]["rss_mib"] - later[0]["rss_mib"] if later else None


def measure(ctx, result):
    seconds = 20 if ctx.smoke else 300
    under = Goal(f"RSS under 150 MB (= {150 * MB_IN_MIB:.1f} MiB)", 150 * MB_IN_MIB, at_most=True, strict=True)
    flat = Goal("RSS flat: within 2 MiB after the first minute", 2.0, at_most=True)
    result.rows = [
        Row("cold start to the dashboard answering", "ms", "lower", command="measure",
            goal=Goal("cold start to the dashboard answering under 1 s", 1000, at_most=True, strict=True)),
        Row("RSS idle (--rate 1), max", "MiB", "lower", command="measure", goal=under),
        Row("RSS idle, growth after the first minute", "MiB", "lower", command="measure", goal=flat),
        Row("RSS at 10,000 events/s, max", "MiB", "lower", command="measure", goal=under),
        Row("RSS at 10,000 events/s, growth after the first minute", "MiB", "lower", command="measure", goal=flat),
        Row("engine rate at 10,000 events/s, lowest sample", "events/s", "higher", command="measure"),
    ]
    command = [ctx.python, "Benchmarks/Demo/measure.py", ctx.souk, "--runs", ctx.runs, "--seconds", seconds]
    found = {key: value for line in json_objects(run(ctx, command).stdout) for key, value in line.items()}
    result.command("measure", ctx.shown(command))
    if not {"cold_start", "idle", "load"} <= set(found):
        raise Failed(f"measure.py did not report the cold start, idle and load: {sorted(found)}")
    result.add_runs("cold start to the dashboard answering", "souk", found["cold_start"]["each_ms"], "ms")
    for key, label in (("idle", "RSS idle"), ("load", "RSS at 10,000 events/s")):
        memory = found[key]
        title = "RSS idle (--rate 1), max" if key == "idle" else f"{label}, max"
        result.add(title, "souk", 1, memory["rss_max_mib"], "MiB", seconds=memory["seconds"],
                   cpu_seconds=memory["cpu_seconds"], transactions=memory["transactions"])
        growth = growth_after_first_minute(memory["samples"])
        if growth is None:
            result.skipped[f"{label}, growth after the first minute"] = (
                f"no sample after the first minute in {memory['seconds']} s")
        else:
            result.add(f"{label}, growth after the first minute", "souk", 1, growth, "MiB")
    rates = [sample["events_per_second"] for sample in found["load"]["samples"][1:]]
    if rates:
        result.add("engine rate at 10,000 events/s, lowest sample", "souk", 1, min(rates), "events/s")
    idle, load = found["idle"]["seconds"], found["load"]["seconds"]
    result.notes.append(f"Memory: one run each, idle {idle} s and loaded {load} s, "
                        "VmRSS every 5 s; the engine's rate (first sample left out: the engine starting) from "
                        "/api/status. No peer runs here: the original platform's seven containers are not measured.")

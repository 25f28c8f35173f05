"""The dashboard, through Benchmarks/Web/run.sh, run N times (histories of N/10 and N transactions, N =
10,000,000; 20,000 in smoke). Per run: p99 of each API route under `hey -z 15s -c 10 -q 100` over both
histories, served by `souk web` (tables) and by `souk stream --web` (live); the server-sent events to 100
subscribers at 10,000 events/s (update built → received, and the newest event's age on arrival); the page's
time to the first chart in headless Chromium (median of its 5 loads) and its weight.

Goals (BENCHMARKS.md, "Dashboard and API"): p99 < 10 ms and flat as history grows (judged: p99 < 10 ms at
both sizes; the ratio column shows how it grew); every update reaches all subscribers within 100 ms of its
batch; at 10,000 events/s with a 200 ms trigger, the newest event in an update at most 1 s old at p99."""

import re
import shutil

from ..model import Goal, Row
from ..runner import Failed, json_objects, run

TITLE = "Dashboard and API"
LIVE = "live, 10,000 events/s"
TOOLS = ["N/10 transactions", "N transactions", LIVE]  # named after the history's size once it is known
ROUTES = ["/api/stats", "/api/categories", "/api/transactions/top?n=10", "/api/timeseries?dimension=city&minutes=60"]
MODES = {"tables": "souk web (tables)", "live": "souk stream --web (live)"}
HEY = re.compile(r"^(tables|live)\s+(\S+)\s+rps (\d+), p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, 200s (\S*)", re.M)
FANOUT = "SSE: update built → received by every subscriber, max"
MISSED = "SSE: updates that did not reach every subscriber"
FRESH = "SSE: newest event's age on arrival, p99"
FIRST_CHART = "page: navigation start → first chart (median of 5 loads)"
WEIGHT = "page weight"


def history_columns(events):
    return f"{events // 10:,} transactions", f"{events:,} transactions"


def measure(ctx, result):
    events = 20_000 if ctx.smoke else 10_000_000
    small, big = history_columns(events)
    result.tools = [small, big, LIVE]
    result.rows = [
        Row(f"{route} p99, {mode}", "ms", "lower", big, small, command="run", tools=(small, big),
            goal=Goal("p99 < 10 ms and flat as history grows (judged: < 10 ms at both sizes)", 10.0, at_most=True,
                      strict=True, subjects=(small, big)))
        for mode in MODES.values() for route in ROUTES
    ] + [
        Row(MISSED, "updates", "lower", LIVE, command="run", tools=(LIVE,),
            goal=Goal("every update reaches all subscribers", 0, at_most=True)),
        Row(FANOUT, "ms", "lower", LIVE, command="run", tools=(LIVE,),
            goal=Goal("every update reaches all subscribers within 100 ms of its batch", 100.0, at_most=True)),
        Row(FRESH, "ms", "lower", LIVE, command="run", tools=(LIVE,),
            goal=Goal("newest event in an update at most 1 s old at p99", 1000.0, at_most=True)),
        Row(FIRST_CHART, "ms", "lower", LIVE, command="run", tools=(LIVE,)),
        Row(WEIGHT, "kB", "lower", LIVE, command="run", tools=(LIVE,)),
    ]
    env = {"SOUK_BIN": ctx.souk}
    if "hey" in ctx.without or not shutil.which("hey"):
        reason = "left out (--without hey)" if "hey" in ctx.without else "hey is not installed (make bench installs it)"
        result.skipped[small] = result.skipped[big] = reason
        env["ONLY"] = "sse"
    if "chromium" in ctx.without or not (shutil.which("chromium") and shutil.which("chromedriver")):
        reason = ("left out (--without chromium)" if "chromium" in ctx.without
                  else "chromium and chromium-driver are not installed (make setup installs them)")
        result.skipped[FIRST_CHART] = result.skipped[WEIGHT] = reason
        env["SKIP_PAGE"] = "1"
    for tool in ("curl", "bc"):
        if not shutil.which(tool):
            raise Failed(f"{tool} is not installed (make bench installs it)")
    command = ["Benchmarks/Web/run.sh", events]
    for index in range(1, ctx.runs + 1):
        output = run(ctx, command, env=env).stdout
        sizes = [int(n) for n in re.findall(r"^== history of (\d+) transactions", output, re.M)]
        chunks = re.split(r"^== history of \d+ transactions\n", output, flags=re.M)[1:]
        for size, chunk in zip(sizes, chunks):
            column = small if size == events // 10 else big
            for mode, route, rps, p50, p99, ok in HEY.findall(chunk):
                result.add(f"{route} p99, {MODES[mode]}", column, index, float(p99), "ms", p50_ms=float(p50),
                           requests_per_s=int(rps), ok_200=ok)
        objects = json_objects(output)
        sse = next((o for o in objects if "as_of_to_arrival" in o), None)
        if sse is None or not sse["as_of_to_arrival"]:
            raise Failed("run.sh printed no server-sent-events result")
        result.add(FANOUT, LIVE, index, sse["as_of_to_arrival"]["max_ms"], "ms", updates=sse["updates"],
                   complete_updates=sse["complete_updates"], p99_ms=sse["as_of_to_arrival"]["p99_ms"])
        result.add(MISSED, LIVE, index, sse["updates"] - sse["complete_updates"], "updates", updates=sse["updates"])
        if sse["newest_event_age_on_arrival"]:
            result.add(FRESH, LIVE, index, sse["newest_event_age_on_arrival"]["p99_ms"], "ms")
        page = next((o for o in objects if "first_chart_ms_median" in o), None)
        if page:
            result.add(FIRST_CHART, LIVE, index, page["first_chart_ms_median"], "ms")
            result.add(WEIGHT, LIVE, index, page["page_weight_bytes"] / 1000, "kB")
    result.command("run", ctx.shown(command, env))
    result.notes.append("Load: `hey -z 15s -c 10 -q 100` (1,000 requests/s) per route; the load generator, the "
                        "server and (live) the engine share the machine. SSE: 100 subscribers, `souk produce --rate "
                        "10000` through `souk broker` into `souk stream --web --trigger 200ms`, 30 s.")

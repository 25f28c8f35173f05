"""What a comparison produces and how it is judged.

- Sample: one figure of one tool in one run (one CSV row).
- Row: one line of the comparison's table: a figure, the tool it judges (Souk's), the tool its ratio is
  taken against, and at most one goal.
- Goal: a goal as BENCHMARKS.md words it, with the threshold it is judged against, either on the ratio
  (relative goals: "at least as fast as polars") or on the median itself (absolute: "under 100 ms").
- Result: everything one comparison measured, serialised to JSON for the Markdown, CSV and SVG writers.

Every figure is the median of its runs with their min–max; a goal is met or not met on medians; a goal
whose tool did not run is "not evaluated" with the reason, never met by default."""

import dataclasses
import datetime
import statistics


@dataclasses.dataclass
class Sample:
    figure: str
    tool: str
    run: int
    value: float
    unit: str
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Goal:
    text: str
    threshold: float
    relative: bool = False  # the threshold applies to the row's ratio, else to the median in the row's unit
    at_most: bool = False  # met when the value is at most the threshold (below it with `strict`)
    strict: bool = False
    subjects: tuple = ()  # absolute goals over several tools, each of which must meet it

    def holds(self, value):
        if self.at_most:
            return value < self.threshold if self.strict else value <= self.threshold
        return value > self.threshold if self.strict else value >= self.threshold

    def bound(self):
        sign = ("<" if self.strict else "≤") if self.at_most else (">" if self.strict else "≥")
        return f"{sign} {number(self.threshold)}"


@dataclasses.dataclass
class Row:
    figure: str
    unit: str
    better: str  # "lower" or "higher"
    subject: str = "souk"
    reference: str = None  # the tool the ratio is taken against
    speed: bool = False  # a time: the ratio is a speed ratio (the reference's time ÷ the subject's)
    goal: Goal = None
    command: str = ""  # key of Result.commands
    compared_with: str = ""  # more words on what the goal is judged against, beside the criterion
    tools: tuple = ()  # the tools this row measures, when not every tool of the comparison


@dataclasses.dataclass
class Result:
    name: str
    title: str
    tools: list
    rows: list = dataclasses.field(default_factory=list)
    samples: list = dataclasses.field(default_factory=list)
    commands: dict = dataclasses.field(default_factory=dict)
    notes: list = dataclasses.field(default_factory=list)
    skipped: dict = dataclasses.field(default_factory=dict)  # tool -> reason
    skipped_all: str = None  # the whole comparison did not run: why
    error: str = None  # it ran and failed: how
    runs: int = 0
    started: str = ""
    seconds: float = 0.0

    def add(self, figure, tool, run, value, unit, **extra):
        self.samples.append(Sample(figure, tool, run, float(value), unit, extra))

    def add_runs(self, figure, tool, values, unit, **extra):
        """One sample per run, numbered from 1."""
        for index, value in enumerate(values, 1):
            self.add(figure, tool, index, value, unit, **extra)

    def command(self, key, text):
        self.commands[key] = text
        return key


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def ratio_of(row, cells):
    """The row's ratio, Souk's side first: a speed ratio for times (reference ÷ subject), otherwise
    subject ÷ reference; None when either did not run."""
    subject, reference = cells.get(row.subject), cells.get(row.reference)
    if not row.reference or not subject or not reference or not subject["median"] or not reference["median"]:
        return None
    if row.better == "lower" and row.speed:
        return reference["median"] / subject["median"]
    return subject["median"] / reference["median"]


def criterion(row):
    """How the goal is judged, in words: "speed ÷ polars ≥ 1.00" or "< 100 ms"."""
    goal = row.goal
    if goal.relative:
        return f"{ratio_words(row)} {goal.bound()}"
    tools = goal.subjects or (row.subject,)
    return f"{goal.bound()} {row.unit}" + (f", each of {', '.join(tools)}" if len(tools) > 1 else "")


def ratio_words(row):
    if row.better == "lower" and row.speed:
        return f"speed ÷ {row.reference}"
    return f"÷ {row.reference}"


def verdict(row, cells, skipped):
    """The verdict, "met", "not met" or "not evaluated (why)" for the row's goal, and the value it was judged on."""
    goal = row.goal
    if goal is None:
        return None, None
    if goal.relative:
        missing = [tool for tool in (row.subject, row.reference) if tool not in cells]
        value = ratio_of(row, cells)
    else:
        tools = goal.subjects or (row.subject,)
        missing = [tool for tool in tools if tool not in cells]
        medians = [cells[tool]["median"] for tool in tools if tool in cells]
        worst = max if goal.at_most else min
        value = worst(medians) if medians else None
    if missing:
        reasons = "; ".join(f"{tool}: {skipped.get(row.figure) or skipped.get(tool, 'no measurement')}"
                            for tool in missing)
        return f"not evaluated ({reasons})", value
    if value is None:
        return "not evaluated (no ratio: a median is zero)", None
    return ("met" if goal.holds(value) else "not met"), value


def to_dict(result):
    """The JSON the outputs are written from: per row the cells (median, min, max, runs per tool), the
    ratio, the goal, its verdict and the command."""
    cells_by_figure = {}
    for sample in result.samples:
        cells_by_figure.setdefault(sample.figure, {}).setdefault(sample.tool, []).append(sample.value)
    rows = []
    for row in result.rows:
        cells = {tool: summary(values) for tool, values in cells_by_figure.get(row.figure, {}).items()}
        status, judged = verdict(row, cells, result.skipped)
        ratio = ratio_of(row, cells)
        rows.append({
            "figure": row.figure, "unit": row.unit, "better": row.better, "subject": row.subject,
            "tools": list(row.tools) or result.tools,
            "reference": row.reference, "cells": cells, "ratio": ratio,
            "ratio_words": ratio_words(row) if row.reference else None,
            "goal": None if row.goal is None else {
                "text": row.goal.text, "criterion": criterion(row), "relative": row.goal.relative,
                "threshold": row.goal.threshold, "at_most": row.goal.at_most,
                "compared_with": row.compared_with or (
                    row.reference if row.goal.relative else "the goal's threshold (no peer)"),
                "result": status, "judged_value": judged},
            "command": result.commands.get(row.command, row.command),
        })
    return {
        "name": result.name, "title": result.title, "tools": result.tools, "rows": rows,
        "samples": [dataclasses.asdict(sample) for sample in result.samples], "commands": result.commands,
        "notes": result.notes, "skipped": result.skipped, "skipped_all": result.skipped_all, "error": result.error,
        "runs": result.runs, "started": result.started, "seconds": round(result.seconds, 1),
    }


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def number(value):
    """A figure with three significant digits or more, thousands separated: 1,239,160 / 121 / 1.54 / 0.155."""
    if value is None:
        return "—"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"

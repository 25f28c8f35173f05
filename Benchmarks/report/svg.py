"""The plot of one comparison, drawn by hand as SVG: one panel per row of its table, a horizontal bar per
tool at its median with a whisker from the fastest to the slowest run, the goal's threshold as a dashed
line where the goal is absolute, and above the bars the goal, met or not met, and what it is compared with."""

import textwrap
from xml.sax.saxutils import escape

from .model import number

WIDTH = 860
LABEL = 230  # left column: tool names
BARS = 430  # the bars' full length
LINE = 15
BAR = 20
SUBJECT_COLOUR, PEER_COLOUR = "#e07b39", "#7a93ad"
RESULT_COLOURS = {"met": "#1a7f37", "not met": "#c62828"}


def text(x, y, content, size=12, weight="normal", colour="#222", anchor="start"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{colour}" '
            f'text-anchor="{anchor}">{escape(str(content))}</text>')


def cell_text(cell, unit):
    spread = f" ({number(cell['min'])}–{number(cell['max'])})" if cell["runs"] > 1 else " (1 run)"
    return f"{number(cell['median'])} {unit}{spread}"


def goal_lines(row):
    goal = row["goal"]
    if goal is None:
        words = "no goal"
        if row["ratio"] is not None:
            words += f"; Souk {row['ratio_words']}: {row['ratio']:.2f}"
        return [(words, "#555")]
    result = goal["result"] or ""
    colour = RESULT_COLOURS.get(result, "#8a6d00")
    lines = textwrap.wrap(f"goal: {goal['text']} ({goal['criterion']})", 120)
    lines.append(f"{result.upper() if result in RESULT_COLOURS else result}; compared with {goal['compared_with']}"
                 + (f"; Souk {row['ratio_words']}: {row['ratio']:.2f}" if row["ratio"] is not None else ""))
    return [(line, "#333") for line in lines[:-1]] + [(line, colour) for line in textwrap.wrap(lines[-1], 120)]


def panel(row, tools, skipped, top):
    """The SVG elements of one row's panel starting at `top`, and the panel's height."""
    parts = [text(10, top + LINE, f"{row['figure']} ({row['unit']}, {row['better']} is better)", 13, "bold")]
    y = top + LINE
    for line, colour in goal_lines(row):
        y += LINE
        parts.append(text(10, y, line, 11, colour=colour))
    y += 8
    cells = row["cells"]
    shown = [tool for tool in tools if tool in cells or (tool in skipped and tool in row["tools"])]
    values = [cells[t]["max"] for t in shown if t in cells]
    goal = row["goal"]
    threshold = goal["threshold"] if goal and not goal["relative"] else None
    scale = max(values + ([threshold] if threshold is not None else []) + [1e-12])
    for tool in shown:
        middle = y + BAR / 2
        parts.append(text(LABEL - 8, middle + 4, tool, 12, anchor="end"))
        if tool not in cells:
            parts.append(text(LABEL, middle + 4, f"skipped: {skipped[tool]}", 11, colour="#8a6d00"))
            y += BAR + 4
            continue
        cell = cells[tool]
        colour = SUBJECT_COLOUR if tool == row["subject"] else PEER_COLOUR
        length = BARS * cell["median"] / scale
        parts.append(f'<rect x="{LABEL}" y="{y + 3:.1f}" width="{max(length, 1):.1f}" height="{BAR - 6}" '
                     f'fill="{colour}"/>')
        low, high = LABEL + BARS * cell["min"] / scale, LABEL + BARS * cell["max"] / scale
        parts.append(f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" y2="{middle:.1f}" stroke="#222"/>')
        for x in (low, high):
            parts.append(f'<line x1="{x:.1f}" y1="{middle - 5:.1f}" x2="{x:.1f}" y2="{middle + 5:.1f}" stroke="#222"/>')
        parts.append(text(max(high, LABEL + length) + 6, middle + 4, cell_text(cell, row["unit"]), 11))
        y += BAR + 4
    if threshold is not None and shown:
        x = LABEL + BARS * threshold / scale
        first = top + LINE * (1 + len(goal_lines(row))) + 8
        parts.append(f'<line x1="{x:.1f}" y1="{first:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c62828" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(text(x, y + 9, f"goal {number(threshold)} {row['unit']}", 9, colour="#c62828", anchor="middle"))
    return parts, y - top + 14


def draw(result):
    """The whole SVG document of one comparison (a dict from model.to_dict)."""
    runs = result["runs"]
    parts = [text(10, 22, result["title"], 16, "bold"),
             text(10, 40, f"{result['started']}: bars at the median of {runs} run{'s' if runs != 1 else ''}, "
                          "whiskers from the lowest to the highest run; Souk's bar in orange", 11, colour="#555")]
    top = 50
    for row in result["rows"]:
        elements, height = panel(row, result["tools"], result["skipped"], top)
        parts += elements
        top += height
    if not result["rows"]:
        reason = result["error"] or (f"skipped: {result['skipped_all']}" if result["skipped_all"] else "no figures")
        for line in textwrap.wrap(reason, 120):
            top += LINE
            parts.append(text(10, top, line, 12, colour="#8a6d00"))
        top += 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{top + 10}" '
            f'viewBox="0 0 {WIDTH} {top + 10}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(parts) + "\n</svg>\n")

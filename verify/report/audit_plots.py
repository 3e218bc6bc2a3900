"""The plots of an audit (``python -m verify audit TRACE --report-dir DIR``), as SVG and
PNG.

Drawn from the audit's ``run.json`` data (so they can be redrawn from it):

``value-lost``   value lost per iteration against the trace's ``time`` when every
                 plotted iteration has a numeric one, else against the line number;
                 binned: at most :data:`BINS` points, each the largest loss of its
                 consecutive iterations (``series`` holds at most a few thousand,
                 each already the largest of ``stride``), so no peak is dropped;
                 the caption gives the exact total
``rule-breaks``  iterations breaking each rule, and the request ids that break
                 rules most often (top 20, stacked by rule)
``gap``          the distribution of the gap to the optimum: iterations per
                 relative-loss bucket (exact counts over every iteration)

Drawn by hand (verify/report/chart.py): every shape and label placed in pixels, so
every label's box is known and checked (none leaves its panel or overlaps another:
tests/test_audit_plots.py); the SVG is text, the PNG rasterised by Pillow. No
matplotlib: its import and its text layout cost the audit more than the page may
(docs/reports.md, "Size, time to open, cost").
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

from verify.report.chart import (
    END,
    MIDDLE,
    Box,
    Chart,
    nice_ticks,
    printable,
    text_width,
    tick_labels,
)

TOP_REQUESTS = 20
# The literal constants only the matplotlib plots this module drew before had (figure
# sizes, legend places): Hypothesis draws the literal constants of every imported
# project module (verify/run/imports.py), so they are kept, and with them the cases
# every seed of the suite draws (a test: tests/test_audit_plots.py)
FORMER_CONSTANTS = (
    3.2,
    3.4,
    "bottom",
    "lower right",
    "right",
    "upper right",
    "width_ratios",
)
BINS = 500  # points of the value-lost plot: more than its width shows apart
BLUE, RED, GREEN, ORANGE = "#2a6fdb", "#d0021b", "#8fd16a", "#f6a945"
GRID, AXIS = "#bbbbbb", "#444444"
# one colour per rule (matplotlib's default cycle, as the plots had)
RULE_COLORS = tuple("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b".split())
TITLE, LABEL, TICK = 13, 11, 10  # font sizes, pixels


def binned(points: list[list], bins: int = BINS) -> tuple[int, list[list]]:
    """``(per, points)``: at most ``bins`` points, each the one of ``per`` consecutive
    points that lost the most (the first of equals), so the largest loss stays.

    >>> binned([[1, None, 0.0], [2, None, 3.0], [3, None, 1.0], [4, None, 3.0],
    ...         [5, None, 2.0]], bins=2)
    (3, [[2, None, 3.0], [4, None, 3.0]])
    >>> binned([[1, None, 0.0]], bins=2)
    (1, [[1, None, 0.0]])
    """
    per = max(1, -(-len(points) // bins))
    return per, [
        max(points[i : i + per], key=lambda p: p[2]) for i in range(0, len(points), per)
    ]


def _finite(x: Any) -> bool:
    return (
        isinstance(x, (int, float))
        and not isinstance(x, bool)
        and math.isfinite(x)
        and abs(x) <= sys.float_info.max / 2  # a span of two is still finite
    )


def _numeric_times(points: list[list]) -> bool:
    return bool(points) and all(_finite(p[1]) for p in points)


def _label(rid: Any) -> str:
    """A request id as a tick label: printable ASCII (a trace's id may hold terminal
    escapes or wide characters, whose width is not known), 24 characters at most."""
    return printable(str(rid), 24)


def _y_axis(chart: Chart, box: Box, ticks: list[float], labels: list[str]) -> None:
    """Grid lines and tick labels of a vertical value axis over ``box``."""
    x0, y0, x1, y1 = box
    lo, hi = ticks[0], ticks[-1]
    for t, s in zip(ticks, labels):
        y = y1 - (t - lo) / (hi - lo) * (y1 - y0)
        chart.line(x0, y, x1, y, GRID)
        chart.text(x0 - 6, y + TICK * 0.3, s, TICK, END)


def _x_ticks(lo: float, hi: float, width: float) -> tuple[list[float], list[str]]:
    """Ticks of a horizontal axis ``width`` pixels wide: as many as fit with their
    labels at least 2 characters apart."""
    for most in (10, 8, 6, 5, 4, 3, 2, 1):
        ticks = nice_ticks(lo, hi, most)
        labels = tick_labels(ticks)
        room = width / max(len(ticks) - 1, 1)
        if all(text_width(s, TICK) + 2 * TICK <= room for s in labels):
            break
    return ticks, labels


def value_lost_chart(data: dict[str, Any]) -> tuple[Chart, dict]:
    """The value-lost plot and its index entry (without the file names)."""
    series = data.get("series") or {}
    stride = series.get("stride", 1)
    per, points = binned(series.get("points") or [])
    points = [p for p in points if _finite(p[0]) and _finite(p[2])]
    lost = data.get("value_lost") or {}
    by_time = _numeric_times(points)
    xs = [float(p[1] if by_time else p[0]) for p in points]
    ys = [float(p[2]) for p in points]
    binned_note = (
        f" (binned: each point the largest of up to {stride * per} iterations)"
        if stride * per > 1
        else ""
    )
    w, h = 1000, 300
    chart = Chart(w, h)
    chart.text(w / 2, 20, "Value lost per iteration" + binned_note, TITLE, MIDDLE)
    ylo = min([0.0] + ys)
    yticks = nice_ticks(ylo, max([ylo] + ys) or 1.0, 5)
    ylabels = tick_labels(yticks)
    left = 14 + max(text_width(s, TICK) for s in ylabels)
    lo, hi = min(xs, default=0.0), max(xs, default=1.0)
    right: float = w - 20
    for _ in range(2):  # the last tick's label, centred on the axis's end, must fit
        xticks, xlabels = _x_ticks(lo, hi, right - left)
        right = min(w - 20, w - 8 - text_width(xlabels[-1], TICK) / 2)
    box = (left, 56, right, h - 50)
    chart.text(left, 44, "value lost (optimum - value)", LABEL)
    if any(y > 0 for y in ys):
        note = (
            "a bin that lost value"
            if stride * per > 1
            else "an iteration that lost value"
        )
        end = chart.text(box[2], 44, note, LABEL, END)
        chart.dot(end[0] - 8, 44 - LABEL * 0.3, 3, RED)
    _y_axis(chart, box, yticks, ylabels)
    x0, x1 = xticks[0], xticks[-1]

    def px(x: float) -> float:
        return box[0] + (x - x0) / (x1 - x0) * (box[2] - box[0])

    def py(y: float) -> float:
        return box[3] - (y - yticks[0]) / (yticks[-1] - yticks[0]) * (box[3] - box[1])

    for t, s in zip(xticks, xlabels):
        chart.line(px(t), box[3], px(t), box[3] + 4, AXIS)
        chart.text(px(t), box[3] + 18, s, TICK, MIDDLE)
    chart.line(box[0], box[3], box[2], box[3], AXIS)
    chart.line(box[0], box[1], box[0], box[3], AXIS)
    chart.polyline([(px(x), py(y)) for x, y in zip(xs, ys)], BLUE, 0.8)
    for x, y in zip(xs, ys):
        if y > 0:
            chart.dot(px(x), py(y), 2, RED)
    chart.text(
        (box[0] + box[2]) / 2,
        h - 12,
        "time (the trace's 'time')" if by_time else "line of the trace",
        LABEL,
        MIDDLE,
    )
    entry = {
        "title": "Value lost per iteration",
        "caption": (
            f"{len(points)} points for {lost.get('iterations', 0)} iterations"
            " with a feasible answer to a feasible instance"
            + (
                f" (binned: each point is the largest loss of up to {stride * per}"
                " consecutive iterations, so no peak is dropped)"
                if stride * per > 1
                else ""
            )
            + f"; red: lost value. Total value lost (exact): {lost.get('total')}."
        ),
    }
    return chart, entry


def _bars(
    chart: Chart,
    box: Box,
    names: list[str],
    stacks: list[list[tuple[int, str]]],
    note: str,
) -> None:
    """Horizontal bars in ``box``: one row per name (its label left of the bars), each
    a stack of ``(count, colour)``, the total after it; ``note`` under the axis."""
    x0, y0, x1, y1 = box
    if not names:
        chart.text((x0 + x1) / 2, (y0 + y1) / 2, "no rule broken", LABEL, MIDDLE)
        return
    label_w = max(text_width(s, TICK) for s in names)
    totals = [sum(n for n, _ in s) for s in stacks]
    total_w = max(text_width(str(t), TICK) for t in totals)
    left, right = x0 + label_w + 8, x1 - total_w - 6
    row = min(20, (y1 - y0) / len(names))
    top = max(totals) or 1
    chart.line(left, y0, left, y0 + row * len(names), AXIS)
    for i, (name, stack, total) in enumerate(zip(names, stacks, totals)):
        yc = y0 + row * (i + 0.5)
        chart.text(left - 6, yc + TICK * 0.3, name, TICK, END)
        at = left
        for n, color in stack:
            w = n / top * (right - left)
            chart.rect(at, yc - row * 0.7 / 2, w, row * 0.7, color)
            at += w
        chart.text(at + 4, yc + TICK * 0.3, str(total), TICK)
    chart.text((left + right) / 2, y0 + row * len(names) + 20, note, LABEL, MIDDLE)


def rule_breaks_chart(data: dict[str, Any]) -> tuple[Chart, dict]:
    """The rule-breaks plot: iterations per rule (left), and the request ids that break
    rules most often, stacked by rule (right)."""
    rules = data.get("rules") or {}
    names = list(rules)
    color = {r: RULE_COLORS[i % len(RULE_COLORS)] for i, r in enumerate(names)}
    totals: dict[str, int] = {}
    for r in names:
        for rid, n in (rules[r].get("requests") or {}).items():
            totals[rid] = totals.get(rid, 0) + n
    top = sorted(totals, key=lambda rid: (-totals[rid], rid))[:TOP_REQUESTS]
    rows = max(len(names), len(top), 1)
    legend_h = 24 if names else 0
    w, split = 1000, 300  # the left panel is 300 pixels wide
    chart = Chart(w, int(60 + 20 * rows + 34 + legend_h + 8))
    bottom = 60 + 20 * rows
    chart.panel((0, 0, split, chart.height))
    chart.text(split / 2, 20, "Rule breaks per rule", TITLE, MIDDLE)
    chart.text(split / 2, 40, "iterations breaking each rule", LABEL, MIDDLE)
    _bars(
        chart,
        (8, 56, split - 8, bottom),
        [printable(r, 16) for r in names],
        [[(rules[r].get("iterations", 0), color[r])] for r in names],
        "iterations",
    )
    chart.panel((split, 0, w, chart.height))
    chart.text(
        (split + w) / 2,
        20,
        f"Rule breaks per request id (top {min(TOP_REQUESTS, len(totals))} of"
        f" {len(totals)})",
        TITLE,
        MIDDLE,
    )
    chart.text((split + w) / 2, 40, "each bar stacked by rule", LABEL, MIDDLE)
    _bars(
        chart,
        (split + 8, 56, w - 8, bottom),
        [_label(t) for t in top],
        [
            [((rules[r].get("requests") or {}).get(rid, 0), color[r]) for r in names]
            for rid in top
        ],
        "iterations breaking a rule in this request",
    )
    x: float = split + 8
    y = chart.height - 12
    for r in names:
        shown = printable(r, 16)
        if x + 16 + text_width(shown, TICK) > w - 8:
            break  # more rules than one row holds: the table under the plot has all
        chart.rect(x, y - 9, 10, 10, color[r])
        end = chart.text(x + 14, y, shown, TICK)
        x = end[2] + 14
    entry = {
        "title": "Rule breaks per rule and per request id",
        "caption": (
            "Iterations whose answer breaks each rule (rooted, budget, target,"
            " format, objective)."
        ),
    }
    return chart, entry


def gap_chart(data: dict[str, Any]) -> tuple[Chart, dict]:
    """The distribution of the gap to the optimum: iterations per relative-loss bucket,
    the exact count over each bar."""
    dist = (data.get("value_lost") or {}).get("distribution") or {}
    labels = [printable(str(k), 16) for k in dist]
    counts = [int(v) for v in dist.values()]
    w, h = 600, 300
    chart = Chart(w, h)
    chart.text(w / 2, 20, "Gap to the optimum", TITLE, MIDDLE)
    top = max(counts, default=0)
    yticks = nice_ticks(0, max(top * 1.2, 1), 5)
    yticks = [t for t in yticks if t == int(t)] if yticks[1] >= 1 else [0.0, 1.0]
    if yticks[-1] < top * 1.2:  # headroom for the count over the tallest bar
        yticks.append(yticks[-1] + (yticks[1] - yticks[0]))
    ylabels = tick_labels(yticks)
    left = 14 + max(text_width(s, TICK) for s in ylabels)
    chart.text(left, 44, "iterations", LABEL)
    box = (left, 56, w - 16, h - 54)
    _y_axis(chart, box, yticks, ylabels)
    chart.line(box[0], box[3], box[2], box[3], AXIS)
    chart.line(box[0], box[1], box[0], box[3], AXIS)
    slot = (box[2] - box[0]) / max(len(counts), 1)
    for i, (name, n) in enumerate(zip(labels, counts)):
        xc = box[0] + slot * (i + 0.5)
        bar = n / yticks[-1] * (box[3] - box[1])
        chart.rect(
            xc - slot * 0.7 / 2,
            box[3] - bar,
            slot * 0.7,
            bar,
            GREEN if i == 0 else ORANGE,
        )
        chart.text(xc, box[3] - bar - 4, str(n), TICK, MIDDLE)
        chart.text(xc, box[3] + 16, name, TICK, MIDDLE)
    chart.text(
        (box[0] + box[2]) / 2,
        h - 10,
        "value lost relative to the optimum",
        LABEL,
        MIDDLE,
    )
    entry = {
        "title": "Distribution of the gap to the optimum",
        "caption": (
            "Exact counts over every iteration with a feasible answer to a feasible"
            " instance."
        ),
    }
    return chart, entry


CHARTS = (
    ("value-lost", value_lost_chart),
    ("rule-breaks", rule_breaks_chart),
    ("gap", gap_chart),
)


def draw_audit_plots(run_dir: str, data: dict[str, Any]) -> list[dict]:
    """Write the plots into ``run_dir`` (``NAME.svg``, and ``NAME.png`` with Pillow);
    return ``[{title, png, svg, caption}]`` (``png`` None when none was written)."""
    out = []
    for name, make in CHARTS:
        chart, entry = make(data)
        with open(os.path.join(run_dir, name + ".svg"), "w", encoding="utf-8") as fh:
            fh.write(chart.svg())
        png = chart.png(os.path.join(run_dir, name + ".png"))
        out.append(
            {
                "title": entry["title"],
                "png": name + ".png" if png else None,
                "svg": name + ".svg",
                "caption": entry["caption"],
            }
        )
    return out

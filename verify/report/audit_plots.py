"""The plots of an audit (``python -m verify audit TRACE --report-dir DIR``), as PNG and
SVG.

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

matplotlib is imported only here, and this module only when a report
directory is asked for; figures are made without pyplot (no global state: the
plots may be drawn on a worker beside the reports' pictures).
"""

from __future__ import annotations

import os
from typing import Any

TOP_REQUESTS = 20
BINS = 500  # points of the value-lost plot: more than its width shows apart


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


def _numeric_times(points: list[list]) -> bool:
    return bool(points) and all(
        isinstance(p[1], (int, float)) and not isinstance(p[1], bool) for p in points
    )


def _label(rid: Any) -> str:
    """A request id as a tick label: control characters escaped (a trace's id may hold
    terminal escapes, which matplotlib would echo in a warning), 24 characters at most.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(rid))[:24]


def _save(fig, run_dir: str, name: str) -> tuple[str, str]:
    fig.tight_layout()  # the request ids' labels vary in width: measured, not guessed
    fig.savefig(os.path.join(run_dir, name + ".png"), dpi=100)
    fig.savefig(os.path.join(run_dir, name + ".svg"), format="svg")
    return name + ".png", name + ".svg"


def draw_audit_plots(run_dir: str, data: dict[str, Any]) -> list[dict]:
    """Write the plots into ``run_dir``; return ``[{title, png, svg, caption}]`` (empty
    without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams["svg.fonttype"] = "none"
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return []
    out = []
    series = data.get("series") or {}
    stride = series.get("stride", 1)
    per, points = binned(series.get("points") or [])
    lost = data.get("value_lost") or {}

    fig = Figure(figsize=(8, 3.2))
    ax = fig.subplots()
    by_time = _numeric_times(points)
    xs = [p[1] if by_time else p[0] for p in points]
    ys = [p[2] for p in points]
    ax.plot(xs, ys, linewidth=0.8, color="#2a6fdb")
    lossy = [(x, y) for x, y in zip(xs, ys) if y > 0]
    if lossy:
        ax.scatter(
            [x for x, _ in lossy],
            [y for _, y in lossy],
            s=9,
            color="#d0021b",
            zorder=3,
            label="a bin that lost value"
            if stride * per > 1
            else "an iteration that lost value",
        )
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_xlabel("time (the trace's 'time')" if by_time else "line of the trace")
    ax.set_ylabel("value lost (optimum − value)")
    ax.set_title(
        "Value lost per iteration"
        + (
            f" (binned: each point the largest of up to {stride * per} iterations)"
            if stride * per > 1
            else ""
        ),
        fontsize=10,
    )
    png, svg = _save(fig, run_dir, "value-lost")
    out.append(
        {
            "title": "Value lost per iteration",
            "png": png,
            "svg": svg,
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
    )

    rules = data.get("rules") or {}
    fig = Figure(figsize=(9, 3.4))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    names = list(rules)
    left.bar(
        range(len(names)), [rules[r]["iterations"] for r in names], color="#d0021b"
    )
    left.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    left.set_ylabel("iterations")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title("Rule breaks per rule", fontsize=10)
    totals: dict[str, int] = {}
    for r in names:
        for rid, n in (rules[r].get("requests") or {}).items():
            totals[rid] = totals.get(rid, 0) + n
    top = sorted(totals, key=lambda rid: (-totals[rid], rid))[:TOP_REQUESTS]
    bottom = [0] * len(top)
    for r in names:
        counts = [(rules[r].get("requests") or {}).get(rid, 0) for rid in top]
        right.barh(range(len(top)), counts, left=bottom, label=r)
        bottom = [a + b for a, b in zip(bottom, counts)]
    right.set_yticks(range(len(top)), [_label(t) for t in top], fontsize=7)
    right.invert_yaxis()
    right.set_xlabel("iterations breaking a rule in this request")
    right.set_title(
        f"Rule breaks per request id (top {min(TOP_REQUESTS, len(totals))} of"
        f" {len(totals)})",
        fontsize=10,
    )
    if names:
        right.legend(fontsize=8, frameon=False, loc="lower right")
    if not names:
        for ax in (left, right):
            ax.text(
                0.5,
                0.5,
                "no rule broken",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
    png, svg = _save(fig, run_dir, "rule-breaks")
    out.append(
        {
            "title": "Rule breaks per rule and per request id",
            "png": png,
            "svg": svg,
            "caption": (
                "Iterations whose answer breaks each rule (rooted, budget, target,"
                " format, objective)."
            ),
        }
    )

    dist = lost.get("distribution") or {}
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    labels = list(dist)
    ax.bar(
        range(len(labels)),
        [dist[k] for k in labels],
        color=["#8fd16a"] + ["#f6a945"] * (len(labels) - 1),
    )
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    for i, k in enumerate(labels):
        ax.annotate(str(dist[k]), (i, dist[k]), ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("value lost relative to the optimum")
    ax.set_ylabel("iterations")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Gap to the optimum", fontsize=10)
    ax.margins(y=0.15)
    png, svg = _save(fig, run_dir, "gap")
    out.append(
        {
            "title": "Distribution of the gap to the optimum",
            "png": png,
            "svg": svg,
            "caption": (
                "Exact counts over every iteration with a feasible answer to a feasible"
                " instance."
            ),
        }
    )
    return out

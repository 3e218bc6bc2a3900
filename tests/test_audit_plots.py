"""The audit's plots (verify/report/audit_plots.py, drawn by verify/report/chart.py):
no label leaves its panel or overlaps another, on ordinary and on hostile data (long
and non-ASCII request ids, huge times, tiny losses, many rules, nothing to plot); the
SVG file says what the chart placed; the PNG's text stays inside the boxes the layout
assumed (measured by Pillow with the same font); bars and points are where the
numbers put them.

tests/test_browser.py measures the same boxes in Chromium.
"""

from __future__ import annotations

import itertools

import pytest

from tests.common.svg_boxes import svg_text_boxes
from verify.report import audit_plots
from verify.report.chart import (
    ASCENT,
    DESCENT,
    DOT,
    RECT,
    Chart,
    font_path,
)

SVG = "{http://www.w3.org/2000/svg}"

ORDINARY = {
    "series": {
        "stride": 2,
        "points": [[i, i * 0.042, ((i * 37) % 11) / 40, 0.0] for i in range(1, 3001)],
    },
    "value_lost": {
        "iterations": 3000,
        "total": "1234/5",
        "distribution": {
            "0": 6996,
            "(0, 0.1%]": 0,
            "(0.1%, 1%]": 409,
            "(1%, 10%]": 174,
            "> 10%": 3,
        },
    },
    "rules": {
        "rooted": {"iterations": 1412, "requests": {"r0": 713, "r1": 699}},
        "target": {"iterations": 6, "requests": {"r0": 4, "r1": 2}},
    },
}

WIDE_ID = "request-\u4e2d\u6587-" + "x" * 40  # wide characters: escaped, then cut
ESCAPE_ID = "r\x1b[31mred\x1b[0m"
HOSTILE = {
    "series": {
        "stride": 1,
        # unix times near 1.7e9 with fractions, and losses of 1e-12
        "points": [[i, 1.7e9 + i * 0.001, (i % 3) * 1e-12, 0.0] for i in range(1, 40)],
    },
    "value_lost": {
        "iterations": 39,
        "total": "1/1000000000000",
        "distribution": {"0": 10**9, "(0, 0.1%]": 1, "(0.1%, 1%]": 123456789},
    },
    "rules": {
        **{
            name: {
                "iterations": 10**7 - i,
                "requests": {
                    **{f"req-{j:03d}-" + "y" * 30: 1000 - j for j in range(30)},
                    WIDE_ID: 5000,
                    ESCAPE_ID: 4000,
                },
            }
            for i, name in enumerate(
                ["rooted", "budget", "target", "format", "objective", "a-rule-" * 5]
            )
        }
    },
}

EMPTY: dict = {"series": {"stride": 1, "points": []}, "value_lost": {}, "rules": {}}
ONE_POINT = {
    "series": {"stride": 1, "points": [[7, None, 0.0, 0.0]]},
    "value_lost": {"iterations": 1, "distribution": {"0": 1}},
    "rules": {"budget": {"iterations": 1, "requests": {"only": 1}}},
}
CASES = {"ordinary": ORDINARY, "hostile": HOSTILE, "empty": EMPTY, "one": ONE_POINT}


def charts(data):
    return [(name, make(data)[0]) for name, make in audit_plots.CHARTS]


@pytest.mark.parametrize("case", CASES)
def test_no_label_leaves_its_panel_or_overlaps_another(case):
    for name, chart in charts(CASES[case]):
        assert chart.labels, name
        assert chart.problems() == [], (case, name)


def test_the_check_can_fail():
    c = Chart(200, 100)
    c.panel((0, 0, 100, 100))
    c.text(10, 50, "overlapping")
    c.text(20, 52, "labels")
    c.text(90, 80, "leaves its panel")
    assert c.problems() == [
        "'leaves its panel' leaves its panel",
        "'overlapping' overlaps 'labels'",
    ]


@pytest.mark.parametrize("case", CASES)
def test_the_svg_files_hold_the_placed_labels_inside_the_picture(tmp_path, case):
    plots = audit_plots.draw_audit_plots(str(tmp_path), CASES[case])
    assert [p["svg"] for p in plots] == ["value-lost.svg", "rule-breaks.svg", "gap.svg"]
    for p, (name, chart) in zip(plots, charts(CASES[case])):
        text = (tmp_path / p["svg"]).read_text(encoding="utf-8")
        (w, h), boxes = svg_text_boxes(text)
        assert (w, h) == (chart.width, chart.height)
        placed = [t.box for t in chart.labels]
        assert [pytest.approx(b, abs=0.01) for _, b in boxes] == placed
        for label, (x0, y0, x1, y1) in boxes:
            assert 0 <= x0 and x1 <= w and 0 <= y0 and y1 <= h, (name, label)
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
            apart = ba[2] <= bb[0] or bb[2] <= ba[0] or ba[3] <= bb[1] or bb[3] <= ba[1]
            assert apart, (name, a, b)
        assert ESCAPE_ID not in text and "\x1b" not in text  # no terminal escapes


def test_request_ids_are_shown_as_printable_ascii_of_bounded_width():
    chart = audit_plots.rule_breaks_chart(HOSTILE)[0]
    shown = [t.text for t in chart.labels]
    assert "request-\\u4e2d\\u6587-xxx" in shown  # 24 characters of the escaped id
    assert "r\\x1b[31mred\\x1b[0m" in shown
    assert all(t.isascii() and t.isprintable() for t in shown)


PIL = pytest.importorskip("PIL")


@pytest.mark.parametrize("case", ["ordinary", "hostile"])
def test_the_png_text_stays_inside_the_boxes_the_layout_assumed(tmp_path, case):
    from PIL import Image, ImageFont

    file = font_path()
    assert file is not None
    for name, chart in charts(CASES[case]):
        path = tmp_path / f"{name}.png"
        assert chart.png(str(path))
        with Image.open(path) as img:
            assert img.format == "PNG" and img.size == (chart.width, chart.height)
        for t in chart.labels:
            font = ImageFont.truetype(file, t.size)
            # the PNG draws each label from its box's left end, on its baseline
            ink = font.getbbox(t.text, anchor="ls")
            x0, y0, x1, y1 = t.box
            assert ink[0] + x0 >= x0 - 1 and ink[2] + x0 <= x1 + 1, (name, t.text)
            assert ink[1] + t.y >= y0 - 1 and ink[3] + t.y <= y1 + 1, (name, t.text)
            # the advance the layout assumes is at least the font's, by under 2 %
            assert 0.98 * (x1 - x0) <= font.getlength(t.text) <= x1 - x0
    assert ASCENT > DESCENT > 0


def test_bars_and_points_are_where_the_numbers_put_them():
    # rule-breaks, left panel: bar lengths in proportion to the iterations per rule
    chart = audit_plots.rule_breaks_chart(ORDINARY)[0]
    left = [s for s in chart.shapes if s[0] == RECT and s[1] < 300]
    assert len(left) == 2 and left[0][3] / left[1][3] == pytest.approx(1412 / 6)
    shown = {t.text for t in chart.labels}
    assert {"1412", "6", "717", "701", "rooted", "target", "r0", "r1"} <= shown
    # right panel: r0's stack is rooted 713 then target 4, r1's 699 then 2
    right = [s for s in chart.shapes if s[0] == RECT and s[1] > 300 and s[4] > 10]
    widths = [s[3] for s in right]
    assert widths[1] / widths[0] == pytest.approx(4 / 713)
    assert widths[2] / widths[0] == pytest.approx(699 / 713)
    # gap: bar heights in proportion to the counts, each count over its bar
    chart = audit_plots.gap_chart(ORDINARY)[0]
    bars = [s for s in chart.shapes if s[0] == RECT and s[5] != "#ffffff"]
    assert bars[2][4] / bars[0][4] == pytest.approx(409 / 6996)
    over = {(round(t.x, 6), round(t.y, 6)): t.text for t in chart.labels}
    assert [over[(round(b[1] + b[3] / 2, 6), round(b[2] - 4, 6))] for b in bars] == [
        "6996",
        "0",
        "409",
        "174",
        "3",
    ]
    # value lost: the highest red dot is the largest loss, at its line
    data = {
        "series": {"stride": 1, "points": [[i, None, 0.0, 0.0] for i in range(1, 101)]},
        "value_lost": {},
        "rules": {},
    }
    data["series"]["points"][41][2] = 2.5
    chart = audit_plots.value_lost_chart(data)[0]
    dots = [s for s in chart.shapes if s[0] == DOT and s[3] < 3]
    assert len(dots) == 1  # only line 42 lost value
    ticks = {t.text: t.x for t in chart.labels if t.text in ("0", "20", "40", "60")}
    assert dots[0][1] == pytest.approx(ticks["40"] + (ticks["60"] - ticks["40"]) / 10)


# the literal constants of verify/report/audit_plots.py when it drew with matplotlib
# (bbefe65), as Hypothesis collects them
BEFORE = [
    0.15,
    0.5,
    0.8,
    3.2,
    3.4,
    100,
    500,
    "#2a6fdb",
    "#8fd16a",
    "#d0021b",
    "#f6a945",
]
BEFORE += [
    ".png",
    ".svg",
    "Agg",
    "Gap to the optimum",
    "Rule breaks per rule",
    "bottom",
]
BEFORE += [
    "caption",
    "center",
    "distribution",
    "gap",
    "iterations",
    "line of the trace",
]
BEFORE += [
    "lower right",
    "no rule broken",
    "none",
    "png",
    "points",
    "requests",
    "right",
]
BEFORE += ["rule-breaks", "rules", "series", "stride", "svg", "svg.fonttype", "title"]
BEFORE += ["upper right", "value-lost", "value_lost", "width_ratios"]


def test_the_plots_leave_hypothesis_pool_of_constants_as_it_was():
    # Hypothesis draws the literal constants of every imported project module
    # (verify/run/imports.py): with chart.py, and audit_plots.py drawing by hand, the
    # pool must be the one the matplotlib plots left, or the suite's seeds would draw
    # other cases than before
    constants_ast = pytest.importorskip("hypothesis.internal.constants_ast")
    import sys

    from verify.report import chart
    from verify.run.imports import settle

    settle()
    mine = {audit_plots.__name__, chart.__name__}
    others: set = set()
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name not in mine and path and constants_ast.is_local_module_file(path):
            others |= set(constants_ast.constants_from_module(module))
    now = set(constants_ast.constants_from_module(audit_plots))
    now |= set(constants_ast.constants_from_module(chart))
    assert sorted(map(repr, now - others)) == sorted(map(repr, set(BEFORE) - others))

"""The counterexample picture (verify/report/picture.py, drawn by hand with
verify/report/chart.py): text stays inside its panel and never overlaps other text, a
node's label stays inside its circle, exact values are in the picture where rounding
would hide them, an SVG is written beside the PNG, and the module leaves Hypothesis's
pool of constants as the matplotlib picture left it.

The layout is measured, not looked at: every text's box is known from the monospace
font's advance (the chart places it), checked against the SVG file, against Pillow's
measurement of the PNG's text, and (tests/test_browser.py) against Chromium's.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from solver.parse import parse_instance
from tests.common.svg_boxes import svg_text_boxes
from verify.report.chart import CIRCLE, Chart, font_path, text_box
from verify.report.picture import (
    LABEL,
    PNG_SCALE,
    chart,
    draw,
    svg_path,
    svg_text,
)

SVG = "{http://www.w3.org/2000/svg}"
LONG = parse_instance(
    {
        "budget": 2,
        "requests": [
            {
                "id": "request-with-a-long-name",
                "target": "999999999999/1000000000000",
                "parent": [-1, 0, 0, 1],
                "prob": [
                    "1",
                    "999999999999/1000000000000",
                    "1/3",
                    "123456789/987654321",
                ],
            },
            {
                "id": "b",
                "target": "1234567/1000000",
                "parent": [-1, 0, 0],
                "prob": ["1", "67108863/134217728", "1/2"],
            },
        ],
    }
)
MERGE = {
    "kind": "merge",
    "format": "float32",
    "text": (
        "request 'b' node 1 (f = 67108863/134217728) and request 'b' node 2 (f = 1/2)"
        " differ exactly but are equal after rounding to float32 (both 0.5): the solver"
        " took node 1, the smaller, and left node 2"
    ),
}
TITLE = (
    "LEM-C2 (Lemma C.2): objective 201326591/134217728 < optimum 268435455/134217728\n"
    "budget 2 (roots free)\ncause: " + MERGE["text"]
)


def _long_chart(**kw) -> Chart:
    return chart(
        LONG,
        {"request-with-a-long-name": [0, 2, 3], "b": [0, 1]},
        {"request-with-a-long-name": [0, 1], "b": [0, 1, 2]},
        title=TITLE,
        causes=[MERGE],
        request_notes={
            "b": "target: reaches 201326591/134217728 < target 1234567/1000000"
        },
        **kw,
    )


def _hostile_instance():
    # a wide tree of tiny probabilities, a deep path, ids with escapes, wide
    # characters and 300 characters, fractions of hundreds of digits
    wide = 40
    deep = 30
    huge = f"1/{3**400}"
    return parse_instance(
        {
            "budget": 5,
            "requests": [
                {
                    "id": "r\x1b[31mred\x1b[0m-\u4e2d\u6587",
                    "target": huge,
                    "parent": [-1] + [0] * wide,
                    "prob": ["1"] + [f"1/{3**k + 7}" for k in range(wide)],
                },
                {
                    "id": "x" * 300,
                    "target": "7/3",
                    "parent": list(range(-1, deep)),
                    "prob": ["1"] + [f"1/{k + 2}" for k in range(deep)],
                },
            ],
        },
        allow_nonmonotone=True,
    )


def _hostile_chart() -> Chart:
    inst = _hostile_instance()
    a, b = (r.id for r in inst.requests)
    return chart(
        inst,
        {a: [0, 1, 5, 99], b: [0, 3, 4]},  # node 99 does not exist; 3 is an orphan
        {a: list(range(10)), b: [0, 1]},
        title="t" * 2000 + "\n" + "\x07 escaped",
        offending={b: {3}, a: {99}},
        beyond={a: {5}},
        request_notes={b: "format: " + "y" * 500},
        causes=[{"kind": "tie", "text": f"request {a!r} node 3 and node 4"}],
    )


CASES = {
    "long fractions, two requests": _long_chart,
    "hostile": _hostile_chart,
    "no requests": lambda: chart(
        parse_instance({"budget": 0, "requests": []}), None, None, title="nothing"
    ),
    "no answers": lambda: chart(
        LONG, None, None, title="t", solver_note="no answer: crashed"
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_no_text_leaves_its_panel_or_overlaps_another(case):
    c = CASES[case]()
    assert len(c.labels) > 3
    assert c.problems() == []
    assert all(t.text.isascii() and t.text.isprintable() for t in c.labels)


def _node_labels(c: Chart):
    """(label, the circle it is drawn in) for every node label."""
    nodes = [s for s in c.shapes if s[0] == CIRCLE and s[4] is not None]
    out = []
    for t in c.labels:
        if t.size != LABEL:
            continue
        (circle,) = [s for s in nodes if s[1] == t.x and abs(s[2] - t.y) < s[3]]
        out.append((t, circle))
    return out


NODES = {
    "long fractions, two requests": len(LONG.requests[0].tree) + 3,
    "hostile": 41 + 31,
    "no requests": 0,
    "no answers": len(LONG.requests[0].tree) + 3,
}


@pytest.mark.parametrize("case", CASES)
def test_a_node_label_stays_inside_its_circle(case):
    c = CASES[case]()
    labels = _node_labels(c)
    assert len(labels) == 2 * 2 * NODES[case]  # two lines, two panels
    for t, (_, x, y, r, *_) in labels:
        x0, y0, x1, y1 = t.box
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        assert all(math.hypot(cx - x, cy - y) <= r for cx, cy in corners), t.text


def test_the_measure_sees_an_overlap_a_text_outside_and_a_label_outside_its_node():
    c = _long_chart()
    first = c.labels[0]
    c.text(first.x, first.y, first.text, first.size, 1 / 2)  # on the title
    c.text(c.width - 5, c.height / 2, "x" * 20)  # leaves the picture
    problems = c.problems()
    assert any(p.endswith("leaves its panel") for p in problems)
    assert any(" overlaps " in p for p in problems)
    # a node label one character too wide for its circle
    (t, circle), *_ = _node_labels(_long_chart())
    wide = text_box(t.x, t.y, "#" * 40, t.size, 1 / 2)
    assert math.hypot(wide[2] - circle[1], wide[1] - circle[2]) > circle[3]


def test_a_precision_finding_shows_exact_and_rounded_values():
    c = _long_chart()
    texts = [t.text for t in c.labels]
    # both nodes the merge names: exact f and the float32 value they both round to
    assert (
        "[1] request 'b' node 1: f = 67108863/134217728 exactly; 0.5 in float32"
        in texts
    )
    assert "[2] request 'b' node 2: f = 1/2 exactly; 0.5 in float32" in texts
    # 1 - 10^-12 is drawn as ~1 in its node, and given exactly in the table
    i = texts.index("#1 [3]")
    assert texts[i + 1] == "~1"
    assert (
        "[3] request 'request-with-a-long-name' node 1: f = 999999999999/1000000000000"
        " exactly" in texts
    )
    assert any("target ~1 [5]" in t for t in texts)
    assert any("target = 999999999999/1000000000000" in t for t in texts)


def _svg_boxes(svg: str):
    size, labelled = svg_text_boxes(svg)
    return size, [box for _, box in labelled]


def test_draw_writes_png_and_svg_of_the_same_drawing(tmp_path):
    from PIL import Image

    kw = dict(title="t", causes=[MERGE])
    path = draw(str(tmp_path / "tree.png"), LONG, {"b": [0, 1]}, {"b": [0, 2]}, **kw)
    c = chart(LONG, {"b": [0, 1]}, {"b": [0, 2]}, **kw)
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as img:
        assert img.size == (PNG_SCALE * c.width, PNG_SCALE * c.height)
    svg = Path(svg_path(path)).read_text(encoding="utf-8")
    assert svg == c.svg() == svg_text(LONG, {"b": [0, 1]}, {"b": [0, 2]}, **kw)
    assert "67108863/134217728" in svg  # text kept as text
    (w, h), boxes = _svg_boxes(svg)
    assert (w, h) == (c.width, c.height)
    assert [pytest.approx(b, abs=0.01) for b in boxes] == [t.box for t in c.labels]
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_the_svg_of_a_hostile_case_has_no_escape_and_parses(tmp_path):
    svg = _hostile_chart().svg()
    assert "\x1b" not in svg and "\x07" not in svg
    (w, h), boxes = _svg_boxes(svg)
    assert all(0 <= b[0] and b[2] <= w and 0 <= b[1] and b[3] <= h for b in boxes)


def test_the_png_text_stays_inside_the_boxes_the_layout_assumed(tmp_path):
    from PIL import ImageFont

    file = font_path()
    assert file is not None
    for make in (_long_chart, _hostile_chart):
        c = make()
        for t in c.labels:
            font = ImageFont.truetype(file, t.size * PNG_SCALE)
            ink = font.getbbox(t.text, anchor="ls")
            x0, y0, x1, y1 = (v * PNG_SCALE for v in t.box)
            base = t.y * PNG_SCALE
            assert ink[0] + x0 >= x0 - 1 and ink[2] + x0 <= x1 + 1, t.text
            assert ink[1] + base >= y0 - 1 and ink[3] + base <= y1 + 1, t.text
            assert font.getlength(t.text) <= x1 - x0


# the literal constants of verify/report/picture.py when it drew with matplotlib
# (c1d6d61), as Hypothesis collects them
BEFORE = [
    *(0.0, 0.02, 0.1, 0.15, 0.17, 0.19, 0.2, 0.3, 0.5, 0.6, 0.7, 0.75, 1.0, 1.1),
    *(1.2, 1.3, 1.5, 1.6, 2.4, 2.5, 3.5, 3.6, 4.2, 7.5, 10.5, 110, 1250, 1900),
    *("#2a6fdb", "#333333", "#444444", "#7b2cbf", "#8fd16a", "#bbbbbb", "#d0021b"),
    *("#f6a945", "#ffffff", "--", ".svg", "Agg", "Date", "adaserve-verify"),
    *("beyond the budget", "black", "breaks a rule", "center", "dashed"),
    *("exact values:\n", "format", "height_ratios", "left", "lower center"),
    *("monospace", "no requests", "no selection", "nodes", "none", "not selected"),
    *("o", "optimal", "request", "solver", "svg", "svg.fonttype", "svg.hashsalt"),
    *("target", "text", "top"),
]


def test_the_picture_leaves_hypothesis_pool_of_constants_as_it_was():
    # Hypothesis draws the literal constants of every imported project module
    # (verify/run/imports.py): drawn by hand, the picture must leave the pool the
    # matplotlib picture left, or the suite's seeds would draw other cases
    constants_ast = pytest.importorskip("hypothesis.internal.constants_ast")
    import sys

    from verify.report import picture
    from verify.run.imports import settle

    settle()
    # every project module imported, whatever this process ran before: the pool of
    # the other modules must not depend on the order tests run in
    import importlib
    import pkgutil

    import solver
    import verify

    for pkg in (solver, verify):
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    others: set = set()
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (
            name != picture.__name__
            and path
            and constants_ast.is_local_module_file(path)
        ):
            others |= set(constants_ast.constants_from_module(module))
    now = set(constants_ast.constants_from_module(picture))
    assert sorted(map(repr, now - others)) == sorted(map(repr, set(BEFORE) - others))


def test_a_large_picture_is_rasterised_within_the_pixel_budget(tmp_path, monkeypatch):
    # the audit draws up to 400 nodes: a star of 399 leaves is 60,000 pixels wide; its
    # PNG is rasterised smaller so that it stays within MAX_PNG_PIXELS (memory bounded),
    # while the SVG keeps the whole drawing
    from PIL import Image

    from verify.report import picture

    star = parse_instance(
        {
            "budget": 3,
            "requests": [
                {
                    "id": "star",
                    "target": "1",
                    "parent": [-1] + [0] * 399,
                    "prob": ["1"] + [f"1/{k + 2}" for k in range(399)],
                }
            ],
        }
    )
    monkeypatch.setattr(picture, "MAX_PNG_PIXELS", 4 * 10**6)
    c = chart(star, {"star": [0, 1]}, {"star": [0, 1, 2, 3]}, title="star")
    assert c.problems() == [] and c.width * c.height * 4 > 8 * 10**6
    path = draw(
        str(tmp_path / "t.png"),
        star,
        {"star": [0, 1]},
        {"star": [0, 1, 2, 3]},
        title="star",
    )
    with Image.open(path) as img:
        w, h = img.size
    assert w * h <= 4 * 10**6 and w / h == pytest.approx(c.width / c.height, rel=0.01)
    assert Path(svg_path(path)).read_text(encoding="utf-8") == c.svg()

"""The counterexample picture (verify/report/picture.py): text stays inside its panel
and never overlaps other text, exact values are in the picture where rounding would hide
them, and an SVG is written beside the PNG.

The layout is measured, not looked at: every text artist's bounding box (matplotlib's
renderer, the same one that writes the PNG) is compared with its axes' and with every
other text's.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from solver.parse import parse_instance
from verify.report.picture import draw, figure, svg_path

pytest.importorskip("matplotlib")

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


def _texts(fig):
    """(text artist, its axes or None) for every visible non-empty text of the
    figure."""
    out = [(t, None) for t in fig.texts]  # the suptitle is one of them
    for leg in fig.legends:
        out += [(t, None) for t in leg.get_texts()]
    for ax in fig.axes:
        out += [(t, ax) for t in ax.texts]
        out += [(t, None) for t in (ax.title, ax._left_title, ax._right_title)]
    assert any(t is fig._suptitle for t, _ in out)
    return [(t, ax) for t, ax in out if t.get_visible() and t.get_text().strip()]


def layout_problems(fig) -> list[str]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    whole = fig.bbox
    boxes = []
    problems = []
    for t, ax in _texts(fig):
        box = t.get_window_extent(renderer)
        inside = ax.get_window_extent(renderer) if ax is not None else whole
        if not (
            box.x0 >= inside.x0 - 0.5
            and box.x1 <= inside.x1 + 0.5
            and box.y0 >= inside.y0 - 0.5
            and box.y1 <= inside.y1 + 0.5
        ):
            problems.append(
                f"outside its {'axes' if ax is not None else 'figure'}:"
                f" {t.get_text()!r}"
            )
        boxes.append((t.get_text(), box))
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        if ba.overlaps(bb):
            problems.append(f"overlap: {a!r} and {b!r}")
    return problems


def _long_figure(**kw):
    return figure(
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


def test_two_requests_with_long_fractions_keep_every_label_inside_and_apart():
    import matplotlib.pyplot as plt

    fig = _long_figure()
    try:
        assert layout_problems(fig) == []
    finally:
        plt.close(fig)


def test_the_measure_sees_an_overlap_and_a_label_outside():
    import matplotlib.pyplot as plt

    fig = _long_figure()
    try:
        ax = fig.axes[0]
        ax.text(0.5, 0.5, "x" * 200, transform=ax.transAxes)  # leaves its axes
        fig.text(
            0.5, 0.99, fig._suptitle.get_text(), ha="center", va="top"
        )  # on the suptitle
        problems = layout_problems(fig)
        assert any(p.startswith("outside its axes") for p in problems)
        assert any(p.startswith("overlap") for p in problems)
    finally:
        plt.close(fig)


def test_a_precision_finding_shows_exact_and_rounded_values():
    import matplotlib.pyplot as plt

    fig = _long_figure()
    try:
        text = "\n".join(t.get_text() for t, _ in _texts(fig))
    finally:
        plt.close(fig)
    # both nodes the merge names: exact f and the float32 value they both round to
    assert (
        "[1] request 'b' node 1: f = 67108863/134217728 exactly; 0.5 in float32" in text
    )
    assert "[2] request 'b' node 2: f = 1/2 exactly; 0.5 in float32" in text
    # 1 - 10^-12 is drawn as ~1 in its node, and given exactly in the table
    assert "#1 [3]\n~1" in text
    assert (
        "[3] request 'request-with-a-long-name' node 1: f = 999999999999/1000000000000"
        in text
    )
    assert "target ~1 [5]" in text and "target = 999999999999/1000000000000" in text


def test_draw_writes_png_and_svg(tmp_path):
    path = draw(
        str(tmp_path / "tree.png"),
        LONG,
        {"b": [0, 1]},
        {"b": [0, 2]},
        title="t",
        causes=[MERGE],
    )
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = Path(svg_path(path)).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "67108863/134217728" in svg  # text kept as text

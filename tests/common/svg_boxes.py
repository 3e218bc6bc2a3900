"""The text boxes of an SVG written by :class:`verify.report.chart.Chart`, read back
from the file the way a viewer places them (tests of the tree picture and the
audit plots)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from verify.report.chart import START, text_box

SVG = "{http://www.w3.org/2000/svg}"


def svg_text_boxes(svg: str):
    """``((width, height), [(text, box), ...])``; the viewBox must be the size."""
    root = ET.fromstring(svg)
    w, h = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    boxes = [
        (
            t.text,
            text_box(
                float(t.get("x")),
                float(t.get("y")),
                t.text or "",
                float(t.get("font-size")),
                START,  # every label is written start-anchored at its box
            ),
        )
        for t in root.iter(SVG + "text")
    ]
    return (w, h), boxes

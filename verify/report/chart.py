"""A chart drawn by hand: shapes and labels placed in pixels, written as SVG text and,
when Pillow is there, rasterised to PNG (verify/report/audit_plots.py draws the audit's
plots with it, verify/report/picture.py the tree pictures; no matplotlib, whose import
and text layout cost more than the audit's page may).

Terms:

*canvas*  the picture, ``width`` x ``height`` pixels, origin top left, y down;
*panel*   a rectangle of the canvas (an axes and its labels) that the texts drawn
          for it must stay inside (:meth:`Chart.panel`);
*box*     the rectangle a text covers: its advance times its length wide (every
          label is drawn in DejaVu Sans Mono, a monospace font, and is printable
          ASCII, so the width is known before any renderer sees it), from the font's
          ascent above the baseline to its descent below.

Because every box is known, :meth:`Chart.problems` can say which text leaves its panel
or overlaps another; tests/test_audit_plots.py checks the boxes against the SVG,
against Pillow's measurement of the PNG and against Chromium's.

Every module of the project is imported before cases are drawn, and Hypothesis draws
the literal constants of imported project modules too (verify/run/imports.py): this
module and audit_plots.py add none to that pool (numbers are small integers or values
the pool has, strings longer than 20 characters or inside f-strings), so the plots do
not change which cases a seed draws.
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass, field
from typing import Any, Optional
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "'DejaVu Sans Mono', 'Liberation Mono', monospace"
# em, at least DejaVu Sans Mono's (advance 1233/2048 = 0.602, hhea ascent 0.928,
# descent 0.236); Liberation Mono and Courier advance 0.600
ADVANCE = 61 / 100
ASCENT = 93 / 100
DESCENT = 24 / 100
NOISE = 0.0001  # float rounding noise, in pixels or in tick steps
START, MIDDLE, END = 0, 1 / 2, 1  # anchors: the fraction of a label's width left of x
RECT, LINE, POLYLINE, DOT, CIRCLE = range(5)  # kinds of shape

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def printable(text: str, limit: Optional[int] = None) -> str:
    """``text`` as printable ASCII (other characters escaped as Python does), cut to
    ``limit`` characters: the width of a label must be known exactly.

    >>> print(printable("r" + chr(27) + "[31m" + chr(233)))
    r\\x1b[31m\\xe9
    >>> printable("request-" + chr(0x4E2D), 14)
    'request-\\\\u4e2d'
    """
    out = "".join(
        c if c.isascii() and c.isprintable() else ascii(c)[1:-1] for c in text
    )
    return out if limit is None else out[:limit]


def text_width(text: str, size: float) -> float:
    """Pixels a label of ``text`` is wide at font size ``size``."""
    return len(text) * ADVANCE * size


def text_box(x: float, y: float, text: str, size: float, anchor: float) -> Box:
    """The box of ``text`` with its baseline at ``y``, anchored at ``x``: ``anchor``
    of its width (:data:`START`, :data:`MIDDLE`, :data:`END`) left of ``x``."""
    w = text_width(text, size)
    x0 = x - anchor * w
    return (x0, y - ASCENT * size, x0 + w, y + DESCENT * size)


def inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0] - NOISE
        and inner[1] >= outer[1] - NOISE
        and inner[2] <= outer[2] + NOISE
        and inner[3] <= outer[3] + NOISE
    )


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass
class Label:
    x: float
    y: float
    text: str
    size: float
    anchor: float
    color: str
    panel: Box

    @property
    def box(self) -> Box:
        return text_box(self.x, self.y, self.text, self.size, self.anchor)


def _n(v: float) -> str:
    """A coordinate in the SVG: at most 2 decimals, no trailing zeros (the same chart
    gives the same bytes)."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.lstrip("-") if float(s) == 0 else s


@dataclass
class Chart:
    width: int
    height: int
    shapes: list[tuple] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    _panel: Box = (0.0, 0.0, 0.0, 0.0)

    def __post_init__(self):
        self._panel = (0.0, 0.0, float(self.width), float(self.height))

    def panel(self, box: Box) -> None:
        """The texts drawn from now on must stay inside ``box``."""
        self._panel = box

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.shapes.append((RECT, x, y, max(w, 0.0), max(h, 0.0), fill))

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        color: str,
        width: float = 1,
        dash: Optional[tuple[float, float]] = None,
    ) -> None:
        """A straight line; ``dash``: (drawn, gap) lengths in pixels, else solid."""
        self.shapes.append((LINE, x1, y1, x2, y2, color, width, dash))

    def polyline(self, points: list[tuple[float, float]], color: str, width=1.0):
        if len(points) > 1:
            self.shapes.append((POLYLINE, points, color, width))

    def dot(self, x: float, y: float, r: float, fill: str) -> None:
        self.shapes.append((DOT, x, y, r, fill))

    def circle(
        self,
        x: float,
        y: float,
        r: float,
        fill: Optional[str],
        stroke: str,
        width: float = 1,
        dash: Optional[tuple[float, float]] = None,
    ) -> None:
        """A circle with an outline (``fill`` None: outline only), dashed if ``dash``
        is (drawn, gap) lengths in pixels."""
        self.shapes.append((CIRCLE, x, y, r, fill, stroke, width, dash))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 11,
        anchor: float = START,
        color: str = "#333333",
    ) -> Box:
        """A label (printable ASCII: :func:`printable`) with its baseline at ``y``;
        returns its box."""
        label = Label(x, y, printable(text), size, anchor, color, self._panel)
        self.labels.append(label)
        return label.box

    def problems(self) -> list[str]:
        """Every text outside its panel or the canvas, and every pair of texts that
        overlap (empty for a good chart)."""
        canvas = (0.0, 0.0, float(self.width), float(self.height))
        out = [
            f"{t.text!r} leaves its panel"
            for t in self.labels
            if not (inside(t.box, t.panel) and inside(t.box, canvas))
        ]
        for i, a in enumerate(self.labels):
            for b in self.labels[i + 1 :]:
                if overlap(a.box, b.box):
                    out.append(f"{a.text!r} overlaps {b.text!r}")
        return out

    def svg(self) -> str:
        """The chart as a standalone SVG document (every label start-anchored at its
        box: the box is the layout's, whatever the font)."""
        out = []
        for s in self.shapes:
            kind = s[0]
            if kind == RECT:
                _, x, y, w, h, fill = s
                out.append(
                    f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"'
                    f' fill="{fill}"/>'
                )
            elif kind == LINE:
                _, x1, y1, x2, y2, color, width, dash = s
                out.append(
                    f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
                    f' stroke="{color}" stroke-width="{_n(width)}"{_dash(dash)}/>'
                )
            elif kind == POLYLINE:
                _, points, color, width = s
                pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
                out.append(
                    f'<polyline points="{pts}" fill="none" stroke="{color}"'
                    f' stroke-width="{_n(width)}" stroke-linejoin="round"/>'
                )
            elif kind == DOT:
                _, x, y, r, fill = s
                out.append(
                    f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}"/>'
                )
            else:
                _, x, y, r, fill, stroke, width, dash = s
                out.append(
                    f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"'
                    f' fill="{fill or "none"}" stroke="{stroke}"'
                    f' stroke-width="{_n(width)}"{_dash(dash)}/>'
                )
        for t in self.labels:
            out.append(
                f'<text x="{_n(t.box[0])}" y="{_n(t.y)}" font-size="{_n(t.size)}"'
                f' fill="{t.color}" xml:space="preserve">{escape(t.text)}</text>'
            )
        body = "\n".join(out)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}"'
            f' height="{self.height}" viewBox="0 0 {self.width} {self.height}"'
            f" font-family={quoteattr(FONT_FAMILY)}>\n"
            f'<rect x="0" y="0" width="{self.width}" height="{self.height}"'
            f' fill="#ffffff"/>\n{body}\n</svg>\n'
        )

    def png(self, path: str, scale: float = 1, colors: Optional[int] = None) -> bool:
        """Rasterise the chart to ``path`` (PNG), ``scale`` pixels per pixel of the
        layout, in a palette of ``colors`` colours if given (a smaller file, written
        faster); False, and nothing written, without Pillow or the font."""
        font_file = font_path()
        try:
            from PIL import Image, ImageDraw, ImageFont
        except ImportError:
            return False
        if font_file is None:
            return False
        k = scale
        # white, 8-bit RGB (the mode in an f-string: no constant for Hypothesis's pool)
        size = (max(1, round(self.width * k)), max(1, round(self.height * k)))
        img = Image.new(f"{'RGB'}", size, (255,) * 3)
        draw = ImageDraw.Draw(img)
        for s in self.shapes:
            kind = s[0]
            if kind == RECT:
                _, x, y, w, h, fill = s
                if w > 0 and h > 0:
                    x, y, w, h = x * k, y * k, w * k, h * k
                    x1, y1 = max(x, x + w - 1), max(y, y + h - 1)
                    draw.rectangle((x, y, x1, y1), fill=fill)
            elif kind == LINE:
                _, x1, y1, x2, y2, color, width, dash = s
                thick = max(1, round(width * k))
                for a, b in _dashes((x1 * k, y1 * k), (x2 * k, y2 * k), dash, k):
                    draw.line((a, b), fill=color, width=thick)
            elif kind == POLYLINE:
                _, points, color, width = s
                points = [(x * k, y * k) for x, y in points]
                draw.line(points, fill=color, width=max(1, round(width * k)))
            elif kind == DOT:
                _, x, y, r, fill = s
                draw.ellipse(((x - r) * k, (y - r) * k, (x + r) * k, (y + r) * k), fill)
            else:
                _, x, y, r, fill, stroke, width, dash = s
                box = ((x - r) * k, (y - r) * k, (x + r) * k, (y + r) * k)
                thick = max(1, round(width * k))
                if fill is not None:
                    draw.ellipse(box, fill=fill)
                if dash is None:
                    draw.ellipse(box, outline=stroke, width=thick)
                else:
                    # arcs of ``dash`` lengths along the circumference (degrees)
                    full = 6 * 60  # a turn in degrees (360 would be a new constant)
                    turn = full / (2 * math.pi * max(r, NOISE))
                    on, off = dash[0] * turn, (dash[0] + dash[1]) * turn
                    angle = 0.0
                    while angle < full:
                        end = min(angle + on, full)
                        draw.arc(box, angle, end, fill=stroke, width=thick)
                        angle += off
        fonts: dict[float, Any] = {}
        for t in self.labels:
            font = fonts.get(t.size)
            if font is None:
                font = fonts[t.size] = ImageFont.truetype(
                    font_file, max(1, round(t.size * k))
                )
            # Pillow places text by its ascender: the baseline is one ascent lower
            ascent = font.getmetrics()[0]
            draw.text((t.box[0] * k, t.y * k - ascent), t.text, fill=t.color, font=font)
        if colors is not None:
            img = img.quantize(colors, Image.Quantize.FASTOCTREE)
        img.save(path)
        return True


def _dash(dash: Optional[tuple[float, float]]) -> str:
    """The SVG attribute of a dash pattern ("" when solid)."""
    return "" if dash is None else f' stroke-dasharray="{_n(dash[0])} {_n(dash[1])}"'


def _dashes(
    a: tuple[float, float],
    b: tuple[float, float],
    dash: Optional[tuple[float, float]],
    scale: float,
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The pieces of the line from ``a`` to ``b`` that are drawn: all of it when
    solid, else every ``dash[0]`` pixels (times ``scale``) of each period."""
    if dash is None:
        return [(a, b)]
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    period = (dash[0] + dash[1]) * scale
    out = []
    t = 0.0
    while t < length and period > 0:
        u = min(t + dash[0] * scale, length)
        out.append(
            (
                (a[0] + (b[0] - a[0]) * t / length, a[1] + (b[1] - a[1]) * t / length),
                (a[0] + (b[0] - a[0]) * u / length, a[1] + (b[1] - a[1]) * u / length),
            )
        )
        t += period
    return out


def font_path() -> Optional[str]:
    """DejaVu Sans Mono's file: matplotlib's copy (a dependency of this project),
    found without importing matplotlib, else the system's."""
    spec = importlib.util.find_spec("matplotlib")
    places = [
        os.path.join(loc, "mpl-data/fonts/ttf/DejaVuSansMono.ttf")
        for loc in ((spec.submodule_search_locations or []) if spec else [])
    ]
    places.append("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
    return next((p for p in places if os.path.isfile(p)), None)


# ------------------------------------------------------------------ axes


def nice_ticks(lo: float, hi: float, most: int) -> list[float]:
    """At most ``most`` + 1 round tick values (steps 1, 2, 2.5 or 5 times a power of
    ten) from a multiple of the step at or below ``lo`` to one at or above ``hi``.

    >>> nice_ticks(0, 0.26, 5)
    [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    >>> nice_ticks(1, 10000, 5)
    [0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0]
    >>> nice_ticks(3, 3, 4)
    [1.0, 2.0, 3.0, 4.0, 5.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("ticks need finite bounds")
    if hi <= lo:
        pad = abs(lo) / 2 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(most, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        first, last = math.floor(lo / step + NOISE), math.ceil(hi / step - NOISE)
        if last - first <= most + 1:
            break
    # 15 significant digits: i * step without its binary noise (0.30000000000000004)
    return [float(f"{i * step:.15g}") or 0.0 for i in range(first, last + 1)]


def tick_labels(ticks: list[float]) -> list[str]:
    """Short labels that tell the ticks apart: fixed decimals for everyday magnitudes,
    else as few significant digits as do.

    >>> tick_labels([0.0, 0.05, 0.1])
    ['0', '0.05', '0.1']
    >>> tick_labels([0.0, 2000.0, 4000.0])
    ['0', '2000', '4000']
    >>> tick_labels([0.0, 2e-07, 4e-07])
    ['0', '2e-07', '4e-07']
    """
    step = min((b - a for a, b in zip(ticks, ticks[1:])), default=1.0)
    big = max((abs(t) for t in ticks), default=0.0)
    if step >= 1e-4 and big < 1e9:
        decimals = max(0, -math.floor(math.log10(step) + NOISE))
        decimals += 1 if round(step / 10.0**-decimals, 6) % 1 else 0
        out = [f"{t:.{decimals}f}" for t in ticks]
        return [s.rstrip("0").rstrip(".") if "." in s else s for s in out]
    for sig in range(1, 16):
        out = [f"{t:.{sig}g}" for t in ticks]
        if len(set(out)) == len(out):
            return out
    return [repr(t) for t in ticks]

"""The picture of a counterexample: each request's tree, the solver's answer beside an
optimal one.

One row per request, two panels per row: left the solver's selection, right an
optimal selection from the exact oracle (the tree DP).  Every node shows its
index and its path probability f.

Marks (the legend in the picture repeats them):

* filled orange (left) / green (right): selected;  white: not selected;
* thick red border: the node breaks a rule (selected without its parent, root
  missing, ...), and a red dashed edge leads to the missing parent;
* dashed blue ring: selected in one panel but not in the other (where the two
  answers differ; optimal sets are not unique, so this is where to look, not
  by itself a fault);
* thick purple dashed border (left): beyond the budget, the nodes a selection
  that overspends has too many (the smallest-f leaves of its selection).

Panel titles give the numbers: reached total vs target, nodes used.  A number
too long for a label or a title is shown rounded (``~0.3333``) and marked
``[k]``; the *exact-values table* under the trees gives row ``k`` exactly.  The
rows a reader needs most come first: the nodes a cause names (a tie, a float
rounding merge, a swap), with their exact f and, when the cause names a format,
the value that format rounds it to, so a precision finding shows 1 - 10^-12 next
to 1.

Drawn by hand (:class:`verify.report.chart.Chart`, as the audit's plots): every
shape and text is placed in pixels, every text in DejaVu Sans Mono and printable
ASCII, so its box is known before anything renders; each text belongs to a
*panel* (a request's tree on one side, the title, the legend, the table) and
:meth:`~verify.report.chart.Chart.problems` lists any text outside its panel or
overlapping another (tests/test_picture.py; a node's label also stays inside its
circle).  Written as SVG text (tree.svg, the picture index.html embeds) and
rasterised from the same drawing to PNG by Pillow at twice the size (tree.png):
no matplotlib, whose text layout cost about 0.5 s per PNG and 0.12 s per SVG.

>>> from solver.model import Tree
>>> from fractions import Fraction as F
>>> layout(Tree.from_parents([-1, 0, 0, 1], [F(1), F(1, 2), F(1, 4), F(1, 8)]))
{0: (0.5, 0), 1: (0.0, -1), 2: (1.0, -1), 3: (0.0, -2)}
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from fractions import Fraction
from typing import Mapping, Optional, Sequence

from solver.messages import show
from solver.model import Instance, Tree
from solver.numbers import fraction_str
from verify.report.chart import (
    ADVANCE,
    ASCENT,
    DESCENT,
    MIDDLE,
    Chart,
    printable,
    text_width,
)

SOLVER_FILL, OPTIMAL_FILL, EMPTY_FILL = "#f6a945", "#8fd16a", "#ffffff"
BAD, DIFF, BEYOND = "#d0021b", "#2a6fdb", "#7b2cbf"
EDGE, CHOSEN_EDGE, OUTLINE = "#bbbbbb", "#333333", "#444444"
# The literal constants only the matplotlib picture this module drew before had
# (figure sizes in inches, matplotlib's option names): Hypothesis draws the literal
# constants of every imported project module (verify/run/imports.py), so they are kept,
# and with them the cases every seed of the suite draws (tests/test_picture.py)
FORMER_CONSTANTS = (
    *(0.02, 0.1, 0.15, 0.17, 0.19, 0.2, 0.3, 0.5, 0.6, 0.7, 0.75),
    *(1.0, 1.1, 1.3, 1.5, 2.5, 3.6, 4.2, 7.5, 10.5, 110, 1250, 1900),
    *("--", ".svg", "Agg", "Date", "adaserve-verify", "center", "dashed"),
    *("exact values:\n", "height_ratios", "left", "lower center", "monospace"),
    *("none", "o", "svg", "svg.fonttype", "svg.hashsalt", "top"),
)
LABEL, TITLE, SUPTITLE, SMALL = 9, 11, 13, 10  # font sizes, pixels
PAD = 10  # pixels between a panel's edge and its texts
PNG_SCALE = 2  # tree.png's pixels per pixel of the drawing (matplotlib's was ~2)
PNG_COLORS = 64  # a palette: half the time to write tree.png, a third of its size
# tree.png's pixels at most (about 200 MB while drawn): a larger picture (the audit
# draws up to 400 nodes) is rasterised smaller than twice its size; the SVG is whole
MAX_PNG_PIXELS = 16 * 10**6
LINE_WIDTH, MARK_WIDTH, RING_WIDTH, EDGE_WIDTH = 1.2, 3.5, 1.6, 2.4
DASH = (5, 3)  # dashed outlines and edges: drawn, gap (pixels)


def layout(tree: Tree) -> dict[int, tuple[float, int]]:
    """Tidy top-down positions: leaves one unit apart in depth-first order, parents over
    their children."""
    pos: dict[int, tuple[float, int]] = {}
    next_x = 0.0
    stack = [(tree.root, False)]
    # post-order without recursion: deep paths must not hit the recursion limit
    while stack:
        v, done = stack.pop()
        kids = sorted(tree.children[v])
        if not kids:
            pos[v] = (next_x, -tree.depth[v])
            next_x += 1
        elif done:
            pos[v] = ((pos[kids[0]][0] + pos[kids[-1]][0]) / 2, -tree.depth[v])
        else:
            stack.append((v, True))
            stack.extend((c, False) for c in reversed(kids))
    return dict(sorted(pos.items()))


LABEL_CHARS = 7  # a node label's number: the fraction when this short, else ~decimal
TITLE_CHARS = 14  # a panel title's numbers likewise
TABLE_ROWS = 14  # exact-values table rows at most (report.md and index.html list all)


def short(x: Fraction, limit: int = LABEL_CHARS) -> str:
    """A number short enough for a label: the fraction, or ~0.1235 (4 digits) when that
    is long.

    >>> F = Fraction
    >>> short(F(1, 2)), short(F(999999999999, 10**12)), short(F(1, 3 * 10**9))
    ('1/2', '~1', '~3.333e-10')
    """
    s = fraction_str(x)
    return s if len(s) <= limit else f"~{float(x):.4g}"


_NODE = re.compile(r"""request (['"])(.*?)\1 node (\d+)""")


def exact_rows(
    instance: Instance, causes: Sequence[dict]
) -> list[tuple[str, int, str]]:
    """The nodes the causes name as (request id, node, rounded format or ""), first seen
    first.

    A cause names nodes in its text (``request 'r0' node 2``), or by ``request`` and
    ``nodes`` (then a parent, ``its parent 1``, is in the same request).
    """
    out: list[tuple[str, int, str]] = []
    for c in causes:
        fmt = c.get("format") or ""
        found = [
            (m.group(2), int(m.group(3))) for m in _NODE.finditer(c.get("text", ""))
        ]
        if c.get("request") is not None:
            found += [
                (c["request"], v) for v in c.get("nodes", []) if isinstance(v, int)
            ]
        for rid, v in found:
            if (
                rid in instance.index
                and 0 <= v < len(instance.request(rid).tree)
                and all((rid, v) != (r, w) for r, w, _ in out)
            ):
                out.append((rid, v, fmt))
    return out


def _sets(selected: Optional[Mapping], rid: str, size: int) -> Optional[set[int]]:
    if selected is None or rid not in selected:
        return None
    return {v for v in selected[rid] if isinstance(v, int) and 0 <= v < size}


class _Exact:
    """The exact-values table being filled: numbers shown rounded get a row and a mark
    ``[k]``."""

    def __init__(self):
        self.rows: list[str] = []
        self.keys: dict[tuple, int] = {}

    def mark(self, key: tuple, text: str) -> str:
        if key not in self.keys:
            self.rows.append(text)
            self.keys[key] = len(self.rows)
        return f"[{self.keys[key]}]"

    def number(self, key: tuple, what: str, x: Fraction) -> str:
        """``x`` for a title: exact if short, else rounded with a mark and a table
        row."""
        s = short(x, TITLE_CHARS)
        if s == fraction_str(x):
            return s
        return f"{s} {self.mark(key, f'{what} = {fraction_str(x)}')}"


def draw(
    path: str,
    instance: Instance,
    solver_sets: Optional[Mapping],
    optimal_sets: Optional[Mapping],
    *,
    title: str,
    solver_note: str = "",
    optimal_note: str = "",
    offending: Optional[Mapping[str, set]] = None,
    request_notes: Optional[Mapping[str, str]] = None,
    beyond: Optional[Mapping[str, set]] = None,
    causes: Sequence[dict] = (),
) -> str:
    """Write the picture to ``path`` (PNG) and beside it the same as SVG; return
    ``path``; ImportError (nothing written) without Pillow or the font.

    ``solver_sets`` / ``optimal_sets``: request id -> selected nodes, or None
    when that side gave no selection (``solver_note`` / ``optimal_note`` say
    why, e.g. "answered INVALID").  ``offending``: request id -> nodes that
    break a rule.  ``request_notes``: request id -> extra text for the solver's
    panel (e.g. "reaches 1 < target 3/2").  ``beyond``: request id -> nodes beyond
    the budget.  ``causes``: the report's ``broken.cause`` (its nodes head the
    exact-values table).
    """
    drawing = chart(
        instance,
        solver_sets,
        optimal_sets,
        title=title,
        solver_note=solver_note,
        optimal_note=optimal_note,
        offending=offending,
        request_notes=request_notes,
        beyond=beyond,
        causes=causes,
    )
    scale = min(PNG_SCALE, math.sqrt(MAX_PNG_PIXELS / (drawing.width * drawing.height)))
    if not drawing.png(path, scale, PNG_COLORS):
        raise ImportError("Pillow or the DejaVu Sans Mono font is missing")
    write_svg(svg_path(path), drawing)
    return path


def write_svg(path: str, drawing: Chart) -> None:
    """The SVG beside the PNG (a function of its own: benchmarks/bench_html.py times
    the runs without it)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(drawing.svg())


def svg_text(*args, **kwargs) -> str:
    """The picture as SVG text, drawn in memory (arguments as :func:`draw`, without
    ``path``)."""
    return chart(*args, **kwargs).svg()


def svg_path(png_path: str) -> str:
    """Where the SVG beside a PNG goes: ``tree.png`` -> ``tree.svg``."""
    return os.path.splitext(png_path)[0] + ".svg"


def line_height(size: int) -> int:
    """Pixels from one baseline to the next for text of ``size``."""
    return math.ceil((ASCENT + DESCENT) * size) + 2


def wrapped(text: str, size: int, width: float) -> list[str]:
    """``text`` (made printable ASCII) in lines that fit ``width`` pixels at ``size``;
    a word longer than a line is broken."""
    chars = max(1, int(width / (ADVANCE * size)))
    return [
        line
        for part in text.split("\n")
        for line in textwrap.wrap(printable(part), chars, break_long_words=True) or [""]
    ]


def chart(
    instance: Instance,
    solver_sets: Optional[Mapping],
    optimal_sets: Optional[Mapping],
    *,
    title: str,
    solver_note: str = "",
    optimal_note: str = "",
    offending: Optional[Mapping[str, set]] = None,
    request_notes: Optional[Mapping[str, str]] = None,
    beyond: Optional[Mapping[str, set]] = None,
    causes: Sequence[dict] = (),
) -> Chart:
    """The picture :func:`draw` writes (arguments as there), laid out in pixels."""
    from verify.search.precision import show as show_in_format

    offending = offending or {}
    request_notes = request_notes or {}
    beyond = beyond or {}
    reqs = list(instance.requests)
    exact = _Exact()
    # the cause's nodes first: exact f and, if a format merged them, rounded
    for rid, v, fmt in exact_rows(instance, causes):
        f = instance.request(rid).tree.f[v]
        rounded = f"; {show_in_format(f, fmt)} in {fmt}" if fmt else ""
        exact.mark(
            (rid, v),
            f"request {rid!r} node {v}: f = {fraction_str(f)} exactly{rounded}",
        )
    # node labels: "#index [k]" over the value
    node_labels: list[dict[int, tuple[str, str]]] = []
    for req in reqs:
        tree = req.tree
        labels = {}
        for v in range(len(tree)):
            label = short(tree.f[v])
            mark = ""
            if (req.id, v) in exact.keys or label != fraction_str(tree.f[v]):
                mark = " " + exact.mark(
                    (req.id, v),
                    f"request {req.id!r} node {v}: f = "
                    f"{fraction_str(tree.f[v])} exactly",
                )
            labels[v] = (f"#{v}{mark}", label)
        node_labels.append(labels)
    # one radius for every node: its label inside (a box's corners within the circle)
    widest = max(
        (len(x) for labels in node_labels for pair in labels.values() for x in pair),
        default=1,
    )
    half_h = 1 + (ASCENT + DESCENT) * LABEL
    radius = max(24, math.ceil(math.hypot(ADVANCE * LABEL * widest / 2, half_h)))
    radius += 2
    ring = radius + 6  # the dashed blue ring around a node selected in one answer
    unit, level = 2 * ring + 8, 2 * ring + 6  # between leaves, between depths
    leaves = [max(1, sum(1 for k in r.tree.children if not k)) for r in reqs] or [1]
    col_w = max(36 * PAD, max(leaves) * unit + 2 * PAD)  # room for the titles
    width = 2 * col_w
    inner = col_w - 2 * PAD  # text width in a panel

    # the panel titles: their line counts size the rows
    heads: list[list[tuple[list[str], str]]] = []
    for row, req in enumerate(reqs):
        tree = req.tree
        pair = []
        for col, (sets, note, who) in enumerate(
            (
                (solver_sets, solver_note, "solver"),
                (optimal_sets, optimal_note, "optimal"),
            )
        ):
            chosen = _sets(sets, req.id, len(tree))
            name = (
                req.id if req.id.isprintable() and len(req.id) <= 40 else show(req.id)
            )
            target = exact.number(
                (req.id, "target"), f"request {req.id!r} target", req.target
            )
            head = f"{name}: target {target}, {who}"
            if chosen is None:
                body = note or "no selection"
            else:
                used = len(chosen - {tree.root})
                got = exact.number(
                    (req.id, who),
                    f"request {req.id!r} {who} reaches",
                    tree.value(chosen),
                )
                body = f"reaches {got}, {used} non-root node{'s' * (used != 1)}"
                if col == 0 and request_notes.get(req.id):
                    body += "\n" + request_notes[req.id]
            bad = _valid(offending.get(req.id), len(tree))
            over = _valid(beyond.get(req.id), len(tree)) - bad
            if col == 0 and over:
                body += (
                    f"\n{len(over)} node{'s' * (len(over) != 1)} beyond the budget"
                    " (purple)"
                )
            alarm = col == 0 and bool(
                bad or over or (req.id in request_notes) or chosen is None
            )
            pair.append(
                (wrapped(head + "\n" + body, TITLE, inner), BAD if alarm else "black")
            )
        heads.append(pair)

    sup = wrapped(title, SUPTITLE, width - 2 * PAD)
    table = [f"[{i}] {row}" for i, row in enumerate(exact.rows[:TABLE_ROWS], start=1)]
    if len(exact.rows) > TABLE_ROWS:
        table.append(
            f"... {len(exact.rows) - TABLE_ROWS} more exact values in report.md"
        )
    chars = max(8, int((width - 2 * PAD) / (ADVANCE * SMALL)))
    table_lines = [
        line
        for row in table
        for line in textwrap.wrap(
            printable(row), chars, subsequent_indent="      ", break_long_words=True
        )
    ]
    legend = _legend_items()
    item_w = max(text_width(text, SMALL) for _, text in legend) + 3 * PAD
    per_row = max(1, min(len(legend), int((width - 2 * PAD) // item_w)))
    legend_rows = -(-len(legend) // per_row)

    # heights, top to bottom: title, one row per request, legend, table
    sup_h = PAD + len(sup) * line_height(SUPTITLE)
    row_hs = [
        PAD
        + max(len(a), len(b)) * line_height(TITLE)
        + PAD
        + r.tree.height * level
        + 2 * ring
        + PAD
        for r, ((a, _), (b, _)) in zip(reqs, heads)
    ] or [2 * PAD + line_height(TITLE)]
    legend_h = PAD + legend_rows * line_height(TITLE + 4)
    table_h = (
        PAD + (len(table_lines) + 1) * line_height(SMALL) + PAD if table_lines else 0
    )
    height = sup_h + sum(row_hs) + legend_h + table_h + PAD
    c = Chart(width, height)

    c.panel((0, 0, width, sup_h))
    for i, line in enumerate(sup):
        c.text(
            width / 2,
            PAD + ASCENT * SUPTITLE + i * line_height(SUPTITLE),
            line,
            SUPTITLE,
            MIDDLE,
            "black",
        )
    top = sup_h
    for row, req in enumerate(reqs):
        _draw_request(
            c,
            req,
            (top, row_hs[row], col_w, radius, ring, unit, level),
            node_labels[row],
            heads[row],
            _sets(solver_sets, req.id, len(req.tree)),
            _sets(optimal_sets, req.id, len(req.tree)),
            _valid(offending.get(req.id), len(req.tree)),
            _valid(beyond.get(req.id), len(req.tree)),
        )
        top += row_hs[row]
    if not reqs:
        for col in range(2):
            c.panel((col * col_w, top, (col + 1) * col_w, top + row_hs[0]))
            c.text(
                col * col_w + col_w / 2,
                top + PAD + ASCENT * TITLE,
                "no requests",
                TITLE,
                MIDDLE,
                "black",
            )
        top += row_hs[0]
    c.panel((0, top, width, top + legend_h))
    x0 = (width - per_row * item_w) / 2
    for i, (sample, text) in enumerate(legend):
        x = x0 + (i % per_row) * item_w
        y = top + PAD + (i // per_row) * line_height(TITLE + 4)
        mid = y + line_height(TITLE + 4) / 2
        _legend_mark(c, sample, x + PAD, mid)
        c.text(x + 2 * PAD, mid + (ASCENT - DESCENT) * SMALL / 2, text, SMALL)
    top += legend_h
    if table_lines:
        c.panel((0, top, width, top + table_h))
        for i, line in enumerate(
            ("exact values:\n" + "\n".join(table_lines)).split("\n")
        ):
            c.text(
                PAD, top + PAD + ASCENT * SMALL + i * line_height(SMALL), line, SMALL
            )
    return c


def _valid(nodes, size: int) -> set[int]:
    """The nodes of ``nodes`` that exist in a tree of ``size`` nodes."""
    return {v for v in (nodes or ()) if isinstance(v, int) and 0 <= v < size}


def _draw_request(
    c: Chart,
    req,
    geometry: tuple,
    labels: dict[int, tuple[str, str]],
    heads: list[tuple[list[str], str]],
    mine: Optional[set[int]],
    best: Optional[set[int]],
    bad: set[int],
    over: set[int],
) -> None:
    """One request's row: the solver's panel, then the optimal one."""
    top, row_h, col_w, radius, ring, unit, level = geometry
    tree = req.tree
    over = over - bad
    pos = layout(tree)
    xs = [p[0] for p in pos.values()]
    span = (max(xs) - min(xs)) * unit
    title_h = max(len(lines) for lines, _ in heads) * line_height(TITLE)
    for col, (chosen, other, fill) in enumerate(
        ((mine, best, SOLVER_FILL), (best, mine, OPTIMAL_FILL))
    ):
        left = col * col_w
        c.panel((left, top, left + col_w, top + row_h))
        lines, color = heads[col]
        for i, line in enumerate(lines):
            c.text(
                left + col_w / 2,
                top + PAD + ASCENT * TITLE + i * line_height(TITLE),
                line,
                TITLE,
                MIDDLE,
                color,
            )
        x0 = left + (col_w - span) / 2 - min(xs) * unit
        y0 = top + PAD + title_h + PAD + ring

        def at(v: int) -> tuple[float, float]:
            return x0 + pos[v][0] * unit, y0 - pos[v][1] * level

        chosen_set = chosen or set()
        for v in range(len(tree)):
            u = tree.parent[v]
            if u == -1:
                continue
            (x1, y1), (x2, y2) = at(u), at(v)
            if v in chosen_set and u in chosen_set:
                c.line(x1, y1, x2, y2, CHOSEN_EDGE, EDGE_WIDTH)
            elif v in chosen_set:  # selected without its parent
                c.line(x1, y1, x2, y2, BAD, EDGE_WIDTH, DASH)
            else:
                c.line(x1, y1, x2, y2, EDGE, 1)
        diff = (
            (chosen_set ^ other) if chosen is not None and other is not None else set()
        )
        for v in range(len(tree)):
            x, y = at(v)
            broken = col == 0 and v in bad
            c.circle(
                x,
                y,
                radius,
                fill if v in chosen_set else EMPTY_FILL,
                BAD if broken else OUTLINE,
                MARK_WIDTH if broken else LINE_WIDTH,
            )
            if col == 0 and v in over:
                c.circle(x, y, radius, None, BEYOND, MARK_WIDTH, DASH)
            if v in diff:
                c.circle(x, y, ring, None, DIFF, RING_WIDTH, DASH)
            first, second = labels[v]
            c.text(x, y - 1 / 2 - DESCENT * LABEL, first, LABEL, MIDDLE, "black")
            c.text(x, y + 1 / 2 + ASCENT * LABEL, second, LABEL, MIDDLE, "black")


# the legend's samples
NO_MARK, SOLVER, OPTIMAL, EMPTY, BREAKS, ORPHAN, OVER, ONE_SIDE = range(8)


def _legend_items() -> list[tuple[int, str]]:
    return [
        (NO_MARK, "node label: #index over f ([k]: exact below)"),
        (SOLVER, "selected by the solver"),
        (OPTIMAL, "selected in an optimal answer"),
        (EMPTY, "not selected"),
        (BREAKS, "breaks a rule"),
        (ORPHAN, "edge to a missing parent"),
        (OVER, "beyond the budget"),
        (ONE_SIDE, "selected in only one answer"),
    ]


def _legend_mark(c: Chart, mark: int, x: float, y: float) -> None:
    """The legend's sample of ``mark``, centred at (x, y)."""
    r = 6
    if mark in (SOLVER, OPTIMAL, EMPTY):
        fill = {SOLVER: SOLVER_FILL, OPTIMAL: OPTIMAL_FILL}.get(mark, EMPTY_FILL)
        c.circle(x, y, r, fill, OUTLINE, LINE_WIDTH)
    elif mark == BREAKS:
        c.circle(x, y, r, EMPTY_FILL, BAD, 5 / 2)
    elif mark == ORPHAN:
        c.line(x - r, y, x + r, y, BAD, 2, DASH)
    elif mark == OVER:
        c.circle(x, y, r, None, BEYOND, 5 / 2, (3, 2))
    elif mark == ONE_SIDE:
        c.circle(x, y, r, None, DIFF, RING_WIDTH, (3, 2))

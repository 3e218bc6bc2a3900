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
to 1.  Text never leaves its panel or overlaps other text (tests/test_reports.py
measures the bounding boxes).  Drawn with networkx on matplotlib's Agg backend
(no display needed), saved as PNG and, beside it, as SVG (text kept as text).

>>> from solver.model import Tree
>>> from fractions import Fraction as F
>>> layout(Tree.from_parents([-1, 0, 0, 1], [F(1), F(1, 2), F(1, 4), F(1, 8)]))
{0: (0.5, 0), 1: (0.0, -1), 2: (1.0, -1), 3: (0.0, -2)}
"""

from __future__ import annotations

import os
import re
import textwrap
from fractions import Fraction
from typing import Mapping, Optional, Sequence

from solver.messages import show
from solver.model import Instance, Tree
from solver.numbers import fraction_str

SOLVER_FILL, OPTIMAL_FILL, EMPTY_FILL = "#f6a945", "#8fd16a", "#ffffff"
BAD, DIFF, BEYOND = "#d0021b", "#2a6fdb", "#7b2cbf"


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


def _printable(text: str) -> str:
    """``text`` with every control character but the line break escaped (a request id
    may hold terminal escapes: matplotlib would echo them in its missing-glyph
    warning)."""
    return "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in text)


def _sets(selected: Optional[Mapping], rid: str, size: int) -> Optional[set[int]]:
    if selected is None or rid not in selected:
        return None
    return {v for v in selected[rid] if isinstance(v, int) and 0 <= v < size}


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
    ``path``.

    ``solver_sets`` / ``optimal_sets``: request id -> selected nodes, or None
    when that side gave no selection (``solver_note`` / ``optimal_note`` say
    why, e.g. "answered INVALID").  ``offending``: request id -> nodes that
    break a rule.  ``request_notes``: request id -> extra text for the solver's
    panel (e.g. "reaches 1 < target 3/2").  ``beyond``: request id -> nodes beyond
    the budget.  ``causes``: the report's ``broken.cause`` (its nodes head the
    exact-values table).
    """
    import matplotlib.pyplot as plt

    fig = figure(
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
    try:
        fig.savefig(path, dpi=110)
        fig.savefig(svg_path(path), format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return path


def svg_text(*args, **kwargs) -> str:
    """The picture as SVG text, drawn in memory (arguments as :func:`draw`, without
    ``path``)."""
    import io

    import matplotlib.pyplot as plt

    fig = figure(*args, **kwargs)
    try:
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


def svg_path(png_path: str) -> str:
    """Where the SVG beside a PNG goes: ``tree.png`` -> ``tree.svg``."""
    return os.path.splitext(png_path)[0] + ".svg"


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


def figure(
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
):
    """The matplotlib figure :func:`draw` saves (arguments as there); the caller closes
    it."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = (
        "none"  # SVG text stays text: smaller, searchable
    )
    matplotlib.rcParams["svg.hashsalt"] = (
        "adaserve-verify"  # the same picture gives the same SVG bytes
    )
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from verify.search.precision import show as show_in_format

    offending = offending or {}
    request_notes = request_notes or {}
    beyond = beyond or {}
    reqs = list(instance.requests) or []
    exact = _Exact()
    named = exact_rows(instance, causes)
    # the cause's nodes first: exact f and, if a format merged them, rounded
    for (
        rid,
        v,
        fmt,
    ) in named:
        f = instance.request(rid).tree.f[v]
        rounded = f"; {show_in_format(f, fmt)} in {fmt}" if fmt else ""
        exact.mark(
            (rid, v),
            f"request {rid!r} node {v}: f = {fraction_str(f)} exactly{rounded}",
        )
    rows = max(len(reqs), 1)
    widths = [max(1, sum(1 for k in r.tree.children if not k)) for r in reqs] or [1]
    heights = [r.tree.height + 1 for r in reqs] or [1]
    col_w = max(3.6, 1.3 * max(widths) + 1.2)
    chars = int(col_w * 10.5)  # title characters per line at 9 pt
    # the titles first: their line counts size the rows
    heads: list[list[tuple[str, str]]] = []
    node_labels: list[dict[int, str]] = []
    for req in reqs:
        tree = req.tree
        labels = {}
        for v in range(len(tree)):
            label = short(tree.f[v])
            mark = ""  # on the index line: the value line is the longer one
            if (req.id, v) in exact.keys or label != fraction_str(tree.f[v]):
                mark = " " + exact.mark(
                    (req.id, v),
                    f"request {req.id!r} node {v}: f = "
                    f"{fraction_str(tree.f[v])} exactly",
                )
            labels[v] = f"#{v}{mark}\n{label}"
        node_labels.append(labels)
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
            head = f"{name}: target {target} · {who}"
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
            over = {
                v
                for v in beyond.get(req.id, set())
                if isinstance(v, int) and 0 <= v < len(tree)
            }
            over -= set(offending.get(req.id, set()))
            if col == 0 and over:
                body += (
                    f"\n{len(over)} node{'s' * (len(over) != 1)} beyond the budget"
                    " (purple)"
                )
            text = "\n".join(
                x
                for part in (head + "\n" + body).split("\n")
                for x in textwrap.wrap(part, chars, break_long_words=True) or [""]
            )
            pair.append((text, who))
        heads.append(pair)
    title_lines = [
        max(a.count("\n"), b.count("\n")) + 1 for (a, _), (b, _) in heads
    ] or [1]
    row_hs = (
        [1.1 * h + 0.3 + 0.2 * n for h, n in zip(heights, title_lines)]
        if reqs
        else [1.5]
    )
    wrap = int(2 * col_w * 10)  # suptitle characters per line at 10 pt
    sup = "\n".join(
        x
        for part in title.split("\n")
        for x in textwrap.wrap(part, wrap, break_long_words=True)
    )
    table = exact.rows[:TABLE_ROWS]
    if len(exact.rows) > TABLE_ROWS:
        table.append(
            f"... {len(exact.rows) - TABLE_ROWS} more exact values in report.md"
        )
    table_text = "\n".join(
        x
        for i, row in enumerate(table, start=1)
        for x in textwrap.wrap(
            f"[{i}] {row}" if i <= TABLE_ROWS else row,
            int(2 * col_w * 11),
            subsequent_indent="      ",
            break_long_words=True,
        )
    )
    top_h = 0.15 + 0.19 * (sup.count("\n") + 1)  # inches for the suptitle
    legend_h = 0.75  # three legend rows
    table_h = (0.2 + 0.17 * (table_text.count("\n") + 2)) if table else 0.0
    total_h = sum(row_hs) + top_h + legend_h + table_h
    fig, axes = plt.subplots(
        rows,
        2,
        figsize=(2 * col_w, total_h),
        squeeze=False,
        gridspec_kw={"height_ratios": row_hs},
    )

    for row, req in enumerate(reqs):
        tree = req.tree
        pos = layout(tree)
        g: nx.DiGraph[int] = nx.DiGraph()
        g.add_nodes_from(range(len(tree)))
        g.add_edges_from(
            (tree.parent[v], v) for v in range(len(tree)) if tree.parent[v] != -1
        )
        mine = _sets(solver_sets, req.id, len(tree))
        best = _sets(optimal_sets, req.id, len(tree))
        bad = {
            v
            for v in offending.get(req.id, set())
            if isinstance(v, int) and 0 <= v < len(tree)
        }
        over = {
            v
            for v in beyond.get(req.id, set())
            if isinstance(v, int) and 0 <= v < len(tree)
        } - bad
        labels = node_labels[row]
        for col, (chosen, other, fill) in enumerate(
            ((mine, best, SOLVER_FILL), (best, mine, OPTIMAL_FILL))
        ):
            ax = axes[row][col]
            ax.set_axis_off()
            chosen_set = chosen or set()
            colors = [fill if v in chosen_set else EMPTY_FILL for v in g.nodes]
            edge_colors = ["#444444"] * len(tree)
            line_widths = [1.2] * len(tree)
            if col == 0:
                for v in bad:
                    edge_colors[v], line_widths[v] = BAD, 3.5
            in_tree = [
                (u, v) for u, v in g.edges if u in chosen_set and v in chosen_set
            ]
            orphan_edges = [
                (u, v) for u, v in g.edges if v in chosen_set and u not in chosen_set
            ]
            nx.draw_networkx_edges(
                g, pos, ax=ax, edge_color="#bbbbbb", arrows=False, width=1.0
            )
            nx.draw_networkx_edges(
                g,
                pos,
                edgelist=in_tree,
                ax=ax,
                edge_color="#333333",
                arrows=False,
                width=2.4,
            )
            if orphan_edges:
                nx.draw_networkx_edges(
                    g,
                    pos,
                    edgelist=orphan_edges,
                    ax=ax,
                    edge_color=BAD,
                    arrows=False,
                    width=2.4,
                    style="dashed",
                )
            nx.draw_networkx_nodes(
                g,
                pos,
                ax=ax,
                node_color=colors,
                edgecolors=edge_colors,
                linewidths=line_widths,
                node_size=1250,
            )
            if col == 0 and over:
                nx.draw_networkx_nodes(
                    g,
                    pos,
                    nodelist=sorted(over),
                    ax=ax,
                    node_color="none",
                    edgecolors=BEYOND,
                    linewidths=3.5,
                    node_size=1250,
                ).set_linestyle("--")
            if chosen is not None and other is not None:
                diff = sorted(chosen_set ^ other)
                if diff:
                    nx.draw_networkx_nodes(
                        g,
                        pos,
                        nodelist=diff,
                        ax=ax,
                        node_color="none",
                        edgecolors=DIFF,
                        linewidths=1.6,
                        node_size=1900,
                        node_shape="o",
                    ).set_linestyle("--")
            nx.draw_networkx_labels(g, pos, labels, ax=ax, font_size=7.5)
            xs = [p[0] for p in pos.values()]
            ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
            ax.set_ylim(-tree.height - 0.6, 0.6)
            text, _ = heads[row][col]
            color = (
                BAD
                if col == 0
                and (bad or over or (req.id in request_notes) or chosen is None)
                else "black"
            )
            ax.set_title(_printable(text), fontsize=9, color=color)
    if not reqs:
        for ax in axes[0]:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no requests", ha="center", va="center")

    legend = [
        Patch(
            facecolor="none",
            edgecolor="none",
            label="node label: #index over f ([k]: exact below)",
        ),
        Patch(
            facecolor=SOLVER_FILL, edgecolor="#444444", label="selected by the solver"
        ),
        Patch(
            facecolor=OPTIMAL_FILL,
            edgecolor="#444444",
            label="selected in an optimal answer",
        ),
        Patch(facecolor=EMPTY_FILL, edgecolor="#444444", label="not selected"),
        Patch(
            facecolor=EMPTY_FILL, edgecolor=BAD, linewidth=2.5, label="breaks a rule"
        ),
        Line2D([], [], color=BAD, linestyle="--", label="edge to a missing parent"),
        Line2D(
            [],
            [],
            color=BEYOND,
            linestyle="--",
            marker="o",
            markerfacecolor="none",
            markersize=11,
            markeredgewidth=2.5,
            linewidth=0,
            label="beyond the budget",
        ),
        Line2D(
            [],
            [],
            color=DIFF,
            linestyle="--",
            marker="o",
            markerfacecolor="none",
            markersize=11,
            linewidth=0,
            label="selected in only one answer",
        ),
    ]
    fig.legend(
        handles=legend,
        loc="lower center",
        ncol=3 if col_w >= 4.2 else 2,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, table_h / total_h),
    )
    if table:
        fig.text(
            0.02,
            (table_h - 0.1) / total_h,
            "exact values:\n" + table_text,
            fontsize=7.5,
            family="monospace",
            va="top",
            ha="left",
        )
    fig.suptitle(_printable(sup), fontsize=10)
    # it makes room for the suptitle
    fig.tight_layout(rect=(0, (legend_h + table_h) / total_h, 1, 1))
    return fig

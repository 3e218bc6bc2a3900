"""The picture of a counterexample: each request's tree, the solver's answer beside an optimal one.

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

Panel titles give the numbers: reached total vs target, nodes used.  Drawn with
networkx on matplotlib's Agg backend (no display needed), as PNG.

>>> from solver.model import Tree
>>> from fractions import Fraction as F
>>> layout(Tree.from_parents([-1, 0, 0, 1], [F(1), F(1, 2), F(1, 4), F(1, 8)]))
{0: (0.5, 0), 1: (0.0, -1), 2: (1.0, -1), 3: (0.0, -2)}
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from typing import Mapping, Optional

from solver.messages import show
from solver.model import Instance, Tree
from solver.numbers import fraction_str

SOLVER_FILL, OPTIMAL_FILL, EMPTY_FILL = "#f6a945", "#8fd16a", "#ffffff"
BAD, DIFF, BEYOND = "#d0021b", "#2a6fdb", "#7b2cbf"


def layout(tree: Tree) -> dict[int, tuple[float, int]]:
    """Tidy top-down positions: leaves one unit apart in depth-first order, parents over their children."""
    pos: dict[int, tuple[float, int]] = {}
    next_x = 0.0
    stack = [(tree.root, False)]
    while stack:  # post-order without recursion: deep paths must not hit the recursion limit
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


def short(x: Fraction) -> str:
    """A number short enough for a node label: the fraction, or ~0.123 when that is long."""
    s = fraction_str(x)
    return s if len(s) <= 6 else f"~{float(x):.3g}"


def _printable(text: str) -> str:
    """``text`` with every control character but the line break escaped (a request id may hold
    terminal escapes: matplotlib would echo them in its missing-glyph warning)."""
    return "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in text)


def _sets(selected: Optional[Mapping], rid: str, size: int) -> Optional[set[int]]:
    if selected is None or rid not in selected:
        return None
    return {v for v in selected[rid] if isinstance(v, int) and 0 <= v < size}


def draw(path: str, instance: Instance, solver_sets: Optional[Mapping], optimal_sets: Optional[Mapping],
         *, title: str, solver_note: str = "", optimal_note: str = "",
         offending: Optional[Mapping[str, set]] = None, request_notes: Optional[Mapping[str, str]] = None,
         beyond: Optional[Mapping[str, set]] = None) -> str:
    """Write the picture to ``path`` (PNG); return ``path``.

    ``solver_sets`` / ``optimal_sets``: request id -> selected nodes, or None
    when that side gave no selection (``solver_note`` / ``optimal_note`` say
    why, e.g. "answered INVALID").  ``offending``: request id -> nodes that
    break a rule.  ``request_notes``: request id -> extra text for the solver's
    panel (e.g. "reaches 1 < target 3/2").  ``beyond``: request id -> nodes beyond
    the budget.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    offending = offending or {}
    request_notes = request_notes or {}
    beyond = beyond or {}
    reqs = list(instance.requests) or []
    rows = max(len(reqs), 1)
    widths = [max(1, sum(1 for k in r.tree.children if not k)) for r in reqs] or [1]
    heights = [r.tree.height + 1 for r in reqs] or [1]
    col_w = max(3.4, 1.25 * max(widths) + 1.2)
    row_hs = [1.1 * h + 1.3 for h in heights]
    fig, axes = plt.subplots(rows, 2, figsize=(2 * col_w, sum(row_hs) + 2.0), squeeze=False,
                             gridspec_kw={"height_ratios": row_hs})

    for row, req in enumerate(reqs):
        tree = req.tree
        pos = layout(tree)
        g = nx.DiGraph()
        g.add_nodes_from(range(len(tree)))
        g.add_edges_from((tree.parent[v], v) for v in range(len(tree)) if tree.parent[v] != -1)
        mine = _sets(solver_sets, req.id, len(tree))
        best = _sets(optimal_sets, req.id, len(tree))
        bad = {v for v in offending.get(req.id, set()) if isinstance(v, int) and 0 <= v < len(tree)}
        over = {v for v in beyond.get(req.id, set()) if isinstance(v, int) and 0 <= v < len(tree)} - bad
        for col, (chosen, other, fill, who, note) in enumerate((
                (mine, best, SOLVER_FILL, "solver", solver_note),
                (best, mine, OPTIMAL_FILL, "optimal", optimal_note))):
            ax = axes[row][col]
            ax.set_axis_off()
            chosen_set = chosen or set()
            colors = [fill if v in chosen_set else EMPTY_FILL for v in g.nodes]
            edge_colors = ["#444444"] * len(tree)
            line_widths = [1.2] * len(tree)
            if col == 0:
                for v in bad:
                    edge_colors[v], line_widths[v] = BAD, 3.5
            in_tree = [(u, v) for u, v in g.edges if u in chosen_set and v in chosen_set]
            orphan_edges = [(u, v) for u, v in g.edges if v in chosen_set and u not in chosen_set]
            nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#bbbbbb", arrows=False, width=1.0)
            nx.draw_networkx_edges(g, pos, edgelist=in_tree, ax=ax, edge_color="#333333", arrows=False,
                                   width=2.4)
            if orphan_edges:
                nx.draw_networkx_edges(g, pos, edgelist=orphan_edges, ax=ax, edge_color=BAD, arrows=False,
                                       width=2.4, style="dashed")
            nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, edgecolors=edge_colors,
                                   linewidths=line_widths, node_size=1250)
            if col == 0 and over:
                nx.draw_networkx_nodes(g, pos, nodelist=sorted(over), ax=ax, node_color="none", edgecolors=BEYOND,
                                       linewidths=3.5, node_size=1250).set_linestyle("--")
            if chosen is not None and other is not None:
                diff = sorted(chosen_set ^ other)
                if diff:
                    nx.draw_networkx_nodes(g, pos, nodelist=diff, ax=ax, node_color="none", edgecolors=DIFF,
                                           linewidths=1.6, node_size=1900, node_shape="o").set_linestyle("--")
            labels = {v: f"#{v}\n{short(tree.f[v])}" for v in g.nodes}
            nx.draw_networkx_labels(g, pos, labels, ax=ax, font_size=8)
            xs = [p[0] for p in pos.values()]
            ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
            ax.set_ylim(-tree.height - 0.6, 0.6)
            name = req.id if req.id.isprintable() and len(req.id) <= 40 else show(req.id)
            head = f"{name}: target {fraction_str(req.target)} · {who}"
            if chosen is None:
                body = note or "no selection"
            else:
                used = len(chosen_set - {tree.root})
                body = f"reaches {fraction_str(tree.value(chosen_set))}, {used} non-root node{'s' * (used != 1)}"
                if col == 0 and request_notes.get(req.id):
                    body += "\n" + request_notes[req.id]
            if col == 0 and over:
                body += f"\n{len(over)} node{'s' * (len(over) != 1)} beyond the budget (purple)"
            color = BAD if col == 0 and (bad or over or (req.id in request_notes) or chosen is None) else "black"
            body = "\n".join(x for part in body.split("\n") for x in textwrap.wrap(part, int(col_w * 11)))
            ax.set_title(_printable(head + "\n" + body), fontsize=9, color=color)
    if not reqs:
        for ax in axes[0]:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no requests", ha="center", va="center")

    legend = [Patch(facecolor="none", edgecolor="none", label="node label: #index over f"),
              Patch(facecolor=SOLVER_FILL, edgecolor="#444444", label="selected by the solver"),
              Patch(facecolor=OPTIMAL_FILL, edgecolor="#444444", label="selected in an optimal answer"),
              Patch(facecolor=EMPTY_FILL, edgecolor="#444444", label="not selected"),
              Patch(facecolor=EMPTY_FILL, edgecolor=BAD, linewidth=2.5, label="breaks a rule"),
              Line2D([], [], color=BAD, linestyle="--", label="edge to a missing parent"),
              Line2D([], [], color=BEYOND, linestyle="--", marker="o", markerfacecolor="none", markersize=11,
                     markeredgewidth=2.5, linewidth=0, label="beyond the budget"),
              Line2D([], [], color=DIFF, linestyle="--", marker="o", markerfacecolor="none", markersize=11,
                     linewidth=0, label="selected in only one answer")]
    fig.legend(handles=legend, loc="lower center", ncol=3, fontsize=8, frameon=False)
    wrap = int(2 * col_w * 10)  # about ten characters per inch at this font size
    fig.suptitle(_printable("\n".join(x for part in title.split("\n") for x in textwrap.wrap(part, wrap))),
                 fontsize=10)
    total_h = sum(row_hs) + 2.0
    fig.tight_layout(rect=(0, 1.0 / total_h, 1, 1 - 0.9 / total_h))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

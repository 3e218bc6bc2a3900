"""Hypothesis strategies that generate hard instances.

Every strategy labels what it drew with :func:`hypothesis.event`, so that
``--hypothesis-show-statistics`` (and the suite) can show that each class is
really exercised.  Labels have the form ``axis:class`` (an *axis* is a family
of classes; each generated request or instance carries one class per axis):

``shape:*``    ``path``, ``star``, ``random``, ``beam`` (bounded depth and width)
``prob:*``     ``strict`` (strictly decreasing f: APP-B's premise), ``grid``
               (conditionals from {1, 1/2, 1/4, 3/4, 0}: ties, cond = 1, zero
               subtrees), ``decimal`` (f from 0.4, 0.2, 0.7, 0.3, 0.9, 0.1, 0.6,
               whose double sums mislead, ties frequent), ``float32`` /
               ``float16`` / ``bfloat16`` (conditionals rounded as real drafters
               produce them; cond = 1 frequent)
``scores:*``   only with ``monotone=False``: ``nonmonotone`` (the class's values
               shuffled over the nodes so that some child outscores its parent)
               or ``monotone`` (left as drawn, or a shuffle that stayed monotone)
``target:*``   ``le1``, ``negative``, ``boundary`` (exactly a prefix sum of the
               sorted values), ``above`` / ``below`` (one step off it: a grid
               step of 1/1000, or a step below half an ulp of a double, which
               float arithmetic cannot see), ``beyond-mass``
``float:*``    derived from the drawn target, one per request: ``trap`` if IEEE
               double addition in the greedy's order reaches it with another
               number of nodes than exact arithmetic (more: 1 + 0.4 + 0.2 < 1.6,
               an extra node or a wrong INVALID; fewer: a target just above a
               prefix sum looks met), else ``safe``
``budget:*``   ``zero``, ``exact`` (sum of minimal counts), ``one-less``,
               ``few-more``, ``above-all``
``roots:*``    ``free`` or ``charged``
``oracles:*``  only :func:`oracle_instances` (the ORACLES claim): ``tiny`` (at
               most 2 requests of 5 nodes, so the brute-force enumerator
               :mod:`verify.oracles.brute` always joins the two exact oracles) or
               ``profile`` (the profile's sizes)

Classes are drawn with the weights of :data:`WEIGHTS` (a class without a
weight is never drawn; the suite's class table and ``tests/test_generators.py``
show each class's share).  Targets of the three boundary classes prefer a
prefix where float addition misleads (:func:`float_traps`): that is what
catches a float implementation (SPEC section 3, item 4), and tight budgets
(``exact``) turn its extra node into a wrong INVALID.

Node labels are shuffled: the root is rarely node 0 and children may come
before their parents, as the format allows.  Numbers are exact Fractions.

>>> from hypothesis import given, settings
>>> @settings(max_examples=5, derandomize=True, database=None)
... @given(instances())
... def t(inst):
...     assert inst.is_monotone()
>>> t()
"""

from __future__ import annotations

import struct
from fractions import Fraction

from hypothesis import event as _hypothesis_event
from hypothesis import strategies as st

from solver.model import Tree
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.reference import min_count_bound

SHAPE_CLASSES = ("path", "star", "random", "beam")
PROB_CLASSES = ("strict", "grid", "decimal", "float32", "float16", "bfloat16")
SCORE_CLASSES = ("monotone", "nonmonotone")
TARGET_CLASSES = ("le1", "negative", "boundary", "above", "below", "beyond-mass")
BUDGET_CLASSES = ("zero", "exact", "one-less", "few-more", "above-all")
ROOT_CLASSES = ("free", "charged")
ORACLE_CLASSES = ("tiny", "profile")
FLOAT_CLASSES = ("trap", "safe")
ACCEPTANCE_CLASSES = ("whole-tree", "proper-subtree")
#: every axis and its classes, as the labels name them
AXES = {"shape": SHAPE_CLASSES, "prob": PROB_CLASSES, "scores": SCORE_CLASSES, "target": TARGET_CLASSES,
        "float": FLOAT_CLASSES, "budget": BUDGET_CLASSES, "roots": ROOT_CLASSES, "oracles": ORACLE_CLASSES,
        "acceptance": ACCEPTANCE_CLASSES}

# Relative weights per axis (``axis/variant``: another weighting of the same
# axis).  Chosen, and measured with tests/test_generators.py and the suite's
# class table, so that pooled over a whole suite run (where some claims draw
# only some classes) every class stays >= 5 % of its axis.  Hypothesis draws
# the first class of an axis far more often than its weight says (its early
# "simplest" cases and its mutations favour index 0) and shrinks towards it,
# so the first class is a simple one at weight 1; the boundary targets, the
# exact budget and the decimal and float classes weigh more because float
# traps and INVALID decisions live there.
WEIGHTS = {
    "shape": {"path": 1, "star": 2, "random": 2, "beam": 2},
    "prob": {"strict": 1, "grid": 2, "decimal": 4, "float32": 4, "float16": 3, "bfloat16": 3},
    "scores": {"nonmonotone": 1, "monotone": 1},
    # THM-P2/nonmonotone: every request shuffled (a shuffle can still come out monotone)
    "scores/always": {"nonmonotone": 1},
    "target": {"le1": 1, "negative": 2, "boundary": 4, "above": 2, "below": 2, "beyond-mass": 2},
    # decimal requests: boundary targets, where float sums of 0.1, 0.2, ... mislead
    "target/decimal": {"le1": 1, "negative": 1, "boundary": 6, "above": 2, "below": 2, "beyond-mass": 1},
    "budget": {"zero": 1, "exact": 3, "one-less": 2, "few-more": 2, "above-all": 2},
    # budgets where a choice matters (with budget 0 or above all nodes every solver is optimal)
    "budget/tight": {"exact": 1, "one-less": 1, "few-more": 4},
    "roots": {"free": 1, "charged": 1},
    "oracles": {"tiny": 1, "profile": 1},
}

GRID = (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(0))
# the values of the decimal class, the most trap-prone first and twice (1 + 0.4 + 0.4 < 1.8 and
# 1 + 0.4 + 0.2 < 1.6 in IEEE double; 0.1 and 0.6 mislead less often)
DECIMALS = tuple(Fraction(d, 10) for d in (4, 2, 7, 3, 9, 1, 6, 4, 2, 7, 3, 9))
STEP = Fraction(1, 1000)   # "one grid step" off a boundary target
TINY = Fraction(1, 2**60)  # below half an ulp of any double in [1, 16): float(A + TINY) == float(A)

_recorded: list[str] = []


def event(label: str) -> None:
    """``hypothesis.event`` that the suite can also read back (:func:`take_labels`)."""
    _hypothesis_event(label)
    _recorded.append(label)


def take_labels() -> list[str]:
    """The labels drawn since the last call (one generated case's classes)."""
    out = list(_recorded)
    _recorded.clear()
    return out


def labelled(strategy):
    """``strategy`` that forgets earlier labels when it starts to draw a case, so that a draw
    Hypothesis abandons (an overrun, a mutation it discards) leaves none behind: after the
    draw, :func:`take_labels` returns exactly this case's labels."""
    @st.composite
    def fresh(draw):
        _recorded.clear()
        return draw(strategy)
    return fresh()


def choose(axis: str, classes=None):
    """A class of ``axis`` (among ``classes``, default all), drawn with ``WEIGHTS[axis]``
    (``axis/variant``: another weighting of the same axis).

    >>> choose("prob", ("strict", "grid"))
    sampled_from(['strict', 'grid', 'grid'])
    """
    weights = WEIGHTS[axis]
    pool = [c for c in (classes if classes is not None else weights) for _ in range(weights.get(c, 0))]
    if not pool:
        raise ValueError(f"no class of axis {axis!r} among {classes} has a weight")
    # the order of first appearance in ``weights`` decides what Hypothesis shrinks towards
    order = {c: i for i, c in enumerate(weights)}
    return st.sampled_from(sorted(pool, key=order.__getitem__))


# ------------------------------------------------------------------ shapes

@st.composite
def shapes(draw, max_nodes: int = 7, min_nodes: int = 1, max_depth: int | None = None,
           max_width: int | None = None, deep: bool = False):
    """A parent array with the root at index 0 and parents before children.

    ``deep``: at least 3 nodes and depth >= 2 (node 2 is a child of node 1), so
    that a child can outscore a non-root parent; no stars.  ``min_nodes`` and
    ``deep`` yield to ``max_nodes`` and ``max_depth``.
    """
    deep = deep and max_nodes >= 3 and (max_depth is None or max_depth >= 2)
    if deep:
        min_nodes = max(min_nodes, 3)
    n = draw(st.integers(min(min_nodes, max_nodes), max_nodes))
    kind = draw(choose("shape", tuple(c for c in SHAPE_CLASSES if c != "star") if deep else None))
    event(f"shape:{kind}")
    parent = [-1]
    depth = [0]
    kids = [0]
    for v in range(1, n):
        if kind == "path":
            options = [v - 1]
        elif kind == "star":
            options = [0]
        else:
            options = list(range(v))
        if max_depth is not None:
            options = [p for p in options if depth[p] < max_depth]
        if kind == "beam" or max_width is not None:
            width = max_width if max_width is not None else 3
            options = [p for p in options if kids[p] < width]
        if deep and v == 2:
            options = [1]
        if not options:
            break
        p = draw(st.sampled_from(options))
        parent.append(p)
        depth.append(depth[p] + 1)
        kids[p] += 1
        kids.append(0)
    return parent


@st.composite
def relabel(draw, parent: list[int]):
    """The same tree under a random permutation of node labels."""
    n = len(parent)
    perm = draw(st.permutations(range(n)))  # old label -> new label
    out = [0] * n
    for v, p in enumerate(parent):
        out[perm[v]] = -1 if p == -1 else perm[p]
    return out, list(perm)


# ------------------------------------------------------------ probabilities

def _round_float(x: float, kind: str) -> Fraction:
    """x rounded to a drafter's float format, as the exact binary value."""
    if kind == "float32":
        y = struct.unpack("f", struct.pack("f", x))[0]
    elif kind == "float16":
        y = struct.unpack("e", struct.pack("e", x))[0]
    else:  # bfloat16: round-to-nearest-even on the top 16 bits of float32
        bits = struct.unpack("I", struct.pack("f", x))[0]
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        y = struct.unpack("f", struct.pack("I", bits))[0]
    return Fraction(min(max(y, 0.0), 1.0))


@st.composite
def conditionals(draw, n: int, kind: str):
    """n conditional probabilities (index 0 is the root's 1) of one class."""
    out = [Fraction(1)]
    for _ in range(n - 1):
        if kind == "strict":
            den = draw(st.integers(2, 40))
            out.append(Fraction(draw(st.integers(1, den - 1)), den))
        elif kind == "grid":
            out.append(draw(st.sampled_from(GRID)))
        else:  # a softmax-like value rounded by the drafter's number format
            x = draw(st.floats(0.0, 1.0, allow_nan=False))
            x = draw(st.sampled_from((x, 1 - x * 1e-4, x * x)))
            out.append(_round_float(x, kind))
    return out


@st.composite
def path_probabilities(draw, parent: list[int], kind: str):
    """f per node (parents before children in ``parent``) for probability class ``kind``.

    ``kind="nonmonotone"``: arbitrary multiples of 1/8 (no premise at all).
    """
    n = len(parent)
    if kind == "decimal":
        # values drawn independently, the largest on the first node (parents come before
        # children): monotone on any shape, and more prefix sums mislead than if each node
        # were capped by its parent (which drives deep values down to 0.1)
        values = sorted((draw(st.sampled_from(DECIMALS)) for _ in range(n - 1)), reverse=True)
        return [Fraction(1)] + values
    if kind == "nonmonotone":
        return [Fraction(1)] + [Fraction(draw(st.integers(0, 8)), 8) for _ in range(n - 1)]
    cond = draw(conditionals(n, kind))
    f = [Fraction(1)]
    for v in range(1, n):
        f.append(f[parent[v]] * cond[v])
    if kind == "strict":
        # strictly decreasing along every path (APP-B's premise): 0 < cond < 1 already ensures it
        assert all(f[v] < f[parent[v]] for v in range(1, n))
    return f


@st.composite
def shuffled_scores(draw, parent: list[int], f: list[Fraction]):
    """The non-root values of ``f`` permuted over the non-root nodes (same multiset); half of
    the time the largest value then moves to a node below depth 1 and the smallest to its
    parent (a high-value node hidden behind a low one); then, if that is still monotone, one
    node swapped with its parent when that breaks monotonicity (impossible only when every
    non-root node hangs off the root or ties its parent)."""
    perm = draw(st.permutations(range(1, len(parent))))
    g = [f[0]] + [f[v] for v in perm]
    deep = [v for v, p in enumerate(parent) if p > 0]
    if deep and draw(st.booleans()):
        # hide the best value behind the worst: the trap a frontier greedy walks past
        v = draw(st.sampled_from(deep))
        best = max(range(1, len(g)), key=g.__getitem__)
        g[v], g[best] = g[best], g[v]
        worst = min(range(1, len(g)), key=lambda u: (u == v, g[u]))
        g[parent[v]], g[worst] = g[worst], g[parent[v]]
    swaps = [v for v, p in enumerate(parent) if p > 0 and g[v] < g[p]]
    if swaps and Tree.from_parents(parent, g).is_monotone():
        v = draw(st.sampled_from(swaps))
        g[v], g[parent[v]] = g[parent[v]], g[v]
    return g


# --------------------------------------------------------- targets, budgets

def float_counts(values: list[Fraction], target: Fraction) -> tuple[int | None, int | None]:
    """Nodes the greedy takes to reach ``target`` from the root (f = 1) adding ``values``
    (sorted, largest first) in exact arithmetic and in IEEE double: (exact, float).

    >>> float_counts([Fraction(2, 5), Fraction(1, 5), Fraction(1, 10)], Fraction(8, 5))
    (2, 3)
    """
    def count(number):
        acc, goal = number(1), number(target)
        for k, x in enumerate(values):
            if acc >= goal:
                return k
            acc = acc + number(x)
        return len(values) if acc >= goal else None
    return count(Fraction), count(float)


def boundary_target(values: list[Fraction], kind: str, k: int, step: Fraction) -> Fraction:
    """The target of class ``kind`` (boundary / above / below) at prefix ``k`` of ``values``."""
    boundary = 1 + sum(values[:k], Fraction(0))
    return boundary + {"boundary": 0, "above": step, "below": -step}[kind]


def float_traps(values: list[Fraction], kind: str, step: Fraction) -> list[int]:
    """The prefixes k whose target of class ``kind`` the float greedy reaches with another count.

    >>> float_traps([Fraction(2, 5), Fraction(1, 5), Fraction(1, 10)], "boundary", STEP)
    [2]
    """
    out = []
    for k in range(len(values) + 1):
        exact, flt = float_counts(values, boundary_target(values, kind, k, step))
        if exact != flt:
            out.append(k)
    return out


@st.composite
def target_for(draw, f: list[Fraction], weights: str = "target"):
    """A target of a class of ``target`` drawn with ``WEIGHTS[weights]``, and its ``float`` label."""
    values = sorted(f[1:], reverse=True)
    mass = sum(f, Fraction(0))
    kind = draw(choose(weights))
    event(f"target:{kind}")
    if kind == "le1":
        target = draw(st.sampled_from((Fraction(1), Fraction(1, 2), Fraction(0))))
    elif kind == "negative":
        target = -Fraction(draw(st.integers(1, 5)), 2)
    elif kind == "beyond-mass":
        target = mass + draw(st.sampled_from((STEP, Fraction(1, 2), Fraction(3))))
    else:
        step = draw(st.sampled_from((STEP, TINY))) if kind != "boundary" else Fraction(0)
        k = draw(st.integers(0, len(values)))
        traps = float_traps(values, kind, step)
        # when some prefix is a float trap, move there 2 times in 3 (Hypothesis's simplest choice
        # moves, so shrinking keeps a trap; k is drawn first so that it shrinks with the tree)
        if traps and k not in traps and draw(st.integers(0, 2)) < 2:
            k = draw(st.sampled_from(traps))
        target = boundary_target(values, kind, k, step)
    exact, flt = float_counts(values, target)
    event(f"float:{'safe' if exact == flt else 'trap'}")
    return target


def budget_for(kind: str, quotas: list[int | None], sizes: list[int], n_few: int) -> int:
    """A budget of class ``kind`` for non-root quotas N_i (None: unreachable)."""
    need = sum(q for q in quotas if q is not None)
    everything = sum(s - 1 for s in sizes)
    return {"zero": 0, "exact": need, "one-less": max(need - 1, 0),
            "few-more": need + n_few, "above-all": everything + n_few}[kind]


# ----------------------------------------------------------------- instances

@st.composite
def instance_json(draw, max_requests: int = 3, max_nodes: int = 7, min_requests: int = 0,
                  prob_classes=PROB_CLASSES, monotone: bool = True, root_charged: bool | None = None,
                  max_depth: int | None = None, max_width: int | None = None, targets: bool = True,
                  scores_axis: str = "scores", budget_axis: str = "budget", min_extra: int = 1):
    """An instance as the JSON dict of docs/format.md (numbers as exact strings).

    ``monotone=False`` also draws a ``scores`` class per request (non-monotone
    inputs: only exact methods may judge them).  ``scores_axis`` and
    ``budget_axis`` name another weighting of those axes (:data:`WEIGHTS`);
    ``min_extra`` is the fewest nodes a ``few-more`` budget adds (1 to 3).
    """
    n = draw(st.integers(min_requests, max_requests))
    requests, quotas, sizes = [], [], []
    for i in range(n):
        shuffle = not monotone and draw(choose(scores_axis)) == "nonmonotone"
        # the shape first: shrinking a tree's size then does not depend on its class
        parent = draw(shapes(max_nodes, max_depth=max_depth, max_width=max_width, deep=shuffle))
        kind = draw(choose("prob", prob_classes))
        event(f"prob:{kind}")
        f = draw(path_probabilities(parent, kind))
        if shuffle:
            f = draw(shuffled_scores(parent, f))
        if not monotone:  # the label says what came out: ties can leave a shuffle monotone
            event(f"scores:{'monotone' if Tree.from_parents(parent, f).is_monotone() else 'nonmonotone'}")
        if targets:
            target = draw(target_for(f, "target/decimal" if kind == "decimal" else "target"))
        else:
            target = Fraction(1)
        labels, perm = draw(relabel(parent))
        probs = [Fraction(0)] * len(parent)
        for v, x in enumerate(f):
            probs[perm[v]] = x
        quotas.append(min_count_bound(Tree.from_parents(parent, f), target)[0])
        sizes.append(len(parent))
        requests.append({"id": f"r{i}", "target": fraction_str(target), "parent": labels,
                         "prob": [fraction_str(x) for x in probs]})
    charged = (draw(choose("roots")) == "charged") if root_charged is None else root_charged
    event(f"roots:{'charged' if charged else 'free'}")
    bkind = draw(choose(budget_axis))
    event(f"budget:{bkind}")
    budget = budget_for(bkind, quotas, sizes, draw(st.integers(min_extra, 3)))
    if charged:
        budget += n if bkind != "zero" else 0
    return {"budget": budget, "root_charged": charged, "requests": requests}


def instances(**kwargs):
    """Validated :class:`~solver.model.Instance` objects; see :func:`instance_json` for options."""
    allow = not kwargs.get("monotone", True)
    return instance_json(**kwargs).map(lambda obj: parse_instance(obj, allow_nonmonotone=allow))


@st.composite
def oracle_instances(draw, max_nodes: int = 7, max_requests: int = 3, root_charged: bool | None = None):
    """Instances for the oracle cross-check: every class, non-monotone scores too."""
    size = draw(choose("oracles"))
    event(f"oracles:{size}")
    if size == "tiny":  # <= 10 nodes in all: verify.oracles.brute.LIMIT
        max_nodes, max_requests = min(max_nodes, 5), min(max_requests, 2)
    return draw(instances(max_nodes=max_nodes, max_requests=max_requests, monotone=False,
                          root_charged=root_charged))


# ------------------------------------------------------- THM-3.1 tree cases

@st.composite
def acceptance_cases(draw, max_nodes: int = 8):
    """(tree, rooted subtree) with real conditional distributions (THM-3.1).

    Each node's children get conditionals that sum to at most 1, as the next
    token distribution of the target model does: weights over the children
    plus a slack for "a token not in the tree".  Includes cond = 1 (an only
    child with no slack) and zero conditionals.
    """
    parent = draw(shapes(max_nodes))
    n = len(parent)
    kids: dict[int, list[int]] = {}
    for v in range(1, n):
        kids.setdefault(parent[v], []).append(v)
    cond = [Fraction(1)] + [Fraction(0)] * (n - 1)
    for u, cs in kids.items():
        weights = [draw(st.integers(0, 4)) for _ in cs]
        slack = draw(st.integers(0, 4))
        total = sum(weights) + slack
        for c, w in zip(cs, weights):
            cond[c] = Fraction(w, total) if total else Fraction(0)
    f = [Fraction(1)] + [Fraction(0)] * (n - 1)
    for v in range(1, n):
        f[v] = f[parent[v]] * cond[v]
    tree = Tree.from_parents(parent, f, cond)
    picked = set(draw(st.sets(st.integers(0, n - 1))))
    nodes = {0}
    for v in picked:  # close under ancestors: a rooted subtree
        while v != -1 and v not in nodes:
            nodes.add(v)
            v = parent[v]
    event("acceptance:whole-tree" if len(nodes) == n else "acceptance:proper-subtree")
    return tree, frozenset(nodes)

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
               produce them; cond = 1 frequent); and the *merge classes*, strictly
               decreasing exactly (APP-B's premise) but made to merge when a
               selector rounds f to a format (SPEC section 3, item 9; the format
               is ``precision`` when given, else drawn per request):
               ``near-one`` (conditionals 1 - 10^-k, k = 3..15: a child equals
               its parent after rounding), ``close-siblings`` (siblings apart by
               less than half the format's ulp), ``underflow`` (small
               conditionals whose products fall below the format's range: deep
               nodes round to 0)
``merge:*``    derived, one label per format in which two exactly distinct f of a
               request round equal (``float32``, ``bfloat16``, ``float16``), or
               ``none``
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
               ``cut`` (strictly between the minimal counts and every node: the
               throughput phase must choose), ``few-more``, ``above-all``
``cuts:*``     derived, per instance, from the node budget b and the E non-root
               nodes: ``some`` (0 < b < E: the budget cuts the trees), ``none``
               (b <= 0) or ``all`` (b >= E)
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

import functools
from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import event as _hypothesis_event
from hypothesis import strategies as st

from solver.model import Tree
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.reference import min_count_bound
from verify.search.precision import (
    FORMATS,
    format_count,
    merging_formats,
    round_float,
    round_to,
)
from verify.subject.readable import readable

SHAPE_CLASSES = ("path", "star", "random", "beam")
MERGE_CLASSES = ("near-one", "close-siblings", "underflow")
PROB_CLASSES = (
    "strict",
    "grid",
    "decimal",
    "float32",
    "float16",
    "bfloat16",
) + MERGE_CLASSES
#: the classes whose values are strictly decreasing along every path (APP-B's premise)
STRICT_CLASSES = ("strict",) + MERGE_CLASSES
SCORE_CLASSES = ("monotone", "nonmonotone")
TARGET_CLASSES = ("le1", "negative", "boundary", "above", "below", "beyond-mass")
BUDGET_CLASSES = ("zero", "exact", "one-less", "cut", "few-more", "above-all")
CUT_CLASSES = ("some", "none", "all")
MERGE_LABELS = FORMATS + ("none",)
ROOT_CLASSES = ("free", "charged")
ORACLE_CLASSES = ("tiny", "profile")
FLOAT_CLASSES = ("trap", "safe")
ACCEPTANCE_CLASSES = ("whole-tree", "proper-subtree")
#: every axis and its classes, as the labels name them
AXES = {
    "shape": SHAPE_CLASSES,
    "prob": PROB_CLASSES,
    "scores": SCORE_CLASSES,
    "target": TARGET_CLASSES,
    "float": FLOAT_CLASSES,
    "merge": MERGE_LABELS,
    "budget": BUDGET_CLASSES,
    "cuts": CUT_CLASSES,
    "roots": ROOT_CLASSES,
    "oracles": ORACLE_CLASSES,
    "acceptance": ACCEPTANCE_CLASSES,
}

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
    "prob": {
        "strict": 1,
        "grid": 2,
        "decimal": 4,
        "float32": 4,
        "float16": 3,
        "bfloat16": 3,
        "near-one": 3,
        "close-siblings": 3,
        "underflow": 2,
    },
    # --precision P: the merge classes (aimed at P) twice as often, decimal (whose sums
    # P misses)
    # half again as often; it only adds: every class keeps >= 1/2 of its default share
    # (25/35)
    "prob/precision": {
        "strict": 1,
        "grid": 2,
        "decimal": 6,
        "float32": 4,
        "float16": 3,
        "bfloat16": 3,
        "near-one": 6,
        "close-siblings": 6,
        "underflow": 4,
    },
    "scores": {"nonmonotone": 1, "monotone": 1},
    # THM-P2/nonmonotone: every request shuffled (a shuffle can still come out monotone)
    "scores/always": {"nonmonotone": 1},
    "target": {
        "le1": 1,
        "negative": 2,
        "boundary": 4,
        "above": 2,
        "below": 2,
        "beyond-mass": 2,
    },
    # decimal requests: boundary targets, where float sums of 0.1, 0.2, ... mislead
    "target/decimal": {
        "le1": 1,
        "negative": 1,
        "boundary": 6,
        "above": 2,
        "below": 2,
        "beyond-mass": 1,
    },
    "budget": {
        "zero": 1,
        "exact": 3,
        "one-less": 3,
        "cut": 12,
        "few-more": 2,
        "above-all": 2,
    },
    # --precision P: tight budgets (where a sum P misses becomes a wrong INVALID) more
    # often;
    # every class keeps >= 1/2 of its default share (23/30)
    "budget/precision": {
        "zero": 1,
        "exact": 7,
        "one-less": 6,
        "cut": 12,
        "few-more": 2,
        "above-all": 2,
    },
    # no targets: every minimal count is 0, so exact and one-less would be zero again
    "budget/no-targets": {"zero": 1, "cut": 6, "few-more": 2, "above-all": 1},
    # budgets where a choice matters (with budget 0 or above all nodes every solver is
    # optimal)
    "budget/tight": {"exact": 1, "one-less": 1, "few-more": 4},
    "roots": {"free": 1, "charged": 1},
    "oracles": {"tiny": 1, "profile": 1},
}

GRID = (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(0))
# the values of the decimal class, the most trap-prone first and twice (1 + 0.4 + 0.4 <
# 1.8 and
# 1 + 0.4 + 0.2 < 1.6 in IEEE double; 0.1 and 0.6 mislead less often)
DECIMALS = tuple(Fraction(d, 10) for d in (4, 2, 7, 3, 9, 1, 6, 4, 2, 7, 3, 9))
DECIMAL_SET = frozenset(DECIMALS)
STEP = Fraction(1, 1000)  # "one grid step" off a boundary target
# below half an ulp of any double in [1, 16): float(A + TINY) == float(A)
TINY = Fraction(1, 2**60)

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
    """``strategy`` that forgets earlier labels when it starts to draw a case, so that a
    draw Hypothesis abandons (an overrun, a mutation it discards) leaves none behind:
    after the draw, :func:`take_labels` returns exactly this case's labels."""

    @st.composite
    def fresh(draw):
        _recorded.clear()
        return draw(strategy)

    return fresh()


def choose(axis: str, classes=None):
    """A class of ``axis`` (among ``classes``, default all), drawn with
    ``WEIGHTS[axis]`` (``axis/variant``: another weighting of the same axis).

    >>> choose("prob", ("strict", "grid"))
    sampled_from(('strict', 'grid', 'grid'))
    """
    weights = WEIGHTS[axis]
    pool = [
        c
        for c in (classes if classes is not None else weights)
        for _ in range(weights.get(c, 0))
    ]
    if not pool:
        raise ValueError(f"no class of axis {axis!r} among {classes} has a weight")
    # the order of first appearance in ``weights`` decides what Hypothesis shrinks
    # towards
    order = {c: i for i, c in enumerate(weights)}
    return _sampled(tuple(sorted(pool, key=order.__getitem__)))


@functools.lru_cache(maxsize=4096)
def _cached(strategy, *args, **kwargs):
    # the same: one object per composite strategy and arguments (arguments as tuples)
    return strategy(*args, **kwargs)


@functools.lru_cache(maxsize=4096)
def _sampled(options: tuple):
    # one strategy object per option list: Hypothesis computes a strategy's properties
    # once per object, and a fresh object per draw doubles the cost of drawing a case
    return st.sampled_from(options)


# ------------------------------------------------------------------ shapes


@st.composite
def shapes(
    draw,
    max_nodes: int = 7,
    min_nodes: int = 1,
    max_depth: int | None = None,
    max_width: int | None = None,
    deep: bool = False,
    chains: bool = False,
):
    """A parent array with the root at index 0 and parents before children.

    ``deep``: at least 3 nodes and depth >= 2 (node 2 is a child of node 1), so
    that a child can outscore a non-root parent; no stars.  ``chains``: a path
    (every node at most one child).  ``min_nodes`` and ``deep`` yield to
    ``max_nodes``, ``max_depth`` and ``max_width``; within them ``min_nodes`` is
    always met (when a shape's own rule has no room, the node goes anywhere the
    limits allow).
    """
    if chains:
        max_width = 1
    deep = deep and max_nodes >= 3 and (max_depth is None or max_depth >= 2)
    if deep:
        min_nodes = max(min_nodes, 3)
    n = draw(st.integers(min(min_nodes, max_nodes), max_nodes))
    if chains:
        kind = "path"
    else:
        kind = draw(
            choose(
                "shape",
                tuple(c for c in SHAPE_CLASSES if c != "star") if deep else None,
            )
        )
    event(f"shape:{kind}")
    parent = [-1]
    depth = [0]
    kids = [0]
    width = max_width if max_width is not None else (3 if kind == "beam" else None)

    def room(p, width=width):
        return (max_depth is None or depth[p] < max_depth) and (
            width is None or kids[p] < width
        )

    for v in range(1, n):
        if kind == "path":
            options = [v - 1]
        elif kind == "star":
            options = [0]
        else:
            options = list(range(v))
        options = [p for p in options if room(p)]
        if deep and v == 2:
            options = [1]
        # the shape's rule is full: anywhere the limits allow
        if not options and v < min_nodes:
            options = [p for p in range(v) if room(p, max_width)]
        if not options:
            break
        p = draw(_sampled(tuple(options)))
        parent.append(p)
        depth.append(depth[p] + 1)
        kids[p] += 1
        kids.append(0)
    return parent


def capacity(max_nodes: int, max_depth: int | None, max_width: int | None) -> int:
    """The most nodes a tree can have within these limits.

    >>> capacity(10, 2, 2), capacity(10, None, 1), capacity(4, None, None)
    (7, 10, 4)
    """
    if max_depth is None or max_width is None:
        if max_width == 1 and max_depth is not None:
            return min(max_nodes, max_depth + 1)
        if max_width == 0 or max_depth == 0:
            return 1
        return max_nodes
    total, level = 0, 1
    for _ in range(max_depth + 1):
        total += level
        level *= max_width
        if total >= max_nodes:
            return max_nodes
    return min(total, max_nodes)


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
    return round_float(x, kind)


# the merge classes, per format: the smallest k of a near-one conditional 1 - 10^-k that
# rounds
# to 1; the smallest m of a sibling gap 2^-m below half an ulp; the smallest k of an
# underflow
# conditional c * 10^-k (two or three of them along a path leave the format's range)
NEAR_ONE_K = {"float32": 8, "bfloat16": 3, "float16": 4}
SIBLING_GAP_M = {"float32": 26, "bfloat16": 10, "float16": 13}
UNDERFLOW_K = {"float32": 23, "bfloat16": 21, "float16": 3}


def _strict(draw) -> Fraction:
    den = draw(st.integers(2, 40))
    return Fraction(draw(st.integers(1, den - 1)), den)


@st.composite
def conditionals(
    draw, n: int, kind: str, parent: list[int] | None = None, fmt: str = "float32"
):
    """n conditional probabilities (index 0 is the root's 1) of one class.

    The merge classes aim at format ``fmt`` (what merges there) and need
    ``parent`` (``close-siblings`` spaces the children of each node).  Every
    conditional they draw lies strictly between 0 and 1.
    """
    out = [Fraction(1)]
    # close-siblings: node -> [base conditional, gap, children so far]
    sibling: dict[int, list[Any]] = {}
    for v in range(1, n):
        if kind == "strict":
            out.append(_strict(draw))
        elif kind == "grid":
            out.append(draw(_sampled(tuple(GRID))))
        elif kind == "near-one":
            # mostly 1 - 10^-k that rounds to 1 in fmt (k shrinks toward the smallest
            # such k),
            # sometimes an ordinary conditional between them
            if draw(st.integers(0, 3)) < 3:
                out.append(
                    1 - Fraction(1, 10 ** draw(st.integers(NEAR_ONE_K[fmt], 15)))
                )
            else:
                out.append(_strict(draw))
        elif kind == "close-siblings":
            p = parent[v] if parent is not None else 0
            if p not in sibling:
                sibling[p] = [
                    _strict(draw),
                    Fraction(
                        1,
                        2
                        ** draw(
                            st.integers(SIBLING_GAP_M[fmt], SIBLING_GAP_M[fmt] + 12)
                        ),
                    ),
                    0,
                ]
            base, gap, j = sibling[p]
            out.append(base * (1 - j * gap))
            sibling[p][2] = j + 1
        elif kind == "underflow":
            if draw(st.integers(0, 2)) < 2:
                k = draw(st.integers(UNDERFLOW_K[fmt], UNDERFLOW_K[fmt] + 6))
                out.append(Fraction(draw(st.integers(1, 9)), 10**k))
            else:
                out.append(_strict(draw))
        else:  # a softmax-like value rounded by the drafter's number format
            x = draw(st.floats(0.0, 1.0, allow_nan=False))
            x = draw(st.sampled_from((x, 1 - x * 1e-4, x * x)))
            out.append(_round_float(x, kind))
    return out


@st.composite
def path_probabilities(draw, parent: list[int], kind: str, fmt: str | None = None):
    """f per node (parents before children in ``parent``) for probability class
    ``kind``.

    ``kind="nonmonotone"``: arbitrary multiples of 1/8 (no premise at all).
    ``fmt``: the format a merge class aims at (default: drawn).
    """
    n = len(parent)
    if kind == "decimal":
        # values drawn independently, the largest on the first node (parents come before
        # children): monotone on any shape, and more prefix sums mislead than if each
        # node
        # were capped by its parent (which drives deep values down to 0.1)
        values = sorted(
            (draw(_sampled(tuple(DECIMALS))) for _ in range(n - 1)), reverse=True
        )
        return [Fraction(1)] + values
    if kind == "nonmonotone":
        return [Fraction(1)] + [
            Fraction(draw(st.integers(0, 8)), 8) for _ in range(n - 1)
        ]
    if kind in MERGE_CLASSES and fmt is None:
        fmt = draw(_sampled(tuple(FORMATS)))
    cond = draw(_cached(conditionals, n, kind, tuple(parent), fmt or "float32"))
    f = [Fraction(1)]
    for v in range(1, n):
        f.append(f[parent[v]] * cond[v])
    if kind in STRICT_CLASSES:
        # strictly decreasing along every path (APP-B's premise): 0 < cond < 1 already
        # ensures it
        assert all(0 < f[v] < f[parent[v]] for v in range(1, n))
    return f


def in_class(tree: Tree, kind: str) -> bool:
    """Whether a tree's values lie in the domain of value class ``kind`` (what
    ``--values`` admits).

    ``strict`` and the merge classes: 0 < cond < 1 (strictly decreasing, positive);
    ``grid``: every conditional in {1, 1/2, 1/4, 3/4, 0}; ``decimal``: every
    non-root f one of the decimal values; ``float32`` / ``float16`` / ``bfloat16``:
    every conditional exactly representable in that format.  Removing a leaf keeps a
    tree in its class (the reducer relies on it).

    >>> t = Tree.from_parents([-1, 0, 1], [Fraction(1), Fraction(1, 2), Fraction(1, 4)])
    >>> [k for k in PROB_CLASSES if in_class(t, k)]  # doctest: +NORMALIZE_WHITESPACE
    ['strict', 'grid', 'float32', 'float16', 'bfloat16', 'near-one', 'close-siblings',
     'underflow']
    """
    cond = [t for v, t in enumerate(tree.cond) if v != tree.root]
    if kind in STRICT_CLASSES:
        return all(0 < c < 1 for c in cond) and all(x > 0 for x in tree.f)
    if kind == "grid":
        return all(c in GRID for c in cond)
    if kind == "decimal":
        return all(tree.f[v] in DECIMAL_SET for v in tree.non_root)
    if kind in FORMATS:
        return all(round_to(c, kind) == c for c in cond)
    raise ValueError(f"unknown value class {kind!r} (one of {', '.join(PROB_CLASSES)})")


@st.composite
def shuffled_scores(draw, parent: list[int], f: list[Fraction]):
    """The non-root values of ``f`` permuted over the non-root nodes (same multiset);
    half of the time the largest value then moves to a node below depth 1 and the
    smallest to its parent (a high-value node hidden behind a low one); then, if that is
    still monotone, one node swapped with its parent when that breaks monotonicity
    (impossible only when every non-root node hangs off the root or ties its parent)."""
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


def float_counts(
    values: list[Fraction], target: Fraction, fmt: str = "double"
) -> tuple[int | None, int | None]:
    """Nodes the greedy takes to reach ``target`` from the root (f = 1) adding
    ``values`` (sorted, largest first) in exact arithmetic and in IEEE double (or
    ``fmt``, every partial sum rounded to it): (exact, float).

    >>> float_counts([Fraction(2, 5), Fraction(1, 5), Fraction(1, 10)], Fraction(8, 5))
    (2, 3)
    >>> float_counts([Fraction(3, 10), Fraction(3, 10)], Fraction(8, 5), "float32")
    (2, None)
    """
    if fmt != "double":
        return format_count(values, target, "exact"), format_count(values, target, fmt)

    def count(number):
        acc, goal = number(1), number(target)
        for k, x in enumerate(values):
            if acc >= goal:
                return k
            acc = acc + number(x)
        return len(values) if acc >= goal else None

    return count(Fraction), count(float)


def boundary_target(
    values: list[Fraction], kind: str, k: int, step: Fraction
) -> Fraction:
    """The target of class ``kind`` (boundary / above / below) at prefix ``k`` of
    ``values``."""
    boundary = 1 + sum(values[:k], Fraction(0))
    return boundary + {"boundary": Fraction(0), "above": step, "below": -step}[kind]


def float_traps(
    values: list[Fraction],
    kind: str,
    step: Fraction,
    fmts: tuple[str, ...] = ("double",),
) -> list[int]:
    """The prefixes k whose target of class ``kind`` the float greedy (adding in any of
    ``fmts``) reaches with another count.

    >>> float_traps([Fraction(2, 5), Fraction(1, 5), Fraction(1, 10)], "boundary", STEP)
    [2]
    >>> float_traps([Fraction(3, 10), Fraction(3, 10)], "boundary", Fraction(0),
    ...             ("double", "float32"))
    [2]
    """
    out = []
    for k in range(len(values) + 1):
        target = boundary_target(values, kind, k, step)
        if any(len(set(float_counts(values, target, fmt))) == 2 for fmt in fmts):
            out.append(k)
    return out


@st.composite
def target_for(
    draw, f: list[Fraction], weights: str = "target", precision: str | None = None
):
    """A target of a class of ``target`` drawn with ``WEIGHTS[weights]``, and its
    ``float`` label.

    ``precision``: boundary targets prefer prefixes that IEEE double *or* that format's
    sums miss (by default double's only)."""
    fmts = ("double",) + ((precision,) if precision else ())
    values = sorted(f[1:], reverse=True)
    mass = sum(f, Fraction(0))
    kind = draw(choose(weights))
    event(f"target:{kind}")
    if kind == "le1":
        target = draw(_sampled((Fraction(1), Fraction(1, 2), Fraction(0))))
    elif kind == "negative":
        target = -Fraction(draw(st.integers(1, 5)), 2)
    elif kind == "beyond-mass":
        target = mass + draw(_sampled((STEP, Fraction(1, 2), Fraction(3))))
    else:
        step = draw(_sampled((STEP, TINY))) if kind != "boundary" else Fraction(0)
        k = draw(st.integers(0, len(values)))
        # --precision P: P's own traps first (a selector adding in P misses other
        # prefixes than double)
        traps = (
            float_traps(values, kind, step, (precision,)) if precision else []
        ) or float_traps(values, kind, step)
        # when some prefix is a float trap, move there 2 times in 3 (Hypothesis's
        # simplest choice
        # moves, so shrinking keeps a trap; k is drawn first so that it shrinks with the
        # tree)
        if traps and k not in traps and draw(st.integers(0, 2)) < 2:
            k = draw(_sampled(tuple(traps)))
        target = boundary_target(values, kind, k, step)
    trap = any(len(set(float_counts(values, target, fmt))) == 2 for fmt in fmts)
    event(f"float:{'trap' if trap else 'safe'}")
    return target


def cut_range(quotas: list[int | None], sizes: list[int]) -> tuple[int, int] | None:
    """The node budgets of class ``cut``: strictly between the minimal counts and every
    node (else strictly between nothing and every node); None when no budget is strictly
    between.

    >>> cut_range([1], [5]), cut_range([0], [3])
    ((2, 3), (1, 1))
    >>> cut_range([3], [4]), cut_range([0], [2])
    ((1, 2), None)
    """
    need = sum(q for q in quotas if q is not None)
    everything = sum(s - 1 for s in sizes)
    if need + 1 <= everything - 1:
        return need + 1, everything - 1
    if everything >= 2:
        return 1, everything - 1
    return None


def budget_for(
    kind: str,
    quotas: list[int | None],
    sizes: list[int],
    n_few: int,
    cut: int | None = None,
) -> int:
    """A node budget of class ``kind`` for non-root quotas N_i (None: unreachable);
    ``cut`` is the one drawn from :func:`cut_range` (``exact`` when that range is
    empty)."""
    need = sum(q for q in quotas if q is not None)
    everything = sum(s - 1 for s in sizes)
    return {
        "zero": 0,
        "exact": need,
        "one-less": max(need - 1, 0),
        "cut": need if cut is None else cut,
        "few-more": need + n_few,
        "above-all": everything + n_few,
    }[kind]


def cuts_label(node_budget: int, sizes: list[int]) -> str:
    """``some`` when the node budget cuts the trees (0 < b < every non-root node), else
    ``none`` / ``all``."""
    everything = sum(s - 1 for s in sizes)
    if node_budget <= 0:
        return "none"
    return "some" if node_budget < everything else "all"


# ----------------------------------------------------------------- instances


@st.composite
def instance_json(
    draw,
    max_requests: int = 3,
    max_nodes: int = 7,
    min_requests: int = 0,
    prob_classes=PROB_CLASSES,
    monotone: bool = True,
    root_charged: bool | None = None,
    max_depth: int | None = None,
    max_width: int | None = None,
    targets: bool = True,
    scores_axis: str = "scores",
    budget_axis: str = "budget",
    min_extra: int = 1,
    min_nodes: int = 1,
    chains: bool = False,
    min_budget: int | None = None,
    precision: str | None = None,
):
    """An instance as the JSON dict of docs/format.md (numbers as exact strings).

    ``monotone=False`` also draws a ``scores`` class per request (non-monotone
    inputs: only exact methods may judge them).  ``scores_axis`` and
    ``budget_axis`` name another weighting of those axes (:data:`WEIGHTS`;
    without targets ``budget`` becomes ``budget/no-targets``); ``min_extra`` is
    the fewest nodes a ``few-more`` budget adds (1 to 3).  ``min_nodes``,
    ``chains``, ``min_budget`` and ``prob_classes`` are the restrictions of
    :mod:`verify.search.restrictions` (a budget below ``min_budget`` is raised to
    it, and ``zero`` is not drawn then); ``precision`` aims the merge classes at
    that format and draws them twice as often, draws ``decimal`` half again as
    often and aims boundary targets at prefixes its sums miss too (it only adds:
    every class keeps at least half its default share).
    """
    n = draw(st.integers(min_requests, max_requests))
    requests, quotas, sizes = [], [], []
    prob_axis = "prob/precision" if precision else "prob"
    for i in range(n):
        shuffle = not monotone and draw(choose(scores_axis)) == "nonmonotone"
        # the shape first: shrinking a tree's size then does not depend on its class
        parent = draw(
            _cached(
                shapes,
                max_nodes,
                min_nodes=min_nodes,
                max_depth=max_depth,
                max_width=max_width,
                deep=shuffle,
                chains=chains,
            )
        )
        kind = draw(choose(prob_axis, prob_classes))
        event(f"prob:{kind}")
        f = draw(_cached(path_probabilities, tuple(parent), kind, precision))
        if shuffle:
            f = draw(shuffled_scores(parent, f))
        # the label says what came out: ties can leave a shuffle monotone
        if not monotone:
            came_out = Tree.from_parents(parent, f).is_monotone()
            event(f"scores:{'monotone' if came_out else 'nonmonotone'}")
        for fmt in merging_formats(f) or ["none"]:
            event(f"merge:{fmt}")
        if targets:
            target = draw(
                _cached(
                    target_for,
                    tuple(f),
                    "target/decimal" if kind == "decimal" else "target",
                    precision,
                )
            )
        else:
            target = Fraction(1)
        labels, perm = draw(_cached(relabel, tuple(parent)))
        probs = [Fraction(0)] * len(parent)
        for v, x in enumerate(f):
            probs[perm[v]] = x
        quotas.append(min_count_bound(Tree.from_parents(parent, f), target)[0])
        sizes.append(len(parent))
        requests.append(
            {
                "id": f"r{i}",
                "target": fraction_str(target),
                "parent": labels,
                "prob": [fraction_str(x) for x in probs],
            }
        )
    charged = (
        (draw(choose("roots")) == "charged") if root_charged is None else root_charged
    )
    event(f"roots:{'charged' if charged else 'free'}")
    if budget_axis == "budget" and not targets:
        budget_axis = "budget/no-targets"
    elif budget_axis == "budget" and precision:
        budget_axis = "budget/precision"
    need = sum(q for q in quotas if q is not None)
    # exact and one-less are budget 0 again when no target needs a node: not drawn then
    classes = [
        c
        for c in WEIGHTS[budget_axis]
        if not (min_budget and c == "zero")
        and not (need == 0 and c in ("exact", "one-less"))
    ]
    bkind = draw(choose(budget_axis, classes))
    event(f"budget:{bkind}")
    span = cut_range(quotas, sizes) if bkind == "cut" else None
    cut = draw(st.integers(*span)) if span else None
    budget = budget_for(bkind, quotas, sizes, draw(st.integers(min_extra, 3)), cut)
    if charged:
        budget += n if bkind != "zero" else 0
    if min_budget is not None:
        budget = max(budget, min_budget)
    event(f"cuts:{cuts_label(budget - (n if charged else 0), sizes)}")
    out = {"budget": budget, "root_charged": charged, "requests": requests}
    # a selector reading the numbers with fractions.Fraction(text), as the docs advise,
    # must
    # manage; never true in practice (at most 231 digits measured at thorough)
    assume(readable(out))
    return out


def instances(**kwargs):
    """Validated :class:`~solver.model.Instance` objects; see :func:`instance_json` for
    options."""
    allow = not kwargs.get("monotone", True)
    return instance_json(**kwargs).map(
        lambda obj: parse_instance(obj, allow_nonmonotone=allow)
    )


@st.composite
def oracle_instances(
    draw,
    max_nodes: int = 7,
    max_requests: int = 3,
    root_charged: bool | None = None,
    prob_classes=PROB_CLASSES,
):
    """Instances for the oracle cross-check: every class, non-monotone scores too."""
    size = draw(choose("oracles"))
    event(f"oracles:{size}")
    if size == "tiny":  # <= 10 nodes in all: verify.oracles.brute.LIMIT
        max_nodes, max_requests = min(max_nodes, 5), min(max_requests, 2)
    return draw(
        instances(
            max_nodes=max_nodes,
            max_requests=max_requests,
            monotone=False,
            root_charged=root_charged,
            prob_classes=prob_classes,
        )
    )


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

"""Hypothesis strategies that generate hard instances.

Every strategy labels what it drew with :func:`hypothesis.event`, so that
``--hypothesis-show-statistics`` (and the suite) can show that each class is
really exercised.  Labels have the form ``axis:class``:

``shape:*``    ``path``, ``star``, ``random``, ``beam`` (bounded depth and width)
``prob:*``     ``strict`` (strictly decreasing f: APP-B's premise), ``grid``
               (conditionals from {1, 1/2, 1/4, 3/4, 0}: ties, cond = 1, zero
               subtrees), ``decimal`` (0.1, 0.2, 0.4, 0.7 ...: float sums
               mislead), ``float32`` / ``float16`` / ``bfloat16`` (conditionals
               rounded as real drafters produce them), ``nonmonotone`` (only
               with ``monotone=False``)
``target:*``   ``le1``, ``negative``, ``boundary`` (exactly a prefix sum of the
               sorted values), ``above`` / ``below`` (one grid step off it),
               ``beyond-mass``
``budget:*``   ``zero``, ``exact`` (sum of minimal counts), ``one-less``,
               ``few-more``, ``above-all``
``roots:*``    ``free`` or ``charged``

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

from solver.model import Instance
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.reference import min_count_bound

PROB_CLASSES = ("strict", "grid", "decimal", "float32", "float16", "bfloat16")
GRID = (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(0))
DECIMALS = tuple(Fraction(d, 10) for d in (1, 2, 3, 4, 6, 7, 9))
TARGET_CLASSES = ("le1", "negative", "boundary", "above", "below", "beyond-mass")
BUDGET_CLASSES = ("zero", "exact", "one-less", "few-more", "above-all")
STEP = Fraction(1, 1000)  # "one grid step" off a boundary target

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


# ------------------------------------------------------------------ shapes

@st.composite
def shapes(draw, max_nodes: int = 7, min_nodes: int = 1, max_depth: int | None = None,
           max_width: int | None = None):
    """A parent array with the root at index 0 and parents before children."""
    n = draw(st.integers(min_nodes, max_nodes))
    kind = draw(st.sampled_from(("path", "star", "random", "beam")))
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
    """f per node (parents before children in ``parent``) for probability class ``kind``."""
    n = len(parent)
    if kind == "decimal":
        f = [Fraction(1)]
        for v in range(1, n):
            cap = f[parent[v]]
            f.append(draw(st.sampled_from([d for d in DECIMALS if d <= cap] or [Fraction(0)])))
        return f
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


# --------------------------------------------------------- targets, budgets

@st.composite
def target_for(draw, f: list[Fraction]):
    values = sorted(f[1:], reverse=True)
    mass = sum(f, Fraction(0))
    kind = draw(st.sampled_from(TARGET_CLASSES))
    event(f"target:{kind}")
    if kind == "le1":
        return draw(st.sampled_from((Fraction(1), Fraction(1, 2), Fraction(0))))
    if kind == "negative":
        return -Fraction(draw(st.integers(1, 5)), 2)
    if kind == "beyond-mass":
        return mass + draw(st.sampled_from((STEP, Fraction(1, 2), Fraction(3))))
    k = draw(st.integers(0, len(values)))
    boundary = 1 + sum(values[:k], Fraction(0))
    return boundary + {"boundary": 0, "above": STEP, "below": -STEP}[kind]


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
                  max_depth: int | None = None, max_width: int | None = None, targets: bool = True):
    """An instance as the JSON dict of docs/format.md (numbers as exact strings)."""
    n = draw(st.integers(min_requests, max_requests))
    kinds = list(prob_classes) + ([] if monotone else ["nonmonotone"])
    requests, quotas, sizes = [], [], []
    for i in range(n):
        parent = draw(shapes(max_nodes, max_depth=max_depth, max_width=max_width))
        kind = draw(st.sampled_from(kinds))
        event(f"prob:{kind}")
        f = draw(path_probabilities(parent, kind))
        target = draw(target_for(f)) if targets else Fraction(1)
        labels, perm = draw(relabel(parent))
        probs = [Fraction(0)] * len(parent)
        for v, x in enumerate(f):
            probs[perm[v]] = x
        from solver.model import Tree  # local: only to reuse the lower-bound helper
        quotas.append(min_count_bound(Tree.from_parents(parent, f), target)[0])
        sizes.append(len(parent))
        requests.append({"id": f"r{i}", "target": fraction_str(target), "parent": labels,
                         "prob": [fraction_str(x) for x in probs]})
    charged = draw(st.booleans()) if root_charged is None else root_charged
    event(f"roots:{'charged' if charged else 'free'}")
    bkind = draw(st.sampled_from(BUDGET_CLASSES))
    event(f"budget:{bkind}")
    budget = budget_for(bkind, quotas, sizes, draw(st.integers(1, 3)))
    if charged:
        budget += n if bkind != "zero" else 0
    return {"budget": budget, "root_charged": charged, "requests": requests}


def instances(**kwargs):
    """Validated :class:`~solver.model.Instance` objects; see :func:`instance_json` for options."""
    allow = not kwargs.get("monotone", True)
    return instance_json(**kwargs).map(lambda obj: parse_instance(obj, allow_nonmonotone=allow))


# ------------------------------------------------------- THM-3.1 tree cases

@st.composite
def acceptance_cases(draw, max_nodes: int = 8):
    """(tree, rooted subtree) with real conditional distributions (THM-3.1).

    Each node's children get conditionals that sum to at most 1, as the next
    token distribution of the target model does: weights over the children
    plus a slack for "a token not in the tree".  Includes cond = 1 (an only
    child with no slack) and zero conditionals.
    """
    from solver.model import Tree

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

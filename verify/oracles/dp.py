"""Exact oracle: the dynamic program over value curves (``--solver dp``).

Solves the token-selection problem of SPEC section 1 exactly, with no
premise on the scores: path probabilities may be non-monotone (a child's f
above its parent's), tied or zero; only ``f >= 0`` is used.  It shares no code
with the greedy, so it can judge it.

Terminology
-----------
count k
    The number of *non-root* nodes of a rooted subtree (the root is always in).
tree table, value curve
    ``table[k]``: the largest total f (root's 1 included) of a rooted subtree
    with exactly ``k`` non-root nodes.  Every k is achievable, and the table is
    non-decreasing in k because f >= 0.  Nothing assumes it is concave.
feasible count
    A count k with ``table[k] >= target``; they are ``m..len(tree)-1`` where
    ``m`` is the *minimal feasible count*.  None means the target exceeds the
    tree's total mass.
node budget
    :attr:`solver.model.Instance.node_budget`: what all non-root nodes may use
    together (the budget minus the roots when roots are charged).

Method
------
1. **Per tree, the table.**  On a *monotone* tree (f(child) <= f(parent),
   checked exactly) the table is the prefix sums of the values sorted
   largest first, root first: no k values sum to more than the k largest, and
   the k largest, ties broken by depth, always form a rooted subtree (each
   node comes after its parent), which the read-back checks.  Otherwise the
   tree knapsack of :mod:`verify.oracles.treedp` computes it, O(n K) time and
   near-linear memory for counts up to K = min(n - 1, node budget).
   ``method="tree"`` uses the tree knapsack on every tree.
2. **Across requests, the curves are combined** (:mod:`verify.oracles.curves`):
   request i takes ``k_i >= m_i``, ``sum k_i <= node budget``, maximise
   ``sum table_i[k_i]``.  Since every table is non-decreasing, some optimum uses
   exactly ``J = min(node budget - sum m_i, sum (n_i - 1 - m_i))`` extra nodes.
   The curves ``g_i[x] = table_i[m_i + x]`` that are concave (checked exactly)
   are merged by sorting their increments; the others by the exact (max, +)
   convolution, read back Hirschberg-style.  Memory is linear in the input.
3. Each request's subtree for its count is read back; the selection's
   objective is recomputed from the sets and must equal the DP's value.

Numbers: the DP runs on the instance's values from the numeric core
(:mod:`solver.scaled`): integers scaled by the common denominator of every
value (Python big ints: exact and fast) unless that denominator is so large
that the scaled integers would take more than a few times the input's own
size; then on Fractions, which is slower but keeps memory linear
(``numbers="fraction"`` forces that path).

Cost on monotone inputs: O(N log N) for N nodes in all, whatever the budget.
On non-monotone trees the tree knapsack dominates: O(n min(n, B)) per tree,
and combining c non-concave curves costs the (max, +) convolutions, at worst
quadratic in their total length, times log2(c).

>>> from fractions import Fraction as F
>>> from solver.model import Tree
>>> t = Tree.from_parents([-1, 0, 0, 1], [F(1), F(0), F(3, 4), F(1)])  # non-monotone
>>> [str(x) for x in tree_table(t)]
['1', '7/4', '2', '11/4']
>>> best_subtree(t, 2)  # node 1 (f = 0) is worth taking for its child 3 (f = 1)
(0, 1, 3)
>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 2, "requests": [
...     {"id": "a", "target": "1.6", "parent": [-1, 0, 0, 1],
...      "prob": [1, "0.7", "0.2", "0.42"]},
...     {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]}]})
>>> sel = solve_dp(inst)
>>> sel.status, sel.objective
('OK', Fraction(16, 5))
>>> solve_dp(inst, method="tree").objective
Fraction(16, 5)
>>> solve_dp(parse_instance({"budget": 0, "requests": [
...     {"id": "a", "target": 2, "parent": [-1, 0], "prob": [1, "0.5"]}]})).reason
"request 'a': target 2 exceeds the tree's total mass 3/2"
"""

from __future__ import annotations

import math
from bisect import bisect_left
from fractions import Fraction
from itertools import accumulate
from typing import Iterable, Sequence

from solver.model import Instance, Tree
from solver.numbers import fraction_str
from solver.scaled import exact_values
from solver.selection import OK, Selection, make_invalid
from verify.oracles.curves import allocate, concave_counts
from verify.oracles.treedp import TreeKnapsack

METHODS = ("auto", "tree")


def _scale_of(values: Iterable[Fraction]) -> int:
    """LCM of the denominators: multiplying by it makes every value an integer."""
    return math.lcm(*{Fraction(x).denominator for x in values}) if values else 1


def _scaled(x: Fraction, scale: int) -> int:
    return x.numerator * (scale // x.denominator)


class TopK:
    """The value curve of a monotone tree: root, then the values largest first.

    ``order`` lists the non-root nodes by value, ties in breadth-first order,
    so every node comes after its parent (whose value is at least as large and
    which is shallower): the first k always form a rooted subtree.
    ``table``, when given, is the table already at hand: the root's value plus
    the prefix sums of the values sorted largest first
    (:meth:`solver.scaled.ExactValues.top_sums`), the values along ``order``.
    """

    def __init__(self, tree: Tree, weights: Sequence, table: list | None = None):
        self.tree = tree
        # stable over breadth-first order (reverse keeps ties in their order)
        self.order = order = sorted(
            tree.order[1:], key=weights.__getitem__, reverse=True
        )
        if table is None:
            table = list(
                accumulate(map(weights.__getitem__, order), initial=weights[tree.root])
            )
        self.table = table

    def subtree(self, k: int) -> tuple[int, ...]:
        tree = self.tree
        nodes = [tree.root] + self.order[:k]
        inside = set(nodes)
        if not inside.issuperset(map(tree.parent.__getitem__, nodes[1:])):
            # pragma: no cover - impossible on a monotone tree
            v = next(v for v in nodes[1:] if tree.parent[v] not in inside)
            raise AssertionError(f"top-{k} set is not rooted at node {v}")
        nodes.sort()
        return tuple(nodes)


class TreeDP:
    """Tree knapsack of one tree: the table and one optimal subtree per count.

    ``scale`` must be a multiple of every denominator of ``tree.f``; by default
    it is their LCM.  ``ints[k] == table[k] * scale`` exactly.
    """

    def __init__(self, tree: Tree, scale: int | None = None):
        if scale is None:
            scale = _scale_of(tree.f)
        self.tree = tree
        self.scale = scale
        fint = [_scaled(x, scale) for x in tree.f]
        if min(fint) < 0:
            raise ValueError("the tree DP needs f >= 0")
        self._knapsack = TreeKnapsack(tree, fint)
        self.ints: list[int] = self._knapsack.table

    @property
    def table(self) -> list[Fraction]:
        scale = self.scale
        return [Fraction(x, scale) for x in self.ints]

    def subtree(self, k: int) -> tuple[int, ...]:
        """One rooted subtree with ``k`` non-root nodes worth ``table[k]`` (sorted
        nodes)."""
        if not 0 <= k < len(self.tree):
            raise ValueError(f"count {k} out of range 0..{len(self.tree) - 1}")
        return self._knapsack.subtree(k)


def tree_table(tree: Tree) -> list[Fraction]:
    """``table[k]``: best total f (root included) of a rooted subtree with k non-root
    nodes.

    Always the tree knapsack, never the sorted values, whatever the tree: the
    LEM-C2 property compares this table with the best k-subsets.

    >>> from fractions import Fraction as F
    >>> path = Tree.from_parents([-1, 0, 1], [F(1), F(1, 2), F(1, 4)])
    >>> [str(x) for x in tree_table(path)]
    ['1', '3/2', '7/4']
    """
    return TreeDP(tree).table


def best_subtree(tree: Tree, k: int) -> tuple[int, ...]:
    """One optimal rooted subtree with ``k`` non-root nodes (root included, sorted)."""
    return TreeDP(tree).subtree(k)


def solve_dp(
    instance: Instance, *, method: str = "auto", numbers: str = "auto"
) -> Selection:
    """An optimal selection, or INVALID with the reason; exact, any f in [0, 1].

    ``method="tree"``: the tree knapsack for every tree, also monotone ones.
    ``numbers``: the arithmetic (:mod:`solver.scaled`); every path gives the same
    answer."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (one of {', '.join(METHODS)})")
    reqs = instance.requests
    node_budget = instance.node_budget
    conv = "roots charged" if instance.root_charged else "roots free"
    if node_budget < 0:
        return make_invalid(
            f"the {len(reqs)} roots alone exceed the budget {instance.budget} ({conv})"
        )
    ev = exact_values(instance, numbers)
    weights, targets = [], []
    # an unreachable target sinks the instance: report the first, before any table
    for i, r in enumerate(reqs):
        w = ev.f[i]
        if min(w) < 0:
            raise ValueError("the DP needs f >= 0")
        target = ev.target[i]
        if sum(w) < target:
            return make_invalid(
                f"request {r.id!r}: target {fraction_str(r.target)} exceeds the "
                f"tree's total mass {fraction_str(r.tree.mass)}"
            )
        weights.append(w)
        targets.append(target)

    curves, mins = [], []
    for i, (r, w, target) in enumerate(zip(reqs, weights, targets)):
        # scaling by a positive integer keeps the order
        if method == "auto" and ev.is_monotone(i):
            curve: TopK | TreeKnapsack = TopK(r.tree, w, ev.top_sums(i))
        else:
            curve = TreeKnapsack(r.tree, w, cap=node_budget, keep_rows=False)
        curves.append(curve)
        mins.append(bisect_left(curve.table, target))  # the table is non-decreasing
    need = sum(mins)
    if need > node_budget:
        for i, (r, w, target) in enumerate(zip(reqs, weights, targets)):
            # beyond the capped table: the exact count, for the message
            if mins[i] == len(curves[i].table):
                mins[i] = bisect_left(
                    TreeKnapsack(r.tree, w, keep_rows=False).table, target
                )
        return make_invalid(
            f"the targets need at least {sum(mins)} non-root nodes in total but the "
            f"node budget is {node_budget} (budget {instance.budget}, {conv})"
        )

    spare = node_budget - need
    if all(type(c) is TopK for c in curves):
        # every curve's increments are its tree's sorted values (never increasing):
        # allocate's merge of concave curves, without building the curves' windows
        incs = [ev.sorted_values(i)[m : m + spare] for i, m in enumerate(mins)]
        goal = min(spare, sum(map(len, incs)))  # some optimum uses this many extras
        extra = concave_counts(incs, goal)
        best = sum((c.table[m + x] for c, m, x in zip(curves, mins, extra)), ev.zero)
        del incs
    else:
        gains = [c.table[m : m + spare + 1] for c, m in zip(curves, mins)]
        # some optimum uses exactly this many extras
        goal = min(spare, sum(len(g) - 1 for g in gains))
        extra = allocate(gains, goal)
        best = sum((g[x] for g, x in zip(gains, extra)), ev.zero)
        del gains
    # each a sorted tuple, in request order: make_ok's form
    sets = {r.id: c.subtree(m + x) for r, c, m, x in zip(reqs, curves, mins, extra)}
    # recomputed from the sets
    total = sum((ev.value(i, sets[r.id]) for i, r in enumerate(reqs)), ev.zero)
    if total != best:  # pragma: no cover - self-check
        raise AssertionError("dp read-back does not add up to the optimum")
    return Selection(OK, sets, ev.exact(total))


def optimum(instance: Instance) -> Fraction | None:
    """The exact optimal objective, or None when no feasible selection exists."""
    sel = solve_dp(instance)
    return sel.objective if sel.ok else None

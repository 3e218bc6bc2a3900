"""The quadratic tree DP: the oracle before issue 15, kept as an independent second
opinion.

This is the tree dynamic program that ``--solver dp`` used until the fast
combination of value curves (:mod:`verify.oracles.dp`) replaced it.  It is kept
unchanged, for the differential tests (tests/test_dp_vs_quadratic.py: the new DP must
find the same optimum as this one and as brute force) and for the benchmark
(benchmarks/bench_dp.py prints the ratio).  Do not use it on large inputs:
time and memory grow with the square of the tree sizes and of the budget
(an 8,000-node path takes 1.3 GB).

Exact with no premise on the scores: path probabilities may be non-monotone (a child's f
above its parent's), tied or zero; only ``f >= 0`` is used.  It shares no code
with the greedy, so it can judge it.

Terminology
-----------
count k
    The number of *non-root* nodes of a rooted subtree (the root is always in).
tree table
    ``table[k]`` for ``k = 0..len(tree)-1``: the largest total f (root's 1
    included) of a rooted subtree with exactly ``k`` non-root nodes.  Every k
    is achievable, and ``table`` is non-decreasing in k because f >= 0 and a
    rooted subtree that is not the whole tree can always grow by a node whose
    parent it contains.  Nothing assumes the table is concave.
feasible count
    A count k with ``table[k] >= target``.  By monotonicity of the table the
    feasible counts of a request are ``m..len(tree)-1`` where ``m`` is the
    *minimal feasible count*; no feasible count means the target exceeds the
    tree's total mass.
node budget
    :attr:`solver.model.Instance.node_budget`: what all non-root nodes may use
    together (the budget minus the roots when roots are charged).

Method
------
1. Per tree, a tree knapsack bottom-up over children (O(n^2) per tree); the
   split of each count between a node's children is stored, so one optimal
   subtree of any count can be read back.
2. Across requests, a knapsack over counts: request i takes ``k_i >= m_i``,
   ``sum k_i <= node budget``, maximise ``sum table_i[k_i]``.  Because every
   table is non-decreasing, some optimum uses exactly
   ``J = min(node budget - sum m_i, sum (n_i - 1 - m_i))`` extra nodes, so the
   DP keeps only the window of partial sums that can still end at ``J``.

All values are scaled to integers by the LCM of every denominator of the
instance (Python big ints), so the arithmetic is exact and fast; results are
turned back into Fractions.

>>> from fractions import Fraction as F
>>> from solver.model import Tree
>>> t = Tree.from_parents([-1, 0, 0, 1], [F(1), F(0), F(3, 4), F(1)])  # non-monotone
>>> [str(x) for x in tree_table(t)]
['1', '7/4', '2', '11/4']
>>> best_subtree(t, 2)  # node 1 (f = 0) is worth taking for its child 3 (f = 1)
(0, 1, 3)
>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 2, "requests": [
...     {"id": "a", "target": "1.6", "parent": [-1, 0, 0, 1], "prob": [1, "0.7", "0.2", "0.42"]},
...     {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]}]})
>>> sel = solve_dp(inst)
>>> sel.status, sel.objective
('OK', Fraction(16, 5))
>>> solve_dp(parse_instance({"budget": 0, "requests": [
...     {"id": "a", "target": 2, "parent": [-1, 0], "prob": [1, "0.5"]}]})).reason
"request 'a': target 2 exceeds the tree's total mass 3/2"
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import repeat
from operator import add
from typing import Iterable

from solver.model import Instance, Tree
from solver.numbers import fraction_str
from solver.selection import Selection, make_invalid, make_ok


def _scale_of(values: Iterable[Fraction]) -> int:
    """LCM of the denominators: multiplying by it makes every value an integer."""
    return math.lcm(*{Fraction(x).denominator for x in values}) if values else 1


def _scaled(x: Fraction, scale: int) -> int:
    return x.numerator * (scale // x.denominator)


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
        children = tree.children
        best: list = [None] * len(tree)
        # split[v][t][k]: nodes given to child t's subtree (0 = child not taken)
        # when v's subtree holds k non-root nodes among children 0..t
        split: list = [None] * len(tree)
        for v in reversed(tree.order):  # children before parents
            cur = [fint[v]]
            steps = []
            for c in children[v]:
                sub = best[c]
                lsub = len(sub)
                new = cur + [-1] * lsub  # values are >= 0, so -1 is "not yet reached"
                pick = [0] * len(new)
                for k1, a in enumerate(cur):
                    k = k1 + 1
                    for b in sub:
                        s = a + b
                        if s > new[k]:
                            new[k] = s
                            pick[k] = k - k1
                        k += 1
                cur = new
                steps.append(pick)
                best[c] = None  # merged: free it
            best[v] = cur
            split[v] = steps
        self.ints: list[int] = best[tree.root]
        self._split = split

    @property
    def table(self) -> list[Fraction]:
        scale = self.scale
        return [Fraction(x, scale) for x in self.ints]

    def subtree(self, k: int) -> tuple[int, ...]:
        """One rooted subtree with ``k`` non-root nodes worth ``table[k]`` (sorted
        nodes)."""
        tree, split = self.tree, self._split
        if not 0 <= k < len(tree):
            raise ValueError(f"count {k} out of range 0..{len(tree) - 1}")
        out = []
        stack = [(tree.root, k)]
        while stack:
            v, k = stack.pop()
            out.append(v)
            kids = tree.children[v]
            steps = split[v]
            for t in range(len(kids) - 1, -1, -1):
                a = steps[t][k]
                if a:
                    stack.append((kids[t], a - 1))
                    k -= a
        return tuple(sorted(out))


def tree_table(tree: Tree) -> list[Fraction]:
    """``table[k]``: best total f (root included) of a rooted subtree with k non-root
    nodes.

    >>> from fractions import Fraction as F
    >>> [str(x) for x in tree_table(Tree.from_parents([-1, 0, 1], [F(1), F(1, 2), F(1, 4)]))]
    ['1', '3/2', '7/4']
    """
    return TreeDP(tree).table


def best_subtree(tree: Tree, k: int) -> tuple[int, ...]:
    """One optimal rooted subtree with ``k`` non-root nodes (root included, sorted)."""
    return TreeDP(tree).subtree(k)


def solve_dp(instance: Instance) -> Selection:
    """An optimal selection, or INVALID with the reason; exact, any f in [0, 1]."""
    reqs = instance.requests
    node_budget = instance.node_budget
    conv = "roots charged" if instance.root_charged else "roots free"
    if node_budget < 0:
        return make_invalid(
            f"the {len(reqs)} roots alone exceed the budget {instance.budget} ({conv})"
        )
    values = [x for r in reqs for x in r.tree.f] + [r.target for r in reqs]
    scale = _scale_of(values)

    dps, mins, gains = [], [], []
    for r in reqs:
        dp = TreeDP(r.tree, scale)
        ints = dp.ints
        target = _scaled(r.target, scale)
        if ints[-1] < target:
            return make_invalid(
                f"request {r.id!r}: target {fraction_str(r.target)} exceeds the "
                f"tree's total mass {fraction_str(r.tree.mass)}"
            )
        m = 0
        while (
            ints[m] < target
        ):  # the table is non-decreasing: feasible counts are m..n-1
            m += 1
        dps.append(dp)
        mins.append(m)
        gains.append(ints[m:])  # gains[i][x]: value with x nodes beyond the minimum
    need = sum(mins)
    if need > node_budget:
        return make_invalid(
            f"the targets need at least {need} non-root nodes in total but the "
            f"node budget is {node_budget} (budget {instance.budget}, {conv})"
        )

    extras = [len(g) - 1 for g in gains]
    goal = min(
        node_budget - need, sum(extras)
    )  # some optimum uses exactly this many extras
    left = sum(extras)  # extras the requests not yet merged can still add
    lo, layer = 0, [0]  # layer[j - lo]: best total of the merged requests with j extras
    layers = [(lo, layer)]
    cum = 0
    for g, e in zip(gains, extras):
        cum += e
        left -= e
        nlo, nhi = max(0, goal - left), min(goal, cum)
        hi = lo + len(layer) - 1
        new = [-1] * (nhi - nlo + 1)  # every entry is reached (values >= 0 replace -1)
        for x in range(e + 1):
            p0, p1 = (
                max(lo, nlo - x),
                min(hi, nhi - x),
            )  # previous sums that land in range
            if p0 > p1:
                continue
            t0, t1 = p0 + x - nlo, p1 + x - nlo + 1
            shifted = map(add, layer[p0 - lo : p1 - lo + 1], repeat(g[x]))
            new[t0:t1] = [a if a > b else b for a, b in zip(new[t0:t1], shifted)]
        lo, layer = nlo, new
        layers.append((lo, layer))
    assert lo == goal and len(layer) == 1

    # read back one optimal count per request, last request first
    counts = [0] * len(reqs)
    j = goal
    for i in range(len(reqs) - 1, -1, -1):
        lo, layer = layers[i + 1]
        plo, prev = layers[i]
        want = layer[j - lo]
        g = gains[i]
        for x in range(len(g)):
            p = j - x - plo
            if 0 <= p < len(prev) and prev[p] + g[x] == want:
                break
        else:  # pragma: no cover - the DP guarantees a predecessor
            raise AssertionError("dp read-back found no predecessor")
        counts[i] = mins[i] + x
        j -= x
    sets = {r.id: dp.subtree(k) for r, dp, k in zip(reqs, dps, counts)}
    sel = make_ok(instance, sets)
    if sel.objective * scale != layers[-1][1][0]:  # pragma: no cover - self-check
        raise AssertionError("dp read-back does not add up to the optimum")
    return sel


def optimum(instance: Instance) -> Fraction | None:
    """The exact optimal objective, or None when no feasible selection exists."""
    sel = solve_dp(instance)
    return sel.objective if sel.ok else None

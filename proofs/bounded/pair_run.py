"""The symbolic run of Algorithm 1 on two requests (SLO phase, then throughput phase).

Terminology
-----------
targets ``A[i]``
    Any real numbers (symbolic): below 1, between, or above the tree's mass.
node budget ``nb``
    Any integer (symbolic, also negative): the budget left for non-root nodes,
    so one model covers roots-free (``nb = B``) and roots-charged
    (``nb = B - 2``) instances and every B.
SLO phase
    For request i in input order: ``while acc_i < A_i`` pick with the tree's
    GetTop; ``q[i]`` picks were made.  If the tree runs out first the target is
    unreachable.  INVALID iff some target is unreachable or ``q[0] + q[1] > nb``
    (the printed loop answers INVALID as soon as the budget is spent with a
    target unmet: the same condition).
throughput phase
    ``R = nb - q[0] - q[1]`` further picks, one per step, each the better of the
    two trees' next picks (``while B > 0``: the corrected loop, SPEC sec. 3
    item 1 and sec. 4); ties between the two requests may go either way;
    it stops early when both trees are exhausted.  ``c[i]``: picks of tree i
    in the end.

Within one tree every pick, in either phase, is that tree's GetTop on its own
selected set, so tree i's picks are the first ``c[i]`` steps of a single-tree
run (:class:`proofs.bounded.tree_run.TreeRun`); the throughput phase compares the f of
the two trees' next steps.  This is the algorithm's loop, not a summary of it.

>>> from proofs.bounded.shapes import Shape
>>> p = PairRun(
...     Shape.from_levels((0, 1)), Shape.from_levels((0,)), "frontier", ties=False
... )
>>> len(p.steps)
1
"""

from __future__ import annotations

import z3

from .shapes import Shape
from .tree_run import TreeRun


class PairRun:
    def __init__(self, shape_a: Shape, shape_b: Shape, greedy: str, *, ties: bool):
        self.trees = [
            TreeRun(shape_a, greedy, ties=ties, tag="a_"),
            TreeRun(shape_b, greedy, ties=ties, tag="b_"),
        ]
        self.greedy, self.ties = greedy, ties
        self.A = [z3.Real("A0"), z3.Real("A1")]
        self.nb = z3.Int("nb")
        self.q, self.reach, slo = zip(
            *(self._slo(t, a, i) for i, (t, a) in enumerate(zip(self.trees, self.A)))
        )
        self.invalid = z3.Or(
            z3.Not(self.reach[0]),
            z3.Not(self.reach[1]),
            self.q[0] + self.q[1] > self.nb,
        )
        self.steps: list[tuple] = []  # (active, tie-choice) per throughput step
        self.c, through = self._throughput()
        self.constraints = (
            [c for t in self.trees for c in t.base]
            + [c for part in slo for c in part]
            + through
        )

    def _slo(self, run: TreeRun, target, i):
        q = z3.Int(f"q{i}")
        acc = [run.acc(j) for j in range(run.m + 1)]
        out = [q >= 0, q <= run.m]
        out += [z3.Implies(j < q, acc[j] < target) for j in range(run.m)]
        out += [
            z3.Implies(q == j, z3.Or(acc[j] >= target, j == run.m))
            for j in range(run.m + 1)
        ]
        reach = z3.Or([z3.And(q == j, acc[j] >= target) for j in range(run.m + 1)])
        return q, reach, out

    @staticmethod
    def _next_f(run: TreeRun, count):
        """f of the step after ``count`` picks (0 if none is left; only read when one
        is)."""
        return (
            z3.Sum([z3.If(count == j, run.g[j], 0) for j in range(run.m)])
            if run.m
            else z3.RealVal(0)
        )

    def _throughput(self):
        ta, tb = self.trees
        a, b = self.q
        rest = self.nb - a - b
        out = []
        for t in range(1, ta.m + tb.m + 1):
            a2, b2 = z3.Int(f"ca{t}"), z3.Int(f"cb{t}")
            active = z3.And(z3.Not(self.invalid), t <= rest)
            more_a, more_b = a < ta.m, b < tb.m
            first = z3.Bool(f"tie_a{t}")  # which tree wins a tie: free
            fa, fb = self._next_f(ta, a), self._next_f(tb, b)
            stay = z3.And(a2 == a, b2 == b)
            take_a = z3.And(a2 == a + 1, b2 == b)
            take_b = z3.And(a2 == a, b2 == b + 1)
            out += [
                z3.Implies(z3.Not(z3.And(active, z3.Or(more_a, more_b))), stay),
                z3.Implies(z3.And(active, more_a, z3.Not(more_b)), take_a),
                z3.Implies(z3.And(active, more_b, z3.Not(more_a)), take_b),
                z3.Implies(
                    z3.And(active, more_a, more_b, first), z3.And(fa >= fb, take_a)
                ),
                z3.Implies(
                    z3.And(active, more_a, more_b, z3.Not(first)),
                    z3.And(fb >= fa, take_b),
                ),
            ]
            self.steps.append((z3.And(active, more_a, more_b, fa == fb), first))
            a, b = a2, b2
        return [a, b], out

    # ------------------------------------------------------------ the answer

    def chosen(self, i: int, v: int) -> z3.BoolRef:
        """Node v of request i is in the answer (meaningful when not INVALID)."""
        run = self.trees[i]
        if v == run.shape.root:
            return z3.BoolVal(True)
        return z3.Or(
            [z3.And(self.c[i] == j, run.sel[j][v]) for j in range(1, run.m + 1)]
        )

    def value(self, i: int, chosen) -> z3.ArithRef:
        run = self.trees[i]
        return z3.Sum([z3.If(chosen(i, v), run.f[v], 0) for v in range(run.shape.n)])

    def feasible(self, chosen) -> z3.BoolRef:
        """``chosen(i, v)`` is rooted per request, fits nb and meets both targets."""
        parts, used = [], []
        for i, run in enumerate(self.trees):
            sh = run.shape
            parts.append(chosen(i, sh.root))
            parts += [
                z3.Implies(chosen(i, v), chosen(i, sh.parent[v])) for v in sh.non_root
            ]
            used += [z3.If(chosen(i, v), 1, 0) for v in sh.non_root]
            parts.append(self.value(i, chosen) >= self.A[i])
        parts.append((z3.Sum(used) if used else z3.IntVal(0)) <= self.nb)
        return z3.And(parts)

    def tie_in_input_order(self) -> list:
        """Ties between the requests go to the first (as the concrete replays do)."""
        return [z3.Implies(tie, first) for tie, first in self.steps]

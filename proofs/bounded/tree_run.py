"""The symbolic run of one greedy on one tree shape, for every probability assignment.

Terminology
-----------
premise
    Real path probabilities ``f(v)`` per node with ``0 <= f <= 1``,
    ``f(root) = 1`` and ``f(child) < f(parent)`` (``<=`` with ties allowed).
greedy
    ``frontier``: the reference greedy's GetTop (solver/reference.py): pick an
    unselected node *whose parent is selected* with the largest f.  Ties may be
    broken *any* way (the reference's order -- smaller depth, then node index --
    is one of them), so what is proven holds for every tie-break.
    ``paper``: the paper-literal GetTop: pick the unselected node with the
    largest f among *all* unselected nodes, ties broken by the smaller node
    index.  The node indices are symbolic (``idx``: any permutation of
    ``0..n-1``), so one query covers every labeling of the shape.
step k
    The k-th pick, ``k = 1..m`` with ``m = n - 1`` (every non-root node is
    eventually picked).  ``sel[k][v]``: v is selected after k picks
    (``sel[0]`` is the root alone).  ``pick[k][v]``: v is picked at step k.
    ``g[k-1]``: the f of the k-th pick.

The encoding is the greedy's loop unrolled m times: at each step exactly one
node is picked; it must be a *candidate* (unselected; for ``frontier`` also:
its parent is selected); ``g`` equals its f and is at least the f of every
candidate; for ``paper`` a tied candidate may not have a smaller index.  Given
f (and idx) this admits exactly the runs the algorithm can make, so a claim
proven for every model of the encoding holds for every run of the algorithm.

>>> from proofs.bounded.shapes import Shape
>>> run = TreeRun(Shape.from_levels((0, 1, 1)), "frontier", ties=False)
>>> run.m, len(run.g), len(run.sel)
(2, 2, 3)
"""

from __future__ import annotations

import z3

from .shapes import Shape

GREEDIES = ("frontier", "paper")


class TreeRun:
    """Premise and unrolled loop of ``greedy`` on ``shape``; variable names carry
    ``tag``."""

    def __init__(self, shape: Shape, greedy: str, *, ties: bool, tag: str = ""):
        if greedy not in GREEDIES:
            raise ValueError(
                f"unknown greedy {greedy!r} (choose from {', '.join(GREEDIES)})"
            )
        self.shape, self.greedy, self.ties, self.tag = shape, greedy, ties, tag
        n, self.m = shape.n, shape.n - 1
        self.f = [z3.Real(f"{tag}f{v}") for v in range(n)]
        self.premise = self._premise()
        self.idx = (
            [z3.Int(f"{tag}idx{v}") for v in range(n)] if greedy == "paper" else None
        )
        self.sel: list[list[z3.BoolRef]] = [
            [z3.BoolVal(v == shape.root) for v in range(n)]
        ]
        self.pick: list[list[z3.BoolRef]] = [[]]  # pick[k], k >= 1
        self.g: list[z3.ArithRef] = []
        # the part of ``run`` that only says "one new node per step"
        self.skeleton: list = []
        self.run = self._labeling() + self._loop()

    # ------------------------------------------------------------ building

    def _premise(self) -> list:
        f, shape = self.f, self.shape
        out = [f[shape.root] == 1]
        for v in shape.non_root:
            p = shape.parent[v]
            out += [f[v] >= 0, f[v] <= 1, f[v] <= f[p] if self.ties else f[v] < f[p]]
        return out

    def _labeling(self) -> list:
        if self.idx is None:
            return []
        n = self.shape.n
        out = [z3.And(i >= 0, i < n) for i in self.idx]
        if n > 1:
            out.append(z3.Distinct(*self.idx))
        return out

    def candidate(self, k: int, v: int) -> z3.BoolRef:
        """v may be picked at step k (before the pick)."""
        prev = self.sel[k - 1]
        if self.greedy == "frontier":
            return z3.And(z3.Not(prev[v]), prev[self.shape.parent[v]])
        return z3.Not(prev[v])

    def _loop(self) -> list:
        shape, f, tag = self.shape, self.f, self.tag
        out = []
        for k in range(1, self.m + 1):
            pick = [z3.BoolVal(False)] + [
                z3.Bool(f"{tag}pick{k}_{v}") for v in shape.non_root
            ]
            gk = z3.Real(f"{tag}g{k}")
            self.pick.append(pick)
            self.g.append(gk)
            # one pick per step
            skel = [z3.PbEq([(pick[v], 1) for v in shape.non_root], 1)]
            skel += [
                z3.Implies(pick[v], z3.Not(self.sel[k - 1][v])) for v in shape.non_root
            ]
            ik = z3.Int(f"{tag}pickidx{k}") if self.idx is not None else None
            for v in shape.non_root:
                cand = self.candidate(k, v)
                out.append(z3.Implies(pick[v], z3.And(cand, gk == f[v])))
                out.append(z3.Implies(cand, gk >= f[v]))  # largest f among candidates
                if ik is not None:  # ties: no tied candidate has a smaller index
                    assert self.idx is not None, "ik exists only with idx"
                    out.append(z3.Implies(pick[v], ik == self.idx[v]))
                    out.append(z3.Implies(z3.And(cand, f[v] == gk), ik <= self.idx[v]))
            cur = [z3.BoolVal(True)] + [
                z3.Bool(f"{tag}sel{k}_{v}") for v in shape.non_root
            ]
            skel += [
                cur[v] == z3.Or(self.sel[k - 1][v], pick[v]) for v in shape.non_root
            ]
            self.skeleton += skel
            out += skel
            self.sel.append(cur)
        return out

    # ------------------------------------------------------------ terms

    @property
    def base(self) -> list:
        """Premise and run: every model is one run on one admissible input."""
        return self.premise + self.run

    def acc(self, j: int) -> z3.ArithRef:
        """Root's 1 plus the f of the first j picks (the SLO loop's ``acc``)."""
        return z3.Sum([z3.RealVal(1)] + self.g[:j]) if j else z3.RealVal(1)

    def lemma_count(self, k: int) -> z3.BoolRef:
        """After k steps exactly k non-root nodes are selected (proven step by step)."""
        return z3.Sum([z3.If(self.sel[k][v], 1, 0) for v in self.shape.non_root]) == k

    def lemma_sorted(self) -> z3.BoolRef:
        """The picks' f never increase (proven per shape, then assumed by LEM-C1/C2)."""
        return z3.And(
            [self.g[k] >= self.g[k + 1] for k in range(self.m - 1)]
            or [z3.BoolVal(True)]
        )

    def lemma_all_picked(self) -> z3.BoolRef:
        """After m steps every node is selected: steps and nodes correspond one to
        one."""
        return z3.And(
            [self.sel[self.m][v] for v in self.shape.non_root] or [z3.BoolVal(True)]
        )

    def order(self, model: z3.ModelRef) -> list[int]:
        """The picks of a model, in order."""
        out = []
        for k in range(1, self.m + 1):
            for v in self.shape.non_root:
                if z3.is_true(model.eval(self.pick[k][v], model_completion=True)):
                    out.append(v)
        return out

    def fix_order(self, order: list[int]) -> list:
        """Constraints forcing the first ``len(order)`` picks (to replay a concrete
        run)."""
        return [self.pick[k][v] for k, v in enumerate(order, start=1)]

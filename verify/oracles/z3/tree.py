"""Z3 facts about one candidate tree: the per-tree queries of the decomposed proof.

Every fact proved here is an ``unsat`` answer about the tree's own 0/1 node
variables (one Int in {0, 1} per non-root node, ``x_v <= x_parent``: rooted);
no fact of the paper is used.  Every model is a claim: it is turned into a
node set, checked in exact arithmetic (rooted, its count, the inequality it
was asked for) and must *improve* what is already known; otherwise it is a
:class:`~solver.errors.Z3Fault`.

Terminology
-----------
count
    Number of *non-root* nodes of a rooted subtree; the root is always in.
upto (K)
    The largest count considered: ``min(len(tree) - 1, max(node budget, 0))``
    (no feasible selection gives one tree more).
known
    For every count k <= K the best rooted subtree found so far (a *witness*,
    re-checked) and its value.  It starts from a chain of *grown* subtrees
    (the count-k witness plus its best frontier node: a heuristic) and only
    improves, with Z3's models.  Known values are lower bounds on the best.
exact count
    A count k for which Z3 answered ``unsat`` to "a rooted subtree with
    exactly k non-root nodes is worth more than known[k]": known[k] = U(k),
    the best value with count k.
minimal count
    N, proved by ``unsat`` of "a rooted subtree with at most N - 1 non-root
    nodes reaches the target" (and known[N] reaches it); None: no subtree
    with at most K non-root nodes reaches it.
Lagrangian bound (lam, M)
    ``unsat`` of "a rooted subtree with count c <= K reaching the target has
    f(S) - lam * c > M" (optionally: with c outside a given set of counts).

>>> from fractions import Fraction as F
>>> from verify.oracles.z3.common import Session
>>> # 0 -> 1 (f 0) -> 2 (f 1)
>>> t = Tree.from_parents([-1, 0, 1, 0], [F(1), F(0), F(1), F(1, 2)])
>>> p = TreeProver(Session(30), t, 3)
>>> [str(x) for x in p.known.values]          # grown: 3 first (1/2), then 1, then 2
['1', '3/2', '3/2', '5/2']
>>> p.prove_count(2), p.known.witnesses[2]    # Z3 finds {1, 2} worth 2 with two nodes
(Fraction(2, 1), (0, 1, 2))
>>> p.min_count(F(2))                         # one node never reaches 2; two nodes do
2
>>> # f(S) - count / 2 <= 3/2 for every S reaching 1
>>> p.exceeds(F(1, 2), F(3, 2), F(1)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

import z3

from solver.model import Tree
from solver.numbers import fraction_str
from verify.oracles.z3.common import Session, Z3Fault, rational


@dataclass(frozen=True)
class TreeTable:
    """Exact best value per count 0..K, each with its witness (root included,
    sorted)."""

    values: tuple[Fraction, ...]
    witnesses: tuple[tuple[int, ...], ...]


def _grow(tree: Tree, nodes: tuple[int, ...]) -> tuple[int, ...] | None:
    """The subtree plus its best frontier node (largest f, then smallest index); None if
    full."""
    have = set(nodes)
    frontier = [v for v in tree.non_root if v not in have and tree.parent[v] in have]
    if not frontier:
        return None
    best = max(frontier, key=lambda v: (tree.f[v], -v))
    return tuple(sorted(have | {best}))


class Known:
    """The best rooted subtree found so far for every count 0..upto (see module doc)."""

    def __init__(self, tree: Tree, upto: int, tick=lambda: None):
        self.tree, self.upto = tree, upto
        self.witnesses: list[tuple[int, ...]] = [(tree.root,)]
        self.values: list[Fraction] = [tree.value(self.witnesses[0])]
        for _ in range(upto):
            tick()
            grown = _grow(tree, self.witnesses[-1])
            assert grown is not None, "upto <= len(tree) - 1: never full here"
            self.witnesses.append(grown)
            self.values.append(tree.value(grown))

    def offer(self, nodes: tuple[int, ...]) -> bool:
        """Keep ``nodes`` (a checked rooted subtree) if it beats the known one of its
        count."""
        k = len(nodes) - 1
        value = self.tree.value(nodes)
        if value <= self.values[k]:
            return False
        self.witnesses[k], self.values[k] = nodes, value
        # a better count-k witness may grow into better larger ones
        while k < self.upto:
            grown = _grow(self.tree, self.witnesses[k])
            assert grown is not None, "k < upto <= len(tree) - 1: never full here"
            if self.tree.value(grown) <= self.values[k + 1]:
                break
            k += 1
            self.witnesses[k], self.values[k] = grown, self.tree.value(grown)
        return True


class TreeProver:
    """The Z3 queries about one tree, in one incremental solver of the session."""

    def __init__(self, session: Session, tree: Tree, upto: int, name: str = "t"):
        self.session, self.tree, self.upto, self.name = session, tree, upto, name
        ctx = session.ctx
        root = tree.root
        self.x = {v: z3.Int(f"{name}.x{v}", ctx) for v in tree.non_root}
        s = session.solver()
        for j, (v, xv) in enumerate(self.x.items()):
            if j % 256 == 255:
                session.tick()
            s.add(xv >= 0, xv <= 1)
            if tree.parent[v] != root:
                s.add(xv <= self.x[tree.parent[v]])  # rooted: a node needs its parent
        zero_i, zero_r = z3.IntVal(0, ctx), z3.RealVal(0, ctx)
        self.count = z3.Sum(list(self.x.values())) if self.x else zero_i
        terms = [
            rational(tree.f[v], ctx) * xv for v, xv in self.x.items() if tree.f[v] != 0
        ]
        self.gain = z3.Sum(terms) if terms else zero_r  # f(S) - f(root)
        self.base = tree.f[root]
        self.solver = s
        self.known = Known(tree, upto, session.tick)
        self.exact: set[int] = set()

    def _q(self, value: Fraction) -> z3.ExprRef:
        return rational(value, self.session.ctx)

    def _read(self, m: z3.ModelRef) -> tuple[int, ...]:
        return tuple(
            sorted(
                [self.tree.root]
                + [
                    v
                    for v, xv in self.x.items()
                    if m.eval(xv, model_completion=True).as_long() == 1
                ]
            )
        )

    def _ask(self, *constraints) -> tuple[int, ...] | None:
        """A rooted subtree satisfying ``constraints`` (checked rooted), or None on
        ``unsat``."""
        s = self.solver
        s.push()
        s.add(*constraints)
        found = None
        if self.session.check(s):
            found = self._read(s.model())
        s.pop()
        if found is not None and not (
            self.tree.is_rooted(found) and len(found) - 1 <= self.upto
        ):
            raise Z3Fault(
                f"tree {self.name!r}: Z3 model {found} is not a rooted subtree with at"
                f" most {self.upto} non-root nodes"
            )
        return found

    def _improve(self, nodes: tuple[int, ...], claim: str) -> None:
        if not self.known.offer(nodes):
            raise Z3Fault(
                f"tree {self.name!r}: Z3 model {nodes} ({claim}) is worth "
                f"{fraction_str(self.tree.value(nodes))}, no better than the known "
                f"{fraction_str(self.known.values[len(nodes) - 1])} of its count"
            )

    def prove_count(self, k: int) -> Fraction:
        """U(k): refine known[k] with Z3's better models until ``unsat``; k becomes
        exact."""
        if k not in self.exact:
            while (
                found := self._ask(
                    self.count == k,
                    self.gain > self._q(self.known.values[k] - self.base),
                )
            ) is not None:
                if len(found) != k + 1:
                    raise Z3Fault(
                        f"tree {self.name!r}: Z3 model {found} does not have {k}"
                        " non-root nodes"
                    )
                self._improve(found, f"count {k}")
            self.exact.add(k)
        return self.known.values[k]

    def table(self) -> TreeTable:
        """Every count exact: the full per-count table with witnesses."""
        values = [self.prove_count(k) for k in range(self.upto + 1)]
        return TreeTable(tuple(values), tuple(self.known.witnesses))

    def min_count(self, target: Fraction) -> int | None:
        """The proved minimal count reaching ``target`` (None: no count <= upto reaches
        it)."""
        known = self.known
        n = next((k for k, u in enumerate(known.values) if u >= target), None)
        while True:
            limit = self.upto if n is None else n - 1
            if limit < 0:
                return n
            found = self._ask(
                self.count <= limit, self.gain >= self._q(target - self.base)
            )
            if found is None:
                return n
            if not (len(found) - 1 <= limit and self.tree.value(found) >= target):
                raise Z3Fault(
                    f"tree {self.name!r}: Z3 model {found} does not reach"
                    f" {fraction_str(target)} with at most {limit} non-root nodes"
                )
            self._improve(found, f"reaches the target with {len(found) - 1} nodes")
            n = len(found) - 1

    def exceeds(
        self,
        lam: Fraction,
        bound: Fraction,
        target: Fraction,
        outside: Iterable[int] = (),
    ) -> tuple[int, ...] | None:
        """A subtree reaching ``target`` with f(S) - lam * count > bound (count not in
        ``outside``), re-checked and kept in ``known``; None when Z3 proves there is
        none."""
        ks = sorted(set(outside))
        found = self._ask(
            self.count <= self.upto,
            self.gain >= self._q(target - self.base),
            self.gain - self._q(lam) * self.count > self._q(bound - self.base),
            *[self.count != k for k in ks],
        )
        if found is None:
            return None
        c, value = len(found) - 1, self.tree.value(found)
        if not (value >= target and value - lam * c > bound and c not in ks):
            raise Z3Fault(
                f"tree {self.name!r}: Z3 model {found} does not have f -"
                f" {fraction_str(lam)} * count above {fraction_str(bound)} while"
                f" reaching {fraction_str(target)}"
            )
        self._improve(found, "beats the Lagrangian bound")
        return found

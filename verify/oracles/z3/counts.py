"""The count claim: one Z3 query over per-request counts, given exact per-count values.

Setting: for request i a *domain* D_i of counts and, for each k in D_i, the
exact best value U_i(k) of a rooted subtree with k non-root nodes (proved by
:mod:`verify.oracles.z3.tree`) with its witness.  The claim is

    counts c_i in D_i, sum c_i <= node budget, sum U_i(c_i) > V.

``unsat``: no selection whose counts lie in the domains is worth more than V.
``sat``: the witnesses W_i(c_i) form a selection worth sum U_i(c_i) > V; it is
re-checked by the exact checker (targets included) before it is believed.

Encodings (``form``; docs/z3-encoding.md compares them):

``onehot`` (used by the default pipeline, on small reduced domains)
    y_ik in {0, 1} for k in D_i, sum_k y_ik = 1; c_i = sum k y_ik,
    value_i = sum U_i(k) y_ik.  Exact for any domain.
``prefix``
    c_i = low + sum_j d_ij with d_ij in {0, 1} forced to a prefix
    (d_ij >= d_i,j+1); value_i = U_i(low) + sum_j d_ij (U_i(low+j) - U_i(low+j-1)).
    A prefix of m ones is worth exactly U_i(low + m), whatever the signs or
    order of the increments.  Needs U_i on the whole range low..high; counts
    of the range outside D_i are excluded by ``c_i != k``.
``increments``
    The same without the prefix constraints, over the increments of the
    *concave envelope* of U_i (a sound relaxation: any m increments are worth
    at most envelope(low + m) >= U_i(low + m)).  Exact when U_i is concave;
    otherwise a ``sat`` may name counts that are not worth more than V.

>>> from fractions import Fraction as F
>>> from solver.parse import parse_instance
>>> from verify.oracles.z3.common import Session
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "a", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]},
...     {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "1/3"]}]})
>>> values = [[F(1), F(3, 2)], [F(1), F(4, 3)]]
>>> witnesses = [[(0,), (0, 1)], [(0,), (0, 1)]]
>>> claim = CountClaim(Session(30), inst, values, witnesses, [[0, 1], [0, 1]], ONEHOT)
>>> claim.exists(above=F(5, 2)) is None      # one node in all: 3/2 + 1 is the most
True
>>> claim.selection(claim.exists(above=F(7, 3))).objective
Fraction(5, 2)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

import z3

from solver.model import Instance
from solver.selection import Selection
from verify.oracles.z3.common import Session, Z3Fault, believe, rational

PREFIX, INCREMENTS, ONEHOT = "prefix", "increments", "onehot"
FORMS = (ONEHOT, PREFIX, INCREMENTS)

Values = Sequence[Fraction] | Mapping[int, Fraction]


def _sum(terms: list, zero: z3.ExprRef) -> z3.ExprRef:
    return z3.Sum(terms) if terms else zero


class CountClaim:
    """The claim over counts for exact values ``values[i][k]`` on domains
    ``domains[i]``."""

    def __init__(
        self,
        session: Session,
        instance: Instance,
        values: Sequence[Values],
        witnesses: Sequence[Sequence | Mapping],
        domains: Sequence[Sequence[int]],
        form: str = ONEHOT,
    ):
        if form not in FORMS:
            raise ValueError(f"unknown count-claim form {form!r}")
        self.session, self.instance, self.form = session, instance, form
        self.values, self.witnesses = values, witnesses
        self.domains = [sorted(d) for d in domains]
        self.counts: list[z3.ArithRef] = []
        self.solver = None
        if not all(self.domains):
            return  # some request has no count at all: no selection, nothing to ask
        ctx = session.ctx
        s = session.solver()
        totals = []
        for i, domain in enumerate(self.domains):
            count, value = self._encode(s, i, values[i], domain, ctx)
            self.counts.append(count)
            totals.append(value)
        s.add(_sum(self.counts, z3.IntVal(0, ctx)) <= instance.node_budget)
        self.total = _sum(totals, z3.RealVal(0, ctx))
        self.solver = s

    def _encode(self, s, i, u, domain, ctx):
        zero_i, zero_r = z3.IntVal(0, ctx), z3.RealVal(0, ctx)
        if self.form == ONEHOT:
            ys = [z3.Int(f"y{i}.{k}", ctx) for k in domain]
            for y in ys:
                s.add(y >= 0, y <= 1)
            s.add(_sum(ys, zero_i) == 1)
            count = _sum([k * y for k, y in zip(domain, ys) if k != 0], zero_i)
            value = _sum(
                [rational(u[k], ctx) * y for k, y in zip(domain, ys) if u[k] != 0],
                zero_r,
            )
            return count, value
        low, high = domain[0], domain[-1]
        ds = [z3.Int(f"d{i}.{j}", ctx) for j in range(1, high - low + 1)]
        for d in ds:
            s.add(d >= 0, d <= 1)
        if self.form == PREFIX:
            deltas = [u[low + j] - u[low + j - 1] for j in range(1, high - low + 1)]
            for a, b in zip(ds, ds[1:]):
                s.add(a >= b)  # a prefix: m ones are worth exactly U(low + m)
        else:
            env = concave_envelope([u[k] for k in range(low, high + 1)])
            deltas = [env[j] - env[j - 1] for j in range(1, high - low + 1)]
        count = low + _sum(ds, zero_i)
        value = rational(u[low], ctx) + _sum(
            [rational(dl, ctx) * d for dl, d in zip(deltas, ds) if dl != 0], zero_r
        )
        inside = set(domain)
        for k in range(low + 1, high):
            if k not in inside:
                s.add(count != k)
        return count, value

    def exists(self, above: Fraction | None = None) -> list[int] | None:
        """Counts satisfying the claim (worth more than ``above``), or None if Z3 proves
        none."""
        if self.solver is None:
            return None
        s = self.solver
        s.push()
        if above is not None:
            s.add(self.total > rational(above, self.session.ctx))
        counts = None
        if self.session.check(s):
            m = s.model()
            counts = [m.eval(c, model_completion=True).as_long() for c in self.counts]
        s.pop()
        return counts

    def selection(
        self, counts: Sequence[int], above: Fraction | None = None
    ) -> Selection:
        """The witnesses W_i(c_i) as one selection, re-checked (worth more than
        ``above``)."""
        sets = {}
        for i, (r, c) in enumerate(zip(self.instance.requests, counts)):
            if c not in self.domains[i]:
                raise Z3Fault(
                    f"Z3 count {c} for request {r.id!r} is outside its domain"
                    f" {self.domains[i]}"
                )
            sets[r.id] = self.witnesses[i][c]
        return believe(
            self.instance, sets, above=above, what="selection from Z3's counts"
        )


def concave_envelope(u: Sequence[Fraction]) -> list[Fraction]:
    """The least concave majorant of ``u`` on 0..len(u)-1 (upper hull), exactly.

    >>> steps = [Fraction(0), Fraction(0), Fraction(2), Fraction(2)]
    >>> [str(x) for x in concave_envelope(steps)]
    ['0', '1', '2', '2']
    """
    hull: list[int] = []
    for k in range(len(u)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # b on or below the chord a..k
            if (u[b] - u[a]) * (k - a) <= (u[k] - u[a]) * (b - a):
                hull.pop()
            else:
                break
        hull.append(k)
    out = []
    for a, b in zip(hull, hull[1:]):
        for k in range(a, b):
            out.append(u[a] + (u[b] - u[a]) * (k - a) / (b - a))
    out.append(u[hull[-1]])
    return out

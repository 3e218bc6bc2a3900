"""The decomposed Z3 proof: per-tree facts, then small claims over per-request counts.

The direct encoding (:mod:`verify.oracles.z3.encoding`) puts every node of every tree
into one query; Z3 stalls on it beyond a few hundred 0/1 variables.  This
module reaches the same verdicts with small queries, using only the *shape*
of SPEC section 1 (trees are separate; the budget constrains counts alone;
a selection's value is the sum of its trees' values), never a fact the paper
proves (no top-k structure, no monotonicity, no concavity).  Candidates
(multipliers, allocations) come from heuristics in exact arithmetic and are
never trusted: only ``unsat`` answers and re-checked models are.
docs/z3-encoding.md gives the full soundness argument of every stage.

Stages (terms as in :mod:`verify.oracles.z3.tree`; B' = node budget, K_i = max count)
------------------------------------------------------------------------------
1. *Minimal counts.*  Per tree, N_i proved minimal (or the target proved
   unreachable within K_i).  Then "counts N_i <= c_i <= K_i with
   sum c_i <= B'" (Z3): ``unsat`` proves INFEASIBLE, else the known
   witnesses of counts N_i form a feasible selection (re-checked).
2. *Lagrangian bound.*  From the known values, a multiplier lam >= 0 (the
   threshold of the greedy allocation of concave-envelope increments) and
   M_i = max over the counts k known to reach the target of known_i(k) - lam * k.
   Per tree Z3 proves "no rooted S_i reaching the target with count c <= K_i
   has f(S_i) - lam * c > M_i"; each model is a better subtree, so the known
   values improve and the round is redone, until one round has no model.
   Then every feasible selection is worth at most L = sum M_i + lam * B'
   (sum f(S_i) <= sum (M_i + lam c_i) <= sum M_i + lam B', as lam >= 0).
3. *Refutation of V.*  If the best known allocation (a re-checked
   selection) is worth more than V: BETTER.  If L <= V: a last query on
   reals y_i <= M_i + lam c_i, integers 0 <= c_i <= K_i, sum c_i <= B',
   sum y_i > V must be ``unsat``: OPTIMAL ("lagrangian").  When the tables
   are concave (always for path probabilities), L equals the optimum.
4. *Duality gap* (L > V; G = L - V).  A selection worth more than V must
   have f(S_i) - lam c_i > M_i - G in every tree (the other trees give at
   most their M_j).  Per tree Z3 proves which counts can do that (a set
   D_i, grown by models until ``unsat`` outside it), the best value U_i(k)
   is proved exactly for k in D_i, counts with U_i(k) < A_i or
   U_i(k) - lam k <= M_i - G are dropped, and the one-hot count claim over
   the D_i decides: ``sat`` gives a better selection (re-checked), ``unsat``
   proves OPTIMAL ("reduced claim").

>>> from solver.parse import parse_instance
>>> from verify.oracles.z3.common import Session
>>> # 0 -> 1 (f 0) -> 2 (f 1): not concave
>>> inst = parse_instance({"budget": 3, "requests": [
...     {"id": "a", "target": 1, "parent": [-1, 0, 1], "prob": [1, 0, 1]},
...     {"id": "b", "target": 1, "parent": [-1, 0, 1], "prob": [1, 0, 1]}]},
...     allow_nonmonotone=True)
>>> dec = Decomposition(Session(30), inst)
>>> dec.candidate().objective                    # the greedy allocation: 2 + 1
Fraction(3, 1)
>>> dec.better_than(Fraction(3)) is None, dec.proof
(True, 'reduced claim')
>>> dec.better_than(Fraction(5, 2)).objective
Fraction(3, 1)
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction
from typing import Sequence, cast

import z3

from solver.model import Instance, Tree
from solver.numbers import fraction_str
from solver.selection import Selection
from verify.oracles.z3.common import Session, Z3Fault, believe, rational
from verify.oracles.z3.counts import ONEHOT, CountClaim, concave_envelope
from verify.oracles.z3.tree import TreeProver


def max_count(instance: Instance, tree: Tree) -> int:
    """K_i: the most non-root nodes a feasible selection can give this tree."""
    return min(len(tree) - 1, max(instance.node_budget, 0))


def _all_known(mins: list[int | None]) -> list[int]:
    """The minimal counts once none is None (every target is reachable)."""
    assert None not in mins, "a target no subtree reaches"
    return cast("list[int]", mins)


def _objective(sel: Selection) -> Fraction:
    """The objective of a re-checked selection (make_ok always sets it)."""
    assert sel.objective is not None, "an OK selection has its objective"
    return sel.objective


class Decomposition:
    """The stages of the module doc for one instance, in one session."""

    def __init__(self, session: Session, instance: Instance):
        self.session, self.instance = session, instance
        self.provers: list[TreeProver] = []
        for i, r in enumerate(instance.requests):
            session.tick()  # the deadline covers building the encoding too
            self.provers.append(
                TreeProver(session, r.tree, max_count(instance, r.tree), f"r{i}")
            )
        self.targets = [r.target for r in instance.requests]
        self.proof = ""  # the stage that gave the last "nothing better"
        self._mins: list[int | None] | None = None  # stage 1
        self._feasible: bool | None = None  # stage 1: None (unknown), True, False
        # stage 2: proved (lam, [M_i])
        self._multipliers: tuple[Fraction, list[Fraction]] | None = None
        # stage 4: (gap, [D_i]) proved for that gap
        self._keeps: tuple[Fraction, list[set[int]]] | None = None

    # ---------------------------------------------------------------- stage 1
    def minimal_counts(self) -> list[int | None]:
        if self._mins is None:
            self._mins = [p.min_count(t) for p, t in zip(self.provers, self.targets)]
        return self._mins

    def feasible(self) -> Selection | None:
        """A re-checked feasible selection, or None when Z3 proved that none exists."""
        mins = self.minimal_counts()
        if self._feasible is None:
            self._feasible = None not in mins and self._counts_fit(_all_known(mins))
        if not self._feasible:
            return None
        return self._selection(_all_known(mins))

    def _counts_fit(self, mins: Sequence[int]) -> bool:
        ctx = self.session.ctx
        s = self.session.solver()
        cs = [z3.Int(f"n{i}", ctx) for i in range(len(mins))]
        for c, n, p in zip(cs, mins, self.provers):
            s.add(c >= n, c <= p.upto)
        s.add((z3.Sum(cs) if cs else z3.IntVal(0, ctx)) <= self.instance.node_budget)
        return self.session.check(s)

    def infeasible_reason(self) -> str:
        inst = self.instance
        conv = "roots charged" if inst.root_charged else "roots free"
        if inst.node_budget < 0:
            return (
                f"the {len(inst.requests)} roots alone exceed the budget {inst.budget}"
                f" ({conv})"
            )
        mins = self.minimal_counts()
        for r, p, n in zip(inst.requests, self.provers, mins):
            if n is None:
                if p.upto == len(r.tree) - 1:
                    return (
                        f"request {r.id!r}: no rooted subtree reaches the target"
                        f" {fraction_str(r.target)} (Z3)"
                    )
                return (
                    f"request {r.id!r}: no rooted subtree with at most {p.upto}"
                    " non-root nodes (the node budget) reaches the target"
                    f" {fraction_str(r.target)} (Z3)"
                )
        need = sum(_all_known(mins))
        return (
            f"the targets need at least {need} non-root nodes in total (Z3-proved"
            f" minimal counts) but the node budget is {inst.node_budget} (budget"
            f" {inst.budget}, {conv})"
        )

    def _selection(
        self, counts: Sequence[int], above: Fraction | None = None
    ) -> Selection:
        sets = {
            r.id: p.known.witnesses[c]
            for r, p, c in zip(self.instance.requests, self.provers, counts)
        }
        return believe(
            self.instance, sets, above=above, what="selection from known witnesses"
        )

    # ---------------------------------------------------------------- stage 2
    def _allowed(self, i: int) -> list[int]:
        p, n, target = self.provers[i], self.minimal_counts()[i], self.targets[i]
        assert n is not None, "asked only once feasible"
        return [k for k in range(n, p.upto + 1) if p.known.values[k] >= target]

    def _m(self, i: int, lam: Fraction) -> Fraction:
        u = self.provers[i].known.values
        return max(u[k] - lam * k for k in self._allowed(i))

    def plan(self) -> tuple[Fraction, list[Fraction], list[int]]:
        """Candidates from the known values: lam, the M_i and the best allocation
        found."""
        allowed = [self._allowed(i) for i in range(len(self.provers))]
        low = [a[0] for a in allowed]
        # (envelope increment, request, step)
        incs: list[tuple[Fraction, int, int]] = []
        for i, (p, a) in enumerate(zip(self.provers, allowed)):
            env = concave_envelope(p.known.values[a[0] : a[-1] + 1])
            incs.extend((env[j] - env[j - 1], i, j) for j in range(1, len(env)))
        incs.sort(key=lambda e: (-e[0], e[1], e[2]))
        spare = self.instance.node_budget - sum(low)
        lam = (
            max(Fraction(0), incs[spare][0]) if 0 <= spare < len(incs) else Fraction(0)
        )
        ms = [self._m(i, lam) for i in range(len(self.provers))]
        by_envelope = list(low)
        for _, i, _ in incs[: max(spare, 0)]:
            by_envelope[i] += 1
        options = [
            c for c in (by_envelope, self._greedy(allowed)) if self._fits(c, allowed)
        ]
        best = max(options, key=self._value, default=list(low))
        return lam, ms, best

    def _value(self, counts: Sequence[int]) -> Fraction:
        return sum(
            (p.known.values[c] for p, c in zip(self.provers, counts)), Fraction(0)
        )

    def _fits(self, counts, allowed) -> bool:
        return sum(counts) <= self.instance.node_budget and all(
            c in a for c, a in zip(counts, allowed)
        )

    def _greedy(self, allowed) -> list[int]:
        """Minimal counts, then the best next known increment while budget lasts (a
        heuristic)."""
        sets = [set(a) for a in allowed]
        counts = [a[0] for a in allowed]
        left = self.instance.node_budget - sum(counts)
        heap: list[tuple[Fraction, int]] = []

        def push(i):
            c, u = counts[i] + 1, self.provers[i].known.values
            if c in sets[i]:
                heapq.heappush(heap, (-(u[c] - u[c - 1]), i))

        for i in range(len(counts)):
            push(i)
        while left > 0 and heap:
            _, i = heapq.heappop(heap)
            counts[i] += 1
            left -= 1
            push(i)
        return counts

    def stabilize(self) -> tuple[Fraction, list[Fraction]]:
        """Stage 2: rounds until Z3 finds no subtree above its tree's bound; the proved
        (lam, M)."""
        while self._multipliers is None:
            lam, ms, _ = self.plan()
            changed = False
            for i, p in enumerate(self.provers):
                while p.exceeds(lam, ms[i], self.targets[i]) is not None:
                    changed = True
                    ms[i] = self._m(i, lam)
            if not changed:
                self._multipliers = (lam, ms)
        return self._multipliers

    def candidate(self) -> Selection:
        """The best known allocation as a re-checked selection (instance known
        feasible)."""
        if self.feasible() is None:
            raise ValueError("no feasible selection: nothing to propose")
        return self._selection(self.plan()[2])

    # ---------------------------------------------------------------- stages 3, 4
    def better_than(self, value: Fraction) -> Selection | None:
        """A re-checked feasible selection worth more than ``value``, or None
        (Z3-proved)."""
        if self.feasible() is None:
            self.proof = "minimal counts"  # nothing is feasible at all
            return None
        lam, ms = self.stabilize()
        cand = self.candidate()
        if _objective(cand) > value:
            return cand
        budget = self.instance.node_budget
        gap = sum(ms, Fraction(0)) + lam * budget - value
        if gap <= 0:
            self._prove_sum(lam, ms, value)
            self.proof = "lagrangian"
            return None
        domains = self._domains(lam, ms, gap)
        self.proof = "reduced claim"
        claim = CountClaim(
            self.session,
            self.instance,
            [p.known.values for p in self.provers],
            [p.known.witnesses for p in self.provers],
            domains,
            ONEHOT,
        )
        counts = claim.exists(above=value)
        return None if counts is None else claim.selection(counts, above=value)

    def at_least(self, value: Fraction) -> Selection | None:
        """A re-checked feasible selection worth ``value`` or more, or None (Z3-proved).

        Every selection's value is a multiple of 1/D, D the least common
        multiple of all f denominators, so "worth >= V" is exactly "worth more
        than ceil(V * D) / D - 1/D".
        """
        d = math.lcm(*[x.denominator for r in self.instance.requests for x in r.tree.f])
        return self.better_than(Fraction(math.ceil(value * d) - 1, d))

    def maximize(self, hint: Fraction | None = None) -> Selection | None:
        """The optimum, re-checked, with Z3's proof that nothing is worth more; None:
        infeasible.

        Bisection between the best selection found and the proved bound:
        "worth more than the midpoint?" (``sat`` raises the best, ``unsat``
        lowers the bound), then "worth more than the best?" until ``unsat``.
        ``hint`` (another oracle's optimum, never trusted) is tried first.
        """
        if self.feasible() is None:
            self.proof = "minimal counts"
            return None
        lam, ms = self.stabilize()
        best = self.candidate()
        high = sum(ms, Fraction(0)) + lam * self.instance.node_budget
        proved = None  # the least value Z3 proved nothing exceeds
        final = ""

        def ask(value):
            nonlocal best, high, proved, final
            found = self.better_than(value)
            if found is None:
                high = min(high, value)
                proved = value if proved is None else min(proved, value)
                final = self.proof
            elif _objective(found) > _objective(best):
                best = found
            return found

        if hint is not None and hint > _objective(best):
            if (
                ask(hint) is None
                and (got := self.at_least(hint)) is not None
                and _objective(got) > _objective(best)
            ):
                best = got
        while proved is None or proved > _objective(best):
            mid = _objective(best) + (high - _objective(best)) / 2
            if mid > _objective(best) and ask(mid) is not None:
                continue
            ask(_objective(best))
        self.proof = final
        return best

    def _prove_sum(
        self, lam: Fraction, ms: Sequence[Fraction], value: Fraction
    ) -> None:
        """Stage 3: reals y_i <= M_i + lam c_i, sum c_i <= B' cannot sum to more than
        ``value``."""
        ctx = self.session.ctx
        s = self.session.solver()
        cs, ys = [], []
        for i, (p, m) in enumerate(zip(self.provers, ms)):
            c, y = z3.Int(f"c{i}", ctx), z3.Real(f"y{i}", ctx)
            s.add(c >= 0, c <= p.upto, y <= rational(m, ctx) + rational(lam, ctx) * c)
            cs.append(c)
            ys.append(y)
        s.add((z3.Sum(cs) if cs else z3.IntVal(0, ctx)) <= self.instance.node_budget)
        s.add((z3.Sum(ys) if ys else z3.RealVal(0, ctx)) > rational(value, ctx))
        if self.session.check(s):
            bound = sum(ms, Fraction(0)) + lam * self.instance.node_budget
            raise Z3Fault(
                f"Z3 finds the Lagrangian sum above {fraction_str(value)} although"
                f" exact arithmetic bounds it by {fraction_str(bound)}"
            )

    def _domains(
        self, lam: Fraction, ms: Sequence[Fraction], gap: Fraction
    ) -> list[list[int]]:
        """Stage 4: the counts each tree can still use, proved, with exact values on
        them."""
        # a set proved for a larger gap stays valid
        if self._keeps is None or self._keeps[0] < gap:
            keeps = []
            for i, p in enumerate(self.provers):
                floor = ms[i] - gap

                def promising(i=i, p=p, floor=floor):
                    return {
                        k
                        for k in self._allowed(i)
                        if p.known.values[k] - lam * k > floor
                    }

                keep = promising()
                while (
                    found := p.exceeds(lam, floor, self.targets[i], outside=keep)
                ) is not None:
                    keep |= {len(found) - 1} | promising()
                keeps.append(keep)
            self._keeps = (gap, keeps)
        out = []
        for i, (p, keep) in enumerate(zip(self.provers, self._keeps[1])):
            for k in sorted(keep):
                p.prove_count(k)
            u = p.known.values
            out.append(
                [
                    k
                    for k in sorted(keep)
                    if u[k] >= self.targets[i] and u[k] - lam * k > ms[i] - gap
                ]
            )
        return out

    # ---------------------------------------------------------------- for comparison
    def better_than_by_claim(self, value: Fraction, form: str) -> Selection | None:
        """Without stages 2 to 4: every count proved exact, one count claim of ``form``
        (benchmark)."""
        if self.feasible() is None:
            return None
        tables = [p.table() for p in self.provers]
        domains = [
            [k for k in range(n, len(t.values)) if t.values[k] >= a]
            for t, n, a in zip(tables, _all_known(self.minimal_counts()), self.targets)
        ]
        claim = CountClaim(
            self.session,
            self.instance,
            [t.values for t in tables],
            [t.witnesses for t in tables],
            domains,
            form,
        )
        self.proof = f"count claim ({form})"
        counts = claim.exists(above=value)
        return None if counts is None else claim.selection(counts, above=value)

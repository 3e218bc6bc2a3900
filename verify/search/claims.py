"""The catalogue: each claim with its paper reference, method and case generator.

A :class:`Claim` ties a property of :mod:`verify.search.properties` to the Hypothesis
strategy that feeds it and says how it is checked.  ``per_solver`` claims run
once per solver under test; the others are about trees and oracles and run
once.  :data:`PROFILES` sets how many cases and how large: ``examples`` per
claim, except ORACLES, which runs ``oracle_examples`` cases (each calls Z3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from verify.search import generators as gen
from verify.search import properties as prop

ALL_CLASSES = gen.PROB_CLASSES
TIE_CLASSES = ("grid", "decimal", "float16", "bfloat16")


@dataclass(frozen=True)
class Profile:
    name: str
    examples: int          # cases per claim and solver
    max_nodes: int
    max_requests: int
    oracle_examples: int   # ORACLES cases (each runs Z3)


PROFILES = {
    "smoke": Profile("smoke", 30, 5, 2, 30),  # for the project's own tests: seconds, not coverage
    "quick": Profile("quick", 300, 7, 3, 200),
    "thorough": Profile("thorough", 1500, 10, 4, 600),
}


@dataclass(frozen=True)
class Claim:
    id: str
    paper: str
    statement: str
    method: str
    check: Callable
    strategy: Callable[[Profile, bool], object]  # (profile, roots charged?) -> strategy
    per_solver: bool = True
    examples: Callable[[Profile], int] = lambda p: p.examples  # cases per run of this claim
    subject: Optional[str] = None  # the one solver a run-once claim is about (shown in the table)


def _instances(classes=ALL_CLASSES, *, single=False, targets=True):
    def make(p: Profile, charged, limits=None):
        kw = dict(max_nodes=p.max_nodes + (1 if single else 0), prob_classes=classes,
                  root_charged=charged, targets=targets)
        if single:
            kw.update(min_requests=1, max_requests=1)
        else:
            kw.update(max_requests=p.max_requests)
        if limits:  # what a solver under test handles (verify.commands.test_solver.Restrictions)
            kw["max_nodes"] = min(kw["max_nodes"], limits.get("max_nodes") or kw["max_nodes"])
            kw.update({k: limits[k] for k in ("max_depth", "max_width") if limits.get(k) is not None})
            if limits.get("single_request"):
                kw.update(min_requests=1, max_requests=1)
            if limits.get("no_targets"):
                kw["targets"] = False
        return gen.instances(**kw)
    return make


def _reference_optimal(solver, instance):
    from solver.reference import solve_reference
    return prop.check_optimal(solve_reference, instance)


CLAIMS: tuple[Claim, ...] = (
    Claim("APP-B", "App. B", "every returned selection is a rooted subtree (strict premise f(child) < f(parent))",
          "sampled, strictly decreasing f", prop.check_rooted, _instances(("strict",))),
    Claim("APP-B/ties", "App. B, premise dropped",
          "selections stay rooted when f ties (cond = 1) or is 0", "sampled, tie-prone classes",
          prop.check_rooted, _instances(TIE_CLASSES)),
    Claim("RULE-FORMAT", "Sec. 3 (output)", "the answer names every request once and only existing nodes",
          "sampled", prop.check_format, _instances()),
    Claim("RULE-BUDGET", "Sec. 3 (budget)", "the answer fits the budget", "sampled, exact count",
          prop.check_budget, _instances()),
    Claim("RULE-TARGET", "Sec. 3 (SLO)", "the answer meets every target", "sampled, exact sums",
          prop.check_target, _instances()),
    Claim("THM-P1", "App. C part 1", "INVALID only when no feasible selection exists",
          "sampled, vs tree DP", prop.check_invalid_sound, _instances()),
    Claim("THM-P2", "App. C part 2", "a feasible instance gets a feasible answer of optimal value",
          "sampled, vs tree DP", prop.check_optimal, _instances()),
    Claim("LEM-C1", "Lemma C.1", "the count reaching a target is the fewest any subset needs",
          "sampled, budgets probed, vs all subsets", prop.check_min_count, _instances(single=True)),
    Claim("LEM-C2", "Lemma C.2", "with budget b the answer is worth the best b-subset and best rooted b-subtree",
          "sampled, every b, vs all subsets and tree DP", prop.check_top_b,
          _instances(single=True, targets=False)),
    Claim("THM-3.1", "Thm 3.1", "E[acc(T)] of the verification walk equals the sum of f over T",
          "sampled, exact walk enumeration", prop.check_expected_acceptance,
          lambda p, charged: gen.acceptance_cases(p.max_nodes + 1), per_solver=False),
    Claim("THM-4.1", "Thm 4.1", "a beam of depth D_opt and width B contains an optimal selection (strict premise)",
          "sampled, tree DP inside vs outside the beam", prop.check_beam_contains_optimum,
          _instances(("strict",)), per_solver=False),
    Claim("THM-4.1/ties", "Thm 4.1, premise dropped", "the same with ties and zeros",
          "sampled, tree DP inside vs outside the beam", prop.check_beam_contains_optimum,
          _instances(TIE_CLASSES), per_solver=False),
    Claim("THM-P2/nonmonotone", "App. C part 2, premise dropped (SPEC 3.8)",
          "the greedy stays optimal when f may grow along a path (scores that are not path probabilities)",
          "sampled, reference greedy vs tree DP, non-monotone f", _reference_optimal,
          lambda p, charged: gen.instances(max_nodes=p.max_nodes, max_requests=p.max_requests,
                                           monotone=False, root_charged=charged,
                                           scores_axis="scores/always", budget_axis="budget/tight",
                                           # with one free node the best frontier node is optimal
                                           min_extra=2),
          per_solver=False, subject="reference"),
    Claim("ORACLES", "(the judges)", "tree DP, Z3 and brute force agree on status and exact optimum, "
          "every answer passes the checker (non-monotone inputs too)",
          "sampled, DP vs Z3 vs all combinations (<= 10 nodes)", prop.check_oracles,
          lambda p, charged: gen.oracle_instances(p.max_nodes, p.max_requests, root_charged=charged),
          per_solver=False, examples=lambda p: p.oracle_examples),
)

CLAIMS_BY_ID = {c.id: c for c in CLAIMS}

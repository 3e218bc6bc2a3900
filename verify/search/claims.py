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
# APP-B's premise: strict, and the merge classes (strict exactly)
STRICT_CLASSES = gen.STRICT_CLASSES


@dataclass(frozen=True)
class Profile:
    name: str
    examples: int  # cases per claim and solver
    max_nodes: int
    max_requests: int
    oracle_examples: int  # ORACLES cases (each runs Z3)


PROFILES = {
    "smoke": Profile(
        "smoke", 30, 5, 2, 30
    ),  # for the project's own tests: seconds, not coverage
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
    # (profile, roots charged?, limits=None) -> strategy
    strategy: Callable[..., object]
    per_solver: bool = True
    # cases per run of this claim
    examples: Callable[[Profile], int] = lambda p: p.examples
    subject: Optional[str] = (
        None  # the one solver a run-once claim is about (shown in the table)
    )
    classes: tuple[
        str, ...
    ] = ()  # the value classes its cases draw (() : none, e.g. THM-3.1)
    one_request: bool = False  # judges one request at a time (LEM-C1, LEM-C2)


def _limited(kw: dict, classes, limits: Optional[dict], single: bool) -> dict:
    """``kw`` for :func:`verify.search.generators.instance_json` narrowed to ``limits``
    (the :meth:`~verify.search.restrictions.Restrictions.generator_kwargs` of a run)."""
    if not limits:
        return kw
    from verify.search.restrictions import Restrictions

    r = Restrictions.from_json(limits)
    kw["max_nodes"] = min(kw["max_nodes"], r.max_nodes or kw["max_nodes"])
    kw.update(
        {
            k: limits[k]
            for k in (
                "max_depth",
                "max_width",
                "min_nodes",
                "chains",
                "min_budget",
                "precision",
            )
            if limits.get(k) is not None
        }
    )
    kw["prob_classes"] = r.classes(classes)
    if r.single_request:
        kw.update(min_requests=1, max_requests=1)
    if r.no_targets:
        kw["targets"] = False
    if single and r.min_budget:
        # LEM-C1/C2 probe node budgets from min_budget (less a charged root): the tree
        # must offer one
        charged = kw.get("root_charged")
        kw["min_nodes"] = max(
            kw.get("min_nodes", 1), r.min_budget - (1 if charged else 0) + 1
        )
    return kw


def _instances(classes=ALL_CLASSES, *, single=False, targets=True):
    def make(p: Profile, charged, limits=None):
        kw = dict(
            max_nodes=p.max_nodes + (1 if single else 0),
            prob_classes=classes,
            root_charged=charged,
            targets=targets,
        )
        if single:
            kw.update(min_requests=1, max_requests=1)
        else:
            kw.update(max_requests=p.max_requests)
        return gen.instances(**_limited(kw, classes, limits, single))

    return make


def _values(classes, limits: Optional[dict]):
    """The value classes of ``classes`` that ``limits`` (only ``values`` matters here)
    admit."""
    from verify.search.restrictions import Restrictions

    return Restrictions.from_json(limits).classes(classes) if limits else tuple(classes)


def _reference_optimal(solver, instance, restrictions=None):
    from solver.reference import solve_reference

    return prop.check_optimal(solve_reference, instance)


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "APP-B",
        "App. B",
        "every returned selection is a rooted subtree (strict premise f(child) <"
        " f(parent))",
        "sampled, strictly decreasing f",
        prop.explained(prop.check_rooted),
        _instances(STRICT_CLASSES),
        classes=STRICT_CLASSES,
    ),
    Claim(
        "APP-B/ties",
        "App. B, premise dropped",
        "selections stay rooted when f ties (cond = 1) or is 0",
        "sampled, tie-prone classes",
        prop.explained(prop.check_rooted),
        _instances(TIE_CLASSES),
        classes=TIE_CLASSES,
    ),
    Claim(
        "RULE-FORMAT",
        "Sec. 3 (output)",
        "the answer names every request once and only existing nodes",
        "sampled",
        prop.explained(prop.check_format),
        _instances(),
        classes=ALL_CLASSES,
    ),
    Claim(
        "RULE-BUDGET",
        "Sec. 3 (budget)",
        "the answer fits the budget",
        "sampled, exact count",
        prop.explained(prop.check_budget),
        _instances(),
        classes=ALL_CLASSES,
    ),
    Claim(
        "RULE-TARGET",
        "Sec. 3 (SLO)",
        "the answer meets every target",
        "sampled, exact sums",
        prop.explained(prop.check_target),
        _instances(),
        classes=ALL_CLASSES,
    ),
    Claim(
        "THM-P1",
        "App. C part 1",
        "INVALID only when no feasible selection exists",
        "sampled, vs tree DP",
        prop.explained(prop.check_invalid_sound),
        _instances(),
        classes=ALL_CLASSES,
    ),
    Claim(
        "THM-P2",
        "App. C part 2",
        "a feasible instance gets a feasible answer of optimal value",
        "sampled, vs tree DP",
        prop.explained(prop.check_optimal),
        _instances(),
        classes=ALL_CLASSES,
    ),
    Claim(
        "LEM-C1",
        "Lemma C.1",
        "the count reaching a target is the fewest any subset needs",
        "sampled, budgets probed, vs all subsets",
        prop.explained(prop.check_min_count),
        _instances(single=True),
        classes=ALL_CLASSES,
        one_request=True,
    ),
    Claim(
        "LEM-C2",
        "Lemma C.2",
        "with budget b the answer is worth the best b-subset and best rooted b-subtree",
        "sampled, every b, vs all subsets and tree DP",
        prop.explained(prop.check_top_b),
        _instances(single=True, targets=False),
        classes=ALL_CLASSES,
        one_request=True,
    ),
    Claim(
        "THM-3.1",
        "Thm 3.1",
        "E[acc(T)] of the verification walk equals the sum of f over T",
        "sampled, exact walk enumeration",
        prop.check_expected_acceptance,
        lambda p, charged, limits=None: gen.acceptance_cases(p.max_nodes + 1),
        per_solver=False,
    ),
    Claim(
        "THM-4.1",
        "Thm 4.1",
        "a beam of depth D_opt and width B contains an optimal selection (strict"
        " premise)",
        "sampled, tree DP inside vs outside the beam",
        prop.check_beam_contains_optimum,
        _instances(("strict",)),
        per_solver=False,
        classes=("strict",),
    ),
    Claim(
        "THM-4.1/ties",
        "Thm 4.1, premise dropped",
        "the same with ties and zeros",
        "sampled, tree DP inside vs outside the beam",
        prop.check_beam_contains_optimum,
        _instances(TIE_CLASSES),
        per_solver=False,
        classes=TIE_CLASSES,
    ),
    Claim(
        "THM-P2/nonmonotone",
        "App. C part 2, premise dropped (SPEC 3.8)",
        "the greedy stays optimal when f may grow along a path (scores that are not"
        " path probabilities)",
        "sampled, reference greedy vs tree DP, non-monotone f",
        _reference_optimal,
        lambda p, charged, limits=None: gen.instances(
            max_nodes=p.max_nodes,
            max_requests=p.max_requests,
            monotone=False,
            root_charged=charged,
            scores_axis="scores/always",
            budget_axis="budget/tight",
            # with one free node the best frontier node is optimal
            min_extra=2,
            prob_classes=_values(ALL_CLASSES, limits),
        ),
        per_solver=False,
        subject="reference",
        classes=ALL_CLASSES,
    ),
    Claim(
        "ORACLES",
        "(the judges)",
        "tree DP, Z3 and brute force agree on status and exact optimum, "
        "every answer passes the checker (non-monotone inputs too)",
        "sampled, DP vs Z3 vs all combinations (<= 10 nodes)",
        prop.check_oracles,
        lambda p, charged, limits=None: gen.oracle_instances(
            p.max_nodes,
            p.max_requests,
            root_charged=charged,
            prob_classes=_values(ALL_CLASSES, limits),
        ),
        per_solver=False,
        examples=lambda p: p.oracle_examples,
        classes=ALL_CLASSES,
    ),
)

CLAIMS_BY_ID = {c.id: c for c in CLAIMS}

"""Running one claim against one solver: Hypothesis search, shrinking, verdict.

:func:`run_claim` drives a property of :mod:`verify.search.properties` with the
claim's strategy, stops at the first counterexample, lets Hypothesis shrink it
to a smallest one, and returns a :class:`ClaimResult`:

``verified``        no counterexample in ``cases`` generated cases
``counterexample``  the smallest failing case found (instance, condition, answers)
``inconclusive``    an exact method could not decide on some case (never a pass),
                    or our own code failed (reported with the error), or the solver
                    declined most generated inputs

A *declined* case (the solver answered UNSUPPORTED: :class:`solver.errors.Declined`)
is counted with its generated classes and reason, never judged, and rejected so
that Hypothesis draws another input in its place.
"""

from __future__ import annotations

import time
import traceback
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, seed as hypothesis_seed, settings
from hypothesis.errors import Unsatisfiable

from solver.errors import Inconclusive
from solver.model import Instance
from solver.numbers import fraction_str

from verify.search import generators
from verify.search.claims import Claim, Profile
from verify.search.minimize import reduce_instance
from solver.errors import Declined
from verify.search.properties import Failure

VERIFIED, COUNTEREXAMPLE, INCONCLUSIVE = "verified", "counterexample", "inconclusive"


@dataclass
class ClaimResult:
    claim: str
    paper: str
    method: str
    solver: Optional[str]
    must_hold: bool
    verdict: str
    cases: int
    seconds: float
    seed: int
    classes: Counter = field(default_factory=Counter)
    counterexample: Optional[dict] = None   # see counterexample_record
    note: Optional[str] = None              # why inconclusive, or other remarks
    declined: int = 0                       # generated inputs the solver declined (not judged)
    declined_classes: Counter = field(default_factory=Counter)  # case_classes of declined cases
    declined_reasons: Counter = field(default_factory=Counter)
    judged_classes: Counter = field(default_factory=Counter)    # case_classes of judged cases
    axis_cases: Counter = field(default_factory=Counter)        # judged cases that draw each axis

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in ("claim", "paper", "method", "solver", "must_hold", "verdict",
                                             "cases", "seed", "counterexample", "note")}
        out["seconds"] = round(self.seconds, 3)
        out["classes"] = dict(sorted(self.classes.items()))
        out["axis_cases"] = dict(sorted(self.axis_cases.items()))
        if self.declined:
            out["declined"] = {"cases": self.declined, "classes": dict(sorted(self.declined_classes.items())),
                               "reasons": dict(self.declined_reasons.most_common())}
        return out


class _Found(AssertionError):
    pass


class _GaveUp(Exception):
    """So many inputs were declined that the verdict can only be inconclusive: stop calling the solver."""


def case_classes(case: Any, labels: list[str]) -> set[str]:
    """One case's classes, to tell which inputs a solver declines: its labels and its sizes.

    >>> from solver.parse import parse_instance
    >>> sorted(case_classes(parse_instance({"budget": 0, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]}), ["prob:grid"]))
    ['budget=0', 'depth=1', 'nodes=3', 'prob:grid', 'requests=1', 'width=2']
    """
    out = set(labels)
    if isinstance(case, Instance):
        out.add(f"requests={len(case.requests)}")
        out.add(f"budget={case.budget}" if case.budget < 3 else "budget=3+")
        if case.requests:
            out.add(f"nodes={max(len(r.tree) for r in case.requests)}")
            out.add(f"width={max(len(k) for r in case.requests for k in r.tree.children)}")
            out.add(f"depth={max(r.tree.height for r in case.requests)}")
    return out


def describe(instance: Instance) -> str:
    """An instance in one line: ``B=2 roots free | r0: A=8/5 parent=[-1,0,0] f=[1,1/2,1/2]``."""
    conv = "charged" if instance.root_charged else "free"
    parts = [f"B={instance.budget} roots {conv}"]
    for r in instance.requests:
        f = ",".join(fraction_str(x) for x in r.tree.f)
        parent = ",".join(str(p) for p in r.tree.parent)
        parts.append(f"{r.id}: A={fraction_str(r.target)} parent=[{parent}] f=[{f}]")
    return " | ".join(parts)


def counterexample_record(case: Any, failure: Failure) -> dict:
    inst = failure.instance if failure.instance is not None else case
    rec: dict[str, Any] = {"condition": failure.condition}
    if isinstance(inst, Instance):
        rec["instance"] = inst.to_json()
        rec["summary"] = describe(inst)
        if inst is not case and isinstance(case, Instance):  # derived (LEM-C1/C2): keep the input to replay
            rec["case"] = case.to_json()
    else:  # THM-3.1 cases: (tree, nodes)
        tree, nodes = case
        rec["summary"] = (f"parent={list(tree.parent)} cond=[{','.join(fraction_str(x) for x in tree.cond)}] "
                          f"subtree={sorted(nodes)}")
        rec["tree"] = {"parent": list(tree.parent), "cond": [fraction_str(x) for x in tree.cond],
                       "subtree": sorted(nodes)}
    if failure.output is not None:
        rec["output"] = failure.output.to_json()
    if failure.optimum is not None:
        rec["optimum"] = fraction_str(failure.optimum)
    if failure.optimal_selection is not None:
        rec["optimal"] = failure.optimal_selection.to_json()
    return rec


def case_seed(claim_id: str, seed: int) -> int:
    """The Hypothesis seed of one claim in a run with ``seed``.

    Claims with the same strategy would otherwise check the very same cases;
    each claim gets its own stream, the same for every solver (so the paper
    variants meet the cases the reference passed) and on every run.

    >>> case_seed("THM-P1", 0) != case_seed("THM-P2", 0), case_seed("THM-P1", 0) == case_seed("THM-P1", 0)
    (True, True)
    """
    return seed * 2**32 + zlib.crc32(claim_id.encode())


def _search_settings(examples: int):
    return settings(max_examples=examples, database=None, deadline=None,
                    derandomize=False, verbosity=Verbosity.quiet, print_blob=False,
                    suppress_health_check=list(HealthCheck),
                    phases=[p for p in Phase if p != Phase.explain])  # explain reruns the failure: unused here


def count_case(classes: Counter, axis_cases: Counter, labels) -> None:
    """Count one case: each class it exercises once, and each axis it draws once.

    >>> c, a = Counter(), Counter()
    >>> count_case(c, a, ["prob:grid", "prob:grid", "prob:strict", "roots:free"])
    >>> sorted(c.items()), sorted(a.items())
    ([('prob:grid', 1), ('prob:strict', 1), ('roots:free', 1)], [('prob', 1), ('roots', 1)])
    """
    present = set(labels)
    classes.update(present)
    axis_cases.update({label.partition(":")[0] for label in present})


def sample_classes(claim: Claim, profile: Profile, *, seed: int = 0, root_charged: Optional[bool] = None,
                   examples: Optional[int] = None) -> tuple[Counter, Counter]:
    """``(classes, axis_cases)`` as :func:`run_claim` counts them when no case fails, without
    running any check.

    Same strategy, seed and Hypothesis settings, so the same cases: what the
    generated-classes table of a run where the claim holds counts (tests and
    tuning of :data:`verify.search.generators.WEIGHTS`).  Same process, same cases:
    Hypothesis also draws constants found in the imported project modules.

    >>> from verify.search.claims import CLAIMS_BY_ID, PROFILES
    >>> classes, axes = sample_classes(CLAIMS_BY_ID["APP-B"], PROFILES["smoke"])
    >>> sorted(k for k in classes if k.startswith("prob:")), axes["roots"] == PROFILES["smoke"].examples
    (['prob:strict'], True)
    """
    classes: Counter = Counter()
    axis_cases: Counter = Counter()
    generators.take_labels()

    @_search_settings(examples or claim.examples(profile))
    @given(generators.labelled(claim.strategy(profile, root_charged)))
    def sample(case):
        count_case(classes, axis_cases, generators.take_labels())

    hypothesis_seed(case_seed(claim.id, seed))(sample)()
    return classes, axis_cases


def _reduce(claim: Claim, solver, case: Instance, failure: Failure) -> tuple[Instance, Failure]:
    """Hypothesis's shrunk case, reduced further by :mod:`verify.search.minimize`; re-checked, so still a counterexample."""
    latest = {"failure": failure}

    def still_fails(instance: Instance) -> bool:
        found = claim.check(solver, instance)
        if found is not None:
            latest["failure"] = found  # reduce_instance keeps exactly the candidates that fail
        return found is not None

    smaller, _ = reduce_instance(case, still_fails)
    return (smaller, latest["failure"]) if smaller is not case else (case, failure)


def run_claim(claim: Claim, profile: Profile, *, solver_name: Optional[str] = None,
              solver: Optional[Callable] = None, must_hold: bool = True, seed: int = 0,
              root_charged: Optional[bool] = None, examples: Optional[int] = None,
              strategy=None) -> ClaimResult:
    """Search for a counterexample to ``claim`` (on ``solver`` when the claim is per solver).

    ``strategy`` replaces the claim's own case strategy (test-solver passes one
    restricted to what the solver under test claims to handle).
    """
    state: dict[str, Any] = {"cases": 0, "found": None, "inconclusive": 0, "last_inconclusive": None,
                             "declined": 0}
    classes: Counter = Counter()
    axis_cases: Counter = Counter()
    declined_classes: Counter = Counter()
    declined_reasons: Counter = Counter()
    judged_classes: Counter = Counter()
    generators.take_labels()
    examples = examples or claim.examples(profile)
    max_declined = 3 * examples + 20

    @_search_settings(examples)
    @given(generators.labelled(strategy if strategy is not None else claim.strategy(profile, root_charged)))
    def search(case):
        labels = generators.take_labels()
        if state["declined"] > max_declined:
            raise _GaveUp()  # also while Hypothesis "shrinks" this: no more solver calls
        try:
            failure = claim.check(solver, case)
        except Inconclusive as exc:
            state["inconclusive"] += 1
            state["last_inconclusive"] = str(exc)
            return
        except Declined as exc:  # not judged: count it, let Hypothesis draw another input
            if state["found"] is None:
                state["declined"] += 1
                declined_classes.update(case_classes(case, labels))
                declined_reasons[str(exc)] += 1
            reject()
        if state["found"] is None:
            state["cases"] += 1
            count_case(classes, axis_cases, labels)
            judged_classes.update(case_classes(case, labels))
        if failure is not None:
            state["found"] = (case, failure)  # the last one recorded is Hypothesis's shrunk case
            raise _Found(failure.condition)

    search = hypothesis_seed(case_seed(claim.id, seed))(search)
    start = time.perf_counter()
    verdict, note = VERIFIED, None
    try:
        search()
    except _Found:
        verdict = COUNTEREXAMPLE
    except Unsatisfiable:  # every generated input was declined
        verdict = INCONCLUSIVE
        note = f"the solver declined all {state['declined']} generated inputs"
    except _GaveUp:
        verdict = INCONCLUSIVE
        note = (f"gave up: the solver declined {state['declined']} generated inputs "
                f"({state['cases']} judged)")
    except Exception as exc:  # our own fault: never a pass
        verdict = INCONCLUSIVE
        note = f"internal error: {type(exc).__name__}: {exc} " + traceback.format_exc(limit=3).replace("\n", " | ")
    if verdict == VERIFIED and state["inconclusive"]:
        verdict = INCONCLUSIVE
        note = f"{state['inconclusive']} cases undecided, e.g. {state['last_inconclusive']}"
    if verdict == VERIFIED and state["declined"] > state["cases"]:
        verdict = INCONCLUSIVE
        note = (f"the solver declined most generated inputs ({state['declined']} of "
                f"{state['declined'] + state['cases']}); not a pass")
    elif verdict == VERIFIED and state["declined"]:
        note = f"{state['declined']} of {state['declined'] + state['cases']} generated inputs declined (not judged)"
    record = None
    if verdict == COUNTEREXAMPLE:
        case, failure = state["found"]
        if isinstance(case, Instance):
            case, failure = _reduce(claim, solver, case, failure)
        record = counterexample_record(case, failure)
    seconds = time.perf_counter() - start
    return ClaimResult(claim.id, claim.paper, claim.method, solver_name if claim.per_solver else claim.subject,
                       must_hold, verdict, state["cases"], seconds, seed, classes, record, note,
                       state["declined"], declined_classes, declined_reasons, judged_classes, axis_cases)


def declined_by_class(results: list[ClaimResult]) -> list[tuple[str, int, int]]:
    """(class, declined, generated) for every class a declined input had, highest decline rate first.

    Classes are the generator's labels (``budget:zero``, ``shape:star``) and the
    case's sizes (``requests=2``, ``width=3``, ``budget=0``): see
    :func:`case_classes`.
    """
    declined, judged = Counter(), Counter()
    for x in results:
        declined.update(x.declined_classes)
        judged.update(x.judged_classes)
    rows = [(c, n, n + judged[c]) for c, n in declined.items()]
    return sorted(rows, key=lambda r: (-r[1] / r[2], -r[1], r[0]))

"""One claim's search: running one claim against one solver (Hypothesis search,
shrinking, verdict).  Not to be confused with the ``campaign`` command
(:mod:`verify.commands.campaign`), which runs many seeds of whole plans.

:func:`run_claim` drives a property of :mod:`verify.search.properties` with the
claim's strategy, lets Hypothesis shrink each counterexample to a smallest one,
reduces it further (:mod:`verify.search.minimize`), and returns a
:class:`ClaimResult`:

``verified``        no counterexample in ``cases`` generated cases
``counterexample``  one or more *findings*: the smallest failing case of each distinct
                    failure signature found (instance, condition, answers)
``inconclusive``    an exact method could not decide on some case (never a pass),
                    or our own code failed (reported with the error), or the solver
                    declined most generated inputs

Terminology
-----------
signature
    ``(property, rule, kind)`` of a failure
    (:func:`verify.search.properties.signature`): failures with the same signature are
    one defect.
finding
    One signature with its smallest case.  With ``max_findings`` N the search goes on
    after a counterexample, within the same example budget, and keeps up to N findings
    of distinct signatures; each is shrunk on its own, and shrinking and reduction keep
    a smaller case only when it fails with that same signature and lies inside the
    restrictions (:class:`~verify.search.restrictions.Restrictions`).
declined case
    The solver answered UNSUPPORTED or raised :class:`solver.errors.Unsupported`
    (:class:`solver.errors.Declined`): counted with its generated classes and reason,
    never judged, and rejected so that Hypothesis draws another input in its place.

How several findings are found deterministically, each shrunk from its smallest case:
one *discovery* pass (:func:`_discover`, nothing shrunk) judges and counts every
generated case once and notes, for each new signature, the case where it first
failed and the smallest case that failed with it; it stops at the case that brings
the ``max_findings``-th signature, else after the whole example budget.  Then each
signature is shrunk on its own (:func:`_shrink`): a search with the same seed walks
the same cases (every earlier one passing), fails first at that smallest case, and
Hypothesis shrinks it with "fails with this signature" as its only notion of
failure.  Each case's outcome is remembered, so the solver is called once per
distinct case.  Starting from the smallest case rather than the first one matters
for speed: Hypothesis shrinks a 16-node case for seconds before the structure goes.
"""

from __future__ import annotations

import json
import time
import traceback
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from hypothesis import (
    HealthCheck,
    Phase,
    Verbosity,
    given,
    reject,
    settings,
)
from hypothesis import (
    seed as hypothesis_seed,
)
from hypothesis.errors import Unsatisfiable

from solver.errors import Declined, Inconclusive
from solver.messages import number
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import Selection
from solver.verdicts import ClaimVerdict, FailureKind
from verify.search import generators
from verify.search.cause import explain
from verify.search.claims import CLAIMS_BY_ID, PROFILES, Claim, Profile
from verify.search.confirm import NOT_CONFIRMED, confirm
from verify.search.minimize import reduce_instance
from verify.search.properties import Failure, Outside, fault_failure, signature
from verify.search.restrictions import Restrictions
from verify.subject.adapters import settle_solver

VERIFIED = ClaimVerdict.VERIFIED
COUNTEREXAMPLE = ClaimVerdict.COUNTEREXAMPLE
INCONCLUSIVE = ClaimVerdict.INCONCLUSIVE


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
    counterexample: Optional[dict] = (
        None  # the first finding (see counterexample_record)
    )
    note: Optional[str] = None  # why inconclusive, or other remarks
    declined: int = 0  # generated inputs the solver declined (not judged)
    # case_classes of declined cases
    declined_classes: Counter = field(default_factory=Counter)
    declined_reasons: Counter = field(default_factory=Counter)
    # case_classes of judged cases
    judged_classes: Counter = field(default_factory=Counter)
    # judged cases that draw each axis
    axis_cases: Counter = field(default_factory=Counter)
    # every finding, the first is `counterexample`
    findings: list = field(default_factory=list)
    first_at: Optional[int] = None  # generated cases judged up to the first failing one
    # the user's instances (--instances): judged, ...
    own: Counter = field(default_factory=Counter)
    # case_features of declined cases
    declined_shapes: Counter = field(default_factory=Counter)
    # case_features of judged cases
    judged_shapes: Counter = field(default_factory=Counter)
    # failures seen once that no replay reproduced
    unconfirmed: list = field(default_factory=list)

    def __post_init__(self):
        if self.counterexample is not None and not self.findings:
            self.findings = [self.counterexample]

    def to_json(self) -> dict:
        out = {
            k: getattr(self, k)
            for k in (
                "claim",
                "paper",
                "method",
                "solver",
                "must_hold",
                "verdict",
                "cases",
                "seed",
                "counterexample",
                "note",
            )
        }
        out["seconds"] = round(self.seconds, 3)
        out["classes"] = dict(sorted(self.classes.items()))
        out["axis_cases"] = dict(sorted(self.axis_cases.items()))
        if self.declined:
            out["declined"] = {
                "cases": self.declined,
                "classes": dict(sorted(self.declined_classes.items())),
                "reasons": dict(self.declined_reasons.most_common()),
            }
        if len(self.findings) > 1:
            out["findings"] = self.findings
        if self.own:
            out["instances"] = dict(self.own)
        if self.unconfirmed:
            out["not_confirmed"] = self.unconfirmed
        return out


class _Found(AssertionError):
    pass


class _GaveUp(Exception):
    """So many inputs were declined that the verdict can only be inconclusive: stop
    calling the solver."""


def case_classes(case: Any, labels: list[str]) -> set[str]:
    """One case's classes, to tell which inputs a solver declines: its labels and its
    sizes.

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 0, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]})
    >>> sorted(case_classes(inst, ["prob:grid"]))
    ['budget=0', 'depth=1', 'nodes=3', 'prob:grid', 'requests=1', 'width=2']
    """
    out = set(labels)
    if isinstance(case, Instance):
        out.add(f"requests={len(case.requests)}")
        out.add(f"budget={case.budget}" if case.budget < 3 else "budget=3+")
        if case.requests:
            out.add(f"nodes={max(len(r.tree) for r in case.requests)}")
            out.add(
                f"width={max(len(k) for r in case.requests for k in r.tree.children)}"
            )
            out.add(f"depth={max(r.tree.height for r in case.requests)}")
    return out


# : the budget feature of a case judged by probing budgets (LEM-C1/C2): no --min-budget
# excludes it
PROBED = 10**9


def case_features(
    case: Any, labels: Iterable[str], budget: Optional[int] = None
) -> Optional[tuple]:
    """What a restriction can exclude, for one case: ``(requests, budget, fewest nodes,
    most nodes, widest node, depth, a target above 1?, value classes)``; None for tree
    cases. ``budget`` replaces the case's own (:data:`PROBED` for a case whose budgets
    were probed).

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 0, "requests": [
    ...     {"id": "r", "target": 2, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.5"]}]})
    >>> case_features(inst, ["prob:grid"])
    (1, 0, 3, 3, 2, 1, True, ('grid',))
    """
    if not isinstance(case, Instance):
        return None
    reqs = case.requests
    sizes = [len(r.tree) for r in reqs] or [0]
    return (
        len(reqs),
        case.budget if budget is None else budget,
        min(sizes),
        max(sizes),
        max((len(k) for r in reqs for k in r.tree.children), default=0),
        max((r.tree.height for r in reqs), default=0),
        any(r.target > 1 for r in reqs),
        tuple(sorted({x.partition(":")[2] for x in labels if x.startswith("prob:")})),
    )


def describe(instance: Instance) -> str:
    """An instance in one line:
    ``B=2 roots free | r0: A=8/5 parent=[-1,0,0] f=[1,1/2,1/2]``.

    A message, not data: values of more than 200 characters are abbreviated
    (:func:`solver.messages.number`); the instance itself is in the report's JSON.
    """
    conv = "charged" if instance.root_charged else "free"
    parts = [f"B={instance.budget} roots {conv}"]
    for r in instance.requests:
        f = ",".join(number(fraction_str(x)) for x in r.tree.f)
        parent = ",".join(str(p) for p in r.tree.parent)
        parts.append(
            f"{r.id}: A={number(fraction_str(r.target))} parent=[{parent}] f=[{f}]"
        )
    return " | ".join(parts)


def counterexample_record(
    case: Any, failure: Failure, claim_id: Optional[str] = None
) -> dict:
    """A finding as JSON: ``condition``, ``signature`` (with ``claim_id``), ``summary``,
    the instance (and the property's ``case`` when the instance is derived), ``output``,
    ``optimum``, ``optimal``."""
    inst = failure.instance if failure.instance is not None else case
    rec: dict[str, Any] = {"condition": failure.condition}
    if claim_id is not None:
        rec["signature"] = dict(
            zip(("property", "rule", "kind", "cause"), signature(claim_id, failure))
        )
    if isinstance(inst, Instance):
        rec["instance"] = inst.to_json()
        rec["summary"] = describe(inst)
        # derived (LEM-C1/C2): keep the input to replay
        if inst is not case and isinstance(case, Instance):
            rec["case"] = case.to_json()
    else:  # THM-3.1 cases: (tree, nodes)
        tree, nodes = case
        rec["summary"] = (
            f"parent={list(tree.parent)}"
            f" cond=[{','.join(fraction_str(x) for x in tree.cond)}]"
            f" subtree={sorted(nodes)}"
        )
        rec["tree"] = {
            "parent": list(tree.parent),
            "cond": [fraction_str(x) for x in tree.cond],
            "subtree": sorted(nodes),
        }
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

    >>> case_seed("THM-P1", 0) != case_seed("THM-P2", 0)
    True
    >>> case_seed("THM-P1", 0) == case_seed("THM-P1", 0)
    True
    """
    return seed * 2**32 + zlib.crc32(claim_id.encode())


def _search_settings(examples: int, shrink: bool = True):
    # explain reruns the failure
    unused = {Phase.explain} | (set() if shrink else {Phase.shrink})
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        report_multiple_bugs=False,
        derandomize=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        phases=[p for p in Phase if p not in unused],
    )


def count_case(classes: Counter, axis_cases: Counter, labels) -> None:
    """Count one case: each class it exercises once, and each axis it draws once.

    >>> c, a = Counter(), Counter()
    >>> count_case(c, a, ["prob:grid", "prob:grid", "prob:strict", "roots:free"])
    >>> sorted(c.items())
    [('prob:grid', 1), ('prob:strict', 1), ('roots:free', 1)]
    >>> sorted(a.items())
    [('prob', 1), ('roots', 1)]
    """
    present = set(labels)
    classes.update(present)
    axis_cases.update({label.partition(":")[0] for label in present})


def sample_classes(
    claim: Claim,
    profile: Profile,
    *,
    seed: int = 0,
    root_charged: Optional[bool] = None,
    examples: Optional[int] = None,
) -> tuple[Counter, Counter]:
    """``(classes, axis_cases)`` as :func:`run_claim` counts them when no case fails,
    without running any check.

    Same strategy, seed and Hypothesis settings, so the same cases: what the
    generated-classes table of a run where the claim holds counts (tests and
    tuning of :data:`verify.search.generators.WEIGHTS`).  Same process, same cases:
    Hypothesis also draws constants found in the imported project modules.

    >>> from verify.search.claims import CLAIMS_BY_ID, PROFILES
    >>> classes, axes = sample_classes(CLAIMS_BY_ID["APP-B"], PROFILES["smoke"])
    >>> sorted(k for k in classes if k.startswith("prob:"))
    ['prob:close-siblings', 'prob:near-one', 'prob:strict', 'prob:underflow']
    >>> axes["roots"] == PROFILES["smoke"].examples
    True
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


def _key(case: Any) -> str:
    """What identifies a case for the outcome memo: the instance JSON (or the THM-3.1
    tree case)."""
    if isinstance(case, Instance):
        return json.dumps(case.to_json(), sort_keys=True)
    tree, nodes = case
    return repr((tree.parent, tree.cond, sorted(nodes)))


def own_cases(
    claim: Claim, instances: Iterable[tuple[str, Instance]]
) -> list[tuple[str, Instance]]:
    """The user's instances (``--instances``) a property runs on, each named by its
    origin.

    A one-request property (LEM-C1, LEM-C2) runs on each request alone (the instance's
    budget and convention kept); a property with a strict premise (APP-B) only on the
    instances that meet it.
    """
    out = []
    for origin, inst in instances:
        if (
            claim.classes
            and set(claim.classes) <= set(generators.STRICT_CLASSES)
            and not inst.is_monotone(strict=True)
        ):
            continue
        if claim.one_request and len(inst.requests) != 1:
            for r in inst.requests:
                out.append(
                    (
                        f"{origin} request {r.id!r}",
                        Instance(inst.budget, (r,), inst.root_charged),
                    )
                )
        elif inst.requests or not claim.one_request:
            out.append((origin, inst))
    return out


def _leaves(exc: BaseException) -> list[BaseException]:
    """The exceptions inside an exception group (``hypothesis.errors.FlakyFailure`` is
    one), or ``[exc]``."""
    inner = getattr(exc, "exceptions", None)
    if not isinstance(inner, (list, tuple)) or not inner:
        return [exc]
    return [leaf for e in inner for leaf in _leaves(e)]


def _unwrapped(search: Callable[[], None]) -> None:
    """Run ``search``; a group of our own signals comes out as the one that decides.

    Newer Hypothesis replays a case and, when the outcome differs (a case rejected
    as declined, then given up on once the declines ran over the limit), raises a
    ``FlakyFailure`` holding both: that is our stop signal, not an error.
    """
    try:
        search()
    except Exception as exc:
        leaves = _leaves(exc)
        if leaves == [exc] or not all(isinstance(e, (_GaveUp, _Found)) for e in leaves):
            raise
        raise next((e for e in leaves if isinstance(e, _GaveUp)), leaves[0]) from None


def run_claim(
    claim: Claim | str,
    profile: Profile | str,
    *,
    solver_name: Optional[str] = None,
    solver: Optional[Callable] = None,
    must_hold: bool = True,
    seed: int = 0,
    root_charged: Optional[bool] = None,
    examples: Optional[int] = None,
    strategy=None,
    restrictions: Optional[Restrictions] = None,
    max_findings: int = 1,
    instances: Iterable[tuple[str, Instance]] = (),
    fresh: Optional[Callable] = None,
    close: Optional[Callable] = None,
    on_finding: Optional[Callable[[dict], None]] = None,
    cross_check: int = 0,
) -> ClaimResult:
    """Search for counterexamples to ``claim`` (on ``solver`` when the claim is per
    solver).

    ``fresh(factor)``: a fresh solver with its per-call timeout times ``factor`` (ended
    by ``close``); given, every finding is replayed on fresh solvers before it counts
    (:mod:`verify.search.confirm`): confirmed and intermittent ones are findings, the
    others are listed in ``unconfirmed``.  ``on_finding(record)`` is called the moment a
    finding is confirmed (and shrunk, reduced).

    ``restrictions``: what the solver handles (every case judged, shrunk or reduced lies
    inside them; the strategy is built from them unless ``strategy`` is given).
    ``max_findings``: how many distinct failure signatures to report (1: stop at the
    first counterexample, as the suite does).  ``instances``: ``(origin, Instance)``
    pairs checked before the generated cases (``--instances``); failures on them are
    findings too, reduced but not shrunk by Hypothesis (it did not generate them).
    Everything in and out is picklable, so a run can go to another process.
    ``cross_check`` N > 0: every N-th judged instance is judged again on the Fraction
    path (:func:`verify.checks.cross_check.oracle_mismatch`); a difference is an
    oracle fault, which leaves that case inconclusive (never a pass, never a finding).
    """
    # a claim id and a profile name travel better between processes
    if isinstance(claim, str):
        claim = CLAIMS_BY_ID[claim]
    if isinstance(profile, str):
        profile = PROFILES[profile]
    limits = (restrictions or Restrictions()).with_convention(root_charged)
    state: dict[str, Any] = {
        "cases": 0,
        "inconclusive": 0,
        "last_inconclusive": None,
        "declined": 0,
        "outside": 0,
        "cross_checked": 0,
    }
    classes: Counter = Counter()
    axis_cases: Counter = Counter()
    declined_classes: Counter = Counter()
    declined_reasons: Counter = Counter()
    judged_classes: Counter = Counter()
    own: Counter = Counter()
    declined_shapes: Counter = Counter()
    judged_shapes: Counter = Counter()
    memo: dict[str, tuple[str, Any]] = {}
    generators.take_labels()
    examples = examples or claim.examples(profile)
    max_declined = 3 * examples + 20
    if strategy is None:
        strategy = claim.strategy(
            profile,
            root_charged,
            restrictions.generator_kwargs() if restrictions else None,
        )
    strategy = generators.labelled(strategy)

    def judge(case) -> tuple[str, Any]:
        """("ok" | "fail" | "declined" | "inconclusive" | "outside", detail), once per
        distinct case."""
        key = _key(case)
        if key not in memo:
            if isinstance(case, Instance) and not limits.contains(case):
                memo[key] = ("outside", limits.outside(case))
            else:
                try:
                    failure = claim.check(solver, case, limits)
                except Inconclusive as exc:
                    memo[key] = ("inconclusive", str(exc))
                except (
                    Declined
                ) as exc:  # a probing property says which derived instance was declined
                    memo[key] = (
                        "declined",
                        (
                            str(exc) or "the solver declined this input",
                            getattr(exc, "instance", None),
                        ),
                    )
                except Outside as exc:
                    memo[key] = ("outside", str(exc))
                else:
                    memo[key] = (
                        ("fail", failure) if failure is not None else ("ok", None)
                    )
                    if cross_check and isinstance(case, Instance):
                        state["judged"] = state.get("judged", 0) + 1
                        if state["judged"] % cross_check == 1 % cross_check:
                            memo[key] = _cross_checked(memo[key], case, state)
        return memo[key]

    def tally(kind: str, detail, case, labels) -> None:
        if kind == "declined":
            reason, what = detail
            what = what if what is not None else case
            state["declined"] += 1
            declined_classes.update(case_classes(what, labels))
            declined_reasons[reason] += 1
            declined_shapes[case_features(what, labels)] += 1
        elif kind == "outside":
            state["outside"] += 1
        else:
            state["cases"] += 1
            count_case(classes, axis_cases, labels)
            # a probing property judged this case at budgets of its own: its budget
            # class says nothing
            judged_classes.update(
                c
                for c in case_classes(case, labels)
                if not (claim.one_request and c.startswith("budget="))
            )
            judged_shapes[
                case_features(case, labels, PROBED if claim.one_request else None)
            ] += 1
            if kind == "inconclusive":
                state["inconclusive"] += 1
                state["last_inconclusive"] = detail

    found: list[dict] = []  # {"sig", "case", "failure", "first_at", "origin"}
    known: set = set()
    for origin, case in own_cases(claim, instances):
        kind, detail = judge(case)
        own[{"ok": "judged", "fail": "judged"}.get(kind, kind)] += 1
        if kind == "fail":
            own["failing"] += 1
            for failure in detail.all():
                sig = signature(claim.id, failure)
                if sig not in known and len(found) < max_findings:
                    known.add(sig)
                    found.append(
                        {
                            "sig": sig,
                            "case": case,
                            "failure": failure,
                            "first_at": None,
                            "origin": origin,
                        }
                    )

    start = time.perf_counter()
    verdict: str
    verdict, note = VERIFIED, None
    first_at = None
    wanted = max_findings - len(found)
    # signature -> its first and its smallest generated case, in order of discovery
    seen: dict = {}
    if wanted > 0:
        verdict, note = _discover(
            claim,
            strategy,
            examples,
            seed,
            judge,
            tally,
            state,
            max_declined,
            known,
            wanted,
            seen,
        )
    for item in seen.values():
        found.append(dict(item, origin=None, shrink=True))
        first_at = item["first_at"] if first_at is None else first_at

    records: list[dict] = []
    unconfirmed: list[dict] = []

    def report(rec: dict, case: Any, failure: Failure) -> None:
        """Confirm a shrunk, reduced finding; a finding if it reproduced, emitted."""
        if fresh is not None and claim.per_solver:
            rec["confirmation"] = confirm(
                claim, case, failure, limits, fresh, close or (lambda s: None)
            )
        if rec.get("confirmation", {}).get("status") == NOT_CONFIRMED:
            unconfirmed.append(rec)
            return
        records.append(rec)
        if on_finding is not None:
            on_finding(rec)

    # each shrunk, reduced, confirmed and reported on its own, as soon as it is
    for item in found:
        if item.get("shrink"):
            case, failure, why = _shrink(claim, strategy, examples, seed, judge, item)
            if why:
                note = "; ".join(filter(None, [note, why]))
        else:
            case, failure = item["case"], item["failure"]
        generated = case
        if isinstance(case, Instance):
            case, failure = _reduce(item["sig"], judge, limits.contains, case, failure)
        rec = counterexample_record(case, failure, claim.id)
        rec["cause"] = causes(case, failure, limits.precision, limits.scores)
        rec["origin"] = item["origin"] or "generated"
        rec["first_at"] = item["first_at"]
        rec["shrunk"] = (
            (
                "the reduction pass"
                if item["origin"]
                else "Hypothesis, then the reduction pass"
            )
            if isinstance(generated, Instance)
            else "Hypothesis"
        )
        report(rec, case, failure)
    late = settle_solver(solver) if claim.per_solver else None
    if late is not None:  # a --jsonl program printed more lines than it was sent
        failure = fault_failure(late)
        sig = signature(claim.id, failure)
        if all(item["sig"] != sig for item in found):
            about = failure.instance
            rec = counterexample_record(about, failure, claim.id)
            rec["cause"] = causes(about, failure, limits.precision, limits.scores)
            rec["origin"] = "generated"
            rec["first_at"] = None
            rec["shrunk"] = "not shrunk (a line counted as the program exited)"
            report(rec, about, failure)

    if records:
        verdict = COUNTEREXAMPLE
    elif unconfirmed and verdict == VERIFIED:
        verdict = INCONCLUSIVE
        note = "; ".join(
            filter(
                None,
                [
                    (
                        f"{len(unconfirmed)} failure(s) seen once did not reproduce on"
                        " fresh solvers (not confirmed, not findings)"
                    ),
                    note,
                ],
            )
        )
    if verdict == VERIFIED and state["inconclusive"]:
        verdict = INCONCLUSIVE
        note = (
            f"{state['inconclusive']} cases undecided, e.g."
            f" {state['last_inconclusive']}"
        )
    if verdict == VERIFIED and state["declined"] > state["cases"]:
        verdict = INCONCLUSIVE
        note = (
            f"the solver declined most generated inputs ({state['declined']} of "
            f"{state['declined'] + state['cases']}); not a pass"
        )
    elif verdict == VERIFIED and state["declined"]:
        note = (
            f"{state['declined']} of {state['declined'] + state['cases']} generated"
            " inputs declined (not judged)"
        )
    if state[
        "outside"
    ]:  # a generator that leaves the restrictions is our bug: say so, never judge it
        note = "; ".join(
            filter(
                None,
                [
                    note,
                    (
                        f"{state['outside']} generated cases outside the restrictions "
                        "were not judged"
                    ),
                ],
            )
        )
    if cross_check:
        note = "; ".join(
            filter(
                None,
                [
                    note,
                    f"numeric cross-check: {state['cross_checked']} cases judged"
                    f" again on the Fraction path (1 in {cross_check}, the first"
                    " included)",
                ],
            )
        )
    seconds = time.perf_counter() - start
    return ClaimResult(
        claim.id,
        claim.paper,
        claim.method,
        solver_name if claim.per_solver else claim.subject,
        must_hold,
        verdict,
        state["cases"],
        seconds,
        seed,
        classes,
        records[0] if records else None,
        note,
        state["declined"],
        declined_classes,
        declined_reasons,
        judged_classes,
        axis_cases,
        records,
        first_at,
        own,
        declined_shapes,
        judged_shapes,
        unconfirmed,
    )


def _size(case: Any) -> tuple:
    """What makes one failing case a better start for shrinking than another: fewer
    nodes first."""
    if isinstance(case, Instance):
        return (case.total_nodes, len(case.requests), case.budget)
    tree, nodes = case
    return (len(tree.parent), len(nodes), 0)


OBSERVED = (  # the feature name of our verdict in Hypothesis's observability
    "adaserve-verify verdict"
)


def observe(kind: str, detail: Any) -> None:
    """Our verdict on the current case as a Hypothesis event, so that its observability
    records (``HYPOTHESIS_EXPERIMENTAL_OBSERVABILITY``, Tyche) carry it in ``features``:
    ``{"adaserve-verify verdict":
    "fails: optimality/suboptimal: objective 1 < optimum 3/2"}``,
    ``"holds"``, ``"declined: <reason>"``, ``"outside the restrictions: <why>"``,
    ``"inconclusive: <why>"`` (docs/test-solver.md).  Hypothesis's own ``status`` says
    ``passed`` for a case the search goes on after, even when our verdict is a failure.
    """
    from hypothesis import event

    if kind == "fail":
        text = "; ".join(
            f"fails: {f.rule}/{f.kind}: {f.condition}" for f in detail.all()
        )
    elif kind == "ok":
        text = "holds"
    elif kind == "declined":
        text = f"declined: {detail[0]}"
    elif kind == "outside":
        text = f"outside the restrictions: {detail}"
    else:
        text = f"{kind}: {detail}"
    event(OBSERVED, text[:2000])


def _cross_checked(outcome: tuple[str, Any], case: Instance, state: dict):
    """``outcome``, or ("inconclusive", the oracle fault) when the oracles' work on
    ``case`` differs between the scaled and the Fraction path."""
    from verify.checks.cross_check import oracle_mismatch

    kind, detail = outcome
    state["cross_checked"] += 1
    answer = getattr(detail, "output", None)  # the solver's, when it failed
    mismatch = oracle_mismatch(case, answer if isinstance(answer, Selection) else None)
    if mismatch is None:
        return outcome
    return ("inconclusive", f"oracle fault: {mismatch}")


def _discover(
    claim,
    strategy,
    examples,
    seed,
    judge,
    tally,
    state,
    max_declined,
    known,
    wanted,
    seen,
) -> tuple[str, Optional[str]]:
    """One pass over the claim's cases (seed ``seed``), nothing shrunk: fills ``seen``
    with up to ``wanted`` new signatures, each with the case where it first failed and
    the smallest case that failed with it; returns the verdict and note its ending
    implies (verified unless the search gave up or broke).

    Every case is judged and counted once.  The pass stops at the case that brings the
    ``wanted``-th new signature (what a rounds-based search would have counted), else
    after the whole example budget.  ``known`` holds the signatures the user's own
    instances already found (``--instances``): those are findings too, so the search
    never ends inconclusive when there are any.
    """
    run: dict[str, Any] = {"pos": 0, "stop": None}

    @_search_settings(examples, shrink=False)
    @given(strategy)
    def discover(case):
        labels = generators.take_labels()
        if run["stop"] is not None:
            # Hypothesis replays the case it stopped at: the same outcome, uncounted
            raise run["stop"]()
        run["pos"] += 1
        if state["declined"] > max_declined:
            run["stop"] = _GaveUp
            raise _GaveUp()
        kind, detail = judge(case)
        observe(kind, detail)
        tally(kind, detail, case, labels)
        if kind in ("declined", "outside"):
            reject()  # not judged: let Hypothesis draw another input
        if kind != "fail":
            return
        size = _size(case)
        for failure in detail.all():
            sig = signature(claim.id, failure)
            if sig in known:
                continue
            item = seen.get(sig)
            if item is None and len(seen) < wanted:
                seen[sig] = {
                    "sig": sig,
                    "first_at": state["cases"],
                    "pos": run["pos"],
                    "size": size,
                    "case": case,
                    "failure": failure,
                }
            elif item is not None and size < item["size"]:
                item.update(pos=run["pos"], size=size, case=case, failure=failure)
        if len(seen) >= wanted:
            run["stop"] = _Found
            raise _Found("enough findings")

    try:
        _unwrapped(hypothesis_seed(case_seed(claim.id, seed))(discover))
    except _Found:
        pass
    except Unsatisfiable:  # every generated input was declined
        if not (known or seen):
            return (
                INCONCLUSIVE,
                f"the solver declined all {state['declined']} generated inputs",
            )
    except _GaveUp:
        if not (known or seen):
            return (
                INCONCLUSIVE,
                (
                    f"gave up: the solver declined {state['declined']} generated inputs"
                    f" ({state['cases']} judged)"
                ),
            )
        return (
            VERIFIED,
            (
                f"search stopped early: the solver declined {state['declined']}"
                " generated inputs"
            ),
        )
    except Exception as exc:  # our own fault: never a pass
        note = f"internal error: {type(exc).__name__}: {exc} " + traceback.format_exc(
            limit=3
        ).replace("\n", " | ")
        return (VERIFIED if (known or seen) else INCONCLUSIVE), note
    return VERIFIED, None


def _shrink(
    claim, strategy, examples, seed, judge, item
) -> tuple[Any, Failure, Optional[str]]:
    """``(case, failure, note)``: Hypothesis's smallest case of the signature of
    ``item``.

    The search walks the same cases as :func:`_discover` (same seed, every earlier case
    passing) and fails first at the smallest case discovery saw with this signature;
    Hypothesis then shrinks it with "fails with this signature" as its only notion of
    failure.  Cases are judged through the shared memo, so the solver is called only on
    the new cases shrinking tries.
    """
    sig = item["sig"]
    run: dict[str, Any] = {"pos": 0, "last": None}

    @_search_settings(examples)
    @given(strategy)
    def search(case):
        generators.take_labels()
        run["pos"] += 1
        kind, detail = judge(case)
        observe(kind, detail)
        if kind in ("declined", "outside"):
            reject()
        if kind != "fail":
            return
        failures = {signature(claim.id, f): f for f in detail.all()}
        if sig in failures and (run["last"] is not None or run["pos"] >= item["pos"]):
            # the last one recorded is Hypothesis's shrunk case
            run["last"] = (
                case,
                failures[sig],
            )
            raise _Found(failures[sig].condition)

    why = None
    try:
        _unwrapped(hypothesis_seed(case_seed(claim.id, seed))(search))
    except _Found:
        pass
    except (
        Exception
    ) as exc:  # a solver that answers differently the second time, or our own fault
        why = (
            f"shrinking ended early ({type(exc).__name__}): the solver may not be"
            " deterministic"
            if run["last"] is not None
            else (
                f"the failing case did not fail again ({type(exc).__name__}: {exc});"
                " shown unshrunk"
            )
        )
    if run["last"] is None:
        return (
            item["case"],
            item["failure"],
            why or "the failing case did not fail again; shown unshrunk",
        )
    case, failure = run["last"]
    return case, failure, why


def causes(
    case: Any,
    failure: Failure,
    precision: Optional[str] = None,
    scores: Optional[str] = None,
) -> list[dict]:
    """The causes :mod:`verify.search.cause` names for a failure (none for tree cases);
    those the property already found (:func:`verify.search.properties.explained`) when
    it did."""
    if failure.causes is not None:
        return [dict(c) for c in failure.causes]
    inst = failure.instance if failure.instance is not None else case
    if not isinstance(inst, Instance):
        return []
    optimal = failure.optimal_selection
    if optimal is None and failure.kind == FailureKind.SUBOPTIMAL:
        from verify.oracles.dp import solve_dp

        optimal = solve_dp(inst)
    return explain(
        inst, failure.output, optimal, failure.rule, failure.kind, precision, scores
    )


def _reduce(
    sig, judge, inside, case: Instance, failure: Failure
) -> tuple[Instance, Failure]:
    """The case reduced by :mod:`verify.search.minimize`, trying only candidates
    ``inside`` the restrictions and keeping only those that fail with the same signature
    ``sig``; re-checked, so still a counterexample of that defect."""
    latest = {"failure": failure}

    def same_failure(instance: Instance) -> bool:
        kind, detail = judge(instance)
        for failure in detail.all() if kind == "fail" else ():
            if signature(sig[0], failure) == sig:
                latest["failure"] = (
                    failure  # reduce_instance keeps exactly the candidates that fail
                )
                return True
        return False

    smaller, _ = reduce_instance(case, same_failure, inside=inside)
    return (smaller, latest["failure"]) if smaller is not case else (case, failure)


def declined_by_class(results: list[ClaimResult]) -> list[tuple[str, int, int]]:
    """(class, declined, generated) for every class a declined input had, highest
    decline rate first.

    Classes are the generator's labels (``budget:zero``, ``shape:star``) and the
    case's sizes (``requests=2``, ``width=3``, ``budget=0``): see
    :func:`case_classes`.
    """
    declined: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for x in results:
        declined.update(x.declined_classes)
        judged.update(x.judged_classes)
    rows = [(c, n, n + judged[c]) for c, n in declined.items()]
    return sorted(rows, key=lambda r: (-r[1] / r[2], -r[1], r[0]))


def class_shares(results: list[ClaimResult]) -> dict[str, dict[str, float]]:
    """Per axis (``prob``, ``target``, ...), each class's share of the judged cases of
    the whole run that draw that axis: in how many of them the class occurs
    (docs/suite.md)."""
    classes: Counter = Counter()
    axis_cases: Counter = Counter()
    for r in results:
        classes.update(r.classes)
        axis_cases.update(r.axis_cases)
    return shares(classes, axis_cases)


def shares(
    classes: Counter, axis_cases: Optional[Counter] = None
) -> dict[str, dict[str, float]]:
    """Per axis, each class's count over the cases that draw the axis (``axis_cases``;
    without it, over all counts of the axis).  Classes of
    :data:`~verify.search.generators.AXES` that never occurred are listed with share 0.

    >>> counts = Counter({"roots:free": 3, "x:a": 1, "x:b": 1})
    >>> shares(counts, Counter({"roots": 4, "x": 1}))
    {'roots': {'charged': 0.0, 'free': 0.75}, 'x': {'a': 1.0, 'b': 1.0}}
    """
    axes: dict[str, Counter] = {}
    for label, n in classes.items():
        axis, _, cls = label.partition(":")
        axes.setdefault(axis, Counter())[cls] = n
    out = {}
    for axis, counts in sorted(axes.items()):
        total = (axis_cases or Counter()).get(axis) or sum(counts.values())
        known = {c: 0 for c in generators.AXES.get(axis, ())}
        known.update(counts)
        out[axis] = {c: n / total for c, n in sorted(known.items())}
    return out

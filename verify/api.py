"""The public Python API, for a selector's own test suite (docs/api.md).

Everything here is re-exported by :mod:`verify` (``from verify import judge``); the
modules below it are internals and may change.  Terminology as in docs/format.md:

instance
    a dict in the JSON format of docs/format.md (numbers as exact strings, ints or
    floats), or a parsed :class:`solver.model.Instance`.
selection
    a selector's answer: a dict of the selection format
    (``{"status": "OK", "selected": {"r0": [0, 1]}}``, ``INVALID``, ``UNSUPPORTED``),
    or a parsed :class:`solver.selection.Selection`.
restrictions
    what a selector claims to handle, by the keywords of ``test-solver``'s flags:
    ``single_request``, ``no_targets``, ``chains``, ``max_nodes``, ``max_width``,
    ``max_depth``, ``min_budget``, ``min_nodes``, ``root_charged``, ``values``,
    ``precision``, ``scores``, ``best_effort`` (docs/test-solver.md; declared in
    :mod:`verify.search.restrictions`).

Every verdict is exact (rational arithmetic); nothing here trusts the selector's
own ``objective``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Optional, Union

from solver.errors import (
    AdaserveError,
    InputError,
    OptionError,
    SetupError,
    Unsupported,
)
from solver.model import Instance
from solver.selection import Selection
from verify.checks.judge import Verdict

__all__ = [
    "instances",
    "judge",
    "assert_optimal",
    "check_solver",
    "solve",
    "optimum",
    "certify",
    "Verdict",
    "SolverCheck",
    "Finding",
    "Unsupported",
    "AdaserveError",
    "InputError",
    "SetupError",
]

InstanceLike = Union[dict, Instance]
SelectionLike = Union[dict, Selection]

#: where :func:`assert_optimal` writes a report when it fails and no ``report_dir`` is
# : given; the pytest plugin sets it from ``--adaserve-report-dir``
# (verify/pytest_plugin.py)
default_report_dir: Optional[str] = None
reports_written: list[
    str
] = []  # report directories written by assert_optimal (the plugin lists them)


def _instance(obj: InstanceLike, allow_nonmonotone: bool = False) -> Instance:
    if isinstance(obj, Instance):
        return obj
    if not isinstance(obj, dict):
        raise TypeError(
            "an instance is a dict of docs/format.md or an Instance, not"
            f" {type(obj).__name__}"
        )
    from solver.parse import parse_instance

    return parse_instance(obj, source="<instance>", allow_nonmonotone=allow_nonmonotone)


def _selection(obj: SelectionLike) -> Selection:
    if isinstance(obj, Selection):
        if not (obj.ok and obj.selected is None):
            return obj
        obj = obj.to_json()  # OK without nodes: the JSON reader names the problem
    from solver.selection import parse_selection

    return parse_selection(obj, source="<selection>")


def _restrictions(restrictions: dict):
    from verify.search.restrictions import NAMES, Restrictions

    unknown = sorted(set(restrictions) - set(NAMES))
    if unknown:
        raise TypeError(
            f"unknown restriction {unknown[0]!r} (the restrictions are"
            f" {', '.join(NAMES)})"
        )
    return Restrictions(**restrictions)


# ------------------------------------------------------------------ generating


def instances(**restrictions):
    """A Hypothesis strategy of instance dicts (docs/format.md) inside ``restrictions``.

    The same generator as ``test-solver`` (the THM-P2 property's cases): every value
    class (ties, zeros, values that float32/bfloat16/float16 merge), targets at and
    next to prefix sums, beyond the tree's mass, budgets that cut the trees, both
    root conventions unless ``root_charged`` says which.  Numbers are exact strings.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(instances(single_request=True, no_targets=True, max_width=2))
    ... def t(inst):
    ...     (req,) = inst["requests"]
    ...     assert req["target"] in ("1", "0", "-1") or float(req["target"]) <= 1
    >>> t()
    """
    from verify.search import generators as gen
    from verify.search.claims import CLAIMS_BY_ID, PROFILES

    r = _restrictions(restrictions)
    strategy = CLAIMS_BY_ID["THM-P2"].strategy(
        PROFILES["quick"], r.root_charged, r.generator_kwargs()
    )
    return gen.labelled(strategy).map(lambda inst: inst.to_json())


# ------------------------------------------------------------------ judging one answer


def judge(
    instance: InstanceLike,
    selection: SelectionLike,
    *,
    z3: bool = False,
    z3_timeout: float = 60.0,
    allow_nonmonotone: bool = False,
) -> Verdict:
    """The exact verdict on ``selection``, as ``python -m verify check`` gives it.

    ``kind`` is one of ``optimal``, ``invalid-confirmed``, ``suboptimal``,
    ``infeasible``, ``wrong-invalid``, ``wrong-objective``, ``declined``,
    ``inconclusive``
    (``oracle-fault``: a bug of ours); ``text`` is the line ``check`` prints;
    ``optimal`` an optimal selection (dict) and ``optimum`` the exact optimum
    (``None`` when no feasible selection exists).  With ``z3=True`` Z3 confirms
    the optimum too (then a timeout is ``inconclusive``, never a pass).

    >>> inst = {"budget": 1, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]}
    >>> v = judge(inst, {"status": "OK", "selected": {"r": [0, 2]}})
    >>> v.kind, v.text
    ('suboptimal', 'suboptimal: objective 13/10, optimum 3/2')
    >>> v.optimal
    {'status': 'OK', 'selected': {'r': [0, 1]}, 'objective': '3/2'}
    >>> judge(inst, {"status": "OK", "selected": {"r": [0, 1]}}).passed
    True
    """
    from verify.checks.judge import judge as _judge

    return _judge(
        _instance(instance, allow_nonmonotone),
        _selection(selection),
        use_z3=z3,
        z3_timeout=z3_timeout,
    )


def assert_optimal(
    instance: InstanceLike,
    selection: SelectionLike,
    *,
    report_dir: Optional[str] = None,
    z3: bool = False,
    allow_nonmonotone: bool = False,
) -> Verdict:
    """Raise ``AssertionError`` unless ``selection`` is optimal (or a confirmed
    INVALID).

    The message is the verdict line of ``python -m verify check`` and the instance in
    one line, so pytest shows what failed.  With ``report_dir`` (or pytest's
    ``--adaserve-report-dir``) a counterexample report (report.md, tree.png,
    report.json; docs/reports.md) is written for the failure and named in the message;
    inside a Hypothesis test only for the example Hypothesis finally reports (the
    shrunk one), not for every failing call on the way.
    An inconclusive verdict (only with ``z3=True``) fails too: it is never a pass.

    >>> inst = {"budget": 1, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]}
    >>> assert_optimal(inst, {"status": "OK", "selected": {"r": [0, 1]}}).kind
    'optimal'
    >>> assert_optimal(inst, {"status": "OK", "selected": {"r": [0, 1, 2]}})
    Traceback (most recent call last):
    ...
    AssertionError: infeasible: budget: uses 2 non-root nodes (roots free) of budget 1
      instance: B=1 roots free | r: A=1 parent=[-1,0,0] f=[1,1/2,3/10]
    """
    inst, sel = _instance(instance, allow_nonmonotone), _selection(selection)
    verdict = judge(inst, sel, z3=z3, allow_nonmonotone=allow_nonmonotone)
    if verdict.passed:
        return verdict
    from verify.search.claim_search import describe

    lines = [verdict.text, f"  instance: {describe(inst)}"]
    where = report_dir if report_dir is not None else default_report_dir
    if where is not None and _final_example():
        try:
            lines.append(
                "  report:   "
                f"{_write_report(where, inst, sel, verdict, z3, allow_nonmonotone)}"
                "/report.md"
            )
        except (
            OSError
        ) as exc:  # the verdict matters more than its report: never lose it
            lines.append(
                f"  report:   not written: cannot write to {where}:"
                f" {exc.strerror or exc}"
            )
    raise AssertionError("\n".join(lines))


def _final_example() -> bool:
    """False while Hypothesis is still searching or shrinking: only the example it
    reports (its final run) gets a report, not every failing call on the way to it."""
    if "hypothesis" not in sys.modules:
        return True
    from hypothesis import control

    if not control.currently_in_test_context():
        return True
    return bool(getattr(control.current_build_context(), "is_final", True))


def _write_report(
    report_dir: str,
    inst: Instance,
    sel: Selection,
    verdict: Verdict,
    z3: bool,
    allow_nonmonotone: bool,
) -> str:
    import os

    from verify.report.finding import slug
    from verify.report.iteration import iteration_report, write_iteration_report
    from verify.report.write import new_run_dir

    # "tests/t.py::test_x (call)"
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    origin = f"assert_optimal in {test}" if test else "assert_optimal"
    # reserve the number first: concurrent failures stay distinct
    reports_written.append("")
    n = len(reports_written)
    directory = new_run_dir(
        report_dir, f"assert-optimal-{n:03d}-{slug(test.rpartition('::')[2] or 'call')}"
    )
    report = iteration_report(
        trace=origin,
        line=n,
        instance_json=inst.to_json(),
        selection_json=sel.to_json(),
        verdict=verdict,
        options={"z3": z3, "allow_nonmonotone": allow_nonmonotone},
        judged_by="verify.assert_optimal",
    )
    write_iteration_report(directory, report)
    from verify.report.html import write_page

    write_page(directory)  # index.html: the same report on one page
    reports_written[n - 1] = directory
    return directory


# ------------------------------------------------------------------ the exact answers


def solve(instance: InstanceLike) -> dict:
    """The reference greedy's answer (exact; with its certificate,
    docs/certificates.md).

    >>> r = {"id": "r", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}
    >>> solve({"budget": 1, "requests": [r]})["selected"]
    {'r': [0, 1]}
    """
    from solver.reference import solve_reference

    return solve_reference(_instance(instance)).to_json()


def optimum(
    instance: InstanceLike, *, allow_nonmonotone: bool = False
) -> Optional[Fraction]:
    """The exact optimum, or ``None`` when no feasible selection exists (INVALID).

    >>> r = {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}
    >>> optimum({"budget": 1, "requests": [r]})
    Fraction(3, 2)
    >>> r = {"id": "r", "target": 2, "parent": [-1, 0], "prob": [1, 1]}
    >>> optimum({"budget": 0, "requests": [r]}) is None
    True
    """
    from verify.checks.judge import exact_optimum

    oracle = exact_optimum(_instance(instance, allow_nonmonotone), use_z3=False)
    return oracle.optimum if oracle.feasible else None


def certify(instance: InstanceLike, selection: SelectionLike) -> list[str]:
    """Why the selection's certificate does not prove its answer; ``[]`` when it does.

    >>> inst = {"budget": 1, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}]}
    >>> certify(inst, solve(inst))
    []
    >>> certify(inst, {"status": "OK", "selected": {"r": [0, 1]}})
    ['no certificate']
    """
    from verify.checks.certificate import certificate_problems

    return certificate_problems(_instance(instance), _selection(selection))


# ------------------------------------------------------------------ checking a selector


@dataclass(frozen=True)
class Finding:
    """One distinct defect of a selector: a property it breaks, on a smallest input.

    ``signature`` is ``(property, rule, kind, cause class)`` (docs/test-solver.md): two
    findings with the same signature are the same defect; ``properties`` lists every
    property the defect breaks (found by several, it is one finding).  ``instance``,
    ``answer`` and ``optimal`` are dicts of docs/format.md; ``report`` the report
    directory (when ``report_dir`` was given).  ``confirmation``: how replays on fresh
    solvers went, ``confirmed (reproduced 3 of 3)`` or ``intermittent (reproduced 2 of
    5; ...)`` (docs/test-solver.md, "Confirmed findings"); failures no replay reproduced
    are not findings (:attr:`SolverCheck.not_confirmed`).
    """

    property: str
    signature: tuple[str, str, str, str]
    condition: str
    instance: Optional[dict]
    answer: Optional[dict]
    optimal: Optional[dict]
    optimum: Optional[Fraction]
    cause: Optional[str] = None
    report: Optional[str] = None
    properties: tuple[
        str, ...
    ] = ()  # every property this one defect breaks (the first is ``property``)
    confirmation: Optional[str] = None

    # the field 'property' above is only an annotation: the builtin is meant here
    @property  # type: ignore[operator]
    def kind(self) -> str:
        return self.signature[2]


@dataclass(frozen=True)
class SolverCheck:
    """What :func:`check_solver` found: every property's verdict and each distinct
    finding.

    ``exit_status`` is what ``python -m verify test-solver`` exits with: 0 nothing
    found, 1 a finding, 3 inconclusive (e.g. most inputs declined).  ``text`` is
    test-solver's report; truth means "nothing found and nothing inconclusive".
    """

    exit_status: int
    findings: tuple[Finding, ...]
    # property -> verified / counterexample / inconclusive
    verdicts: dict = field(default_factory=dict)
    text: str = ""
    run_dir: Optional[str] = None
    not_confirmed: tuple[
        str, ...
    ] = ()  # failures seen once that no replay reproduced, one line each

    @property
    def passed(self) -> bool:
        return self.exit_status == 0

    def __bool__(self) -> bool:
        return self.passed


def check_solver(
    select: Union[Callable[[dict], Any], str],
    *,
    seed: int = 0,
    profile: str = "quick",
    examples: Optional[int] = None,
    claims: Optional[tuple[str, ...]] = None,
    max_findings: int = 5,
    timeout: float = 10.0,
    report_dir: Optional[str] = None,
    instances: Optional[str] = None,
    cross_check: int = 0,
    **restrictions,
) -> SolverCheck:
    """``python -m verify test-solver`` from Python: every applicable property against
    ``select``.

    ``select`` takes the instance dict (docs/format.md, numbers as exact strings) and
    returns a selection dict; it declines an input by raising :class:`Unsupported` (or
    answering ``{"status": "UNSUPPORTED"}``); any other exception is a finding.  A
    ``"package.module:function"`` string names it instead.  ``restrictions`` are those
    of :func:`instances`; ``profile``, ``examples``, ``seed``, ``claims``,
    ``max_findings``, ``timeout``, ``report_dir``, ``instances`` (a JSON Lines file
    or folder of your own instances) and ``cross_check`` (N: 1 in N judged cases
    judged again on the Fraction path) are test-solver's options.  Runs in this
    process.

    >>> def first_child(inst):  # one child per request: over budget at budget 0
    ...     def pick(r):
    ...         root = r["parent"].index(-1)
    ...         return [root] + [v for v, p in enumerate(r["parent"]) if p == root][:1]
    ...     selected = {r["id"]: pick(r) for r in inst["requests"]}
    ...     return {"status": "OK", "selected": selected}
    >>> result = check_solver(first_child, profile="smoke", claims=("RULE-BUDGET",),
    ...                       single_request=True)
    >>> result.exit_status, result.findings[0].kind
    (1, 'over budget')
    """
    from verify.search.confirm import confirmation_text
    from verify.solver_check import Options, plan, render, run
    from verify.subject.adapters import adapt_callable
    from verify.subject.spec import SolverSpec, load_callable

    if isinstance(select, str):
        target, fn = select, load_callable(select)
    elif callable(select):
        fn = select
        module, name = (
            getattr(select, "__module__", None),
            getattr(select, "__qualname__", None),
        )
        target = (
            f"{module}:{name}"
            if module and name and "<" not in name
            else "<python callable>"
        )
    else:
        raise TypeError(
            "select must be a callable or 'package.module:function', not"
            f" {type(select).__name__}"
        )
    # the same checks as test-solver's flags (Options, Restrictions, SolverSpec):
    # OptionError
    r = _restrictions(restrictions)
    options = Options(
        profile=profile,
        examples=examples,
        seed=seed,
        root_charged=r.root_charged,
        restrictions=r,
        claims=claims,
        report_dir=report_dir,
        max_findings=max_findings,
        instances=instances,
        cross_check=cross_check,
    )
    if not plan(options)[0]:
        raise OptionError(
            "no applicable property left to run under the restrictions",
            option="claims",
            value=options.claims,
        )
    # as test-solver --report-dir: before the run, not after it
    if options.report_dir is not None:
        from verify.report.write import UnwritablePath, check_writable_dir

        try:
            check_writable_dir(options.report_dir, "report_dir")
        except UnwritablePath as exc:
            why = str(exc)[len(f"report_dir {options.report_dir}: ") :]
            raise OptionError(
                why.replace("{", "{{").replace("}", "}}"),
                option="report_dir",
                value=options.report_dir,
            ) from None
    spec = SolverSpec("callable", target, timeout)
    warm = r.with_convention(options.root_charged).trivial_instance()
    # a selector worker: forked, so any callable works
    solver = adapt_callable(fn, spec.timeout, warmup=warm)
    try:
        out = run(
            spec,
            options,
            solver=solver,
            fresh=lambda factor: adapt_callable(fn, spec.timeout * factor, warmup=warm),
        )
    finally:
        solver.close()
    findings = []
    for i, res in enumerate(out.results):
        dirs = list(out.reports.get(i, ()))
        for k, rec in enumerate(res.findings):
            # one defect, one finding: listed under its first property
            if rec.get("same_as"):
                continue
            sig = rec.get("signature") or {
                "property": res.claim,
                "rule": "",
                "kind": "",
                "cause": "none",
            }
            findings.append(
                Finding(
                    property=res.claim,
                    signature=(
                        sig["property"],
                        sig["rule"],
                        sig["kind"],
                        sig.get("cause", "none"),
                    ),
                    properties=tuple(rec.get("properties") or (res.claim,)),
                    condition=rec.get("condition", ""),
                    instance=rec.get("instance"),
                    answer=rec.get("output"),
                    optimal=rec.get("optimal"),
                    optimum=Fraction(rec["optimum"]) if rec.get("optimum") else None,
                    cause="; ".join(
                        c["text"] for c in rec.get("cause") or [] if isinstance(c, dict)
                    )
                    or None,
                    report=dirs[k] if k < len(dirs) else None,
                    confirmation=confirmation_text(rec.get("confirmation")),
                )
            )
    unconfirmed = tuple(
        f"{res.claim}: {rec.get('signature', {}).get('kind')} on {rec.get('summary')}: "
        f"{confirmation_text(rec.get('confirmation'))}"
        for res in out.results
        for rec in res.unconfirmed
    )
    return SolverCheck(
        int(out.exit_code),
        tuple(findings),
        {res.claim: res.verdict for res in out.results},
        render(out),
        out.run_dir,
        unconfirmed,
    )

"""``python -m verify replay report.json``: rerun one counterexample and say whether it still fails.

Rebuilds the solver from the report's ``solver`` spec (registry name,
``module:function`` or ``--cmd`` program, with its timeout), rebuilds the
property's input from ``arguments`` and runs the same property on it, judged by
the exact oracles as in the original run.

Outcomes and exit codes:

====================================================  ====
``still fails: <condition>``                           1
``passes now: <property> holds on this input``         0
``declined now: <reason>`` (the solver said UNSUPPORTED) 3
``inconclusive: <why>``                                3
bad report file / solver cannot be loaded              2
====================================================  ====
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Optional

from solver.errors import Inconclusive, InputError
from solver.model import Tree
from solver.numbers import to_fraction
from solver.parse import parse_instance

from verify.search.claims import CLAIMS_BY_ID
from verify.search.properties import Outside
from solver.errors import Declined
from verify.subject.spec import SolverSpec, SpecError, build

EXIT_PASS, EXIT_FAILS, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3


class ReportError(InputError):
    """The report file cannot be replayed (not JSON, fields missing, unknown property)."""


def load_report(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise ReportError(f"cannot read file: {exc.strerror or exc}", source=path) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"not a JSON report: {exc}", source=path) from None


def rebuild_case(report: dict):
    """The property's input: an Instance, or (tree, subtree) for THM-3.1."""
    args = report.get("arguments") or {}
    if "instance" in args:
        return parse_instance(args["instance"], allow_nonmonotone=True)  # exact fraction strings
    if "tree" in args:
        t = args["tree"]
        cond = [to_fraction(x) for x in t["cond"]]
        parent = list(t["parent"])
        probe = Tree.from_parents(parent, [Fraction(1)] * len(parent))
        f = [Fraction(0)] * len(parent)
        for v in probe.order:
            f[v] = Fraction(1) if parent[v] == -1 else f[parent[v]] * cond[v]
        return Tree.from_parents(parent, f, cond), frozenset(t["subtree"])
    raise ReportError("no 'arguments.instance' or 'arguments.tree' to replay")


def replay(path: str, *, timeout: Optional[float] = None) -> tuple[int, str]:
    """(exit code, one-line verdict) for the report at ``path``."""
    report = load_report(path)
    if not isinstance(report, dict):
        raise ReportError("not a report object", source=path)
    claim = CLAIMS_BY_ID.get(report.get("property", ""))
    if claim is None:
        raise ReportError(f"unknown property {report.get('property')!r}", source=path)
    try:
        case = rebuild_case(report)
    except InputError as exc:
        raise ReportError(f"cannot rebuild the input: {exc.one_line()}", source=path) from None
    solver = None
    if claim.per_solver:
        if not report.get("solver"):
            raise ReportError("no 'solver' to replay against", source=path)
        spec = SolverSpec.from_json(report["solver"])
        if timeout is not None:
            spec = SolverSpec(spec.kind, spec.target, timeout)
        try:
            solver = build(spec)
        except SpecError as exc:
            raise ReportError(f"cannot load the solver: {exc}", source=path) from None
    from verify.search.restrictions import Restrictions

    options = report.get("options") if isinstance(report.get("options"), dict) else {}
    try:  # the restrictions of the run (LEM-C1/C2 probe only the budgets they admit)
        limits = Restrictions.from_json(options.get("restrictions") or {})
    except (TypeError, ValueError):
        raise ReportError("options.restrictions is not a restrictions object", source=path) from None
    try:
        failure = claim.check(solver, case, limits)
    except Declined as exc:
        return EXIT_INCONCLUSIVE, f"declined now: {exc} (the solver answered UNSUPPORTED; nothing judged)"
    except Inconclusive as exc:
        return EXIT_INCONCLUSIVE, f"inconclusive: {exc}"
    except Outside as exc:
        return EXIT_INCONCLUSIVE, f"inconclusive: the input lies outside the run's restrictions ({exc})"
    if failure is None:
        return EXIT_PASS, f"passes now: {claim.id} holds on this input"
    before = report.get("status_reason")
    text = f"still fails: {failure.condition}"
    if before and before != failure.condition:
        text += f" (the report said: {before})"
    return EXIT_FAILS, text

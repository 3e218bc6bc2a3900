"""The numeric cross-check: the same work again on the Fraction path, compared field by
field.

The numeric core (:mod:`solver.scaled`) runs the greedy, the DP and every
checker on ints over the instance's common denominator; the Fraction path is
the reference.  A *cross-check* redoes one piece of work on both paths and
compares what users see: for a verdict its kind, text, exact optimum and
objective, method (without Z3's "+z3": Z3 does not depend on the path, so
neither run consults it), violations and the optimal selection shown; for a
solver answer its whole JSON.  A difference is a bug of ours, reported as an
``oracle fault`` naming both results, never a silent preference.

Switched on at run time: ``check --cross-check``, ``solve --cross-check`` (the
reference greedy), ``certify --cross-check``, ``audit --cross-check N`` (every
N-th iteration), and for the suite and ``test-solver`` ``--cross-check N``
(every N-th judged case: :func:`oracle_mismatch`, a difference makes the
property inconclusive as an oracle fault, never a pass and never a finding of
the solver).  When the instance's common denominator exceeds the scaling
limit the core already runs on Fractions and there is nothing to compare
(:func:`numbers_path` says which path ran).

>>> from solver.parse import parse_instance
>>> from solver.selection import parse_selection
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.25"]}]})
>>> sel = parse_selection({"status": "OK", "selected": {"r0": [0, 2]}})
>>> judge_mismatch(inst, sel) is None
True
>>> numbers_path(inst)
'scaled'
"""

from __future__ import annotations

from typing import Optional

from solver.messages import clip_line
from solver.model import Instance
from solver.scaled import FRACTION, exact_values
from solver.selection import Selection
from verify.checks.judge import ORACLE_FAULT, Verdict, judge


def numbers_path(instance: Instance) -> str:
    """Which arithmetic the core runs for this instance: ``"scaled"`` or
    ``"fraction"``."""
    return exact_values(instance).path


def _seen(v: Verdict) -> tuple:
    method = v.method.removesuffix("+z3") if v.method else v.method
    return (v.kind, v.text, v.optimum, v.objective, method, v.violations, v.optimal)


def judge_mismatch(instance: Instance, selection: Selection) -> Optional[str]:
    """None when both paths judge ``selection`` alike (without Z3), else what
    differs."""
    if numbers_path(instance) == FRACTION:
        return None  # the core already ran the reference arithmetic
    scaled = judge(instance, selection, use_z3=False, numbers="auto")
    reference = judge(instance, selection, use_z3=False, numbers="fraction")
    if _seen(scaled) == _seen(reference):
        return None
    names = (
        "kind",
        "text",
        "optimum",
        "objective",
        "method",
        "violations",
        "optimal selection",
    )
    field = next(n for n, a, b in zip(names, _seen(scaled), _seen(reference)) if a != b)
    return clip_line(
        f"numeric cross-check: the {field} differs: scaled path says {scaled.text!r}, "
        f"Fraction path says {reference.text!r}"
    )


def solve_mismatch(instance: Instance) -> Optional[str]:
    """None when the reference greedy answers alike on both paths, else what differs."""
    from solver.reference import solve_reference

    if numbers_path(instance) == FRACTION:
        return None
    scaled, reference = (
        solve_reference(instance, "auto"),
        solve_reference(instance, "fraction"),
    )
    if scaled.to_json() == reference.to_json():
        return None
    return clip_line(
        f"numeric cross-check: the reference greedy answers {scaled.dumps()} on the"
        f" scaled path but {reference.dumps()} on the Fraction path"
    )


def certificate_mismatch(instance: Instance, selection: Selection) -> Optional[str]:
    """None when the certificate checker finds the same problems on both paths, else
    what differs."""
    from verify.checks.certificate import certificate_problems

    if numbers_path(instance) == FRACTION:
        return None
    scaled = certificate_problems(instance, selection, "auto")
    reference = certificate_problems(instance, selection, "fraction")
    if scaled == reference:
        return None
    return clip_line(
        f"numeric cross-check: the certificate checker says {scaled!r} on the scaled"
        f" path but {reference!r} on the Fraction path"
    )


def oracle_mismatch(
    instance: Instance, answer: Optional[Selection] = None
) -> Optional[str]:
    """None when the oracles' work on ``instance`` is the same on both paths, else
    what differs.

    The work a property does with the oracles: the DP's answer (status, nodes,
    objective), the judge of that answer (the certificate, its check, the
    feasibility checker), and the judge of the solver's ``answer`` when given.

    >>> from solver.parse import parse_instance
    >>> oracle_mismatch(parse_instance({"budget": 1, "requests": [{"id": "r0",
    ...     "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.25"]}]}))
    """
    from solver.selection import INVALID
    from verify.oracles.dp import solve_dp

    if numbers_path(instance) == FRACTION:
        return None
    scaled, reference = (
        solve_dp(instance, numbers="auto"),
        solve_dp(instance, numbers="fraction"),
    )
    if scaled.to_json() != reference.to_json():
        return clip_line(
            f"numeric cross-check: the DP answers {scaled.dumps()} on the scaled path"
            f" but {reference.dumps()} on the Fraction path"
        )
    own = scaled if scaled.ok else Selection(INVALID, None, None, scaled.reason)
    for sel in (own, answer):
        if sel is not None:
            mismatch = judge_mismatch(instance, sel)
            if mismatch is not None:
                return mismatch
    return None


def cross_checked(
    verdict: Verdict, instance: Instance, selection: Selection
) -> Verdict:
    """``verdict``, or an oracle fault naming the difference when the two paths
    disagree."""
    mismatch = judge_mismatch(instance, selection)
    if mismatch is None:
        return verdict
    return Verdict(ORACLE_FAULT, f"oracle fault: {mismatch}")

"""Judging one answer against the exact optimum: the verdicts of ``python -m verify check``.

Data flow: instance -> (someone's) selection -> :func:`judge` -> :class:`Verdict`.
The exact optimum comes from the tree DP (:mod:`verify.oracles.dp`); Z3
(:mod:`verify.oracles.z3.encoding`) independently confirms it when asked.  Both answers
are re-checked in exact arithmetic; if the two oracles disagree the verdict is
``oracle fault`` naming both, never a silent preference.

Verdicts and exit codes (docs/cli.md):

======================================  ====
``optimal``                             0
``INVALID confirmed``                   0
``suboptimal: objective X, optimum Y``  1
``infeasible: <rule, request, node>``   1
``wrong INVALID: a feasible ...``       1
``wrong objective: ...``                1
``declined: ...`` (UNSUPPORTED)         1
``oracle fault: ...``                   1
``inconclusive: ...``                   3
======================================  ====
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

from solver.errors import AdaserveError, Inconclusive
from solver.messages import clip_line, join_some, number
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import INVALID, OK, Selection

from solver.feasibility import Violation, violations

OPTIMAL = "optimal"
INVALID_CONFIRMED = "INVALID confirmed"
SUBOPTIMAL = "suboptimal"
INFEASIBLE = "infeasible"
WRONG_INVALID = "wrong INVALID"
WRONG_OBJECTIVE = "wrong objective"
DECLINED = "declined"
ORACLE_FAULT = "oracle fault"
INCONCLUSIVE = "inconclusive"

EXIT = {OPTIMAL: 0, INVALID_CONFIRMED: 0, INCONCLUSIVE: 3}


@dataclass(frozen=True)
class Verdict:
    kind: str
    text: str
    optimum: Optional[Fraction] = None          # exact optimum (None: infeasible or unknown)
    optimal_selection: Optional[Selection] = None
    violations: tuple[Violation, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return EXIT.get(self.kind, 1)

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True)
class Oracle:
    """The exact optimum as certified by the oracles consulted."""
    feasible: bool
    optimum: Optional[Fraction]
    selection: Optional[Selection]


def exact_optimum(instance: Instance, *, use_z3: bool = True, z3_timeout: float | None = None,
                  z3_memory: int | None = None) -> Oracle:
    """Optimum by the DP, re-checked exactly, and confirmed by Z3 when ``use_z3``.

    Raises :class:`OracleFault` when the oracles disagree or an answer fails
    the exact checker, :class:`solver.errors.Inconclusive` when Z3 cannot decide.
    """
    from verify.oracles.dp import solve_dp

    sel = solve_dp(instance)
    if sel.status == OK:
        bad = violations(instance, sel.selected, sel.objective)
        if bad:
            raise OracleFault(f"the DP's selection fails the exact checker: {bad[0].text}")
        oracle = Oracle(True, sel.objective, sel)
    else:
        oracle = Oracle(False, None, None)
    if use_z3:
        _confirm_with_z3(instance, oracle, z3_timeout, z3_memory)
    return oracle


class OracleFault(AdaserveError):
    """The exact oracles disagree (or one failed the exact checker)."""


def _confirm_with_z3(instance: Instance, oracle: Oracle, timeout: float | None, memory: int | None = None) -> None:
    from verify.oracles.z3 import encoding as z3e

    confirm: Callable = z3e.confirm  # raises Inconclusive / returns None or a disagreement text
    try:
        disagreement = confirm(instance, oracle.optimum if oracle.feasible else None, timeout=timeout,
                               memory=memory)
    except MemoryError:  # Python's own allocations while Z3 runs: inconclusive, never a traceback
        raise Inconclusive("out of memory while Z3 confirmed the optimum") from None
    if disagreement is not None:
        dp = _n(oracle.optimum) if oracle.feasible else "infeasible"
        raise OracleFault(f"DP says {dp}, Z3 says {disagreement}")


def _n(x: Fraction) -> str:
    return number(fraction_str(x))


def judge(instance: Instance, selection: Selection, *, use_z3: bool = True,
          z3_timeout: float | None = None, z3_memory: int | None = None) -> Verdict:
    """Judge ``selection`` against the exact optimum of ``instance``."""
    if selection.status not in (OK, INVALID):
        return Verdict(DECLINED, f"declined: {selection.reason or 'the solver declined this input'}")
    bad: list[Violation] = []
    if selection.status == OK:
        bad = violations(instance, selection.selected, None)
        if bad:
            return Verdict(INFEASIBLE, clip_line("infeasible: " + join_some(v.text for v in bad)),
                           violations=tuple(bad))
    try:
        oracle = exact_optimum(instance, use_z3=use_z3, z3_timeout=z3_timeout, z3_memory=z3_memory)
    except Inconclusive as exc:
        return Verdict(INCONCLUSIVE, f"inconclusive: {exc}")
    except OracleFault as exc:
        return Verdict(ORACLE_FAULT, f"oracle fault: {exc}")

    if selection.status == INVALID:
        if not oracle.feasible:
            return Verdict(INVALID_CONFIRMED, INVALID_CONFIRMED)
        return Verdict(WRONG_INVALID, clip_line(f"wrong INVALID: a feasible selection exists: "
                                                f"{oracle.selection.dumps()}"),
                       oracle.optimum, oracle.selection)
    got = sum((instance.request(r).tree.value(s) for r, s in selection.selected.items()), Fraction(0))
    if not oracle.feasible:
        return Verdict(ORACLE_FAULT, "oracle fault: the selection is feasible but the oracles found no "
                                     "feasible selection")
    if selection.objective is not None and selection.objective != got:
        return Verdict(WRONG_OBJECTIVE, f"wrong objective: stated {_n(selection.objective)}, "
                                        f"the selected nodes sum to {_n(got)}",
                       oracle.optimum, oracle.selection)
    if got > oracle.optimum:
        return Verdict(ORACLE_FAULT, f"oracle fault: the selection is worth {_n(got)} but the "
                                     f"oracles' optimum is {_n(oracle.optimum)}")
    if got < oracle.optimum:
        return Verdict(SUBOPTIMAL, f"suboptimal: objective {_n(got)}, optimum "
                                   f"{_n(oracle.optimum)}", oracle.optimum, oracle.selection)
    return Verdict(OPTIMAL, OPTIMAL, oracle.optimum, oracle.selection)

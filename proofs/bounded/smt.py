"""One SMT query: refute the negation of a claim, exactly, with a fixed seed.

Outcomes
--------
``proved``          Z3 answered *unsat* for (base constraints AND NOT claim):
                    no admissible input and run violates the claim.
``counterexample``  *sat*: the model is an input and run that violates it.
``unknown``         Z3 gave up (timeout, resource limit): never counted as proved.

Reals are Z3's exact rationals; no floating point enters a verdict.

>>> import z3
>>> x = z3.Real("x")
>>> s = new_solver(seed=0, timeout=10)
>>> s.add(x > 0)
>>> refute(s, x < 0).status, refute(s, x > 1).status
('proved', 'counterexample')
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import z3

from solver.verdicts import ProofResult

PROVED = ProofResult.PROVED
COUNTEREXAMPLE = ProofResult.COUNTEREXAMPLE
UNKNOWN = ProofResult.UNKNOWN


@dataclass
class Outcome:
    status: str
    seconds: float
    model: Optional[z3.ModelRef] = None
    reason: str = ""


def configure(seed: int) -> None:
    """Process-wide Z3 seeds (each worker calls this once)."""
    z3.set_param("smt.random_seed", seed)
    z3.set_param("sat.random_seed", seed)


def new_solver(seed: int, timeout: float) -> z3.Solver:
    s = z3.Solver()
    s.set("random_seed", seed)
    s.set("timeout", max(1, int(timeout * 1000)))
    return s


def check(solver: z3.Solver, *extra) -> Outcome:
    """Check ``solver`` plus ``extra`` (added in a push/pop scope)."""
    t0 = time.perf_counter()
    solver.push()
    try:
        for item in extra:  # items may be expressions or lists of them
            solver.add(*item) if isinstance(item, (list, tuple)) else solver.add(item)
        result = solver.check()
        model = solver.model() if result == z3.sat else None
        reason = solver.reason_unknown() if result == z3.unknown else ""
    finally:
        solver.pop()
    seconds = time.perf_counter() - t0
    if result == z3.unsat:
        return Outcome(PROVED, seconds)
    if result == z3.sat:
        return Outcome(COUNTEREXAMPLE, seconds, model)
    return Outcome(UNKNOWN, seconds, reason=reason or "unknown")


def refute(solver: z3.Solver, negation, *assumed) -> Outcome:
    """Prove a claim by showing its ``negation`` unsatisfiable under ``solver``'s
    constraints."""
    return check(solver, *assumed, negation)


def fraction(model: z3.ModelRef, term):
    """The exact value of a real/int term in ``model`` as a Fraction."""
    from fractions import Fraction

    val = model.eval(term, model_completion=True)
    if z3.is_int_value(val):
        return Fraction(val.as_long())
    if z3.is_rational_value(val):
        return Fraction(val.numerator_as_long(), val.denominator_as_long())
    raise ValueError(f"not a rational value: {val}")  # LRA/LIA models are rational

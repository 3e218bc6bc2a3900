"""Running Z3 soundly: verdicts, sessions (context, seed, deadline), exact coefficients,
belief.

Shared by the two Z3 encodings (:mod:`verify.oracles.z3.encoding`, the direct one, and
:mod:`verify.oracles.z3.decomposed`, the per-tree proof).  Nothing here knows the
problem; it fixes how a Z3 answer becomes a verdict.

Terminology
-----------
query
    One ``check()`` of a Z3 solver: ``sat``, ``unsat`` or ``unknown``.
session
    Everything one API call asks Z3: a *fresh* :class:`z3.Context` (so earlier
    calls in the process cannot change term ids and with them the search: the
    same input gives the same verdict), the fixed random seed :data:`SEED`, the
    deadline and the query count.
deadline
    The wall-clock limit of the whole API call (``timeout`` seconds, ``None``:
    no limit), building the encoding included: the encodings call
    :meth:`Session.tick` as they build, and each query gets what is left.
    Running out, ``unknown`` or an interrupt (Ctrl-C makes Z3 answer
    ``unknown``) raises :class:`solver.errors.Inconclusive`: never a pass.
memory
    What Z3 may allocate during the call (``memory_mb``, default
    :data:`DEFAULT_MEMORY_MB`), on top of what it held when the call began
    (Z3's ``memory_max_size`` is one limit for the whole process).  Running
    out is reported by Z3 as an exception or as ``unknown``; both become
    :class:`solver.errors.Inconclusive` ("Z3 ran out of memory"), never a pass
    and never a traceback.
belief
    A Z3 model is a *claim*.  It is turned into node sets and re-checked by the
    project's exact checker (:func:`solver.feasibility.violations`, objective
    recomputed in Fractions) before anything uses it; a model that fails is a
    :class:`Z3Fault` (an encoding or Z3 bug), never an answer.

Coefficients are exact: :func:`rational` turns a Fraction into a Z3 rational;
no float ever reaches Z3.

>>> import z3
>>> s = Session(timeout=10)
>>> q = rational(Fraction(7, 10), s.ctx)
>>> q.as_fraction()
Fraction(7, 10)
>>> x = z3.Int("x", s.ctx)
>>> solver = s.solver()
>>> solver.add(x * q > rational(Fraction(1, 2), s.ctx), x <= 1)
>>> s.check(solver), s.queries
(True, 1)
>>> solver.add(x <= 0)
>>> s.check(solver)
False
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping

import z3

from solver.errors import Inconclusive, Z3Fault
from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import Selection, make_ok
from solver.verdicts import Z3Verdict

SEED = 0  # the fixed random seed of every solver (determinism)
DEFAULT_MEMORY_MB = 4096  # what one Z3 call may allocate (``--z3-memory``)

# verdicts of :class:`Z3Result`
FEASIBLE = Z3Verdict.FEASIBLE  # feasibility: a feasible selection (re-checked) exists
INFEASIBLE = (  # feasibility / optimum: Z3 proved that no feasible selection exists
    Z3Verdict.INFEASIBLE
)
# refutation: nothing feasible is worth more than the value; optimum: the selection is
# feasible and nothing is worth more
OPTIMAL = Z3Verdict.OPTIMAL
BETTER = Z3Verdict.BETTER  # refutation: a feasible selection worth more (re-checked)
INCONCLUSIVE = Z3Verdict.INCONCLUSIVE  # unknown, timeout, interrupt: never a pass

DECOMPOSED = (  # per-tree tables + count-level claim (verify.oracles.z3.decomposed)
    "decomposed"
)
MONOLITHIC = "monolithic"  # one 0/1 variable per node, all constraints at once
OPTIMIZE = (  # monolithic, with Z3's own Optimize (optimum mode only; small inputs)
    "optimize"
)


@dataclass(frozen=True)
class Z3Result:
    """What one Z3 API call found.

    ``selection`` is the re-checked witness (FEASIBLE, BETTER) or the optimum
    (OPTIMAL from the optimum mode); ``value`` is the value a refutation was
    asked about; ``reason`` says why (the proof's gist, or why INCONCLUSIVE).
    """

    verdict: Z3Verdict
    selection: Selection | None = None
    value: Fraction | None = None
    reason: str = ""
    method: str = ""
    queries: int = 0
    seconds: float = 0.0
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def conclusive(self) -> bool:
        return self.verdict != INCONCLUSIVE


def rational(q: Fraction | int, ctx: z3.Context) -> z3.RatNumRef:
    """The exact Z3 rational of ``q``."""
    q = Fraction(q)
    return z3.RealVal(fraction_str(q), ctx)  # no int/str digit limit


class Session:
    """Context, seed, deadline and query count of one API call (see module doc)."""

    def __init__(
        self,
        timeout: float | None = None,
        rlimit: int | None = None,
        memory_mb: int | None = None,
    ):
        if timeout is not None and math.isinf(timeout) and timeout > 0:
            timeout = None
        # zero, negative or NaN: no time at all
        elif timeout is not None and not timeout > 0:
            timeout = 0.0
        self.memory_mb = DEFAULT_MEMORY_MB if memory_mb is None else memory_mb
        # earlier calls' leftovers do not count
        held = z3.z3core.Z3_get_estimated_alloc_size() // 2**20
        z3.set_param("memory_max_size", held + self.memory_mb)
        self.ctx = z3.Context()
        self.timeout = timeout
        self.rlimit = rlimit  # deterministic per-query resource limit (tests)
        self.start = time.monotonic()
        self.deadline = None if timeout is None else self.start + timeout
        self.queries = 0

    def solver(self) -> z3.Solver:
        s = z3.Solver(ctx=self.ctx)
        s.set(random_seed=SEED)
        if self.rlimit is not None:
            s.set(rlimit=self.rlimit)
        return s

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def tick(self) -> None:
        """Raise :class:`Inconclusive` once the deadline has passed (called while
        building encodings)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Inconclusive(
                f"Z3 time limit of {self.timeout:g} s reached while building the"
                f" encoding (after {self.queries} queries)"
            )

    def out_of_memory(self) -> Inconclusive:
        return Inconclusive(
            f"Z3 ran out of memory (limit {self.memory_mb} MB; --z3-memory) after "
            f"{self.queries} queries"
        )

    def remaining_ms(self) -> int | None:
        if self.deadline is None:
            return None
        left = int((self.deadline - time.monotonic()) * 1000)
        if left <= 0:
            raise Inconclusive(
                f"Z3 time limit of {self.timeout:g} s reached after {self.queries}"
                " queries"
            )
        return left

    def check(self, s: z3.Solver | z3.Optimize, *assumptions) -> bool:
        """True for sat, False for unsat; :class:`Inconclusive` for anything else."""
        left = self.remaining_ms()
        if left is not None:
            s.set(timeout=min(left, 2**32 - 1))
        answer = s.check(*assumptions)
        self.queries += 1
        if answer == z3.sat:
            return True
        if answer == z3.unsat:
            return False
        why = s.reason_unknown() or "unknown"
        if "memory" in why:
            raise self.out_of_memory()
        if self.deadline is not None and time.monotonic() >= self.deadline:
            why = f"time limit of {self.timeout:g} s reached"
        raise Inconclusive(f"Z3 answered unknown ({why}) after {self.queries} queries")

    def result(self, verdict: Z3Verdict, method: str, **kw) -> Z3Result:
        return Z3Result(
            verdict, method=method, queries=self.queries, seconds=self.elapsed(), **kw
        )


def believe(
    instance: Instance,
    sets: Mapping[str, Iterable[int]],
    *,
    above: Fraction | None = None,
    what: str = "Z3 model",
) -> Selection:
    """The selection ``sets`` after the exact checker accepted it (and its value >
    ``above``).

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 1, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0, 1],
    ...      "prob": [1, "0.5", "0.25"]}]})
    >>> believe(inst, {"r": [0, 1]}).objective
    Fraction(3, 2)
    >>> believe(inst, {"r": [0, 2]})  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    solver.errors.Z3Fault: Z3 model fails the exact checker: rooted: request 'r' node 2
    selected without its parent 1
    """
    sel = make_ok(instance, sets)
    assert sel.selected is not None and sel.objective is not None, "make_ok sets both"
    bad = violations(instance, sel.selected, sel.objective)
    if bad:
        raise Z3Fault(
            f"{what} fails the exact checker: " + "; ".join(v.text for v in bad)
        )
    if above is not None and not sel.objective > above:
        raise Z3Fault(
            f"{what} is worth {fraction_str(sel.objective)}, not more than"
            f" {fraction_str(above)}"
        )
    return sel

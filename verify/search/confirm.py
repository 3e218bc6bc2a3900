"""Confirm before report: every shrunk finding is replayed on fresh solvers before it
counts.

A failure seen once during a search may come from the search's own circumstances
(a machine so loaded that a call ran out of time, a worker left broken by an
earlier call, a ``--jsonl`` line that belonged to another instance), not from the
selector.  So each finding, after shrinking and reduction, is judged again
:data:`REPLAYS` times, each time on a *fresh* solver built by the caller (a fresh
selector worker, a fresh program; :func:`verify.solver_check.tasks.fresh_solver`),
the per-call timeout raised :data:`TIMEOUT_FACTOR` times for a ``timeout`` finding.

Terminology
-----------
replay
    One judgement of the finding's case by its property on a fresh solver (for a
    fault of the solver as a program, the one call on the instance the fault is
    about).  It *reproduces* the finding when it fails with the same signature.
    A ``--jsonl`` program is then let exit and its lines counted
    (:meth:`~verify.subject.adapters.LineSolver.settle`): a line beyond its
    answers is the replay's outcome (a protocol failure), whatever it judged, since
    an answer may have been read from another instance's line.
confirmed
    Reproduced by every replay: a finding.
intermittent
    Reproduced by some: a finding, marked with the count ("reproduced 2 of 5") and
    both answers (the failing one and the other one seen).  When the first
    :data:`REPLAYS` disagree, or none of them reproduced the failure (except a
    timeout: each of its replays may take 4 times the timeout), replays go on up to
    :data:`MAX_REPLAYS`.
not confirmed
    Reproduced by none: never a defect, never exit 1 on its own; listed with what
    happened instead (the property then is inconclusive unless something else was
    found).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from solver.errors import Declined, Inconclusive, SolverFault
from solver.model import Instance
from solver.verdicts import FAULT_KINDS, Confirmation, FailureKind
from verify.search.properties import (
    Failure,
    Outside,
    fault_failure,
    run_solver,
    signature,
)
from verify.subject.adapters import settle_solver

REPLAYS = 3  # replays of every finding
MAX_REPLAYS = 5  # when they disagree
TIMEOUT_FACTOR = (
    4  # the per-call timeout of a replay of a timeout finding, times the run's
)
CONFIRMED = Confirmation.CONFIRMED
INTERMITTENT = Confirmation.INTERMITTENT
NOT_CONFIRMED = Confirmation.NOT_CONFIRMED


class _Recorder:
    """The solver, remembering its last answer (or fault), to show what a replay saw."""

    def __init__(self, solver):
        self.solver, self.last = solver, None
        self.__name__ = getattr(solver, "__name__", "solve")

    def __call__(self, instance):
        try:
            out = self.solver(instance)
        except SolverFault as exc:
            self.last = f"fault: {exc}"
            raise
        except Declined as exc:
            self.last = f"declined: {exc}"
            raise
        self.last = out.to_json() if hasattr(out, "to_json") else repr(out)
        return out


def replay_once(
    claim, case: Any, failure: Failure, limits, solver
) -> tuple[bool, str, Any]:
    """``(reproduced, what happened, the answer seen)`` of one replay on ``solver``."""
    sig = signature(claim.id, failure)
    rec = _Recorder(solver)
    about = failure.instance
    try:
        # a fault about one instance (a late line: the instance that printed it)
        if (
            failure.kind in FAULT_KINDS
            and failure.output is None
            and isinstance(about, Instance)
            and (about is not case or failure.rule == "protocol")
        ):
            try:
                run_solver(rec, about)
                got = None
            except SolverFault as exc:
                got = fault_failure(exc)
            failures = () if got is None else (got,)
        else:
            got = claim.check(rec, case, limits)
            failures = () if got is None else got.all()
        late = settle_solver(solver)  # a --jsonl program's lines, counted as it exits
        if late is not None:  # a line beyond its answers: this replay's verdict
            failures = (fault_failure(late),)  # is that, whatever it judged
    except Declined as exc:
        return False, f"declined: {exc}", rec.last
    except Inconclusive as exc:
        return False, f"undecided: {exc}", rec.last
    except Outside as exc:  # pragma: no cover - the case was inside when it failed
        return False, f"outside the restrictions: {exc}", rec.last
    for f in failures:
        if signature(claim.id, f) == sig:
            return True, f.condition, rec.last
    if failures:
        return False, f"failed otherwise: {failures[0].condition}", rec.last
    return False, "passed", rec.last


def confirm(
    claim,
    case: Any,
    failure: Failure,
    limits,
    fresh: Callable[[float], Any],
    close: Callable[[Any], None],
) -> dict:
    """Replay a finding on fresh solvers (module doc); its ``confirmation`` record.

    ``fresh(factor)`` builds a fresh solver whose per-call timeout is ``factor`` times
    the run's; ``close`` ends it.
    """
    factor = TIMEOUT_FACTOR if failure.kind == FailureKind.TIMEOUT else 1
    outcomes: list[tuple[bool, str, Any]] = []

    # disagreeing replays, or none reproduced a failure that was seen
    def undecided() -> bool:
        k = sum(ok for ok, _, _ in outcomes)
        return 0 < k < len(outcomes) or (k == 0 and failure.kind != FailureKind.TIMEOUT)

    while len(outcomes) < REPLAYS or (len(outcomes) < MAX_REPLAYS and undecided()):
        solver = fresh(factor)
        try:
            outcomes.append(replay_once(claim, case, failure, limits, solver))
        finally:
            close(solver)
    k, n = sum(ok for ok, _, _ in outcomes), len(outcomes)
    status = CONFIRMED if k == n else INTERMITTENT if k else NOT_CONFIRMED
    out: dict[str, Any] = {
        "status": status,
        "reproduced": k,
        "replays": n,
        "how": (
            f"replayed {n} times, each on a fresh solver (a new process)"
            + (f", the per-call timeout raised {factor}x" if factor != 1 else "")
        ),
    }
    other = next(((what, seen) for ok, what, seen in outcomes if not ok), None)
    if other is not None:
        out["otherwise"] = other[0]
        if other[1] is not None:
            out["other_answer"] = other[1]
    return out


def confirmation_text(conf: Optional[dict]) -> str:
    """One line: ``confirmed (reproduced 3 of 3)``, ``intermittent (reproduced 2 of 5;
    otherwise: passed)``.

    >>> confirmation_text({"status": "intermittent", "reproduced": 2, "replays": 5,
    ...                    "otherwise": "passed"})
    'intermittent (reproduced 2 of 5; otherwise: passed)'
    >>> confirmation_text(None)
    'not replayed'
    """
    if not conf:
        return "not replayed"
    text = f"{conf['status']} (reproduced {conf['reproduced']} of {conf['replays']}"
    if conf.get("otherwise") and conf["status"] != CONFIRMED:
        text += f"; otherwise: {conf['otherwise']}"
    return text + ")"

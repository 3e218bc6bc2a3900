"""One property against the solver under test, as a task of :mod:`verify.run` (what a
worker runs), and the inconclusive result of a task that could not run."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from verify.run.fingerprint import subject_fingerprint
from verify.run.seam import Task, emit
from verify.search.claim_search import INCONCLUSIVE, ClaimResult, run_claim
from verify.search.claims import CLAIMS_BY_ID, PROFILES, Claim
from verify.solver_check.options import Options
from verify.subject.adapters import close_solver
from verify.subject.spec import SolverSpec, build


def claim_task(arg) -> ClaimResult:
    """One property against the solver under test, for one seed: what a worker runs.

    The solver is rebuilt from its spec in the worker (a callable is imported by
    name, a ``--cmd`` is a command line), so the task pickles as plain data; a
    ``--jsonl`` program started for the task ends with it.
    """
    spec, options, claim_id, own = arg
    solver = build(spec, warmup_instance(options))
    try:
        return run_one(CLAIMS_BY_ID[claim_id], spec, options, solver, own)
    finally:
        close_solver(solver)


def warmup_instance(options: Options):
    """The trivial instance of a selector's warm-up call (:mod:`verify.subject.worker`),
    inside the run's restrictions."""
    return options.restrictions.with_convention(options.root_charged).trivial_instance()


def fresh_solver(spec: SolverSpec, options: Options):
    """``fresh(factor)`` for confirming a finding (:mod:`verify.search.confirm`): a new
    solver from the spec, in a new process, its per-call timeout ``factor`` times the
    run's (a ``--jsonl`` program waits a second after each answer for lines that come
    late)."""
    warmup = warmup_instance(options)

    def fresh(factor: float):
        solver = build(replace(spec, timeout=spec.timeout * factor), warmup)
        if hasattr(solver, "linger"):
            solver.linger = min(1.0, spec.timeout)
        return solver

    return fresh


def run_one(
    claim: Claim, spec: SolverSpec, options: Options, solver, own=(), fresh=None
) -> ClaimResult:
    """One property; every finding confirmed on fresh solvers (``fresh``, default: built
    from ``spec``; our registered solvers are not replayed) and emitted the moment it
    is."""
    profile = PROFILES[options.profile]
    if fresh is None and spec.kind != "registry":
        fresh = fresh_solver(spec, options)
    return run_claim(
        claim,
        profile,
        solver_name=spec.label,
        solver=solver,
        must_hold=True,
        seed=options.seed,
        root_charged=options.root_charged,
        examples=options.examples,
        restrictions=options.restrictions,
        max_findings=options.max_findings,
        instances=list(own),
        fresh=fresh,
        close=close_solver,
        on_finding=lambda rec: emit({"finding": rec, "claim": claim.id}),
        cross_check=options.cross_check,
    )


def claim_tasks(
    spec: SolverSpec, options: Options, claims: list[Claim], own=()
) -> list[Task]:
    """The tasks of a run (one per property), keyed for a task store by the solver's
    files too (and by the user's own instances, ``--instances``, by content)."""
    own = list(own)
    digest = hashlib.sha256(
        json.dumps([[o, i.to_json()] for o, i in own], sort_keys=True).encode()
    ).hexdigest()
    inputs = {
        "solver": spec.to_json(),
        "subject": subject_fingerprint(spec.kind, spec.target),
        "options": {
            "profile": options.profile,
            "examples": options.examples,
            "seed": options.seed,
            "root_charged": options.root_charged,
            "restrictions": options.restrictions.to_json(),
            "max_findings": options.max_findings,
            "instances": digest if own else None,
        },
    }
    if options.cross_check:  # (absent when off: stored tasks keep their keys)
        inputs["options"]["cross_check"] = options.cross_check
    # (a Python selector runs in its own worker: any thread will do)
    return [
        Task(
            claim_task,
            (spec, replace(options, report_dir=None), c.id, own),
            f"test-solver {c.id} seed {options.seed}",
            {**inputs, "claim": c.id},
        )
        for c in claims
    ]


def solver_modules(spec: SolverSpec) -> tuple[str, ...]:
    """The module every worker imports before a task (verify/run/imports.py): the
    callable's."""
    return (
        (spec.target.partition(":")[0],) if spec.kind in ("callable", "native") else ()
    )


def failed_result(
    claim: Claim, spec: SolverSpec, options: Options, reason: str
) -> ClaimResult:
    """A property whose task could not run (it kept killing its workers): inconclusive,
    never a pass."""
    return ClaimResult(
        claim.id,
        claim.paper,
        claim.method,
        spec.label,
        True,
        INCONCLUSIVE,
        0,
        0.0,
        options.seed,
        note=f"not run: {reason}",
    )


def failed_task_result(task: Task, reason: str) -> ClaimResult:
    """The inconclusive result of a task of :func:`claim_tasks` that could not run.

    Only this module knows the layout of the task's argument (:func:`claim_task`).
    """
    spec, options, claim_id, _own = task.arg
    return failed_result(CLAIMS_BY_ID[claim_id], spec, options, reason)

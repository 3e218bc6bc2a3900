"""Checking a solver that is not ours: :func:`run` every applicable property against it.

Data flow: generated instance -> solver under test (through
:mod:`verify.subject.adapters`) -> the properties of :mod:`verify.search.properties`,
judged by the exact oracles -> per property: verified, the smallest
counterexample (shrunk by Hypothesis), or inconclusive -> optional reports
(:mod:`verify.solver_check.reports`).

declined input
    The solver answered ``UNSUPPORTED`` (or its program exited 3): counted by
    generated class and reason, never judged.  A property whose inputs were
    mostly declined is inconclusive, never a pass.

Exit codes: 0 nothing found; 1 a counterexample to some property; 2 usage
error; 3 inconclusive (and nothing found).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from solver.exit_codes import ExitCode
from solver.messages import clip_line
from verify.run.executor import InOrder, make_executor, run_tasks
from verify.run.seam import TaskFailed, listen
from verify.search.claim_search import COUNTEREXAMPLE, INCONCLUSIVE, ClaimResult
from verify.search.confirm import confirmation_text
from verify.search.defects import merge_defects
from verify.solver_check.instances import load_instances
from verify.solver_check.options import Options
from verify.solver_check.planning import plan
from verify.solver_check.reports import write_run
from verify.solver_check.tasks import (
    claim_tasks,
    failed_result,
    run_one,
    solver_modules,
    warmup_instance,
)
from verify.subject.spec import SolverSpec, preflight


@dataclass
class Run:
    spec: SolverSpec
    options: Options
    results: list[ClaimResult]
    skipped: list[tuple[str, str]]  # (claim id, why it does not apply)
    seconds: float
    # result index -> one directory per finding
    reports: dict[int, list[str]] = field(default_factory=dict)
    run_dir: Optional[str] = None
    own: int = 0  # --instances used (inside the restrictions)
    # (origin, restriction broken)
    own_outside: list[tuple[str, str]] = field(default_factory=list)
    defects: int = 0  # distinct defects over every property (verify.search.defects)

    @property
    def exit_code(self) -> int:
        return exit_code(self.results)


def exit_code(results: list[ClaimResult]) -> int:
    if any(r.verdict == COUNTEREXAMPLE for r in results):
        return ExitCode.FOUND
    if any(r.verdict == INCONCLUSIVE for r in results):
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


def run(
    spec: SolverSpec,
    options: Options,
    progress: Callable[[str], object] | None = None,
    solver=None,
    executor=None,
    store=None,
    note: Callable[[str], object] | None = None,
    fresh=None,
) -> Run:
    """Every applicable property against the solver; writes reports if
    ``options.report_dir``.

    ``executor`` (:mod:`verify.run.executor`; default in-process) runs the properties,
    in parallel when it has several workers; results and progress lines come in
    table order whatever finishes first.  A ``solver`` object given here cannot be
    sent to workers: the properties then run in this process, one after the other
    (``fresh(factor)`` then builds the fresh solvers that confirm its findings).

    First the solver must start and answer a trivial instance at all
    (:func:`verify.subject.spec.preflight`; :class:`~solver.errors.SetupError`
    otherwise, exit 2).  Each finding is confirmed on fresh solvers
    (:mod:`verify.search.confirm`) and, once confirmed, given to ``progress`` at once
    with the seconds since the start (on Dask: when its property ends).
    """
    claims, skipped = plan(options)
    if solver is None:
        preflight(spec, warmup_instance(options))
    # a selector worker: import and warm-up now, a setup error here
    elif hasattr(solver, "start"):
        solver.start()
    own, outside = [], []
    if options.instances:
        limits = options.restrictions.with_convention(options.root_charged)
        for origin, inst in load_instances(options.instances):
            why = limits.outside(inst)
            (outside.append((origin, why)) if why else own.append((origin, inst)))
    start = time.perf_counter()
    shown: set = set()

    def finding_line(claim_id: str, rec: dict) -> str:
        sig = rec.get("signature") or {}
        return (
            f"[{time.perf_counter() - start:.1f} s] finding: {claim_id}:"
            f" {sig.get('kind')} (rule: {sig.get('rule')}),"
            f" {confirmation_text(rec.get('confirmation'))}:"
            f" {clip_line(rec['summary'], 160)}"
        )

    def on_event(event) -> None:
        if progress and isinstance(event, dict) and "finding" in event:
            rec = event["finding"]
            shown.add(
                (event["claim"], json.dumps(rec.get("signature"), sort_keys=True))
            )
            progress(finding_line(event["claim"], rec))

    def report(i: int, res, reused: bool) -> None:
        if isinstance(res, TaskFailed):
            res = failed_result(claims[i], spec, options, res.reason)
        if progress:
            extra = f", {res.declined} declined" if res.declined else ""
            many = f", {len(res.findings)} findings" if len(res.findings) > 1 else ""
            again = ", from the store" if reused else ""
            for rec in res.findings:  # not yet shown (Dask, the store): now
                if (
                    res.claim,
                    json.dumps(rec.get("signature"), sort_keys=True),
                ) not in shown:
                    progress(finding_line(res.claim, rec))
            progress(
                f"[{i + 1:>2}/{len(claims)}] {res.claim}: {res.verdict} ({res.cases}"
                f" cases{extra}{many}, {res.seconds:.1f} s{again})"
            )

    before = listen(on_event)
    try:
        if solver is not None:
            results = []
            for i, c in enumerate(claims):
                results.append(run_one(c, spec, options, solver, own, fresh=fresh))
                report(i, results[-1], False)
        else:
            mine = executor is None
            executor = executor or make_executor(1)
            try:
                out = run_tasks(
                    claim_tasks(spec, options, claims, own),
                    executor,
                    store=store,
                    preload=solver_modules(spec),
                    on_result=InOrder(report),
                    note=note,
                )
            finally:
                if mine:
                    executor.close()
    finally:
        listen(before)
    if solver is None:
        results = [
            (
                failed_result(c, spec, options, r.reason)
                if isinstance(r, TaskFailed)
                else r
            )
            for c, r in zip(claims, out.results)
        ]
    # one defect found by several properties: one finding
    defects = merge_defects(results)
    out_run = Run(
        spec,
        options,
        results,
        skipped,
        time.perf_counter() - start,
        own=len(own),
        own_outside=outside,
        defects=defects,
    )
    if options.report_dir:
        out_run.run_dir, out_run.reports = write_run(options.report_dir, out_run)
    return out_run

"""The verification suite: every claim, against the reference and the paper-literal
variants.

``python -m verify`` (or ``python -m verify suite``) runs a *plan*: each
per-solver claim of :mod:`verify.search.claims` against the reference greedy (these
must hold) and against ``paper-alg1``, ``paper-alg2`` and ``float-greedy``
(where findings are expected and reported, not failures of the suite), plus the
tree-level claims and the oracle cross-check once.  Output: docs/suite.md.

Exit codes: 0 every must-hold claim verified and nothing inconclusive;
1 a must-hold claim has a counterexample; 2 usage or input error;
3 something inconclusive (and no must-hold counterexample).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import Callable, Iterable, Optional

from solver.exit_codes import ExitCode
from solver.registry import SOLVERS, get_solver
from verify.report.finding import finding, slug
from verify.report.write import new_run_dir, write_finding, write_index
from verify.run.executor import make_executor, run_tasks
from verify.run.fingerprint import subject_fingerprint
from verify.run.seam import Task, TaskFailed
from verify.run.store import Store
from verify.search.claim_search import (
    COUNTEREXAMPLE,
    INCONCLUSIVE,
    VERIFIED,
    ClaimResult,
    class_shares,
    run_claim,
    sample_classes,
)
from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES
from verify.search.restrictions import Restrictions
from verify.subject.spec import SolverSpec

REFERENCE = "reference"
PAPER_VARIANTS = ("paper-alg1", "paper-alg2", "float-greedy")
# Algorithm 2 as printed always charges roots; it is run on instances of that
# convention.
CONVENTION = {"paper-alg2": True}
# premise dropped: reported either way, not must-hold
EXPLORATORY = {
    "THM-4.1/ties",
    "THM-P2/nonmonotone",
}


@dataclass(frozen=True)
class Job:
    claim: str
    # registry name or "module:function"; None for tree-level claims
    solver: Optional[str]
    must_hold: bool
    root_charged: Optional[bool]
    profile: str
    seed: int
    values: Optional[tuple[str, ...]] = None  # --values: the value classes drawn
    cross_check: int = 0  # --cross-check N: 1 in N judged cases again on Fractions


def resolve_solver(spec: str) -> Callable:
    """A registry name (``reference``) or an importable ``package.module:function``."""
    if spec in SOLVERS:
        return get_solver(spec)
    if ":" not in spec:
        raise KeyError(
            f"unknown solver {spec!r} (choose from {', '.join(SOLVERS)} or give"
            " module:function)"
        )
    module, func = spec.split(":", 1)
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise KeyError(f"cannot load solver {spec!r}: {exc}") from None


def plan(
    profile: str = "quick",
    seed: int = 0,
    solver: Optional[str] = None,
    claims: Optional[Iterable[str]] = None,
    values: Optional[tuple[str, ...]] = None,
) -> list[Job]:
    """The jobs of one suite run, in the order the table shows them (``values``: only
    the claims that can draw one of these value classes; see :func:`not_run`)."""
    wanted = set(claims) if claims else None
    limits = Restrictions(values=values)
    jobs = []
    subjects = (
        [(solver, True)]
        if solver
        else [(REFERENCE, True)] + [(s, False) for s in PAPER_VARIANTS]
    )
    for name, must in subjects:
        for c in CLAIMS:
            if (
                c.per_solver
                and (wanted is None or c.id in wanted)
                and not limits.applies(c)
            ):
                jobs.append(
                    Job(c.id, name, must, CONVENTION.get(name), profile, seed, values)
                )
    if solver is None:
        for c in CLAIMS:
            if (
                not c.per_solver
                and (wanted is None or c.id in wanted)
                and not limits.applies(c)
            ):
                jobs.append(
                    Job(
                        c.id, None, c.id not in EXPLORATORY, None, profile, seed, values
                    )
                )
    return jobs


def not_run(
    claims: Optional[Iterable[str]], values: Optional[tuple[str, ...]]
) -> list[tuple[str, str]]:
    """(claim, why) for the claims ``--values`` leaves without any class to draw."""
    wanted = set(claims) if claims else None
    limits = Restrictions(values=values)
    return [
        (c.id, why)
        for c in CLAIMS
        if (wanted is None or c.id in wanted) and (why := limits.applies(c))
    ]


def run_job(job: Job) -> ClaimResult:
    claim = CLAIMS_BY_ID[job.claim]
    fn = resolve_solver(job.solver) if job.solver else None
    return run_claim(
        claim,
        PROFILES[job.profile],
        solver_name=job.solver,
        solver=fn,
        must_hold=job.must_hold,
        seed=job.seed,
        root_charged=job.root_charged,
        restrictions=Restrictions(values=job.values) if job.values else None,
        cross_check=job.cross_check,
    )


def job_task(job: Job) -> Task:
    """One suite check as a task of :mod:`verify.run` (its inputs key it in a task
    store)."""
    inputs = {"job": asdict(job)}
    if not job.cross_check:  # off: stored tasks keep their keys
        del inputs["job"]["cross_check"]
    # module:function: its file is part of what ran
    if job.solver and job.solver not in SOLVERS:
        inputs["subject"] = subject_fingerprint("native", job.solver)
    who = f" on {job.solver}" if job.solver else ""
    return Task(run_job, job, f"suite {job.claim}{who} seed {job.seed}", inputs)


def failed_result(job: Job, reason: str) -> ClaimResult:
    """The result of a check whose task could not run (it kept killing its workers):
    inconclusive, never a pass."""
    claim = CLAIMS_BY_ID[job.claim]
    return ClaimResult(
        claim.id,
        claim.paper,
        claim.method,
        job.solver if claim.per_solver else claim.subject,
        job.must_hold,
        INCONCLUSIVE,
        0,
        0.0,
        job.seed,
        note=f"not run: {reason}",
    )


def solver_modules(jobs: Iterable[Job]) -> tuple[str, ...]:
    """The modules of ``module:function`` solvers: every worker imports them
    (verify/run/imports.py)."""
    return tuple(
        sorted(
            {
                j.solver.partition(":")[0]
                for j in jobs
                if j.solver and j.solver not in SOLVERS
            }
        )
    )


def run(
    jobs: list[Job],
    workers: int = 1,
    progress: Callable[[str], object] | None = None,
    executor=None,
    store=None,
    note: Callable[[str], object] | None = None,
) -> list[ClaimResult]:
    """Run the jobs (in ``workers`` local processes, or on ``executor``), reporting each
    as it finishes.

    Results come back in plan order whatever the executor (docs/distributed.md).
    """
    done = 0
    # Import every solver before the first job: Hypothesis also draws constants found in
    # the
    # project's imported modules, so a module imported halfway (in one worker) would
    # change
    # what later jobs generate, and the run would depend on how jobs fall on workers
    # (every worker imports the same modules: verify/run/imports.py).
    for job in jobs:
        if job.solver:
            resolve_solver(job.solver)

    def report(i: int, res, reused: bool) -> None:
        nonlocal done
        done += 1
        if isinstance(res, TaskFailed):
            res = failed_result(jobs[i], res.reason)
        if progress:
            who = f" on {res.solver}" if res.solver else ""
            again = ", from the store" if reused else ""
            progress(
                f"[{done:>2}/{len(jobs)}] {res.claim}{who}: {res.verdict} "
                f"({res.cases} cases, {res.seconds:.1f} s{again})"
            )

    preload = solver_modules(jobs)
    own = executor is None
    executor = executor or make_executor(workers, preload=preload)
    try:
        out = run_tasks(
            [job_task(j) for j in jobs],
            executor,
            store=store,
            preload=preload,
            on_result=report,
            note=note,
        )
    finally:
        if own:
            executor.close()
    return [
        failed_result(j, r.reason) if isinstance(r, TaskFailed) else r
        for j, r in zip(jobs, out.results)
    ]


def exit_code(results: list[ClaimResult]) -> int:
    if any(r.must_hold and r.verdict == COUNTEREXAMPLE for r in results):
        return ExitCode.FOUND
    if any(r.verdict == INCONCLUSIVE for r in results):
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


# ------------------------------------------------------------------ output


def planned_classes(
    profile: str = "quick",
    seed: int = 0,
    solver: Optional[str] = None,
    claims: Optional[Iterable[str]] = None,
) -> tuple[Counter, Counter]:
    """``(classes, axis_cases)`` of a run of :func:`plan` in which every check holds,
    without running any check (:func:`verify.search.claim_search.sample_classes`).

    Jobs of one claim with the same root convention draw the same cases (same
    strategy and seed), so each is sampled once and counted as often as it runs.
    """
    jobs = Counter(
        (j.claim, j.root_charged) for j in plan(profile, seed, solver, claims)
    )
    classes: Counter = Counter()
    axis_cases: Counter = Counter()
    for (cid, charged), times in jobs.items():
        c, a = sample_classes(
            CLAIMS_BY_ID[cid], PROFILES[profile], seed=seed, root_charged=charged
        )
        for counter, part in ((classes, c), (axis_cases, a)):
            for k, n in part.items():
                counter[k] += times * n
    return classes, axis_cases


def render_table(
    results: list[ClaimResult], profile: str, seed: int, seconds: float
) -> str:
    head = ("claim", "paper", "solver", "method", "cases", "verdict")
    rows = []
    for r in results:
        verdict = (
            r.verdict
            if r.must_hold or r.verdict != COUNTEREXAMPLE
            else "counterexample (finding)"
        )
        if not r.must_hold and r.verdict == VERIFIED:
            verdict = "verified (no finding)"
        rows.append(
            (r.claim, r.paper, r.solver or "-", r.method, str(r.cases), verdict)
        )
    widths = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]

    def fmt(row: tuple) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    lines = [
        f"adaserve-verify suite: profile {profile}, seed {seed}",
        "",
        fmt(head),
        fmt(tuple("-" * w for w in widths)),
    ]
    for r, row in zip(results, rows):
        lines.append(fmt(row))
        if r.counterexample:
            lines.append(f"    smallest: {r.counterexample['summary']}")
            lines.append(f"    fails:    {r.counterexample['condition']}")
        if r.note:
            lines.append(f"    note:     {r.note}")
    must = [r for r in results if r.must_hold]
    found = [r for r in results if not r.must_hold and r.verdict == COUNTEREXAMPLE]
    lines += [
        "",
        (
            f"must-hold claims: {sum(r.verdict == VERIFIED for r in must)} verified,"
            f" {sum(r.verdict == COUNTEREXAMPLE for r in must)} counterexample,"
            f" {sum(r.verdict == INCONCLUSIVE for r in must)} inconclusive (of"
            f" {len(must)})"
        ),
    ]
    if len(must) != len(results):
        lines.append(
            f"findings on paper-literal variants and exploratory claims: {len(found)}"
        )
    by_axis = class_shares(results)
    if by_axis:
        lines += [
            "",
            (
                "generated classes (share of the cases drawing each axis that exercise"
                " the class; goal >= 5% each):"
            ),
        ]
        for axis, cls in by_axis.items():
            parts = [
                f"{c} {100 * x:.0f}%" + ("(!)" if x < 0.05 else "")
                for c, x in cls.items()
            ]
            lines.append(f"  {axis}: " + ", ".join(parts))
    lines += [
        "",
        (
            f"total {sum(r.cases for r in results)} cases in {seconds:.1f} s; exit"
            f" {exit_code(results)}"
        ),
    ]
    return "\n".join(lines)


def to_json(
    results: list[ClaimResult], profile: str, seed: int, seconds: float
) -> dict:
    return {
        "profile": profile,
        "seed": seed,
        "seconds": round(seconds, 3),
        "exit_code": exit_code(results),
        "class_shares": class_shares(results),
        "results": [r.to_json() for r in results],
    }


def main_suite(
    profile: str,
    seed: int,
    solver: Optional[str],
    jobs: int,
    json_path: Optional[str],
    claims: Optional[list[str]] = None,
    out=None,
    err=None,
    report_dir: Optional[str] = None,
    values: Optional[tuple[str, ...]] = None,
    dask: Optional[str] = None,
    store_dir: Optional[str] = None,
    cross_check: int = 0,
) -> int:
    # looked up now, not at import: tests redirect them
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    start = time.perf_counter()
    job_list = plan(profile, seed, solver, claims, values)
    if cross_check:
        job_list = [replace(j, cross_check=cross_check) for j in job_list]
    if not job_list:
        err.write(
            "python -m verify: error: no claim can draw the value classes of --values\n"
        )
        return ExitCode.USAGE_ERROR

    def say(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    store = Store(store_dir) if store_dir else None
    with make_executor(jobs, dask, preload=solver_modules(job_list)) as executor:
        where = f"{jobs} processes" if not dask else executor.label
        err.write(
            f"running {len(job_list)} checks (profile {profile}, seed {seed},"
            f" {where})\n"
        )
        for line in getattr(executor, "warnings", lambda: [])():
            say(line)
        results = run(
            job_list, jobs, progress=say, executor=executor, store=store, note=say
        )
    seconds = time.perf_counter() - start
    table = render_table(results, profile, seed, seconds)
    if values:
        head, _, rest = table.partition("\n")
        skipped = "".join(
            f"\nnot run: {c}: {why}" for c, why in not_run(claims, values)
        )
        table = f"{head}\nvalue classes: {', '.join(values)}{skipped}\n{rest}"
    out.write(table + "\n")
    if report_dir:  # one report per counterexample (docs/reports.md)
        run_dir, dirs = write_suite_run(report_dir, results, profile, seed)
        out.write(
            f"reports: {run_dir} ({len(dirs)} counterexample{'s' * (len(dirs) != 1)})\n"
        )
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(to_json(results, profile, seed, seconds), fh, indent=2)
            fh.write("\n")
    return exit_code(results)


def write_suite_run(
    report_dir: str, results: list[ClaimResult], profile: str, seed: int
) -> tuple[str, dict[int, str]]:
    """Reports of the suite's counterexamples (findings on paper variants included)."""
    run_dir = new_run_dir(report_dir, f"suite-{profile}")
    dirs: dict[int, str] = {}
    n = 0
    for i, r in enumerate(results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        n += 1
        spec = SolverSpec.for_suite(r.solver) if r.solver else None
        who = f" --solver {r.solver}" if r.solver else ""
        rerun = (
            f"python -m verify suite --profile {profile} --seed {seed}{who} --claims"
            f" {r.claim}"
        )
        rep = finding(r, spec, rerun=rerun, options={"profile": profile, "seed": seed})
        name = f"{n:02d}-{slug(r.claim)}" + (f"-{slug(r.solver)}" if r.solver else "")
        dirs[i] = write_finding(os.path.join(run_dir, name), rep)
    write_index(
        run_dir,
        f"suite run (profile {profile}, seed {seed})",
        [],
        results,
        dirs,
        {"command": "suite", "profile": profile, "seed": seed},
    )
    return run_dir, dirs

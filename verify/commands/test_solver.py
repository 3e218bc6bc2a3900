"""``python -m verify test-solver``: check a solver that is not ours (docs/test-solver.md).

Data flow: generated instance -> solver under test (through
:mod:`verify.subject.adapters`) -> the properties of :mod:`verify.search.properties`,
judged by the exact oracles -> per property: verified, the smallest
counterexample (shrunk by Hypothesis), or inconclusive -> optional reports
(:mod:`verify.report.finding`).

Terminology
-----------
restrictions
    What the solver claims to handle (:class:`Restrictions`): one request only,
    no targets (every target <= 1), at most so many nodes per tree, depth,
    children per node.  Generated instances stay inside them, and each property
    judges the solver against the exact optimum of that sub-problem.
applicable property
    A per-solver claim of :mod:`verify.search.claims` that still means something under
    the restrictions (LEM-C1 is about reaching targets: not with ``--no-targets``).
declined input
    The solver answered ``UNSUPPORTED`` (or its program exited 3): counted by
    generated class and reason, never judged.  A property whose inputs were
    mostly declined is inconclusive, never a pass.

Exit codes: 0 nothing found; 1 a counterexample to some property; 2 usage
error; 3 inconclusive (and nothing found).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from verify.search.campaign import COUNTEREXAMPLE, INCONCLUSIVE, VERIFIED, ClaimResult, declined_by_class, run_claim
from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES, Claim
from verify.search.restrictions import Restrictions
from verify.report.finding import finding, slug, versions
from verify.report.write import new_run_dir, write_finding, write_index
from verify.run.executor import InOrder, make_executor, run_tasks
from verify.run.fingerprint import subject_fingerprint
from verify.run.store import Store
from verify.run.seam import Task, TaskFailed
from verify.subject.spec import SolverSpec, build

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3


@dataclass(frozen=True)
class Options:
    profile: str = "quick"
    examples: Optional[int] = None      # default: the profile's
    seed: int = 0
    root_charged: bool = False
    restrictions: Restrictions = field(default_factory=Restrictions)
    claims: Optional[tuple[str, ...]] = None
    report_dir: Optional[str] = None

    def cli_args(self) -> list[str]:
        out = ["--profile", self.profile, "--seed", str(self.seed)]
        if self.examples is not None:
            out += ["--examples", str(self.examples)]
        if self.root_charged:
            out.append("--root-charged")
        return out + self.restrictions.cli_args()


@dataclass
class Run:
    spec: SolverSpec
    options: Options
    results: list[ClaimResult]
    skipped: list[tuple[str, str]]     # (claim id, why it does not apply)
    seconds: float
    reports: dict[int, str] = field(default_factory=dict)  # result index -> report directory
    run_dir: Optional[str] = None

    @property
    def exit_code(self) -> int:
        return exit_code(self.results)


def exit_code(results: list[ClaimResult]) -> int:
    if any(r.verdict == COUNTEREXAMPLE for r in results):
        return EXIT_FOUND
    if any(r.verdict == INCONCLUSIVE for r in results):
        return EXIT_INCONCLUSIVE
    return EXIT_OK


def plan(options: Options) -> tuple[list[Claim], list[tuple[str, str]]]:
    """The applicable per-solver claims, and the others with the reason they are skipped."""
    wanted = set(options.claims) if options.claims else None
    run, skipped = [], []
    for c in CLAIMS:
        if not c.per_solver or (wanted is not None and c.id not in wanted):
            continue
        why = options.restrictions.applies(c)
        if why:
            skipped.append((c.id, why))
        else:
            run.append(c)
    return run, skipped


def rerun_command(spec: SolverSpec, options: Options, claim: str) -> str:
    """The one-line command that repeats the search that found a counterexample to ``claim``."""
    import shlex

    args = ["python", "-m", "verify", "test-solver", *spec.cli_args(), *options.cli_args(), "--claims", claim]
    return " ".join(shlex.quote(a) for a in args)


def claim_task(arg) -> ClaimResult:
    """One property against the solver under test, for one seed: what a worker runs.

    The solver is rebuilt from its spec in the worker (a callable is imported by
    name, a ``--cmd`` is a command line), so the task pickles as plain data.
    """
    spec, options, claim_id = arg
    return _run_one(CLAIMS_BY_ID[claim_id], spec, options, build(spec))


def _run_one(claim: Claim, spec: SolverSpec, options: Options, solver) -> ClaimResult:
    profile = PROFILES[options.profile]
    strategy = claim.strategy(profile, options.root_charged, options.restrictions.generator_kwargs())
    return run_claim(claim, profile, solver_name=spec.label, solver=solver, must_hold=True,
                     seed=options.seed, root_charged=options.root_charged, examples=options.examples,
                     strategy=strategy)


def claim_tasks(spec: SolverSpec, options: Options, claims: list[Claim]) -> list[Task]:
    """The tasks of a run (one per property), keyed for a task store by the solver's files too."""
    inputs = {"solver": spec.to_json(), "subject": subject_fingerprint(spec.kind, spec.target),
              "options": {"profile": options.profile, "examples": options.examples, "seed": options.seed,
                          "root_charged": options.root_charged, "restrictions": options.restrictions.to_json()}}
    return [Task(claim_task, (spec, replace(options, report_dir=None), c.id),
                 f"test-solver {c.id} seed {options.seed}", {**inputs, "claim": c.id},
                 main_thread=spec.kind in ("callable", "native")) for c in claims]


def solver_modules(spec: SolverSpec) -> tuple[str, ...]:
    """The module every worker imports before a task (verify/run/imports.py): the callable's."""
    return (spec.target.partition(":")[0],) if spec.kind in ("callable", "native") else ()


def run(spec: SolverSpec, options: Options,
        progress: Callable[[str], None] | None = None, solver=None, executor=None, store=None,
        note: Callable[[str], None] | None = None) -> Run:
    """Every applicable property against the solver; writes reports if ``options.report_dir``.

    ``executor`` (:mod:`verify.run.executor`; default in-process) runs the properties,
    in parallel when it has several workers; results and progress lines come in
    table order whatever finishes first.  A ``solver`` object given here cannot be
    sent to workers: the properties then run in this process, one after the other.
    """
    claims, skipped = plan(options)
    start = time.perf_counter()

    def report(i: int, res, reused: bool) -> None:
        if isinstance(res, TaskFailed):
            res = failed_result(claims[i], spec, options, res.reason)
        if progress:
            extra = f", {res.declined} declined" if res.declined else ""
            again = ", from the store" if reused else ""
            progress(f"[{i + 1:>2}/{len(claims)}] {res.claim}: {res.verdict} ({res.cases} cases{extra}, "
                     f"{res.seconds:.1f} s{again})")

    if solver is not None:
        results = [_run_one(c, spec, options, solver) for c in claims]
        for i, res in enumerate(results):
            report(i, res, False)
    else:
        own = executor is None
        executor = executor or make_executor(1)
        try:
            out = run_tasks(claim_tasks(spec, options, claims), executor, store=store,
                            preload=solver_modules(spec), on_result=InOrder(report), note=note)
        finally:
            if own:
                executor.close()
        results = [failed_result(c, spec, options, r.reason) if isinstance(r, TaskFailed) else r
                   for c, r in zip(claims, out.results)]
    out_run = Run(spec, options, results, skipped, time.perf_counter() - start)
    if options.report_dir:
        out_run.run_dir, out_run.reports = write_run(options.report_dir, out_run)
    return out_run


def failed_result(claim: Claim, spec: SolverSpec, options: Options, reason: str) -> ClaimResult:
    """A property whose task could not run (it kept killing its workers): inconclusive, never a pass."""
    return ClaimResult(claim.id, claim.paper, claim.method, spec.label, True, INCONCLUSIVE, 0, 0.0, options.seed,
                       note=f"not run: {reason}")


def write_run(report_dir: str, run) -> tuple[str, dict[int, str]]:
    """Reports of a :class:`Run`: (run directory, result index -> finding directory)."""
    run_dir = new_run_dir(report_dir, run.spec.label)
    opts = {"profile": run.options.profile, "examples": run.options.examples, "seed": run.options.seed,
            "root_charged": run.options.root_charged, "restrictions": run.options.restrictions.to_json()}
    dirs: dict[int, str] = {}
    n = 0
    for i, r in enumerate(run.results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        n += 1
        rep = finding(r, run.spec, rerun=rerun_command(run.spec, run.options, r.claim), options=opts)
        dirs[i] = write_finding(os.path.join(run_dir, f"{n:02d}-{slug(r.claim)}"), rep)
    header = [f"Solver: `{run.spec.label}` ({run.spec.describe}).",
              f"Options: {json.dumps(opts)}.", "",
              f"Skipped (not applicable): {', '.join(f'{c} ({w})' for c, w in run.skipped) or 'none'}.",
              "", f"Exit code {run.exit_code}; {run.seconds:.1f} s; versions {json.dumps(versions())}."]
    write_index(run_dir, "test-solver run", header, run.results, dirs,
                 {"command": "test-solver", "solver": run.spec.to_json(), "options": opts,
                  "skipped": run.skipped, "exit_code": run.exit_code})
    return run_dir, dirs


# ------------------------------------------------------------------ output

def _declined_lines(results: list[ClaimResult]) -> list[str]:
    total = sum(x.declined for x in results)
    if not total:
        return []
    reasons = Counter()
    for x in results:
        reasons.update(x.declined_reasons)
    rows = declined_by_class(results)
    common = [r for r in rows if r[1] * 10 >= total]  # classes of at least 10% of the declined inputs
    shown = [r for r in common if r[1] * 2 >= r[2]][:6] or common[:3] or rows[:3]
    return ["", f"declined inputs (not judged): {total}",
            "  classes declined most often: " + ", ".join(f"{c} {100 * n // g}% ({n}/{g})" for c, n, g in shown),
            "  reasons: " + "; ".join(f"{why!r} x{n}" for why, n in reasons.most_common(3))]


def render(run_: Run) -> str:
    spec, opt = run_.spec, run_.options
    profile = PROFILES[opt.profile]
    examples = opt.examples or profile.examples
    r = opt.restrictions
    nodes = min(profile.max_nodes, r.max_nodes) if r.max_nodes else profile.max_nodes
    reqs = 1 if r.single_request else profile.max_requests
    lines = [f"test-solver: {spec.label} ({spec.describe})",
             f"profile {opt.profile}: {examples} examples per property, trees up to {nodes} nodes, "
             f"up to {reqs} request{'s' if reqs != 1 else ''}; seed {opt.seed}; "
             f"roots {'charged' if opt.root_charged else 'free'}",
             f"restrictions: {r.describe()}"]
    for cid, why in run_.skipped:
        lines.append(f"not applicable: {cid}: {why}")
    head = ("property", "paper", "verdict", "judged", "declined")
    rows = [(x.claim, x.paper, x.verdict, str(x.cases), str(x.declined)) for x in run_.results]
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
    lines += ["", fmt(head), fmt(tuple("-" * w for w in widths))]
    for i, (x, row) in enumerate(zip(run_.results, rows)):
        lines.append(fmt(row))
        if x.counterexample:
            summary = x.counterexample["summary"]
            lines.append(f"    smallest: {summary}" + ("" if "|" in summary else " | no requests"))
            lines.append(f"    fails:    {x.counterexample['condition']}")
            if i in run_.reports:
                lines.append(f"    report:   {run_.reports[i]}/report.md")
        if x.note:
            lines.append(f"    note:     {x.note}")
    lines += _declined_lines(run_.results)
    found = sum(x.verdict == COUNTEREXAMPLE for x in run_.results)
    held = sum(x.verdict == VERIFIED for x in run_.results)
    unsure = sum(x.verdict == INCONCLUSIVE for x in run_.results)
    lines += [""]
    if run_.run_dir:
        lines.append(f"reports: {run_.run_dir}")
    lines.append(f"result: {found} broken, {held} hold, {unsure} inconclusive "
                 f"(of {len(run_.results)} properties) in {run_.seconds:.1f} s; exit {run_.exit_code}")
    return "\n".join(lines)


def main_test_solver(spec: SolverSpec, options: Options, out=None, err=None, jobs: int = 1,
                     dask: Optional[str] = None, store_dir: Optional[str] = None) -> int:
    """``jobs`` local processes (or ``dask``) run the properties in parallel (docs/distributed.md)."""
    out = sys.stdout if out is None else out  # looked up now, not at import: tests redirect them
    err = sys.stderr if err is None else err
    claims, _ = plan(options)
    err.write(f"testing {spec.label} on {len(claims)} properties (profile {options.profile}, "
              f"seed {options.seed})\n")
    say = lambda line: (err.write(line + "\n"), err.flush())
    store = Store(store_dir) if store_dir else None
    with make_executor(min(jobs, len(claims)), dask, preload=solver_modules(spec)) as executor:
        for line in getattr(executor, "warnings", lambda: [])():
            say(line)
        result = run(spec, options, progress=say, executor=executor, store=store, note=say)
    out.write(render(result) + "\n")
    return result.exit_code


def usage_to_run(args) -> tuple[SolverSpec, Options]:
    """The solver spec and options of parsed ``test-solver`` arguments; ValueError on a usage error."""
    from solver.registry import SOLVERS

    from verify.subject.spec import SpecError, check_command

    if bool(args.solver) == bool(args.cmd):
        raise ValueError("test-solver: give either MODULE:FUNCTION or --cmd COMMAND (exactly one)")
    if args.profile not in PROFILES:
        raise ValueError(f"unknown profile {args.profile!r} (choose from {', '.join(PROFILES)})")
    if args.timeout <= 0:
        raise ValueError("--timeout must be positive")
    if args.examples is not None and args.examples < 1:
        raise ValueError("--examples must be at least 1")
    for name in ("max_nodes", "max_depth", "max_width"):
        value = getattr(args, name)
        if value is not None and value < (1 if name != "max_depth" else 0):
            raise ValueError(f"--{name.replace('_', '-')} is too small: {value}")
    if args.cmd:
        if args.native:
            raise ValueError("--native applies to MODULE:FUNCTION, not to --cmd")
        spec = SolverSpec("cmd", args.cmd, args.timeout)
    elif ":" in args.solver:
        spec = SolverSpec("native" if args.native else "callable", args.solver, args.timeout)
    elif args.solver in SOLVERS:
        spec = SolverSpec("registry", args.solver, args.timeout)
    else:
        raise ValueError(f"unknown solver {args.solver!r}: give package.module:function, --cmd, or one of "
                         f"{', '.join(SOLVERS)}")
    try:
        if spec.kind == "cmd":
            check_command(spec.target)
        else:
            build(spec)
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    claims = None
    if args.claims:
        claims = tuple(c.strip() for c in args.claims.split(",") if c.strip())
        bad = [c for c in claims if c not in CLAIMS_BY_ID or not CLAIMS_BY_ID[c].per_solver]
        if bad:
            names = ", ".join(c.id for c in CLAIMS if c.per_solver)
            raise ValueError(f"unknown property {bad[0]!r} (choose from {names})")
    restrictions = Restrictions(args.single_request, args.no_targets, args.max_nodes, args.max_depth,
                                args.max_width)
    options = Options(args.profile, args.examples, args.seed, args.root_charged, restrictions, claims,
                      args.report_dir)
    if not plan(options)[0]:
        raise ValueError("no applicable property left to run (see --claims and the restrictions)")
    return spec, options

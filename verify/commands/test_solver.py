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
    no targets (every target <= 1), chains, at most / at least so many nodes per
    tree, depth, children per node, a smallest budget, the value classes.
    Generated, shrunk and reduced instances all stay inside them, and each property
    judges the solver against the exact optimum of that sub-problem.
finding
    One distinct failure signature (property, rule, kind) with its smallest case;
    a property reports up to ``--max-findings`` of them, each with its own report.
own instances
    ``--instances PATH``: the user's instances (JSON Lines, or a folder of instance
    files), judged by every applicable property before the generated cases.
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

import hashlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from solver.model import Instance

from verify.search.campaign import COUNTEREXAMPLE, INCONCLUSIVE, VERIFIED, ClaimResult, declined_by_class, run_claim
from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES, Claim
from verify.search.restrictions import Restrictions
from verify.report.finding import finding, slug, versions
from verify.report.write import new_run_dir, write_finding, write_index
from verify.subject.adapters import close_solver
from verify.run.executor import InOrder, make_executor, run_tasks
from verify.run.fingerprint import subject_fingerprint, subject_notes
from verify.run.store import Store
from verify.run.seam import Task, TaskFailed
from verify.subject.spec import SolverSpec, build

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
MAX_FINDINGS = 5          # distinct findings per property (--max-findings)
MAX_INSTANCES = 10_000    # --instances: more is a usage error (each runs on every property)
MAX_INSTANCE_BYTES = 50 * 2**20


@dataclass(frozen=True)
class Options:
    profile: str = "quick"
    examples: Optional[int] = None      # default: the profile's
    seed: int = 0
    root_charged: bool = False
    restrictions: Restrictions = field(default_factory=Restrictions)
    claims: Optional[tuple[str, ...]] = None
    report_dir: Optional[str] = None
    max_findings: int = MAX_FINDINGS
    instances: Optional[str] = None     # --instances PATH

    def cli_args(self) -> list[str]:
        out = ["--profile", self.profile, "--seed", str(self.seed)]
        if self.examples is not None:
            out += ["--examples", str(self.examples)]
        if self.root_charged:
            out.append("--root-charged")
        if self.max_findings != MAX_FINDINGS:
            out += ["--max-findings", str(self.max_findings)]
        if self.instances:
            out += ["--instances", self.instances]
        return out + self.restrictions.cli_args()


@dataclass
class Run:
    spec: SolverSpec
    options: Options
    results: list[ClaimResult]
    skipped: list[tuple[str, str]]     # (claim id, why it does not apply)
    seconds: float
    reports: dict[int, list[str]] = field(default_factory=dict)  # result index -> one directory per finding
    run_dir: Optional[str] = None
    own: int = 0                                         # --instances used (inside the restrictions)
    own_outside: list[tuple[str, str]] = field(default_factory=list)  # (origin, restriction broken)

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
    name, a ``--cmd`` is a command line), so the task pickles as plain data; a
    ``--jsonl`` program started for the task ends with it.
    """
    spec, options, claim_id, own = arg
    solver = build(spec)
    try:
        return _run_one(CLAIMS_BY_ID[claim_id], spec, options, solver, own)
    finally:
        close_solver(solver)


def _run_one(claim: Claim, spec: SolverSpec, options: Options, solver, own=()) -> ClaimResult:
    profile = PROFILES[options.profile]
    return run_claim(claim, profile, solver_name=spec.label, solver=solver, must_hold=True,
                     seed=options.seed, root_charged=options.root_charged, examples=options.examples,
                     restrictions=options.restrictions, max_findings=options.max_findings, instances=list(own))


def claim_tasks(spec: SolverSpec, options: Options, claims: list[Claim], own=()) -> list[Task]:
    """The tasks of a run (one per property), keyed for a task store by the solver's files too
    (and by the user's own instances, ``--instances``, by content)."""
    own = list(own)
    digest = hashlib.sha256(json.dumps([[o, i.to_json()] for o, i in own], sort_keys=True).encode()).hexdigest()
    inputs = {"solver": spec.to_json(), "subject": subject_fingerprint(spec.kind, spec.target),
              "options": {"profile": options.profile, "examples": options.examples, "seed": options.seed,
                          "root_charged": options.root_charged, "restrictions": options.restrictions.to_json(),
                          "max_findings": options.max_findings, "instances": digest if own else None}}
    return [Task(claim_task, (spec, replace(options, report_dir=None), c.id, own),
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
    own, outside = [], []
    if options.instances:
        limits = options.restrictions.with_convention(options.root_charged)
        for origin, inst in load_instances(options.instances):
            why = limits.outside(inst)
            (outside.append((origin, why)) if why else own.append((origin, inst)))
    start = time.perf_counter()

    def report(i: int, res, reused: bool) -> None:
        if isinstance(res, TaskFailed):
            res = failed_result(claims[i], spec, options, res.reason)
        if progress:
            extra = f", {res.declined} declined" if res.declined else ""
            many = f", {len(res.findings)} findings" if len(res.findings) > 1 else ""
            again = ", from the store" if reused else ""
            progress(f"[{i + 1:>2}/{len(claims)}] {res.claim}: {res.verdict} ({res.cases} cases{extra}{many}, "
                     f"{res.seconds:.1f} s{again})")

    if solver is not None:
        results = [_run_one(c, spec, options, solver, own) for c in claims]
        for i, res in enumerate(results):
            report(i, res, False)
    else:
        mine = executor is None
        executor = executor or make_executor(1)
        try:
            out = run_tasks(claim_tasks(spec, options, claims, own), executor, store=store,
                            preload=solver_modules(spec), on_result=InOrder(report), note=note)
        finally:
            if mine:
                executor.close()
        results = [failed_result(c, spec, options, r.reason) if isinstance(r, TaskFailed) else r
                   for c, r in zip(claims, out.results)]
    out_run = Run(spec, options, results, skipped, time.perf_counter() - start, own=len(own),
                  own_outside=outside)
    if options.report_dir:
        out_run.run_dir, out_run.reports = write_run(options.report_dir, out_run)
    return out_run


def failed_result(claim: Claim, spec: SolverSpec, options: Options, reason: str) -> ClaimResult:
    """A property whose task could not run (it kept killing its workers): inconclusive, never a pass."""
    return ClaimResult(claim.id, claim.paper, claim.method, spec.label, True, INCONCLUSIVE, 0, 0.0, options.seed,
                       note=f"not run: {reason}")


def load_instances(path: str) -> list[tuple[str, Instance]]:
    """``--instances PATH``: a JSON Lines file (one instance per line; blank lines and lines
    starting with ``#`` skipped) or a folder of instance files (``*.json``, in name order).

    Each comes with its origin (``file:line`` or the file name).  Bad input raises
    :class:`~solver.errors.InputError` naming the file, line, request and node.
    """
    from solver.errors import InstanceError
    from solver.parse import load_instance, loads_instance

    if os.path.isdir(path):
        files = sorted(f for f in os.listdir(path) if f.endswith(".json"))
        if not files:
            raise InstanceError("no *.json instance files in this folder", source=path)
        if len(files) > MAX_INSTANCES:
            raise InstanceError(f"{len(files)} instance files: at most {MAX_INSTANCES}", source=path)
        return [(os.path.join(path, f), load_instance(os.path.join(path, f))) for f in files]
    try:
        if os.path.getsize(path) > MAX_INSTANCE_BYTES:
            raise InstanceError(f"larger than {MAX_INSTANCE_BYTES // 2**20} MiB", source=path)
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise InstanceError(f"cannot read: {exc.strerror or exc}", source=path) from None
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", source=path) from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(out) >= MAX_INSTANCES:
            raise InstanceError(f"more than {MAX_INSTANCES} instances", source=path)
        out.append((f"{path}:{n}", loads_instance(line, source=f"{path}:{n}")))
    if not out:
        raise InstanceError("no instance in this file (one JSON object per line)", source=path)
    return out


def write_run(report_dir: str, run) -> tuple[str, dict[int, list[str]]]:
    """Reports of a :class:`Run`: (run directory, result index -> a directory per finding)."""
    run_dir = new_run_dir(report_dir, run.spec.label)
    opts = {"profile": run.options.profile, "examples": run.options.examples, "seed": run.options.seed,
            "root_charged": run.options.root_charged, "restrictions": run.options.restrictions.to_json(),
            "max_findings": run.options.max_findings, "instances": run.options.instances}
    dirs: dict[int, list[str]] = {}
    n = 0
    for i, r in enumerate(run.results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        for rec in r.findings:
            n += 1
            rep = finding(r, run.spec, rerun=rerun_command(run.spec, run.options, r.claim), options=opts,
                          record=rec)
            name = f"{n:02d}-{slug(r.claim)}"
            if len(r.findings) > 1:
                name += f"-{slug(rec.get('signature', {}).get('kind', 'finding'))}"
            dirs.setdefault(i, []).append(write_finding(os.path.join(run_dir, name), rep))
    own = f"{run.own} from {run.options.instances}" if run.options.instances else "none"
    if run.own_outside:
        own += f" ({len(run.own_outside)} outside the restrictions, not used: " + \
            "; ".join(f"{o}: {w}" for o, w in run.own_outside) + ")"
    header = [f"Solver: `{run.spec.label}` ({run.spec.describe}).",
              f"Options: {json.dumps(opts)}.", "",
              f"Skipped (not applicable): {', '.join(f'{c} ({w})' for c, w in run.skipped) or 'none'}.",
              "", f"Your instances (--instances): {own}.",
              "", f"Exit code {run.exit_code}; {run.seconds:.1f} s; versions {json.dumps(versions())}."]
    write_index(run_dir, "test-solver run", header, run.results, dirs,
                 {"command": "test-solver", "solver": run.spec.to_json(), "options": opts,
                  "skipped": run.skipped, "exit_code": run.exit_code,
                  "instances_outside": run.own_outside})
    return run_dir, dirs


# ------------------------------------------------------------------ output

def _declined_lines(results: list[ClaimResult], restrictions: Restrictions = Restrictions()) -> list[str]:
    total = sum(x.declined for x in results)
    if not total:
        return []
    reasons = Counter()
    for x in results:
        reasons.update(x.declined_reasons)
    rows = declined_by_class(results)
    common = [r for r in rows if r[1] * 10 >= total]  # classes of at least 10% of the declined inputs
    shown = [r for r in common if r[1] * 2 >= r[2]][:6] or common[:3] or rows[:3]
    out = ["", f"declined inputs (not judged): {total}",
           "  classes declined most often: " + ", ".join(f"{c} {100 * n // g}% ({n}/{g})" for c, n, g in shown)]
    out += [f"  {what} declined {pct}%: add {flag}" for what, pct, flag in suggest_flags(results, restrictions)]
    out.append("  reasons: " + "; ".join(f"{why!r} x{n}" for why, n in reasons.most_common(3)))
    return out


def suggest_flags(results: list[ClaimResult], restrictions: Restrictions = Restrictions()) -> list[tuple[str, int, str]]:
    """``(what, declined %, flag)``: restrictions that would keep out what was declined.

    Each candidate flag (``--single-request``, ``--no-targets``, ``--min-budget N``,
    ``--min-nodes N``, ``--max-nodes N``, ``--max-width W`` or ``--chains``,
    ``--max-depth D``, ``--values ...``) is scored on the generated cases it would have
    excluded (:func:`verify.search.campaign.case_features`): it is suggested when at
    least 80 % of those were declined and they are at least 10 % of all declined
    inputs; the one excluding the most declined inputs first, then the next on what is
    left, up to three.  The percentage is the decline rate of what the flag excludes.

    >>> from collections import Counter
    >>> from verify.search.campaign import ClaimResult
    >>> r = ClaimResult("X", "", "", None, True, "verified", 3, 0.0, 0,
    ...     declined_shapes=Counter({(1, 0, 3, 3, 2, 1, False, ("grid",)): 5}),
    ...     judged_shapes=Counter({(1, 2, 3, 3, 2, 1, False, ("grid",)): 9}), declined=5)
    >>> suggest_flags([r])
    [('budget=0', 100, '--min-budget 1')]
    """
    from verify.search.generators import PROB_CLASSES

    declined, judged = Counter(), Counter()
    for x in results:
        declined.update({k: n for k, n in x.declined_shapes.items() if k is not None})
        judged.update({k: n for k, n in x.judged_shapes.items() if k is not None})
    if not declined:
        return []
    shapes = set(declined) | set(judged)
    budgets = sorted({f[1] for f in shapes})
    nodes_lo = sorted({f[2] for f in shapes})
    nodes_hi = sorted({f[3] for f in shapes})
    widths = sorted({f[4] for f in shapes})
    depths = sorted({f[5] for f in shapes})
    classes = sorted({c for f in shapes for c in f[7]}, key=lambda c: PROB_CLASSES.index(c)
                     if c in PROB_CLASSES else len(PROB_CLASSES))
    # (flag, what, excludes(features), preference): on a tie the bluntest flags (node counts) come last,
    # and of one flag the least restrictive threshold first
    cands = []
    if not restrictions.single_request:
        cands.append(("--single-request", "requests != 1", lambda f: f[0] != 1, (2, 0)))
    if not restrictions.no_targets:
        cands.append(("--no-targets", "targets above 1", lambda f: f[6], (3, 0)))
    for b in budgets[:-1]:  # the least restrictive threshold that keeps out budgets up to b
        k = b + 1
        cands.append((f"--min-budget {k}", f"budget={b}" if b == budgets[0] else f"budget <= {b}",
                      lambda f, k=k: f[1] < k, (4, k)))
    for n in nodes_lo[:-1]:
        cands.append((f"--min-nodes {n + 1}", f"trees of {n} nodes or fewer", lambda f, k=n + 1: f[2] < k, (6, n)))
    for n in nodes_hi[1:]:
        cands.append((f"--max-nodes {n - 1}", f"trees of {n} nodes or more", lambda f, k=n - 1: f[3] > k, (7, -n)))
    for w in widths[1:]:
        if w - 1 >= 1:
            flag = "--chains" if w - 1 == 1 else f"--max-width {w - 1}"
            cands.append((flag, f"width >= {w}", lambda f, k=w - 1: f[4] > k, (0, -w)))
    for d in depths[1:]:
        cands.append((f"--max-depth {d - 1}", f"depth >= {d}", lambda f, k=d - 1: f[5] > k, (1, -d)))
    for c in classes:
        rest = [x for x in (restrictions.values or PROB_CLASSES) if x != c]
        if rest:
            cands.append((f"--values {','.join(rest)}", f"prob:{c}", lambda f, c=c: c in f[7], (5, 0)))
    left = Counter(declined)
    total = sum(declined.values())
    out = []
    for _ in range(3):
        best = None
        for flag, what, excludes, pref in cands:
            d = sum(n for f, n in left.items() if excludes(f))
            j = sum(n for f, n in judged.items() if excludes(f))
            if d * 10 < total or d * 5 < (d + j) * 4:
                continue
            key = (d, -j, -pref[0], -pref[1])
            if best is None or key > best[0]:
                best = (key, flag, what, excludes, d, j)
        if best is None:
            break
        _, flag, what, excludes, d, j = best
        out.append((what, 100 * d // (d + j), flag))
        left = Counter({f: n for f, n in left.items() if not excludes(f)})
        cands = [c for c in cands if c[0] != flag]
    return out


def _finding_lines(rec: dict, report: Optional[str], pad: str) -> list[str]:
    summary = rec["summary"]
    out = [f"{pad}smallest: {summary}" + ("" if "|" in summary or summary.startswith("parent=") else
                                          " | no requests"),
           f"{pad}fails:    {rec['condition']}"]
    if rec.get("cause"):
        out.append(f"{pad}cause:    {rec['cause'][0]['text']}")
    if rec.get("origin") not in (None, "generated"):
        out.append(f"{pad}from:     {rec['origin']} (--instances), reduced")
    if report:
        out.append(f"{pad}report:   {report}/report.md")
    return out


def budget_lines(results: list[ClaimResult]) -> list[str]:
    """The budget classes of the judged cases, and how often the budget cuts the trees."""
    from verify.commands.suite import class_shares

    axes = class_shares(results)
    if "budget" not in axes:
        return []
    from verify.search.generators import BUDGET_CLASSES

    budget = axes["budget"]
    out = ["", "budgets (share of judged cases): " + ", ".join(f"{c} {100 * budget[c]:.0f}%" for c in
                                                           BUDGET_CLASSES if c in budget)]
    cuts = axes.get("cuts")
    if cuts:
        out.append(f"  the budget cuts the trees (0 < node budget < all non-root nodes) in {100 * cuts['some']:.0f}%"
                   f" (none fit: {100 * cuts['none']:.0f}%, all fit: {100 * cuts['all']:.0f}%)")
    return out


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
    if opt.instances:
        line = f"your instances: {run_.own} from {opt.instances}"
        if run_.own_outside:
            o, w = run_.own_outside[0]
            line += (f" ({len(run_.own_outside)} outside the restrictions, not used: {o}: {w}"
                     + (", ..." if len(run_.own_outside) > 1 else "") + ")")
        lines.append(line)
    for cid, why in run_.skipped:
        lines.append(f"not applicable: {cid}: {why}")
    head = ("property", "paper", "verdict", "judged", "declined")
    rows = [(x.claim, x.paper, x.verdict, str(x.cases), str(x.declined)) for x in run_.results]
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
    lines += ["", fmt(head), fmt(tuple("-" * w for w in widths))]
    for i, (x, row) in enumerate(zip(run_.results, rows)):
        lines.append(fmt(row))
        dirs = run_.reports.get(i, [])
        if len(x.findings) == 1:
            lines += _finding_lines(x.findings[0], dirs[0] if dirs else None, "    ")
        for k, rec in enumerate(x.findings if len(x.findings) > 1 else []):
            sig = rec.get("signature", {})
            lines.append(f"    finding {k + 1} of {len(x.findings)}: {sig.get('kind')} (rule: {sig.get('rule')})")
            lines += _finding_lines(rec, dirs[k] if k < len(dirs) else None, "      ")
        if x.own.get("judged"):
            lines.append(f"    note:     {x.own['judged']} of your instances judged, {x.own.get('failing', 0)} failing")
        if x.note:
            lines.append(f"    note:     {x.note}")
    lines += budget_lines(run_.results)
    lines += _declined_lines(run_.results, r)
    found = sum(x.verdict == COUNTEREXAMPLE for x in run_.results)
    held = sum(x.verdict == VERIFIED for x in run_.results)
    unsure = sum(x.verdict == INCONCLUSIVE for x in run_.results)
    lines += [""]
    if run_.run_dir:
        lines.append(f"reports: {run_.run_dir}")
    n_findings = sum(len(x.findings) for x in run_.results)
    extra = f", {n_findings} findings" if n_findings > found else ""
    lines.append(f"result: {found} broken{extra}, {held} hold, {unsure} inconclusive "
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
    for line in subject_notes(spec.kind, spec.target) if store else ():
        say(line)
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
    if args.examples is not None and args.examples < 1:
        raise ValueError("--examples must be at least 1")
    for name in ("max_nodes", "max_depth", "max_width", "min_budget", "min_nodes"):
        value = getattr(args, name, None)
        if value is not None and value < (0 if name in ("max_depth", "min_budget") else 1):
            raise ValueError(f"--{name.replace('_', '-')} is too small: {value}")
    jsonl = getattr(args, "jsonl", False)
    startup = getattr(args, "startup_timeout", None)
    if (jsonl or startup is not None) and not args.cmd:
        raise ValueError("--jsonl and --startup-timeout apply to --cmd only")
    if startup is not None and not jsonl:
        raise ValueError("--startup-timeout applies to --cmd ... --jsonl only")
    if getattr(args, "max_findings", MAX_FINDINGS) < 1:
        raise ValueError("--max-findings must be at least 1")
    values = parse_values(getattr(args, "values", None))
    precision = getattr(args, "precision", None)
    from verify.search.precision import FORMATS

    if precision is not None and precision not in FORMATS:
        raise ValueError(f"unknown --precision {precision!r} (choose from {', '.join(FORMATS)})")
    if args.cmd:
        if args.native:
            raise ValueError("--native applies to MODULE:FUNCTION, not to --cmd")
        spec = SolverSpec("cmd", args.cmd, args.timeout, jsonl, startup)
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
    restrictions = Restrictions(single_request=args.single_request, no_targets=args.no_targets,
                                max_nodes=args.max_nodes, max_depth=args.max_depth, max_width=args.max_width,
                                chains=getattr(args, "chains", False), min_budget=getattr(args, "min_budget", None),
                                min_nodes=getattr(args, "min_nodes", None), values=values, precision=precision)
    check_satisfiable(restrictions, PROFILES[args.profile])
    options = Options(args.profile, args.examples, args.seed, args.root_charged, restrictions, claims,
                      args.report_dir, getattr(args, "max_findings", MAX_FINDINGS), getattr(args, "instances", None))
    if not plan(options)[0]:
        raise ValueError("no applicable property left to run (see --claims and the restrictions)")
    if options.instances:
        load_instances(options.instances)  # bad input: one line naming file, line, request and node; exit 2
    return spec, options


def parse_values(text: Optional[str]) -> Optional[tuple[str, ...]]:
    """``--values CLASS,...``: known value classes (ValueError otherwise), in the order given."""
    if text is None:
        return None
    from verify.search.generators import PROB_CLASSES

    values = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    bad = [c for c in values if c not in PROB_CLASSES]
    if bad or not values:
        raise ValueError(f"unknown value class {bad[0] if bad else text!r} (choose from {', '.join(PROB_CLASSES)})")
    return values


def check_satisfiable(r: Restrictions, profile) -> None:
    """A usage error when no tree can meet the size restrictions together."""
    from verify.search.generators import capacity

    most = capacity(min(profile.max_nodes + 1, r.max_nodes or 10**6), r.max_depth, r.width)
    if r.min_nodes is not None and r.min_nodes > most:
        raise ValueError(f"--min-nodes {r.min_nodes}: no tree has that many nodes within "
                         f"{r.describe()} and the profile's {profile.max_nodes + 1} nodes")

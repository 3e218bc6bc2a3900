"""``python -m verify campaign``: many seeds of the suite's claims (or of a test-solver
run) over the workers.

Every seed is a full run (the suite's plan, or every applicable property of
``test-solver``) with that Hypothesis seed; its checks are tasks of
:mod:`verify.run`, spread over local processes or Dask, seed after seed, until all
are done or ``--time-budget`` runs out.  Then it aggregates:

*failure signature*  what makes two counterexamples the same finding:
                     :func:`failure_signature` (claim, solver, and the search's rule
                     and kind of failure, e.g. ``rooted: not rooted``; every finding
                     of a result counts, not only its first).
                     Findings are deduplicated by it: how many seeds found each, the
                     smallest counterexample and its seed.
*one defect*         findings of several properties that are the same failure (as
                     test-solver groups them: :mod:`verify.search.defects`) are
                     one finding listing every property it breaks
                     (:func:`one_defect`); it must hold if any of them must.
*per-seed outcome*   for every seed: checks verified, counterexamples, inconclusive,
                     not run, and whether the seed is complete.
*throughput*         judged cases per second of wall time, tasks done, tasks reused.

Seeds (``--seeds``): ``N`` (0..N-1), ``A-B`` (inclusive), ``A-`` (open-ended: as
many as the time budget allows), or a list ``1,5,9``.

Exit codes: 1 a must-hold claim has a counterexample (in test-solver mode: any
property); 3 nothing found but something inconclusive, or the time budget ended a
finite list of seeds before every seed was done, or no seed was complete (an
open-ended list whose budget ended before its first seed: nothing judged is no pass);
0 otherwise (an open-ended list ends with the budget by design); 2 usage.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Optional

from solver.exit_codes import ExitCode
from verify import solver_check
from verify.commands import suite
from verify.commands.solver_cli import usage_to_run
from verify.report.finding import finding, slug
from verify.report.write import new_run_dir, write_finding
from verify.run.executor import make_executor, run_tasks
from verify.run.fingerprint import subject_notes
from verify.run.seam import Task, TaskFailed
from verify.run.store import Store
from verify.search.claim_search import (
    COUNTEREXAMPLE,
    INCONCLUSIVE,
    VERIFIED,
    ClaimResult,
)
from verify.search.confirm import confirmation_text
from verify.search.defects import merge_defects
from verify.solver_check.tasks import failed_task_result
from verify.subject.spec import SolverSpec

# ------------------------------------------------------------------ seeds


def parse_seeds(text: str) -> tuple[Optional[list[int]], Optional[int]]:
    """``(finite list, None)`` or ``(None, first seed)`` for an open-ended ``A-``;
    ValueError if malformed.

    >>> parse_seeds("3"), parse_seeds("5-7"), parse_seeds("1,4"), parse_seeds("10-")
    (([0, 1, 2], None), ([5, 6, 7], None), ([1, 4], None), (None, 10))
    """
    t = text.strip()
    try:
        if re.fullmatch(r"\d+-", t):
            return None, int(t[:-1])
        if re.fullmatch(r"\d+-\d+", t):
            a, b = (int(x) for x in t.split("-"))
            if b < a:
                raise ValueError
            return list(range(a, b + 1)), None
        if re.fullmatch(r"\d+(,\d+)+", t):
            return sorted(dict.fromkeys(int(x) for x in t.split(","))), None
        if re.fullmatch(r"\d+", t) and int(t) >= 1:
            return list(range(int(t))), None
    except ValueError:
        pass
    raise ValueError(f"--seeds: expected N, A-B, A- or a list like 1,5,9; got {text!r}")


# ------------------------------------------------------------------ what a campaign
# runs


@dataclass(frozen=True)
class Subject:
    """What every seed runs: the suite's plan (``spec`` None) or a test-solver run."""

    profile: str = "quick"
    claims: Optional[tuple[str, ...]] = None
    solver: Optional[str] = None  # suite mode: --solver
    spec: Optional[SolverSpec] = None  # test-solver mode
    options: Optional[solver_check.Options] = (
        None  # test-solver mode (its seed is replaced per seed)
    )

    @property
    def ts_options(self) -> solver_check.Options:
        """The test-solver options (set whenever ``spec`` is)."""
        assert self.options is not None, "test-solver mode comes with its options"
        return self.options

    @property
    def label(self) -> str:
        if self.spec is not None:
            return f"test-solver {self.spec.label} (profile {self.ts_options.profile})"
        return (
            f"suite profile {self.profile}"
            + (f", solver {self.solver}" if self.solver else "")
            + (f", claims {','.join(self.claims)}" if self.claims else "")
        )

    def preload(self) -> tuple[str, ...]:
        if self.spec is not None:
            return solver_check.solver_modules(self.spec)
        return suite.solver_modules(
            suite.plan(self.profile, 0, self.solver, self.claims)
        )

    def tasks(self, seed: int) -> list[tuple[Task, bool]]:
        """The tasks of one seed, each with whether its claim must hold."""
        if self.spec is not None:
            opts = replace(self.ts_options, seed=seed, report_dir=None)
            claims, _ = solver_check.plan(opts)
            return [
                (t, True) for t in solver_check.claim_tasks(self.spec, opts, claims)
            ]
        return [
            (suite.job_task(j), j.must_hold)
            for j in suite.plan(self.profile, seed, self.solver, self.claims)
        ]

    def failed(self, task: Task, reason: str) -> ClaimResult:
        if self.spec is not None:
            return failed_task_result(task, reason)
        return suite.failed_result(task.arg, reason)

    def rerun(self, result: ClaimResult) -> str:
        if self.spec is not None:
            return solver_check.rerun_command(
                self.spec, replace(self.ts_options, seed=result.seed), result.claim
            )
        who = f" --solver {result.solver}" if result.solver else ""
        return (
            f"python -m verify suite --profile {self.profile} --seed {result.seed}{who}"
            f" --claims {result.claim}"
        )


# ------------------------------------------------------------------ aggregation

_NUMBER = re.compile(r"(?<![A-Za-z_])-?\d+(?:/\d+|\.\d+(?:e-?\d+)?)?")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def condition_kind(condition: str) -> str:
    """A failed condition with its numbers and quoted names masked: two failures of one
    kind compare equal.

    >>> condition_kind("budget: uses 1 non-root nodes (roots free) of budget 0")
    'budget: uses # non-root nodes (roots free) of budget #'
    >>> condition_kind("target: request 'r0' reaches 1 < target 9/5")
    "target: request '…' reaches # < target #"
    """
    return _NUMBER.sub("#", _QUOTED.sub("'…'", condition or ""))


def failure_signature(result: ClaimResult) -> tuple[str, str, str]:
    """What makes two counterexamples the same finding: (claim, solver, rule/kind (cause
    class)).

    The rule and kind are the search's own failure signature
    (:func:`verify.search.properties.signature`); a record without one (older
    stores) falls back to the kind of its condition text.
    """
    rec = result.counterexample or {}
    sig = rec.get("signature")
    if isinstance(sig, dict) and sig.get("kind"):
        # two causes: two findings
        cause = f" ({sig['cause']})" if sig.get("cause") not in (None, "none") else ""
        return (
            result.claim,
            result.solver or "-",
            f"{sig.get('rule')}: {sig['kind']}{cause}",
        )
    return result.claim, result.solver or "-", condition_kind(rec.get("condition", ""))


def _each_finding(result: ClaimResult) -> Iterator[ClaimResult]:
    """The result once per distinct finding it holds (test-solver keeps up to
    --max-findings)."""
    records = result.findings or (
        [result.counterexample] if result.counterexample else []
    )
    for rec in records:
        yield replace(result, counterexample=rec, findings=[rec])


def one_defect(seeds: Iterable[Iterable[Optional[ClaimResult]]]):
    """``same(signature)``: the signature of the campaign finding a failure signature
    belongs to.

    Within each seed, findings of several properties that are one defect are
    marked as test-solver marks them (:func:`verify.search.defects.merge_defects`,
    per solver, in table order): the first property's finding is the defect's,
    the others are ``same_as`` it.  A signature that was ``same_as`` another in
    some seed is that one's in every seed (seeds shrink to different instances,
    so a later seed may find the copy alone).
    """
    parent: dict[tuple, tuple] = {}

    def root(sig: tuple) -> tuple:
        while parent.get(sig, sig) != sig:
            sig = parent[sig]
        return sig

    for results in seeds:
        by_solver: dict[str, list[ClaimResult]] = {}
        for r in results:
            if r is not None:
                by_solver.setdefault(r.solver or "-", []).append(r)
        for group in by_solver.values():
            merge_defects(group)
            first = {(r.claim, k + 1): r for r in group for k in range(len(r.findings))}
            for r in group:
                for rec in r.findings:
                    same = rec.get("same_as")
                    if not same:
                        continue
                    primary = first.get((same["property"], same["finding"]))
                    if primary is None:  # pragma: no cover - merge_defects names one
                        continue
                    prec = primary.findings[same["finding"] - 1]
                    a = root(failure_signature(replace(r, counterexample=rec)))
                    b = root(failure_signature(replace(primary, counterexample=prec)))
                    if a != b:
                        parent[a] = b
    return root


def _size(rec: Optional[dict]) -> tuple:
    assert rec is not None, "a counterexample result has its record"
    inst = rec.get("instance")
    if isinstance(inst, dict):
        reqs = inst.get("requests", [])
        return (
            sum(len(r.get("parent", [])) for r in reqs),
            len(reqs),
            len(rec.get("summary", "")),
        )
    return (10**6, 0, len(rec.get("summary", "")))


def _case(result: ClaimResult) -> dict:
    """The counterexample record of a counterexample result."""
    assert result.counterexample is not None, "a result without its counterexample"
    return result.counterexample


@dataclass
class Finding:
    """One distinct finding of a campaign: a failure signature, or several that were
    one defect (:func:`one_defect`); the seeds that found it, its smallest
    counterexample and every property it breaks."""

    signature: tuple[str, str, str]
    must_hold: bool
    seeds: list[int] = field(default_factory=list)
    smallest: Optional[ClaimResult] = None
    properties: list[str] = field(default_factory=list)

    @property
    def best(self) -> ClaimResult:
        """The smallest counterexample's result (a finding has at least one)."""
        assert self.smallest is not None, "a finding without a counterexample"
        return self.smallest

    def add(self, r: ClaimResult) -> None:
        if r.seed not in self.seeds:
            self.seeds.append(r.seed)
        self.breaks(r)
        if self.smallest is None or (_size(r.counterexample), r.seed) < (
            _size(self.smallest.counterexample),
            self.smallest.seed,
        ):
            self.smallest = r

    def breaks(self, r: ClaimResult) -> None:
        """``r`` (a finding of this defect) breaks its property too."""
        self.must_hold = self.must_hold or r.must_hold
        if r.claim not in self.properties:
            self.properties.append(r.claim)

    def to_json(self) -> dict:
        c = _case(self.best)
        return {
            "claim": self.signature[0],
            "solver": self.signature[1],
            "kind": self.signature[2],
            "must_hold": self.must_hold,
            "seeds": sorted(self.seeds),
            "smallest_seed": self.best.seed,
            "properties": list(self.properties),
            "summary": c.get("summary"),
            "condition": c.get("condition"),
            "counterexample": c,
        }


@dataclass
class Campaign:
    subject: Subject
    seeds_text: str
    executor_label: str
    budget: Optional[float]
    seeds: list[int]  # every seed with at least one task issued
    per_seed: dict[int, list[Optional[ClaimResult]]]  # None: not run
    must: dict[int, list[bool]]
    finite: bool
    seconds: float
    reused: int = 0
    failed: int = 0
    # the seeds asked for (open-ended: those issued)
    wanted: list[int] = field(default_factory=list)

    def results(self) -> Iterator[ClaimResult]:
        for s in self.seeds:
            yield from (r for r in self.per_seed[s] if r is not None)

    def findings(self) -> list[Finding]:
        """The distinct findings: one per failure signature, and one for signatures
        that were one defect (:func:`one_defect`)."""
        found = [
            one
            for s in self.seeds
            for r in self.per_seed[s]
            if r is not None and r.verdict == COUNTEREXAMPLE and r.counterexample
            for one in _each_finding(r)
        ]
        same = one_defect(self.per_seed[s] for s in self.seeds)
        out: dict[tuple, Finding] = {}
        copies = [one for one in found if (one.counterexample or {}).get("same_as")]
        for one in found:  # the first finding of a defect in a seed, then its copies
            if not any(one is c for c in copies):
                sig = same(failure_signature(one))
                out.setdefault(sig, Finding(sig, one.must_hold)).add(one)
        for one in copies:
            out[same(failure_signature(one))].breaks(one)
        return sorted(out.values(), key=lambda f: (not f.must_hold, f.signature))

    def complete(self, seed: int) -> bool:
        return all(r is not None for r in self.per_seed[seed])

    @property
    def all_done(self) -> bool:
        return (
            self.finite
            and all(self.complete(s) for s in self.seeds)
            and len(self.seeds) == len(self.wanted)
        )

    @property
    def exit_code(self) -> int:
        rs = list(self.results())
        if any(r.must_hold and r.verdict == COUNTEREXAMPLE for r in rs):
            return ExitCode.FOUND
        if any(r.verdict == INCONCLUSIVE for r in rs) or (
            self.finite and not self.all_done
        ):
            return ExitCode.INCONCLUSIVE
        # nothing judged in full is not a pass
        if not any(self.complete(s) for s in self.seeds):
            return ExitCode.INCONCLUSIVE
        return ExitCode.OK

    def cases(self) -> int:
        return sum(r.cases for r in self.results())


def run_campaign(
    subject: Subject,
    seeds: Optional[list[int]],
    first: Optional[int],  # the first seed of an open-ended list (seeds None)
    budget: Optional[float],
    executor,
    store=None,
    progress=None,
    note=None,
    seeds_text: str = "",
) -> Campaign:
    """Run every seed's tasks (seed after seed) until done or ``budget`` seconds have
    passed."""
    start = time.perf_counter()
    deadline = time.monotonic() + budget if budget else None
    assert seeds is not None or first is not None, "parse_seeds gives one of them"
    wanted = seeds if seeds is not None else itertools.count(first or 0)
    order: list[
        tuple[int, int, bool]
    ] = []  # task index -> (seed, position in the seed, must hold)
    per_seed: dict[int, list] = {}
    must: dict[int, list[bool]] = {}
    issued: list[int] = []
    tasks_of: list[Task] = []

    def feed() -> Iterator[Task]:
        for s in wanted:
            pairs = subject.tasks(s)
            issued.append(s)
            per_seed[s] = [None] * len(pairs)
            must[s] = [m for _, m in pairs]
            for pos, (task, m) in enumerate(pairs):
                order.append((s, pos, m))
                tasks_of.append(task)
                yield task

    def on_result(i: int, res, reused: bool) -> None:
        s, pos, m = order[i]
        if isinstance(res, TaskFailed):
            res = subject.failed(tasks_of[i], res.reason)
        per_seed[s][pos] = res
        if progress:
            who = f" on {res.solver}" if res.solver and subject.spec is None else ""
            done = sum(r is not None for r in per_seed[s])
            again = ", from the store" if reused else ""
            progress(
                f"[seed {s}: {done}/{len(per_seed[s])}] {res.claim}{who}: {res.verdict}"
                f" ({res.cases} cases, {res.seconds:.1f} s{again})"
            )

    out = run_tasks(
        feed(),
        executor,
        store=store,
        preload=subject.preload(),
        on_result=on_result,
        deadline=deadline,
        note=note,
    )
    return Campaign(
        subject,
        seeds_text,
        executor.label,
        budget,
        issued,
        per_seed,
        must,
        seeds is not None,
        time.perf_counter() - start,
        out.reused,
        len(out.failed),
        list(seeds) if seeds is not None else issued,
    )


# ------------------------------------------------------------------ output


def _table(head: tuple, rows: list[tuple]) -> list[str]:
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]

    def fmt(row: tuple) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()

    return [fmt(head), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in rows]


def _seed_counts(camp: Campaign, s: int) -> Counter:
    c: Counter[str] = Counter()
    for r, m in zip(camp.per_seed[s], camp.must[s]):
        if r is None:
            c["not run"] += 1
        elif r.verdict == COUNTEREXAMPLE:
            c["counterexample" if m else "finding"] += 1
        else:
            c[r.verdict] += 1
    return c


def render(camp: Campaign, reports: Optional[dict[int, str]] = None) -> str:
    reports = reports or {}
    budget = f"; time budget {camp.budget:g} s" if camp.budget else ""
    lines = [
        (
            f"campaign: {camp.subject.label}; seeds {camp.seeds_text};"
            f" {camp.executor_label}{budget}"
        ),
        "",
    ]
    found = camp.findings()
    lines.append(
        "findings, deduplicated by failure signature (claim, solver, kind of"
        " condition; one defect that breaks several properties is one finding):"
        f" {len(found)}"
    )
    rows: list[tuple]
    if found:
        rows = []
        for f in found:
            rows.append(
                (
                    f.signature[0],
                    f.signature[1],
                    "must hold" if f.must_hold else "finding",
                    f"{len(f.seeds)}/{len(camp.seeds)}",
                    min(f.seeds),
                    f.best.seed,
                )
            )
        lines += [
            "  " + x
            for x in _table(
                ("claim", "solver", "kind", "seeds", "first", "smallest at"), rows
            )
        ]
        for i, f in enumerate(found):
            c = _case(f.best)
            lines.append(f"  {f.signature[0]} on {f.signature[1]}: {f.signature[2]}")
            lines.append(f"      smallest: {c.get('summary')} (seed {f.best.seed})")
            if len(f.properties) > 1:
                lines.append(
                    f"      breaks:   {', '.join(f.properties)} (one defect, one"
                    " finding)"
                )
            if c.get("confirmation"):
                lines.append(f"      replayed: {confirmation_text(c['confirmation'])}")
            if i in reports:
                lines.append(f"      report:   {reports[i]}/report.md")
    lines += ["", "per seed:"]
    rows = []
    for s in camp.seeds:
        c = _seed_counts(camp, s)
        rows.append(
            (
                s,
                len(camp.per_seed[s]),
                c[VERIFIED],
                c["counterexample"],
                c["finding"],
                c[INCONCLUSIVE],
                c["not run"],
                "complete" if camp.complete(s) else "partial",
            )
        )
    lines += [
        "  " + x
        for x in _table(
            (
                "seed",
                "checks",
                "verified",
                "counterexample",
                "finding",
                "inconclusive",
                "not run",
                "status",
            ),
            rows,
        )
    ]
    unconfirmed = [
        (r.seed, r.claim, rec) for r in camp.results() for rec in r.unconfirmed
    ]
    if unconfirmed:
        lines.append(
            "  not confirmed (seen once, no replay on a fresh solver reproduced them;"
            f" not findings): {len(unconfirmed)}"
        )
        for s, claim, rec in unconfirmed[:5]:
            lines.append(
                f"    seed {s} {claim}: {rec.get('signature', {}).get('kind')} on"
                f" {rec.get('summary')}: {confirmation_text(rec.get('confirmation'))}"
            )
    notes = [
        (r.seed, r.claim, r.note)
        for r in camp.results()
        if r.verdict == INCONCLUSIVE and r.note
    ]
    for s, claim, note in notes[:5]:
        lines.append(f"  note: seed {s} {claim}: {note}")
    done = sum(camp.complete(s) for s in camp.seeds)
    tasks_done = sum(r is not None for s in camp.seeds for r in camp.per_seed[s])
    tasks = sum(len(camp.per_seed[s]) for s in camp.seeds)
    rate = camp.cases() / camp.seconds if camp.seconds > 0 else 0.0
    lines += [
        "",
        (
            f"throughput: {camp.cases()} cases judged in {camp.seconds:.1f} s:"
            f" {rate:.0f} cases/s; {tasks_done} of {tasks} tasks done ({camp.reused}"
            " from the store)"
        ),
    ]
    if camp.finite and not camp.all_done:
        lines.append(
            f"stopped by the time budget: {done} of {len(camp.wanted)} seeds complete"
        )
    elif not camp.finite:
        lines.append(
            f"{done} seeds complete within the time budget"
            + ("; nothing judged in full: inconclusive" if not done else "")
        )
    must = [r for r in camp.results() if r.must_hold]
    lines.append(
        f"result: {sum(r.verdict == COUNTEREXAMPLE for r in must)} must-hold"
        f" counterexamples, {sum(r.verdict == INCONCLUSIVE for r in camp.results())}"
        f" inconclusive, {len(found)} distinct findings over {done} complete seeds;"
        f" exit {camp.exit_code}"
    )
    return "\n".join(lines)


def to_json(camp: Campaign) -> dict:
    return {
        "schema": "adaserve-verify/campaign/1",
        "subject": camp.subject.label,
        "seeds": camp.seeds_text,
        "executor": camp.executor_label,
        "time_budget": camp.budget,
        "seconds": round(camp.seconds, 3),
        "exit_code": camp.exit_code,
        "cases": camp.cases(),
        "reused": camp.reused,
        "signature": (
            "claim, solver, rule: kind (verify/commands/campaign.py:failure_signature);"
            " one defect of several properties is one finding listing them"
            " (properties; verify/search/defects.py)"
        ),
        "findings": [f.to_json() for f in camp.findings()],
        "per_seed": [
            {
                "seed": s,
                "complete": camp.complete(s),
                **_seed_counts(camp, s),
                "results": [
                    None if r is None else r.to_json() for r in camp.per_seed[s]
                ],
            }
            for s in camp.seeds
        ],
    }


def write_reports(report_dir: str, camp: Campaign) -> tuple[str, dict[int, str]]:
    """One report per distinct finding: its smallest counterexample
    (docs/reports.md)."""
    run_dir = new_run_dir(report_dir, "campaign")
    dirs = {}
    for i, f in enumerate(camp.findings()):
        r = f.best
        spec: Optional[SolverSpec]
        if camp.subject.spec is not None:
            spec = camp.subject.spec
            options = camp.subject.ts_options
            opts = {
                "profile": options.profile,
                "examples": options.examples,
                "seed": r.seed,
                "root_charged": options.root_charged,
                "restrictions": options.restrictions.to_json(),
            }
        else:
            spec = SolverSpec.for_suite(r.solver) if r.solver else None
            opts = {"profile": camp.subject.profile, "seed": r.seed}
        rep = finding(r, spec, rerun=camp.subject.rerun(r), options=opts)
        name = f"{i + 1:02d}-{slug(r.claim)}" + (
            f"-{slug(r.solver)}" if r.solver else ""
        )
        dirs[i] = write_finding(os.path.join(run_dir, name), rep)
    from verify.report.html import run_facts, write_page

    with open(os.path.join(run_dir, "campaign.json"), "w", encoding="utf-8") as fh:
        json.dump({**run_facts(), **to_json(camp)}, fh, indent=2)
        fh.write("\n")
    write_page(run_dir)
    return run_dir, dirs


def main_campaign(
    subject: Subject,
    seeds_text: str,
    budget: Optional[float],
    jobs: int,
    dask: Optional[str],
    store_dir: Optional[str],
    json_path: Optional[str],
    report_dir: Optional[str],
    out=None,
    err=None,
) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    seeds, first = parse_seeds(seeds_text)

    def say(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    store = Store(store_dir) if store_dir else None
    for line in (
        subject_notes(subject.spec.kind, subject.spec.target)
        if store and subject.spec
        else ()
    ):
        say(line)
    # a solver that cannot answer a trivial instance: exit 2, not findings
    if subject.spec is not None:
        from verify.solver_check.tasks import warmup_instance
        from verify.subject.spec import preflight

        preflight(subject.spec, warmup_instance(subject.ts_options))
    with make_executor(jobs, dask, preload=subject.preload()) as executor:
        say(
            f"campaign: {subject.label}; seeds {seeds_text}; {executor.label}"
            + (f"; time budget {budget:g} s" if budget else "")
        )
        for line in getattr(executor, "warnings", lambda: [])():
            say(line)
        camp = run_campaign(
            subject,
            seeds,
            first,
            budget,
            executor,
            store=store,
            progress=say,
            note=say,
            seeds_text=seeds_text,
        )
    reports: dict[int, str] = {}
    if report_dir:
        run_dir, reports = write_reports(report_dir, camp)
    out.write(render(camp, reports) + "\n")
    if report_dir:
        out.write(f"reports: {run_dir}\n")
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(to_json(camp), fh, indent=2)
            fh.write("\n")
    return camp.exit_code


def subject_from_args(args, parse_test_solver) -> Subject:
    """The :class:`Subject` of parsed ``campaign`` arguments; ValueError on a usage
    error.

    ``parse_test_solver(argv)`` parses what follows ``test-solver`` (the command line's
    own parser)."""
    rest: list[str] = list(args.rest or [])
    if rest:
        if rest[0] != "test-solver":
            raise ValueError(
                f"campaign: unexpected {rest[0]!r} (options go before 'test-solver"
                " SOLVER ...')"
            )
        if "--seed" in rest or any(a.startswith("--seed=") for a in rest):
            raise ValueError(
                "campaign: give the seeds with campaign --seeds, not test-solver --seed"
            )
        for flag in ("--jobs", "--dask", "--store", "--report-dir", "--json"):
            if flag in rest or any(a.startswith(flag + "=") for a in rest):
                raise ValueError(
                    f"campaign: give {flag} before 'test-solver' (it applies to the"
                    " whole campaign)"
                )
        if "--junit" in rest or any(a.startswith("--junit=") for a in rest):
            raise ValueError(
                "campaign: --junit is a test-solver option only (a campaign writes"
                " --json)"
            )
        if args.solver or args.claims_given:
            raise ValueError(
                "campaign: --solver and --claims belong to the suite mode; "
                "after 'test-solver' use its own --claims"
            )
        ts_args = parse_test_solver(rest[1:])
        spec, options = usage_to_run(ts_args)
        return Subject(spec=spec, options=options)
    return Subject(
        profile=args.profile,
        claims=tuple(args.claims) if args.claims else None,
        solver=args.solver,
    )

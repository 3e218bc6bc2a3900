"""How fast test-solver catches each planted bug, how small the shrunk counterexample
is, and how often the generator hits the new defect classes (issue 11).

Part 1 (default; ``--only`` to pick): for every planted-bug solver of
tests/quality/planted.py this runs what ``python -m verify test-solver
tests.quality.planted:NAME`` runs (profile quick, the given seed, every applicable
property in table order) and prints:

* time to first counterexample: wall time from the start of the run to the first failing
  generated case (before shrinking), and how many cases that property had judged by
  then;
* the property that failed first, the time its shrinking took;
* the shrunk size: requests, total nodes, budget of the smallest finding over all
  properties;
* how many properties failed, and how many findings (distinct failure signatures) in
  all.

Part 2 (``--new``): the classes of issue 11 (rounded scores, two defects, a selector
that raises outside its declared domain, one that needs a draft token).  Per planted
selector, over ``--seeds`` seeds (default 5):

* found: on how many seeds the expected finding (its kind, on any property) comes up
  within 30 s of wall time from the start of a full default run (properties in table
  order), on which property first, and its shrunk size (nodes; the largest over the
  seeds);
* hit rate: failing generated cases of that kind per 1,000 judged, on the strategy of
  the property where it is most frequent, *before* (the six value classes and the budget
  weights the generator had before issue 11: ``--values
  strict,grid,decimal,float32,float16,bfloat16`` and no ``cut`` budget) and *after* (the
  current default);
* the correct selector that needs budget >= 1: exit code with ``--min-budget 1``.

Usage::

    python benchmarks/bench_planted.py [--seed S] [--examples N] [--only NAME,...]
    python benchmarks/bench_planted.py --new [--seeds 5]

Numbers vary with the machine; the counts and sizes are reproducible for a seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hypothesis import given, reject  # noqa: E402
from hypothesis import seed as hypothesis_seed

from solver.errors import Declined, Inconclusive  # noqa: E402
from solver.parse import parse_instance  # noqa: E402
from verify.search import generators as gen  # noqa: E402

# noqa: E402
from verify.search.claim_search import (
    COUNTEREXAMPLE,
    _search_settings,
    case_seed,
    run_claim,
)
from verify.search.claims import CLAIMS_BY_ID, PROFILES  # noqa: E402
from verify.search.properties import Outside  # noqa: E402
from verify.solver_check import Options, Restrictions, plan, run  # noqa: E402
from verify.subject.spec import SolverSpec, build  # noqa: E402

# name -> options (the convention and restrictions under which the bug shows)
BUGS = {
    "budget_ge0": {},
    "gettop_all": {},
    "float_target": {},
    "no_slo": {},
    "no_throughput": {},
    "strict_target": {},
    "roots_always_free": {"root_charged": True},
    "never_invalid": {},
    "invalid_when_tight": {},
    "by_conditional": {},
    "one_based_nodes": {},
    "index_error_on_wide": {},
    "correct_other_ties": {},  # must find nothing
    "correct_skip_zeros": {},  # must find nothing
}

# the issue-11 classes: name, restrictions, kind of the expected finding (on any
# property), and the
# property whose strategy the hit rate is measured on (where that kind is most frequent)
NEW = [
    ("frontier_float32", {}, "suboptimal", "LEM-C2"),
    ("frontier_bfloat16", {}, "suboptimal", "LEM-C2"),
    ("topb_all_float32", {"no_targets": True}, "not rooted", "APP-B"),
    (
        "budget0_float32",
        {},
        "suboptimal",
        "LEM-C2",
    ),  # the defect the budget-0 one used to hide
    (
        "raises_outside_domain",
        {"single_request": True, "no_targets": True},
        "over budget",
        "RULE-BUDGET",
    ),
]
OLD_VALUES = ("strict", "grid", "decimal", "float32", "float16", "bfloat16")
OLD_BUDGET = {"zero": 1, "exact": 3, "one-less": 2, "few-more": 2, "above-all": 2}
WITHIN = 30.0


def bench(name: str, seed: int, examples: int, extra: dict) -> dict:
    options = Options(
        profile="quick",
        examples=examples,
        seed=seed,
        root_charged=extra.get("root_charged", False),
        restrictions=Restrictions(**extra.get("restrictions", {})),
    )
    spec = SolverSpec("callable", f"tests.quality.planted:{name}")
    solver = build(spec)
    profile = PROFILES[options.profile]
    claims, _ = plan(options)
    start = time.perf_counter()
    first = None
    sizes = []
    findings = 0
    for claim in claims:
        state = {"judged": 0, "first": None}

        def timed(solver_, case, limits=None, _check=claim.check, _state=state):
            out = _check(solver_, case, limits)
            if _state["first"] is None:
                _state["judged"] += 1
                if out is not None:
                    _state["first"] = time.perf_counter()
            return out

        t0 = time.perf_counter()
        res = run_claim(
            replace(claim, check=timed),
            profile,
            solver_name=name,
            solver=solver,
            seed=seed,
            root_charged=options.root_charged,
            examples=examples,
            restrictions=options.restrictions,
            max_findings=5,
        )
        if res.verdict == COUNTEREXAMPLE:
            findings += len(res.findings)
            inst = parse_instance(
                res.counterexample["instance"], allow_nonmonotone=True
            )
            sizes.append((inst.total_nodes, len(inst.requests), inst.budget, claim.id))
            if first is None:
                first = {
                    "claim": claim.id,
                    "to_first": state["first"] - start,
                    "judged": res.first_at,
                    "shrink": t0 + res.seconds - state["first"],
                }
    total = time.perf_counter() - start
    smallest = min(sizes) if sizes else None
    return {
        "name": name,
        "first": first,
        "smallest": smallest,
        "found": len(sizes),
        "of": len(claims),
        "findings": findings,
        "total": total,
    }


def part1(args) -> None:
    names = args.only.split(",") if args.only else list(BUGS)
    head = (
        "planted bug",
        "first failing property",
        "to 1st cx",
        "cases",
        "shrink",
        "smallest shrunk (nodes/req/B)",
        "properties failed",
        "findings",
        "total",
    )
    print(
        f"profile quick, {args.examples} examples per property, seed {args.seed}, up to"
        " 5 findings per property"
    )
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    for name in names:
        r = bench(name, args.seed, args.examples, BUGS.get(name, {}))
        f, s = r["first"], r["smallest"]
        cells = (
            name,
            f["claim"] if f else "none",
            f"{f['to_first']:.2f} s" if f else "-",
            str(f["judged"]) if f else "-",
            f"{f['shrink']:.2f} s" if f else "-",
            f"{s[0]} nodes / {s[1]} req / B={s[2]} ({s[3]})" if s else "-",
            f"{r['found']} of {r['of']}",
            str(r["findings"]),
            f"{r['total']:.1f} s",
        )
        print(" | ".join(cells), flush=True)


# ------------------------------------------------------------------ part 2: the classes
# of issue 11


@contextmanager
def generator_before():
    """The generator as it was before issue 11: no cut budget class (weights of
    then)."""
    saved = dict(gen.WEIGHTS)
    gen.WEIGHTS["budget"] = dict(OLD_BUDGET)
    gen.WEIGHTS["budget/no-targets"] = dict(OLD_BUDGET)
    try:
        yield
    finally:
        gen.WEIGHTS.clear()
        gen.WEIGHTS.update(saved)


def hit_rate(
    name: str,
    limits: dict,
    claim_id: str,
    kind: str,
    seeds,
    examples: int,
    before: bool,
) -> tuple[int, int]:
    """(failing cases of ``kind``, judged cases) over ``seeds`` runs of ``claim_id``'s
    strategy."""
    claim = CLAIMS_BY_ID[claim_id]
    solver = build(SolverSpec("callable", f"tests.quality.planted:{name}"))
    r = Restrictions(**limits)
    if before:
        r = replace(r, values=OLD_VALUES)
    hits, judged = 0, 0
    for s in seeds:
        counts = Counter()

        @_search_settings(examples)
        @given(claim.strategy(PROFILES["quick"], False, r.generator_kwargs()))
        def sample(case):
            try:
                failure = claim.check(solver, case, r.with_convention(False))
            except (Declined, Inconclusive, Outside):
                reject()
            counts["judged"] += 1
            if failure is not None and any(f.kind == kind for f in failure.all()):
                counts["hits"] += 1

        if before:
            with generator_before():
                hypothesis_seed(case_seed(claim_id, s))(sample)()
        else:
            hypothesis_seed(case_seed(claim_id, s))(sample)()
        hits += counts["hits"]
        judged += counts["judged"]
    return hits, judged


def found_within(
    name: str, limits: dict, kind: str, seed: int
) -> tuple[float | None, int | None, str | None]:
    """(seconds from the start of a full default run to the first generated case failing
    with ``kind`` on any property, the shrunk size in nodes of the smallest finding of
    that kind, the property of the first); Nones when the run has no such finding."""
    start = time.perf_counter()
    seen: dict = {}
    options = Options(seed=seed, restrictions=Restrictions(**limits))
    solver = build(SolverSpec("callable", f"tests.quality.planted:{name}"))
    claims, _ = plan(options)
    sizes = []
    for claim in claims:

        def timed(solver_, case, lim=None, _check=claim.check, _id=claim.id):
            out = _check(solver_, case, lim)
            if (
                out is not None
                and "t" not in seen
                and any(f.kind == kind for f in out.all())
            ):
                seen.update(t=time.perf_counter() - start, claim=_id)
            return out

        res = run_claim(
            replace(claim, check=timed),
            PROFILES["quick"],
            solver_name=name,
            solver=solver,
            seed=seed,
            root_charged=False,
            restrictions=options.restrictions,
            max_findings=5,
        )
        sizes += [
            parse_instance(f["instance"]).total_nodes
            for f in res.findings
            if f["signature"]["kind"] == kind
        ]
    if not sizes:
        return None, None, None
    return seen.get("t"), min(sizes), seen.get("claim")


def part2(args) -> None:
    seeds = list(range(args.seeds))
    print(
        "issue 11 classes: profile quick, 300 examples per property, seeds"
        f" {seeds[0]}..{seeds[-1]}; found = the expected finding within {WITHIN:.0f} s"
        " of the start of a full run"
    )
    head = (
        "planted selector",
        "restrictions",
        "expected finding",
        "found (of seeds)",
        "time to it (max)",
        "first on",
        "shrunk nodes (max)",
        "hit rate on",
        "hits per 1,000 before",
        "hits per 1,000 after",
    )
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    for name, limits, kind, claim_id in NEW:
        times, sizes, where = [], [], Counter()
        for s in seeds:
            t, n, first = found_within(name, limits, kind, s)
            if t is not None and t <= WITHIN:
                times.append(t)
                sizes.append(n)
                where[first] += 1
        b = hit_rate(name, limits, claim_id, kind, seeds, 300, before=True)
        a = hit_rate(name, limits, claim_id, kind, seeds, 300, before=False)
        flags = " ".join("--" + k.replace("_", "-") for k in limits) or "-"
        print(
            " | ".join(
                (
                    name,
                    flags,
                    kind,
                    f"{len(times)} of {len(seeds)}",
                    f"{max(times):.1f} s" if times else "-",
                    ", ".join(sorted(where)) or "-",
                    str(max(sizes)) if sizes else "-",
                    claim_id,
                    f"{1000 * b[0] / max(b[1], 1):.1f} ({b[0]}/{b[1]})",
                    f"{1000 * a[0] / max(a[1], 1):.1f} ({a[0]}/{a[1]})",
                )
            ),
            flush=True,
        )
    spec = SolverSpec("callable", "tests.quality.planted:needs_draft_token")
    for mb in (None, 1):
        res = run(spec, Options(restrictions=Restrictions(min_budget=mb)))
        print(
            "needs_draft_token (correct, needs budget >="
            f" 1){' --min-budget 1' if mb else ''}: exit {res.exit_code}"
            f" ({sum(r.declined for r in res.results)} declined, {res.seconds:.1f} s)",
            flush=True,
        )
    for name in ("correct_other_ties", "correct_skip_zeros"):
        res = run(SolverSpec("callable", f"tests.quality.planted:{name}"), Options())
        print(
            f"{name} (correct): exit {res.exit_code},"
            f" {sum(r.verdict == 'verified' for r in res.results)} of"
            f" {len(res.results)} verified ({res.seconds:.1f} s)",
            flush=True,
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--examples", type=int, default=300)
    ap.add_argument("--only", help="comma-separated planted bug names")
    ap.add_argument(
        "--new",
        action="store_true",
        help="part 2: the classes of issue 11 over several seeds",
    )
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    if args.new:
        part2(args)
    else:
        part1(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

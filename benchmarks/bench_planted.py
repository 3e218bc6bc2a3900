"""How fast test-solver catches each planted bug, and how small the shrunk counterexample is.

For every planted-bug solver of tests/quality/planted.py this runs what
``python -m verify test-solver tests.quality.planted:NAME`` runs (profile quick,
the given seed, every applicable property in table order) and prints:

* time to first counterexample: wall time from the start of the run to the first
  failing generated case (before shrinking), and how many cases were judged by then;
* the property that failed first, the time its shrinking took;
* the shrunk size: requests, total nodes, budget of the smallest counterexample
  over all properties that failed.

Usage::

    python benchmarks/bench_planted.py [--seed S] [--examples N] [--only NAME,...]

Numbers vary with the machine; the counts and sizes are reproducible for a seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from solver.parse import parse_instance  # noqa: E402
from verify.search.campaign import COUNTEREXAMPLE, run_claim  # noqa: E402
from verify.search.claims import PROFILES  # noqa: E402
from verify.subject.spec import SolverSpec, build  # noqa: E402
from verify.commands.test_solver import Options, Restrictions, plan  # noqa: E402

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
    "correct_other_ties": {},          # must find nothing
}


def bench(name: str, seed: int, examples: int, extra: dict) -> dict:
    options = Options(profile="quick", examples=examples, seed=seed, root_charged=extra.get("root_charged", False),
                      restrictions=Restrictions(**extra.get("restrictions", {})))
    spec = SolverSpec("callable", f"tests.quality.planted:{name}")
    solver = build(spec)
    profile = PROFILES[options.profile]
    claims, _ = plan(options)
    start = time.perf_counter()
    first = None
    sizes = []
    for claim in claims:
        state = {"judged": 0, "first": None}

        def timed(solver_, case, _check=claim.check, _state=state):
            out = _check(solver_, case)
            if _state["first"] is None:
                _state["judged"] += 1
                if out is not None:
                    _state["first"] = time.perf_counter()
            return out

        t0 = time.perf_counter()
        res = run_claim(replace(claim, check=timed), profile, solver_name=name, solver=solver, seed=seed,
                        root_charged=options.root_charged, examples=examples,
                        strategy=claim.strategy(profile, options.root_charged,
                                                options.restrictions.generator_kwargs()))
        if res.verdict == COUNTEREXAMPLE:
            inst = parse_instance(res.counterexample["instance"], allow_nonmonotone=True)
            sizes.append((inst.total_nodes, len(inst.requests), inst.budget, claim.id))
            if first is None:
                first = {"claim": claim.id, "to_first": state["first"] - start, "judged": state["judged"],
                         "shrink": t0 + res.seconds - state["first"]}
    total = time.perf_counter() - start
    smallest = min(sizes) if sizes else None
    return {"name": name, "first": first, "smallest": smallest, "found": len(sizes), "of": len(claims),
            "total": total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--examples", type=int, default=300)
    ap.add_argument("--only", help="comma-separated planted bug names")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(BUGS)
    head = ("planted bug", "first failing property", "to 1st cx", "cases", "shrink", "smallest shrunk (nodes/req/B)",
            "properties failed", "total")
    print(f"profile quick, {args.examples} examples per property, seed {args.seed}")
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    for name in names:
        r = bench(name, args.seed, args.examples, BUGS.get(name, {}))
        f, s = r["first"], r["smallest"]
        cells = (name,
                 f["claim"] if f else "none",
                 f"{f['to_first']:.2f} s" if f else "-",
                 str(f["judged"]) if f else "-",
                 f"{f['shrink']:.2f} s" if f else "-",
                 f"{s[0]} nodes / {s[1]} req / B={s[2]} ({s[3]})" if s else "-",
                 f"{r['found']} of {r['of']}",
                 f"{r['total']:.1f} s")
        print(" | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

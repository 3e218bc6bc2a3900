"""Benchmark of the judge (verify/checks/judge.py) per kind of answer, this code and a
base checkout side by side.

An optimal OK answer is proven by its own certificate; every other answer goes
through the DP and the certificate of the DP's answer (docs/certificates.md, "How
the judge uses certificates"), so the kinds cost differently.  Two workloads, each
judged without Z3 in one fresh process per tree (CPU time or wall time, each call
from a fresh instance cache):

* the lines of benchmarks/bench_audit.py's trace (64 requests x 25 nodes; every
  4th answer spoiled, every 10th a wrong INVALID): the median per verdict kind and
  the mean per line;
* 1,024 requests x 25 (benchmarks/bench_dp.py's beam trees, B = 16 per request):
  the greedy's optimal answer, and the same with one leaf dropped (suboptimal).

Every verdict text is compared between the trees; a difference prints MISMATCH.

Run:  python benchmarks/bench_judge_kinds.py [--iterations 200] [--runs 3]
          [--base-tree DIR] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import sys

from in_tree import run_in_tree

HERE = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

_CHILD = """
import collections, gc, json, statistics, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + '/benchmarks']
from bench_audit import trace_lines
from bench_dp import build
from solver import feasibility, scaled
from solver.numbers import loads_exact
from solver.parse import parse_instance
from solver.reference import solve_reference
from solver.selection import Selection, parse_selection
from verify.checks.judge import judge
clock = time.process_time if sys.argv[4] == 'cpu' else time.perf_counter
iterations, runs = int(sys.argv[2]), int(sys.argv[3])
def fresh(inst):
    # what is kept with the instance: the numeric core, and the last answer judged
    # rule by rule (solver/feasibility.py, where it is kept)
    for key in (scaled._CACHE, getattr(feasibility, '_LAST', None)):
        inst.__dict__.pop(key, None)
    return inst
def timed(inst, sel):
    t0 = clock(); v = judge(fresh(inst), sel, use_z3=False)
    return clock() - t0, v.kind, v.text
lines = [loads_exact(x) for x in trace_lines(64, iterations, 0)]
built = [
    (parse_instance(o['instance']), parse_selection(o['selection'])) for o in lines
]
kinds, texts, total = collections.defaultdict(list), [], 0.0
for run in range(runs):
    for inst, sel in built:
        t, kind, text = timed(inst, sel)
        kinds[kind].append(t); total += t
        if run == 0:
            texts.append(text)
out = {'kinds': {k: [len(v) // runs, statistics.median(v)] for k, v in kinds.items()},
       'line': total / runs / len(built), 'texts': texts}
inst = build(1024, 16 * 1024, False, 0)
best = solve_reference(inst)
sets = {k: list(v) for k, v in best.selected.items()}
for r in inst.requests:  # drop the smallest leaf of the first request with one
    s = sets[r.id]
    parents = {r.tree.parent[v] for v in s}
    leaves = [v for v in s if v not in parents and v != r.tree.root]
    if leaves:
        s.remove(min(leaves, key=lambda v: r.tree.f[v]))
        break
for name, sel in (('optimal', Selection('OK', best.selected, best.objective)),
                  ('one node dropped', Selection('OK', sets, None))):
    got = [timed(inst, sel) for _ in range(max(runs, 5))]
    out[name] = [statistics.median(g[0] for g in got), got[0][2]]
print(json.dumps(out))
"""


def measure(tree: str, iterations: int, runs: int, cpu: bool) -> dict:
    """The figures of ``tree``'s code, in a fresh process with it on the path."""
    cpu_or_wall = "cpu" if cpu else "wall"
    return run_in_tree(tree, _CHILD, tree, str(iterations), str(runs), cpu_or_wall)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base-tree", metavar="DIR")
    ap.add_argument("--cpu", action="store_true", help="CPU time instead of wall time")
    args = ap.parse_args(argv)
    trees = ([("base", args.base_tree)] if args.base_tree else []) + [("now", HERE)]
    got = {name: measure(t, args.iterations, args.runs, args.cpu) for name, t in trees}
    what = "CPU" if args.cpu else "wall"
    print(
        f"judge without Z3, {what} time per call, median of {args.runs} passes"
        f" (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end)"
    )
    names = [n for n, _ in trees]
    print(
        f"\n{'64 x 25 trace line':>24s} {'lines':>6s} "
        + " ".join(f"{n:>10s}" for n in names)
    )
    now = got["now"]
    for kind in sorted(now["kinds"], key=lambda k: -now["kinds"][k][0]):
        cells = " ".join(
            f"{got[n]['kinds'].get(kind, [0, float('nan')])[1] * 1e3:7.3f} ms"
            for n in names
        )
        print(f"{kind:>24s} {now['kinds'][kind][0]:6d} {cells}")
    print(
        f"{'mean per line':>24s} {len(now['texts']):6d} "
        + " ".join(f"{got[n]['line'] * 1e3:7.3f} ms" for n in names)
    )
    print(
        f"\n{'1,024 x 25 answer':>24s} {'':6s} " + " ".join(f"{n:>10s}" for n in names)
    )
    for case in ("optimal", "one node dropped"):
        print(
            f"{case:>24s} {'':6s} "
            + " ".join(f"{got[n][case][0] * 1e3:7.1f} ms" for n in names)
        )
    same = all(
        (got[n]["texts"], got[n]["optimal"][1], got[n]["one node dropped"][1])
        == (now["texts"], now["optimal"][1], now["one node dropped"][1])
        for n in names
    )
    print("\nverdicts: " + ("same" if same else "MISMATCH"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of reading and validating audit lines (issue 25, the audit's own
overhead): this tree and a base tree side by side.

What an ``audit`` line costs before it is judged, per line of
benchmarks/bench_audit.py's trace (64 requests x 25-node beam trees,
two-decimal conditionals), one line at a time as ``audit`` reads them:

* JSON: ``loads_exact`` of the line's text (exact numbers, duplicate keys
  refused);
* validate: ``parse_instance`` of its instance and ``parse_selection`` of its
  selection (verify/commands/audit.py's ``build``);

and ``parse_instance`` of one 1,024 x 25 instance (benchmarks/bench_dp.py's,
as JSON; the median of 5 in the process).  Each tree's code runs in its own
fresh process; the runs of the two trees alternate, and each figure is the
median over ``--runs`` runs (CPU time with ``--cpu``: a shared, busy machine).
Every parsed instance and selection
is compared across the trees (their JSON, and each tree's root, order,
children, depth and scaled ints, over the least common denominator: a tree
may keep them over any multiple of it): a difference prints MISMATCH.

Run:  python benchmarks/bench_parse.py --base-tree /work/main [--runs 5]
          [--lines 60] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from in_tree import run_in_tree

HERE = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

_CHILD = """
import hashlib, json, math, sys, time
tree, lines_n, clock_name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path[:0] = [tree, tree + '/benchmarks']
from bench_audit import trace_lines
from bench_dp import build
from solver.numbers import loads_exact
from solver.parse import parse_instance
from solver.selection import parse_selection
def least(scaled):  # the ints over the least denominator: any common one is exact
    nums, den = scaled
    g = math.gcd(den, *nums)
    return [n // g for n in nums], den // g
def shapes(inst):
    return [(t.root, t.order, t.children, t.depth, least(t.scaled))
            for t in (r.tree for r in inst.requests)]
clock = time.process_time if clock_name == 'cpu' else time.perf_counter
lines = list(trace_lines(64, lines_n, 0))
big = json.dumps(build(1024, 16 * 1024, False, 20260101).to_json())
digest = hashlib.sha256()
t_json = t_val = 0.0
for text in lines:
    t0 = clock()
    obj = loads_exact(text)
    t1 = clock()
    inst = parse_instance(obj['instance'])
    sel = parse_selection(obj['selection'])
    t2 = clock()
    t_json += t1 - t0
    t_val += t2 - t1
    digest.update(json.dumps([inst.to_json(), sel.to_json()]).encode())
    digest.update(repr(shapes(inst)).encode())
obj = loads_exact(big)
times = []
for _ in range(5):
    t0 = clock()
    inst = parse_instance(obj)
    times.append(clock() - t0)
t_big = sorted(times)[2]
digest.update(json.dumps(inst.to_json()).encode())
digest.update(repr(shapes(inst)).encode())
print(json.dumps({'json': t_json / len(lines), 'validate': t_val / len(lines),
                  'big': t_big, 'digest': digest.hexdigest()}))
"""


def run_child(tree: str, lines: int, cpu: bool) -> dict:
    return run_in_tree(tree, _CHILD, tree, str(lines), "cpu" if cpu else "wall")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-tree", required=True, metavar="DIR")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lines", type=int, default=60, help="trace lines per run")
    ap.add_argument("--cpu", action="store_true", help="CPU time, not wall time")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    trees = {"base": os.path.abspath(args.base_tree), "now": HERE}
    load = os.getloadavg()
    print(
        f"reading and validating audit lines: median of {args.runs} runs,"
        f" {'CPU' if args.cpu else 'wall'} time; {os.cpu_count()} cores, load average"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start"
    )
    got: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            got[name].append(run_child(tree, args.lines, args.cpu))
    same = len({r["digest"] for rs in got.values() for r in rs}) == 1
    print(f"\n{'':34s} {'base':>10s} {'now':>10s} {'speed-up':>9s}")
    for key, what, scale in (
        ("json", "JSON, ms per line (64 x 25)", 1e3),
        ("validate", "validate, ms per line (64 x 25)", 1e3),
        ("big", "parse_instance 1,024 x 25, ms", 1e3),
    ):
        base, now = (statistics.median(r[key] for r in got[n]) for n in trees)
        print(f"{what:34s} {base * scale:10.3f} {now * scale:10.3f} {base / now:8.2f}x")
    print(f"\nparsed instances and selections: {'same' if same else 'MISMATCH'}")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

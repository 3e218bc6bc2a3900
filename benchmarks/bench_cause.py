"""Benchmark of the cause analysis ``audit`` runs on each finding (issue 25): ms per
finding and audit iterations/s, two trees side by side.

The cause analysis is verify/search/cause.py's ``explain_verdict``.

On benchmarks/bench_audit.py's trace (64 requests x 25 nodes, 400 iterations, seed 0
by default: every 4th answer spoiled, every 10th a wrong INVALID):

* per finding: in a fresh process of each tree, every line is read and judged
  (without Z3) as ``audit`` judges it, then ``explain_verdict`` is timed on each
  finding (``suboptimal``, ``infeasible``, ``wrong-invalid``), on instances the
  cause analysis has not seen yet (each run reads the trace again); the mean
  per finding, per verdict kind too, median of ``--runs`` runs.  The causes of
  every finding are compared between the trees (``same`` or MISMATCH);
* ``python -m verify audit TRACE --jobs 1 --no-progress`` in a fresh process of
  each tree (start-up included): iterations/s, median of ``--runs`` runs, and
  whether the printed summaries (timing line aside) are the same;
* large answers (unless ``--skip-large``): at 1,024 requests x 25 nodes
  (benchmarks/bench_dp.py's instance, B = 16,384), the optimum with a node added to
  200 requests (200 nodes beyond the budget), the optimum with a node swapped for a
  smaller one in 300 requests (suboptimal), and INVALID (a wrong INVALID): ms per
  finding, as above.

``--base-tree DIR`` is the tree to compare with (e.g. /work/main, the code a change
started from); without it only this tree is measured.  On a shared, busy machine
``--cpu`` measures CPU time (``time.process_time`` in the child; user + system time
of the audit process) instead of wall time.

Run:  python benchmarks/bench_cause.py [--base-tree DIR] [--requests 64]
          [--iterations 400] [--runs 3] [--cpu] [--skip-large]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, TREE)
sys.path.insert(0, HERE)

# Run in a fresh process of the tree measured (PYTHONPATH=tree): argv is the trace,
# the clock ("cpu" or "wall") and the runs; prints one JSON line.
CHILD = r"""
import json, sys, time
from solver.numbers import loads_exact
from solver.parse import parse_instance
from solver.selection import parse_selection
from verify.checks.judge import judge
from verify.search.cause import explain_verdict

path, clock, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
now = time.process_time if clock == "cpu" else time.perf_counter
lines = open(path, "rb").read().splitlines()
out = {"runs": [], "kinds": [], "causes": [], "first": []}
for run in range(runs):
    findings = []
    for line in lines:  # fresh instances: nothing cached from the run before
        obj = loads_exact(line.decode())
        inst = parse_instance(obj["instance"])
        sel = parse_selection(obj["selection"])
        v = judge(inst, sel, use_z3=False)
        if v.kind in ("suboptimal", "infeasible", "wrong-invalid"):
            findings.append((inst, sel, v.kind, v.optimal_selection))
    seconds, causes, first = [], [], []
    for inst, sel, kind, optimal in findings:
        t0 = now()
        why = explain_verdict(inst, sel, kind, optimal)
        seconds.append(now() - t0)
        causes.append(repr(why))
        first.append(why[0]["kind"] if why else "none")
    out["runs"].append(seconds)
    out["kinds"] = [str(f[2]) for f in findings]
    out["causes"], out["first"] = causes, first
print(json.dumps(out))
"""


def _child_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(tree: str, argv: list[str], cpu: bool) -> tuple[float, str]:
    """A fresh ``python ARGV`` with ``tree`` on PYTHONPATH: (seconds, stdout)."""
    t0, c0 = time.perf_counter(), _child_cpu()
    proc = subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": tree},
    )
    if proc.returncode not in (0, 1):  # audit exits 1 when it has findings
        raise SystemExit(f"{tree}: {' '.join(argv[:3])} failed: {proc.stderr[-600:]}")
    return (_child_cpu() - c0 if cpu else time.perf_counter() - t0), proc.stdout


def per_finding(tree: str, trace: str, runs: int, cpu: bool) -> dict:
    _, out = _run(tree, ["-c", CHILD, trace, "cpu" if cpu else "wall", str(runs)], cpu)
    return json.loads(out)


def audit_rate(tree: str, trace: str, runs: int, cpu: bool) -> tuple[float, str]:
    """Median seconds of ``audit TRACE --jobs 1``, and its summary without the timing
    line."""
    argv = ["-m", "verify", "audit", trace, "--jobs", "1", "--no-progress"]
    got = [_run(tree, argv, cpu) for _ in range(runs)]
    summary = got[0][1].rstrip("\n").rsplit("\n", 1)[0]
    return statistics.median(s for s, _ in got), summary


def large_lines(seed: int) -> list[str]:
    """The large answers' trace lines (module docstring)."""
    from bench_dp import build

    from verify.oracles.dp import solve_dp

    rng = random.Random(seed)
    instance = build(1024, 16 * 1024, False, seed)
    best = solve_dp(instance)
    assert best.ok, "the 1,024-request instance has a feasible selection"
    over = {k: set(v) for k, v in best.selected.items()}
    swapped = {k: set(v) for k, v in best.selected.items()}
    grown = moved = 0
    for r in instance.requests:
        t = r.tree
        s = over[r.id]
        out = [v for v in range(len(t)) if v not in s and t.parent[v] in s]
        if out and grown < 200:
            s.add(rng.choice(out))
            grown += 1
        s = swapped[r.id]
        leaves = [
            v for v in s if v != t.root and not any(c in s for c in t.children[v])
        ]
        if leaves and moved < 300:
            gone = rng.choice(leaves)
            s.discard(gone)
            smaller = [
                v
                for v in range(len(t))
                if v not in s and v != gone and t.parent[v] in s and t.f[v] < t.f[gone]
            ]
            took = rng.choice(smaller) if smaller else None
            s.add(took if took is not None else gone)
            if took is not None and t.value(s) >= r.target:  # feasible: suboptimal
                moved += 1
            else:  # undone: the request keeps its optimal nodes
                s.discard(took)
                s.add(gone)
    answers = [
        {"status": "OK", "selected": {k: sorted(v) for k, v in over.items()}},
        {"status": "OK", "selected": {k: sorted(v) for k, v in swapped.items()}},
        {"status": "INVALID", "reason": "recorded"},
    ]
    data = instance.to_json()
    return [json.dumps({"instance": data, "selection": a}) for a in answers]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-tree", metavar="DIR", help="the tree to compare with")
    ap.add_argument("--requests", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", action="store_true", help="CPU time, not wall time")
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args(argv)
    from bench_audit import trace_lines

    trees = ([("base", os.path.abspath(args.base_tree))] if args.base_tree else []) + [
        ("this", TREE)
    ]
    load = os.getloadavg()
    print(
        f"cause analysis on bench_audit's trace: {args.iterations} iterations of"
        f" {args.requests} x 25 nodes, seed {args.seed}; median of {args.runs} runs,"
        f" {'CPU' if args.cpu else 'wall'} time; {os.cpu_count()} cores, load average"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start"
    )
    for name, tree in trees:
        print(f"  {name}: {tree}")
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace.jsonl")
        with open(trace, "w") as fh:
            for line in trace_lines(args.requests, args.iterations, args.seed):
                fh.write(line + "\n")
        large = os.path.join(tmp, "large.jsonl")
        if not args.skip_large:
            with open(large, "w") as fh:
                fh.write("\n".join(large_lines(args.seed)) + "\n")
            big = {n: per_finding(t, large, args.runs, args.cpu) for n, t in trees}
        found = {
            name: per_finding(tree, trace, args.runs, args.cpu) for name, tree in trees
        }
        rates = {
            name: audit_rate(tree, trace, args.runs, args.cpu) for name, tree in trees
        }
    kinds = next(iter(found.values()))["kinds"]
    head = f"{'':34s}" + "".join(f"{name:>10s}" for name, _ in trees)
    print(f"\n{head}")

    def row(label: str, pick) -> None:
        cells = []
        for name, _ in trees:
            runs = found[name]["runs"]
            cells.append(statistics.median(pick(r) for r in runs) * 1e3)
        print(f"{label:34s}" + "".join(f"{c:10.3f}" for c in cells))

    row(f"ms per finding ({len(kinds)} findings)", lambda r: sum(r) / len(r))
    for kind in sorted(set(kinds)):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        row(
            f"  {kind} ({len(idx)})",
            lambda r, idx=idx: sum(r[i] for i in idx) / len(idx),
        )
    row("  slowest finding", max)
    per_line = {
        n: statistics.median(sum(r) for r in found[n]["runs"]) / args.iterations
        for n, _ in trees
    }
    print(
        f"{'ms of cause analysis per line':34s}"
        + "".join(f"{per_line[n] * 1e3:10.3f}" for n, _ in trees)
    )
    print(
        f"{'audit --jobs 1, iterations/s':34s}"
        + "".join(f"{args.iterations / rates[n][0]:10.1f}" for n, _ in trees)
    )
    same_causes = len({tuple(found[n]["causes"]) for n, _ in trees}) == 1
    if not args.skip_large:
        print("\nlarge answers, 1,024 x 25 (ms per finding):")
        for i, kind in enumerate(next(iter(big.values()))["kinds"]):
            cells = [statistics.median(r[i] for r in big[n]["runs"]) for n, _ in trees]
            label = f"  {kind} (cause: {big[trees[0][0]]['first'][i]})"
            print(f"{label:34s}" + "".join(f"{c * 1e3:10.1f}" for c in cells))
        same_causes &= len({tuple(big[n]["causes"]) for n, _ in trees}) == 1
    same_audit = len({rates[n][1] for n, _ in trees}) == 1
    print(
        f"\ncauses of every finding: {'same' if same_causes else 'MISMATCH'};"
        f" audit summaries: {'same' if same_audit else 'MISMATCH'}"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    return 0 if same_causes and same_audit else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``python -m verify audit`` (verify/commands/audit.py): iterations judged
per second.

A trace of recorded iterations is generated like benchmarks/bench_dp.py's
instances (beam-search trees of depth 8 and width 3, 25 nodes per request,
two-decimal conditionals, targets 1..2.5, B = 16 per request, roots free); the
recorded selections are the reference greedy's answers, every 4th one spoiled
(a node dropped: suboptimal or a missed target; or a node's parent dropped:
infeasible), and every 10th line a wrong INVALID.  The audit then runs in
process on that trace with 1 job and with ``--jobs`` jobs (default 2), without
Z3 (the default), printing iterations per second; ``--z3`` adds one Z3 run.

Goal (issue 15, part 3): at least 20 iterations per second at 64 x 25 on 2 cores.

Run:  python benchmarks/bench_audit.py [--requests 64] [--iterations 400] [--jobs 2]
          [--z3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_dp import build  # noqa: E402

from solver.reference import solve_reference  # noqa: E402
from verify.commands.audit import AuditOptions, main_audit  # noqa: E402


def trace_lines(requests: int, iterations: int, seed: int):
    rng = random.Random(seed)
    for it in range(iterations):
        inst = build(requests, 16 * requests, False, seed * 100003 + it)
        sel = solve_reference(inst).to_json()
        sel.pop("certificate", None)
        if it % 10 == 9:
            sel = {"status": "INVALID", "reason": "recorded"}
        elif it % 4 == 3 and sel["status"] == "OK":
            rid = rng.choice(list(sel["selected"]))
            nodes = sel["selected"][rid]
            if len(nodes) > 1:
                tree = inst.request(rid).tree
                drop = rng.choice([v for v in nodes if v != tree.root])
                # maybe leaves an orphan
                sel["selected"][rid] = [v for v in nodes if v != drop]
                sel.pop("objective", None)
        yield json.dumps(
            {
                "id": f"it-{it}",
                "time": round(0.021 * it, 3),
                "instance": inst.to_json(),
                "selection": sel,
            },
            separators=(",", ":"),
        )


def run(path: str, jobs: int, z3: bool) -> tuple[float, int]:
    options = AuditOptions(trace=path, z3=z3)
    with open(os.devnull, "w") as devnull:
        real = sys.stdout
        sys.stdout = devnull
        try:
            t0 = time.perf_counter()
            code = main_audit(path, options, jobs=jobs, progress=False)
            seconds = time.perf_counter() - t0
        finally:
            sys.stdout = real
    return seconds, code


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--z3",
        action="store_true",
        help="also time the audit with Z3 confirmation (slow)",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        t0 = time.perf_counter()
        with open(path, "w") as fh:
            for line in trace_lines(args.requests, args.iterations, args.seed):
                fh.write(line + "\n")
        size = os.path.getsize(path)
        print(
            f"audit benchmark: {args.iterations} iterations of {args.requests} x 25"
            f" nodes, B = {16 * args.requests}, trace {size / 1e6:.1f} MB (written in"
            f" {time.perf_counter() - t0:.1f} s); {os.cpu_count()} cores"
        )
        cases = [(1, False), (args.jobs, False)] + (
            [(args.jobs, True)] if args.z3 else []
        )
        for jobs, z3 in cases:
            seconds, code = run(path, jobs, z3)
            print(
                f"  jobs {jobs}{', Z3' if z3 else '':5s}  {seconds:7.2f} s  "
                f"{args.iterations / seconds:7.1f} iterations/s  (exit {code})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

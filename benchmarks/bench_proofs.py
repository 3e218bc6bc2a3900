"""Benchmark: all per-shape claims on every shape up to 10 nodes (goal: < 10 min on 2
cores).

Runs ``python -m proofs --max-nodes N --pair-max 0 --jobs J --json`` in a fresh
process (so worker start-up counts) and prints the wall time, the verdict and
the summed solver seconds per n.  Optionally also the two-request claims
(``--pair-max M``) as a separate run.

    python benchmarks/bench_proofs.py                    # N = 10, J = 2, both greedies
    python benchmarks/bench_proofs.py --greedy frontier  # the reference GetTop only
    python benchmarks/bench_proofs.py --allow-ties --pair-max 4
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args: list[str]) -> tuple[float, dict, int]:
    cmd = [
        sys.executable,
        "-m",
        "proofs",
        "--json",
        "--quiet",
        "--out",
        os.path.join(ROOT, "proofs-out"),
    ] + args
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"python -m proofs failed ({proc.returncode}):\n{proc.stderr}")
    return wall, json.loads(proc.stdout), proc.returncode


def report(title: str, wall: float, out: dict, code: int) -> None:
    verdict = {0: "all proved", 1: "counterexample(s)", 3: "unknown(s)"}[code]
    print(f"{title}: {wall:.1f} s wall, {verdict}")
    by_n: dict[int, list] = {}
    for r in out["rows"]:
        by_n.setdefault(r["n"], [0, 0, 0.0])
        by_n[r["n"]][0] += r["shapes"] if r["claim"] in ("RUN", "RUN-PAIR") else 0
        by_n[r["n"]][1] += r["queries"]
        by_n[r["n"]][2] += r["seconds"]
    print(f"  {'n':>3} {'runs':>6} {'queries':>8} {'cpu s':>8}")
    for n in sorted(by_n):
        runs, q, s = by_n[n]
        print(f"  {n:>3} {runs:>6} {q:>8} {s:>8.1f}")
    for c in out["counterexamples"]:
        print(
            f"  smallest counterexample {c['claim']}[{c['greedy']}]: n = {c['n']},"
            f" shape {c['shape']}"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-nodes", type=int, default=10)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--greedy", default="frontier,paper")
    p.add_argument("--allow-ties", action="store_true")
    p.add_argument(
        "--pair-max",
        type=int,
        default=0,
        help="also time the two-request claims up to M nodes",
    )
    a = p.parse_args()
    common = ["--jobs", str(a.jobs), "--greedy", a.greedy] + (
        ["--allow-ties"] if a.allow_ties else []
    )
    premise = "ties allowed" if a.allow_ties else "strict"
    wall, out, code = run(
        [
            "--max-nodes",
            str(a.max_nodes),
            "--pair-max",
            "0",
            "--claims",
            "APP-B,LEM-C1,LEM-C2",
        ]
        + common
    )
    shapes = sum(out["settings"]["shapes_per_n"].values())
    report(
        f"APP-B, LEM-C1, LEM-C2 on all {shapes} shapes with 1..{a.max_nodes} nodes "
        f"({a.greedy}; {premise}; --jobs {a.jobs})",
        wall,
        out,
        code,
    )
    if a.pair_max:
        wall, out, code = run(
            [
                "--max-nodes",
                "1",
                "--pair-max",
                str(a.pair_max),
                "--claims",
                "THM-P1,THM-P2",
            ]
            + common
        )
        report(
            f"THM-P1, THM-P2 on all ordered pairs of shapes with 1..{a.pair_max} nodes "
            f"({a.greedy}; {premise}; --jobs {a.jobs})",
            wall,
            out,
            code,
        )


if __name__ == "__main__":
    main()

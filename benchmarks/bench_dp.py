"""Benchmark of the exact DP oracle (verify/oracles/dp.py) at AdaServe scale.

Instances look like the EuroSys artifact's settings: every request's candidate
tree comes from a beam search of depth 8 and width 3 (each level keeps the 3
best of the 3 x 3 proposed continuations by path probability), so a tree has
1 + 8 * 3 = 25 nodes.  Conditional probabilities are two-digit decimals
("0.73"); path probabilities are their exact products.  Targets are decimals
between 1 and 2.5 tokens.

Goal (issue 2): solve_dp on 64 requests x 25 nodes, B = 1024, roots free,
in <= 0.5 s.  Run:  python benchmarks/bench_dp.py [--runs N] [--seed S]
Prints the median (and min) wall time of several runs; the reference greedy
is timed alongside for scale, and both optima are compared as a sanity check.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from solver.parse import parse_instance  # noqa: E402
from solver.reference import solve_reference  # noqa: E402
from verify.oracles.dp import TreeDP, solve_dp  # noqa: E402

DEPTH, WIDTH = 8, 3


def conditionals(rng: random.Random, k: int) -> list[str]:
    """k next-token probabilities of one draft step, two decimals each, summing to <= 1."""
    left = 100
    out = []
    for i in range(k):
        low = min(left, 30) if i == 0 else 0  # the top token is usually likely
        p = rng.randint(low, left)
        out.append(p)
        left -= p
    return [f"{p / 100:.2f}" for p in out]


def beam_tree(rng: random.Random) -> tuple[list[int], list[str]]:
    """Parent array and conditional probabilities of one beam-search candidate tree."""
    parent, cond, path = [-1], ["1"], [Fraction(1)]
    beam = [0]
    for _ in range(DEPTH):
        proposals = []
        for u in beam:
            for c in conditionals(rng, WIDTH):
                proposals.append((path[u] * Fraction(c), u, c))
        proposals.sort(key=lambda t: -t[0])  # stable: ties keep proposal order
        beam = []
        for prob, u, c in proposals[:WIDTH]:
            beam.append(len(parent))
            parent.append(u)
            cond.append(c)
            path.append(prob)
    return parent, cond


def build(n_requests: int, budget: int, root_charged: bool, seed: int):
    rng = random.Random(seed)
    requests = []
    for i in range(n_requests):
        parent, cond = beam_tree(rng)
        target = f"{rng.randint(100, 250) / 100:.2f}"
        requests.append({"id": f"r{i}", "target": target, "parent": parent, "cond": cond})
    return parse_instance({"budget": budget, "root_charged": root_charged, "requests": requests})


def timed(fn, arg, runs: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn(arg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def tree_part(instance):
    for r in instance.requests:
        TreeDP(r.tree)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args(argv)
    print(f"solve_dp benchmark: beam trees depth {DEPTH} width {WIDTH} "
          f"({1 + DEPTH * WIDTH} nodes), seed {args.seed}, median of {args.runs} runs")
    print(f"{'instance':34s} {'status':7s} {'dp median':>10s} {'dp min':>9s} "
          f"{'tree part':>10s} {'greedy':>9s}  optimum check")
    for n, budget, charged in ((64, 1024, False), (64, 1024, True), (16, 256, False)):
        inst = build(n, budget, charged, args.seed)
        med, low, sel = timed(solve_dp, inst, args.runs)
        tmed, _, _ = timed(tree_part, inst, args.runs)
        gmed, _, greedy = timed(solve_reference, inst, args.runs)
        same = "DP == greedy" if sel.objective == greedy.objective and sel.status == greedy.status \
            else f"MISMATCH dp {sel.objective} greedy {greedy.objective}"
        name = f"{n} x 25, B = {budget}, roots {'charged' if charged else 'free'}"
        print(f"{name:34s} {sel.status:7s} {med * 1e3:8.1f}ms {low * 1e3:7.1f}ms "
              f"{tmed * 1e3:8.1f}ms {gmed * 1e3:7.1f}ms  {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

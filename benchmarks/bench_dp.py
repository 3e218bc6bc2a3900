"""Benchmark of the exact methods at AdaServe scale: new DP vs old DP vs Z3 vs the
greedy, and the judge.

Instances look like the EuroSys artifact's settings: every request's candidate
tree comes from a beam search of depth 8 and width 3 (each level keeps the 3
best of the 3 x 3 proposed continuations by path probability), so a tree has
1 + 8 * 3 = 25 nodes.  Conditional probabilities are two-digit decimals
("0.73"); path probabilities are their exact products.  Targets are decimals
between 1 and 2.5 tokens; B = 16 per request, roots free (issue 15's table).

Timed in one run, on the same instances, for n = 16 .. 1024 requests:

greedy     the reference greedy (solver/reference.py), exact, with its certificate
judge      verify.checks.judge.judge without Z3 on the greedy's answer (what
           ``check --no-z3`` does after parsing: DP on sorted values + certificate
           check)
new DP     verify.oracles.dp.solve_dp (monotone trees: sorted values)
tree DP    verify.oracles.dp.solve_dp(method="tree"): the tree knapsack on every tree
old DP     tests.common.dp_quadratic.solve_dp (before issue 15)
Z3         verify.oracles.z3.encoding.solve_z3 (only up to --z3-max requests)

and the ratios old/new, Z3/new, new/greedy.  A second table does the same with
non-monotone scores (every non-root f a random two-digit decimal), where the
tree knapsack and the exact convolution must run.  Every method's optimum is
compared; a mismatch is printed as MISMATCH.

Goals (issue 15, part 2): 1024 x 25 with B = 16,384 judged in <= 0.5 s in process.

Run:  python benchmarks/bench_dp.py [--runs N] [--seed S] [--sizes 16,64,256,1024]
          [--z3-max 256]
Prints medians of --runs runs (one run for anything slower than a second).
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
from solver.selection import Selection  # noqa: E402
from tests.common import dp_quadratic  # noqa: E402
from verify.checks.judge import judge  # noqa: E402
from verify.oracles.dp import TreeDP, solve_dp  # noqa: E402

DEPTH, WIDTH = 8, 3


def conditionals(rng: random.Random, k: int) -> list[str]:
    """k next-token probabilities of one draft step, two decimals each, summing to <=
    1."""
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


def build(
    n_requests: int, budget: int, root_charged: bool, seed: int, monotone: bool = True
):
    rng = random.Random(seed)
    requests = []
    for i in range(n_requests):
        parent, cond = beam_tree(rng)
        target = f"{rng.randint(100, 250) / 100:.2f}"
        req = {"id": f"r{i}", "target": target, "parent": parent}
        if monotone:
            req["cond"] = cond
        else:
            req["prob"] = ["1"] + [
                f"{rng.randint(0, 100) / 100:.2f}" for _ in parent[1:]
            ]
        requests.append(req)
    return parse_instance(
        {"budget": budget, "root_charged": root_charged, "requests": requests},
        allow_nonmonotone=not monotone,
    )


def timed(fn, arg, runs: int) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(arg)
    first = time.perf_counter() - t0
    if first > 1.0 or runs <= 1:
        return first, out
    times = [first]
    for _ in range(runs - 1):
        t0 = time.perf_counter()
        out = fn(arg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def tree_part(instance):
    for r in instance.requests:
        TreeDP(r.tree)


def _ms(x):
    return "-" if x is None else (f"{x * 1e3:8.1f}ms" if x < 10 else f"{x:8.1f}s ")


def _ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:7.1f}x"


def table(title, sizes, args, monotone):
    print(title)
    print(
        f"{'requests':>8s} {'B':>6s} {'greedy':>10s} {'judge':>10s} {'new DP':>10s}"
        f" {'tree DP':>10s} {'old DP':>10s} {'Z3':>10s} {'old/new':>8s} {'Z3/new':>8s}"
        f" {'new/greedy':>10s}  optimum check"
    )
    for n in sizes:
        budget = 16 * n
        inst = build(n, budget, False, args.seed, monotone)
        t_new, new = timed(solve_dp, inst, args.runs)
        t_tree, tree = timed(lambda i: solve_dp(i, method="tree"), inst, args.runs)
        t_greedy = t_judge = None
        values = {"tree DP": tree.objective}
        if monotone:
            t_greedy, greedy = timed(solve_reference, inst, args.runs)
            plain = Selection(
                greedy.status, greedy.selected, greedy.objective, greedy.reason
            )
            t_judge, verdict = timed(
                lambda i: judge(i, plain, use_z3=False), inst, args.runs
            )
            values["greedy"] = greedy.objective
            values["judge"] = verdict.optimum
        t_old = None
        if n <= args.old_max:
            t_old, old = timed(dp_quadratic.solve_dp, inst, 1 if n > 256 else args.runs)
            values["old DP"] = old.objective
        t_z3 = None
        if n <= args.z3_max:
            from verify.oracles.z3.encoding import solve_z3

            t_z3, z = timed(lambda i: solve_z3(i, timeout=600), inst, 1)
            values["Z3"] = z.objective
        bad = [k for k, v in values.items() if v != new.objective]
        check = (
            "all agree"
            if not bad
            else "MISMATCH " + ", ".join(f"{k} {values[k]}" for k in bad)
        )
        print(
            f"{n:8d} {budget:6d} {_ms(t_greedy):>10s} {_ms(t_judge):>10s}"
            f" {_ms(t_new):>10s} {_ms(t_tree):>10s} {_ms(t_old):>10s} {_ms(t_z3):>10s}"
            f" {_ratio(t_old, t_new):>8s} {_ratio(t_z3, t_new):>8s}"
            f" {_ratio(t_new, t_greedy):>10s}  {new.status} {check}"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument(
        "--sizes", default="16,64,256,1024", help="comma-separated request counts"
    )
    ap.add_argument(
        "--z3-max",
        type=int,
        default=256,
        help="run Z3 up to this many requests (default 256)",
    )
    ap.add_argument(
        "--old-max",
        type=int,
        default=1024,
        help="run the old DP up to this many requests",
    )
    ap.add_argument("--skip-nonmonotone", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    print(
        f"exact methods: beam trees depth {DEPTH} width {WIDTH} ({1 + DEPTH * WIDTH}"
        f" nodes), B = 16 per request, roots free, seed {args.seed}, median of"
        f" {args.runs} runs (1 run when over 1 s); {os.cpu_count()} cores"
    )
    table(
        "\nmonotone path probabilities (products of the conditionals):",
        sizes,
        args,
        True,
    )
    if not args.skip_nonmonotone:
        table(
            "\nnon-monotone scores (random two-digit f, --allow-nonmonotone):",
            sizes,
            args,
            False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

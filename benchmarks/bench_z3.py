"""Z3 encodings at AdaServe scale: prints one line per (variant, size);
docs/z3-encoding.md quotes them.

Instances: n requests, each a beam-search-like candidate tree of depth 8 and
width 3 (25 nodes: the 3 best children of the previous level's 3 nodes),
conditional probabilities with two decimals (path probabilities are exact
products: denominators up to 10^16), targets between 1 and 3, budget
B = 16 n (B = 1024 at 64 requests; the budget binds only there, since
16 x 24 = 384 > 256 ... 64 x 24 = 1536 > 1024).  ``nonmono`` instances use
the same shapes with the f values shuffled across each tree (not path
probabilities: --allow-nonmonotone inputs).  Seeded: the same run prints the
same verdicts.

Every row: variant, size, verdict, seconds, Z3 queries, and whether the value
equals the DP optimum (``=dp``).  Each variant gets ``--timeout`` seconds
(default 20); running out prints INCONCLUSIVE.

    python benchmarks/bench_z3.py            # every variant, a few minutes on 2 cores
    python benchmarks/bench_z3.py --quick    # the default method only, seconds
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from solver.errors import Inconclusive  # noqa: E402
from solver.parse import parse_instance  # noqa: E402
from verify.oracles.dp import optimum  # noqa: E402
from verify.oracles.z3 import encoding as Z  # noqa: E402
from verify.oracles.z3.common import Session, Z3Fault  # noqa: E402
from verify.oracles.z3.counts import INCREMENTS, ONEHOT, PREFIX  # noqa: E402
from verify.oracles.z3.decomposed import Decomposition  # noqa: E402


def beam_tree(rng: random.Random, depth: int = 8, width: int = 3):
    """Parent array and decimal conditionals of a beam-search-like tree (1 + depth *
    width nodes)."""
    parent, f, cond = [-1], [Fraction(1)], [Fraction(1)]
    beam = [0]
    for _ in range(depth):
        cands = []
        for b in beam:
            w = [rng.random() ** 2 for _ in range(width)]
            # mass left to tokens outside the tree
            tot = sum(w) * (1 + rng.random() * 0.3)
            for x in w:
                c = Fraction(int(x / tot * 100), 100)
                cands.append((f[b] * c, b, c))
        cands.sort(key=lambda t: -t[0])
        beam = []
        for fv, b, c in cands[:width]:
            parent.append(b)
            f.append(fv)
            cond.append(c)
            beam.append(len(parent) - 1)
    return parent, cond, f


def beam_instance(
    n: int,
    *,
    seed: int = 1,
    budget: int | None = None,
    charged: bool = False,
    nonmono: bool = False,
):
    rng = random.Random(seed)
    reqs = []
    for i in range(n):
        parent, cond, f = beam_tree(rng)
        target = Fraction(rng.randint(100, 100 + int(min(sum(f) - 1, 2) * 100)), 100)
        req = {"id": f"r{i}", "target": str(target), "parent": parent}
        if nonmono:
            rest = f[1:]
            rng.shuffle(rest)
            req["prob"] = [str(x) for x in [f[0]] + rest]
            req["target"] = "1"
        else:
            req["cond"] = [str(c) for c in cond]
        reqs.append(req)
    if budget is None:
        budget = 16 * n + (n if charged else 0)
    return parse_instance(
        {"budget": budget, "root_charged": charged, "requests": reqs},
        allow_nonmonotone=nonmono,
    )


def row(variant: str, label: str, result: Z.Z3Result, dp) -> None:
    value = (
        result.selection.objective
        if result.selection is not None and result.verdict == Z.OPTIMAL
        else result.value
    )
    agree = "" if value is None or dp is None else ("=dp" if value == dp else "!=dp")
    extra = ", ".join(f"{k}={v}" for k, v in result.stats.items())
    print(
        f"{variant:34s} {label:14s} {result.verdict:12s} {result.seconds:7.2f} s"
        f" {result.queries:6d} q {agree:4s} {extra}",
        flush=True,
    )


def count_claim_only(instance, value, form: str, timeout: float) -> Z.Z3Result:
    """Refutation with every count proved exact and one count claim of ``form`` (no
    stages 2-4)."""
    session = Session(timeout)
    try:
        dec = Decomposition(session, instance)
        better = dec.better_than_by_claim(value, form)
    except Inconclusive as exc:
        return session.result(Z.INCONCLUSIVE, form, reason=str(exc))
    # the envelope relaxation answered sat on counts that are not worth more
    except Z3Fault:
        return session.result("RELAXED-SAT", form)
    return session.result(Z.OPTIMAL if better is None else Z.BETTER, form, value=value)


def tables_only(instance, timeout: float) -> Z.Z3Result:
    """Stage 1 of the issue's sketch alone: every count of every tree proved exact."""
    session = Session(timeout)
    try:
        dec = Decomposition(session, instance)
        for p in dec.provers:
            p.table()
    except Inconclusive as exc:
        return session.result(Z.INCONCLUSIVE, "tables", reason=str(exc))
    return session.result("TABLES", "tables")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--timeout", type=float, default=20.0, help="seconds per variant (default 20)"
    )
    ap.add_argument(
        "--quick", action="store_true", help="the default (decomposed) method only"
    )
    args = ap.parse_args(argv)
    t = args.timeout
    sizes = {n: beam_instance(n) for n in (8, 16, 32, 64)}
    charged = beam_instance(64, charged=True, budget=1024)
    nonmono = {n: beam_instance(n, nonmono=True, seed=0) for n in (16, 64)}
    dp = {
        key: optimum(inst)
        for key, inst in (
            [(n, i) for n, i in sizes.items()]
            + [("c", charged)]
            + [(("nm", n), i) for n, i in nonmono.items()]
        )
    }
    print(f"{'variant':34s} {'size':14s} {'verdict':12s} {'time':>9s} {'queries':>8s}")

    print("# optimum mode (python -m verify solve --solver z3)")
    for n, inst in sizes.items():
        row("decomposed (default)", f"{n}x25", Z.optimize(inst, timeout=t), dp[n])
    row(
        "decomposed (default)", "64x25 charged", Z.optimize(charged, timeout=t), dp["c"]
    )
    for n, inst in nonmono.items():
        row(
            "decomposed (default)",
            f"{n}x25 nonmono",
            Z.optimize(inst, timeout=t),
            dp[("nm", n)],
        )
    if not args.quick:
        for n in (8, 16):
            row(
                "monolithic, greedy seed + loop",
                f"{n}x25",
                Z.optimize(sizes[n], method=Z.MONOLITHIC, timeout=t),
                dp[n],
            )
        row(
            "z3 Optimize (monolithic)",
            "8x25",
            Z.optimize(sizes[8], method=Z.OPTIMIZE, timeout=t),
            dp[8],
        )
        row(
            "monolithic, greedy seed + loop",
            "16x25 nonmono",
            Z.optimize(nonmono[16], method=Z.MONOLITHIC, timeout=t),
            dp[("nm", 16)],
        )

    print(
        "# proof of optimality: refute 'worth more than the DP optimum' (python -m"
        " verify check)"
    )
    for n, inst in sizes.items():
        row("decomposed (default)", f"{n}x25", Z.refute(inst, dp[n], timeout=t), dp[n])
    row(
        "decomposed (default)",
        "64x25 charged",
        Z.refute(charged, dp["c"], timeout=t),
        dp["c"],
    )
    for n, inst in nonmono.items():
        row(
            "decomposed (default)",
            f"{n}x25 nonmono",
            Z.refute(inst, dp[("nm", n)], timeout=t),
            dp[("nm", n)],
        )
    for key, label, inst in (
        (64, "64x25", sizes[64]),
        (("nm", 64), "64x25 nonmono", nonmono[64]),
    ):
        start = time.monotonic()
        verdict = "AGREE" if Z.confirm(inst, dp[key], timeout=t) is None else "DISAGREE"
        print(
            f"{'confirm(DP optimum) for check':34s} {label:14s} {verdict:12s}"
            f" {time.monotonic() - start:7.2f} s",
            flush=True,
        )
    if not args.quick:
        for key, label, inst in (
            (16, "16x25", sizes[16]),
            (64, "64x25", sizes[64]),
            (("nm", 16), "16x25 nonmono", nonmono[16]),
        ):
            row("every count exact (tables only)", label, tables_only(inst, t), None)
            for form in (ONEHOT, PREFIX, INCREMENTS):
                row(
                    f"tables + count claim ({form})",
                    label,
                    count_claim_only(inst, dp[key], form, t),
                    dp[key],
                )
        for n in (16, 32):
            row(
                "monolithic refutation",
                f"{n}x25",
                Z.refute(sizes[n], dp[n], method=Z.MONOLITHIC, timeout=t),
                dp[n],
            )
        row(
            "monolithic refutation",
            "16x25 nonmono",
            Z.refute(nonmono[16], dp[("nm", 16)], method=Z.MONOLITHIC, timeout=t),
            dp[("nm", 16)],
        )
        below = dp[16] - Fraction(1, 10**6)
        row(
            "decomposed, V = optimum - 1e-6",
            "16x25",
            Z.refute(sizes[16], below, timeout=t),
            None,
        )
        row(
            "monolithic, V = optimum - 1e-6",
            "16x25",
            Z.refute(sizes[16], below, method=Z.MONOLITHIC, timeout=t),
            None,
        )


if __name__ == "__main__":
    start = time.monotonic()
    main()
    print(f"# total {time.monotonic() - start:.1f} s")

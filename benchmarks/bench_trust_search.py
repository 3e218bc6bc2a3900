"""Issue 20, parts 3-6: the planted selectors of tests/quality/planted.py that
test-solver must now catch (or pass) in a full default run, over several seeds.

For each case and seed this runs ``python -m verify test-solver
tests.quality.planted:NAME --seed S [flags]`` as a user would (a fresh process,
``--jobs`` workers) and prints:

* exit code, and whether the expected outcome came up (per case below);
* time to the first counterexample line on stderr (the progress line ``[ i/9] PROP:
  counterexample``, printed when that property has finished, in table order), from the
  start of the process;
* the whole run's wall time (goal: <= 30 s on a quiet 2-core machine).

Cases (the outcome each must get):

``roots_always_free``             ignores root_charged; default run: over budget on a
                                  roots-charged instance
``float32_target``                target test in float32; a wrong INVALID whose cause
                                  names the float32 sum
``float32_target --precision``    the same with ``--precision float32``
``capped_float_target``           per-request cap + double target test: two
                                  target-missed findings on THM-P2, causes ``float
                                  sum`` and ``stopped early``
``best_effort --best-effort``     correct best-effort selector: exit 0
``best_effort``                   the same, undeclared: a target-missed finding

Usage::

    python benchmarks/bench_trust_search.py [--seeds 5] [--jobs 2] [--only NAME,...]

Timings depend on the machine and its load (``uptime`` is printed first).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# one way to time a test-solver run and its first line
from bench_first_finding import timed_test_solver  # noqa: E402


def _roots(out: str, err: str, code: int) -> bool:
    return (
        code == 1
        and re.search(
            r"smallest: B=\d+ roots charged .*\n\s+fails:\s+(answer infeasible:"
            r" )?budget",
            out,
        )
        is not None
    )


def _float32(out: str, err: str, code: int) -> bool:
    return (
        code == 1
        and re.search(
            r"cause:\s+request '[^']+': adding f .* (never|\d+ node\(s\)) in float32",
            out,
        )
        is not None
    )


def _float32_thm_p1(out: str, err: str, code: int) -> bool:
    return (
        _float32(out, err, code)
        and re.search(r"^THM-P1 .* counterexample", out, re.M) is not None
    )


def _two_causes(out: str, err: str, code: int) -> bool:
    block = out[out.find("\nTHM-P2") :]
    block = block[: block.find("\nLEM-C1")]
    return (
        code == 1
        and "target missed (rule: target, cause: float sum)" in block
        and "target missed (rule: target, cause: stopped early)" in block
    )


def _passes(out: str, err: str, code: int) -> bool:
    return code == 0


def _target_missed(out: str, err: str, code: int) -> bool:
    block = out[out.find("\nRULE-TARGET") :]
    return (
        code == 1
        and re.search(r"^RULE-TARGET .* counterexample", block[1:], re.M) is not None
    )


CASES = [
    ("roots_always_free", [], _roots),
    ("float32_target", [], _float32),
    ("float32_target", ["--precision", "float32"], _float32_thm_p1),
    ("capped_float_target", [], _two_causes),
    ("best_effort", ["--best-effort"], _passes),
    ("best_effort", [], _target_missed),
]


def run_one(name: str, flags: list[str], seed: int, jobs: int) -> dict:
    return timed_test_solver(
        ROOT,
        [f"tests.quality.planted:{name}", "--seed", str(seed), "--jobs", str(jobs)]
        + flags,
        lambda line: ": counterexample (" in line,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="comma-separated planted names")
    args = ap.parse_args()
    print(
        "load:",
        subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    )
    head = (
        "planted selector",
        "flags",
        "expected outcome (of seeds)",
        "exit codes",
        "1st counterexample (max)",
        "whole run (max)",
    )
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    for name, flags, ok in CASES:
        if args.only and name not in args.only.split(","):
            continue
        runs = [run_one(name, flags, seed, args.jobs) for seed in range(args.seeds)]
        good = sum(bool(ok(r["out"], r["err"], r["code"])) for r in runs)
        firsts = [r["first"] for r in runs if r["first"] is not None]
        cells = (
            name,
            " ".join(flags) or "-",
            f"{good} of {len(runs)}",
            ",".join(str(r["code"]) for r in runs),
            f"{max(firsts):.1f} s" if firsts else "-",
            f"{max(r['total'] for r in runs):.1f} s",
        )
        print(" | ".join(cells), flush=True)
        for seed, r in enumerate(runs):
            if not ok(r["out"], r["err"], r["code"]):
                print(
                    f"    seed {seed}: unexpected outcome (exit {r['code']}):\n"
                    + "\n".join("      " + x for x in r["out"].splitlines()[-25:])
                )


if __name__ == "__main__":
    main()

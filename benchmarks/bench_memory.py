"""Benchmark of time and peak memory of the exact judge on large inputs (issue 15 part
2, issue 16 item 3).

Each case writes an instance and a selection to a temporary directory and runs
``python -m verify check --no-z3`` (or ``solve --solver dp``) in a fresh child
process, which reports its own peak resident set size (``ru_maxrss``); the
wall time includes starting Python and parsing the files.  The selection is a
rooted breadth-first prefix of each tree (feasible, usually suboptimal), so
the judge must establish the optimum.

Cases: an 8,000-node path (issue 16: 1.34 GB before), 100,000-node path and
star, 10,000 requests x 10 nodes (issue 16: 8.3 GB before), and non-monotone
100,000-node path and random tree (``--allow-nonmonotone``: the tree
knapsack).  With ``--old`` the quadratic DP (tests/common/dp_quadratic.py)
runs on the cases small enough for it, for comparison.

Goal: a 100,000-node tree judged within 60 s and 1 GB.

Run:  python benchmarks/bench_memory.py [--old] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)


def _bfs_prefix(parent: list[int], k: int) -> list[int]:
    kids: list[list[int]] = [[] for _ in parent]
    root = parent.index(-1)
    for v, p in enumerate(parent):
        if p != -1:
            kids[p].append(v)
    out = [root]
    for v in out:
        if len(out) > k:
            break
        out.extend(kids[v])
    return sorted(out[: k + 1])


def _decimals(rng: random.Random, n: int) -> list[str]:
    return [f"0.{rng.randint(1, 99):02d}" for _ in range(n)]


def case(name: str, rng: random.Random):
    """(instance dict, selection dict, allow_nonmonotone)."""
    reqs, nonmono = [], False
    if name == "path-8000":
        n = 8000
        reqs = [
            {
                "id": "a",
                "target": 2,
                "parent": [-1] + list(range(n - 1)),
                "prob": [f"{n - i}/{n}" for i in range(n)],
            }
        ]
    elif name == "path-100000":
        n = 100_000
        reqs = [
            {
                "id": "a",
                "target": 2,
                "parent": [-1] + list(range(n - 1)),
                "prob": [f"{n - i}/{n}" for i in range(n)],
            }
        ]
    elif name == "star-100000":
        n = 100_000
        reqs = [
            {
                "id": "a",
                "target": 2,
                "parent": [-1] + [0] * (n - 1),
                "prob": ["1"] + _decimals(rng, n - 1),
            }
        ]
    elif name == "requests-10000x10":
        for i in range(10_000):
            parent = [-1] + [rng.randrange(j) for j in range(1, 10)]
            cond = ["1"] + _decimals(rng, 9)
            reqs.append({"id": f"r{i}", "target": "1", "parent": parent, "cond": cond})
    elif name == "nonmonotone-path-100000":
        n, nonmono = 100_000, True
        reqs = [
            {
                "id": "a",
                "target": 2,
                "parent": [-1] + list(range(n - 1)),
                "prob": ["1"] + _decimals(rng, n - 1),
            }
        ]
    elif name == "nonmonotone-tree-100000":
        n, nonmono = 100_000, True
        parent = [-1] + [rng.randrange(max(0, j - 5), j) for j in range(1, n)]
        reqs = [
            {
                "id": "a",
                "target": 2,
                "parent": parent,
                "prob": ["1"] + _decimals(rng, n - 1),
            }
        ]
    else:
        raise SystemExit(f"unknown case {name}")
    nodes = sum(len(r["parent"]) for r in reqs)
    budget = nodes // 2 - len(reqs) // 2
    per = budget // len(reqs)
    sel = {
        "status": "OK",
        "selected": {r["id"]: _bfs_prefix(r["parent"], per) for r in reqs},
    }
    # the reference greedy's answer with one request's last node dropped (suboptimal)
    if len(reqs) > 1:
        from solver.parse import parse_instance
        from solver.reference import solve_reference

        answer = solve_reference(parse_instance({"budget": budget, "requests": reqs}))
        sel = answer.to_json()
        sel.pop("certificate", None)
        sel.pop("objective", None)
        if answer.ok:
            rid = max(sel["selected"], key=lambda r: len(sel["selected"][r]))
            sel["selected"][rid] = sel["selected"][rid][:-1]
    return {"budget": budget, "requests": reqs}, sel, nonmono


CASES = (
    "path-8000",
    "path-100000",
    "star-100000",
    "requests-10000x10",
    "nonmonotone-path-100000",
    "nonmonotone-tree-100000",
)
OLD_CASES = ("path-8000",)


def child(argv: list[str]) -> int:
    """Run one command in this process; report the peak RSS on the last line of
    stderr."""
    if argv[0] == "--old-dp":
        from solver.parse import load_instance
        from tests.common.dp_quadratic import solve_dp

        sel = solve_dp(load_instance(argv[1], allow_nonmonotone=True))
        print(sel.status, sel.objective)
        code = 0
    else:
        from verify.commands.cli import main

        code = main(argv)
    sys.stdout.flush()
    print(f"RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
    return code


def run(args: list[str], timeout: float) -> tuple[float, int, str, int | None]:
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--child", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": ROOT},
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, -1, "timeout", None
    seconds = time.perf_counter() - t0
    rss = None
    for line in proc.stderr.splitlines():
        if line.startswith("RSS "):
            rss = int(line.split()[1])  # KiB on Linux
    return (
        seconds,
        proc.returncode,
        (proc.stdout.strip().splitlines() or [""])[-1][:70],
        rss,
    )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--old", action="store_true", help="also run the quadratic DP where it fits"
    )
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args(argv)
    names = [x for x in (args.only.split(",") if args.only else CASES) if x]
    rng = random.Random(15)
    print(
        f"judge memory benchmark ({os.cpu_count()} cores); wall time includes Python"
        " start-up and parsing"
    )
    print(
        f"{'case':26s} {'command':26s} {'wall':>8s} {'peak RSS':>10s} {'exit':>4s} "
        " output"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            inst, sel, nonmono = case(name, rng)
            ipath, spath = (
                os.path.join(tmp, f"{name}.json"),
                os.path.join(tmp, f"{name}-sel.json"),
            )
            with open(ipath, "w") as fh:
                json.dump(inst, fh)
            with open(spath, "w") as fh:
                json.dump(sel, fh)
            flags = ["--allow-nonmonotone"] if nonmono else []
            commands = [
                ("check --no-z3", ["check", "--no-z3", ipath, spath, *flags]),
                ("solve --solver dp", ["solve", "--solver", "dp", ipath, *flags]),
            ]
            if args.old and name in OLD_CASES:
                commands.append(("quadratic DP (old)", ["--old-dp", ipath]))
            for label, cmd in commands:
                seconds, code, out, rss = run(cmd, args.timeout)
                mem = "-" if rss is None else f"{rss / 1024:7.0f} MB"
                print(
                    f"{name:26s} {label:26s} {seconds:7.1f}s {mem:>10s} {code:>4d} "
                    f" {out}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

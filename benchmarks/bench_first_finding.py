"""Time to the first printed finding, and the whole default run, per planted bug
(issue 20, Measure): old code and new side by side, in one run.

For every planted-bug selector of tests/quality/planted.py (and the correct one)
this runs the command a user runs, as a fresh process, with the default options
(profile quick, ``--jobs`` = cores, the given seed):

    python -m verify test-solver tests.quality.planted:NAME --seed S

and prints, per code tree and seed, the exit code, the seconds from the start of
the process to the first finding on stderr, and the whole run's wall time.  The
new code prints each confirmed finding the moment it is confirmed
(``[3.1 s] finding: ...``); the old code prints a property's progress line
(``[ i/9] PROP: counterexample``) once that property has ended, in table order,
so for it the first such line is its first printed finding.

The old code is another checkout (``--old DIR``, e.g. a ``git worktree`` of the
commit before issue 20).  The old code drew roots free only, so it is told
``--root-charged`` for ``roots_always_free`` (the convention under which that
bug shows); the new code draws both conventions by default and gets no flag.

Goals (a quiet 2-core machine): first finding <= 10 s, whole run <= 30 s.

    python benchmarks/bench_first_finding.py [--old DIR] [--seeds 0,1] [--only NAME,...]

The machine's load changes the times (``uptime`` is printed at the start and the
end); the exit codes do not.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# the same planted bugs, in the same order, as the time-to-verdict benchmark
from bench_time_to_verdict import BUGS, CORRECT  # noqa: E402

OLD_OPTIONS = {"roots_always_free": ["--root-charged"]}
NEW_FINDING = re.compile(r"^\[\s*\d+(\.\d+)? s\] finding")
OLD_FINDING = re.compile(r"^\[\s*\d+/\d+\] .*counterexample")


def timed_test_solver(tree: str, args: list[str], first_line: Callable) -> dict:
    """``python -m verify test-solver ARGS`` run from ``tree`` (and with it on
    PYTHONPATH): its exit code, stdout, stderr, the seconds to the first stderr
    line for which ``first_line`` is true (None if none was) and the whole run's."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "verify", "test-solver", *args],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": tree},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first: list[float] = []
    err: list[str] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            err.append(line)
            if not first and first_line(line):
                first.append(time.perf_counter() - start)

    reader = threading.Thread(target=read_stderr)
    reader.start()
    assert proc.stdout is not None
    out = proc.stdout.read()
    code = proc.wait()
    reader.join()
    return {
        "code": code,
        "out": out,
        "err": "".join(err),
        "first": first[0] if first else None,
        "total": time.perf_counter() - start,
    }


def run_one(tree: str, name: str, seed: int, flags: list[str]) -> dict:
    return timed_test_solver(
        tree,
        [f"tests.quality.planted:{name}", "--seed", str(seed), *flags],
        lambda line: bool(NEW_FINDING.match(line) or OLD_FINDING.match(line)),
    )


def cell(result: dict) -> str:
    first = "-" if result["first"] is None else f"{result['first']:.1f} s"
    return f"{result['code']} / {first} / {result['total']:.1f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", help="a checkout of the old code")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--only", help="comma-separated selector names")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else BUGS + [CORRECT]
    seeds = [int(s) for s in args.seeds.split(",")]
    trees = [("new", ROOT, {})] + ([("old", args.old, OLD_OPTIONS)] if args.old else [])
    print(f"load average at start: {os.getloadavg()}")
    head = ["selector"] + [
        f"{label} (exit / first finding / whole run), seed {s}"
        for s in seeds
        for label, _, _ in trees
    ]
    print(" | ".join(head))
    print("|".join("---" for _ in head))
    worst = {label: [0.0, 0.0] for label, _, _ in trees}
    for name in names:
        cells = [name]
        for seed in seeds:
            for label, tree, options in trees:
                result = run_one(tree, name, seed, options.get(name, []))
                cells.append(cell(result))
                if name != CORRECT:
                    first = (
                        result["first"] if result["first"] is not None else float("inf")
                    )
                    worst[label][0] = max(worst[label][0], first)
                worst[label][1] = max(worst[label][1], result["total"])
        print(" | ".join(cells), flush=True)
    for label, (first, whole) in worst.items():
        print(
            f"{label}: slowest first finding {first:.1f} s (goal 10 s), "
            f"slowest whole run {whole:.1f} s (goal 30 s)"
        )
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

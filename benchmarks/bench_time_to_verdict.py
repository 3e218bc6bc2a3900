"""Time to verdict of ``python -m verify test-solver`` per planted bug (issue 15 part
4).

For every planted-bug solver of tests/quality/planted.py (and the correct one) this
runs the command a user runs, as a fresh process, and measures its wall time from
start to exit (interpreter start, every applicable property, the verdict table):

    python -m verify test-solver tests.quality.planted:NAME [--root-charged] --jobs J

for J = 1 (the properties one after the other, as before) and J = the number of
cores (the default), and once more with ``--report-dir`` (reports and pictures
drawn after the search).  Beside each wall time it prints the CPU seconds of
the process tree: on a shared machine the wall time grows with the load, the
CPU time does not.  It checks the exit code (1 for every planted bug, 0 for
``correct_other_ties``) and prints the goals: every planted bug within 10 s, the
correct selector's default run within 15 s (2 cores).  It also checks that
the drawing library (Pillow; matplotlib before the pictures were drawn by hand) is
not imported when no picture is drawn (``python -X importtime``).

Usage::

    python benchmarks/bench_time_to_verdict.py [--only NAME,...] [--no-reports]

The machine's load changes the times; the exit codes do not.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from verify.run.pool import cpu_count  # noqa: E402

BUGS = [
    "budget_ge0",
    "gettop_all",
    "float_target",
    "no_slo",
    "no_throughput",
    "strict_target",
    "roots_always_free",
    "never_invalid",
    "invalid_when_tight",
    "by_conditional",
    "one_based_nodes",
    "index_error_on_wide",
]
CORRECT = "correct_other_ties"
# the convention under which the bug shows
OPTIONS = {"roots_always_free": ["--root-charged"]}


CPU = [0.0]  # CPU seconds (user + system) of the last run's process tree


def timed(args: list[str]) -> tuple[float, int, str]:
    env = dict(
        os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc.returncode, proc.stdout + proc.stderr


def run(name: str, jobs: int, report_dir: str | None = None) -> tuple[float, int]:
    args = [
        "-m",
        "verify",
        "test-solver",
        f"tests.quality.planted:{name}",
        *OPTIONS.get(name, []),
        "--jobs",
        str(jobs),
    ] + (["--report-dir", report_dir] if report_dir else [])
    seconds, code, _ = timed(args)
    return seconds, code


def matplotlib_imported_without_reports() -> bool:
    _, _, text = timed(
        [
            "-X",
            "importtime",
            "-m",
            "verify",
            "test-solver",
            "tests.quality.planted:budget_ge0",
            "--examples",
            "5",
            "--claims",
            "RULE-BUDGET",
        ]
    )
    return "matplotlib" in text or "PIL." in text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated solver names")
    ap.add_argument(
        "--no-reports", action="store_true", help="skip the --report-dir column"
    )
    args = ap.parse_args()
    names = args.only.split(",") if args.only else BUGS + [CORRECT]
    cores = cpu_count()
    print(
        "test-solver time to verdict, profile quick (300 examples per property), seed"
        f" 0; {cores} cores; load average {os.getloadavg()[0]:.2f} at start"
    )
    head = [
        "solver",
        "exit",
        "--jobs 1 (wall / CPU)",
        f"--jobs {cores}, the default (wall / CPU)",
        "speed-up",
    ]
    if not args.no_reports:
        head.append("default + --report-dir")
    head.append("goal")
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    worst_bug, ok = 0.0, True
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            one, code1 = run(name, 1)
            cpu1 = CPU[0]
            many, code = run(name, cores)
            cpu = CPU[0]
            want = 0 if name == CORRECT else 1
            goal = 15.0 if name == CORRECT else 10.0
            cells = [
                name,
                str(code) + ("" if code == code1 == want else f" (WRONG, want {want})"),
                f"{one:.1f} s / {cpu1:.1f} s",
                f"{many:.1f} s / {cpu:.1f} s",
                f"{one / many:.2f}x",
            ]
            if not args.no_reports:
                rep, code_r = run(name, cores, os.path.join(tmp, name))
                cells.append(
                    f"{rep:.1f} s" + ("" if code_r == want else f" (exit {code_r})")
                )
            met = many <= goal and code == want
            ok &= met
            cells.append(f"<= {goal:.0f} s: {'met' if met else 'MISSED'}")
            if name != CORRECT:
                worst_bug = max(worst_bug, many)
            print(" | ".join(cells), flush=True)
    print(f"slowest planted bug with the default --jobs: {worst_bug:.1f} s (goal 10 s)")
    print(
        "Pillow or matplotlib imported without --report-dir:"
        f" {'YES (wrong)' if matplotlib_imported_without_reports() else 'no'}"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

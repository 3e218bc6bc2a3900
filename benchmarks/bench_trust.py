"""Findings you can trust (issue 20 parts 1, 2, 7): the planted selectors of
tests/quality/planted_trust.py, each over several seeds, on the machine as it is and
again with two busy-loop processes, old code and new side by side.

    python benchmarks/bench_trust.py [--seeds 5] [--old /work/main] [--old-seeds 2]
    [--cap 120] python benchmarks/bench_trust.py --overhead 3 [--old /work/main]

Per planted selector and load: *false alarms* (findings that are not its defect: a
timeout of the slow first call, findings of a correct twin, a program that cannot
start counted as findings), *found* (seeds on which its defect was reported, or, for
the setup errors, on which the run ended with exit 2 and one line), *first finding*
(seconds from the start of the command to the first printed finding: new code prints
each confirmed finding at once, ``[12.3 s] finding: ...``; old code prints a property's
line when it ends), and the exit codes.  ``--overhead N``: a full default run of
``tests.quality.planted:correct_other_ties`` (9 properties, quick profile), N times
old and new alternately: the cost of selector workers and confirmation on a correct
selector.  The old code is another checkout (``--old``, default /work/main); the
planted module is copied to a temporary folder so both import the same selectors.
Runs longer than ``--cap`` seconds are stopped and counted as such.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# name, test-solver arguments, what its defect looks like (a finding kind, or "exit 2"),
# env
CASES = [
    (
        "slow_first_orphan",
        [
            "planted_trust:slow_first_orphan",
            "--timeout",
            "1",
            "--claims",
            "APP-B/ties,RULE-BUDGET",
        ],
        "not rooted",
        {"PLANTED_LOAD_SECONDS": "2"},
    ),
    (
        "slow_first_correct",
        [
            "planted_trust:slow_first_correct",
            "--timeout",
            "1",
            "--claims",
            "APP-B/ties,RULE-BUDGET",
        ],
        None,
        {"PLANTED_LOAD_SECONDS": "2"},
    ),
    (
        "random_ties_orphan",
        ["planted_trust:random_ties_orphan", "--claims", "APP-B/ties"],
        "not rooted",
        {},
    ),
    (
        "cannot_start (--cmd)",
        ["--cmd", f"{PY} -m planted_trust cannot_start", "--examples", "20"],
        "exit 2",
        {},
    ),
    (
        "jsonl stray line",
        ["--cmd", f"{PY} -m planted_trust jsonl_stray", "--jsonl", "--examples", "20"],
        "exit 2",
        {},
    ),
]
FINDING_NEW = re.compile(r"^\[(\d+\.\d+) s\] finding: [^:]+: (.+?) \(rule")
KIND_ROW = re.compile(r"^\s+(?:finding \d+ of \d+: (.+?) \(rule|fails:\s+(.*))")


def run_once(
    root: str, extra_path: str, args: list[str], env_extra: dict, cap: float
) -> dict:
    env = dict(os.environ, PYTHONPATH=f"{root}{os.pathsep}{extra_path}", **env_extra)
    start = time.monotonic()
    proc = subprocess.Popen(
        [PY, "-m", "verify", "test-solver", *args],
        cwd=root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = None
    err_lines = []
    os.set_blocking(proc.stderr.fileno(), False)
    buf = ""
    capped = False
    while proc.poll() is None:
        if time.monotonic() - start > cap:
            proc.kill()
            capped = True
            break
        try:
            chunk = proc.stderr.read()
        except (BlockingIOError, TypeError):
            chunk = None
        if chunk:
            buf += chunk
            *lines, buf = buf.split("\n")
            for line in lines:
                err_lines.append(line)
                if first is None and (
                    FINDING_NEW.match(line) or ": counterexample (" in line
                ):
                    first = time.monotonic() - start
        time.sleep(0.05)
    out, rest = proc.communicate()
    err_lines += (buf + (rest or "")).split("\n")
    if first is None and any(
        ": counterexample (" in x or FINDING_NEW.match(x) for x in err_lines
    ):
        first = time.monotonic() - start
    return {
        "code": None if capped else proc.returncode,
        "seconds": time.monotonic() - start,
        "first": first,
        "stdout": out or "",
        "stderr": "\n".join(err_lines),
        "capped": capped,
    }


def kinds(result: dict) -> list[str]:
    """The kinds of the findings in the table (the first row of each), from the
    stdout."""
    out = []
    lines = result["stdout"].splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^\s+finding \d+ of \d+: (.+?) \(rule", line)
        if m:
            out.append(m.group(1))
        elif (
            re.match(r"^\S+\s+.*\scounterexample\s", line)
            and i + 2 < len(lines)
            and lines[i + 1].strip().startswith("smallest:")
        ):
            cond = lines[i + 2].split("fails:", 1)[-1].strip()
            out.append(_kind_of(cond))
    return out


def _kind_of(condition: str) -> str:
    if "without its parent" in condition:
        return "not rooted"
    if "timeout" in condition:
        return "timeout"
    if condition.startswith("budget"):
        return "over budget"
    return condition[:40]


def judge(result: dict, defect) -> tuple[int, bool]:
    """(false alarms, found) of one run."""
    if result["capped"]:  # what it had reported by then
        shown = sum(
            ": counterexample (" in x or bool(FINDING_NEW.match(x))
            for x in result["stderr"].splitlines()
        )
        return (shown if defect in (None, "exit 2") else 0), False
    if defect == "exit 2":
        lines = [x for x in result["stderr"].splitlines() if x.startswith("error:")]
        ok = result["code"] == 2 and len(lines) == 1
        return (0 if result["code"] != 1 else max(1, len(kinds(result)))), ok
    ks = kinds(result)
    false = sum(1 for k in ks if k != defect)
    return false, defect is not None and defect in ks


def busy(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([PY, "-c", "while True: pass"]) for _ in range(n)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--old", default="/work/main")
    ap.add_argument(
        "--old-seeds",
        type=int,
        default=2,
        help="seeds for the old code (its runs are long)",
    )
    ap.add_argument("--cap", type=float, default=120.0)
    ap.add_argument("--overhead", type=int, default=0)
    ap.add_argument(
        "--cases", default=None, help="comma-separated case names (default all)"
    )
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="bench-trust-")
    shutil.copy(
        ROOT / "tests" / "quality" / "planted_trust.py",
        os.path.join(tmp, "planted_trust.py"),
    )
    print(f"uptime: {os.getloadavg()}; {os.cpu_count()} cores")
    if args.overhead:
        for k in range(args.overhead):
            for label, root in (("old", args.old), ("new", str(ROOT))):
                r = run_once(
                    root, tmp, ["tests.quality.planted:correct_other_ties"], {}, 1200
                )
                print(
                    f"overhead run {k + 1} {label}: exit {r['code']} in"
                    f" {r['seconds']:.1f} s (load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        return 0
    wanted = set(args.cases.split(",")) if args.cases else None
    print(
        "| planted | load | code | runs | false alarms | found | first finding (max) |"
        " exit codes | time (max) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, cli, defect, env in CASES:
        if wanted and name not in wanted:
            continue
        for load in ("as is", "2 busy loops"):
            hogs = busy(2) if load != "as is" else []
            try:
                for label, root, seeds in (
                    ("old", args.old, args.old_seeds),
                    ("new", str(ROOT), args.seeds),
                ):
                    if not seeds:
                        continue
                    false = found = 0
                    firsts, codes, times = [], [], []
                    for s in range(seeds):
                        r = run_once(root, tmp, [*cli, "--seed", str(s)], env, args.cap)
                        f, ok = judge(r, defect)
                        false += f
                        found += ok
                        codes.append("cap" if r["capped"] else str(r["code"]))
                        times.append(r["seconds"])
                        if r["first"] is not None:
                            firsts.append(r["first"])
                    first = f"{max(firsts):.1f} s" if firsts else "–"
                    print(
                        f"| {name} | {load} | {label} | {seeds} | {false} |"
                        f" {found if defect else '–'} of {seeds} | {first} |"
                        f" {' '.join(codes)} | {max(times):.1f} s |",
                        flush=True,
                    )
            finally:
                for h in hogs:
                    h.kill()
                    h.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

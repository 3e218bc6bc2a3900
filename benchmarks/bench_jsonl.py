"""``--cmd`` one process per call against ``--cmd ... --jsonl`` (issue 11 part 7; issue
16 containment).

    python benchmarks/bench_jsonl.py            # both parts (2 minutes on 2 cores)
    python benchmarks/bench_jsonl.py --quick    # part 1 only

Part 1, calls per second on one small instance, three ways: a bare ``subprocess.run``
(no containment, the floor), the contained one-process-per-call adapter (own session,
deadline, output cap, a sweep of everything the program started after each call) and
``--jsonl`` (one program for all calls).  The solver is
``examples/selectors/eagle_topk_cmd.py`` (a few milliseconds of work per instance).

Part 2, the issue's goal: ``python -m verify test-solver`` with the default profile
(quick: 300 examples per property, every property, no restriction) against a correct
selector that takes 1 s to start (it sleeps, as an ``import torch`` would), in
``--jsonl`` mode; wall time, exit code, how many calls it answered and how often it was
started, and what one process per call would have cost (calls x (1 s + measured per-call
overhead)).  With ``--serve`` this file *is* that selector: the reference greedy over
JSON lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = [sys.executable, str(ROOT / "examples" / "selectors" / "eagle_topk_cmd.py")]
INSTANCE = {
    "budget": 2,
    "root_charged": False,
    "requests": [
        {
            "id": "r0",
            "target": "1",
            "parent": [-1, 0, 0, 1],
            "prob": ["1", "7/10", "1/5", "21/50"],
        }
    ],
}


def serve(startup: float) -> int:
    """The benchmark's selector: 1 s start-up, then the reference greedy on every
    line."""
    time.sleep(startup)
    from solver.parse import parse_instance
    from solver.reference import solve_reference

    answered = 0
    for line in sys.stdin:
        print(solve_reference(parse_instance(json.loads(line))).dumps(), flush=True)
        answered += 1
    log = os.environ.get("BENCH_JSONL_LOG")
    if log:
        with open(log, "a") as fh:
            fh.write(f"{answered}\n")
    return 0


def calls_per_second() -> dict:
    from solver.parse import parse_instance
    from verify.subject.adapters import LineSolver, adapt_command

    inst = parse_instance(INSTANCE)
    text = json.dumps(inst.to_json())
    out = {}
    n = 30
    t = time.perf_counter()
    for _ in range(n):
        subprocess.run(EXAMPLE, input=text, capture_output=True, text=True, check=True)
    out["bare subprocess.run (no containment)"] = n / (time.perf_counter() - t)
    solve = adapt_command(EXAMPLE, 30)
    t = time.perf_counter()
    for _ in range(n):
        assert solve(inst).ok
    out["--cmd, one process per call (contained)"] = n / (time.perf_counter() - t)
    line = LineSolver(EXAMPLE + ["--jsonl"], 30)
    assert line(inst).ok  # started: the start-up is not part of the rate
    n = 3000
    t = time.perf_counter()
    for _ in range(n):
        assert line(inst).ok
    out["--cmd ... --jsonl, one process"] = n / (time.perf_counter() - t)
    line.close()
    return out


def default_run(startup: float = 1.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "answered")
        env = dict(os.environ, BENCH_JSONL_LOG=log, PYTHONPATH=str(ROOT))
        cmd = (
            f"{sys.executable} {Path(__file__).resolve()} --serve --startup {startup:g}"
        )
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "verify", "test-solver", "--cmd", cmd, "--jsonl"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        seconds = time.perf_counter() - t
        starts = open(log).read().split() if os.path.exists(log) else []
    return {
        "seconds": seconds,
        "exit": proc.returncode,
        "calls": sum(map(int, starts)),
        "starts": len(starts),
        "result": (
            proc.stdout.strip().splitlines()[-1]
            if proc.stdout.strip()
            else proc.stderr[-300:]
        ),
    }


def main() -> int:
    if "--serve" in sys.argv:
        i = sys.argv.index("--startup") if "--startup" in sys.argv else -1
        return serve(float(sys.argv[i + 1]) if i >= 0 else 0.0)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; load"
        f" {os.getloadavg()[0]:.2f} (the machine may be shared: figures are noisy)"
    )
    rates = calls_per_second()
    print("\npart 1: calls per second, one small instance")
    for what, rate in rates.items():
        print(f"  {what:<42} {rate:8.1f} calls/s")
    per_call = 1 / rates["--cmd, one process per call (contained)"]
    print(
        f"  --jsonl is {rates['--cmd ... --jsonl, one process'] * per_call:.0f}x one"
        " process per call"
    )
    if "--quick" in sys.argv:
        return 0
    print(
        "\npart 2: test-solver, default profile, a correct selector with 1 s start-up,"
        " --jsonl"
    )
    r = default_run(1.0)
    print(
        f"  wall time {r['seconds']:.1f} s, exit {r['exit']}; {r['calls']} calls"
        f" answered by {r['starts']} start(s)"
    )
    print(f"  {r['result']}")
    print(
        "  one process per call would take about"
        f" {r['calls'] * (1.0 + per_call) / 60:.0f} min ({r['calls']} x (1 s +"
        f" {per_call * 1000:.0f} ms))"
    )
    print(
        "  goal (within 2 minutes on 2 cores):"
        f" {'met' if r['seconds'] <= 120 and r['exit'] == 0 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the numeric core (solver/scaled.py, issue 25): Fraction path and scaled
path side by side.

One run times the same work on the same inputs twice: on the Fraction path
(``numbers="fraction"``, the reference arithmetic, as before issue 25) and on
the scaled path (``"auto"``: ints over the instance's common denominator).
Each timed call starts from a fresh instance cache, so building the scaled
values is included.

* reference greedy (``solve_reference``, certificate included), the judge
  without Z3 (``judge``: DP, certificate, its check, feasibility) and the
  certificate check alone (``certificate_problems`` on the greedy's answer), at
  64, 256 and 1,024 requests x 25 nodes (benchmarks/bench_dp.py's beam trees,
  B = 16 per request), with the growth exponent from 64 to 1,024 requests
  (``log(t1024 / t64) / log 16``; 1 is linear);
* where one ``audit`` line's time goes (JSON, validation, judging, the
  record's JSON), and ``audit`` iterations/s at 64 x 25
  (benchmarks/bench_audit.py's trace) with 1 job and with ``--jobs`` jobs, in
  a fresh process; on the Fraction path the common denominator is made to
  exceed the scaling limit (the documented fallback), so the rest of the code
  is the same; with ``--old-tree DIR`` also the code before issue 25;
* ``check --no-z3`` on a 100,000-node path and a non-monotone 100,000-node tree
  (benchmarks/bench_memory.py's cases), wall time and peak RSS, now and (with
  ``--old-tree``) before: on the non-monotone tree the DP already ran on
  scaled ints before issue 25, and the Fraction path would not vectorise.

On a shared, busy machine ``--cpu`` measures CPU time instead of wall time
(``time.process_time`` in process; user + system time of the fresh processes,
where ``audit --jobs 2`` counts both workers: its rate is then per CPU second).

Every pair of results is compared (answers' JSON, verdicts' text); a difference
prints MISMATCH.  Goals (issue 25): at 1,024 requests the greedy <= 60 ms and the
judge <= 50 ms; audit >= 300 iterations/s at 64 x 25 with one job.

With ``--base-tree DIR`` (a second checkout, e.g. a worktree of the commit a change
started from) every table also shows that tree's scaled path ("base"), run in a
fresh process on the same inputs, and its outputs are compared too.

Run:  python benchmarks/bench_numeric.py [--runs 5] [--sizes 64,256,1024]
          [--iterations 200] [--jobs 2] [--skip-audit] [--skip-large] [--old-tree DIR]
          [--base-tree DIR] [--cpu]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_dp import build  # noqa: E402
from in_tree import run_in_tree  # noqa: E402

from solver import scaled  # noqa: E402
from solver.parse import parse_instance  # noqa: E402
from solver.reference import solve_reference  # noqa: E402
from solver.selection import Selection  # noqa: E402
from verify.checks.certificate import certificate_problems  # noqa: E402
from verify.checks.judge import judge  # noqa: E402

PATHS = ("fraction", "auto")


def _fresh(instance):
    # time the scaled values' construction too
    instance.__dict__.pop(scaled._CACHE, None)
    return instance


# --cpu: time.process_time (what one free core would take on a busy machine)
CLOCK = time.perf_counter
# Fresh processes read cached bytecode, as an installed package does (Python's
# default); --no-bytecode-cache compiles every module from source in each one.
BYTECODE_CACHE = True
_HERE = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = CLOCK()
        out = fn()
        times.append(CLOCK() - t0)
    return statistics.median(times), out


def _ms(x: float) -> str:
    return f"{x * 1e3:9.1f} ms"


_BASE_CHILD = """
import json, statistics, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + '/benchmarks']
from bench_dp import build
from solver import scaled
from solver.parse import parse_instance
from solver.reference import solve_reference
from solver.selection import Selection
from verify.checks.certificate import certificate_problems
from verify.checks.judge import judge
clock = time.process_time if sys.argv[5] == 'cpu' else time.perf_counter
def fresh(inst):
    inst.__dict__.pop(scaled._CACHE, None)
    return inst
def timed(fn, runs):
    times = []
    for _ in range(runs):
        t0 = clock(); out = fn(); times.append(clock() - t0)
    return statistics.median(times), out
out = {}
for n in map(int, sys.argv[2].split(',')):
    inst = build(n, 16 * n, False, int(sys.argv[4]))
    runs = int(sys.argv[3])
    t_g, sel = timed(lambda: solve_reference(fresh(inst), 'auto'), runs)
    plain = Selection(sel.status, sel.selected, sel.objective, sel.reason)
    t_j, v = timed(
        lambda: judge(fresh(inst), plain, use_z3=False, numbers='auto'), runs)
    t_c, p = timed(lambda: certificate_problems(fresh(inst), sel, 'auto'), runs)
    out[n] = {'greedy': [t_g, sel.dumps()], 'judge': [t_j, [v.kind, v.text]],
              'certificate': [t_c, p]}
print(json.dumps(out))
"""


def base_times(base_tree, sizes, runs, seed) -> dict:
    """The scaled path's times in ``base_tree`` (a fresh process with that tree's
    code): {size: {work: [seconds, output]}}."""
    got = run_in_tree(
        base_tree,
        _BASE_CHILD,
        base_tree,
        ",".join(map(str, sizes)),
        str(runs),
        str(seed),
        "cpu" if CLOCK is time.process_time else "wall",
        what="--base-tree run",
    )
    return {int(k): v for k, v in got.items()}


def small_table(sizes, runs, seed, base_tree=None):
    base = base_times(base_tree, sizes, runs, seed) if base_tree else {}
    print(
        f"\n{'requests':>8s} {'work':>12s} {'Fraction':>12s}"
        + (f" {'base scaled':>12s}" if base else "")
        + f" {'scaled':>12s} {'speed-up':>9s}"
        + (f" {'vs base':>8s}" if base else "")
        + "  check"
    )
    growth: dict[tuple[str, str], dict[int, float]] = {}
    for n in sizes:
        inst = build(n, 16 * n, False, seed)
        rows = {}
        for path in PATHS:
            t_g, sel = timed(lambda: solve_reference(_fresh(inst), path), runs)
            plain = Selection(sel.status, sel.selected, sel.objective, sel.reason)
            t_j, verdict = timed(
                lambda: judge(_fresh(inst), plain, use_z3=False, numbers=path), runs
            )
            t_c, problems = timed(
                lambda: certificate_problems(_fresh(inst), sel, path), runs
            )
            rows[path] = {
                "greedy": (t_g, sel.dumps()),
                "judge": (t_j, (verdict.kind, verdict.text)),
                "certificate": (t_c, problems),
            }
        for work in ("greedy", "judge", "certificate"):
            (t_old, a), (t_new, b) = rows["fraction"][work], rows["auto"][work]
            same = a == b
            cols = f"{_ms(t_old)}"
            if base:
                t_base, c = base[n][work]
                same = same and _as_json(c) == _as_json(b)
                cols += f" {_ms(t_base)}"
            cols += f" {_ms(t_new)} {t_old / t_new:8.1f}x"
            if base:
                cols += f" {t_base / t_new:7.2f}x"
            check = "same" if same else "MISMATCH"
            print(f"{n:8d} {work:>12s} {cols}  {check}")
            for path, t in (("fraction", t_old), ("auto", t_new)):
                growth.setdefault((work, path), {})[n] = t
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        print(
            f"\ngrowth exponent from {lo} to {hi} requests (log(t{hi} / t{lo}) /"
            f" log({hi // lo})):"
        )
        for work in ("greedy", "judge", "certificate"):
            ex = {
                p: (
                    math.log(growth[(work, p)][hi] / growth[(work, p)][lo])
                    / math.log(hi / lo)
                )
                for p in PATHS
            }
            print(
                f"  {work:12s} Fraction {ex['fraction']:.2f}   scaled {ex['auto']:.2f}"
            )


def _as_json(x):
    """An output as JSON text (tuples and lists alike), to compare across processes."""
    import json

    return json.dumps(x, default=str)


def _child(
    tree: str, argv: list[str], timeout: float = 3600, prelude: str = ""
) -> tuple[float, int, str, int]:
    """``python -m verify ARGV`` with ``tree`` on PYTHONPATH, after the Python
    statements ``prelude``: (seconds, exit, stdout, peak RSS KiB)."""
    code = prelude + (
        "import resource, sys; from verify.commands.cli import main; c ="
        " main(sys.argv[1:]); sys.stdout.flush(); print('RSS',"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr);"
        " sys.exit(c)"
    )
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tree,
        env=_child_env(tree),
    )
    seconds = (
        (_children_cpu() - c0)
        if CLOCK is time.process_time
        else time.perf_counter() - t0
    )
    rss = max(
        [int(x.split()[1]) for x in proc.stderr.splitlines() if x.startswith("RSS ")]
        or [0]
    )
    return seconds, proc.returncode, proc.stdout, rss


def _child_env(tree: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": tree}
    if BYTECODE_CACHE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _bytecode_line() -> str:
    if BYTECODE_CACHE:
        return (
            "bytecode cached as an installed package has it (Python's default;"
            " compileall writes each tree's __pycache__ first"
            + (
                ", PYTHONDONTWRITEBYTECODE of this shell not passed on)"
                if os.environ.get("PYTHONDONTWRITEBYTECODE")
                else ")"
            )
        )
    return (
        "no bytecode cache: every process compiles each of the project's modules from"
        " source"
    )


def _set_bytecode(*trees: str | None) -> None:
    """With the cache, each tree's modules compiled into its __pycache__ now, not in
    a timed run; without it, each tree's __pycache__ of its own modules removed
    (cached bytecode is read even when none is written)."""
    import shutil

    for tree in filter(None, trees):
        if not BYTECODE_CACHE:
            for top in ("solver", "verify", "proofs"):
                for folder, dirs, _ in os.walk(os.path.join(tree, top)):
                    if "__pycache__" in dirs:
                        shutil.rmtree(os.path.join(folder, "__pycache__"))
            continue
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "solver", "verify", "proofs"],
            cwd=tree,
            env=_child_env(tree),
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far, their
    children included."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _summary(out: str) -> str:
    """An audit summary without its timing line (the last one) and without the
    findings' ``cause:`` lines (added after the code before issue 25)."""
    lines = out.rstrip("\n").split("\n")[:-1]
    return "\n".join(x for x in lines if not x.lstrip().startswith("cause: "))


def audit_rates(requests, iterations, jobs, seed, old_tree, base_tree=None, runs=1):
    from bench_audit import trace_lines

    here = _HERE
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        with open(path, "w") as fh:
            for line in trace_lines(requests, iterations, seed):
                fh.write(line + "\n")
        print(
            f"\naudit: {iterations} iterations of {requests} x 25 nodes, trace"
            f" {os.path.getsize(path) / 1e6:.1f} MB; python -m verify audit TRACE"
            " --jobs J --no-progress in a fresh process (start-up included;"
            f" {'per CPU second' if CLOCK is time.process_time else 'wall time'};"
            f" median of {runs} alternated runs; {_bytecode_line()})"
        )
        cols = (
            (["before"] if old_tree else [])
            + ["Fraction"]
            + (["base"] if base_tree else [])
            + ["scaled"]
        )
        trees = {"before": old_tree, "base": base_tree, "scaled": here}
        trees["Fraction"] = here
        # the documented fallback: the instance's denominator is too large
        preludes = {
            "Fraction": (
                "from solver import scaled; "
                "scaled.instance_denominator = lambda instance: None; "
            )
        }
        print(f"{'jobs':>6s} " + " ".join(f"{c:>14s}" for c in cols) + "  check")
        for j in sorted({1, jobs}):
            argv = ["audit", path, "--jobs", str(j), "--no-progress"]
            got: dict = {c: [] for c in cols}
            for rep in range(runs + 1):  # the first, untimed: caches warmed
                for c in cols:
                    r = _child(trees[c], argv, prelude=preludes.get(c, ""))
                    if rep:
                        got[c].append(r)
            outs = {(r[1], _summary(r[2])) for c in cols for r in got[c]}
            print(
                f"{j:6d} "
                + " ".join(
                    f"{iterations / statistics.median(r[0] for r in got[c]):9.1f} it/s"
                    for c in cols
                )
                + f"  {'same' if len(outs) == 1 else 'MISMATCH'}"
            )


def stages(requests, iterations, seed):
    """Where one audit line's time goes, in process: JSON, validation, judging, the
    record's JSON."""
    import json

    from bench_audit import trace_lines

    from solver.numbers import loads_exact
    from solver.selection import parse_selection
    from verify.commands.audit import AuditOptions, judge_line

    lines = list(trace_lines(requests, iterations, seed))
    print(
        f"\nwhere an audit line's time goes ({requests} x 25, mean of {iterations}"
        " lines, in process, ms per line):"
    )
    print(
        f"{'path':>9s} {'JSON':>8s} {'validate':>9s} {'judge':>8s} {'record':>8s}"
        f" {'line':>8s}"
    )
    for p in PATHS:
        real = scaled.instance_denominator
        if p == "fraction":
            scaled.instance_denominator = lambda instance: None
        try:
            per = {}
            t0 = CLOCK()
            objs = [loads_exact(x) for x in lines]
            per["json"] = CLOCK() - t0
            t0 = CLOCK()
            built = [
                (parse_instance(o["instance"]), parse_selection(o["selection"]))
                for o in objs
            ]
            per["validate"] = CLOCK() - t0
            t0 = CLOCK()
            for inst, sel in built:
                judge(inst, sel, use_z3=False)
            per["judge"] = CLOCK() - t0
            recs = [
                judge_line(i + 1, 0, x.encode(), AuditOptions())
                for i, x in enumerate(lines)
            ]
            t0 = CLOCK()
            for r in recs:
                json.dumps(r)
            per["record"] = CLOCK() - t0
            t0 = CLOCK()
            for i, x in enumerate(lines):
                judge_line(i + 1, 0, x.encode(), AuditOptions())
            per["line"] = CLOCK() - t0
        finally:
            scaled.instance_denominator = real
        n = len(lines)
        print(
            f"{p if p == 'fraction' else 'scaled':>9s} "
            + " ".join(
                f"{per[k] / n * 1e3:8.2f}"
                for k in ("json", "validate", "judge", "record", "line")
            )
        )


def large_cases(seed, old_tree, base_tree=None):
    """``check --no-z3`` on bench_memory.py's 100,000-node cases: before (old tree) and
    now."""
    import json

    from bench_memory import case

    here = _HERE
    rng = random.Random(seed)
    what = "CPU" if CLOCK is time.process_time else "wall"
    print(
        f"\nlarge inputs: python -m verify check --no-z3 in a fresh process ({what}"
        " time with start-up, peak RSS)"
    )
    cols = (["before"] if old_tree else []) + (["base"] if base_tree else []) + ["now"]
    print(f"{'case':>24s} " + " ".join(f"{c:>20s}" for c in cols) + "  check")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("path-100000", "nonmonotone-tree-100000"):
            obj, sel, nonmono = case(name, rng)
            ipath, spath = os.path.join(tmp, "i.json"), os.path.join(tmp, "s.json")
            with open(ipath, "w") as fh:
                json.dump(obj, fh)
            with open(spath, "w") as fh:
                json.dump(sel, fh)
            argv = ["check", "--no-z3", ipath, spath] + (
                ["--allow-nonmonotone"] if nonmono else []
            )
            got = {"now": _child(here, argv)}
            if old_tree:
                got["before"] = _child(old_tree, argv)
            if base_tree:
                got["base"] = _child(base_tree, argv)
            same = len({(g[1], g[2]) for g in got.values()}) == 1
            print(
                f"{name:>24s} "
                + " ".join(
                    f"{got[c][0]:7.2f} s {got[c][3] / 1024:7.0f} MB" for c in cols
                )
                + f"  {'same' if same else 'MISMATCH'}  ({got['now'][2].strip()[:40]})"
            )


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--sizes", default="64,256,1024")
    ap.add_argument(
        "--requests", type=int, default=64, help="audit: requests per iteration"
    )
    ap.add_argument(
        "--iterations", type=int, default=200, help="audit: iterations in the trace"
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-audit", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help=(
            "CPU time instead of wall time (a shared, busy machine): in process"
            " time.process_time, for the fresh processes their user + system time"
        ),
    )
    ap.add_argument(
        "--old-tree",
        metavar="DIR",
        help=(
            "a checkout of the code before issue 25 (e.g. git archive 649741c | tar -x"
            " -C DIR): adds a 'before' column to the audit and large-input tables"
        ),
    )
    ap.add_argument(
        "--base-tree",
        metavar="DIR",
        help=(
            "a second checkout to compare with (e.g. a worktree of the commit a change"
            " started from): adds its scaled path's times as a 'base' column everywhere"
        ),
    )
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help=(
            "fresh processes compile every module from source (as with"
            " PYTHONDONTWRITEBYTECODE=1 and no __pycache__)"
        ),
    )
    args = ap.parse_args(argv)
    global CLOCK, BYTECODE_CACHE
    if args.cpu:
        CLOCK = time.process_time
    BYTECODE_CACHE = not args.no_bytecode_cache
    _set_bytecode(_HERE, args.old_tree, args.base_tree)
    load = os.getloadavg()
    print(
        f"numeric core: Fraction path vs scaled path, median of {args.runs} runs, "
        f"{'CPU' if args.cpu else 'wall'} time; {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start"
    )
    small_table(
        [int(x) for x in args.sizes.split(",") if x.strip()],
        args.runs,
        args.seed,
        args.base_tree,
    )
    if not args.skip_audit:
        stages(args.requests, 40, 1)
        audit_rates(
            args.requests,
            args.iterations,
            args.jobs,
            1,
            args.old_tree,
            args.base_tree,
            args.runs,
        )
    if not args.skip_large:
        large_cases(args.seed, args.old_tree, args.base_tree)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the numeric core (solver/scaled.py, issue 25): Fraction path and scaled path side by side.

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
* ``audit`` iterations/s at 64 x 25 (benchmarks/bench_audit.py's trace), with
  1 job and with ``--jobs`` jobs, parsing and JSON included; on the Fraction
  path the common denominator is made to exceed the scaling limit (the
  documented fallback), so the rest of the code is the same;
* the judge on a 100,000-node path and a non-monotone 100,000-node tree
  (benchmarks/bench_memory.py's cases), time and peak traced memory
  (``tracemalloc``, a separate run).

Every pair of results is compared (answers' JSON, verdicts' text); a difference
prints MISMATCH.  Goals (issue 25): at 1,024 requests the greedy <= 60 ms and the
judge <= 50 ms; audit >= 300 iterations/s at 64 x 25 with one job.

Run:  python benchmarks/bench_numeric.py [--runs 5] [--sizes 64,256,1024] [--iterations 200] [--jobs 2]
          [--skip-audit] [--skip-large]
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
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_dp import build  # noqa: E402
from solver import scaled  # noqa: E402
from solver.parse import parse_instance  # noqa: E402
from solver.reference import solve_reference  # noqa: E402
from solver.selection import Selection  # noqa: E402
from verify.checks.certificate import certificate_problems  # noqa: E402
from verify.checks.judge import judge  # noqa: E402

PATHS = ("fraction", "auto")


def _fresh(instance):
    instance.__dict__.pop(scaled._CACHE, None)  # time the scaled values' construction too
    return instance


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _ms(x: float) -> str:
    return f"{x * 1e3:9.1f} ms"


def small_table(sizes, runs, seed):
    print(f"\n{'requests':>8s} {'work':>12s} {'Fraction':>12s} {'scaled':>12s} {'speed-up':>9s}  check")
    growth: dict[tuple[str, str], dict[int, float]] = {}
    for n in sizes:
        inst = build(n, 16 * n, False, seed)
        rows = {}
        for path in PATHS:
            t_g, sel = timed(lambda: solve_reference(_fresh(inst), path), runs)
            plain = Selection(sel.status, sel.selected, sel.objective, sel.reason)
            t_j, verdict = timed(lambda: judge(_fresh(inst), plain, use_z3=False, numbers=path), runs)
            t_c, problems = timed(lambda: certificate_problems(_fresh(inst), sel, path), runs)
            rows[path] = {"greedy": (t_g, sel.dumps()), "judge": (t_j, (verdict.kind, verdict.text)),
                          "certificate": (t_c, problems)}
        for work in ("greedy", "judge", "certificate"):
            (t_old, a), (t_new, b) = rows["fraction"][work], rows["auto"][work]
            check = "same" if a == b else "MISMATCH"
            print(f"{n:8d} {work:>12s} {_ms(t_old)} {_ms(t_new)} {t_old / t_new:8.1f}x  {check}")
            for path, t in (("fraction", t_old), ("auto", t_new)):
                growth.setdefault((work, path), {})[n] = t
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        print(f"\ngrowth exponent from {lo} to {hi} requests (log(t{hi} / t{lo}) / log({hi // lo})):")
        for work in ("greedy", "judge", "certificate"):
            ex = {p: math.log(growth[(work, p)][hi] / growth[(work, p)][lo]) / math.log(hi / lo) for p in PATHS}
            print(f"  {work:12s} Fraction {ex['fraction']:.2f}   scaled {ex['auto']:.2f}")


def audit_rates(requests, iterations, jobs, seed):
    from bench_audit import trace_lines

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        with open(path, "w") as fh:
            for line in trace_lines(requests, iterations, seed):
                fh.write(line + "\n")
        print(f"\naudit: {iterations} iterations of {requests} x 25 nodes, trace "
              f"{os.path.getsize(path) / 1e6:.1f} MB, in a fresh process each "
              f"(python -m verify audit TRACE --jobs J --no-progress; start-up included)")
        print(f"{'jobs':>6s} {'Fraction':>16s} {'scaled':>16s} {'speed-up':>9s}  check")
        for j in sorted({1, jobs}):
            got = {}
            for p in PATHS:
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, os.path.abspath(__file__), "--audit-child", p, path, str(j)],
                                     capture_output=True, text=True)
                got[p] = (time.perf_counter() - t0, out.stdout.split("\nfindings", 1)[0], out.returncode)
            same = got["fraction"][1:] == got["auto"][1:]
            rates = {p: iterations / got[p][0] for p in PATHS}
            print(f"{j:6d} {rates['fraction']:10.1f} it/s {rates['auto']:10.1f} it/s "
                  f"{rates['auto'] / rates['fraction']:8.1f}x  {'same' if same else 'MISMATCH'}")


def audit_child(path_kind: str, trace: str, jobs: int) -> int:
    from verify.commands.audit import AuditOptions, main_audit

    if path_kind == "fraction":  # the documented fallback: no common denominator fits
        scaled.common_denominator = lambda values, factor=scaled.SCALE_FACTOR: None
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main_audit(trace, AuditOptions(trace=trace), jobs=jobs, progress=False)
    text = buf.getvalue()
    print(text.rsplit("\n", 2)[0].rsplit("\n", 1)[0])  # the summary without the timing line
    print("\nfindings")
    return code


def large_cases(runs, seed):
    from bench_memory import case

    rng = random.Random(seed)
    print(f"\n{'large input':>24s} {'work':>6s} {'Fraction':>12s} {'scaled':>12s} {'peak F':>9s} "
          f"{'peak s':>9s}  check")
    for name in ("path-100000", "nonmonotone-tree-100000"):
        obj, sel_obj, nonmono = case(name, rng)
        inst = parse_instance(obj, allow_nonmonotone=nonmono)
        from solver.selection import parse_selection

        sel = parse_selection(sel_obj)
        t, peak, text = {}, {}, {}
        for p in PATHS:
            t[p], v = timed(lambda: judge(_fresh(inst), sel, use_z3=False, numbers=p), runs)
            text[p] = v.text
            _fresh(inst)
            tracemalloc.start()
            judge(inst, sel, use_z3=False, numbers=p)
            peak[p] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        check = "same" if text["fraction"] == text["auto"] else "MISMATCH"
        print(f"{name:>24s} {'judge':>6s} {_ms(t['fraction'])} {_ms(t['auto'])} "
              f"{peak['fraction'] / 2 ** 20:6.1f} MB {peak['auto'] / 2 ** 20:6.1f} MB  {check}  ({text['auto'][:40]})")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--audit-child":
        return audit_child(argv[1], argv[2], int(argv[3]))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--sizes", default="64,256,1024")
    ap.add_argument("--requests", type=int, default=64, help="audit: requests per iteration")
    ap.add_argument("--iterations", type=int, default=200, help="audit: iterations in the trace")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-audit", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args(argv)
    load = os.getloadavg()
    print(f"numeric core: Fraction path vs scaled path, median of {args.runs} runs; {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start")
    small_table([int(x) for x in args.sizes.split(",") if x.strip()], args.runs, args.seed)
    if not args.skip_audit:
        audit_rates(args.requests, args.iterations, args.jobs, 1)
    if not args.skip_large:
        large_cases(max(1, args.runs // 2), args.seed)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Proofs on local processes vs Dask, and a projection to larger bounds on larger
clusters (issue 14 part 7).

Runs, as fresh processes, the per-shape proofs (APP-B, LEM-C1, LEM-C2, both greedies,
strict premise) on every shape up to N nodes::

    python -m proofs --max-nodes N --pair-max 0 --jobs 2 --json
    python -m proofs --max-nodes N --pair-max 0 --dask local:2 --json

for N = 9 and 10 and prints: the wall time of each, the overhead ratio (Dask / local;
goal at most 1.15x; the Dask run includes starting its LocalCluster), tasks per second,
and that both runs give the same rows.  It then measures the CPU seconds of shape tasks
in this process (``--sample K`` shapes of each n = 8, 9, 10, spread over the
enumeration; CPU time, so the machine's load does not inflate it) and projects the wall
time of N = 11, 12, 13 on 16, 64 and 256 workers:

* per-shape time at n > 10: the geometric growth per node fitted to the sampled means
  (least squares on their logarithms), from the mean at n = 10;
* shapes per n: 1842, 4766 and 12486 at n = 11, 12, 13 (OEIS A000081);
* the one skeleton task per n (RUN-PERM, all shapes at once) grows by its own measured
  factor;
* wall on W workers >= max(total task seconds / W, the longest single task), plus the
  per-task cost of Dask measured here (its extra wall time over the local run, per task,
  spread over the workers).

Usage::

    python benchmarks/bench_distributed.py [--sizes 9,10] [--workers 2] [--sample K]

Numbers vary with the machine and its load (printed); the rows do not.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = {
    1: 1,
    2: 1,
    3: 2,
    4: 4,
    5: 9,
    6: 20,
    7: 48,
    8: 115,
    9: 286,
    10: 719,
    11: 1842,
    12: 4766,
    13: 12486,
}
TREE = ("RUN", "APP-B", "LEM-C1", "LEM-C2")


def proofs(n: int, where: list[str]) -> tuple[float, dict]:
    env = dict(
        os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "proofs",
                "--max-nodes",
                str(n),
                "--pair-max",
                "0",
                *where,
                "--json",
                "--quiet",
                "--no-reports",
                "--out",
                tmp,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(
            f"python -m proofs {' '.join(where)} failed: {proc.stderr[-1000:]}"
        )
    return wall, json.loads(proc.stdout)


def tasks_of(n: int) -> int:
    # one task per shape, one skeleton task per n
    return sum(SHAPES[k] for k in range(1, n + 1)) + n


def per_shape(rows: list[dict]) -> tuple[dict[int, float], dict[int, float]]:
    """Measured solver seconds per shape task and per skeleton task, by n."""
    shape_s: dict[int, float] = {}
    skel: dict[int, float] = {}
    for r in rows:
        if r["claim"] in TREE:
            shape_s[r["n"]] = shape_s.get(r["n"], 0.0) + r["seconds"]
        elif r["claim"] == "RUN-PERM":
            skel[r["n"]] = r["seconds"]
    return {n: s / SHAPES[n] for n, s in shape_s.items()}, skel


def sample_cpu(n: int, k: int) -> float:
    """Mean CPU seconds of a shape task (both greedies, APP-B, LEM-C1, LEM-C2, strict)
    over k shapes of n nodes."""
    sys.path.insert(0, ROOT)
    from proofs.bounded.shapes import rooted_shapes
    from proofs.bounded.smt import configure
    from proofs.bounded.tasks import Settings, shape_task

    configure(0)
    shapes = list(rooted_shapes(n))
    picked = [shapes[i * len(shapes) // k] for i in range(min(k, len(shapes)))]
    t0 = time.process_time()
    for shape in picked:
        shape_task((shape.levels, Settings()))
    return (time.process_time() - t0) / len(picked)


def strip(out: dict) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in out["rows"]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="9,10")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--sample",
        type=int,
        default=12,
        help="shapes per n whose CPU time is measured (default 12)",
    )
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    w = args.workers
    print(
        "python -m proofs --pair-max 0 (APP-B, LEM-C1, LEM-C2, both greedies, strict);"
        f" {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start (a"
        " shared machine inflates both columns)"
    )
    head = (
        "N",
        "tasks",
        f"--jobs {w}",
        f"--dask local:{w}",
        "overhead (goal <= 1.15x)",
        "tasks/s local",
        "tasks/s Dask",
        "same rows",
    )
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    measured = None
    extra_per_task = 0.0
    for n in sizes:
        local_s, local = proofs(n, ["--jobs", str(w)])
        dask_s, dask = proofs(n, ["--dask", f"local:{w}"])
        t = tasks_of(n)
        same = strip(local) == strip(dask)
        print(
            " | ".join(
                [
                    str(n),
                    str(t),
                    f"{local_s:.1f} s",
                    f"{dask_s:.1f} s",
                    f"{dask_s / local_s:.2f}x",
                    f"{t / local_s:.1f}",
                    f"{t / dask_s:.1f}",
                    "yes" if same else "NO",
                ]
            ),
            flush=True,
        )
        measured = local
        extra_per_task = max(0.0, (dask_s - local_s) * w / t)
    wall_t, skel = per_shape(measured["rows"])
    top = max(wall_t)
    cpu = {n: sample_cpu(n, args.sample) for n in (top - 2, top - 1, top)}
    logs = [(n, math.log(cpu[n])) for n in sorted(cpu)]
    mean_n = sum(n for n, _ in logs) / len(logs)
    mean_l = sum(v for _, v in logs) / len(logs)
    g = math.exp(
        sum((n - mean_n) * (v - mean_l) for n, v in logs)
        / sum((n - mean_n) ** 2 for n, _ in logs)
    )
    gs = skel[top] / skel[top - 1] if skel.get(top - 1) else g
    # the skeleton tasks' wall seconds, scaled to CPU as the shapes' are
    scale = cpu[top] / wall_t[top]
    shape_t = {n: wall_t[n] * scale for n in wall_t}
    shape_t.update(cpu)
    skel = {n: t * scale for n, t in skel.items()}
    print()
    print(
        "per shape task, mean over the whole run (wall, inflated by the load): "
        + ", ".join(f"n={n}: {wall_t[n]:.3f} s" for n in sorted(wall_t) if n >= top - 2)
    )
    print(
        f"per shape task, CPU seconds sampled ({args.sample} shapes per n): "
        + ", ".join(f"n={n}: {cpu[n]:.3f} s" for n in sorted(cpu))
        + f"; fitted growth per node {g:.2f}x; "
        f"skeleton task n={top}: {skel[top]:.1f} s (growth {gs:.2f}x)"
    )
    print(
        f"Dask cost per task over local processes (measured at N={sizes[-1]}; 0 when"
        f" noise hides it): {extra_per_task * 1000:.1f} ms"
    )
    print()
    print(
        "projected wall time of python -m proofs --max-nodes N --pair-max 0 on a Dask"
        " cluster"
    )
    print(
        "N | shapes (all n <= N) | task seconds (total) | longest task | 16 workers |"
        " 64 workers | 256 workers"
    )
    print("- | - | - | - | - | - | -")
    for N in (11, 12, 13):
        est = dict(shape_t)
        sk = dict(skel)
        for n in range(top + 1, N + 1):
            est[n] = est[n - 1] * g
            sk[n] = sk[n - 1] * gs
        total = sum(SHAPES[n] * est[n] for n in range(1, N + 1)) + sum(
            sk.get(n, 0.0) for n in range(1, N + 1)
        )
        longest = max(max(est[n] for n in range(1, N + 1)), max(sk.values()))
        tasks = tasks_of(N)
        cells = [
            str(N),
            str(sum(SHAPES[n] for n in range(1, N + 1))),
            _dur(total),
            _dur(longest),
        ]
        for workers in (16, 64, 256):
            cells.append(
                _dur(max(total / workers, longest) + extra_per_task * tasks / workers)
            )
        print(" | ".join(cells))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


def _dur(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


if __name__ == "__main__":
    sys.exit(main())

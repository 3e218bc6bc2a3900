"""Spread the tasks over processes, aggregate the records into rows, show progress.

A *row* is one (claim, greedy, n): how many shapes (or pairs of shapes), how
many SMT queries, the result and the seconds spent (summed over workers).
Row result: ``counterexample`` if any shape has one, else ``unknown`` if any
query was undecided, else ``proved``.

>>> rows = aggregate([
...     {"claim": "APP-B", "greedy": "paper", "n": 3, "shape": "012", "queries": 1,
...      "status": "counterexample", "seconds": 0.1, "witness": {}, "reason": ""},
...     {"claim": "APP-B", "greedy": "paper", "n": 3, "shape": "011", "queries": 1,
...      "status": "proved", "seconds": 0.1, "witness": None, "reason": ""}])
>>> rows[0]["result"], rows[0]["shapes"], rows[0]["counterexamples"], rows[0]["first_counterexample"]
('counterexample', 2, 1, '012')
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from typing import Callable, Iterable

from .shapes import shapes_up_to
from .smt import COUNTEREXAMPLE, UNKNOWN, configure
from .tasks import Settings, pair_task, shape_task, skeleton_task

CLAIM_ORDER = ("RUN-PERM", "RUN", "APP-B", "LEM-C1", "LEM-C2", "RUN-PAIR", "THM-P1", "THM-P2")


def make_tasks(max_nodes: int, pair_max: int, st: Settings) -> list[tuple[Callable, tuple]]:
    """Shape tasks (largest first, for load balance), one skeleton task per n, then ordered pairs."""
    tasks: list[tuple[Callable, tuple]] = []
    if st.tree_claims:
        shapes = sorted(shapes_up_to(max_nodes), key=lambda s: -s.n)
        tasks += [(shape_task, (s.levels, st)) for s in shapes]
        tasks += [(skeleton_task, (n, st)) for n in range(1, max_nodes + 1)]
    if st.pair_claims and pair_max >= 1:
        small = list(shapes_up_to(pair_max))
        pairs = [(a, b) for a in small for b in small]
        pairs.sort(key=lambda ab: -(ab[0].n + ab[1].n))
        tasks += [(pair_task, (a.levels, b.levels, st)) for a, b in pairs]
    return tasks


def _call(item):
    fn, args = item
    return fn(args)


def _init(seed: int) -> None:
    configure(seed)


def execute(tasks, jobs: int, seed: int, progress: Callable[[int, int, list], None] | None = None) -> list[dict]:
    """Run the tasks (in ``jobs`` processes when > 1); return all records."""
    records: list[dict] = []
    total = len(tasks)
    if jobs <= 1:
        configure(seed)
        for i, item in enumerate(tasks, start=1):
            recs = _call(item)
            records += recs
            if progress:
                progress(i, total, recs)
        return records
    ctx = multiprocessing.get_context("spawn")  # no Z3 state shared through fork
    with ctx.Pool(jobs, initializer=_init, initargs=(seed,)) as pool:
        for i, recs in enumerate(pool.imap_unordered(_call, tasks, chunksize=1), start=1):
            records += recs
            if progress:
                progress(i, total, recs)
    return records


class Progress:
    """One status line on stderr: tasks done, counterexamples, unknowns, elapsed time."""

    def __init__(self, stream=None, every: float = 2.0):
        self.stream = stream or sys.stderr
        self.every = every
        self.t0 = self.last = time.perf_counter()
        self.cex = self.unknown = 0
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, done: int, total: int, recs: list) -> None:
        self.cex += sum(r["status"] == COUNTEREXAMPLE for r in recs)
        self.unknown += sum(r["status"] == UNKNOWN for r in recs)
        now = time.perf_counter()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        line = (f"[proofs] {done}/{total} tasks, {self.cex} counterexample(s), {self.unknown} unknown, "
                f"{now - self.t0:.1f} s")
        end = "\r" if self.tty and done < total else "\n"
        self.stream.write(line + end)
        self.stream.flush()


def aggregate(records: Iterable[dict]) -> list[dict]:
    rows: dict[tuple, dict] = {}
    for r in records:
        key = (r["claim"], r["greedy"], r["n"])
        row = rows.setdefault(key, {"claim": r["claim"], "greedy": r["greedy"], "n": r["n"], "shapes": 0,
                                    "queries": 0, "counterexamples": 0, "unknown": 0, "seconds": 0.0,
                                    "first_counterexample": None, "unknown_reasons": []})
        row["shapes"] += 1
        row["queries"] += r["queries"]
        row["seconds"] += r["seconds"]
        if r["status"] == COUNTEREXAMPLE:
            row["counterexamples"] += 1
            if row["first_counterexample"] is None or r["shape"] > row["first_counterexample"]:
                row["first_counterexample"] = r["shape"]  # canonical order: larger level sequence first
        elif r["status"] == UNKNOWN:
            row["unknown"] += 1
            if r["reason"] and len(row["unknown_reasons"]) < 3:
                row["unknown_reasons"].append(f"{r['shape']}: {r['reason']}")
    for row in rows.values():
        row["result"] = ("counterexample" if row["counterexamples"] else
                         "unknown" if row["unknown"] else "proved")
        row["seconds"] = round(row["seconds"], 3)
    order = {c: i for i, c in enumerate(CLAIM_ORDER)}
    greedies = {"any": -1, "frontier": 0, "paper": 1}
    return sorted(rows.values(), key=lambda r: (order.get(r["claim"], 99), greedies.get(r["greedy"], 9), r["n"]))

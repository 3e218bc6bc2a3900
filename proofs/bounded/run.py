"""Spread the tasks over workers (verify/run: processes or Dask), aggregate the records
into rows, show progress.

A *row* is one (claim, greedy, n): how many shapes (or pairs of shapes), how
many SMT queries, the result and the seconds spent (summed over workers).
Row result: ``counterexample`` if any shape has one, else ``unknown`` if any
query was undecided, else ``proved``.

>>> rows = aggregate([
...     {"claim": "APP-B", "greedy": "paper", "n": 3, "shape": "012", "queries": 1,
...      "status": "counterexample", "seconds": 0.1, "witness": {}, "reason": ""},
...     {"claim": "APP-B", "greedy": "paper", "n": 3, "shape": "011", "queries": 1,
...      "status": "proved", "seconds": 0.1, "witness": None, "reason": ""}])
>>> r = rows[0]
>>> r["result"], r["shapes"], r["counterexamples"], r["first_counterexample"]
('counterexample', 2, 1, '012')
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Iterable

from verify.run.executor import make_executor, run_tasks
from verify.run.seam import Task, TaskFailed

from .shapes import Shape, shapes_up_to
from .smt import COUNTEREXAMPLE, PROVED, UNKNOWN, configure
from .tasks import Settings, pair_task, shape_task, skeleton_task

CLAIM_ORDER = (
    "RUN-PERM",
    "RUN",
    "APP-B",
    "LEM-C1",
    "LEM-C2",
    "RUN-PAIR",
    "THM-P1",
    "THM-P2",
)


def make_tasks(
    max_nodes: int, pair_max: int, st: Settings
) -> list[tuple[Callable, tuple]]:
    """Shape tasks (largest first, for load balance), one skeleton task per n, then
    ordered pairs."""
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
    """One proofs task in a worker: the Z3 seeds, then the task (a module-level
    function: picklable)."""
    fn, args, seed = item
    configure(seed)
    return fn(args)


def _describe(fn: Callable, args: tuple) -> tuple[str, dict]:
    """A task's name and its inputs (JSON) for messages and the task store."""
    st = args[-1]
    settings = {
        "ties": st.ties,
        "greedies": list(st.greedies),
        "tree_claims": list(st.tree_claims),
        "pair_claims": list(st.pair_claims),
        "timeout": st.timeout,
        "seed": st.seed,
    }
    if fn is skeleton_task:
        return f"proofs skeleton n={args[0]}", {
            "task": "skeleton",
            "n": args[0],
            "settings": settings,
        }
    if fn is pair_task:
        a, b = (Shape.from_levels(lv) for lv in args[:2])
        return (
            f"proofs pair {a.name()}+{b.name()}",
            {
                "task": "pair",
                "levels": [list(args[0]), list(args[1])],
                "settings": settings,
            },
        )
    shape = Shape.from_levels(args[0])
    return f"proofs shape {shape.name()} (n={shape.n})", {
        "task": "shape",
        "levels": list(args[0]),
        "settings": settings,
    }


def lost_records(fn: Callable, args: tuple, reason: str) -> list[dict]:
    """The records of a task that could not run (it kept killing its workers): every
    claim it would have decided, ``unknown`` with the reason, never dropped and never
    proved."""
    st = args[-1]
    if fn is skeleton_task:
        return [_lost("RUN-PERM", "any", args[0], "skeleton", reason)]
    if fn is pair_task:
        a, b = (Shape.from_levels(lv) for lv in args[:2])
        n, name, claims = (
            max(a.n, b.n),
            f"{a.name()}+{b.name()}",
            ("RUN-PAIR",) + tuple(st.pair_claims),
        )
    else:
        shape = Shape.from_levels(args[0])
        n, name, claims = shape.n, shape.name(), ("RUN",) + tuple(st.tree_claims)
    return [_lost(c, g, n, name, reason) for g in st.greedies for c in claims]


def _lost(claim, greedy, n, shape, reason):
    return {
        "claim": claim,
        "greedy": greedy,
        "n": n,
        "shape": shape,
        "queries": 0,
        "status": UNKNOWN,
        "seconds": 0.0,
        "witness": None,
        "reason": f"task not run: {reason}",
    }


def execute(
    tasks,
    jobs: int,
    seed: int,
    progress: Callable[[int, int, list], None] | None = None,
    dask: str | None = None,
    store=None,
    note: Callable[[str], object] | None = None,
) -> list[dict]:
    """Run the tasks (in-process, in ``jobs`` processes, or on Dask); return all records
    in task order.

    ``store``: a :class:`verify.run.store.Store` to reuse and fill (``--store``).
    """
    work = []
    for fn, args in tasks:
        what, inputs = _describe(fn, args)
        work.append(Task(_call, (fn, args, seed), what, inputs))
    total, done = len(work), [0]

    def on_result(i, recs, reused):
        if isinstance(recs, TaskFailed):
            fn, args = tasks[i]
            recs = lost_records(fn, args, recs.reason)
        done[0] += 1
        if progress:
            progress(done[0], total, recs)

    configure(seed)  # the in-process executor runs tasks here
    with make_executor(
        jobs, dask, start="spawn"
    ) as ex:  # spawn: no Z3 state shared through fork
        if note:
            for line in getattr(ex, "warnings", lambda: [])():
                note(line)
        out = run_tasks(work, ex, store=store, on_result=on_result, note=note)
    records: list[dict] = []
    for (fn, args), recs in zip(tasks, out.results):
        records += (
            lost_records(fn, args, recs.reason)
            if isinstance(recs, TaskFailed)
            else recs
        )
    return records


class Progress:
    """One status line on stderr: tasks done, counterexamples, unknowns, elapsed
    time."""

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
        line = (
            f"[proofs] {done}/{total} tasks, {self.cex} counterexample(s),"
            f" {self.unknown} unknown, {now - self.t0:.1f} s"
        )
        end = "\r" if self.tty and done < total else "\n"
        self.stream.write(line + end)
        self.stream.flush()


def aggregate(records: Iterable[dict]) -> list[dict]:
    rows: dict[tuple, dict] = {}
    for r in records:
        key = (r["claim"], r["greedy"], r["n"])
        row = rows.setdefault(
            key,
            {
                "claim": r["claim"],
                "greedy": r["greedy"],
                "n": r["n"],
                "shapes": 0,
                "queries": 0,
                "counterexamples": 0,
                "unknown": 0,
                "seconds": 0.0,
                "first_counterexample": None,
                "unknown_reasons": [],
            },
        )
        row["shapes"] += 1
        row["queries"] += r["queries"]
        row["seconds"] += r["seconds"]
        if r["status"] == COUNTEREXAMPLE:
            row["counterexamples"] += 1
            if (
                row["first_counterexample"] is None
                or r["shape"] > row["first_counterexample"]
            ):
                # canonical order: larger level sequence first
                row["first_counterexample"] = r["shape"]
        elif r["status"] == UNKNOWN:
            row["unknown"] += 1
            if r["reason"] and len(row["unknown_reasons"]) < 3:
                row["unknown_reasons"].append(f"{r['shape']}: {r['reason']}")
    for row in rows.values():
        row["result"] = (
            COUNTEREXAMPLE
            if row["counterexamples"]
            else UNKNOWN
            if row["unknown"]
            else PROVED
        )
        row["seconds"] = round(row["seconds"], 3)
    order = {c: i for i, c in enumerate(CLAIM_ORDER)}
    greedies = {"any": -1, "frontier": 0, "paper": 1}
    return sorted(
        rows.values(),
        key=lambda r: (order.get(r["claim"], 99), greedies.get(r["greedy"], 9), r["n"]),
    )

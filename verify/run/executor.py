"""The executor seam: map a task function over tasks; results come back in task order.

Three executors, one interface (:class:`Executor`):

``InProcess``       ``--jobs 1``: the calling process runs the tasks one by one.
``LocalProcesses``  ``--jobs J``: J local worker processes (:mod:`verify.run.pool`).
``DaskExecutor``    ``--dask ADDRESS`` (a running scheduler) or ``--dask local:N`` (a
                    ``LocalCluster`` of N worker processes):
                    :mod:`verify.run.dask_executor`.

:func:`run_tasks` is what the commands call: it reuses finished tasks from a
store, runs the others on the executor, stores each as it finishes, reports
each (``on_result``, in the order they finish; :class:`InOrder` turns that into
task order), and returns every result in task order, so the output never
depends on the number of workers or on which finished first.

>>> from verify.run.seam import Task
>>> with make_executor(jobs=1) as ex:
...     out = run_tasks([Task(abs, -1, "a"), Task(abs, -2, "b")], ex)
>>> out.results, out.reused, out.complete
([1, 2], 0, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from verify.run.imports import settle
from verify.run.pool import ProcessPool
from verify.run.seam import Executor, ExecutorLost, Task, TaskFailed
from verify.run.seam import ExecutorUnavailable as ExecutorUnavailable  # re-exported


class InProcess(Executor):
    """The calling process runs every task (``--jobs 1``); a deadline is checked between
    tasks."""


class LocalProcesses(Executor):
    """``jobs`` local worker processes (:class:`verify.run.pool.ProcessPool`)."""

    def __init__(self, jobs: int, start: str = "fork", preload: Iterable[str] = ()):
        self.workers = jobs
        self.label = f"{jobs} processes"
        self.pool = ProcessPool(jobs, start=start, preload=preload)

    def imap(self, tasks, deadline=None):
        names: dict[int, str] = {}

        def seen():
            for i, task in enumerate(tasks):
                names[i] = task.what
                yield task

        return self.pool.imap(_call_task, seen(), deadline, names=lambda i: names[i])

    def close(self) -> None:
        self.pool.close()


def _call_task(task: Task) -> Any:
    return task.fn(task.arg)


def make_executor(
    jobs: int = 1,
    dask: Optional[str] = None,
    start: str = "fork",
    preload: Iterable[str] = (),
) -> Executor:
    """The executor of the command-line flags ``--jobs`` and ``--dask``.

    ``start``: how local workers start (``fork``, or ``spawn`` where no state may be
    shared); ``preload``: modules every worker imports before its first task (the
    solver under test; :func:`verify.run.imports.settle`).
    """
    if dask:
        from verify.run.dask_executor import DaskExecutor

        return DaskExecutor(dask, preload=preload)
    if jobs <= 1:
        return InProcess()
    return LocalProcesses(jobs, start=start, preload=preload)


@dataclass
class Outcome:
    """What :func:`run_tasks` returns: every result in task order (``None``: not run
    before the deadline)."""

    results: list
    reused: int = 0  # taken from the store
    ran: int = 0  # run now
    failed: list[TaskFailed] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return all(r is not None for r in self.results)


class InOrder:
    """Wrap an ``on_result(i, result, reused)`` callback so that it sees the results in
    task order.

    >>> seen = []
    >>> cb = InOrder(lambda i, r, reused: seen.append(i))
    >>> cb(1, "b", False); cb(0, "a", False); cb(2, "c", True)
    >>> seen
    [0, 1, 2]
    """

    def __init__(self, callback: Callable[[int, Any, bool], None]):
        self.callback = callback
        self.waiting: dict[int, tuple[Any, bool]] = {}
        self.next = 0

    def __call__(self, i: int, result: Any, reused: bool) -> None:
        self.waiting[i] = (result, reused)
        while self.next in self.waiting:
            r, u = self.waiting.pop(self.next)
            self.callback(self.next, r, u)
            self.next += 1


def run_tasks(
    tasks: Iterable[Task],
    executor: Executor,
    *,
    store=None,
    preload: Iterable[str] = (),
    on_result: Callable[[int, Any, bool], None] | None = None,
    deadline: Optional[float] = None,
    note: Callable[[str], object] | None = None,
) -> Outcome:
    """Run ``tasks`` on ``executor``, reusing and filling ``store`` (a
    :class:`verify.run.store.Store`).

    ``deadline`` (``time.monotonic()``): start nothing after it and stop what runs;
    the tasks not finished are ``None`` in the results.  ``note`` receives the
    store's messages (how many tasks it reused) for stderr.  A task that kept
    killing its workers has a :class:`TaskFailed` as its result (not stored).
    """
    # the caller sees the same modules as every worker (verify/run/imports.py)
    settle(preload)
    start = time.perf_counter()
    results: list = []
    fed: list[int] = []  # executor's index -> task index
    out = Outcome(results)
    tasks_by_index: list[Task] = []
    if store is not None and note:
        note(store.describe())

    def feed():
        for i, task in enumerate(tasks):
            tasks_by_index.append(task)
            results.append(None)
            if store is not None and task.store:
                found, value = store.get(task)
                if found:
                    results[i] = value
                    out.reused += 1
                    if on_result:
                        on_result(i, value, True)
                    continue
            fed.append(i)
            yield task

    try:
        for j, value in executor.imap(feed(), deadline):
            i = fed[j]
            results[i] = value
            if isinstance(value, TaskFailed):
                out.failed.append(value)
            else:
                out.ran += 1
                if store is not None and tasks_by_index[i].store:
                    store.put(tasks_by_index[i], value)
            if on_result:
                on_result(i, value, False)
    except (KeyboardInterrupt, ExecutorLost) as exc:
        if store is not None:
            kept = (
                f"the store {store.directory} keeps {out.reused + out.ran} finished"
                " tasks; rerun the same command to resume"
            )
            if isinstance(exc, ExecutorLost):
                raise ExecutorLost(f"{exc}; {kept}") from None
            if note:
                note(f"interrupted: {kept}")
        raise
    out.seconds = time.perf_counter() - start
    if store is not None and note and out.reused:
        note(
            f"store {store.directory}: reused {out.reused} of {len(results)} tasks"
            " finished earlier by the same code"
        )
    return out

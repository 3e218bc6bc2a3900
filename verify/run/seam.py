"""The seam: a :class:`Task`, the :class:`Executor` interface, and what can go wrong.

:class:`TaskFailed` stands in for the result of a task that could not run;
:class:`ExecutorUnavailable` (exit 2) and :class:`ExecutorLost` (exit 3) end a run.

>>> t = Task(abs, -2, "abs of -2", {"x": -2})
>>> t.fn(t.arg), t.what
(2, 'abs of -2')
>>> str(TaskFailed("abs of -2", "killed 4 worker processes"))
'abs of -2: killed 4 worker processes'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

# re-exported (``name as name``): defined in solver/errors.py
from solver.errors import ExecutorLost as ExecutorLost
from solver.errors import ExecutorUnavailable as ExecutorUnavailable


@dataclass(frozen=True)
class Task:
    """``fn(arg)``: ``fn`` a module-level function (workers import it by name), ``arg``
    picklable.

    ``what`` names the task in messages and in the store; ``inputs`` (JSON) is
    what the store keys the result by, with ``what`` and the fingerprint
    (default: ``what`` alone).  ``main_thread``: the task needs the main thread of
    its process (a Python solver's per-call timeout is a SIGALRM); on Dask, where
    tasks run in worker threads, such a task runs in a child process of the worker.
    """

    fn: Callable[[Any], Any]
    arg: Any
    what: str
    inputs: Any = None
    main_thread: bool = False
    # False: never stored (cheap, or writes files)
    store: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class TaskFailed:
    """In place of a result: the task kept killing its workers, or its worker was lost
    for good."""

    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


_LISTENER: list = [None]  # where emit() sends an event in this process (see emit)


def emit(event: Any) -> None:
    """Tell the caller something while a task still runs (a finding the moment it is
    confirmed): in the calling process, :func:`listen`'s callback gets it at once; in a
    ``--jobs`` worker it travels over the worker's pipe (:mod:`verify.run.pool`); on
    Dask it is dropped (the task's result carries everything anyway).  Picklable events
    only.
    """
    listener = _LISTENER[0]
    if listener is not None:
        listener(event)


def listen(
    callback: Optional[Callable[[Any], None]],
) -> Optional[Callable[[Any], None]]:
    """Make ``callback`` receive :func:`emit`'s events in this process; returns the
    previous one."""
    old, _LISTENER[0] = _LISTENER[0], callback
    return old


class Executor:
    """Runs tasks; :meth:`imap` yields ``(index, result)`` in the order they finish."""

    label = "in-process"
    workers = 1

    def imap(
        self, tasks: Iterable[Task], deadline: Optional[float] = None
    ) -> Iterator[tuple[int, Any]]:
        for i, task in enumerate(tasks):
            if deadline is not None and time.monotonic() >= deadline:
                return
            yield i, task.fn(task.arg)

    def close(self) -> None:
        pass

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

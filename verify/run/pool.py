"""Local worker processes that survive their workers: ``--jobs J``.

Each worker is a process of its own with a pipe to the caller and runs one task
at a time, so when a worker dies (killed, out of memory, a crash in native code)
the task it held is known exactly.  That task runs again on a fresh worker; a
task that has killed ``allowed_failures + 1`` workers is given up and reported
as :class:`~verify.run.seam.TaskFailed` (never silently dropped), the same
rule as Dask's ``distributed.scheduler.allowed-failures`` (default 3).

Workers ignore Ctrl-C (the caller handles it and stops them), leave when the caller dies
(Linux: the parent-death signal; elsewhere when their pipe closes), and are stopped
(SIGTERM, then SIGKILL) when the pool closes or a deadline passes; on SIGTERM a worker
kills the programs it started (a ``--cmd`` solver and what it forked) first.

An exception raised by a task is raised again in the caller, with the worker's
traceback as its ``__cause__``.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, Optional

from verify.run.imports import settle
from verify.run.seam import TaskFailed, emit, listen
from verify.subject.process import sweep_started_by

ALLOWED_FAILURES = 3


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker (attached as ``__cause__``)."""

    def __str__(self) -> str:
        return "\n" + self.args[0]


def _children() -> list[int]:
    """This process's child processes (Linux: /proc; elsewhere none known)."""
    out = []
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _stopped(signum, frame) -> None:
    """SIGTERM from the pool: kill the programs this worker started (a solver under test
    runs in a session of its own: its process group is its pid), then leave at once.
    Raising SystemExit is not enough: Hypothesis, catching it mid-search, would go on
    and start new programs.
    """
    for pid in _children():
        for kill in (
            lambda: os.killpg(pid, signal.SIGKILL),
            lambda: os.kill(pid, signal.SIGKILL),
        ):
            try:
                kill()
            except OSError:
                pass
    os._exit(1)


def _die_with(parent: int) -> None:
    """SIGTERM when the caller dies (Linux; strictly: when the thread that started us
    ends, the pool's caller).  The pipe's EOF is not enough with fork: a worker forked
    later holds a copy of this worker's pipe end, so two orphans would keep each other
    alive."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the caller died before prctl took effect
        _stopped(signal.SIGTERM, None)


def _watch(parent: int) -> None:
    """A worker started with ``subprocess`` (no parent-death signal: it would follow a
    Dask worker's thread): leave, killing the programs it started, once the caller is
    gone."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        _stopped(signal.SIGTERM, None)

    threading.Thread(target=watch, daemon=True, name="caller-watch").start()


def _send_event(conn, index: int, event) -> None:
    try:
        conn.send((index, "event", event))
    except (OSError, EOFError):  # the caller is gone: the SIGTERM or the watch ends us
        pass
    # an event that does not pickle is not worth a failed task
    except Exception:  # noqa: BLE001
        pass


def _worker_main(conn, preload: tuple[str, ...], parent: Optional[int] = None) -> None:
    # the caller handles Ctrl-C and stops us
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stopped)
    if parent is None:
        _watch(os.getppid())
    elif sys.platform.startswith("linux"):
        _die_with(parent)
    if preload is not None:  # None: a pool whose tasks need no settled imports (audit)
        settle(preload)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the caller is gone
            return
        if msg is None:
            return
        index, fn, arg = msg
        listen(functools.partial(_send_event, conn, index))
        try:
            out = ("ok", fn(arg))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out = ("error", (exc, traceback.format_exc()))
        try:
            conn.send((index,) + out)
        # the caller is gone: nobody to tell
        except (
            BrokenPipeError,
            ConnectionError,
            EOFError,
        ):
            _stopped(signal.SIGTERM, None)
        except Exception as exc:  # the result or the exception does not pickle
            try:
                conn.send(
                    (
                        index,
                        "error",
                        (
                            RuntimeError(
                                f"cannot send the result back: {type(exc).__name__}: "
                                f"{exc}"
                            ),
                            traceback.format_exc(),
                        ),
                    )
                )
            except (OSError, EOFError):
                _stopped(signal.SIGTERM, None)


class _Child:
    """A worker started with ``subprocess`` (``start="subprocess"``): the process-like
    handle the pool needs.  Used where multiprocessing may not start children (inside
    a daemonic process, such as a Dask worker); its death shows as EOF on the pipe."""

    sentinel = None

    def __init__(self, preload):
        mine, theirs = socket.socketpair()
        # the caller's path, also entries pytest or Dask added
        path = os.pathsep.join(p for p in sys.path if p)
        env = dict(os.environ, PYTHONPATH=path)
        # no parent-death signal here (it follows the starting thread, a Dask worker
        # thread); a
        # subprocess inherits no other pipe, so EOF on its own shows that the caller is
        # gone
        self.popen = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "verify.run.pool",
                str(theirs.fileno()),
                "-",
                *(preload or ()),
            ],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(mine.detach())

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout=None) -> None:
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    def terminate(self) -> None:
        self.popen.terminate()

    def kill(self) -> None:
        self.popen.kill()

    @property
    def exitcode(self):
        return self.popen.poll()


class _Worker:
    def __init__(self, ctx, preload):
        self.proc: _Child | multiprocessing.process.BaseProcess
        if ctx is None:
            self.proc = _Child(preload)
            self.conn = self.proc.conn
        else:
            self.conn, child = ctx.Pipe()
            self.proc = ctx.Process(
                target=_worker_main, args=(child, preload, os.getpid()), daemon=True
            )
            assert isinstance(self.proc, multiprocessing.process.BaseProcess)
            self.proc.start()
            child.close()
        self.task: Optional[int] = None  # the index it runs

    def stop(self, grace: float = 1.0) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(grace)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        pid = getattr(self.proc, "pid", None) or getattr(
            getattr(self.proc, "popen", None), "pid", None
        )
        # killed or out of memory: the solvers it started, and their forks, die with it
        if pid:
            sweep_started_by(pid)


class ProcessPool:
    """``workers`` local processes running tasks one at a time each.

    ``start``: ``fork`` (fast; the workers inherit the caller's imports), ``spawn``
    (fresh interpreters: no state shared through fork, as the proofs want), or
    ``subprocess`` (fresh interpreters started without multiprocessing).  ``preload``:
    the modules every worker settles before its first task (verify/run/imports.py);
    ``None``: none, for tasks whose results do not depend on the imported modules
    (``audit``'s chunks).

    >>> with ProcessPool(2) as pool:
    ...     sorted(pool.imap(abs, [-3, 1, -2]))
    [(0, 3), (1, 1), (2, 2)]
    """

    def __init__(
        self,
        workers: int,
        start: str = "fork",
        preload: Optional[Iterable[str]] = (),
        allowed_failures: int = ALLOWED_FAILURES,
    ):
        if start == "fork" and sys.platform == "win32":
            start = "spawn"
        self.ctx = None if start == "subprocess" else multiprocessing.get_context(start)
        self.size = max(1, workers)
        self.preload = None if preload is None else tuple(preload)
        self.allowed_failures = allowed_failures
        self.workers: list[_Worker] = []

    def __enter__(self) -> "ProcessPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        workers, self.workers = self.workers, []
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in workers:
            w.proc.join(0.5)
            w.stop()

    def imap(
        self,
        fn: Callable,
        args: Iterable[Any],
        deadline: Optional[float] = None,
        names: Callable[[int], str] = str,
    ) -> Iterator[tuple[int, Any]]:
        """``(index, fn(arg))`` as tasks finish; stops (and stops the running tasks) at
        ``deadline`` (``time.monotonic()``).  A task that keeps killing workers yields a
        :class:`TaskFailed` named ``names(index)``."""
        source = iter(enumerate(args))
        retry: deque = deque()
        deaths: dict[int, int] = {}
        held: dict[int, Any] = {}  # index -> arg, while a worker runs it
        exhausted = False
        try:
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    return  # the finally clause stops what still runs
                for w in [
                    w for w in self.workers if w.task is None and not w.proc.is_alive()
                ]:
                    self.workers.remove(w)  # died between tasks: nothing to charge
                    w.stop()
                while len(self.workers) < self.size:
                    self.workers.append(_Worker(self.ctx, self.preload))
                for w in self.workers:
                    if w.task is not None:
                        continue
                    if retry:
                        i, arg = retry.popleft()
                    elif not exhausted:
                        try:
                            i, arg = next(source)
                        except StopIteration:
                            exhausted = True
                            continue
                    else:
                        continue
                    try:
                        w.conn.send((i, fn, arg))
                    except (BrokenPipeError, EOFError, ConnectionError):
                        # not started: the next round gives it another worker
                        retry.appendleft((i, arg))
                        continue
                    held[i] = arg
                    w.task = i
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    return
                timeout = (
                    None if deadline is None else max(0.0, deadline - time.monotonic())
                )
                ready = wait(
                    [w.conn for w in busy]
                    + [w.proc.sentinel for w in busy if w.proc.sentinel is not None],
                    timeout,
                )
                if not ready:  # the deadline passed: stop what runs, start nothing more
                    return
                for w in busy:
                    if w.conn in ready:
                        try:
                            i, status, value = w.conn.recv()
                        except (EOFError, OSError):
                            status = None
                        else:
                            # the task still runs: pass it on in this process
                            if status == "event":
                                emit(value)
                                continue
                            w.task = None
                            held.pop(i, None)
                            if status == "ok":
                                yield i, value
                                continue
                            exc, tb = value
                            raise exc from RemoteTraceback(tb)
                    if w.task is not None and (
                        w.proc.sentinel in ready or not w.proc.is_alive()
                    ):
                        w.proc.join(0.1)
                        if w.proc.is_alive():
                            continue
                        i, code = w.task, w.proc.exitcode
                        w.task = None
                        self.workers.remove(w)
                        w.stop()
                        deaths[i] = deaths.get(i, 0) + 1
                        if deaths[i] > self.allowed_failures:
                            held.pop(i, None)
                            why = (
                                f"killed {deaths[i]} worker processes (last exit"
                                f" {_exit(code)}); given up after"
                                f" {self.allowed_failures} retries"
                            )
                            yield i, TaskFailed(names(i), why)
                        else:
                            retry.append((i, held[i]))
        finally:
            for w in self.workers:
                # stopped early (deadline, error, Ctrl-C): its task is abandoned
                if w.task is not None:
                    w.stop()
            self.workers = [
                w for w in self.workers if w.task is None and w.proc.is_alive()
            ]


def _exit(code: Optional[int]) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


def cpu_count() -> int:
    """The cores this process may use (the default number of workers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# a worker started with start="subprocess": python -m verify.run.pool FD - [MODULE...]
if __name__ == "__main__":
    _worker_main(
        Connection(int(sys.argv[1])),
        tuple(sys.argv[3:]),
        None if sys.argv[2] == "-" else int(sys.argv[2]),
    )

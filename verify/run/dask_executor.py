"""Tasks on Dask distributed: ``--dask ADDRESS`` or ``--dask local:N`` (optional extra
``.[dask]``).

``--dask tcp://host:8786`` connects to a running scheduler (``dask scheduler``,
an SSH cluster, a dask-jobqueue SLURM/PBS cluster: anything with a scheduler
address; docs/distributed.md).  ``--dask local:N`` starts a ``LocalCluster`` of N
worker processes, one thread each, for the length of the run.

What a worker does with a task (:func:`run_on_worker`): one task at a time per
process (a lock: Hypothesis and Z3 keep process-wide state, so a worker started
with several threads runs our tasks one after the other), the same imported
modules as the caller (:func:`verify.run.imports.settle`), and a task that needs
the main thread (a Python solver's per-call timeout is a SIGALRM, which only the
main thread receives) runs in a child process of the worker started for that
(:class:`verify.run.pool.ProcessPool`, ``start="subprocess"``), kept for later tasks.

Every task carries the caller's run fingerprint (:mod:`verify.run.fingerprint`); a
worker with other code refuses it, and the run ends with one line (exit 2).

Faults: a worker that dies mid-task is replaced and the task runs again on
another worker (Dask's scheduler does this); a task during which
``distributed.scheduler.allowed-failures`` + 1 workers died (default 4) comes
back as :class:`~verify.run.seam.TaskFailed` (Dask's ``KilledWorker``), never
dropped.  A lost scheduler raises :class:`~verify.run.executor.ExecutorLost`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from typing import Any, Callable, Iterable, Optional

from solver.errors import OtherCode
from verify.run.fingerprint import run_fingerprint
from verify.run.imports import settle
from verify.run.pool import ProcessPool
from verify.run.seam import Executor, ExecutorLost, ExecutorUnavailable, TaskFailed

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler
WORKER_WAIT = 60.0  # seconds to wait for the first worker of a scheduler that has none
INSTALL = 'pip install -e ".[dask]"'
QUIET_LOGGERS = (
    "distributed.client",
    "distributed.comm",
    "distributed.core",
    "distributed.batched",
)

_lock = threading.Lock()
_child: Optional[ProcessPool] = None
_mine: Optional[str] = None


def run_on_worker(
    fn: Callable,
    arg: Any,
    preload: tuple[str, ...],
    main_thread: bool,
    fingerprint: Optional[str] = None,
) -> Any:
    """What a Dask worker runs for one task (see the module docstring).

    ``fingerprint``: the caller's run fingerprint; a worker whose code differs refuses
    the task (:class:`OtherCode`), so a cluster with a stale checkout cannot mix its
    results into a run.
    """
    global _child, _mine
    with _lock:
        if fingerprint is not None:
            if _mine is None:
                _mine = run_fingerprint()
            if _mine != fingerprint:
                import socket

                raise OtherCode(
                    f"the Dask worker on {socket.gethostname()} runs other code (run"
                    f" fingerprint {_mine[:12]}, this run {fingerprint[:12]}): install"
                    " the same checkout and library versions on every worker"
                )
        settle(preload)
        if not main_thread or threading.current_thread() is threading.main_thread():
            return fn(arg)
        if _child is None or _child.preload != tuple(preload):
            if _child is not None:
                _child.close()
            _child = ProcessPool(1, start="subprocess", preload=preload)
        for _, result in _child.imap(
            fn, [arg], names=lambda i: getattr(fn, "__name__", "task")
        ):
            return result
        # not reached: imap yields once
        raise RuntimeError("the worker's child process returned nothing")


def parse_address(address: str) -> tuple[Optional[str], Optional[int]]:
    """``(scheduler address, None)`` or ``(None, N)`` for ``local:N``;
    :class:`ExecutorUnavailable` if malformed.

    >>> parse_address("local:2"), parse_address("10.0.0.5:8786")
    ((None, 2), ('tcp://10.0.0.5:8786', None))
    >>> parse_address("tls://h:8786")
    ('tls://h:8786', None)
    >>> parse_address("local:0")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    solver.errors.ExecutorUnavailable: --dask local:N needs N >= 1 workers, got
    'local:0'
    """
    if address.startswith("local:"):
        n = address[len("local:") :]
        if not n.isdigit() or int(n) < 1:
            raise ExecutorUnavailable(
                f"--dask local:N needs N >= 1 workers, got {address!r}"
            )
        return None, int(n)
    if not address or any(c.isspace() for c in address):
        raise ExecutorUnavailable(
            f"--dask: not a scheduler address: {address!r} (e.g. tcp://host:8786 or"
            " local:4)"
        )
    return (address if "://" in address else f"tcp://{address}"), None


class DaskExecutor(Executor):
    """Run tasks on a Dask cluster (the scheduler at ``address``, or ``local:N``)."""

    def __init__(self, address: str, preload: Iterable[str] = ()):
        scheduler, n = parse_address(address)
        try:
            import distributed
        except ImportError:
            raise ExecutorUnavailable(
                f"--dask needs the optional dependency 'distributed': {INSTALL}"
            ) from None
        self.preload = tuple(preload)
        self.address = address
        self.fingerprint = run_fingerprint()
        # reconnect attempts log tracebacks; the run says what happened in one line
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.cluster = None
        self.outstanding: set = set()  # futures submitted and not yet handed back
        if n is not None:
            self.cluster = distributed.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.CRITICAL,
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
            self.label = f"Dask LocalCluster of {n} workers"
        else:
            try:
                self.client = distributed.Client(
                    scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
                )
            except (OSError, TimeoutError) as exc:
                raise ExecutorUnavailable(
                    f"cannot reach the Dask scheduler at {scheduler}: {_one_line(exc)}"
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=WORKER_WAIT)
            except (OSError, TimeoutError):
                self.close()
                raise ExecutorUnavailable(
                    f"no Dask worker joined the scheduler at {scheduler} "
                    f"within {WORKER_WAIT:g} s"
                ) from None
            self.label = f"Dask scheduler {scheduler}"
        info = self.client.scheduler_info()["workers"]
        self.workers = max(1, len(info))
        self.threads = {w.get("nthreads", 1) for w in info.values()}
        if n is None:
            self.label += f" ({self.workers} workers)"

    def warnings(self) -> list[str]:
        """What the user should know about the cluster (workers with several
        threads)."""
        if any(t > 1 for t in self.threads):
            return [
                f"note: some Dask workers have {max(self.threads)} threads; each"
                " process runs one task at a time, so start workers with --nthreads 1"
                " --nworkers N to use N cores"
            ]
        return []

    def _window(self) -> int:
        try:
            self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        except Exception:  # noqa: BLE001 - lost scheduler: the futures say so
            pass
        return max(16, 4 * self.workers)

    def imap(self, tasks, deadline=None):
        import distributed

        Cancelled: type[BaseException]
        try:
            from distributed.client import FutureCancelledError as Cancelled
        except ImportError:  # older distributed
            from concurrent.futures import CancelledError as Cancelled
        source = iter(enumerate(tasks))
        index: dict[Any, int] = {}  # future key (the str we gave) -> task
        names: dict[int, str] = {}
        if self.outstanding:  # left by an earlier run stopped half way
            self.client.cancel(list(self.outstanding))
            self.outstanding.clear()
        running = self.outstanding
        exhausted = False
        last_window, window = 0.0, self._window()
        while True:
            if time.monotonic() - last_window > 2.0:
                last_window, window = time.monotonic(), self._window()
            while (
                not exhausted
                and len(running) < window
                and (deadline is None or time.monotonic() < deadline)
            ):
                try:
                    i, task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                key = f"{_key(task.what)}-{i}-{uuid.uuid4().hex[:12]}"
                try:
                    fut = self.client.submit(
                        run_on_worker,
                        task.fn,
                        task.arg,
                        self.preload,
                        task.main_thread,
                        self.fingerprint,
                        key=key,
                        pure=False,
                    )
                # the client is closed or cannot reach the scheduler
                except Exception as exc:  # noqa: BLE001
                    raise self._lost(exc) from None
                index[fut.key], names[i] = i, task.what
                running.add(fut)
            if not running:
                return
            timeout = (
                2.0
                if deadline is None
                else max(0.0, min(2.0, deadline - time.monotonic()))
            )
            try:
                # distributed.wait asks for the current client
                with self.client.as_current():
                    done, _ = distributed.wait(
                        list(running), timeout=timeout, return_when="FIRST_COMPLETED"
                    )
            except TimeoutError:
                done = set()
            # the connection to the scheduler broke
            except Exception as exc:  # noqa: BLE001
                raise self._lost(exc) from None
            if not done and deadline is not None and time.monotonic() >= deadline:
                self.client.cancel(list(running))
                running.clear()
                return
            for fut in sorted(done, key=lambda f: index[f.key]):
                running.discard(fut)
                i = index.pop(fut.key)
                if fut.status == "finished":
                    try:
                        value = fut.result()
                    # finished, yet not fetched: the connection broke
                    except Exception as exc:  # noqa: BLE001
                        raise self._lost(exc) from None
                    yield i, value
                elif fut.status == "cancelled":
                    raise self._lost(_cancel_reason(fut))
                else:  # "error"
                    try:
                        error = fut.exception()
                    # the error could not be fetched
                    except Exception as lost:  # noqa: BLE001
                        raise self._lost(lost) from None
                    if isinstance(error, Cancelled):
                        raise self._lost(error)
                    if isinstance(error, distributed.KilledWorker):
                        yield (
                            i,
                            TaskFailed(
                                names[i],
                                f"the Dask workers running it died: {_one_line(error)}",
                            ),
                        )
                    else:
                        raise error
                try:
                    fut.release()
                # nothing to release once the scheduler is gone
                except Exception:  # noqa: BLE001
                    pass

    def _lost(self, exc) -> ExecutorLost:
        # no reconnect tracebacks after the line
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        text = _one_line(exc)
        if "scheduler-connection-lost" in text:
            text = "the connection to it broke (scheduler-connection-lost)"
        return ExecutorLost(f"lost the Dask scheduler {self.address}: {text}")

    def close(self) -> None:
        # shutting down is not news
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        try:
            if self.outstanding:
                self.client.cancel([f for f in self.outstanding if not f.done()])
        except Exception:  # noqa: BLE001 - the scheduler may be gone already
            pass
        self.outstanding = set()
        try:
            self.client.close(timeout=5)
        except Exception:  # noqa: BLE001
            pass
        if self.cluster is not None:
            try:
                self.cluster.close(timeout=10)
            except Exception:  # noqa: BLE001
                pass
            self.cluster = None


def _key(what: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "_", what)[:60] or "task"


def _cancel_reason(fut) -> str:
    try:
        fut.result(timeout=0)
    except Exception as exc:  # noqa: BLE001
        return _one_line(exc)
    return "the task was cancelled"


def _one_line(exc) -> str:
    text = str(exc) if not isinstance(exc, str) else exc
    text = " ".join(text.split()) or type(exc).__name__
    return text[:300]

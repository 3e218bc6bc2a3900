"""A Python selector in a process of its own: the *selector worker*.

No user code is interrupted in a process that is then reused.  A Python selector
(``package.module:function``, ``--native``, or a function object handed to
:func:`verify.check_solver`) is called in a worker process forked for it; the
process that searches never runs the selector's code, so nothing the selector
does (a half-finished ``import torch``, a swallowed alarm, ``sys.exit()``, a
segfault in native code) can leave the search in a broken state.

Terminology
-----------
selector worker
    One forked process (:class:`SelectorWorker`) in a session of its own, with the
    marker of :mod:`verify.subject.process` in its environment, that dies with the
    thread that started it (Linux: ``PR_SET_PDEATHSIG``).  It answers calls one at a
    time over two pipes (length-prefixed pickles); the selector's own stdin is
    ``/dev/null``.
start-up
    Before its first timed call, each worker imports the selector's module and makes
    one *warm-up call* on a trivial instance, both within ``startup`` seconds
    (``--startup-timeout``, default :data:`DEFAULT_STARTUP`).  A start-up that fails
    (the import raises, the warm-up raises, crashes or runs out of time) is
    :class:`~solver.errors.SetupError` before a run (exit 2, one line naming the
    module and the exception; :func:`verify.subject.spec.preflight`), never a
    finding; a start during a run that fails makes that case inconclusive
    (:class:`~solver.errors.Inconclusive`).
timed call
    Each call has ``timeout`` seconds.  Past it, the worker and everything it started
    are swept (:func:`verify.subject.process.sweep`) and the call is a ``timeout``
    finding; the next call gets a fresh worker (start-up again, not timed).  A
    worker that dies during a call is a ``crashed`` finding.

Cost (docs/test-solver.md): a fork per worker start, one round trip over a pipe per
call (tens of microseconds for a small instance).
"""

from __future__ import annotations

import os
import pickle
import secrets
import selectors
import signal
import struct
import sys
import time
from typing import Any, Callable, Optional

from solver.durations import wait_slice
from solver.errors import Inconclusive, SetupError, SolverFault, Unsupported
from solver.messages import abbreviate
from solver.model import Instance
from solver.selection import Selection
from solver.verdicts import FailureKind
from verify.subject import process

DEFAULT_STARTUP = (
    120.0  # seconds for a worker's import and warm-up call (--startup-timeout)
)
_HEAD = struct.Struct("!Q")
# a reply is a parsed selection: bounded by the adapter's output cap
_MAX_REPLY = 64 * 2**20


class _Gone(Exception):
    """The worker's pipe closed: it exited or was killed."""


class SelectorWorker:
    """``(Instance) -> Selection`` for a Python selector, each call in a worker process.

    ``make`` builds, in the worker, the in-process adapter (no timeout) from the
    selector: :func:`verify.subject.adapters.adapt_callable` or ``adapt_native``.
    ``fn`` is the selector itself (inherited by the fork), or ``load`` imports it in
    the worker (``module`` names it in messages).  ``warmup``: the trivial instance of
    the warm-up call (None: the import only).

    >>> from solver.parse import parse_instance
    >>> from verify.subject.adapters import adapt_callable
    >>> w = SelectorWorker(adapt_callable, timeout=5,
    ...                    fn=lambda obj: {"status": "OK", "selected": {"r": [0]}})
    >>> r = {"id": "r", "target": 1, "parent": [-1], "prob": [1]}
    >>> w(parse_instance({"budget": 0, "requests": [r]})).selected
    {'r': (0,)}
    >>> w.close()
    """

    def __init__(
        self,
        make: Callable[[Callable], Callable[[Instance], Selection]],
        *,
        fn: Optional[Callable] = None,
        load: Optional[Callable[[], Callable]] = None,
        module: Optional[str] = None,
        timeout: float = 10.0,
        startup: Optional[float] = None,
        warmup: Optional[Instance] = None,
    ):
        if (fn is None) == (load is None):
            raise ValueError(
                "give the selector (fn) or how to import it (load), exactly one"
            )
        self.make, self.fn, self.load = make, fn, load
        self.timeout = timeout
        self.startup = DEFAULT_STARTUP if startup is None else startup
        self.warmup = warmup
        self.pid: Optional[int] = None
        self.starts = 0
        self.module = module or getattr(fn, "__module__", None) or "?"
        self.__name__ = getattr(fn, "__name__", None) or "solve"

    # ---------------------------------------------------------------- the parent's side
    def start(self, setup: bool = True) -> None:
        """Fork a worker and wait for its import and warm-up.  If they fail:
        :class:`SetupError` (``setup``: before a run, exit 2), else
        :class:`Inconclusive` (a restart during a run: that case is undecided, never a
        finding)."""
        self.close()
        # what is buffered here must not be printed twice
        for f in (
            sys.stdout,
            sys.stderr,
        ):
            try:
                f.flush()
            except (OSError, ValueError):
                pass
        process.become_subreaper()
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        token = f"{os.getpid()}-{secrets.token_hex(8)}"
        started = process._boot_ticks_now()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            try:
                os.close(req_w)
                os.close(rep_r)
                _worker(req_r, rep_w, token, parent, self)
            finally:
                os._exit(70)
        os.close(req_r)
        os.close(rep_w)
        self.pid, self.token, self.started = pid, token, started
        self.req, self.rep = req_w, rep_r
        process._STARTED.add(pid)
        self.starts += 1
        try:
            status, value = self._receive(time.monotonic() + self.startup)
        except (_Gone, process.Timeout) as exc:
            code = self._end(wait=1.0 if isinstance(exc, _Gone) else 0.0)
            why = (
                f"no answer within --startup-timeout {self.startup:g} s"
                if isinstance(exc, process.Timeout)
                else f"the worker {_exit_text(code)}"
            )
            self._fail(f"{why} (import and warm-up call)", setup)
        if status != "ready":
            self._end()
            self._fail(value, setup)

    def _fail(self, why: str, setup: bool):
        text = (
            f"the selector in module {self.module!r} cannot start:"
            f" {abbreviate(why, 300)}"
        )
        if not setup:
            raise Inconclusive(f"a fresh selector worker could not start: {text}")
        raise SetupError(text)

    def __call__(self, instance: Instance) -> Selection:
        if self.pid is None or not self._alive():
            self.start(setup=False)
        try:
            self._send(
                pickle.dumps(instance, protocol=pickle.HIGHEST_PROTOCOL),
                time.monotonic() + self.timeout,
            )
            status, value = self._receive(time.monotonic() + self.timeout)
        except process.Timeout:
            self._end()
            raise SolverFault(
                f"solver gave no answer within the timeout of {self.timeout:g} s"
                " (hangs?)",
                kind=FailureKind.TIMEOUT,
                rule="timeout",
            ) from None
        except _Gone:
            code = self._end(wait=1.0)
            raise SolverFault(
                f"solver process {_exit_text(code)} during the call",
                kind=FailureKind.CRASHED,
                rule="exit",
            ) from None
        if status == "ok":
            return value
        if status == "declined":
            raise Unsupported(value)
        message, kind, rule = value
        raise SolverFault(message, kind=kind, rule=rule)

    def _alive(self) -> bool:
        assert self.pid is not None, "asked only of a started worker"
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        if done:
            self._end()
            return False
        return True

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(_HEAD.pack(len(data)) + data)
        os.set_blocking(self.req, False)
        with selectors.DefaultSelector() as sel:
            sel.register(self.req, selectors.EVENT_WRITE)
            while view.nbytes:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise process.Timeout()
                if not sel.select(wait_slice(left)):
                    continue
                try:
                    n = os.write(self.req, view[: 2**16])
                except BlockingIOError:
                    continue
                except OSError:
                    raise _Gone() from None
                view = view[n:]

    def _receive(self, deadline: float) -> tuple[str, Any]:
        head = self._read(_HEAD.size, deadline)
        (n,) = _HEAD.unpack(head)
        if n > _MAX_REPLY:
            raise _Gone()
        return pickle.loads(self._read(n, deadline))

    def _read(self, n: int, deadline: float) -> bytes:
        out = bytearray()
        os.set_blocking(self.rep, False)
        with selectors.DefaultSelector() as sel:
            sel.register(self.rep, selectors.EVENT_READ)
            while len(out) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise process.Timeout()
                if not sel.select(wait_slice(left)):
                    continue
                try:
                    data = os.read(self.rep, min(n - len(out), 2**20))
                except BlockingIOError:
                    continue
                if not data:
                    raise _Gone()
                out += data
        return bytes(out)

    def _end(self, wait: float = 0.0) -> Optional[int]:
        """Sweep the worker and everything it started; its exit status (None: unknown).
        ``wait``: seconds to let a worker that closed its pipe finish exiting (to say
        how)."""
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        for fd in (self.req, self.rep):
            try:
                os.close(fd)
            except OSError:
                pass
        code = None
        end = time.monotonic() + wait
        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() >= end:
                break
            time.sleep(0.01)
        process.sweep(pid, self.token, self.started)
        if code is None:
            try:
                _, status = os.waitpid(pid, 0)
                code = os.waitstatus_to_exitcode(status)
                # killed by our sweep: no news
                code = None if code == -signal.SIGKILL else code
            except ChildProcessError:
                pass
        process._STARTED.discard(pid)
        return code

    def close(self) -> None:
        """End the worker (and what it started)."""
        self._end()

    # pragma: no cover - a forgotten worker dies with its parent anyway
    def __del__(
        self,
    ):
        try:
            self._end()
        except Exception:  # noqa: BLE001
            pass


def _exit_text(code: Optional[int]) -> str:
    if code is None:
        return "ended"
    if code < 0:
        try:
            return f"was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


# ---------------------------------------------------------------- the worker's side


def _worker(req: int, rep: int, token: str, parent: int, spec: SelectorWorker) -> None:
    os.setsid()
    os.environ[process.MARKER] = (
        token  # what it starts carries the marker (the sweep finds it)
    )
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    process.die_with_parent(parent)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    def reply(status: str, value: Any) -> None:
        try:
            data = pickle.dumps((status, value), protocol=pickle.HIGHEST_PROTOCOL)
        # an unpicklable answer (our Selection always pickles)
        except Exception as exc:  # noqa: BLE001
            data = pickle.dumps(
                (
                    "fault",
                    (
                        f"solver answer cannot be sent back: {type(exc).__name__}",
                        FailureKind.MALFORMED,
                        "answer",
                    ),
                )
            )
        data = _HEAD.pack(len(data)) + data
        view = memoryview(data)
        while view.nbytes:
            view = view[os.write(rep, view) :]

    def read(n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            data = os.read(req, n - len(out))
            if not data:
                os._exit(0)  # the parent closed the pipe: done
            out += data
        return bytes(out)

    try:
        if spec.fn is not None:
            fn = spec.fn
        else:
            assert spec.load is not None, "fn or load: __init__ checked"
            fn = spec.load()
        solve = spec.make(fn)
    except BaseException as exc:  # noqa: BLE001 - the module's own error at import time
        reply("setup", _error_text(exc))
        return
    if spec.warmup is not None:
        status, value = _answer(solve, spec.warmup)
        if status == "fault" and value[1] in (
            FailureKind.RAISED,
            FailureKind.TIMEOUT,
            FailureKind.CRASHED,
        ):
            reply("setup", f"the warm-up call on a trivial instance failed: {value[0]}")
            return
    reply("ready", None)
    while True:
        (n,) = _HEAD.unpack(read(_HEAD.size))
        instance = pickle.loads(read(n))
        reply(*_answer(solve, instance))


def _answer(
    solve: Callable[[Instance], Selection], instance: Instance
) -> tuple[str, Any]:
    try:
        return "ok", solve(instance)
    except SolverFault as exc:
        return "fault", (str(exc), exc.kind, exc.rule)
    except Unsupported as exc:
        return "declined", str(exc)
    # SystemExit, KeyboardInterrupt: the selector's doing
    except BaseException as exc:  # noqa: BLE001
        return "fault", (
            f"solver raised {type(exc).__name__}: {_text(exc)}",
            FailureKind.RAISED,
            type(exc).__name__,
        )


def _text(exc: BaseException) -> str:
    try:
        return abbreviate(str(exc), 200)
    except Exception:  # noqa: BLE001
        return f"<{type(exc).__name__} whose message cannot be printed>"


def _error_text(exc: BaseException) -> str:
    # verify.subject.spec's: it names the module already
    if type(exc).__name__ == "SpecError":
        return _text(exc)
    return f"{type(exc).__name__}: {_text(exc)}"

"""Adapters that turn a solver that is not ours into what the properties call.

The properties of :mod:`verify.search.properties` call a solver as ``(Instance) -> Selection``.
A solver under test is reached through a *solver spec*:

``registry``  one of our own solvers by name (``reference``, ``paper-alg1``, ...):
              called natively, no adapter.
``native``    ``package.module:function`` taking an :class:`~solver.model.Instance`
              and returning a :class:`~solver.selection.Selection` (what
              ``python -m verify --solver module:function`` loads).
``callable``  ``package.module:function`` taking the instance as the JSON dict of
              docs/format.md and returning a selection dict (``test-solver``'s
              Python form).
``cmd``       a program (``--cmd "prog args"``, split like a shell does, no shell):
              it reads one instance JSON on stdin and writes one selection JSON on
              stdout; exit code 3 declines the input.

What the solver receives: the instance dict of :meth:`Instance.to_json`, numbers as
exact fraction strings (``"target": "8/5"``, ``"prob": ["1", "7/10", ...]``);
``fractions.Fraction("7/10")`` or ``float(Fraction("7/10"))`` reads them.  Its answer
is read exactly as a selection file is (docs/format.md): ``objective`` is optional
and never trusted, the checker recomputes every value from the selected nodes.

What comes back:

* ``{"status": "UNSUPPORTED", "reason": ...}`` (or exit code 3 under ``cmd``, or
  :class:`~solver.errors.Unsupported` raised by a Python solver):
  the input is *declined*; :func:`verify.search.properties.run_solver` raises
  :class:`~solver.errors.Declined` and the campaign counts it, unjudged.
* anything the solver does wrong as a program (raises, crashes, exits non-zero,
  hangs past the per-call timeout, prints malformed JSON or a malformed selection)
  raises :class:`~solver.errors.SolverFault`: the property turns it into a
  finding with the input that caused it.
* naming unknown requests or nodes out of range is a well-formed answer that the
  feasibility checker rejects (rule ``format``): also a finding.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]})
>>> def mine(obj):                       # a solver on the JSON dict
...     return {"status": "OK", "selected": {"r": [0, 1]}}
>>> adapt_callable(mine)(inst).selected
{'r': (0, 1)}
>>> adapt_callable(lambda obj: {"status": "OK"})(inst)
Traceback (most recent call last):
...
solver.errors.SolverFault: solver answered a malformed selection: selected: an OK selection needs an object mapping request ids to node lists
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from contextlib import contextmanager
from typing import Any, Callable

from solver.errors import SelectionFormatError, SolverFault, Unsupported
from solver.model import Instance
from solver.numbers import loads_exact
from solver.selection import UNSUPPORTED, Selection, parse_selection

DECLINE_EXIT = 3       # a --cmd program exits with this code to decline an input
DEFAULT_TIMEOUT = 10.0  # seconds per call


# ------------------------------------------------------------------ answers

def _jsonable(obj: Any) -> Any:
    """json.dumps fallback: numpy/torch integers and arrays, sets, Fractions."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "__index__"):
        return obj.__index__()
    if isinstance(obj, (set, frozenset)):
        items = [x.__index__() if hasattr(x, "__index__") else x for x in obj]
        try:
            return sorted(items)
        except TypeError:
            return items
    from fractions import Fraction

    if isinstance(obj, Fraction):
        return str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON")


def read_answer(text: str) -> Selection:
    """A selection from the solver's JSON text; :class:`SolverFault` when it is not one."""
    if not text.strip():
        raise SolverFault("solver printed no selection (empty output)")
    try:
        obj = loads_exact(text)
    except (ValueError, RecursionError) as exc:
        raise SolverFault(f"solver printed malformed JSON: {exc}: {_clip(text)}") from None
    return _parse(obj)


def _parse(obj: Any) -> Selection:
    try:
        return parse_selection(obj)
    except SelectionFormatError as exc:
        raise SolverFault(f"solver answered a malformed selection: {exc.one_line()}") from None


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= n else text[:n] + "...")


# ------------------------------------------------------------------ adapters

class _Timeout(BaseException):
    """Raised by the alarm inside a Python solver (BaseException: its ``except Exception`` won't eat it)."""


@contextmanager
def _alarm(seconds: float | None):
    """Interrupt the block after ``seconds`` (main thread on POSIX; elsewhere no limit)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def ring(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _call(fn: Callable, arg: Any, timeout: float | None) -> Any:
    try:
        with _alarm(timeout):
            return fn(arg)
    except _Timeout:
        raise SolverFault(f"solver gave no answer within the timeout of {timeout:g} s (hangs?)") from None
    except Unsupported:  # the selector declines this input: not a finding
        raise
    except Exception as exc:
        raise SolverFault(f"solver raised {type(exc).__name__}: {exc}") from exc


def adapt_native(fn: Callable[[Instance], Selection], timeout: float | None = None):
    """A ``(Instance) -> Selection`` callable, with the per-call timeout."""
    def solve(instance: Instance) -> Selection:
        return _call(fn, instance, timeout)
    solve.__name__ = getattr(fn, "__name__", "solve")
    return solve


def adapt_callable(fn: Callable[[dict], Any], timeout: float | None = None):
    """A callable on the instance JSON dict, read back exactly as a selection file would be."""
    def solve(instance: Instance) -> Selection:
        out = _call(fn, instance.to_json(), timeout)  # a fresh dict per call: mutating it is harmless
        if isinstance(out, Selection):
            return out
        if not isinstance(out, dict):
            raise SolverFault(f"solver returned {type(out).__name__}, not a selection dict")
        try:  # the same reading as --cmd: through JSON text, so numpy ints and floats behave alike
            text = json.dumps(out, default=_jsonable)
        except (TypeError, ValueError) as exc:
            raise SolverFault(f"solver returned a dict that is not JSON: {exc}") from None
        return read_answer(text)
    solve.__name__ = getattr(fn, "__name__", "solve")
    return solve


def adapt_command(argv: list[str], timeout: float | None = DEFAULT_TIMEOUT):
    """A program: instance JSON on stdin, selection JSON on stdout, exit 3 to decline."""
    def solve(instance: Instance) -> Selection:
        text = json.dumps(instance.to_json())
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, start_new_session=True)
        except OSError as exc:
            raise SolverFault(f"solver program {argv[0]!r} cannot start: {exc.strerror or exc}") from None
        try:
            out, err = proc.communicate(text, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise SolverFault(f"solver gave no answer within the timeout of {timeout:g} s (hangs?)") from None
        except BaseException:
            _kill(proc)
            raise
        rc = proc.returncode
        if rc == DECLINE_EXIT:
            reason = _decline_reason(out, err)
            return Selection(UNSUPPORTED, reason=reason)
        if rc != 0:
            raise SolverFault(_exit_text(rc) + (f"; stderr: {_clip(err, 200)}" if err.strip() else ""))
        return read_answer(out)
    solve.__name__ = os.path.basename(argv[0])
    return solve


def _kill(proc: subprocess.Popen) -> None:
    """Kill the program and whatever it started (its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.communicate()


def _exit_text(rc: int) -> str:
    if rc < 0:
        try:
            return f"solver was killed by signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"solver was killed by signal {-rc}"
    return f"solver exited with code {rc}"


def _decline_reason(out: str, err: str) -> str:
    try:
        obj = json.loads(out)
        if isinstance(obj, dict) and isinstance(obj.get("reason"), str):
            return obj["reason"]
    except ValueError:
        pass
    last = (err.strip().splitlines() or ["exit code 3"])[-1]
    return last[:200]

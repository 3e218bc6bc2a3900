"""Adapters that turn a solver that is not ours into what the properties call.

The properties of :mod:`verify.search.properties` call a solver as ``(Instance) ->
Selection``. A solver under test is reached through a *solver spec*:

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
              stdout; exit code 3 declines the input.  With ``--jsonl``
              (:class:`LineSolver`) the program is started once and answers one
              instance per line, in order (docs/test-solver.md, "--jsonl").

Programs run contained (:mod:`verify.subject.process`): a session of their own,
every read with a deadline (a child holding stdout open cannot stall a call),
stdout capped at :data:`~verify.subject.process.MAX_OUTPUT` bytes ("output too
large" is a finding), and every process they start killed after each call (one
process per call) or at each restart and at the end (``--jsonl``).

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
  hangs past the per-call timeout, prints too much, malformed JSON or a malformed
  selection) raises :class:`~solver.errors.SolverFault`: the property turns it
  into a finding with the input that caused it.
* naming unknown requests or nodes out of range is a well-formed answer that the
  feasibility checker rejects (rule ``format``): also a finding.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]})
>>> def mine(obj):                       # a solver on the JSON dict
...     return {"status": "OK", "selected": {"r": [0, 1]}}
>>> adapt_callable(mine)(inst).selected
{'r': (0, 1)}
>>> adapt_callable(lambda obj: {"status": "OK"})(inst)  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
solver.errors.SolverFault: solver answered a malformed selection: selected: an OK
selection needs an object mapping request ids to node lists
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any, Callable

from solver.errors import SelectionFormatError, SolverFault, Unsupported
from solver.messages import abbreviate
from solver.model import Instance
from solver.numbers import MAX_ANSWER_DIGITS, fraction_str, loads_exact
from solver.selection import UNSUPPORTED, Selection, parse_selection
from solver.verdicts import FailureKind
from verify.subject.process import MAX_OUTPUT, Exited, OutputTooLarge, Program, Timeout
from verify.subject.worker import DEFAULT_STARTUP, SelectorWorker

DECLINE_EXIT = 3  # a --cmd program exits with this code to decline an input
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
        return fraction_str(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON")


def read_answer(text: str) -> Selection:
    """A selection from the solver's JSON text; :class:`SolverFault` when it is not
    one."""
    if not text.strip():
        raise SolverFault("solver printed no selection (empty output)")
    try:
        obj = loads_exact(text, max_digits=MAX_ANSWER_DIGITS)
    except (ValueError, RecursionError) as exc:
        raise SolverFault(
            f"solver printed malformed JSON: {abbreviate(str(exc), 200)}: {_clip(text)}"
        ) from None
    return _parse(obj)


def _parse(obj: Any) -> Selection:
    try:
        return parse_selection(obj)
    except SelectionFormatError as exc:
        raise SolverFault(
            f"solver answered a malformed selection: {exc.one_line()}"
        ) from None


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(text[: 4 * n].split())  # (a flood of output is never split whole)
    return repr(text if len(text) <= n else text[:n] + "...")


# ------------------------------------------------------------------ adapters


def _call(fn: Callable, arg: Any) -> Any:
    try:
        return fn(arg)
    except Unsupported:  # the selector declines this input: not a finding
        raise
    except (
        Exception,
        SystemExit,
    ) as exc:  # sys.exit() in a selector must not end the caller
        raise SolverFault(
            f"solver raised {type(exc).__name__}: {_text(exc)}",
            kind=FailureKind.RAISED,
            rule=type(exc).__name__,
        ) from exc


def adapt_native(
    fn: Callable[[Instance], Selection] | None,  # None: a worker's ``load`` gives it
    timeout: float | None = None,
    **worker,
):
    """A ``(Instance) -> Selection`` callable; with a ``timeout``, each call runs in a
    selector worker (:class:`~verify.subject.worker.SelectorWorker`: ``startup``,
    ``warmup``, ``load``, ``module`` go to it), never interrupted in this process."""
    if timeout is not None:
        return _isolated(adapt_native, fn, timeout, worker)
    assert fn is not None, "a selector to call here"

    def solve(instance: Instance) -> Selection:
        return _call(fn, instance)

    solve.__name__ = getattr(fn, "__name__", "solve")
    return solve


def adapt_callable(
    fn: Callable[[dict], Any] | None,  # None: a worker's ``load`` gives it
    timeout: float | None = None,
    **worker,
):
    """A callable on the instance JSON dict, read back exactly as a selection file would
    be (with a ``timeout``: in a selector worker, as :func:`adapt_native`)."""
    if timeout is not None:
        return _isolated(adapt_callable, fn, timeout, worker)
    assert fn is not None, "a selector to call here"

    def solve(instance: Instance) -> Selection:
        # a fresh dict per call: mutating it is harmless
        out = _call(fn, instance.to_json())
        if isinstance(out, Selection):
            return out
        if not isinstance(out, dict):
            raise SolverFault(
                f"solver returned {type(out).__name__}, not a selection dict"
            )
        # read as --cmd reads: through JSON text, so numpy ints and floats behave alike
        try:
            text = json.dumps(out, default=_jsonable)
        except (TypeError, ValueError, RecursionError) as exc:
            raise SolverFault(
                f"solver returned a dict that is not JSON: {_text(exc)}"
            ) from None
        if len(text) > MAX_OUTPUT:
            raise SolverFault(
                _too_large(MAX_OUTPUT), kind=FailureKind.MALFORMED, rule="output size"
            )
        return read_answer(text)

    solve.__name__ = getattr(fn, "__name__", "solve")
    return solve


def _isolated(adapt, fn, timeout: float, worker: dict) -> SelectorWorker:
    load = worker.pop("load", None)
    return SelectorWorker(
        lambda f: adapt(f),
        fn=None if load else fn,
        load=load,
        timeout=timeout,
        **worker,
    )


def adapt_command(
    argv: list[str],
    timeout: float | None = DEFAULT_TIMEOUT,
    max_output: int = MAX_OUTPUT,
):
    """A program, one process per call: instance JSON on stdin, selection JSON on
    stdout, exit 3 to decline."""

    def solve(instance: Instance) -> Selection:
        data = json.dumps(instance.to_json()).encode()
        program = _start(argv, max_output)
        try:
            out, err, rc = program.run_once(
                data, timeout if timeout is not None else 1e9
            )
        except Timeout:
            raise SolverFault(
                f"solver gave no answer within the timeout of {timeout:g} s (hangs?)",
                kind=FailureKind.TIMEOUT,
                rule="timeout",
            ) from None
        except OutputTooLarge:
            raise SolverFault(
                _too_large(max_output), kind=FailureKind.MALFORMED, rule="output size"
            ) from None
        err_text = err.decode("utf-8", errors="replace")
        if rc == DECLINE_EXIT:
            return Selection(
                UNSUPPORTED,
                reason=_decline_reason(out.decode("utf-8", errors="replace"), err_text),
            )
        if rc != 0:
            raise SolverFault(
                _exit_text(rc)
                + (f"; stderr: {_clip(err_text, 200)}" if err_text.strip() else ""),
                kind=FailureKind.CRASHED,
                rule="exit",
            )
        return read_answer(_utf8(out))

    solve.__name__ = os.path.basename(argv[0])
    return solve


class LineSolver:
    """``--cmd ... --jsonl``: one program for the whole run, one instance line in, one
    answer line out.

    The per-call timeout applies to every line; the first call after each
    (re)start may take ``startup`` seconds more (the program's start-up; default
    :data:`~verify.subject.worker.DEFAULT_STARTUP`).  A crash, a hang, an answer
    line that is not a selection, or too much output is a finding; the program is
    then swept and started again for the next call.  A line that is not an answer
    is quoted in the message.

    *Desync*: the program printed more lines than it was sent instances (seen
    before a call, as a second line after an answer, or when :meth:`settle` closes
    its stdin and lets it exit).  A late line may have been read as a later
    instance's answer, so which instance printed it is found out, not guessed: a
    group of the instances this program was sent (the last :data:`PROBES`, in
    order) is asked again in a fresh program that is then let exit: it prints
    more lines than instances iff one of the group prints an extra line, so
    halving the group finds the one (:meth:`_culprit`); the finding (rule
    ``protocol``, :attr:`SolverFault.instance`) is about it and quotes what it
    printed asked alone.  When a program was sent one instance only, that one
    is the answer without asking.  When no group prints an extra line again, the
    finding says the line is not attributed (its
    replays then do not confirm it: never a defect, never a pass).  ``linger``
    seconds after each answer are spent waiting for such a line (a replay sets
    it; the search does not wait).  :meth:`close` ends the program (stdin closed,
    a second's grace, then a sweep), and
    :func:`verify.subject.process.close_all` runs at exit in any case.
    """

    def __init__(
        self,
        argv: list[str],
        timeout: float = DEFAULT_TIMEOUT,
        startup: float | None = None,
        max_output: int = MAX_OUTPUT,
        linger: float = 0.0,
    ):
        self.argv, self.timeout, self.max_output, self.linger = (
            argv,
            timeout,
            max_output,
            linger,
        )
        self.startup = DEFAULT_STARTUP if startup is None else startup
        self.program: Program | None = None
        # the instances the running program answered, newest last (for attribution)
        self.answered: list[Instance] = []
        self.sent = 0  # instances sent to the running program
        self.last_send = 0.0  # when the last one was (time.monotonic())
        self.starts = 0
        self.__name__ = os.path.basename(argv[0])

    def _restart(self) -> None:
        if self.program is not None:
            self.program.sweep()
        self.program = None
        self.answered, self.sent = [], 0

    def __call__(self, instance: Instance) -> Selection:
        line = _line(instance)
        if self.program is not None and not self.program.alive:
            self._restart()
        if self.program is not None and self.program.pending_output():
            late = _first_line(self.program.out)
            if self.answered:  # one of theirs: found out which, said about that one
                raise self._desync(late, None)
            self._restart()
        extra = 0.0
        if self.program is None:
            self.program = _start(self.argv, self.max_output)
            self.starts += 1
            extra = self.startup
        program = self.program
        try:
            self.sent += 1
            self.last_send = time.monotonic()
            raw = program.ask_line(line, self.timeout + extra)
            if self.linger and not program.out:
                try:
                    program._pump(time.monotonic() + self.linger, until_line=True)
                except Timeout:
                    pass
        except Timeout:
            self._restart()
            raise SolverFault(
                f"solver gave no answer line within the timeout of {self.timeout:g} s"
                + (f" (+ {extra:g} s start-up)" if extra else "")
                + " (hangs?)",
                kind=FailureKind.TIMEOUT,
                rule="timeout",
            ) from None
        except OutputTooLarge:
            self._restart()
            raise SolverFault(
                _too_large(self.max_output),
                kind=FailureKind.MALFORMED,
                rule="output size",
            ) from None
        except Exited as exc:
            err = program.err.decode("utf-8", errors="replace")
            self._restart()
            what = (
                _exit_text(exc.returncode)
                if exc.returncode is not None
                else "solver closed its stdout"
            )
            raise SolverFault(
                f"{what} before answering this line"
                + (f"; stderr: {_clip(err, 200)}" if err.strip() else ""),
                kind=FailureKind.CRASHED,
                rule="exit",
            ) from None
        except BaseException:
            self._restart()
            raise
        try:
            answer = read_answer(_utf8(raw))
        except SolverFault as exc:
            more = bytes(program.out)
            self._restart()
            # a stray line (a log line on stdout), quoted
            if more or not raw.lstrip().startswith(b"{"):
                then = f"; then: {_clip(_first_line(more))}" if more else ""
                raise SolverFault(
                    "solver printed a line that is not an answer:"
                    f" {_clip(_lossy(raw))}{then} (stdout is for answer lines only; log"
                    " to stderr)",
                    kind=FailureKind.MALFORMED,
                    rule="protocol",
                ) from None
            raise exc from None
        if program.out:  # a second line: its first may be an earlier instance's
            raise self._desync(_first_line(program.out), instance, _lossy(raw))
        self.answered = (self.answered + [instance])[-PROBES:]
        return answer

    def settle(self) -> SolverFault | None:
        """End the program and count its lines: close its stdin and let it exit
        (until the per-call timeout after the last instance sent has passed, at
        least a second); a line it prints meanwhile is a desync, found out and
        returned as the finding it is (class doc).  None: every line it printed
        was an answer to its own instance."""
        program = self.program
        if program is None or program.swept:
            self.program = None
            return None
        try:
            late = _leftover(program, max(self.last_send + self.timeout, 0.0))
        finally:
            program.sweep()
        if late is None or not self.answered:
            self._restart()
            return None
        return self._desync(late, None)

    def _desync(
        self, late: str, current: Instance | None, answer: str | None = None
    ) -> SolverFault:
        """The finding for a line the program printed beyond its answers (class
        doc); the program is ended."""
        sent = self.answered + ([current] if current is not None else [])
        single = self.sent == 1  # one instance sent: the line is its own
        self._restart()
        if single:
            return _late_fault(sent[-1], late, answer)
        found = self._culprit(sent)
        if found is not None:
            about, lines = found
            return _late_fault(
                about, lines[-1], lines[-2], "asked alone in a fresh program"
            )
        return _late_fault(
            sent[-1],
            late,
            answer,
            f"the {len(sent)} instances this program was sent, asked again in a"
            " fresh program, gave one line each: not attributed",
        )

    def _culprit(self, sent: list[Instance]) -> tuple[Instance, list[str]] | None:
        """The instance of ``sent`` that, asked alone in a fresh program, prints a
        line beyond its answer, with its lines: the newest two are asked alone
        first (a late line is mostly the previous instance's), the others found by
        halving: a fresh program asked a group of them prints more lines than
        instances iff one of the group does (None: no group does again)."""
        for one in sent[:-3:-1]:  # the newest two alone first: usually the one
            lines = self._ask_all([one])
            if lines is not None and len(lines) > 1:
                return one, lines
        group = sent[:-2]
        lines = self._ask_all(group) if group else None
        if lines is None or len(lines) <= len(group):
            return None
        while len(group) > 1:
            half = len(group) // 2
            for part in (group[half:], group[:half]):  # the newer half first
                lines = self._ask_all(part)
                if lines is not None and len(lines) > len(part):
                    group = part
                    break
            else:  # only together (the program keeps state): not one instance's
                return None
        assert lines is not None
        return group[0], lines

    def _ask_all(self, instances: list[Instance]) -> list[str] | None:
        """The lines a fresh program prints for ``instances``, sent in order, until it
        exits after its stdin is closed (one per instance, then at most one more;
        None: it failed otherwise)."""
        try:
            program = _start(self.argv, self.max_output)
        except SolverFault:
            return None
        try:
            lines, extra = [], self.startup
            for instance in instances:
                lines.append(
                    _lossy(program.ask_line(_line(instance), self.timeout + extra))
                )
                extra = 0.0
            late = _leftover(program, time.monotonic() + self.timeout)
        except (Timeout, OutputTooLarge, Exited):
            return None
        finally:
            program.sweep()
        return lines + ([] if late is None else [late])

    def close(self) -> None:
        if self.program is not None:
            self.program.close()
        self.program = None


PROBES = 4096  # the instances of a program kept to attribute a late line (newest)


def _line(instance: Instance) -> bytes:
    return json.dumps(instance.to_json(), separators=(",", ":")).encode() + b"\n"


def _leftover(program: Program, until: float) -> str | None:
    """After the last answer: close stdin and read until the program exits (until
    ``until`` on the monotonic clock, at least a second from now); the first line
    (or bytes) it printed beyond its answers, None if none."""
    if not program.out:
        program._close_stdin()
        try:
            program._pump(max(until, time.monotonic() + 1.0), until_line=True)
        except (Timeout, OutputTooLarge):
            pass
    return _first_line(program.out) if program.out else None


def _late_fault(
    about: Instance, late: str, answer: str | None, how: str | None = None
) -> SolverFault:
    """A protocol finding about ``about``: it printed ``late`` beyond its answer."""
    text = (
        f"solver printed more than one line for one instance: the answer"
        f" {_clip(answer)}, then {_clip(late)}"
        if answer is not None
        else f"solver printed another line after its answer: {_clip(late)}"
    )
    exc = SolverFault(
        text + (f" ({how})" if how else ""),
        kind=FailureKind.MALFORMED,
        rule="protocol",
    )
    exc.instance = about
    return exc


def settle_solver(solver: Any) -> SolverFault | None:
    """A :class:`LineSolver`'s :meth:`~LineSolver.settle` (its program ended, its lines
    counted: the finding for a line beyond its answers); others: None."""
    settle = getattr(solver, "settle", None)
    return settle() if callable(settle) else None


def close_solver(solver: Any) -> None:
    """End whatever a built solver keeps running (a :class:`LineSolver`'s program);
    others: nothing."""
    close = getattr(solver, "close", None)
    if callable(close):
        close()


def _start(argv: list[str], max_output: int) -> Program:
    try:
        return Program(argv, max_output)
    except OSError as exc:
        raise SolverFault(
            f"solver program {argv[0]!r} cannot start: {exc.strerror or exc}",
            kind=FailureKind.CRASHED,
            rule="exit",
        ) from None


def _first_line(data) -> str:
    return _lossy(bytes(data).split(b"\n", 1)[0])


def _lossy(data: bytes) -> str:
    return bytes(data[:4096]).decode("utf-8", errors="replace")


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SolverFault(
            f"solver printed bytes that are not UTF-8 text (byte {exc.start})"
        ) from None


def _too_large(limit: int) -> str:
    return (
        f"solver printed more than {limit} bytes (output too large; the limit is"
        f" {limit // 2**20} MiB)"
    )


def _text(exc: BaseException) -> str:
    """An exception's message for a one-line finding (a solver's message may be
    huge)."""
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a solver's exception may fail even at str()
        text = f"<{type(exc).__name__} whose message cannot be printed>"
    return abbreviate(text, 200)


def _exit_text(rc: int) -> str:
    if rc < 0:
        try:
            return f"solver was killed by signal {signal.Signals(-rc).name}"
        except ValueError:
            return f"solver was killed by signal {-rc}"
    return f"solver exited with code {rc}"


def _decline_reason(out: str, err: str) -> str:
    try:
        obj = json.loads(out[:MAX_OUTPUT])
        if isinstance(obj, dict) and isinstance(obj.get("reason"), str):
            return obj["reason"]
    except ValueError:
        pass
    last = (err.strip().splitlines() or ["exit code 3"])[-1]
    return last[:200]

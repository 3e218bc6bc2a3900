"""How a solver under test is named and loaded: the *solver spec* (recorded in every
report).

The kinds (``registry``, ``native``, ``callable``, ``cmd``) are described in
:mod:`verify.subject.adapters`; :func:`build` turns a spec into the
``(Instance) -> Selection`` callable the properties call.
"""

from __future__ import annotations

import importlib
import os
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Optional

from solver.durations import RANGE as SECONDS_RANGE
from solver.durations import check_seconds
from solver.errors import OptionError, SpecError
from solver.model import Instance
from solver.registry import SOLVERS, get_solver
from solver.selection import Selection
from solver.verdicts import FailureKind
from verify.subject.adapters import (
    DEFAULT_TIMEOUT,
    LineSolver,
    adapt_callable,
    adapt_command,
    adapt_native,
    close_solver,
)

KINDS = ("registry", "native", "callable", "cmd")


@dataclass(frozen=True)
class SolverSpec:
    """How to reach a solver under test; recorded in every report so it can be replayed.

    >>> SolverSpec("cmd", "python3 my_selector.py --fast", 5.0).label
    "--cmd 'python3 my_selector.py --fast'"
    >>> SolverSpec.from_json(SolverSpec("callable", "pkg.mod:fn").to_json())
    SolverSpec(kind='callable', target='pkg.mod:fn', timeout=10.0, jsonl=False, startup_timeout=None)
    >>> SolverSpec("cmd", "python3 sel.py", 2.0, jsonl=True).cli_args()
    ['--cmd', 'python3 sel.py', '--timeout', '2', '--jsonl']

    ``jsonl`` (``cmd`` only): the program is started once and answers one
    instance per line (:class:`~verify.subject.adapters.LineSolver`);
    ``startup_timeout``: seconds for a start-up (default
    :data:`~verify.subject.worker.DEFAULT_STARTUP`): a selector worker's import and
    warm-up call, a ``--jsonl`` program's first answer after each start (on top of
    the timeout), the trivial instance a ``--cmd`` program must answer before a run.
    """

    kind: str
    target: str
    timeout: float = DEFAULT_TIMEOUT
    jsonl: bool = False
    startup_timeout: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise SpecError(
                f"unknown solver kind {self.kind!r} (one of {', '.join(KINDS)})"
            )
        # every solver timeout passes here (command line, API, a report, replay
        # --timeout):
        # in range, so no deadline computed from it overflows (solver/durations.py)
        object.__setattr__(self, "timeout", check_seconds(self.timeout, "timeout"))
        if self.startup_timeout is not None:
            object.__setattr__(
                self,
                "startup_timeout",
                check_seconds(self.startup_timeout, "startup_timeout"),
            )
        if self.jsonl and self.kind != "cmd":
            raise SpecError("jsonl applies to a --cmd program only")
        if self.startup_timeout is not None and self.kind == "registry":
            raise SpecError(
                "startup_timeout applies to a Python selector or a --cmd program"
            )

    @property
    def label(self) -> str:
        """The solver as the command line names it."""
        if self.kind == "cmd":
            return f"--cmd {shlex.quote(self.target)}" + (
                " --jsonl" if self.jsonl else ""
            )
        return self.target

    @property
    def describe(self) -> str:
        return {
            "registry": "our registered solver",
            "native": "Python callable on Instance objects",
            "callable": "Python callable on the instance JSON",
            "cmd": (
                "program: one instance JSON line in, one selection JSON line out, one"
                " process for the run"
                if self.jsonl
                else "program: instance JSON on stdin, selection JSON on stdout"
            ),
        }[self.kind]

    def cli_args(self) -> list[str]:
        """Arguments of ``python -m verify test-solver`` that name this solver."""
        if self.kind == "cmd":
            out = ["--cmd", self.target, "--timeout", f"{self.timeout:g}"]
            if self.jsonl:
                out.append("--jsonl")
        else:
            out = [self.target]
            if self.kind == "native":
                out.append("--native")
            if self.timeout != DEFAULT_TIMEOUT:
                out += ["--timeout", f"{self.timeout:g}"]
        if self.startup_timeout is not None:
            out += ["--startup-timeout", f"{self.startup_timeout:g}"]
        return out

    def to_json(self) -> dict:
        out = {"kind": self.kind, "target": self.target, "timeout": self.timeout}
        if self.jsonl:
            out["jsonl"] = True
        if self.startup_timeout is not None:
            out["startup_timeout"] = self.startup_timeout
        return out

    @classmethod
    def from_json(cls, obj: dict) -> "SolverSpec":
        """The spec of a report's ``solver`` (validated: :class:`SpecError` names what
        is wrong)."""
        if not isinstance(obj, dict):
            raise SpecError("'solver' must be an object with kind, target and timeout")
        for key in ("kind", "target"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                raise SpecError(f"'solver.{key}' must be a non-empty string")
        values = {}
        for key, default in (("timeout", DEFAULT_TIMEOUT), ("startup_timeout", None)):
            x = obj.get(key, default)
            if x is not None:
                try:
                    x = check_seconds(x, key)
                except OptionError:
                    raise SpecError(f"'solver.{key}' must be {SECONDS_RANGE}") from None
            values[key] = x
        jsonl = obj.get("jsonl", False)
        if not isinstance(jsonl, bool):
            raise SpecError("'solver.jsonl' must be true or false")
        return cls(
            obj["kind"],
            obj["target"],
            values["timeout"],
            jsonl,
            values["startup_timeout"],
        )

    @classmethod
    def for_suite(cls, name: str) -> "SolverSpec":
        """The spec of a suite job's ``--solver`` value (a registry name or a native
        module:function)."""
        return cls("registry" if name in SOLVERS else "native", name)


def build(
    spec: SolverSpec, warmup: Optional[Instance] = None
) -> Callable[[Instance], Selection]:
    """The ``(Instance) -> Selection`` callable for ``spec``; :class:`SpecError` if it
    cannot be loaded.

    A Python selector (``callable``, ``native``) is imported here (a missing module is a
    usage error) and runs in a selector worker (:mod:`verify.subject.worker`) that
    imports it again and calls it once on ``warmup``, the trivial instance, before its
    first timed call."""
    if spec.kind == "registry":
        try:
            return get_solver(spec.target)
        except KeyError as exc:
            raise SpecError(exc.args[0]) from None
    if spec.kind == "cmd":
        argv = _split(spec.target)
        if spec.jsonl:
            return LineSolver(argv, spec.timeout, spec.startup_timeout)
        return adapt_command(argv, spec.timeout)
    load_callable(spec.target)
    adapt = adapt_native if spec.kind == "native" else adapt_callable
    return adapt(
        None,
        spec.timeout,
        load=lambda: load_callable(spec.target),
        module=spec.target.partition(":")[0],
        startup=spec.startup_timeout,
        warmup=warmup,
    )


def load_callable(target: str) -> Callable:
    """Import ``package.module:function`` (dots after the colon reach attributes)."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise SpecError(f"expected package.module:function, got {target!r}")
    try:
        obj: Any = importlib.import_module(module)
    except Exception as exc:  # ImportError, or the module's own error at import time
        raise SpecError(
            f"cannot import {module!r}: {type(exc).__name__}: {exc}"
        ) from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SpecError(f"module {module!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise SpecError(f"{target!r} is not callable")
    return obj


def _split(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise SpecError(f"cannot split --cmd {command!r}: {exc}") from None
    if not argv:
        raise SpecError("--cmd is empty")
    return argv


def check_command(command: str) -> None:
    """Fail early (a usage error, not a finding) when the program does not exist."""
    import shutil

    prog = _split(command)[0]
    if os.sep in prog or (os.altsep and os.altsep in prog):
        if not os.path.exists(prog):
            raise SpecError(f"--cmd: no such program {prog!r}")
        if os.path.isdir(prog) or not os.access(prog, os.X_OK):
            raise SpecError(f"--cmd: {prog!r} is not an executable program")
    elif shutil.which(prog) is None:
        raise SpecError(f"--cmd: program {prog!r} not found on PATH")


def preflight(spec: SolverSpec, warmup: Optional[Instance]) -> None:
    """Before a run: the solver must start and answer ``warmup``, a trivial instance, at
    all.

    A Python selector: a selector worker imports it and makes its warm-up call; a
    ``--cmd`` program (either mode) gets the instance once.  Each within
    ``--startup-timeout``.  What cannot (the import or the call raises, the program
    does not run, crashes, exits non-zero, hangs, or prints a stray line before its
    answer) is :class:`~solver.errors.SetupError`: exit 2 with one line, never 9
    findings.  A wrong answer, or declining, passes here: the properties judge it.
    """
    from solver.errors import SetupError, SolverFault
    from verify.subject.worker import DEFAULT_STARTUP

    if spec.kind == "registry":
        return
    if spec.kind in ("callable", "native"):
        solver = build(spec, warmup)
        try:
            solver.start()
        finally:
            solver.close()
        return
    if warmup is None:
        return
    startup = DEFAULT_STARTUP if spec.startup_timeout is None else spec.startup_timeout
    argv = _split(spec.target)
    solver = (
        LineSolver(argv, spec.timeout, startup)
        if spec.jsonl
        else adapt_command(argv, max(spec.timeout, startup))
    )
    try:
        solver(warmup)
    except SolverFault as exc:
        if (
            exc.kind in (FailureKind.CRASHED, FailureKind.TIMEOUT)
            or exc.rule == "protocol"
        ):
            raise SetupError(
                f"--cmd {spec.target!r} cannot answer a trivial instance: {exc}"
            ) from None
    except Exception:  # noqa: BLE001 - declined, or anything else: the run judges it
        pass
    finally:
        close_solver(solver)

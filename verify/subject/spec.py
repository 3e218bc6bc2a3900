"""How a solver under test is named and loaded: the *solver spec* (recorded in every report).

The kinds (``registry``, ``native``, ``callable``, ``cmd``) are described in
:mod:`verify.subject.adapters`; :func:`build` turns a spec into the
``(Instance) -> Selection`` callable the properties call.
"""

from __future__ import annotations

import importlib
import os
import shlex
from dataclasses import dataclass
from typing import Any, Callable

from solver.model import Instance
from solver.registry import SOLVERS, get_solver
from solver.selection import Selection

from verify.subject.adapters import DEFAULT_TIMEOUT, adapt_callable, adapt_command, adapt_native

KINDS = ("registry", "native", "callable", "cmd")


class SpecError(ValueError):
    """A solver spec that cannot be loaded (unknown name, missing module or program)."""


@dataclass(frozen=True)
class SolverSpec:
    """How to reach a solver under test; recorded in every report so it can be replayed.

    >>> SolverSpec("cmd", "python3 my_selector.py --fast", 5.0).label
    "--cmd 'python3 my_selector.py --fast'"
    >>> SolverSpec.from_json(SolverSpec("callable", "pkg.mod:fn").to_json())
    SolverSpec(kind='callable', target='pkg.mod:fn', timeout=10.0)
    """

    kind: str
    target: str
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self):
        if self.kind not in KINDS:
            raise SpecError(f"unknown solver kind {self.kind!r} (one of {', '.join(KINDS)})")

    @property
    def label(self) -> str:
        """The solver as the command line names it."""
        return f"--cmd {shlex.quote(self.target)}" if self.kind == "cmd" else self.target

    @property
    def describe(self) -> str:
        return {"registry": "our registered solver", "native": "Python callable on Instance objects",
                "callable": "Python callable on the instance JSON",
                "cmd": "program: instance JSON on stdin, selection JSON on stdout"}[self.kind]

    def cli_args(self) -> list[str]:
        """Arguments of ``python -m verify test-solver`` that name this solver."""
        if self.kind == "cmd":
            return ["--cmd", self.target, "--timeout", f"{self.timeout:g}"]
        out = [self.target]
        if self.kind == "native":
            out.append("--native")
        if self.timeout != DEFAULT_TIMEOUT:
            out += ["--timeout", f"{self.timeout:g}"]
        return out

    def to_json(self) -> dict:
        return {"kind": self.kind, "target": self.target, "timeout": self.timeout}

    @classmethod
    def from_json(cls, obj: dict) -> "SolverSpec":
        return cls(obj["kind"], obj["target"], float(obj.get("timeout", DEFAULT_TIMEOUT)))

    @classmethod
    def for_suite(cls, name: str) -> "SolverSpec":
        """The spec of a suite job's ``--solver`` value (a registry name or a native module:function)."""
        return cls("registry" if name in SOLVERS else "native", name)


def build(spec: SolverSpec) -> Callable[[Instance], Selection]:
    """The ``(Instance) -> Selection`` callable for ``spec``; :class:`SpecError` if it cannot be loaded."""
    if spec.kind == "registry":
        try:
            return get_solver(spec.target)
        except KeyError as exc:
            raise SpecError(exc.args[0]) from None
    if spec.kind == "cmd":
        argv = _split(spec.target)
        return adapt_command(argv, spec.timeout)
    fn = load_callable(spec.target)
    if spec.kind == "native":
        return adapt_native(fn, spec.timeout)
    return adapt_callable(fn, spec.timeout)


def load_callable(target: str) -> Callable:
    """Import ``package.module:function`` (dots after the colon reach attributes)."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise SpecError(f"expected package.module:function, got {target!r}")
    try:
        obj: Any = importlib.import_module(module)
    except Exception as exc:  # ImportError, or the module's own error at import time
        raise SpecError(f"cannot import {module!r}: {type(exc).__name__}: {exc}") from None
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
    elif shutil.which(prog) is None:
        raise SpecError(f"--cmd: program {prog!r} not found on PATH")

"""One error hierarchy for the whole project.

Every error that reaches a user is an :class:`AdaserveError`, and every one is
defined here.  Errors about a user's input (an instance file, a selection file)
are :class:`InputError`; they carry where the problem is (file, request id, node
index) so that the CLI can print a one-line message and exit with code 2 instead
of a traceback.  Not ours, hence outside it: what the solver under test does
(:class:`SolverFault`, :class:`Declined`).
"""

from __future__ import annotations

from typing import Any

from .messages import abbreviate, clip_line, show


class AdaserveError(Exception):
    """Base class of every error raised on purpose by this project."""


class InputError(AdaserveError, ValueError):
    """Bad input: the message names the file, the request and the node.

    >>> str(InputError("value is NaN", source="a.json", request="r0", node=3))
    "a.json: request 'r0' node 3: value is NaN"
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        request: str | None = None,
        node: int | None = None,
    ):
        self.message = message
        self.source = source
        self.request = request
        self.node = node
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = []
        if self.source is not None:
            parts.append(str(self.source))
        where = []
        if self.request is not None:
            where.append(f"request {show(str(self.request))}")
        if self.node is not None:
            where.append(f"node {self.node}")
        if where:
            parts.append(" ".join(where))
        parts.append(self.message)
        return clip_line(": ".join(parts))


class OptionError(InputError):
    """An option out of its range: a command-line flag or a keyword of the Python API.

    One message for both; :meth:`as_flag` names the option as the command line
    spells it.  The message may name other options as ``{option}``.

    >>> e = OptionError("must be at least {min_nodes}", option="max_nodes", value=2)
    >>> str(e)
    'max_nodes=2: must be at least min_nodes'
    >>> e.as_flag()
    '--max-nodes 2: must be at least --min-nodes'
    """

    def __init__(
        self,
        message: str,
        *,
        option: str,
        value: Any = None,
        source: str | None = None,
        request: str | None = None,
        node: int | None = None,
    ):
        self.option, self.value, self.template = option, value, message
        super().__init__(
            message.format_map(_Names(flag=False)),
            source=source,
            request=request,
            node=node,
        )

    def one_line(self) -> str:
        return clip_line(
            f"{self.option}={abbreviate(repr(self.value))}: {self.message}"
        )

    def as_flag(self) -> str:
        """The message with options named as flags (``--max-nodes 2``)."""
        flag = "--" + self.option.replace("_", "-")
        value = "" if self.value is True else f" {abbreviate(str(self.value))}"
        return clip_line(
            f"{flag}{value}: {self.template.format_map(_Names(flag=True))}"
        )


class _Names(dict):
    """``{name}`` in an option message: the keyword, or the flag (``--max-nodes``)."""

    def __init__(self, flag: bool):
        super().__init__()
        self.flag = flag

    def __missing__(self, key: str) -> str:
        return "--" + key.replace("_", "-") if self.flag else key


class InstanceError(InputError):
    """An instance violates docs/format.md."""


class SelectionFormatError(InputError):
    """A selection is not well-formed JSON of the selection format."""


class SetupError(InputError):
    """The solver under test cannot start at all: its module does not import, or it
    cannot answer a trivial instance (raises, crashes, hangs, a program that does not
    run).  A usage error (exit 2, one line), never a finding.

    >>> str(SetupError("the selector in module 'm' cannot start: ImportError: torch"))
    "the selector in module 'm' cannot start: ImportError: torch"
    """


class Inconclusive(AdaserveError):
    """An exact method could not decide (Z3 ``unknown``, timeout, interrupt).

    Never a pass: callers turn it into the verdict INCONCLUSIVE.
    """


class ReportError(InputError):
    """The report file cannot be replayed (not JSON, a field missing or malformed,
    unknown property)."""


class Untrusted(ReportError):
    """The report's solver would run code from outside the project: needs
    ``--trust``."""


class ExecutorUnavailable(InputError):
    """The executor cannot start: ``--dask`` without distributed installed, a bad or
    unreachable address (exit 2)."""


class OtherCode(ExecutorUnavailable):
    """A Dask worker runs other code than the caller (another checkout, other Hypothesis
    or Z3): its cases would differ."""


class ExecutorLost(Inconclusive):
    """The executor went away mid-run (a lost Dask scheduler): nothing decided (exit 3);
    the store keeps what finished."""


# Our own bugs, caught by cross-checks: reported as a fault (exit 1), never a pass.


class OracleFault(AdaserveError):
    """The exact oracles disagree (or one failed the exact checker)."""


class Z3Fault(AdaserveError):
    """A Z3 model failed the exact checker: the encoding (or Z3) is wrong; never
    believed."""


class BruteMismatch(AdaserveError, AssertionError):
    """The brute-force enumerator's own feasibility verdict disagrees with
    :func:`solver.feasibility.violations`: our bug, never a pass."""


# Errors that keep a standard base too, so that ``except ValueError`` (``SpecError``,
# ``UnwritablePath``), ``except RuntimeError`` and ``except AssertionError`` still catch
# them.


class SpecError(AdaserveError, ValueError):
    """A solver spec that cannot be loaded (unknown name, missing module or program).

    >>> isinstance(SpecError("no module 'x'"), (AdaserveError, ValueError))
    True
    """


class UnwritablePath(AdaserveError, ValueError):
    """An output path that cannot be written (checked before a run starts, so it fails
    in seconds)."""


class UsageError(AdaserveError):
    """A command-line mistake the parser cannot see (exit 2)."""


class CoqUnavailable(AdaserveError, RuntimeError):
    """coqc / ocamlopt are missing, or the Coq build failed: one line says which."""


# The solver under test (``test-solver``, ``--solver``): not our failure, hence not
# AdaserveError, so that no ``except AdaserveError`` of ours swallows a finding.


class SolverFault(Exception):
    """The solver under test raised, crashed, hung or answered garbage: a finding.

    ``kind`` says which (``raised``, ``timeout``, ``crashed``, ``malformed``) and
    ``rule`` refines it (the exception type, ``exit``, ``output size``...); both
    are part of a finding's failure signature (:mod:`verify.search.properties`).
    Left out, they are read from the message.

    >>> SolverFault("solver printed 20 MB", kind="malformed", rule="output size").kind
    'malformed'
    """

    instance: Any = None  # the Instance it is about, when the raiser knows better

    def __init__(
        self, message: str, *, kind: str | None = None, rule: str | None = None
    ):
        super().__init__(message)
        self.kind = kind
        self.rule = rule


class Declined(Exception):
    """The solver declined the input (status UNSUPPORTED): counted by the campaign,
    never judged."""

    instance: Any = None  # the Instance declined (a probe), set by the raiser


class Unsupported(Declined):
    """Raise it in a selector to decline an input it does not handle.

    ``raise Unsupported("needs at least one draft token")`` is the same as returning
    ``{"status": "UNSUPPORTED", "reason": "needs at least one draft token"}``:
    test-solver counts the input as *declined* (by class and reason), never judges it,
    and draws another in its place.  Any other exception a selector raises is a finding.
    A property whose inputs were mostly declined is inconclusive, never a pass; the
    restrictions (``--min-budget``, ``--single-request``, ...) keep such inputs out.

    >>> def select(instance):
    ...     if instance["budget"] == 0:
    ...         raise Unsupported("needs at least one draft token")
    ...     ...
    >>> try:
    ...     select({"budget": 0})
    ... except Declined as exc:   # what the campaign catches
    ...     print(exc)
    needs at least one draft token
    """

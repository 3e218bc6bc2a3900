"""The exit codes of every command (docs/cli.md), defined once.

``python -m verify ...`` (every subcommand), ``python -m proofs`` and
``python -m proofs coq-greedy`` exit with one of these; the Python API reports the
same number (``verify.SolverCheck.exit_status``).

>>> ExitCode.FOUND, int(ExitCode.INCONCLUSIVE), f"exit {ExitCode.USAGE_ERROR}"
(<ExitCode.FOUND: 1>, 3, 'exit 2')
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a command's run came to (pytest's ``ExitCode`` style)."""

    #: success: solved, optimal, INVALID confirmed, certificate valid, every claim
    #: held or proved, a replayed counterexample passes now
    OK = 0
    #: a finding: a wrong, infeasible or suboptimal answer, an invalid certificate,
    #: a broken must-hold claim, a counterexample (to a proof, or replayed again)
    FOUND = 1
    #: usage or input error: one line on stderr naming the file, request and node
    USAGE_ERROR = 2
    #: inconclusive (and nothing found): a timeout, out of memory, ``unknown``,
    #: mostly declined inputs, an interrupt; never a pass
    INCONCLUSIVE = 3

    # the number, as on Python >= 3.11, also on 3.10: "exit 1", never "exit
    # ExitCode.FOUND"
    def __str__(self) -> str:
        return str(int(self))

    def __format__(self, spec: str) -> str:
        return format(int(self), spec)

"""The solver check: the suite's per-solver properties against a solver that is not
ours.

The engine behind ``python -m verify test-solver`` (its command line:
:mod:`verify.commands.solver_cli`), :func:`verify.check_solver` and ``campaign``'s
test-solver mode (docs/test-solver.md).  Its modules, in the order of a check:

* :mod:`~verify.solver_check.options`: what to check (:class:`Options`) and argument
  checks;
* :mod:`~verify.solver_check.instances`: the user's own instances (``--instances``);
* :mod:`~verify.solver_check.planning`: which properties apply, the command that repeats
  one;
* :mod:`~verify.solver_check.tasks`: one property as a task for :mod:`verify.run`;
* :mod:`~verify.solver_check.check`: :func:`run`, the :class:`Run` and its exit code;
* :mod:`~verify.solver_check.reports`: reports on disk;
* :mod:`~verify.solver_check.text`: the table (:func:`render`) and flag suggestions.

Not named ``test_*``: pytest would collect it and Hypothesis would take it for a test
file and leave its constants out of the pool (verify/run/imports.py).
"""

from solver.exit_codes import ExitCode
from verify.search.restrictions import Restrictions
from verify.solver_check.check import Run, exit_code, run
from verify.solver_check.instances import load_instances
from verify.solver_check.options import MAX_FINDINGS, Options
from verify.solver_check.planning import plan, rerun_command
from verify.solver_check.tasks import claim_tasks, failed_result, solver_modules
from verify.solver_check.text import render, suggest_flags

__all__ = [
    "ExitCode",
    "MAX_FINDINGS",
    "Options",
    "Restrictions",
    "Run",
    "claim_tasks",
    "exit_code",
    "failed_result",
    "load_instances",
    "plan",
    "render",
    "rerun_command",
    "run",
    "solver_modules",
    "suggest_flags",
]

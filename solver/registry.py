"""Solvers by name, as ``--solver NAME`` selects them.

Every solver is a function ``(Instance) -> Selection``.  Imports are lazy so
that ``python -m verify solve`` does not load Z3 unless it is asked for.
"""

from __future__ import annotations

import importlib
from typing import Callable

from .model import Instance
from .selection import Selection

# name -> (module, function, exact_optimal): exact_optimal marks methods whose
# answer is optimal without the monotonicity premise (they may judge others).
SOLVERS: dict[str, tuple[str, str, bool]] = {
    "reference": ("solver.reference", "solve_reference", False),
    "dp": ("verify.oracles.dp", "solve_dp", True),
    "z3": ("verify.oracles.z3.encoding", "solve_z3", True),
    "paper-alg1": ("solver.paper", "solve_paper_alg1", False),
    "paper-alg2": ("solver.paper", "solve_paper_alg2", False),
    "float-greedy": ("solver.paper", "solve_float_greedy", False),
}


def get_solver(name: str) -> Callable[[Instance], Selection]:
    if name not in SOLVERS:
        raise KeyError(f"unknown solver {name!r} (choose from {', '.join(SOLVERS)})")
    module, func, _ = SOLVERS[name]
    return getattr(importlib.import_module(module), func)

"""Two-request claims (THM-P1, THM-P2) as negations over a :class:`PairRun`.

THM-P1  if the run answers INVALID, no feasible selection exists.
THM-P2  if a feasible selection exists, the run's answer is feasible (rooted,
        within the node budget, both targets met) and its objective is at
        least that of every feasible selection.

"Every selection" is a pair of symbolic node sets ``x`` (0/1 per node); its
feasibility is spelled out in :meth:`PairRun.feasible`.  Targets, the node
budget, the probabilities, the labelings and all tie-breaks are symbolic.

>>> from proofs.bounded.shapes import Shape
>>> from proofs.bounded.pair_run import PairRun
>>> from proofs.bounded.smt import new_solver, refute
>>> p = PairRun(
...     Shape.from_levels((0, 1, 2)), Shape.from_levels((0,)), "frontier", ties=True
... )
>>> s = new_solver(0, 30); s.add(p.constraints)
>>> refute(s, *neg_thm_p2(p)[0]).status
'proved'
"""

from __future__ import annotations

from typing import Callable

import z3

from .claims_tree import run_facts
from .pair_run import PairRun
from .smt import fraction

Witness = Callable[[z3.ModelRef], dict]


def _selection(p: PairRun):
    x = [
        [z3.Bool(f"x{i}_{v}") for v in range(t.shape.n)] for i, t in enumerate(p.trees)
    ]
    return x, (lambda i, v: x[i][v])


def _facts(p: PairRun, model, x) -> dict:
    def ev(t):
        return z3.is_true(model.eval(t, model_completion=True))

    out = {
        "requests": [run_facts(t, model) for t in p.trees],
        "targets": [str(fraction(model, a)) for a in p.A],
        "node_budget": int(fraction(model, p.nb)),
        "invalid": ev(p.invalid),
        "feasible_selection": [
            [v for v in range(t.shape.n) if ev(x[i][v])] for i, t in enumerate(p.trees)
        ],
    }
    if not out["invalid"]:
        out["answer"] = [
            [v for v in range(t.shape.n) if ev(p.chosen(i, v))]
            for i, t in enumerate(p.trees)
        ]
    return out


def neg_thm_p1(p: PairRun) -> tuple[list, Witness]:
    x, chosen = _selection(p)
    return [p.invalid, p.feasible(chosen)], (lambda model: _facts(p, model, x))


def neg_thm_p2(p: PairRun) -> tuple[list, Witness]:
    x, chosen = _selection(p)
    worse = (p.value(0, chosen) + p.value(1, chosen)) > (
        p.value(0, p.chosen) + p.value(1, p.chosen)
    )
    neg = [p.feasible(chosen), z3.Or(p.invalid, z3.Not(p.feasible(p.chosen)), worse)]
    return neg, (lambda model: _facts(p, model, x))


PAIR_CLAIMS: dict[str, Callable[[PairRun], tuple[list, Witness]]] = {
    "THM-P1": neg_thm_p1,
    "THM-P2": neg_thm_p2,
}

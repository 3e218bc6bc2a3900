"""Per-shape claims (APP-B, LEM-C1, LEM-C2) as negations over a :class:`TreeRun`.

Each function returns ``(negation, witness)``: ``negation`` is a list of
constraints that holds exactly when the run *violates* the claim (so *unsat*
under the run's base constraints proves the claim for every probability
assignment of the shape, every labeling and every tie-break the greedy allows),
and ``witness(model)`` turns a model into a plain dict describing the violation.

The claims, in terms of the run (docs/proof.md states them with their premises):

APP-B   after every step k, the selected set is a rooted subtree.
LEM-C1  the SLO loop ("while acc < tau: pick") run with any real threshold tau
        stops after q picks such that no set of fewer than q non-root nodes
        reaches tau together with the root; if it stops short of tau (tree
        exhausted), no set of nodes reaches tau.
LEM-C2  for every b, the first b picks have the largest f-sum of all sets of b
        non-root nodes (hence of all rooted subtrees with b non-root nodes).

Sets of nodes are encoded by 0/1 selectors over *pick steps*: step k stands for
the node picked at step k.  The lemma RUN-ALL-PICKED (every node is picked at
exactly one step) makes this a one-to-one correspondence, so "every set of
steps" is "every set of nodes"; it is proven once per n (:func:`skeleton_lemmas`).
LEM-C1 and LEM-C2 are checked with the lemma RUN-SORTED (picks' f never
increase) as an assumption; it is itself proven per shape first (see
:func:`run_lemmas`), so the chain is machine-checked.

>>> from proofs.bounded.shapes import Shape
>>> from proofs.bounded.smt import new_solver, refute
>>> run = TreeRun(Shape.from_levels((0, 1, 2)), "paper", ties=True)
>>> s = new_solver(0, 10); s.add(run.base)
>>> neg, witness = neg_app_b(run)
>>> out = refute(s, *neg)
>>> out.status, witness(out.model)["orphan_step"]
('counterexample', 1)
"""

from __future__ import annotations

from typing import Callable

import z3

from .smt import fraction
from .tree_run import TreeRun

Witness = Callable[[z3.ModelRef], dict]


def _fs(model, terms) -> list[str]:
    return [str(fraction(model, t)) for t in terms]


def run_facts(run: TreeRun, model: z3.ModelRef) -> dict:
    """The input and the run a model describes."""
    out = {"f": _fs(model, run.f), "order": run.order(model)}
    if run.idx is not None:
        out["idx"] = [int(fraction(model, i)) for i in run.idx]
    return out


def run_lemmas(run: TreeRun) -> list[tuple[str, list, bool, list]]:
    """Per shape: (name, negation, expect_sat, keep): the run exists; its picks are
    sorted.

    ``keep``: constraints added to the solver once the lemma is proven.
    """
    return [
        ("RUN-EXISTS", [], True, []),  # non-vacuity: some input admits a run
        ("RUN-SORTED", [z3.Not(run.lemma_sorted())], False, []),
    ]


def skeleton_lemmas(run: TreeRun) -> list[tuple[str, list, bool, list]]:
    """Per n, on ``run.skeleton`` only: every node is picked exactly once in m steps.

    The skeleton ("one pick per step, of an unselected node") is the same list of
    constraints for every shape with n nodes and both greedies, and part of each
    run's constraints, so what it implies holds for every run.  RUN-COUNT-k
    (exactly k nodes selected after k steps) is proven from RUN-COUNT-(k-1): an
    induction that spares the solver a pigeonhole argument; RUN-ALL-PICKED
    follows at k = m.
    """
    out = []
    for k in range(1, run.m + 1):
        out.append(
            (
                f"RUN-COUNT-{k}",
                [z3.Not(run.lemma_count(k))],
                False,
                [run.lemma_count(k)],
            )
        )
    out.append(("RUN-ALL-PICKED", [z3.Not(run.lemma_all_picked())], False, []))
    return out


def neg_app_b(run: TreeRun) -> tuple[list, Witness]:
    shape = run.shape
    k = z3.Int(run.tag + "k_appb")
    bad = []
    for j in range(1, run.m + 1):
        for v in shape.non_root:
            p = shape.parent[v]
            if p != shape.root:  # the root is always selected
                bad.append(z3.And(k == j, run.sel[j][v], z3.Not(run.sel[j][p])))
    neg = [z3.Or(bad) if bad else z3.BoolVal(False)]

    def witness(model):
        facts = run_facts(run, model)
        order = facts["order"]
        for j in range(1, len(order) + 1):
            chosen = set(order[:j]) | {shape.root}
            orphans = [v for v in order[:j] if shape.parent[v] not in chosen]
            if orphans:
                return {
                    **facts,
                    "orphan_step": j,
                    "orphan": orphans[0],
                    "missing_parent": shape.parent[orphans[0]],
                }
        return facts

    return neg, witness


def _subset(run: TreeRun, name: str):
    x = [z3.Bool(f"{run.tag}{name}{k}") for k in range(1, run.m + 1)]
    count = z3.Sum([z3.If(b, 1, 0) for b in x]) if x else z3.IntVal(0)
    total = (
        z3.Sum([z3.If(x[k], run.g[k], 0) for k in range(run.m)]) if x else z3.RealVal(0)
    )
    return x, count, total


def _subset_nodes(run, model, x) -> list[int]:
    order = run.order(model)
    return sorted(
        order[k]
        for k in range(run.m)
        if z3.is_true(model.eval(x[k], model_completion=True))
    )


def neg_lem_c2(run: TreeRun) -> tuple[list, Witness]:
    m = run.m
    b = z3.Int(run.tag + "b_c2")
    x, count, total = _subset(run, "xc2_")
    prefix = (
        z3.Sum([z3.If(k < b, run.g[k], 0) for k in range(m)]) if m else z3.RealVal(0)
    )
    neg = [b >= 1, b <= m, count == b, total > prefix]

    def witness(model):
        return {
            **run_facts(run, model),
            "b": int(fraction(model, b)),
            "better_set": _subset_nodes(run, model, x),
        }

    return neg, witness


def neg_lem_c1(run: TreeRun) -> tuple[list, Witness]:
    m = run.m
    tau = z3.Real(run.tag + "tau_c1")
    q = z3.Int(run.tag + "q_c1")
    x, count, total = _subset(run, "xc1_")
    acc = [run.acc(j) for j in range(m + 1)]
    neg = [q >= 0, q <= m]
    neg += [z3.Implies(j < q, acc[j] < tau) for j in range(m)]  # the loop went on
    # and stopped at q
    neg += [z3.Implies(q == j, z3.Or(acc[j] >= tau, j == m)) for j in range(m + 1)]
    acc_q = z3.Sum([z3.If(q == j, acc[j], 0) for j in range(m + 1)])
    # a smaller set reaches tau
    neg += [
        1 + total >= tau,
        z3.Or(count < q, acc_q < tau),
    ]

    def witness(model):
        return {
            **run_facts(run, model),
            "tau": str(fraction(model, tau)),
            "greedy_count": int(fraction(model, q)),
            "smaller_set": _subset_nodes(run, model, x),
        }

    return neg, witness


TREE_CLAIMS: dict[str, Callable[[TreeRun], tuple[list, Witness]]] = {
    "APP-B": neg_app_b,
    "LEM-C1": neg_lem_c1,
    "LEM-C2": neg_lem_c2,
}
USES_SORTED = {"LEM-C1", "LEM-C2"}

"""Concrete replay of what the symbolic model encodes, on a real instance.

:func:`algorithm1_all_unselected` is Algorithm 1 with the paper-literal GetTop
(largest f among *all* unselected nodes of the tree, ties: smaller node index;
in the throughput phase ties between requests go to the earlier request) and
the throughput loop that spends exactly the budget (``while B > 0``), in exact
Fractions.  That is the configuration :class:`proofs.bounded.pair_run.PairRun` encodes
with ``greedy="paper"``; the printed ``while B >= 0`` variant is
:func:`solver.paper.solve_paper_alg1`, run next to it by :mod:`proofs.bounded.concrete`.

The ``frontier`` configuration is the project's reference greedy,
:func:`solver.reference.solve_reference`, replayed as is.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [   # node 1 is node 2's child
...     {"id": "r", "target": 1, "parent": [-1, 2, 0], "prob": [1, "1/2", "1/2"]}]})
>>> algorithm1_all_unselected(inst).selected["r"]
(0, 1)
"""

from __future__ import annotations

from fractions import Fraction

from solver.model import Instance
from solver.selection import Selection, make_invalid, make_ok


def algorithm1_all_unselected(instance: Instance) -> Selection:
    budget = instance.node_budget
    if budget < 0:
        return make_invalid("the node budget cannot pay the charged roots")
    chosen = [{r.tree.root} for r in instance.requests]

    def top(i):
        tree = instance.requests[i].tree
        rest = [v for v in range(len(tree)) if v not in chosen[i]]
        return min(rest, key=lambda v: (-tree.f[v], v)) if rest else None

    for i, req in enumerate(instance.requests):
        acc = req.tree.f[req.tree.root]
        while acc < req.target:
            v = top(i)
            if v is None:
                return make_invalid(f"request {req.id!r}: target unreachable")
            if budget == 0:
                return make_invalid(
                    f"request {req.id!r}: budget spent before the target"
                )
            chosen[i].add(v)
            acc += req.tree.f[v]
            budget -= 1
    while budget > 0:
        best = None
        for i, req in enumerate(instance.requests):
            v = top(i)
            if v is not None and (best is None or req.tree.f[v] > best[0]):
                best = (req.tree.f[v], i, v)
        if best is None:
            break
        chosen[best[1]].add(best[2])
        budget -= 1
    return make_ok(instance, {r.id: s for r, s in zip(instance.requests, chosen)})


def replay(instance: Instance, greedy: str) -> Selection:
    """The concrete algorithm the symbolic ``greedy`` stands for."""
    if greedy == "paper":
        return algorithm1_all_unselected(instance)
    from solver.reference import solve_reference

    return solve_reference(instance)


def optimum(instance: Instance) -> Fraction | None:
    """Exact optimum by the project's DP oracle (None: no feasible selection)."""
    from verify.oracles.dp import solve_dp

    sel = solve_dp(instance)
    return sel.objective if sel.ok else None

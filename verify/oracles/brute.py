"""Brute-force enumerator: the judge of the judges (tiny instances only).

It tries every combination of rooted subtrees, one per request, and keeps the best
feasible one.  Deliberately plain: no pruning, no ordering tricks, the rules restated
from SPEC section 1 rather than taken from the code it judges (the tree DP
:mod:`verify.oracles.dp`, Z3 :mod:`verify.oracles.z3.encoding`, the greedy).  Only for
trees of a few nodes: :data:`LIMIT` nodes in all is what the suite's ORACLES claim
enumerates (at most 2^(LIMIT - 1) combinations).

Terminology: a *combination* picks one rooted subtree per request; it is
*feasible* if the budget (SPEC section 1, either root convention) and every
target hold.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "a", "target": "1.5", "parent": [-1, 0, 0],
...      "prob": [1, "0.5", "0.25"]}]})
>>> brute_force(inst)
(Fraction(3, 2), {'a': (0, 1)})
>>> brute_force(parse_instance({"budget": 0, "requests": [
...     {"id": "a", "target": 2, "parent": [-1, 0], "prob": [1, 1]}]}))
(None, None)
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from solver.errors import BruteMismatch
from solver.feasibility import violations
from solver.model import Instance, Tree

LIMIT = 10  # total nodes (roots included) up to which the suite enumerates


def rooted_subtrees(tree: Tree) -> list[tuple[int, ...]]:
    """Every node set that contains the root and, with each node, its parent.

    >>> from solver.model import Tree
    >>> path = Tree.from_parents([-1, 0, 1], [1, Fraction(1, 2), Fraction(1, 4)])
    >>> rooted_subtrees(path)
    [(0,), (0, 1), (0, 1, 2)]
    """
    non_root = [v for v in range(len(tree.parent)) if tree.parent[v] != -1]
    root = [v for v in range(len(tree.parent)) if tree.parent[v] == -1][0]
    out = []
    for size in range(len(non_root) + 1):
        for extra in itertools.combinations(non_root, size):
            nodes = (root,) + extra
            if all(tree.parent[v] in nodes for v in extra):
                out.append(nodes)
    return out


def total_f(tree: Tree, nodes) -> Fraction:
    return sum((tree.f[v] for v in nodes), Fraction(0))


def combinations(instance: Instance) -> int:
    """How many combinations :func:`brute_force` would try."""
    count = 1
    for r in instance.requests:
        count *= len(rooted_subtrees(r.tree))
    return count


def brute_force(instance: Instance, cross_check: bool = False):
    """``(optimum, selection)`` over all combinations, or ``(None, None)`` if none is
    feasible.

    With ``cross_check`` every combination's verdict is also compared with
    :func:`solver.feasibility.violations` (slow; for the smallest instances);
    a disagreement raises :class:`BruteMismatch`.  The returned selection is
    always confirmed by ``violations``.
    """
    reqs = instance.requests
    options = [rooted_subtrees(r.tree) for r in reqs]
    best, best_combo = None, None
    for combo in itertools.product(*options):
        if instance.root_charged:
            used = sum(len(s) for s in combo)
        else:
            used = sum(len(s) - 1 for s in combo)
        values = [total_f(r.tree, s) for r, s in zip(reqs, combo)]
        feasible = used <= instance.budget and all(
            value >= r.target for r, value in zip(reqs, values)
        )
        if cross_check:
            found = violations(instance, {r.id: s for r, s in zip(reqs, combo)})
            if feasible != (found == []):
                raise BruteMismatch(
                    f"{combo}: enumerator says feasible={feasible}, checker says"
                    f" {found}"
                )
        if feasible:
            total = sum(values, Fraction(0))
            if best is None or total > best:
                best, best_combo = total, combo
    if best is None:
        return None, None
    assert best_combo is not None, "set with best"
    selection = {r.id: s for r, s in zip(reqs, best_combo)}
    found = violations(instance, selection, best)
    if found:
        raise BruteMismatch(f"the enumerator's optimum fails the checker: {found}")
    return best, selection

"""Brute-force enumerator: the judge of the judges (tests only, tiny instances).

It tries every combination of rooted subtrees, one per request, and keeps the
best feasible one.  Deliberately plain: no pruning, no ordering tricks, the
rules restated from SPEC section 1 rather than taken from the code under test.
Only for trees of at most about 7 nodes and a few requests.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from solver.model import Instance, Tree
from verify.feasibility import violations


def rooted_subtrees(tree: Tree) -> list[tuple[int, ...]]:
    """Every node set that contains the root and, with each node, its parent."""
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


def brute_force(instance: Instance, cross_check: bool = False):
    """``(optimum, selection)`` over all combinations, or ``(None, None)`` if none is feasible.

    With ``cross_check`` every combination's verdict is also compared with
    :func:`verify.feasibility.violations` (slow; for the smallest instances).
    The returned selection is always confirmed by ``violations``.
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
            value >= r.target for r, value in zip(reqs, values))
        if cross_check:
            found = violations(instance, {r.id: s for r, s in zip(reqs, combo)})
            assert feasible == (found == []), (combo, found)
        if feasible:
            total = sum(values, Fraction(0))
            if best is None or total > best:
                best, best_combo = total, combo
    if best is None:
        return None, None
    selection = {r.id: s for r, s in zip(reqs, best_combo)}
    assert violations(instance, selection, best) == []
    return best, selection

"""The reference greedy: Algorithm 1 of the paper, corrected as in SPEC section 4.

Conventions
-----------
* Exact rational arithmetic throughout (``float-greedy`` reuses this code with
  IEEE doubles; it is a named fast path, never a judge).
* SLO phase, request by request in input order: add nodes until the selected
  total f (root's 1 included) reaches the target.
* Throughput phase: spend *exactly* the remaining node budget, or stop when no
  candidate is left (the printed ``while B >= 0`` spends one more; see
  :mod:`solver.paper`).
* GetTop picks from the *frontier* only (unselected nodes whose parent is
  selected), so the result is a rooted subtree even when f ties
  (SPEC section 3, item 3).
* Ties: larger f, then smaller depth, then request order, then node index.
* INVALID when some target exceeds its whole tree's mass, or when the minimal
  counts N_i do not fit the node budget (see :mod:`solver.model`).

The greedy is a *certifying* algorithm: each answer carries a certificate
(docs/certificates.md) that :mod:`verify.checks.certificate` checks without solving.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 2, "requests": [
...     {"id": "a", "target": "1.6", "parent": [-1, 0, 0, 1],
...      "prob": [1, "0.7", "0.2", "0.42"]},
...     {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]}]})
>>> sel = solve_reference(inst)
>>> sel.status, dict(sel.selected), sel.objective
('OK', {'a': (0, 1), 'b': (0, 1)}, Fraction(16, 5))
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from fractions import Fraction
from typing import Any, Callable

from .model import Instance, Tree
from .numbers import fraction_str
from .scaled import SCALED, ExactValues, exact_values
from .selection import Selection, make_invalid, make_ok


class _Frontier:
    """Unselected nodes of one tree whose parent is selected, best first."""

    def __init__(self, tree: Tree, key: Callable[[int], tuple]):
        self.tree = tree
        self.key = key
        self.heap = [key(c) + (c,) for c in tree.children[tree.root]]
        heapq.heapify(self.heap)

    def __bool__(self) -> bool:
        return bool(self.heap)

    def peek(self) -> tuple:
        return self.heap[0]

    def pop(self) -> int:
        v = heapq.heappop(self.heap)[-1]
        for c in self.tree.children[v]:
            heapq.heappush(self.heap, self.key(c) + (c,))
        return v


def greedy_run(
    instance: Instance, number: Callable = Fraction, values: ExactValues | None = None
):
    """Run both phases; return (sets, quotas, order) with no verdict.

    ``number`` maps an exact Fraction to the arithmetic used for comparisons
    and sums (``Fraction`` for the reference, ``float`` for float-greedy);
    ``values``, when given, supplies them instead (:mod:`solver.scaled`: the
    scaled ints, or the Fractions, of every f and target).
    ``quotas[i]`` is the SLO-phase count of request i (None if unreachable).
    ``order`` lists (request index, node) in the order the throughput phase
    added them, only when the SLO counts fit the budget.
    """
    budget = instance.node_budget
    sets, quotas, frontiers = [], [], []
    for i, req in enumerate(instance.requests):
        tree = req.tree
        fv = values.f[i] if values is not None else [number(x) for x in tree.f]
        # defaults bind this request's values; mypy cannot infer such a lambda
        frontier = _Frontier(
            tree,
            lambda v, fv=fv, t=tree: (-fv[v], t.depth[v]),  # type: ignore[misc]
        )
        chosen = [tree.root]
        acc = fv[tree.root]
        target = values.target[i] if values is not None else number(req.target)
        while acc < target and frontier:
            v = frontier.pop()
            chosen.append(v)
            acc = acc + fv[v]
        sets.append(chosen)
        quotas.append(len(chosen) - 1 if acc >= target else None)
        frontiers.append(frontier)
    counts = [q for q in quotas if q is not None]
    if len(counts) < len(quotas) or sum(counts) > budget:
        return sets, quotas, None
    remaining = budget - sum(counts)
    # one heap over the best frontier node of every request
    heap = [fr.peek()[:2] + (i,) for i, fr in enumerate(frontiers) if fr]
    heapq.heapify(heap)
    order = []
    while remaining > 0 and heap:
        i = heapq.heappop(heap)[2]
        v = frontiers[i].pop()
        sets[i].append(v)
        order.append((i, v))
        remaining -= 1
        if frontiers[i]:
            heapq.heappush(heap, frontiers[i].peek()[:2] + (i,))
    return sets, quotas, order


def sorted_run(instance: Instance, values: ExactValues):
    """:func:`greedy_run`'s sets and quotas on monotone trees, by sorting instead of a
    frontier heap.

    On a monotone tree (f(child) <= f(parent)) a node's parent has a smaller
    key (larger f, else smaller depth) than the node, so the frontier greedy
    takes the nodes in the order of their keys (-f, depth, node): every node
    with a smaller key is in the frontier when a node is taken.  The SLO phase
    therefore takes a prefix of each request's sorted nodes, and the throughput
    phase the smallest of the rest by (-f, depth, request, node), which is the
    order in which greedy_run's heap of frontier heads hands them out.  Used on
    the scaled path only: the Fraction path runs greedy_run, and
    tests/test_scaled.py compares the two answers on every generated class.
    ``order`` is None when the SLO counts do not fit, else the throughput picks.
    """
    budget = instance.node_budget
    sets, quotas = [], []
    rest: list[tuple[Any, int, int, int]] = []  # (-f, depth, request, node)
    for i, req in enumerate(instance.requests):
        tree, fv, target = req.tree, values.f[i], values.target[i]
        depth, root = tree.depth, tree.root
        ranked = sorted(
            [v for v in range(len(fv)) if v != root],
            key=lambda v: (-fv[v], depth[v], v),
        )
        acc, k = fv[root], 0
        while acc < target and k < len(ranked):
            acc += fv[ranked[k]]
            k += 1
        sets.append([root] + ranked[:k])
        quotas.append(k if acc >= target else None)
        rest.extend((-fv[v], depth[v], i, v) for v in ranked[k:])
    counts = [q for q in quotas if q is not None]
    if len(counts) < len(quotas) or sum(counts) > budget:
        return sets, quotas, None
    rest.sort()
    order = [(i, v) for _, _, i, v in rest[: budget - sum(counts)]]
    for i, v in order:
        sets[i].append(v)
    return sets, quotas, order


def solve_reference(instance: Instance, numbers: str = "auto") -> Selection:
    """The exact reference greedy with its certificate (optimal on monotone inputs).

    ``numbers``: the arithmetic (:mod:`solver.scaled`): ``"auto"`` (ints over the
    common denominator unless it is too large), ``"fraction"`` (the reference),
    ``"scaled"``.  Every path gives the same answer, byte for byte.
    """
    ev = exact_values(instance, numbers)
    if ev.path == SCALED and ev.is_monotone():
        # the same answer, by sorting (see sorted_run)
        sets, quotas, order = sorted_run(instance, ev)
    else:
        sets, quotas, order = greedy_run(instance, values=ev)
    if order is None:
        return make_invalid(
            invalid_reason(instance, quotas), invalid_certificate(instance, ev)
        )
    selection_sets = {r.id: s for r, s in zip(instance.requests, sets)}
    cert = (
        optimal_certificate(instance, selection_sets, quotas, ev)
        if ev.is_monotone()
        else None
    )
    objective = ev.exact(sum((ev.value(i, s) for i, s in enumerate(sets)), ev.zero))
    return make_ok(instance, selection_sets, cert, objective=objective)


def invalid_reason(instance: Instance, quotas) -> str:
    """Why the greedy answers INVALID, from its quotas (None: the target is beyond the
    tree's mass)."""
    for req, q in zip(instance.requests, quotas):
        if q is None:
            return (
                f"request {req.id!r}: target {fraction_str(req.target)} exceeds the"
                f" tree's total mass {fraction_str(req.tree.mass)}"
            )
    need = sum(quotas)
    conv = "roots charged" if instance.root_charged else "roots free"
    return (
        f"the targets need {need} non-root nodes but the node budget is "
        f"{instance.node_budget} (budget {instance.budget}, {conv})"
    )


# ---------------------------------------------------------------- certificates


def min_count_bound(
    tree: Tree,
    target: Fraction,
    values: ExactValues | None = None,
    index: int | None = None,
):
    """Smallest k such that root + the k largest non-root f reach ``target``.

    A lower bound on the count of *any* node set reaching the target (no
    premise needed), and the exact minimum for rooted subtrees on monotone
    trees.  Returns ``(k, shortfall)``: ``shortfall`` is the total of root +
    the k-1 largest (< target; None when k == 0), or ``(None, mass)`` when
    even the whole tree falls short.  With ``values`` (and the request's
    ``index`` in the instance) the sums run on its scaled numbers and
    ``shortfall`` is scaled too (``values.exact`` gives the Fraction).
    """
    if values is not None:
        assert index is not None, "values come with the request's index"
        # P_i(0), P_i(1), ...: non-decreasing (f >= 0), so the first k reaching the
        # target is found by bisection
        tops, target = values.top_sums(index), values.target[index]
        k = bisect_left(tops, target)
        if k == len(tops):
            return None, tops[-1]
        return k, (tops[k - 1] if k else None)
    acc, ranked = tree.f[tree.root], tree.sorted_values()
    if acc >= target:
        return 0, None
    for k, x in enumerate(ranked, start=1):
        before = acc
        acc += x
        if acc >= target:
            return k, before
    return None, acc


def invalid_certificate(instance: Instance, values: ExactValues | None = None) -> dict:
    """Why no feasible selection exists, in terms any checker can recompute."""
    ev = values if values is not None else exact_values(instance)
    min_counts, witness = {}, {}
    for i, req in enumerate(instance.requests):
        k, w = min_count_bound(req.tree, req.target, ev, i)
        min_counts[req.id] = "unreachable" if k is None else k
        if k is None:
            witness[req.id] = {"mass": fraction_str(ev.exact(w))}
        elif k > 0:
            witness[req.id] = {"best_with_one_less": fraction_str(ev.exact(w))}
    return {
        "kind": "invalid",
        "node_budget": instance.node_budget,
        "min_counts": min_counts,
        "witness": witness,
        "sum_min_counts": sum(k for k in min_counts.values() if k != "unreachable"),
    }


def top_set_certificate(
    instance: Instance, sizes: list[int], values: ExactValues
) -> dict | None:
    """:func:`optimal_certificate` (``restate=False``) of a selection whose set of
    request i is a top-m set of ``sizes[i]`` nodes, root included, read from the
    sorted values alone: the quotas N_i by bisection, lambda from the m-th and
    (m + 1)-th largest values.  None when a target is beyond its tree's mass.

    What the caller says of the sets is taken as said: the certificate is checked
    like any other, and a set that is not a top-m set fails the check (rule 5).
    """
    counts, quotas = {}, {}
    unchosen_max = beyond_min = None
    every_tops = values.every_top_sums()
    for i, (req, size) in enumerate(zip(instance.requests, sizes)):
        tops, ranked = every_tops[i], values.sorted_values(i)
        q = bisect_left(tops, values.target[i])  # min_count_bound's
        if q == len(tops):
            return None
        m = counts[req.id] = size - 1
        quotas[req.id] = q
        # the smallest chosen value beyond the quota, the largest unchosen one
        if m > q and (beyond_min is None or ranked[m - 1] < beyond_min):
            beyond_min = ranked[m - 1]
        if m < len(ranked) and (unchosen_max is None or ranked[m] > unchosen_max):
            unchosen_max = ranked[m]
    lam = (
        unchosen_max
        if unchosen_max is not None
        else (beyond_min if beyond_min is not None else values.zero)
    )
    return {
        "kind": "optimal",
        "counts": counts,
        "quotas": quotas,
        "lambda": fraction_str(values.exact(lam)),
    }


def optimal_certificate(
    instance: Instance,
    sets,
    quotas,
    values: ExactValues | None = None,
    restate: bool = True,
) -> dict:
    """Counts, quotas and a threshold lambda proving the selection optimal (monotone
    inputs).

    ``restate=False`` leaves out the optional fields (witnesses, node budget,
    budget spent, all nodes selected): facts the checker recomputes anyway, so
    the certificate proves the same (docs/certificates.md, "Fields").
    """
    ev = values if values is not None else exact_values(instance)
    counts, quota_out, witness = {}, {}, {}
    unchosen_max = None
    beyond_min = None
    leftover = False
    for i, (req, q) in enumerate(zip(instance.requests, quotas)):
        tree, chosen, fv = req.tree, set(sets[req.id]), ev.f[i]
        m = counts[req.id] = len(chosen) - 1
        quota_out[req.id] = q
        if q > 0 and restate:
            tops = ev.top_sums(i)
            witness[req.id] = fraction_str(ev.exact(tops[min(q, len(tops)) - 1]))
        ranked = ev.sorted_values(i)
        if ev.is_top_set(i, chosen):
            # its smallest value is the m-th largest, the largest unchosen one the
            # (m + 1)-th
            low = ranked[m - 1] if m > q else None
            x = ranked[m] if m < len(ranked) else None
        else:
            picked = [fv[v] for v in chosen if v != tree.root]
            low = min(picked) if len(picked) > q else None
            rest = [fv[v] for v in range(len(fv)) if v not in chosen]
            x = max(rest) if rest else None
        if low is not None:
            beyond_min = low if beyond_min is None else min(beyond_min, low)
        if x is not None:
            leftover = True
            unchosen_max = x if unchosen_max is None else max(unchosen_max, x)
    lam = (
        unchosen_max
        if unchosen_max is not None
        else (beyond_min if beyond_min is not None else ev.zero)
    )
    lam = ev.exact(lam)
    if not restate:
        return {
            "kind": "optimal",
            "counts": counts,
            "quotas": quota_out,
            "lambda": fraction_str(lam),
        }
    return {
        "kind": "optimal",
        "node_budget": instance.node_budget,
        "counts": counts,
        "quotas": quota_out,
        "quota_witness": witness,
        "lambda": fraction_str(lam),
        "budget_spent": sum(counts.values()) == instance.node_budget,
        "all_nodes_selected": not leftover,
    }

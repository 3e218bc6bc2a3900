"""Checking the reference greedy's certificates without solving anything.

A certificate (docs/certificates.md) turns "the greedy says so" into facts a
checker can confirm by sorting each tree once: O(total nodes * log) time.

``invalid``  per request a lower bound N_i on the non-root nodes any set
             needs to reach its target (witness: root + the N_i - 1 largest
             values fall short), or "unreachable" (witness: the whole tree's
             mass falls short); and sum N_i > node budget.  Needs no premise:
             valid for non-monotone trees too.
``optimal``  counts m_i, quotas N_i (with the same shortfall witness) and a
             threshold lambda: each chosen set is a top-m_i set of its tree,
             every chosen value ranked beyond the quota is >= lambda, every
             unchosen value is <= lambda, and the budget is spent unless no
             node is left.  Needs the monotone premise (f(child) <= f(parent)).

:func:`certificate_problems` returns what is wrong (an empty list means the
certificate proves the answer).

>>> from solver.parse import parse_instance
>>> from solver.reference import solve_reference
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": "1.5", "parent": [-1, 0, 0], "prob": [1, "0.6", "0.3"]}]})
>>> sel = solve_reference(inst)
>>> certificate_problems(inst, sel)
[]
>>> forged = dict(sel.certificate, **{"lambda": "1/10"})
>>> certificate_problems(inst, type(sel)(sel.status, sel.selected, sel.objective, None, forged))
["lambda 1/10: request 'r0' leaves node 2 unchosen with f = 3/10 > lambda"]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from solver.model import Instance
from solver.numbers import NotANumber, fraction_str, to_fraction
from solver.selection import INVALID, OK, Selection

from solver.feasibility import violations


def certificate_problems(instance: Instance, selection: Selection) -> list[str]:
    """Everything that keeps the certificate from proving the selection's answer."""
    cert = selection.certificate
    if not isinstance(cert, dict):
        return ["no certificate"]
    try:
        if selection.status == INVALID:
            return _check_invalid(instance, cert)
        if selection.status == OK:
            return _check_optimal(instance, selection, cert)
    except (KeyError, TypeError, ValueError, NotANumber) as exc:
        return [f"malformed certificate: {type(exc).__name__}: {exc}"]
    return [f"no certificate for status {selection.status}"]


def _count(x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise ValueError(f"{x!r} is not a count")
    return x


def _shortfall_problems(req, n_i: int, claimed: Any) -> list[str]:
    """N_i is a valid lower bound iff root + the N_i - 1 largest values < target."""
    if n_i == 0:
        return []
    tree = req.tree
    best = tree.f[tree.root] + sum(tree.sorted_values()[:n_i - 1], Fraction(0))
    out = []
    if n_i - 1 > len(tree) - 1:
        out.append(f"request {req.id!r}: quota {n_i} exceeds the tree's {len(tree) - 1} non-root nodes")
    if best >= req.target:
        out.append(f"request {req.id!r}: {n_i - 1} nodes already reach {fraction_str(best)} >= target "
                   f"{fraction_str(req.target)}, so {n_i} is not a lower bound")
    if claimed is not None and to_fraction(claimed) != best:
        out.append(f"request {req.id!r}: witness says {claimed}, recomputed {fraction_str(best)}")
    return out


def _check_invalid(instance: Instance, cert: dict) -> list[str]:
    out = []
    if cert.get("kind") != "invalid":
        return ["an INVALID answer needs a certificate of kind 'invalid'"]
    counts, witness = cert["min_counts"], cert.get("witness", {})
    if set(counts) != set(instance.index):
        return ["min_counts must name every request exactly once"]
    total, proven_unreachable = 0, False
    for req in instance.requests:
        k = counts[req.id]
        if k == "unreachable":
            if req.tree.mass >= req.target:
                out.append(f"request {req.id!r}: called unreachable but the tree's mass "
                           f"{fraction_str(req.tree.mass)} >= target {fraction_str(req.target)}")
            else:
                proven_unreachable = True  # one unreachable target alone proves INVALID
            continue
        k = _count(k)
        w = witness.get(req.id, {})
        out += _shortfall_problems(req, k, w.get("best_with_one_less") if isinstance(w, dict) else None)
        total += k
    if not proven_unreachable and total <= instance.node_budget:
        out.append(f"the minimal counts sum to {total}, which fits the node budget {instance.node_budget}")
    return out


def _check_optimal(instance: Instance, selection: Selection, cert: dict) -> list[str]:
    if cert.get("kind") != "optimal":
        return ["an OK answer needs a certificate of kind 'optimal'"]
    bad = violations(instance, selection.selected or {}, selection.objective)
    if bad:
        return ["selection is not feasible: " + v.text for v in bad]
    if not instance.is_monotone():
        return ["an optimality certificate needs monotone path probabilities (f(child) <= f(parent))"]
    lam = to_fraction(cert["lambda"])
    counts, quotas = cert["counts"], cert["quotas"]
    qwit = cert.get("quota_witness", {})
    out = []
    if lam < 0:
        out.append(f"lambda {fraction_str(lam)} is negative")
    used, left = 0, 0
    for req in instance.requests:
        tree, chosen = req.tree, set(selection.selected[req.id])
        m_i, n_i = _count(counts[req.id]), _count(quotas[req.id])
        if m_i != len(chosen) - 1:
            out.append(f"request {req.id!r}: count {m_i} but {len(chosen) - 1} non-root nodes are selected")
        if n_i > m_i:
            out.append(f"request {req.id!r}: quota {n_i} exceeds count {m_i}")
        out += _shortfall_problems(req, n_i, qwit.get(req.id))
        picked = sorted((tree.f[v] for v in chosen if v != tree.root), reverse=True)
        rest = [(tree.f[v], v) for v in tree.non_root if v not in chosen]
        if picked and rest:
            top_rest = max(rest)
            if top_rest[0] > picked[-1]:
                out.append(f"request {req.id!r}: not a top-{m_i} set: unchosen node {top_rest[1]} has "
                           f"f = {fraction_str(top_rest[0])} > chosen {fraction_str(picked[-1])}")
        for rank, x in enumerate(picked[n_i:], start=n_i + 1):
            if x < lam:
                out.append(f"lambda {fraction_str(lam)}: request {req.id!r} has a node beyond its quota "
                           f"(rank {rank}) with f = {fraction_str(x)} < lambda")
                break
        for x, v in sorted(rest, key=lambda t: t[1]):
            if x > lam:
                out.append(f"lambda {fraction_str(lam)}: request {req.id!r} leaves node {v} unchosen "
                           f"with f = {fraction_str(x)} > lambda")
                break
        used += len(chosen) - 1
        left += len(rest)
    if used != instance.node_budget and left:
        out.append(f"budget not spent: {used} of node budget {instance.node_budget} used while "
                   f"{left} nodes remain")
    return out

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

A certificate is evidence, so every field it carries is checked, and a field
it must not carry is rejected (docs/certificates.md lists the fields of each
kind and what each must equal).  :func:`certificate_problems` returns what is
wrong (an empty list means the certificate proves the answer); a certificate
whose shape is wrong (a field missing, of the wrong type, unknown) gets one
``malformed certificate: ...`` problem and nothing else is judged.

>>> from solver.parse import parse_instance
>>> from solver.reference import solve_reference
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": "1.5", "parent": [-1, 0, 0],
...      "prob": [1, "0.6", "0.3"]}]})
>>> sel = solve_reference(inst)
>>> certificate_problems(inst, sel)
[]
>>> forged = dict(sel.certificate, **{"lambda": "1/10"})
>>> def with_certificate(cert):
...     return type(sel)(sel.status, sel.selected, sel.objective, None, cert)
>>> certificate_problems(inst, with_certificate(forged))
["lambda 1/10: request 'r0' leaves node 2 unchosen with f = 3/10 > lambda"]
>>> problems = certificate_problems(
...     inst, with_certificate(dict(sel.certificate, quota_witness="1")))
>>> print(*problems)  # doctest: +NORMALIZE_WHITESPACE
malformed certificate: quota_witness: must be an object mapping request ids to numbers,
got a string
>>> len(problems)
1
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from solver.feasibility import feasible_worths, rule_by_rule
from solver.messages import abbreviate, number, show
from solver.model import Instance
from solver.numbers import (
    MAX_ANSWER_DIGITS,
    NotANumber,
    TooLong,
    fraction_str,
    to_fraction,
)
from solver.scaled import ExactValues, exact_values
from solver.selection import INVALID, OK, Selection

UNREACHABLE = "unreachable"
# kind -> (required fields, optional fields)
FIELDS = {
    "invalid": (("kind", "min_counts"), ("node_budget", "witness", "sum_min_counts")),
    "optimal": (
        ("kind", "counts", "quotas", "lambda"),
        ("node_budget", "quota_witness", "budget_spent", "all_nodes_selected"),
    ),
}


class _Malformed(Exception):
    """The certificate's shape is wrong: one line saying where."""


def certificate_problems(
    instance: Instance, selection: Selection, numbers: str = "auto"
) -> list[str]:
    """Everything that keeps the certificate from proving the selection's answer.

    ``numbers``: the arithmetic of the sums and comparisons (:mod:`solver.scaled`).
    """
    cert = selection.certificate
    if not isinstance(cert, dict):
        return ["no certificate"]
    try:
        if selection.status == INVALID:
            return _check_invalid(instance, cert, exact_values(instance, numbers))
        if selection.status == OK:
            return _check_optimal(
                instance, selection, cert, exact_values(instance, numbers)
            )
    except _Malformed as exc:
        return [f"malformed certificate: {exc}"]
    return [f"no certificate for status {selection.status}"]


# ------------------------------------------------------------------ shape


def _fields(cert: dict, kind: str) -> None:
    required, optional = FIELDS[kind]
    for key in cert:
        if key not in required and key not in optional:
            raise _Malformed(
                f"unknown field {show(str(key))} (a certificate of kind {kind!r} has "
                f"{', '.join(required + optional)})"
            )
    for key in required:
        if key not in cert:
            raise _Malformed(f"missing field {key!r}")


def _type_name(x: Any) -> str:
    if isinstance(x, TooLong):
        return "a number with too many digits"
    return {
        str: "a string",
        list: "a list",
        dict: "an object",
        bool: "a boolean",
        type(None): "null",
        int: "an integer",
    }.get(type(x), "a number")


def _per_request(
    instance: Instance, cert: dict, name: str, what: str, complete: bool
) -> dict:
    """``cert[name]``: an object keyed by request ids (every id once when
    ``complete``)."""
    obj = cert[name]
    if not isinstance(obj, dict):
        raise _Malformed(
            f"{name}: must be an object mapping request ids to {what}, got"
            f" {_type_name(obj)}"
        )
    if obj.keys() <= instance.index.keys() and (
        not complete or len(obj) == len(instance.requests)
    ):
        return obj  # the common case, in bulk; else the first fault, named below
    for rid in obj:
        if rid not in instance.index:
            raise _Malformed(f"{name}: {show(rid)} is not a request of the instance")
    if complete:
        for req in instance.requests:
            if req.id not in obj:
                raise _Malformed(
                    f"{name}: request {show(req.id)} is missing (every request must be"
                    " named once)"
                )
    return obj


def _count(name: str, rid: str, x: Any) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise _Malformed(
            f"{name}: request {show(rid)}: {_value(x)} is not a count (an integer >= 0)"
        )
    return x


def _counts(instance: Instance, obj: dict, name: str) -> list[int]:
    """The counts of a complete per-request object, in instance order."""
    got = [obj[r.id] for r in instance.requests]
    if set(map(type, got)) <= {int} and min(got, default=0) >= 0:
        return got  # the common case, in bulk; else the first fault, named below
    return [_count(name, r.id, x) for r, x in zip(instance.requests, got)]


def _number(name: str, x: Any) -> Fraction:
    try:
        return to_fraction(x, max_digits=MAX_ANSWER_DIGITS)
    except NotANumber as exc:
        raise _Malformed(f"{name}: {exc}") from None


def _value(x: Any) -> str:
    if isinstance(x, TooLong):
        return x.reason
    if isinstance(x, str):
        return show(x)
    if isinstance(x, Fraction):
        return number(fraction_str(x))
    if isinstance(x, int) and not isinstance(x, bool):
        return number(fraction_str(x))
    return abbreviate(repr(x)) if not isinstance(x, (dict, list)) else _type_name(x)


def _optional_equal(
    cert: dict,
    name: str,
    kind: Callable[[Any], bool],
    kind_text: str,
    actual: Any,
    why: str,
) -> list[str]:
    """A field that restates a fact: when present it must have the right type and equal
    ``actual``."""
    if name not in cert:
        return []
    x = cert[name]
    if not kind(x):
        raise _Malformed(f"{name}: must be {kind_text}, got {_value(x)}")
    if x != actual:
        return [f"{name} says {_show_json(x)}, but {why}"]
    return []


def _show_json(x: Any) -> str:
    return "true" if x is True else "false" if x is False else _value(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_bool(x: Any) -> bool:
    return isinstance(x, bool)


# ------------------------------------------------------------------ the checks


def _best_with(ev: ExactValues, i: int, k: int):
    """P_i(k): root + the k largest non-root values (scaled; all of them when k is
    larger)."""
    tops = ev.top_sums(i)
    return tops[min(k, len(tops) - 1)]


def _shortfall_problems(
    ev: ExactValues, i: int, n_i: int, claimed: Fraction | None
) -> list[str]:
    """N_i is a valid lower bound iff root + the N_i - 1 largest values < target."""
    if n_i == 0:
        return []
    req = ev.instance.requests[i]
    tree = req.tree
    best = _best_with(ev, i, n_i - 1)
    out = []
    if n_i - 1 > len(tree) - 1:
        out.append(
            f"request {show(req.id)}: quota {n_i} exceeds the tree's {len(tree) - 1}"
            " non-root nodes"
        )
    if best >= ev.target[i]:
        out.append(
            f"request {show(req.id)}: {n_i - 1} nodes already reach"
            f" {number(fraction_str(ev.exact(best)))} >= target"
            f" {number(fraction_str(req.target))}, so {n_i} is not a lower bound"
        )
    if claimed is not None and ev.compare(best, claimed) != 0:
        out.append(
            f"request {show(req.id)}: witness says {number(fraction_str(claimed))},"
            f" recomputed {number(fraction_str(ev.exact(best)))}"
        )
    return out


def _num(ev: ExactValues, x) -> str:
    """A scaled value in a message (its exact Fraction's text, abbreviated when
    long)."""
    return number(fraction_str(ev.exact(x)))


def _witness_entry(rid: str, entry: Any, key: str) -> Fraction:
    """One entry of ``witness``: an object with exactly the one field ``key``, a
    number."""
    if not isinstance(entry, dict):
        got = _type_name(entry)
    elif set(entry) != {key}:
        got = (
            "fields " + ", ".join(show(str(k)) for k in entry)
            if entry
            else "an empty object"
        )
    else:
        return _number(f"witness: request {show(rid)}: {key}", entry[key])
    raise _Malformed(
        f"witness: request {show(rid)}: must be {{{key!r}: number}}, got {got}"
    )


def _check_invalid(instance: Instance, cert: dict, ev: ExactValues) -> list[str]:
    if cert.get("kind") != "invalid":
        return ["an INVALID answer needs a certificate of kind 'invalid'"]
    _fields(cert, "invalid")
    counts = _per_request(
        instance, cert, "min_counts", f"counts or {UNREACHABLE!r}", complete=True
    )
    witness = (
        _per_request(instance, cert, "witness", "witness objects", complete=False)
        if "witness" in cert
        else {}
    )
    ks: dict[str, int | str] = {}
    for req in instance.requests:
        k = counts[req.id]
        ks[req.id] = k if k == UNREACHABLE else _count("min_counts", req.id, k)
    claimed: dict[str, Fraction] = {}
    for rid, entry in witness.items():
        k = ks[rid]
        if k == 0:
            raise _Malformed(
                f"witness: request {show(rid)} has minimal count 0, which needs no"
                " witness"
            )
        claimed[rid] = _witness_entry(
            rid, entry, "mass" if k == UNREACHABLE else "best_with_one_less"
        )
    out = []
    total, proven_unreachable = 0, False
    for i, req in enumerate(instance.requests):
        k = ks[req.id]
        if k == UNREACHABLE:
            mass = ev.exact(ev.mass(i))
            if mass >= req.target:
                out.append(
                    f"request {show(req.id)}: called unreachable but the tree's mass"
                    f" {number(fraction_str(mass))} >= target"
                    f" {number(fraction_str(req.target))}"
                )
            else:
                proven_unreachable = True  # one unreachable target alone proves INVALID
            if req.id in claimed and claimed[req.id] != mass:
                out.append(
                    f"request {show(req.id)}: witness says mass"
                    f" {number(fraction_str(claimed[req.id]))}, recomputed"
                    f" {number(fraction_str(mass))}"
                )
            continue
        assert isinstance(k, int), "a count, once not UNREACHABLE"
        out += _shortfall_problems(ev, i, k, claimed.get(req.id))
        total += k
    out += _optional_equal(
        cert,
        "node_budget",
        _is_int,
        "an integer",
        instance.node_budget,
        f"the instance's node budget is {instance.node_budget}",
    )
    out += _optional_equal(
        cert,
        "sum_min_counts",
        _is_int,
        "an integer",
        total,
        f"the numeric min_counts sum to {total}",
    )
    if not proven_unreachable and total <= instance.node_budget:
        out.append(
            f"the minimal counts sum to {total}, which fits the node budget"
            f" {instance.node_budget}"
        )
    return out


def _ranked_ok(ev: ExactValues, i: int, m: int, n_i: int, lam_floor, lam_ceil):
    """Rule 6 for request ``i``, whose chosen set is a top-m set, decided from its
    sorted values.

    In a top-m set the chosen values ranked 1..m are the m largest and the
    unchosen ones the rest (:meth:`ExactValues.is_top_set`), so the smallest
    chosen value beyond the quota and the largest unchosen one decide lambda
    (docs/certificates.md, "What the checker shares").  When this is False, or
    the set is no top-m set, :func:`_ranked_problems` goes node by node and says
    what fails.
    """
    ranked = ev.sorted_values(i)
    return (m <= n_i or ranked[m - 1] >= lam_ceil) and (
        m == len(ranked) or ranked[m] <= lam_floor
    )


def _ranked_problems(
    ev: ExactValues,
    i: int,
    chosen: set,
    m_i: int,
    n_i: int,
    lam_text: str,
    lam_floor,
    lam_ceil,
) -> list[str]:
    """Rules 5 and 6 of request ``i`` node by node (the messages when they fail)."""
    req = ev.instance.requests[i]
    tree, fv, out = req.tree, ev.f[i], []
    picked = sorted((fv[v] for v in chosen if v != tree.root), reverse=True)
    rest = [(fv[v], v) for v in range(len(fv)) if v not in chosen]
    if picked and rest:
        top_rest = max(rest)
        if top_rest[0] > picked[-1]:
            out.append(
                f"request {show(req.id)}: not a top-{m_i} set: unchosen node"
                f" {top_rest[1]} has f = {_num(ev, top_rest[0])} > chosen"
                f" {_num(ev, picked[-1])}"
            )
    for rank, x in enumerate(picked[n_i:], start=n_i + 1):
        if x < lam_ceil:
            out.append(
                f"lambda {lam_text}: request {show(req.id)} has a node beyond its"
                f" quota (rank {rank}) with f = {_num(ev, x)} < lambda"
            )
            break
    for x, v in rest:  # in node order, as built
        if x > lam_floor:
            out.append(
                f"lambda {lam_text}: request {show(req.id)} leaves node {v}"
                f" unchosen with f = {_num(ev, x)} > lambda"
            )
            break
    return out


def _check_optimal(
    instance: Instance, selection: Selection, cert: dict, ev: ExactValues
) -> list[str]:
    if cert.get("kind") != "optimal":
        return ["an OK answer needs a certificate of kind 'optimal'"]
    _fields(cert, "optimal")
    counts_raw = _per_request(instance, cert, "counts", "counts", complete=True)
    quotas_raw = _per_request(instance, cert, "quotas", "counts", complete=True)
    counts = _counts(instance, counts_raw, "counts")
    quotas = _counts(instance, quotas_raw, "quotas")
    lam = _number("lambda", cert["lambda"])
    qwit: dict[str, Fraction] = {}
    if "quota_witness" in cert:
        for rid, x in _per_request(
            instance, cert, "quota_witness", "numbers", complete=False
        ).items():
            if quotas[instance.index[rid]] == 0:
                raise _Malformed(
                    f"quota_witness: request {show(rid)} has quota 0, which needs no"
                    " witness"
                )
            qwit[rid] = _number(f"quota_witness: request {show(rid)}", x)
    for name in ("budget_spent", "all_nodes_selected"):
        if name in cert and not isinstance(cert[name], bool):
            raise _Malformed(f"{name}: must be true or false, got {_value(cert[name])}")
    if "node_budget" in cert and not _is_int(cert["node_budget"]):
        raise _Malformed(
            f"node_budget: must be an integer, got {_value(cert['node_budget'])}"
        )

    selected = selection.selected or {}
    feasible = feasible_worths(instance, selected, selection.objective, ev.path)
    if feasible is None:  # breaks a rule, or may: each rule in turn says
        bad = rule_by_rule(instance, selected, selection.objective, ev.path)
        if bad:
            return ["selection is not feasible: " + v.text for v in bad]
    if not ev.is_monotone():
        return [
            "an optimality certificate needs monotone path probabilities (f(child) <="
            " f(parent))"
        ]
    out = []
    if lam < 0:
        out.append(f"lambda {number(fraction_str(lam))} is negative")
    lam_text = number(fraction_str(lam))
    # x > lam iff x > lam_floor; x < lam iff x < lam_ceil
    lam_floor, lam_ceil = (
        ev.floor(lam),
        ev.ceil(lam),
    )
    used, left, targets, every_tops = 0, 0, ev.target, ev.every_top_sums()
    for i, req in enumerate(instance.requests):
        nodes = selected[req.id]  # feasible: the root is in it
        m_i, n_i = counts[i], quotas[i]
        tops = every_tops[i]
        if feasible is not None:  # distinct nodes, summed in the one pass
            m = len(nodes) - 1
            top = feasible[0][i] == tops[m]  # a top-m set (ExactValues.is_top_set)
        else:
            chosen = set(nodes)
            m = len(chosen) - 1
            top = ev.is_top_set(i, chosen)
        if m_i != m:
            out.append(
                f"request {show(req.id)}: count {m_i} but {m} non-root"
                " nodes are selected"
            )
        if n_i > m_i:
            out.append(f"request {show(req.id)}: quota {n_i} exceeds count {m_i}")
        if n_i and (
            n_i > len(tops) or tops[n_i - 1] >= targets[i] or req.id in qwit
        ):  # else root + the n_i - 1 largest fall short: a valid bound, no witness
            out += _shortfall_problems(ev, i, n_i, qwit.get(req.id))
        if not (top and _ranked_ok(ev, i, m, n_i, lam_floor, lam_ceil)):
            out += _ranked_problems(
                ev, i, set(nodes), m_i, n_i, lam_text, lam_floor, lam_ceil
            )
        used += m
        left += len(tops) - 1 - m
    if used != instance.node_budget and left:
        out.append(
            f"budget not spent: {used} of node budget {instance.node_budget} used while"
            f" {left} nodes remain"
        )
    out += _optional_equal(
        cert,
        "node_budget",
        _is_int,
        "an integer",
        instance.node_budget,
        f"the instance's node budget is {instance.node_budget}",
    )
    out += _optional_equal(
        cert,
        "budget_spent",
        _is_bool,
        "true or false",
        used == instance.node_budget,
        f"the selection uses {used} non-root nodes of the node budget"
        f" {instance.node_budget}",
    )
    out += _optional_equal(
        cert,
        "all_nodes_selected",
        _is_bool,
        "true or false",
        left == 0,
        f"{left} non-root nodes are unselected",
    )
    return out

"""Why a counterexample fails: the cause a report names (docs/reports.md, "Cause").

A *cause* is one observation about the failing answer, with the numbers that show it:

``tie``            a node selected without its parent has exactly its parent's f
``merge``          two values that differ exactly are equal after rounding to a
                   format (:mod:`verify.search.precision`): a node and its parent
                   (an orphan although f strictly decreases), or a node the solver
                   took and a larger one it left (a suboptimal answer)
``underflow``      the same, where both values round to 0
``no tie``         an orphan whose value is below its parent's, also after rounding
``float sum``      a target test that IEEE double (or the declared format) decides
                   otherwise than exact arithmetic (1 + 0.4 + 0.2 < 1.6 in double)
``beyond budget``  the selection uses more budget than there is; the nodes marked are
                   the smallest-f leaves of the selection, as many as are too many (roots
                   only when roots are charged and nothing else is selected)
``swap``           a suboptimal answer took a node worth less than one it left, with no
                   rounding that explains it

Formats are tried finest first (float32, bfloat16, float16), or only the declared
``precision``.  Causes describe, they never judge: the verdict is the exact check's.

"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import Selection

from verify.search.precision import FORMATS, merge_format, round_to, show


def _val(x: Fraction) -> str:
    """The exact value; when its fraction is very long, the nearest double (17 digits) instead."""
    s = fraction_str(x)
    return s if len(s) <= 40 else f"~{float(x):.17g}"


def _pair_cause(a_label: str, a: Fraction, b_label: str, b: Fraction, precision: Optional[str],
                tail: str) -> Optional[dict]:
    """tie / merge / underflow between values a and b, or None."""
    if a == b:
        return {"kind": "tie", "text": f"{a_label} and {b_label} have equal f exactly ({_val(a)}){tail}"}
    fmt = merge_format(a, b, precision)
    if fmt is None:
        return None
    if round_to(a, fmt) == 0:
        return {"kind": "underflow", "format": fmt,
                "text": f"{a_label} (f = {_val(a)}) and {b_label} (f = {_val(b)}) both round to 0 in {fmt}{tail}"}
    return {"kind": "merge", "format": fmt,
            "text": f"{a_label} (f = {_val(a)}) and {b_label} (f = {_val(b)}) differ exactly but are equal "
                    f"after rounding to {fmt} (both {show(a, fmt)}){tail}"}


def beyond_budget(instance: Instance, selected: dict) -> dict[str, list[int]]:
    """Per request, the nodes marked as beyond the budget: repeatedly the smallest-f leaf of the
    selection (no selected child; a root only when roots are charged and it is all that is left
    of its selection), as many as the selection overspends.

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 0, "root_charged": True, "requests": [
    ...     {"id": "a", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}]})
    >>> beyond_budget(inst, {"a": [0, 1]})
    {'a': [1, 0]}
    """
    sets = {r.id: {v for v in selected.get(r.id, ()) if isinstance(v, int) and 0 <= v < len(r.tree)}
            for r in instance.requests}
    used = sum(len(s) if instance.root_charged else len(s - {instance.request(rid).tree.root})
               for rid, s in sets.items())
    extra = used - instance.budget
    marked: dict[str, list[int]] = {}
    while extra > 0:
        leaves = []
        for r in instance.requests:
            s = sets[r.id]
            for v in s:
                # a root only when roots are charged and nothing else is left (the roots alone overspend)
                if not any(c in s for c in r.tree.children[v]) and (v != r.tree.root or len(s) == 1):
                    leaves.append((v == r.tree.root, r.tree.f[v], -r.tree.depth[v], r.id, v))
        leaves = [x for x in leaves if not x[0] or instance.root_charged]
        if not leaves:
            break
        _, _, _, rid, v = min(leaves)
        sets[rid].discard(v)
        marked.setdefault(rid, []).append(v)
        extra -= 1
    return marked


def explain(instance: Instance, output: Optional[Selection], optimal: Optional[Selection], rule: str,
            kind: str, precision: Optional[str] = None) -> list[dict]:
    """The causes of one failure; never raises (an answer too malformed to explain has none)."""
    try:
        return _explain(instance, output, optimal, rule, kind, precision)
    except Exception:  # a cause is a courtesy: a malformed answer must not cost the finding
        return []


def _explain(instance: Instance, output: Optional[Selection], optimal: Optional[Selection], rule: str,
             kind: str, precision: Optional[str] = None) -> list[dict]:
    """The causes of one failure (``rule`` and ``kind`` of its signature); may be empty.

    >>> from solver.parse import parse_instance
    >>> from solver.selection import make_ok
    >>> inst = parse_instance({"budget": 1, "requests": [{"id": "r", "target": "1",
    ...     "parent": [-1, 2, 0], "prob": ["1", "99999998/100000000", "999999999/1000000000"]}]})
    >>> [c["text"] for c in _explain(inst, make_ok(inst, {"r": [0, 1]}), None, "rooted", "not rooted")]
    ["request 'r' node 1 (f = 49999999/50000000) and its parent 2 (f = 999999999/1000000000) differ exactly but are equal after rounding to float32 (both 1.0): the node was taken before its parent"]
    """
    out: list[dict] = []
    if output is None or not output.ok:
        if kind == "wrong INVALID":
            out += _float_sum_counts(instance, precision)
        return out
    bad = violations(instance, output.selected)
    if rule == "rooted" or kind == "not rooted":
        for v in bad:
            if v.rule != "rooted" or v.node is None:
                continue
            tree = instance.request(v.request).tree
            p = tree.parent[v.node]
            if p == -1:
                continue
            label = f"request {v.request!r} node {v.node}"
            c = _pair_cause(label, tree.f[v.node], f"its parent {p}", tree.f[p], precision,
                            ": the node was taken before its parent")
            if c is None:
                c = {"kind": "no tie", "text": f"{label} (f = {_val(tree.f[v.node])}) is below its parent {p} "
                                               f"(f = {_val(tree.f[p])}), also after rounding: not a tie"}
            c.update(request=v.request, nodes=[v.node, p])
            out.append(c)
    if any(v.rule == "format" for v in bad):
        return out  # unknown requests or nodes: nothing more to explain than the violation itself
    if any(v.rule == "budget" for v in bad):
        marked = beyond_budget(instance, output.selected)
        n = sum(len(x) for x in marked.values())
        where = "; ".join(f"request {rid!r} node{'s' * (len(vs) != 1)} {', '.join(map(str, vs))}"
                          for rid, vs in marked.items())
        out.append({"kind": "beyond budget", "marked": marked,
                    "text": f"{n} node{'s' * (n != 1)} beyond the budget of {instance.budget} (marked: {where}; "
                            f"the smallest-f leaves of the selection)"})
    if any(v.rule == "target" for v in bad):
        for v in bad:
            if v.rule != "target":
                continue
            req = instance.request(v.request)
            chosen = sorted((req.tree.f[u] for u in set(output.selected[req.id])
                             if isinstance(u, int) and 0 <= u < len(req.tree) and u != req.tree.root), reverse=True)
            exact = req.tree.f[req.tree.root] + sum(chosen, Fraction(0))
            acc = float(req.tree.f[req.tree.root])
            for x in chosen:
                acc += float(x)
            if acc >= float(req.target) and exact < req.target:
                out.append({"kind": "float sum", "request": req.id,
                            "text": f"request {req.id!r}: the selected values sum to {acc!r} in IEEE double, "
                                    f"which meets the target {_val(req.target)}; exactly they sum to "
                                    f"{_val(exact)} < target"})
    if kind in ("suboptimal",) and optimal is not None and optimal.ok:
        out += _swaps(instance, output, optimal, precision)
    if kind in ("not minimal", "below minimum"):
        out += _float_sum_counts(instance, precision)
    return out


def _swaps(instance: Instance, output: Selection, optimal: Selection, precision) -> list[dict]:
    took, left = [], []
    for r in instance.requests:
        mine, best = set(output.selected.get(r.id, ())), set(optimal.selected.get(r.id, ()))
        took += [(r.tree.f[v], r.id, v) for v in mine - best]
        left += [(r.tree.f[v], r.id, v) for v in best - mine]
    pairs = [(t, m) for t in took for m in left if t[0] < m[0]]
    if not pairs:
        return []
    for t, m in sorted(pairs, key=lambda tm: (tm[1][0] - tm[0][0], tm[0][2], tm[1][2])):
        c = _pair_cause(f"request {t[1]!r} node {t[2]}", t[0], f"request {m[1]!r} node {m[2]}", m[0], precision,
                        f": the solver took node {t[2]}, the smaller, and left node {m[2]}")
        if c is not None:
            c.update(nodes=[t[2], m[2]])
            return [c]
    t, m = max(pairs, key=lambda tm: tm[1][0] - tm[0][0])
    return [{"kind": "swap", "nodes": [t[2], m[2]],
             "text": f"the solver took request {t[1]!r} node {t[2]} (f = {_val(t[0])}) and left request "
                     f"{m[1]!r} node {m[2]} (f = {_val(m[0])}); no rounding to "
                     f"{precision or '/'.join(FORMATS)} makes them equal"}]


def _float_sum_counts(instance: Instance, precision) -> list[dict]:
    """Requests whose target IEEE double addition (largest first) reaches with another count."""
    from verify.search.generators import float_counts

    out = []
    for r in instance.requests:
        values = r.tree.sorted_values()
        exact, flt = float_counts(values, r.target)
        if exact != flt:
            out.append({"kind": "float sum", "request": r.id,
                        "text": f"request {r.id!r}: adding f largest first reaches the target "
                                f"{_val(r.target)} with {exact} node(s) exactly but "
                                f"{'never' if flt is None else f'{flt} node(s)'} in IEEE double"})
    return out

"""Why a counterexample fails: the cause a report names (docs/reports.md, "Cause").

A *cause* is one observation about the failing answer, with the numbers that show it:

``tie``            a node selected without its parent has exactly its parent's f
``merge``          two values that differ exactly are equal after rounding to a
                   format (:mod:`verify.search.precision`), as f or as log f (a
                   selector ranking log-probabilities): a node and its parent
                   (an orphan although f strictly decreases), or a node the solver
                   took and a larger one it left (a suboptimal answer)
``underflow``      the same, where both values round to 0
``no tie``         an orphan whose value is below its parent's, also after rounding
``float sum``      a target test that IEEE double, float32, bfloat16 or float16
                   addition (of f, or of exp(log f) rounded) decides otherwise than
                   exact arithmetic (1 + 0.4 + 0.2 < 1.6 in double; 1 + 0.3 + 0.3 <
                   1.6 in float32); every format that misleads is named
``stopped early``  a request below its target although budget was left and a node it
                   could have taken (a per-request cap, a loop that ends too soon)
``beyond budget``  the selection uses more budget than there is; the nodes marked are
                   the smallest-f leaves of the selection, as many as are too many
                   (roots only when roots are charged and nothing else is selected)
``swap``           a suboptimal answer took a node worth less than one it left, with no
                   rounding that explains it

Formats are tried finest first (float32, bfloat16, float16), or only the declared
``precision`` for merges (sums: the declared one first, then every other); domains
``prob`` (f) and ``log`` (log f), or only the declared ``scores``.  Causes describe,
they never judge: the verdict is the exact check's.

The values are read as the numeric core holds them (:mod:`solver.scaled`: ints over
the instance's common denominator, or Fractions on its fallback path), built once per
instance and shared with the judge; a value's double is ``n / D``, the same as
``float`` of its Fraction, and Fractions are built only for the numbers a text shows.

The *cause class* of a failure (:func:`cause_class`) is the kind of its first cause
(``underflow`` counts as ``merge``), or ``none``: it is part of the failure's
signature (:func:`verify.search.properties.signature`), so two causes of one kind of
failure are two findings.

"""

from __future__ import annotations

import bisect
import heapq
from fractions import Fraction
from itertools import compress
from typing import Iterator, Mapping, Optional

from solver.feasibility import rule_by_rule, violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.scaled import SCALED, ExactValues, exact_values
from solver.selection import Selection
from solver.verdicts import (
    FAILURE_OF_RULE,
    FAILURE_OF_VERDICT,
    RULE_ORDER,
    FailureKind,
    VerdictKind,
)
from verify.search.precision import (
    FORMATS,
    ROUNDING,
    counts_surely_exact,
    domains,
    float_counts,
    float_sum,
    log_merge_format,
    merge_format,
    round_to,
    show,
    show_log,
    sum_formats,
    to_format,
)


def cause_class(causes: list[dict]) -> str:
    """The class of a failure with ``causes``: the first cause's kind (``underflow`` is
    a ``merge``), ``none`` without one.

    >>> cause_class([{"kind": "underflow"}]), cause_class([])
    ('merge', 'none')
    """
    if not causes:
        return "none"
    kind = causes[0].get("kind", "none")
    return "merge" if kind == "underflow" else kind


def _nodes(sel: Selection) -> Mapping[str, tuple[int, ...]]:
    """An OK selection's nodes (run_solver refuses an OK one without them)."""
    assert sel.selected is not None, "an OK selection without nodes"
    return sel.selected


def _as_float(ev: ExactValues):
    """The double of a value as ``ev`` holds it, ``float(x)`` of its exact value x:
    ``n / D`` for ints over D (int division rounds correctly, as float(Fraction)
    does)."""
    if ev.path != SCALED:
        return float
    den = ev.den
    return lambda n: n / den


def _val(x: Fraction) -> str:
    """The exact value; when its fraction is very long, the nearest double (17 digits)
    instead."""
    s = fraction_str(x)
    return s if len(s) <= 40 else f"~{float(x):.17g}"


def _pair_cause(
    a_label: str,
    a: Fraction,
    b_label: str,
    b: Fraction,
    precision: Optional[str],
    tail: str,
    scores: Optional[str] = None,
) -> Optional[dict]:
    """tie / merge / underflow between values a and b (as f, or as log f), or None."""
    if a == b:
        return {
            "kind": "tie",
            "text": f"{a_label} and {b_label} have equal f exactly ({_val(a)}){tail}",
        }
    fmt = merge_format(a, b, precision) if "prob" in domains(scores) else None
    if fmt is None:
        fmt = log_merge_format(a, b, precision) if "log" in domains(scores) else None
        if fmt is None:
            return None
        return {
            "kind": "merge",
            "format": fmt,
            "domain": "log",
            "text": (
                f"{a_label} (f = {_val(a)}) and {b_label} (f = {_val(b)}) differ"
                " exactly but their log-probabilities are equal after rounding to"
                f" {fmt} (both {show_log(a, fmt)}){tail}"
            ),
        }
    if round_to(a, fmt) == 0:
        return {
            "kind": "underflow",
            "format": fmt,
            "text": (
                f"{a_label} (f = {_val(a)}) and {b_label} (f = {_val(b)}) both round to"
                f" 0 in {fmt}{tail}"
            ),
        }
    return {
        "kind": "merge",
        "format": fmt,
        "text": (
            f"{a_label} (f = {_val(a)}) and {b_label} (f = {_val(b)}) differ exactly"
            f" but are equal after rounding to {fmt} (both {show(a, fmt)}){tail}"
        ),
    }


def explain_verdict(
    instance: Instance,
    output: Selection,
    verdict_kind: str,
    optimal: Optional[Selection] = None,
) -> list[dict]:
    """The causes of a judged answer (``python -m verify audit``, ``check``): the
    verdict kind (``suboptimal``, ``infeasible``, ``wrong-invalid``) read as a failure's
    rule and kind.

    >>> from solver.parse import parse_instance
    >>> from solver.selection import make_ok
    >>> inst = parse_instance({"budget": 0, "requests": [
    ...     {"id": "r", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}]})
    >>> sel = make_ok(inst, {"r": [0, 1]})
    >>> [c["kind"] for c in explain_verdict(inst, sel, "infeasible")]
    ['beyond budget']
    """
    bad = None
    if verdict_kind in FAILURE_OF_VERDICT:
        rule, kind = FAILURE_OF_VERDICT[VerdictKind(verdict_kind)]
    elif verdict_kind == VerdictKind.INFEASIBLE and output is not None and output.ok:
        # the first rule broken, named as verify.search.properties names it (each
        # rule in turn: violations' one-pass shortcut finds an infeasible answer
        # feasible never)
        bad = rule_by_rule(instance, _nodes(output))
        rules = [v.rule for v in bad]
        rule = min(
            rules,
            key=lambda r: RULE_ORDER.index(r) if r in RULE_ORDER else len(RULE_ORDER),
            default="format",
        )
        kind = FAILURE_OF_RULE.get(rule, FailureKind.MALFORMED)
    else:
        return []
    if optimal is None and kind == FailureKind.SUBOPTIMAL:
        from verify.oracles.dp import solve_dp

        optimal = solve_dp(instance)
    return explain(instance, output, optimal, rule, kind, broken=bad)


def beyond_budget(instance: Instance, selected: Mapping) -> dict[str, list[int]]:
    """Per request, the nodes marked as beyond the budget: repeatedly the smallest-f
    leaf of the selection (no selected child; a root only when roots are charged and it
    is all that is left of its selection), as many as the selection overspends.

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 0, "root_charged": True, "requests": [
    ...     {"id": "a", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}]})
    >>> beyond_budget(inst, {"a": [0, 1]})
    {'a': [1, 0]}
    """
    sets = {
        r.id: {
            v
            for v in selected.get(r.id, ())
            if isinstance(v, int) and 0 <= v < len(r.tree)
        }
        for r in instance.requests
    }
    used = sum(
        len(s) if instance.root_charged else len(s - {instance.request(rid).tree.root})
        for rid, s in sets.items()
    )
    extra = used - instance.budget
    marked: dict[str, list[int]] = {}
    if extra <= 0:
        return marked
    fs, charged = exact_values(instance).f, instance.root_charged
    # the leaves, smallest first: (is the root, f, -depth, request, node); a node
    # becomes a leaf once, when its last selected child goes, and stays one
    heap = []
    for r, fi in zip(instance.requests, fs):
        s, t = sets[r.id], r.tree
        for v in s:
            # a root only when roots are charged and nothing else is left (the roots
            # alone overspend)
            if not any(c in s for c in t.children[v]) and (
                v != t.root or (len(s) == 1 and charged)
            ):
                heap.append((v == t.root, fi[v], -t.depth[v], r.id, v))
    heapq.heapify(heap)
    while extra > 0 and heap:
        _, _, _, rid, v = heapq.heappop(heap)
        i = instance.index[rid]
        s, t, fi = sets[rid], instance.requests[i].tree, fs[i]
        s.discard(v)
        marked.setdefault(rid, []).append(v)
        extra -= 1
        p = t.parent[v]
        if (
            p != -1
            and p != t.root
            and p in s
            and not any(c in s for c in t.children[p])
        ):
            heapq.heappush(heap, (False, fi[p], -t.depth[p], rid, p))
        if charged and len(s) == 1 and t.root in s:  # the root is all that is left
            heapq.heappush(heap, (True, fi[t.root], 0, rid, t.root))
    return marked


def explain(
    instance: Instance,
    output: Optional[Selection],
    optimal: Optional[Selection],
    rule: str,
    kind: str,
    precision: Optional[str] = None,
    scores: Optional[str] = None,
    broken: Optional[list] = None,
) -> list[dict]:
    """The causes of one failure; never raises (an answer too malformed to explain has
    none).  ``broken``: the answer's violations when already known."""
    try:
        return _explain(
            instance, output, optimal, rule, kind, precision, scores, broken
        )
    # a cause is a courtesy: a malformed answer must not cost the finding
    except Exception:
        return []


def _explain(
    instance: Instance,
    output: Optional[Selection],
    optimal: Optional[Selection],
    rule: str,
    kind: str,
    precision: Optional[str] = None,
    scores: Optional[str] = None,
    broken: Optional[list] = None,
) -> list[dict]:
    """The causes of one failure (``rule`` and ``kind`` of its signature); may be empty.

    >>> from solver.parse import parse_instance
    >>> from solver.selection import make_ok
    >>> inst = parse_instance({"budget": 1, "requests": [{"id": "r", "target": "1",
    ...     "parent": [-1, 2, 0],
    ...     "prob": ["1", "99999998/100000000", "999999999/1000000000"]}]})
    >>> sel = make_ok(inst, {"r": [0, 1]})
    >>> causes = _explain(inst, sel, None, "rooted", "not rooted")
    >>> print(*[c["text"] for c in causes])  # doctest: +NORMALIZE_WHITESPACE
    request 'r' node 1 (f = 49999999/50000000) and its parent 2
    (f = 999999999/1000000000) differ exactly but are equal after rounding to float32
    (both 1.0): the node was
    taken before its parent
    >>> len(causes)
    1
    """
    out: list[dict] = []
    if output is None or not output.ok:
        if kind in (
            FailureKind.WRONG_INVALID,
            FailureKind.NOT_MINIMAL,
            FailureKind.BELOW_MINIMUM,
        ):
            out += _float_sum_counts(instance, precision, scores)
        return out
    bad = violations(instance, _nodes(output)) if broken is None else broken
    if rule == "rooted" or kind == FailureKind.NOT_ROOTED:
        ev = exact_values(instance)
        for v in bad:
            if v.rule != "rooted" or v.node is None or v.request is None:
                continue
            i = instance.index[v.request]
            p = instance.requests[i].tree.parent[v.node]
            if p == -1:
                continue
            label = f"request {v.request!r} node {v.node}"
            fv, fp = ev.exact(ev.f[i][v.node]), ev.exact(ev.f[i][p])
            c = _pair_cause(
                label,
                fv,
                f"its parent {p}",
                fp,
                precision,
                ": the node was taken before its parent",
                scores,
            )
            if c is None:
                c = {
                    "kind": "no tie",
                    "text": (
                        f"{label} (f = {_val(fv)}) is below its parent {p} "
                        f"(f = {_val(fp)}), also after rounding: not a tie"
                    ),
                }
            c.update(request=v.request, nodes=[v.node, p])
            out.append(c)
    if any(v.rule == "format" for v in bad):
        # unknown requests or nodes: nothing more to explain than the violation itself
        return out
    if any(v.rule == "budget" for v in bad):
        marked = beyond_budget(instance, _nodes(output))
        n = sum(len(x) for x in marked.values())
        where = "; ".join(
            f"request {rid!r} node{'s' * (len(vs) != 1)} {', '.join(map(str, vs))}"
            for rid, vs in marked.items()
        )
        out.append(
            {
                "kind": "beyond budget",
                "marked": marked,
                "text": (
                    f"{n} node{'s' * (n != 1)} beyond the budget of {instance.budget}"
                    f" (marked: {where}; the smallest-f leaves of the selection)"
                ),
            }
        )
    if any(v.rule == "target" for v in bad):
        # a sum in double (what float(Fraction(s)) gives) or in the declared format
        # first, then a
        # request stopped early, then sums in the other formats (coarse formats meet
        # many targets)
        missed = list(
            dict.fromkeys(
                v.request for v in bad if v.rule == "target" and v.request is not None
            )
        )
        likely = ("double", precision) if precision else ("double",)
        sums = [
            c
            for c in (
                _float_sum_met(instance, output, rid, precision, scores)
                for rid in missed
            )
            if c
        ]
        out += [c for c in sums if c["format"] in likely]
        out += _stopped_early(instance, output, missed)
        out += [c for c in sums if c["format"] not in likely]
    if kind == FailureKind.SUBOPTIMAL and optimal is not None and optimal.ok:
        out += _unspent(instance, output) or _swaps(
            instance, output, optimal, precision, scores
        )
    if kind in (FailureKind.NOT_MINIMAL, FailureKind.BELOW_MINIMUM):
        out += _float_sum_counts(instance, precision, scores)
    return out


def _also(hits: list) -> str:
    """The other formats a sum misleads in, compactly: `` (also float32, bfloat16; from
    log f: double)``."""
    prob = [("IEEE double" if f == "double" else f) for f, d, _ in hits if d == "prob"]
    log = [("double" if f == "double" else f) for f, d, _ in hits if d == "log"]
    parts = ([", ".join(prob)] if prob else []) + (
        [f"from log f: {', '.join(log)}"] if log else []
    )
    return f" (also {'; '.join(parts)})" if parts else ""


def _arith(fmt: str, domain: str) -> str:
    """How a sum format and domain read in a cause: ``IEEE double``, ``float32 from log
    f``."""
    name = "IEEE double" if fmt == "double" else fmt
    return name if domain == "prob" else f"{name} from log f"


def _float_sum_met(
    instance: Instance, output: Selection, rid: str, precision, scores
) -> Optional[dict]:
    """A request below its target whose selected values, added in some format (largest
    first), meet it: every such format and domain, the declared ones first."""
    ev = exact_values(instance)
    i = instance.index[rid]
    tree, fi = instance.requests[i].tree, ev.f[i]
    chosen = sorted(
        (
            fi[u]
            for u in set(_nodes(output).get(rid, ()))
            if isinstance(u, int) and 0 <= u < len(tree) and u != tree.root
        ),
        reverse=True,
    )
    exact = fi[tree.root] + sum(chosen, ev.zero)
    if exact >= ev.target[i]:
        return None
    as_float, target = _as_float(ev), instance.requests[i].target
    hits = []
    for domain in domains(scores):
        for fmt in sum_formats(precision):
            acc = float_sum(chosen, fmt, domain, as_float)
            if acc >= to_format(float(target), fmt):
                hits.append((fmt, domain, acc))
    if not hits:
        return None
    fmt, domain, acc = hits[0]
    also = _also(hits[1:])
    return {
        "kind": "float sum",
        "request": rid,
        "format": fmt,
        "domain": domain,
        "formats": [f"{f}/{d}" for f, d, _ in hits],
        "text": (
            f"request {rid!r}: the selected values sum to {acc!r} in"
            f" {_arith(fmt, domain)}{also}, which meets the target {_val(target)};"
            f" exactly they sum to {_val(ev.exact(exact))} < target"
        ),
    }


def _stopped_early(
    instance: Instance, output: Selection, missed: list[str]
) -> list[dict]:
    """Requests below their target with a node (f > 0) they could still take, while
    budget was left or went to requests already past their own targets (a node there
    could be dropped)."""
    sets = {
        r.id: {
            v
            for v in _nodes(output).get(r.id, ())
            if isinstance(v, int) and 0 <= v < len(r.tree)
        }
        for r in instance.requests
    }
    used = sum(
        len(s) if instance.root_charged else len(s - {instance.request(rid).tree.root})
        for rid, s in sets.items()
    )
    left = instance.budget - used
    ev = exact_values(instance)
    past = []
    for i, r in enumerate(instance.requests):
        s, t, fi = sets[r.id], r.tree, ev.f[i]
        leaves = [
            v for v in s if v != t.root and not any(c in s for c in t.children[v])
        ]
        if (
            r.id not in missed
            and leaves
            and ev.value(i, s) - min(fi[v] for v in leaves) >= ev.target[i]
        ):
            past.append(r.id)
    if left <= 0 and not past:
        return []
    spare = (
        f"{left} budget unit(s) left"
        if left > 0
        else (
            f"budget spent on request{'s' * (len(past) > 1)}"
            f" {', '.join(map(repr, past))} past"
            f" {'their targets' if len(past) > 1 else 'its target'}"
        )
    )
    out = []
    for rid in missed:
        i = instance.index[rid]
        req, s, fi = instance.requests[i], sets[rid], ev.f[i]
        t = req.tree
        frontier = [
            v for v in range(len(t)) if v not in s and t.parent[v] in s and fi[v] > 0
        ]
        if not frontier:
            continue
        best = max(frontier, key=lambda v: (fi[v], -v))
        reach = ev.exact(ev.value(i, s))
        out.append(
            {
                "kind": "stopped early",
                "request": rid,
                "nodes": [best],
                "text": (
                    f"request {rid!r} stopped at {len(s - {t.root})} node(s), below its"
                    f" target {_val(req.target)} (reaches {_val(reach)}),"
                    f" with {spare} and node {best} (f = {_val(ev.exact(fi[best]))})"
                    " still available:"
                    " a per-request cap or a loop that ends too soon"
                ),
            }
        )
    return out


def _unspent(instance: Instance, output: Selection) -> list[dict]:
    """Budget left unspent while some request still had a node (f > 0) to take."""
    used = sum(
        (
            len(set(s))
            if instance.root_charged
            else len(set(s) - {instance.request(rid).tree.root})
        )
        for rid, s in _nodes(output).items()
    )
    left = instance.budget - used
    if left <= 0:
        return []
    ev, nodes = exact_values(instance), _nodes(output)
    best = None  # (f, -node, request): the largest f, then the smallest node, then
    # the first request
    for r, fi in zip(instance.requests, ev.f):
        # a set answers `in` as the list did (the ids were hashed just above)
        s = set(nodes.get(r.id, ()))
        # the nodes not taken whose parent was
        front = set(compress(range(len(fi)), map(s.__contains__, r.tree.parent))) - s
        if not front:
            continue
        top = max(map(fi.__getitem__, front))
        if top > 0:
            u = min(u for u in front if fi[u] == top)
            if best is None or (top, -u) > best[:2]:
                best = (top, -u, r.id)
    if best is None:
        return []
    n, v, rid = best[0], -best[1], best[2]
    f = ev.exact(n)
    return [
        {
            "kind": "stopped early",
            "request": rid,
            "nodes": [v],
            "text": (
                f"{left} budget unit(s) left unspent while request {rid!r} node {v} (f"
                f" = {_val(f)}) was available: a per-request cap or a loop that ends"
                " too soon"
            ),
        }
    ]


def _swaps(
    instance: Instance, output: Selection, optimal: Selection, precision, scores=None
) -> list[dict]:
    ev = exact_values(instance)
    took, left = [], []
    for r, fi in zip(instance.requests, ev.f):
        mine, best = (
            set(_nodes(output).get(r.id, ())),
            set(_nodes(optimal).get(r.id, ())),
        )
        took += [(fi[v], r.id, v) for v in mine - best]
        left += [(fi[v], r.id, v) for v in best - mine]
    widest = _widest(took, left)
    if widest is None:  # no node taken is worth less than one left
        return []
    for t, m in _by_difference(took, left):
        c = _pair_cause(
            f"request {t[1]!r} node {t[2]}",
            ev.exact(t[0]),
            f"request {m[1]!r} node {m[2]}",
            ev.exact(m[0]),
            precision,
            f": the solver took node {t[2]}, the smaller, and left node {m[2]}",
            scores,
        )
        if c is not None:
            c.update(nodes=[t[2], m[2]])
            return [c]
    t, m = widest
    return [
        {
            "kind": "swap",
            "nodes": [t[2], m[2]],
            "text": (
                f"the solver took request {t[1]!r} node {t[2]}"
                f" (f = {_val(ev.exact(t[0]))}) and left request {m[1]!r} node {m[2]}"
                f" (f = {_val(ev.exact(m[0]))}); no rounding to"
                f" {precision or '/'.join(FORMATS)} makes them equal"
            ),
        }
    ]


def _widest(took: list, left: list) -> Optional[tuple]:
    """The first pair ``(t, m)``, t by t, with the largest difference m's f - t's f > 0
    (the first t worth the least, the first m worth the most), or None."""
    if not took or not left:
        return None
    lo, hi = min(t[0] for t in took), max(m[0] for m in left)
    if lo >= hi:
        return None
    return next(t for t in took if t[0] == lo), next(m for m in left if m[0] == hi)


def _by_difference(took: list, left: list) -> Iterator[tuple]:
    """The pairs ``(t, m)`` of ``took`` and ``left`` (``(f, request, node)`` each) with
    t worth less than m, smallest difference first, then by t's node, m's node and the
    pairs' order t by t (as a stable sort of them all would list them), one at a time:
    a heap holds each t's next m, the ms in order of (f, node, position).

    >>> took, left = [(1, "a", 3), (2, "b", 1)], [(3, "a", 5), (2, "b", 4), (4, "c", 0)]
    >>> [(t[2], m[2]) for t, m in _by_difference(took, left)]
    [(1, 5), (3, 4), (1, 0), (3, 5), (3, 0)]
    """
    order = sorted(range(len(left)), key=lambda j: (left[j][0], left[j][2], j))
    values = [left[j][0] for j in order]
    heap = []
    for i, t in enumerate(took):
        k = bisect.bisect_right(values, t[0])  # the first m worth more than t
        if k < len(order):
            m = left[order[k]]
            heap.append((m[0] - t[0], t[2], m[2], i, order[k], k))
    heapq.heapify(heap)
    while heap:
        _, _, _, i, j, k = heap[0]
        t = took[i]
        yield t, left[j]
        if k + 1 < len(order):
            m = left[order[k + 1]]
            heapq.heapreplace(heap, (m[0] - t[0], t[2], m[2], i, order[k + 1], k + 1))
        else:
            heapq.heappop(heap)


def _float_sum_counts(instance: Instance, precision, scores=None) -> list[dict]:
    """Requests whose target addition in some format (largest first) reaches with
    another count than exact arithmetic: every such format and domain, the declared ones
    first."""
    ev = exact_values(instance)
    as_float, one = _as_float(ev), ev.scale(Fraction(1))
    tried = [(fmt, d) for d in domains(scores) for fmt in sum_formats(precision)]
    # every format known (else float_counts raises): then requests whose counts are
    # surely exact in all of them need no float sums (precision.counts_surely_exact)
    bounded = all(fmt in ROUNDING for fmt, _ in tried)
    out = []
    for i, r in enumerate(instance.requests):
        values, target = ev.sorted_values(i), ev.target[i]
        root = r.tree.root
        if ev.f[i][root] == one:  # 1 + the k largest: top_sums; the exact count
            sums = ev.top_sums(i)
            exact: Optional[int] = bisect.bisect_left(sums, target)
            if exact == len(sums):
                exact = None
            elif (
                bounded
                and exact
                and values[0] <= one
                and counts_surely_exact(
                    exact,
                    as_float(sums[exact - 1]),
                    as_float(sums[exact]),
                    float(r.target),
                    as_float(values[exact - 1]),
                )
            ):
                continue
        else:
            acc, exact = one, None
            for k, x in enumerate(values):  # the exact count
                if acc >= target:
                    exact = k
                    break
                acc += x
            else:
                exact = len(values) if acc >= target else None
        counts = float_counts(values, float(r.target), tried, as_float)
        hits = [(*fd, n) for fd, n in zip(tried, counts) if n != exact]
        if not hits:
            continue
        fmt, domain, flt = hits[0]
        also = _also(hits[1:])
        out.append(
            {
                "kind": "float sum",
                "request": r.id,
                "format": fmt,
                "domain": domain,
                "formats": [f"{f}/{d}" for f, d, _ in hits],
                "text": (
                    f"request {r.id!r}: adding f largest first reaches the target"
                    f" {_val(r.target)} with {exact} node(s) exactly but"
                    f" {'never' if flt is None else f'{flt} node(s)'} in"
                    f" {_arith(fmt, domain)}{also}"
                ),
            }
        )
    return out

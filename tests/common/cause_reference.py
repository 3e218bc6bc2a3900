"""The cause analysis as it was before it ran on the numeric core's ints (issue 25;
verify/search/cause.py and the helpers of verify/search/precision.py it used, at
bbefe65), on Fractions: kept unchanged as the independent reference the faster
analysis is compared with, text for text (tests/test_cause_fast.py).

Test code, not product code: do not import it from solver/ or verify/.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from typing import Iterable, Mapping, Optional

from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import Selection
from solver.verdicts import (
    FAILURE_OF_RULE,
    FAILURE_OF_VERDICT,
    RULE_ORDER,
    FailureKind,
    VerdictKind,
)

FORMATS = ("float32", "bfloat16", "float16")
#: the arithmetics a target test may add in, finest first
SUM_FORMATS = ("double",) + FORMATS
#: what a selector ranks: f itself, or log f (``--scores``)
DOMAINS = ("prob", "log")


def round_float(x: float, fmt: str) -> Fraction:
    """The double ``x`` cast to ``fmt``, as an exact Fraction (clamped to [0, 1])."""
    if fmt == "float32":
        y = struct.unpack("f", struct.pack("f", x))[0]
    elif fmt == "float16":
        y = struct.unpack("e", struct.pack("e", min(max(x, 0.0), 1.0)))[0]
    elif fmt == "bfloat16":  # round-to-nearest-even on the top 16 bits of the float32
        bits = struct.unpack("I", struct.pack("f", x))[0]
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        y = struct.unpack("f", struct.pack("I", bits))[0]
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    return Fraction(min(max(y, 0.0), 1.0))


def round_to(x: Fraction, fmt: str) -> Fraction:
    """``x`` as a selector holding ``float(x)`` in ``fmt`` sees it (exact value of the
    rounded number)."""
    return round_float(float(x), fmt)


def to_format(x: float, fmt: str) -> float:
    """The double ``x`` rounded to ``fmt`` (``double``: unchanged), not clamped: for
    sums and targets above 1 and for log-probabilities.

    >>> to_format(1.6, "float32") == 1.6, to_format(1.6, "double")
    (False, 1.6)
    """
    if fmt == "double" or x != x or x in (float("inf"), float("-inf")):
        return x
    if fmt == "float32":
        return struct.unpack("f", struct.pack("f", x))[0]
    if fmt == "float16":
        try:
            return struct.unpack("e", struct.pack("e", x))[0]
        except OverflowError:
            return float("inf") if x > 0 else float("-inf")
    if fmt == "bfloat16":
        bits = struct.unpack("I", struct.pack("f", x))[0]
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        return struct.unpack("f", struct.pack("I", bits))[0]
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(SUM_FORMATS)})")


def seen_value(x: Fraction, fmt: str, domain: str = "prob") -> float:
    """``x`` as a selector holding it in ``fmt`` adds it: ``float(x)`` rounded to
    ``fmt``, or (``domain="log"``) ``exp`` of ``log x`` rounded to ``fmt``, in double.

    >>> seen_value(Fraction(3, 10), "float32") > 0.3
    True
    >>> seen_value(Fraction(1, 2), "bfloat16", "log")
    0.5008712234296745
    """
    if domain == "log":
        if x <= 0:
            return 0.0
        return math.exp(to_format(math.log(float(x)), fmt))
    return to_format(float(x), fmt)


def format_count(
    values, target: Fraction, fmt: str = "double", domain: str = "prob"
) -> Optional[int]:
    """Nodes a greedy takes to reach ``target`` from the root (f = 1) adding ``values``
    (largest first) as :func:`seen_value` in ``fmt`` arithmetic, every partial sum
    rounded to ``fmt`` (None: never).  ``fmt="exact"``: in exact arithmetic.

    >>> from fractions import Fraction as F
    >>> format_count([F(3, 10), F(3, 10)], F(8, 5), "float32"), format_count(
    ...     [F(3, 10), F(3, 10)], F(8, 5))
    (None, 2)
    """
    acc: Fraction | float
    goal: Fraction | float
    if fmt == "exact":
        acc, goal = Fraction(1), target
        for k, x in enumerate(values):
            if acc >= goal:
                return k
            acc += x
        return len(values) if acc >= goal else None
    acc, goal = to_format(1.0, fmt), to_format(float(target), fmt)
    for k, x in enumerate(values):
        if acc >= goal:
            return k
        acc = to_format(acc + seen_value(x, fmt, domain), fmt)
    return len(values) if acc >= goal else None


def format_sum(values, fmt: str = "double", domain: str = "prob") -> float:
    """1 (the root) plus ``values`` (largest first) added as :func:`format_count` adds
    them."""
    acc = to_format(1.0, fmt)
    for x in values:
        acc = to_format(acc + seen_value(x, fmt, domain), fmt)
    return acc


def sum_formats(precision: Optional[str] = None) -> tuple[str, ...]:
    """The sum formats a cause tries, the declared ``precision`` first."""
    return ((precision,) if precision else ()) + tuple(
        f for f in SUM_FORMATS if f != precision
    )


def domains(scores: Optional[str] = None) -> tuple[str, ...]:
    """The domains a cause tries: only the declared one (``--scores``), else both."""
    return (scores,) if scores else DOMAINS


def merging_formats(
    values: Iterable[Fraction], formats: Iterable[str] = FORMATS
) -> list[str]:
    """The formats in which two of ``values`` that differ exactly become equal."""
    distinct = set(values)
    return [
        fmt
        for fmt in formats
        if len({round_to(x, fmt) for x in distinct}) < len(distinct)
    ]


def merge_format(
    a: Fraction, b: Fraction, precision: Optional[str] = None
) -> Optional[str]:
    """The format (``precision``, else the finest of :data:`FORMATS`) in which ``a !=
    b`` round equal.

    >>> merge_format(Fraction(1, 2), Fraction(1, 2) * (1 - Fraction(1, 10**9)))
    'float32'
    >>> merge_format(Fraction(1, 2), Fraction(1, 3)) is None
    True
    """
    if a == b:
        return None
    for fmt in (precision,) if precision else FORMATS:
        if round_to(a, fmt) == round_to(b, fmt):
            return fmt
    return None


def log_merge_format(
    a: Fraction, b: Fraction, precision: Optional[str] = None
) -> Optional[str]:
    """The format (``precision``, else the finest) in which ``log a`` and ``log b`` (a
    != b, both positive) round equal: what a selector ranking log-probabilities sees as
    a tie.

    >>> log_merge_format(Fraction(1, 5), Fraction(1, 5) * (1 - Fraction(1, 1000)))
    'bfloat16'
    >>> log_merge_format(Fraction(1), Fraction(999999, 1000000)) is None
    True
    """
    if a == b or a <= 0 or b <= 0:
        return None
    la, lb = math.log(float(a)), math.log(float(b))
    for fmt in (precision,) if precision else FORMATS:
        if to_format(la, fmt) == to_format(lb, fmt):
            return fmt
    return None


def show_log(x: Fraction, fmt: str) -> str:
    """``log x`` rounded to ``fmt``, for a person."""
    return repr(to_format(math.log(float(x)), fmt)) if x > 0 else "-inf"


def show(x: Fraction, fmt: str) -> str:
    """The rounded value of ``x`` in ``fmt`` for a person: ``1.0``, ``0.0``,
    ``0.49999997``."""
    return repr(float(round_to(x, fmt)))


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
    if verdict_kind in FAILURE_OF_VERDICT:
        rule, kind = FAILURE_OF_VERDICT[VerdictKind(verdict_kind)]
    elif verdict_kind == VerdictKind.INFEASIBLE and output is not None and output.ok:
        # the first rule broken, named as verify.search.properties names it
        rules = [v.rule for v in violations(instance, _nodes(output))]
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
    return explain(instance, output, optimal, rule, kind)


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
    while extra > 0:
        leaves = []
        for r in instance.requests:
            s = sets[r.id]
            for v in s:
                # a root only when roots are charged and nothing else is left (the roots
                # alone overspend)
                if not any(c in s for c in r.tree.children[v]) and (
                    v != r.tree.root or len(s) == 1
                ):
                    leaves.append(
                        (v == r.tree.root, r.tree.f[v], -r.tree.depth[v], r.id, v)
                    )
        leaves = [x for x in leaves if not x[0] or instance.root_charged]
        if not leaves:
            break
        _, _, _, rid, v = min(leaves)
        sets[rid].discard(v)
        marked.setdefault(rid, []).append(v)
        extra -= 1
    return marked


def explain(
    instance: Instance,
    output: Optional[Selection],
    optimal: Optional[Selection],
    rule: str,
    kind: str,
    precision: Optional[str] = None,
    scores: Optional[str] = None,
) -> list[dict]:
    """The causes of one failure; never raises (an answer too malformed to explain has
    none)."""
    try:
        return _explain(instance, output, optimal, rule, kind, precision, scores)
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
    bad = violations(instance, _nodes(output))
    if rule == "rooted" or kind == FailureKind.NOT_ROOTED:
        for v in bad:
            if v.rule != "rooted" or v.node is None or v.request is None:
                continue
            tree = instance.request(v.request).tree
            p = tree.parent[v.node]
            if p == -1:
                continue
            label = f"request {v.request!r} node {v.node}"
            c = _pair_cause(
                label,
                tree.f[v.node],
                f"its parent {p}",
                tree.f[p],
                precision,
                ": the node was taken before its parent",
                scores,
            )
            if c is None:
                c = {
                    "kind": "no tie",
                    "text": (
                        f"{label} (f = {_val(tree.f[v.node])}) is below its parent {p} "
                        f"(f = {_val(tree.f[p])}), also after rounding: not a tie"
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
    req = instance.request(rid)
    chosen = sorted(
        (
            req.tree.f[u]
            for u in set(_nodes(output).get(rid, ()))
            if isinstance(u, int) and 0 <= u < len(req.tree) and u != req.tree.root
        ),
        reverse=True,
    )
    exact = req.tree.f[req.tree.root] + sum(chosen, Fraction(0))
    if exact >= req.target:
        return None
    hits = []
    for domain in domains(scores):
        for fmt in sum_formats(precision):
            acc = format_sum(chosen, fmt, domain)
            if acc >= to_format(float(req.target), fmt):
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
            f" {_arith(fmt, domain)}{also}, which meets the target {_val(req.target)};"
            f" exactly they sum to {_val(exact)} < target"
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
    past = []
    for r in instance.requests:
        s, t = sets[r.id], r.tree
        leaves = [
            v for v in s if v != t.root and not any(c in s for c in t.children[v])
        ]
        if (
            r.id not in missed
            and leaves
            and t.value(s) - min(t.f[v] for v in leaves) >= r.target
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
        req, s = instance.request(rid), sets[rid]
        t = req.tree
        frontier = [
            v for v in range(len(t)) if v not in s and t.parent[v] in s and t.f[v] > 0
        ]
        if not frontier:
            continue
        best = max(frontier, key=lambda v: (t.f[v], -v))
        out.append(
            {
                "kind": "stopped early",
                "request": rid,
                "nodes": [best],
                "text": (
                    f"request {rid!r} stopped at {len(s - {t.root})} node(s), below its"
                    f" target {_val(req.target)} (reaches {_val(t.value(s))}), with"
                    f" {spare} and node {best} (f = {_val(t.f[best])}) still available:"
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
    avail = [
        (r.tree.f[v], r.id, v)
        for r in instance.requests
        for v in range(len(r.tree))
        if v not in _nodes(output).get(r.id, ())
        and r.tree.parent[v] in _nodes(output).get(r.id, ())
        and r.tree.f[v] > 0
    ]
    if not avail:
        return []
    f, rid, v = max(avail, key=lambda x: (x[0], -x[2]))
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
    took, left = [], []
    for r in instance.requests:
        mine, best = (
            set(_nodes(output).get(r.id, ())),
            set(_nodes(optimal).get(r.id, ())),
        )
        took += [(r.tree.f[v], r.id, v) for v in mine - best]
        left += [(r.tree.f[v], r.id, v) for v in best - mine]
    pairs = [(t, m) for t in took for m in left if t[0] < m[0]]
    if not pairs:
        return []
    for t, m in sorted(pairs, key=lambda tm: (tm[1][0] - tm[0][0], tm[0][2], tm[1][2])):
        c = _pair_cause(
            f"request {t[1]!r} node {t[2]}",
            t[0],
            f"request {m[1]!r} node {m[2]}",
            m[0],
            precision,
            f": the solver took node {t[2]}, the smaller, and left node {m[2]}",
            scores,
        )
        if c is not None:
            c.update(nodes=[t[2], m[2]])
            return [c]
    t, m = max(pairs, key=lambda tm: tm[1][0] - tm[0][0])
    return [
        {
            "kind": "swap",
            "nodes": [t[2], m[2]],
            "text": (
                f"the solver took request {t[1]!r} node {t[2]} (f = {_val(t[0])}) and"
                f" left request {m[1]!r} node {m[2]} (f = {_val(m[0])}); no rounding to"
                f" {precision or '/'.join(FORMATS)} makes them equal"
            ),
        }
    ]


def _float_sum_counts(instance: Instance, precision, scores=None) -> list[dict]:
    """Requests whose target addition in some format (largest first) reaches with
    another count than exact arithmetic: every such format and domain, the declared ones
    first."""
    out = []
    for r in instance.requests:
        values = r.tree.sorted_values()
        exact = format_count(values, r.target, "exact")
        hits = [
            (fmt, d, format_count(values, r.target, fmt, d))
            for d in domains(scores)
            for fmt in sum_formats(precision)
        ]
        hits = [h for h in hits if h[2] != exact]
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

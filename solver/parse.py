"""Reading and validating instances (docs/format.md).

Validation is total: anything that is not a well-formed instance raises
:class:`solver.errors.InstanceError` whose one-line message names the file,
the request id and the node index.  Nothing is silently repaired.

>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": "1.5", "parent": [-1, 0], "prob": [1, "0.7"]}]})
>>> inst.requests[0].tree.f
(Fraction(1, 1), Fraction(7, 10))
>>> parse_instance({"budget": -1, "requests": []})
Traceback (most recent call last):
...
solver.errors.InstanceError: budget: must be an integer >= 0, got -1
"""

from __future__ import annotations

import json
import math
import operator
import os
from fractions import Fraction
from itertools import repeat
from typing import Any, Iterable, Sequence

from .errors import InstanceError
from .files import read_text
from .messages import abbreviate, number, show
from .model import Instance, Request, Tree
from .numbers import (
    MAX_DIGITS,
    MAX_EXACT_DIGITS,
    MAX_TOTAL_DIGITS,
    NotANumber,
    TooLong,
    digits_exceed,
    fraction_str,
    loads_exact,
    to_fraction,
)

_TOP_KEYS = {"budget", "root_charged", "requests"}
_REQUEST_KEYS = {"id", "target", "parent", "prob", "cond"}


def load_instance(
    path: str | os.PathLike, *, allow_nonmonotone: bool = False
) -> Instance:
    """Read and validate an instance file; errors name the file."""
    source = os.fspath(path)
    text = read_text(source, InstanceError)
    return loads_instance(text, source=source, allow_nonmonotone=allow_nonmonotone)


def loads_instance(
    text: str, *, source: str | None = None, allow_nonmonotone: bool = False
) -> Instance:
    """Parse instance JSON text (exact numbers) and validate it."""
    try:
        obj = loads_exact(text)
    except (ValueError, RecursionError) as exc:
        # JSONDecodeError, DuplicateKey, NotANumber (number too long) are all
        # ValueErrors
        raise InstanceError(f"invalid JSON: {exc}", source=source) from None
    return parse_instance(obj, source=source, allow_nonmonotone=allow_nonmonotone)


def parse_instance(
    obj: Any, *, source: str | None = None, allow_nonmonotone: bool = False
) -> Instance:
    """Validate an already decoded JSON value (dict) and build an :class:`Instance`.

    Python floats in ``obj`` are read through their shortest repr (0.1 is 1/10).
    Non-monotone path probabilities are rejected unless ``allow_nonmonotone``.
    """

    def err(msg, request=None, node=None):
        return InstanceError(msg, source=source, request=request, node=node)

    if not isinstance(obj, dict):
        raise err("an instance must be a JSON object")
    extra = set(obj) - _TOP_KEYS
    if extra:
        raise err(
            f"unknown field {show(sorted(extra)[0])} (allowed: budget, root_charged,"
            " requests)"
        )
    if "budget" not in obj:
        raise err("missing field 'budget'")
    budget = obj["budget"]
    if isinstance(budget, TooLong):
        raise err(f"budget: {budget.reason}")
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise err(f"budget: must be an integer >= 0, got {_show(budget)}")
    root_charged = obj.get("root_charged", False)
    if not isinstance(root_charged, bool):
        raise err(f"root_charged: must be true or false, got {_show(root_charged)}")
    if "requests" not in obj:
        raise err("missing field 'requests'")
    raw_requests = obj["requests"]
    if not isinstance(raw_requests, list):
        raise err("requests: must be a list")

    try:
        requests = _parse_requests(raw_requests, err, allow_nonmonotone, True)
    except _Unsure:  # the exact way below decides, and words any error
        requests = _parse_requests(raw_requests, err, allow_nonmonotone, False)
    return Instance(budget=budget, requests=tuple(requests), root_charged=root_charged)


class _Unsure(Exception):
    """The integer way of validating cannot tell (a value near a size limit, or an
    error to word): validate again the exact way."""


def _parse_requests(
    raw_requests: list, err, allow_nonmonotone: bool, scaled: bool
) -> list[Request]:
    """Every request, validated; ``scaled``: the values as ints over a common
    denominator of each tree (:meth:`Tree.from_scaled`, no Fraction per node),
    raising :class:`_Unsure` where only the exact way can decide."""
    requests = []
    seen: dict[str, int] = {}
    # digits of the cond products, all requests
    bits_left = [MAX_TOTAL_DIGITS * 3.3219280948873626]
    for pos, raw in enumerate(raw_requests):
        req = _quick_request(raw, allow_nonmonotone, bits_left) if scaled else None
        if req is None:  # not sure: the careful way decides, and words any error
            label = f"#{pos}"
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                label = raw["id"]
            req = _parse_request(raw, label, err, allow_nonmonotone, bits_left, scaled)
        if req.id in seen:
            raise err(
                f"duplicate request id (also request #{seen[req.id]})", request=req.id
            )
        seen[req.id] = pos
        requests.append(req)
    if scaled:
        common = 1  # a multiple of the least common denominator of f and targets
        for d in {r.tree.scaled[1] for r in requests} | {
            r.target.denominator for r in requests
        }:
            common = common // math.gcd(common, d) * d
        if common.bit_length() > _SAFE_BITS:
            raise _Unsure
    else:
        _check_exact_sizes(requests, err)
    return requests


def _check_exact_sizes(requests: list[Request], err) -> None:
    """Bound every exact value derived from the instance (solver/numbers.py, "Limits").

    Every sum of path probabilities has a denominator dividing D, the least
    common multiple of the denominators of all f and all targets; D is at
    most :data:`~solver.numbers.MAX_EXACT_DIGITS` digits.  The denominators
    are deduplicated first, so the work is one gcd per distinct denominator.
    """
    common, seen = 1, set()
    for req in requests:
        if req.target.denominator in seen and all(
            x.denominator in seen for x in req.tree.f
        ):
            continue  # nothing new (the common case): no node can cross the limit here
        values = [(req.target, None)] + [(x, v) for v, x in enumerate(req.tree.f)]
        for x, node in values:
            d = x.denominator
            if d in seen:
                continue
            seen.add(d)
            if common % d:
                common = common // math.gcd(common, d) * d
                if digits_exceed(common, MAX_EXACT_DIGITS):
                    raise err(
                        "the common denominator of the instance's exact values exceeds"
                        f" {MAX_EXACT_DIGITS} digits here (limit: docs/cli.md, Limits)",
                        request=req.id,
                        node=node,
                    )


def _show(value: Any) -> str:
    if isinstance(value, TooLong):
        return value.reason
    if isinstance(value, Fraction):
        # a JSON number with a point or exponent: 8.0 must not read as "got 8"
        return abbreviate(
            f"{fraction_str(value.numerator)}.0"
            if value.denominator == 1
            else fraction_str(value)
        )
    try:
        return abbreviate(json.dumps(value))
    except (TypeError, ValueError):
        return abbreviate(repr(value))


def _num(x: Fraction) -> str:
    """An exact value in a message, abbreviated when long."""
    return number(fraction_str(x))


_FIELDS = {
    frozenset({"id", "target", "parent", "prob"}): "prob",
    frozenset({"id", "target", "parent", "cond"}): "cond",
}
_INT = {int}  # the type of every parent index (bool is a subclass, not accepted)
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


def _quick_request(
    raw: Any, allow_nonmonotone: bool, bits_left: list[float]
) -> Request | None:
    """A well-formed request of the common form, validated with few Python-level
    steps; None when not sure (:func:`_parse_request` then decides and words any
    error).

    The common form: exactly the fields id, target, parent and one of prob and
    cond; node 0 the root and every other node's parent a smaller index (then
    the array is a tree: exactly one root, no self-loop, no cycle, and the index
    order puts parents first); every value a text already read (the table of
    :func:`_known_units`) or read in bulk.  What it accepts, the careful way
    accepts with an equal request (tests/test_parse.py compares them).
    """
    if type(raw) is not dict:
        return None
    key = _FIELDS.get(frozenset(raw))
    if key is None:
        return None
    rid, parent, values = raw["id"], raw["parent"], raw[key]
    if type(rid) is not str or not rid or type(parent) is not list:
        return None
    n = len(parent)
    if (
        not n
        or type(values) is not list
        or len(values) != n
        or set(map(type, parent)) != _INT
        or parent[0] != -1
        or parent.count(-1) != 1
        or min(parent) != -1
        or not all(map(operator.lt, parent, range(n)))
    ):
        return None
    try:
        target = to_fraction(raw["target"])
    except NotANumber:
        return None
    over = _over_common(values)
    if over is None:  # a text not in the table yet, or not one it can hold
        known = _known_units(values)
        most: int | None = _TEXT_BITS  # the table's texts, read with the digit limit
        if known is None:
            known, most = _values_in_bulk(values), None
            if known is None:
                return None
        over = _over_common(values)  # the texts just remembered
        if over is None:
            exact, ratios = known
            if ratios[0] != (1, 1):  # the root's value (reduced) is not 1
                return None
            # node 0 the root, parents first in index order; the rest of the
            # structure is built on first use
            shape = Tree(tuple(parent), 0)
            tree = _scaled_tree(
                shape,
                key,
                exact,
                ratios,
                allow_nonmonotone,
                bits_left,
                range(1, n),
                most,
            )
            return Request(id=rid, target=target, tree=tree, given=key)
    ints, d = over
    if ints[0] != d:  # the root's value is not 1
        return None
    parents = tuple(parent)
    got = _tree_over(parents, 0, key, ints, d, allow_nonmonotone, bits_left, None)
    if got is None:  # long products: measured as they are built, the careful way
        return None
    cond = (tuple(ints), d) if key == "cond" else None
    return Request.unchecked(rid, target, Tree.parents_first(parents, *got, cond), key)


def _parse_request(
    raw: Any,
    label: str,
    err,
    allow_nonmonotone: bool,
    bits_left: list[float],
    scaled: bool = False,
) -> Request:
    if not isinstance(raw, dict):
        raise err("a request must be a JSON object", request=label)
    extra = set(raw) - _REQUEST_KEYS
    if extra:
        raise err(f"unknown field {show(sorted(extra)[0])}", request=label)
    for key in ("id", "target", "parent"):
        if key not in raw:
            raise err(f"missing field {key!r}", request=label)
    rid = raw["id"]
    if not isinstance(rid, str) or rid == "":
        raise err(f"id: must be a non-empty string, got {_show(rid)}", request=label)
    try:
        target = to_fraction(raw["target"])
    except NotANumber as exc:
        raise err(f"target: {exc}", request=rid) from None

    parent = raw["parent"]
    if not isinstance(parent, list) or not parent:
        raise err("parent: must be a non-empty list of integers", request=rid)
    n = len(parent)
    # the common case in bulk; otherwise the loop below finds the first bad node and
    # says why
    good = (
        set(map(type, parent)) == {int}
        and min(parent) >= -1
        and max(parent) < n
        and not any(map(operator.eq, parent, range(n)))
    )
    for v, p in enumerate(() if good else parent):
        if isinstance(p, TooLong):
            raise err(f"parent: {p.reason}", request=rid, node=v)
        if isinstance(p, bool) or not isinstance(p, int):
            raise err(f"parent: {_show(p)} is not an integer", request=rid, node=v)
        if p == v:
            raise err("parent: node is its own parent (self-loop)", request=rid, node=v)
        if p < -1 or p >= n:
            raise err(
                f"parent: index {p} out of range -1..{n - 1}", request=rid, node=v
            )
    roots = [v for v, p in enumerate(parent) if p == -1]
    if not roots:
        raise err("parent: no root (no node has parent -1)", request=rid)
    if len(roots) > 1:
        raise err(
            f"parent: several roots (nodes {roots[0]} and {roots[1]} have parent -1)",
            request=rid,
            node=roots[1],
        )
    shape = Tree.shape(tuple(parent))
    if len(shape.order) != n:
        _check_acyclic(parent, roots[0], rid, err)

    has_prob, has_cond = "prob" in raw, "cond" in raw
    if has_prob == has_cond:
        raise err(
            "give exactly one of 'prob' (path probabilities) and 'cond' "
            "(conditional probabilities)" + (", not both" if has_prob else ""),
            request=rid,
        )
    key = "prob" if has_prob else "cond"
    values = raw[key]
    if not isinstance(values, list):
        raise err(f"{key}: must be a list", request=rid)
    if len(values) != n:
        raise err(
            f"{key}: has {len(values)} values but parent has {n} nodes", request=rid
        )
    known = _known_units(values) if scaled else None
    if known is not None:  # every value a text already read, and in [0, 1]
        exact, ratios = known
    else:
        exact, ratios = _read_values(values, key, rid, err)
    root = roots[0]
    if exact[root] != 1:
        raise err(
            f"{key}: the root's value must be 1, got {_num(exact[root])}",
            request=rid,
            node=root,
        )

    if scaled:
        tree = _scaled_tree(shape, key, exact, ratios, allow_nonmonotone, bits_left)
    elif key == "prob":
        tree = Tree.from_parents(parent, exact)
        if not allow_nonmonotone:
            f: Sequence[Fraction] = tree.f
            for v in tree.order:
                p = parent[v]  # f[v] > f[p], cross-multiplied (positive denominators)
                if (
                    p != -1
                    and f[v].numerator * f[p].denominator
                    > f[p].numerator * f[v].denominator
                ):
                    raise err(
                        f"prob: non-monotone: f = {_num(tree.f[v])} exceeds its parent"
                        f" {p}'s f = {_num(tree.f[p])} (pass --allow-nonmonotone to"
                        " explore such inputs)",
                        request=rid,
                        node=v,
                    )
    else:
        f = path_products(
            parent,
            exact,
            root,
            lambda msg, node: err(msg, request=rid, node=node),
            bits_left,
        )
        tree = Tree.from_parents(parent, f, cond=exact)
    return Request(id=rid, target=target, tree=tree, given=key)


def _read_values(
    values: list, key: str, rid: str, err
) -> tuple[list[Fraction], list[tuple[int, int]]]:
    """The values of ``prob`` or ``cond`` and their (numerator, denominator), each in
    [0, 1]; else the error naming the first bad node."""
    known = _values_in_bulk(values)  # the common case
    if known is not None:
        return known
    for v, x in enumerate(values):  # the first bad node, and why
        try:
            q = to_fraction(x)
        except NotANumber as exc:
            raise err(f"{key}: {exc}", request=rid, node=v) from None
        if q.numerator < 0 or q.numerator > q.denominator:
            raise err(f"{key}: {_num(q)} is outside [0, 1]", request=rid, node=v)
    raise AssertionError("_values_in_bulk refused values that are all good")


def _values_in_bulk(
    values: list,
) -> tuple[list[Fraction], list[tuple[int, int]]] | None:
    """The values and their (numerator, denominator), remembered in the table of
    :func:`_known_units`, when each is a number in [0, 1]; else None."""
    try:
        exact = [to_fraction(x) for x in values]
    except NotANumber:
        return None
    ratios = list(map(Fraction.as_integer_ratio, exact))
    if not all([0 <= num <= den for num, den in ratios]):
        return None
    _remember_units(values, exact, ratios)
    return exact, ratios


# Number texts of prob and cond already read, with their value in [0, 1] and its ratio:
# a trace repeats the same short texts ("0.73") on every line.  Each was read from a
# string with the digit limit, so its denominator has at most _TEXT_BITS bits.
_UNITS: dict[str, tuple[Fraction, tuple[int, int]]] = {}
_UNIT_TEXT = 40  # texts up to this long are kept
_UNIT_ENTRIES = 1 << 14  # the table is emptied when it would exceed this size
_TEXT_BITS = math.ceil(MAX_DIGITS * math.log2(10))


def _known_units(values: list):
    """(values, ratios) when every value is a text in the table; else None."""
    try:
        got: list = list(map(_UNITS.get, values))
    except TypeError:  # an unhashable value (a list): read it the long way
        return None
    if None in got:
        return None
    return list(map(_FIRST, got)), list(map(_SECOND, got))


def _remember_units(values: list, exact: list, ratios: list) -> None:
    if len(_UNITS) + len(values) > _UNIT_ENTRIES:  # also bounds one long request
        _UNITS.clear()
        _forget_over()
        if len(values) > _UNIT_ENTRIES:
            return
    kept = [
        (text, x, r)
        for text, x, r in zip(values, exact, ratios)
        if type(text) is str and len(text) <= _UNIT_TEXT
    ]
    for text, x, r in kept:
        _UNITS[text] = (x, r)
    # the same texts over the table's common denominator, unless it grows too long
    _remember_over([r for _, _, r in kept], [text for text, _, _ in kept])


# The texts of _UNITS again, as ints over one common denominator G of theirs (the
# least common multiple of their denominators, at most _OVER_BITS bits long):
# _OVER == (G, {text: value * G}).  One look-up per node then gives a request's values
# as ints, and their gcd with G the least common denominator of the request's values.
# G and the table change together, in one assignment: a reader (another thread, say)
# always gets a table with its own G.
_OVER: tuple[int, dict[str, int]] = (1, {})
_OVER_BITS = 64


def _forget_over() -> None:
    global _OVER
    _OVER = (1, {})


def _remember_over(ratios: list[tuple[int, int]], texts: list[str]) -> None:
    global _OVER
    den, table = _OVER
    common = math.lcm(den, *{d for _, d in ratios})
    if common != den:
        if common.bit_length() > _OVER_BITS:
            return  # these texts stay out of _OVER
        k = common // den
        table = {text: x * k for text, x in table.copy().items()}  # a new table
    for text, (num, d) in zip(texts, ratios):
        table[text] = num * (common // d)
    _OVER = (common, table)


def _over_common(values: list) -> tuple[Sequence[int], int] | None:
    """``(ints, d)`` with ``values[v] == ints[v] / d``, d the least common denominator
    of the values, when every value is a text in :data:`_OVER`; else None."""
    den, table = _OVER
    try:
        got: tuple[Any, ...] = tuple(map(table.get, values))
        g = math.gcd(den, *got)
    except TypeError:  # an unhashable value (a list), or one not in the table (None)
        return None
    if g != 1:
        return list(map(operator.floordiv, got, repeat(g))), den // g
    return got, den


def _scaled_tree(
    shape: Tree,
    key: str,
    exact: list[Fraction] | None,
    ratios: list[tuple[int, int]] | None,
    allow_nonmonotone: bool,
    bits_left: list[float],
    below: Iterable[int] | None = None,
    most: int | None = None,
    over: tuple[Sequence[int], int] | None = None,
) -> Tree:
    """The tree with f as ints over a common denominator D of its values (no Fraction
    per node); :class:`_Unsure` when a limit might be crossed or f is non-monotone.
    The values: ``exact`` and their ``ratios``, or ``over`` (see
    :func:`_over_common`; then ``exact`` and ``ratios`` may be None).  ``below``:
    the nodes but the root, parents first (default: ``shape.order``); ``most``: a
    bound on the bit length of every value's denominator, if known.

    When d, the least common denominator of the values, has at most
    :data:`_OVER_BITS` bits (the common case): for ``prob`` D = d; for ``cond``
    D = d ** height and f(v) * D is the product of the ints ``cond * d`` along the
    path, times d ** (height - depth(v)) (:func:`_tree_over`), or D the least
    common denominator of f when d ** height is longer than :data:`_SMALL_BITS`.
    Otherwise, for ``cond``, the products of the numerators and of the
    denominators, not reduced.
    Either way each f's denominator stays a multiple of the reduced one, so within
    the limits here the exact way is within its limits too.
    """
    if over is None:
        assert ratios is not None, "values as ratios or as ints over d"
        dens = list(map(_SECOND, ratios))
        d = math.lcm(*set(dens))
        if d.bit_length() <= _OVER_BITS:
            factors = map(operator.floordiv, repeat(d), dens)
            over = list(map(operator.mul, map(_FIRST, ratios), factors)), d
    if over is not None:
        ints, d = over
        if below is None:
            below = shape.order[1:]
        got = _tree_over(
            shape.parent, shape.root, key, ints, d, allow_nonmonotone, bits_left, below
        )
        if got is not None:
            return Tree.from_scaled(
                shape.parent,
                got[0],
                got[1],
                cond=exact if key == "cond" else None,
                shape=shape,
                cond_over=(ints, d) if key == "cond" else None,
            )
        if ratios is None:  # too long to build before measuring: the way below
            exact = [Fraction(x, over[1]) for x in over[0]]
            ratios = list(map(Fraction.as_integer_ratio, exact))
    assert exact is not None and ratios is not None
    parent, n = shape.parent, len(shape.parent)
    if key == "prob":
        nums, dens = list(map(_FIRST, ratios)), list(map(_SECOND, ratios))
    else:
        nums, dens = [1] * n, [1] * n
        # each f's numerator and denominator take at most depth * (longest cond
        # denominator) bits, and the depths sum to less than n * n / 2: when all
        # that fits, the products are measured once built
        left = bits_left[0]
        if most is None or most * n * (n - 1) > left:
            most = max(map(_SECOND, ratios)).bit_length()
        cheap = most * n * (n - 1) <= left
        for v in shape.order[1:] if below is None else below:
            p = parent[v]
            cn, cd = ratios[v]
            d = dens[p] * cd
            nums[v], dens[v] = nums[p] * cn, d
            if not cheap:
                left -= 2 * d.bit_length()  # f <= 1: the numerator is no longer
                if left < 0:
                    raise _Unsure
        if cheap:  # the root's denominator is 1, of bit length 1
            left -= 2 * (sum(map(int.bit_length, dens)) - 1)
        bits_left[0] = left
    # (for cond a node's denominator divides its children's: the leaves' lcm)
    den = math.lcm(*dens)
    if den.bit_length() > _SAFE_BITS:
        raise _Unsure
    scaled = list(map(operator.mul, nums, map(operator.floordiv, repeat(den), dens)))
    if key == "prob" and not allow_nonmonotone:
        _check_monotone(scaled, parent, shape.root)
    return Tree.from_scaled(
        parent, scaled, den, cond=exact if key == "cond" else None, shape=shape
    )


def _check_monotone(scaled: Sequence[int], parent: Sequence[int], root: int) -> None:
    """:class:`_Unsure` unless every node's value is at most its parent's."""
    above = list(map(scaled.__getitem__, parent))  # each node's parent's value
    above[root] = scaled[root]
    if any(map(int.__gt__, scaled, above)):
        raise _Unsure  # the exact way names the first such node


def _tree_over(
    parent: tuple[int, ...],
    root: int,
    key: str,
    ints: Sequence[int],
    d: int,
    allow_nonmonotone: bool,
    bits_left: list[float],
    below: Iterable[int] | None,
) -> tuple[tuple[int, ...], int] | None:
    """f as ``(ints over D, D)`` (:func:`_scaled_tree`) from values ``ints[v] / d``;
    None when the products of ``cond`` might be too long to build before measuring
    them.  ``below``: the nodes but the root, parents first (None: index order, which
    then puts parents first)."""
    if key == "prob":
        if not allow_nonmonotone:
            _check_monotone(ints, parent, root)
        return tuple(ints), d
    # every f's denominator divides d ** depth, so the exact way counts at most
    # 2 * most * depth bits for it: all of them fit when this does
    n = len(parent)
    most, left = d.bit_length(), bits_left[0]
    if most * n * (n - 1) > left:
        return None
    f, depth = list(ints), [0] * n  # f(v) * d ** depth(v): the product along the path
    f[root] = 1
    for v in range(1, n) if below is None else below:
        p = parent[v]
        f[v] = f[p] * ints[v]
        depth[v] = depth[p] + 1
    height = max(depth)
    bits_left[0] = left - 2 * most * sum(depth)
    powers = _POWERS.get(d)
    if powers is None or len(powers) <= height:
        powers = _powers(d, height)
    den = powers[height]
    if den.bit_length() > _SAFE_BITS:
        raise _Unsure
    # d ** (height - depth) by depth
    nums = tuple(map(operator.mul, f, map(powers[height::-1].__getitem__, depth)))
    if den.bit_length() > _SMALL_BITS:  # long: over the least denominator instead
        g = math.gcd(den, *nums)
        if g != 1:
            return tuple(map(operator.floordiv, nums, repeat(g))), den // g
    return nums, den


_POWERS: dict[int, list[int]] = {}  # d -> [1, d, d ** 2, ...], for small heights


def _powers(d: int, height: int) -> list[int]:
    """``[d ** k for k in 0..height]`` (at least)."""
    got = _POWERS.get(d) or [1]
    if len(got) <= height:
        got = list(got)  # a new list: a reader (another thread, say) keeps the old one
        while len(got) <= height:
            got.append(got[-1] * d)
        if height < _OVER_BITS:  # kept: long paths are rare, and their powers long
            if len(_POWERS) >= _OVER_BITS:
                _POWERS.clear()
            _POWERS[d] = got
    return got


def path_products(
    parent: list[int],
    cond: list[Fraction],
    root: int,
    err,
    bits_left: list[float] | None = None,
) -> list[Fraction]:
    """f from conditionals (f(root) = 1, f(v) = f(parent) * cond(v)), within the size
    limits.

    ``parent`` must already be a valid tree.  ``err(message, node)`` builds the
    error raised when a product exceeds :data:`~solver.numbers.MAX_EXACT_DIGITS`
    or all of them together :data:`~solver.numbers.MAX_TOTAL_DIGITS` (checked as
    they are built, so a deep path is refused before it eats the memory).
    """
    n = len(parent)
    kids: list[list[int]] = [[] for _ in range(n)]
    for v, p in enumerate(parent):
        if p != -1:
            kids[p].append(v)
    f = [Fraction(0)] * n
    f[root] = Fraction(1)
    # f as (numerator, denominator): products of small ints without Fraction's overhead
    ratio = [(0, 1)] * n
    ratio[root] = (1, 1)
    if bits_left is None:  # shared by the requests of one instance
        bits_left = [MAX_TOTAL_DIGITS * 3.3219280948873626]
    cond_ratio = list(map(Fraction.as_integer_ratio, cond))
    order = [root]
    for v in order:
        fn, fd = ratio[v]
        for c in kids[v]:
            cn, cd = cond_ratio[c]
            # f(v) * cond(c), reduced as Fraction does
            if fd.bit_length() + cd.bit_length() <= _SMALL_BITS:
                g1, g2 = math.gcd(fn, cd), math.gcd(cn, fd)
                num, den = (fn // g1) * (cn // g2), (fd // g2) * (cd // g1)
                # already in lowest terms: the gcd Fraction takes again is cheap
                x = Fraction(num, den)
            else:  # long numbers: Fraction's product, which skips that second gcd
                x = f[v] * cond[c]
                num, den = x.numerator, x.denominator
            if den.bit_length() > _SAFE_BITS and digits_exceed(den, MAX_EXACT_DIGITS):
                raise err(
                    "cond: the path probability (product of the conditionals) needs"
                    f" more than {MAX_EXACT_DIGITS} digits (docs/cli.md, Limits)",
                    c,
                )
            bits_left[0] -= num.bit_length() + den.bit_length()
            if bits_left[0] < 0:
                raise err(
                    "cond: the path probabilities of the instance need more than"
                    f" {MAX_TOTAL_DIGITS} digits in all (docs/cli.md, Limits)",
                    c,
                )
            f[c] = x
            ratio[c] = (num, den)
            order.append(c)
    return f


_SMALL_BITS = 256  # products whose denominator stays this short are built from ints
# no denominator this short exceeds MAX_EXACT_DIGITS
_SAFE_BITS = int((MAX_EXACT_DIGITS - 1) / 0.30103)


def _check_acyclic(parent: list[int], root: int, rid: str, err) -> None:
    n = len(parent)
    kids: list[list[int]] = [[] for _ in range(n)]
    for v, p in enumerate(parent):
        if p != -1:
            kids[p].append(v)
    reached = [False] * n
    reached[root] = True
    stack = [root]
    while stack:
        v = stack.pop()
        for c in kids[v]:
            reached[c] = True
            stack.append(c)
    for v in range(n):
        if not reached[v]:
            raise err(
                "parent: cycle (node is not connected to the root)", request=rid, node=v
            )

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
import os
from fractions import Fraction
from typing import Any

from .errors import InstanceError
from .model import Instance, Request, Tree
from .numbers import NotANumber, loads_exact, to_fraction

_TOP_KEYS = {"budget", "root_charged", "requests"}
_REQUEST_KEYS = {"id", "target", "parent", "prob", "cond"}


def load_instance(path: str | os.PathLike, *, allow_nonmonotone: bool = False) -> Instance:
    """Read and validate an instance file; errors name the file."""
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise InstanceError(f"cannot read file: {exc.strerror or exc}", source=source) from None
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    return loads_instance(text, source=source, allow_nonmonotone=allow_nonmonotone)


def loads_instance(text: str, *, source: str | None = None,
                   allow_nonmonotone: bool = False) -> Instance:
    """Parse instance JSON text (exact numbers) and validate it."""
    try:
        obj = loads_exact(text)
    except (ValueError, RecursionError) as exc:
        # JSONDecodeError, DuplicateKey, NotANumber (number too long) are all ValueErrors
        raise InstanceError(f"invalid JSON: {exc}", source=source) from None
    return parse_instance(obj, source=source, allow_nonmonotone=allow_nonmonotone)


def parse_instance(obj: Any, *, source: str | None = None,
                   allow_nonmonotone: bool = False) -> Instance:
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
        raise err(f"unknown field {sorted(extra)[0]!r} (allowed: budget, root_charged, requests)")
    if "budget" not in obj:
        raise err("missing field 'budget'")
    budget = obj["budget"]
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

    requests = []
    seen: dict[str, int] = {}
    for pos, raw in enumerate(raw_requests):
        label = f"#{pos}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            label = raw["id"]
        req = _parse_request(raw, label, err, allow_nonmonotone)
        if req.id in seen:
            raise err(f"duplicate request id (also request #{seen[req.id]})", request=req.id)
        seen[req.id] = pos
        requests.append(req)
    return Instance(budget=budget, requests=tuple(requests), root_charged=root_charged)


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        # a JSON number with a point or exponent: 8.0 must not read as "got 8"
        return f"{value.numerator}.0" if value.denominator == 1 else str(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _parse_request(raw: Any, label: str, err, allow_nonmonotone: bool) -> Request:
    if not isinstance(raw, dict):
        raise err("a request must be a JSON object", request=label)
    extra = set(raw) - _REQUEST_KEYS
    if extra:
        raise err(f"unknown field {sorted(extra)[0]!r}", request=label)
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
    for v, p in enumerate(parent):
        if isinstance(p, bool) or not isinstance(p, int):
            raise err(f"parent: {_show(p)} is not an integer", request=rid, node=v)
        if p == v:
            raise err("parent: node is its own parent (self-loop)", request=rid, node=v)
        if p < -1 or p >= n:
            raise err(f"parent: index {p} out of range -1..{n - 1}", request=rid, node=v)
    roots = [v for v, p in enumerate(parent) if p == -1]
    if not roots:
        raise err("parent: no root (no node has parent -1)", request=rid)
    if len(roots) > 1:
        raise err(f"parent: several roots (nodes {roots[0]} and {roots[1]} have parent -1)",
                  request=rid, node=roots[1])
    _check_acyclic(parent, roots[0], rid, err)

    has_prob, has_cond = "prob" in raw, "cond" in raw
    if has_prob == has_cond:
        raise err("give exactly one of 'prob' (path probabilities) and 'cond' "
                  "(conditional probabilities)" + (", not both" if has_prob else ""), request=rid)
    key = "prob" if has_prob else "cond"
    values = raw[key]
    if not isinstance(values, list):
        raise err(f"{key}: must be a list", request=rid)
    if len(values) != n:
        raise err(f"{key}: has {len(values)} values but parent has {n} nodes", request=rid)
    exact = []
    for v, x in enumerate(values):
        try:
            q = to_fraction(x)
        except NotANumber as exc:
            raise err(f"{key}: {exc}", request=rid, node=v) from None
        if q < 0 or q > 1:
            raise err(f"{key}: {q} is outside [0, 1]", request=rid, node=v)
        exact.append(q)
    root = roots[0]
    if exact[root] != 1:
        raise err(f"{key}: the root's value must be 1, got {exact[root]}", request=rid, node=root)

    if key == "prob":
        tree = Tree.from_parents(parent, exact)
        if not allow_nonmonotone:
            for v in tree.order:
                p = parent[v]
                if p != -1 and tree.f[v] > tree.f[p]:
                    raise err(f"prob: non-monotone: f = {tree.f[v]} exceeds its parent {p}'s "
                              f"f = {tree.f[p]} (pass --allow-nonmonotone to explore such inputs)",
                              request=rid, node=v)
    else:
        f = [Fraction(0)] * n
        probe = Tree.from_parents(parent, [Fraction(1)] * n)
        for v in probe.order:
            f[v] = Fraction(1) if v == root else f[parent[v]] * exact[v]
        tree = Tree.from_parents(parent, f, cond=exact)
    return Request(id=rid, target=target, tree=tree, given=key)


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
            raise err("parent: cycle (node is not connected to the root)", request=rid, node=v)

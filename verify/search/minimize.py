"""Reduce a failing instance after Hypothesis has shrunk it: fewer requests, fewer
nodes, less budget.

Hypothesis shrinks the *choices* that generated a case; a tree drawn as a parent
array with a boundary target often keeps nodes that have nothing to do with the
failure, because removing one changes every later draw.  This pass works on the
instance itself, in the manner of delta debugging: it tries one simplification
at a time and keeps it when the claim's check **still fails the same way** on
the result (the caller's ``still_fails`` compares the failure signature of
:func:`verify.search.properties.signature`), so whatever it returns is a real
counterexample of the same defect, checked like any other.

Simplifications, repeated until none applies (it only removes, lowers or drops to
"no target"; the root convention is never changed):

1. drop a request;
2. drop a leaf (the remaining nodes are renumbered in order, the root stays), also
   with the target lowered to what the smaller tree can reach, if it was above that;
3. lower the budget: to 0, else by one;
4. drop a target: a target above 1 becomes 1 (the root alone meets it).

A candidate outside the run's restrictions (``inside``, e.g.
:meth:`verify.search.restrictions.Restrictions.contains`: no request dropped under
``--single-request``, no budget below ``--min-budget``, no tree below ``--min-nodes``)
is never tried: a report never shows an input the solver was not declared to handle.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 3, "requests": [
...     {"id": "a", "target": "3/2", "parent": [-1, 0, 0, 1],
...      "prob": ["1", "1/2", "1/4", "1/8"]},
...     {"id": "b", "target": "1", "parent": [-1], "prob": ["1"]}]})
>>> def fails(i):  # "a budget of 1 and a child"
...     return i.budget >= 1 and len(i.requests[0].tree.parent) >= 2
>>> small, calls = reduce_instance(inst, fails)
>>> small.to_json()  # doctest: +NORMALIZE_WHITESPACE
{'budget': 1, 'root_charged': False, 'requests': [{'id': 'a', 'target': '1',
 'parent': [-1, 0], 'prob': ['1', '1/2']}]}
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

from solver.errors import AdaserveError
from solver.model import Instance
from solver.numbers import to_fraction
from solver.parse import parse_instance

MAX_CALLS = 200  # checks per reduction: a --cmd solver costs a process start per call
MAX_SECONDS = 30.0


def _drop_request(obj: dict, k: int) -> dict:
    return {**obj, "requests": obj["requests"][:k] + obj["requests"][k + 1 :]}


def _drop_leaf(obj: dict, k: int, v: int) -> dict:
    req = obj["requests"][k]
    new_index = {
        u: i for i, u in enumerate(u for u in range(len(req["parent"])) if u != v)
    }
    parent = [
        -1 if p == -1 else new_index[p] for u, p in enumerate(req["parent"]) if u != v
    ]
    values = {
        key: [x for u, x in enumerate(req[key]) if u != v]
        for key in ("prob", "cond")
        if key in req
    }
    new_req = {**req, "parent": parent, **values}
    return {
        **obj,
        "requests": obj["requests"][:k] + [new_req] + obj["requests"][k + 1 :],
    }


def _candidates(obj: dict) -> Iterator[dict]:
    requests = obj["requests"]
    for k in range(len(requests)):
        yield _drop_request(obj, k)
    for k, req in enumerate(requests):
        parents = set(req["parent"])
        for v in reversed(range(len(req["parent"]))):
            if req["parent"][v] != -1 and v not in parents:
                smaller = _drop_leaf(obj, k, v)
                yield smaller
                # the target the remaining tree can still reach, if it was above that
                if "prob" in req:
                    new = smaller["requests"][k]
                    mass = sum((to_fraction(x) for x in new["prob"]), to_fraction(0))
                    if to_fraction(req["target"]) > mass:
                        yield {
                            **smaller,
                            "requests": (
                                smaller["requests"][:k]
                                + [{**new, "target": str(mass)}]
                                + smaller["requests"][k + 1 :]
                            ),
                        }
    if obj["budget"] > 0:
        yield {**obj, "budget": 0}
        if obj["budget"] > 1:
            yield {**obj, "budget": obj["budget"] - 1}
    for k, req in enumerate(requests):
        if to_fraction(req["target"]) > 1:
            yield {
                **obj,
                "requests": requests[:k] + [{**req, "target": "1"}] + requests[k + 1 :],
            }


def reduce_instance(
    instance: Instance,
    still_fails: Callable[[Instance], bool],
    *,
    inside: Callable[[Instance], bool] | None = None,
    max_calls: int = MAX_CALLS,
    max_seconds: float = MAX_SECONDS,
) -> tuple[Instance, int]:
    """The smallest instance this pass reaches on which ``still_fails`` is true, and the
    calls made.

    ``still_fails(instance)`` is the claim's check (true only for a failure of the same
    signature); an exception inside it counts as "does not fail" (the candidate is
    skipped, never believed).  ``inside(candidate)`` false: the candidate is not tried.

    >>> from solver.parse import parse_instance
    >>> one = parse_instance({"budget": 1, "requests": [
    ...     {"id": "a", "target": "1", "parent": [-1, 0], "prob": ["1", "1/2"]}]})
    >>> reduce_instance(one, lambda i: True)[0].requests  # "anything fails": to nothing
    ()
    >>> def one_request(i):
    ...     return len(i.requests) == 1
    >>> len(reduce_instance(one, lambda i: True, inside=one_request)[0].requests)
    1
    """
    best = instance
    calls = 0
    deadline = time.monotonic() + max_seconds
    changed = True
    while changed:
        changed = False
        for obj in _candidates(best.to_json()):
            if calls >= max_calls or time.monotonic() > deadline:
                return best, calls
            try:
                candidate = parse_instance(
                    obj, allow_nonmonotone=not instance.is_monotone()
                )
            except AdaserveError:
                continue
            if inside is not None and not inside(candidate):
                continue
            calls += 1
            try:
                fails = still_fails(candidate)
            # a decline, an inconclusive oracle, a crash: not evidence of failure
            except Exception:
                fails = False
            if fails:
                best, changed = candidate, True
                break
    return best, calls


def size(instance: Instance) -> tuple[int, int, int]:
    """(total nodes, requests, budget): what "smaller" means here."""
    return (instance.total_nodes, len(instance.requests), instance.budget)

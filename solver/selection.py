"""What every solver returns: a selection or INVALID (docs/format.md).

JSON form::

    {"status": "OK", "selected": {"r0": [0, 1, 3], "r1": [1]}, "objective": "79/50",
     "certificate": {...}}
    {"status": "INVALID", "reason": "...", "certificate": {...}}

``selected`` lists node indices per request id, root included; ``objective`` is
the exact total of f over all selected nodes as a fraction string.  A solver
under test may also answer ``{"status": "UNSUPPORTED", "reason": "..."}``.

:func:`parse_selection` checks only the *shape*; whether the nodes exist, form
rooted subtrees, fit the budget and meet the targets is judged by
:mod:`solver.feasibility`, so that a wrong answer becomes a finding, not an error.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from typing import Any, Mapping

from .errors import SelectionFormatError
from .files import read_text
from .messages import abbreviate
from .model import Instance
from .numbers import (
    MAX_ANSWER_DIGITS,
    NotANumber,
    TooLong,
    fraction_str,
    loads_exact,
    to_fraction,
)

OK = "OK"
INVALID = "INVALID"
UNSUPPORTED = "UNSUPPORTED"
STATUSES = (OK, INVALID, UNSUPPORTED)
_INT = {int}  # the type of every node index (bool is a subclass, not accepted)
_LIST = {list}


@dataclass(frozen=True)
class Selection:
    status: str
    selected: Mapping[str, tuple[int, ...]] | None = None
    objective: Fraction | None = None
    reason: str | None = None
    certificate: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_json(self) -> dict:
        out: dict[str, Any] = {"status": self.status}
        if self.selected is not None:
            out["selected"] = {rid: list(nodes) for rid, nodes in self.selected.items()}
        if self.objective is not None:
            out["objective"] = fraction_str(self.objective)
        if self.reason is not None:
            out["reason"] = self.reason
        if self.certificate is not None:
            out["certificate"] = self.certificate
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(", ", ": "))


def objective_of(instance: Instance, selected: Mapping[str, Any]) -> Fraction:
    """Exact total f of a selection whose ids and nodes are known to be valid."""
    total = Fraction(0)
    for rid, nodes in selected.items():
        total += instance.request(rid).tree.value(nodes)
    return total


def make_ok(
    instance: Instance,
    sets: Mapping[str, Any],
    certificate=None,
    objective: Fraction | None = None,
) -> Selection:
    """An OK selection with nodes sorted and the exact objective (recomputed unless
    given)."""
    selected = {r.id: tuple(sorted(sets[r.id])) for r in instance.requests}
    if objective is None:
        objective = objective_of(instance, selected)
    return Selection(OK, selected, objective, None, certificate)


def make_invalid(reason: str, certificate=None) -> Selection:
    return Selection(INVALID, None, None, reason, certificate)


def load_selection(path: str | os.PathLike) -> Selection:
    source = os.fspath(path)
    text = read_text(source, SelectionFormatError)
    return loads_selection(text, source=source)


def loads_selection(text: str, *, source: str | None = None) -> Selection:
    try:
        obj = loads_exact(text, max_digits=MAX_ANSWER_DIGITS)
    except (
        ValueError,
        RecursionError,
    ) as exc:  # JSONDecodeError, DuplicateKey, too deep
        raise SelectionFormatError(f"invalid JSON: {exc}", source=source) from None
    return parse_selection(obj, source=source)


def _show(value: Any) -> str:
    if isinstance(value, TooLong):
        return value.reason
    # a JSON number with a point: 1.0 must not read as "is 1"
    if isinstance(value, Fraction):
        return abbreviate(
            f"{fraction_str(value.numerator)}.0"
            if value.denominator == 1
            else fraction_str(value)
        )
    return abbreviate(json.dumps(value, default=str))


def parse_selection(obj: Any, *, source: str | None = None) -> Selection:
    """Check the shape of a decoded selection and build a :class:`Selection`."""

    def err(msg, request=None, node=None):
        return SelectionFormatError(msg, source=source, request=request, node=node)

    if not isinstance(obj, dict):
        raise err("a selection must be a JSON object")
    status = obj.get("status")
    if status not in STATUSES:
        raise err(f"status: must be one of {', '.join(STATUSES)}, got {_show(status)}")
    reason = obj.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise err("reason: must be a string")
    certificate = obj.get("certificate")
    if certificate is not None and not isinstance(certificate, dict):
        raise err("certificate: must be an object")
    if status != OK:
        return Selection(status, None, None, reason, certificate)
    raw = obj.get("selected")
    if not isinstance(raw, dict):
        raise err(
            "selected: an OK selection needs an object mapping request ids to node"
            " lists"
        )
    lists = list(raw.values())
    if (
        set(map(type, lists)) <= _LIST
        and set(map(type, chain.from_iterable(lists))) <= _INT
    ):  # the common case, checked in bulk: every entry a list of integers
        selected = dict(zip(raw, map(tuple, lists)))
    else:  # the first bad entry, and why
        selected = {}
        for rid, nodes in raw.items():
            if type(nodes) is list and set(map(type, nodes)) <= _INT:
                selected[rid] = tuple(nodes)
                continue
            if not isinstance(nodes, list):
                raise err("selected: must be a list of node indices", request=rid)
            for pos, v in enumerate(nodes):
                if isinstance(v, bool) or not isinstance(v, int):
                    raise err(
                        f"selected: entry {pos} is {_show(v)}, not an integer",
                        request=rid,
                    )
            selected[rid] = tuple(nodes)
    objective = None
    if obj.get("objective") is not None:
        try:
            objective = to_fraction(obj["objective"], max_digits=MAX_ANSWER_DIGITS)
        except NotANumber as exc:
            raise err(f"objective: {exc}") from None
    return Selection(OK, selected, objective, reason, certificate)

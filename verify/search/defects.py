"""One defect, one finding: the findings of several properties that are the same
failure.

Each property's search (:mod:`verify.search.claim_search`) reports its own findings, one
per failure signature.  The same wrong answer on the same input often breaks several
properties at once: "budget 0 ignored" is an over-budget answer that RULE-BUDGET,
THM-P2 and LEM-C2 all shrink to the same one-node case.  A run reports it once.

Terminology
-----------
defect key
    What makes two findings the same defect (:func:`defect_key`): the failing instance
    (targets at or below 1 count as one: the root alone meets them), the answer (node
    sets, order ignored), the broken rule and the kind of failure.
primary
    The first finding of a defect in table order: it is reported, with ``properties``
    listing every property the defect breaks.  Each other finding of it is marked
    ``same_as`` (the primary's property and its place among that property's findings)
    and is not reported again.
decline-like exception
    A raised exception that reads as a decline (its class is named ``Unsupported``, or
    its message starts with "unsupported":
    :func:`verify.search.properties.looks_like_decline`). Still a finding;
    :func:`decline_like` groups them for the run's decline summary.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any, Iterable, Optional

from verify.search.properties import DECLINE_HINT


def defect_key(rec: dict) -> Optional[str]:
    """The defect key of a finding record (None for a record without an instance: tree
    claims).

    >>> a = {"instance": {"budget": 0, "root_charged": False, "requests": [
    ...     {"id": "r0", "target": "1", "parent": [-1, 0], "prob": ["1", "1"]}]},
    ...     "output": {"status": "OK", "selected": {"r0": [1, 0]}},
    ...     "signature": {"property": "RULE-BUDGET", "rule": "budget",
    ...                   "kind": "over budget"}}
    >>> b = json.loads(json.dumps(a)); b["instance"]["requests"][0]["target"] = "0"
    >>> b["output"]["selected"]["r0"] = [0, 1]; b["signature"]["property"] = "LEM-C2"
    >>> defect_key(a) == defect_key(b)
    True
    """
    inst = rec.get("instance")
    if not isinstance(inst, dict):
        return None
    reqs = []
    for r in inst.get("requests", ()):
        target = Fraction(r["target"])
        reqs.append(
            [
                r["id"],
                "<=1" if target <= 1 else str(target),
                list(r["parent"]),
                [str(Fraction(x)) for x in r["prob"]],
            ]
        )
    out = rec.get("output")
    answer = None
    if isinstance(out, dict):
        answer = [
            out.get("status"),
            sorted(
                (k, sorted(map(str, v))) for k, v in (out.get("selected") or {}).items()
            ),
        ]
    sig = rec.get("signature") or {}
    return json.dumps(
        [
            inst.get("budget"),
            bool(inst.get("root_charged")),
            reqs,
            answer,
            sig.get("rule"),
            sig.get("kind"),
        ],
        sort_keys=True,
    )


def merge_defects(results: list) -> int:
    """Mark the findings of ``results``
    (:class:`~verify.search.claim_search.ClaimResult`, in table order) that are one
    defect: the first gets ``properties`` (every property it breaks; a defect of one
    property gets none), the others ``same_as`` = ``{"property", "finding"}`` (1-based)
    and the same ``properties``.  Returns the number of distinct defects.  Idempotent.
    """
    primary: dict[str, tuple[dict, str, int]] = {}
    distinct = 0
    for res in results:
        for k, rec in enumerate(res.findings):
            rec.pop("same_as", None)
            rec.pop("properties", None)
    for res in results:
        for k, rec in enumerate(res.findings):
            key = defect_key(rec)
            first = primary.get(key) if key is not None else None
            if first is None:
                distinct += 1
                if key is not None:
                    primary[key] = (rec, res.claim, k + 1)
                continue
            first_rec, claim, index = first
            # only a defect of several properties lists them
            first_rec.setdefault("properties", [claim])
            if res.claim not in first_rec["properties"]:
                first_rec["properties"].append(res.claim)
            rec["same_as"] = {"property": claim, "finding": index}
    # every copy lists every property (the primary's list grew after copies)
    for res in results:
        for rec in res.findings:
            if "same_as" in rec:
                key = defect_key(rec)
                assert key is not None, "only a keyed record is a copy"
                rec["properties"] = list(primary[key][0]["properties"])
    return distinct


def decline_like(results: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """``(exception name, properties)`` for the findings that raised an exception
    reading like a decline, grouped by name (what the run's decline summary shows)."""
    groups: dict[str, list[str]] = {}
    for res in results:
        for rec in res.findings:
            cond = rec.get("condition", "")
            if cond.startswith("solver raised ") and cond.endswith(DECLINE_HINT):
                name = (rec.get("signature") or {}).get("rule") or "exception"
                props = groups.setdefault(name, [])
                if res.claim not in props:
                    props.append(res.claim)
    return sorted(groups.items())

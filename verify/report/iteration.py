"""One audited iteration as a counterexample report, and its replay (``python -m verify
audit``).

An *iteration report* is a counterexample report (docs/reports.md) about an
answer someone's selector recorded, not one a search provoked: the same fields,
report.md and tree.png, so it reads like every other report, with these
differences:

``type``          ``"audit-iteration"``
``property``      ``audit/<verdict kind>`` (``audit/suboptimal``, ``audit/infeasible``,
                  ...)
``solver``        ``{"kind": "recorded", "target": "<trace> line <n>", ...}``: nothing
                  is run
``output``        the recorded selection, exactly as read
``recorded``      where it came from: ``trace``, ``line`` and the line's ``id`` and
                  ``time``

:func:`write_iteration_report` also writes ``instance.json`` and
``selection.json`` beside report.json, so ``python -m verify check`` can judge
the iteration by hand; ``python -m verify replay report.json`` re-judges it
(:func:`replay_iteration`): exit 1 "still fails" while the verdict is a
finding, 0 once it is optimal or a confirmed INVALID (e.g. after the judge was
fixed), 3 inconclusive.

The picture shows only the requests that break a rule or where the recorded
and the optimal answer differ (at most :data:`PICTURE_REQUESTS`), so that an
iteration of 64 requests stays readable; report.md lists every request.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Optional, TypeGuard

from solver.errors import InputError
from solver.exit_codes import ExitCode
from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.selection import Selection, make_invalid, parse_selection
from verify.checks.judge import (
    INCONCLUSIVE,
    INVALID_CONFIRMED,
    OPTIMAL,
    WRONG_OBJECTIVE,
    Verdict,
    exact_optimum,
    judge,
)
from verify.report.facts import versions
from verify.report.finding import SCHEMA, broken
from verify.report.write import markdown, violation_marks
from verify.search.claim_search import describe

TYPE = "audit-iteration"
PICTURE_REQUESTS = 6  # requests drawn at most
PICTURE_NODES = (
    400  # nodes drawn at most (larger trees: no picture, report.md still lists them)
)
STATEMENT = (
    "the recorded answer is feasible (rooted, within budget, every target met), states"
    " its objective exactly and is optimal; an INVALID answer only when no feasible"
    " selection exists"
)


def _optimal(instance: Instance, verdict: Verdict) -> Selection:
    """An optimal answer to show (INVALID with the reason when nothing is feasible)."""
    if verdict.optimal_selection is not None:
        return verdict.optimal_selection
    oracle = exact_optimum(instance, use_z3=False)
    if oracle.feasible:
        assert oracle.selection is not None, "a feasible oracle has its selection"
        return oracle.selection
    from verify.oracles.dp import solve_dp

    sel = solve_dp(instance)
    return sel if not sel.ok else make_invalid("no feasible selection exists")


def iteration_report(
    *,
    trace: str,
    line: int,
    instance_json: dict,
    selection_json: dict,
    verdict: Verdict,
    record_id: Any = None,
    record_time: Any = None,
    seconds: float = 0.0,
    options: Optional[dict] = None,
    rerun: str = "",
    judged_by: str = "python -m verify audit",
) -> dict:
    """The report dict of one audited iteration (paths are added by
    :func:`write_iteration_report`).

    ``judged_by`` names what judged it (``verify.assert_optimal`` writes the same
    report)."""
    instance = parse_instance(instance_json, allow_nonmonotone=True)
    output = parse_selection(selection_json)
    optimal = _optimal(instance, verdict)
    optimum = None
    if optimal.ok:
        assert optimal.objective is not None, "an OK optimum has its value"
        optimum = fraction_str(optimal.objective)
    where = f"{trace} line {line}"
    label = where + (f" (id {record_id})" if record_id is not None else "")
    claim_id = f"audit/{verdict.kind}"
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "type": TYPE,
        "property": claim_id,
        "status": "failed",
        "status_reason": verdict.text,
        "representation": describe(instance),
        "arguments": {"instance": instance_json, "selection": selection_json},
        "how_generated": (
            f"recorded by the selector: {label}"
            + (f", time {record_time}" if record_time is not None else "")
            + f"; judged by {judged_by}"
        ),
        "features": {
            "requests": len(instance.requests),
            "nodes": instance.total_nodes,
            "budget": instance.budget,
            "root_charged": instance.root_charged,
        },
        "timing": {"search_seconds": round(seconds, 3)},
        "metadata": {"seed": None, "versions": versions(), "sys.argv": list(sys.argv)},
        "claim": {
            "id": claim_id,
            "paper": "SPEC §1, python -m verify check",
            "statement": STATEMENT,
            "method": f"exact judge ({verdict.method or 'feasibility checker'})",
            "per_solver": True,
            "must_hold": True,
        },
        "solver": {
            "kind": "recorded",
            "target": where,
            "timeout": None,
            "label": label,
        },
        "options": options or {},
        "rerun": rerun,
        "recorded": {
            "trace": trace,
            "line": line,
            "id": record_id,
            "time": record_time,
        },
        "instance": instance_json,
        "output": selection_json,
        "optimal": optimal.to_json(),
        "optimum": optimum,
    }
    b = broken(instance, claim_id, verdict.text, output, optimal)
    if verdict.kind == WRONG_OBJECTIVE:  # broken() leaves the stated objective out
        assert output.selected is not None, "a wrong objective: an OK selection"
        bad = [
            v
            for v in violations(instance, output.selected, output.objective)
            if v.rule == "objective"
        ]
        b["violations"] += [
            {"rule": v.rule, "request": v.request, "node": v.node, "text": v.text}
            for v in bad
        ]
        b["rules"] = b["rules"] + ["objective"]
        b["kind"] = "rule"
    from verify.search.cause import explain_verdict

    b["cause"] = explain_verdict(
        instance, output, verdict.kind, optimal if optimal.ok else None
    )
    report["broken"] = b
    return report


def write_iteration_report(directory: str, report: dict) -> str:
    """report.json, report.md, tree.png, instance.json and selection.json in
    ``directory``."""
    os.makedirs(directory, exist_ok=True)
    json_path = os.path.join(directory, "report.json")
    for name, key in (("instance.json", "instance"), ("selection.json", "output")):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as fh:
            json.dump(report[key], fh)
            fh.write("\n")
    report["replay"] = f"python -m verify replay {json_path}"
    report["check"] = (
        f"python -m verify check {os.path.join(directory, 'instance.json')} "
        f"{os.path.join(directory, 'selection.json')}"
        + ("" if report["options"].get("z3") else " --no-z3")
        + (" --allow-nonmonotone" if report["options"].get("allow_nonmonotone") else "")
    )
    report["picture"] = _picture(directory, report)
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")
    text = markdown(report)
    text += f"The same verdict by hand:\n\n```sh\n{report['check']}\n```\n"
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as fh:
        fh.write(text)
    return directory


def _picture(directory: str, report: dict) -> Optional[str]:
    instance = parse_instance(report["instance"], allow_nonmonotone=True)
    output = parse_selection(report["output"])
    optimal = parse_selection(report["optimal"])
    mine = dict(output.selected or {}) if output.ok else {}  # OK: has nodes
    best = dict(optimal.selected or {}) if optimal.ok else {}
    bad, notes = violation_marks(report["broken"])
    flagged = {
        v["request"]
        for v in report["broken"].get("violations", [])
        if v["request"] is not None
    }
    differ = [
        r
        for r in instance.requests
        if r.id in flagged or set(mine.get(r.id, ())) != set(best.get(r.id, ()))
    ]
    shown = (differ or list(instance.requests))[:PICTURE_REQUESTS]
    if sum(len(r.tree) for r in shown) > PICTURE_NODES:
        report["picture_error"] = (
            f"no picture: more than {PICTURE_NODES} nodes to draw (report.md lists"
            " them)"
        )
        return None
    part = Instance(instance.budget, tuple(shown), instance.root_charged)
    conv = "roots charged" if instance.root_charged else "roots free"
    b = report["broken"]
    values = ""
    if b.get("objective") is not None:
        values = (
            f"; objective {b['objective']}, optimum"
            f" {report.get('optimum') or 'none (infeasible)'}"
        )
    which = (
        f"; showing {len(shown)} of {len(instance.requests)} requests"
        if len(shown) < len(instance.requests)
        else ""
    )
    title = (
        f"{report['solver']['label']}: {b['condition']}\nbudget {instance.budget}"
        f" ({conv}){values}{which}"
    )
    solver_note = (
        ""
        if output.ok
        else f"answered {output.status}"
        + (f": {output.reason}" if output.reason else "")
    )
    optimal_note = "" if optimal.ok else f"no feasible selection: {optimal.reason}"
    try:
        from verify.report.picture import draw

        draw(
            os.path.join(directory, "tree.png"),
            part,
            mine if output.ok else None,
            best if optimal.ok else None,
            title=title[:600],
            solver_note=solver_note,
            optimal_note=optimal_note,
            offending=bad,
            request_notes=notes,
            causes=b.get("cause", []),
        )
    except (
        ImportError
    ) as exc:  # Pillow or its font missing: the report stays useful without it
        report["picture_error"] = f"no picture: {exc}"
        return None
    report["picture_svg"] = "tree.svg"
    return "tree.png"


def replay_iteration(report: dict, path: str) -> tuple[int, str]:
    """Re-judge the recorded answer: (exit code, one line), as ``python -m verify
    replay`` prints it."""

    def bad(msg):
        return InputError(msg, source=path)

    options = report.get("options")
    if not isinstance(options, dict):
        options = {}
    if not isinstance(report.get("instance"), dict) or not isinstance(
        report.get("output"), dict
    ):
        raise bad("an audit-iteration report needs 'instance' and 'output' objects")
    try:
        instance = parse_instance(
            report["instance"], allow_nonmonotone=bool(options.get("allow_nonmonotone"))
        )
        selection = parse_selection(report["output"])
    except InputError as exc:
        raise bad(f"cannot rebuild the iteration: {exc.one_line()}") from None
    timeout = options.get("z3_timeout")
    verdict = judge(
        instance,
        selection,
        use_z3=bool(options.get("z3")),
        z3_timeout=float(timeout) if _positive_seconds(timeout) else None,
    )
    if verdict.kind in (OPTIMAL, INVALID_CONFIRMED):
        return ExitCode.OK, f"passes now: the recorded answer is judged {verdict.text}"
    if verdict.kind == INCONCLUSIVE:
        return ExitCode.INCONCLUSIVE, verdict.text
    text = f"still fails: {verdict.text}"
    before = report.get("status_reason")
    if before and before != verdict.text:
        text += f" (the report said: {before})"
    return ExitCode.FOUND, text


def _positive_seconds(x: Any) -> TypeGuard[float]:
    """A usable recorded timeout: a finite number > 0 (a report is data; nan or inf is
    ignored)."""
    return (
        isinstance(x, (int, float))
        and not isinstance(x, bool)
        and math.isfinite(x)
        and x > 0
    )


def is_iteration_report(report: Any) -> bool:
    return isinstance(report, dict) and report.get("type") == TYPE

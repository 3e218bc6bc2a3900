"""One counterexample as a report: what broke, with its numbers, both answers, how to
replay it.

:func:`finding` builds the report dict of a search's counterexample,
:func:`proof_finding` that of a bounded proof's; :mod:`verify.report.write`
puts it on disk (report.json, report.md, tree.png).  The fields are documented
in docs/reports.md; they follow Hypothesis's observability ``test_case``
records where they fit (``type``, ``property``, ``status``, ``status_reason``,
``representation``, ``arguments``, ``how_generated``, ``features``, ``timing``,
``metadata``) and add what a counterexample needs: ``claim``, ``broken``,
``solver`` (the spec that :mod:`verify.report.replay` rebuilds), ``instance``,
``output``, ``optimum``, ``optimal``, ``replay`` and ``rerun``.

Terminology: the *instance* is the one the failing answer is about, named once:
``instance``, and as the property's input for replay ``arguments.instance`` (the
same).  LEM-C1 and LEM-C2 derive one-request instances (budgets probed) from a
generated *case*; that case is ``derived_from``, never a second instance.
"""

from __future__ import annotations

import re
import sys
from fractions import Fraction
from typing import Any, Optional

from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.selection import Selection, parse_selection
from solver.verdicts import FailureKind
from verify.report.facts import used_budget, versions
from verify.search.claim_search import COUNTEREXAMPLE, ClaimResult
from verify.search.claims import CLAIMS_BY_ID
from verify.subject.spec import SolverSpec

SCHEMA = "adaserve-verify/counterexample-report/1"


# ------------------------------------------------------------------ helpers


def slug(text: str) -> str:
    """A file-name-safe form: ``APP-B/ties`` -> ``APP-B-ties``.

    >>> slug("APP-B/ties"), slug("--cmd 'python3 sel.py'")
    ('APP-B-ties', 'cmd-python3-sel.py')
    """
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")[:60] or "run"


def read_selection(obj: Optional[dict]) -> Optional[Selection]:
    """A report's selection field (None stays None)."""
    return parse_selection(obj) if obj is not None else None


# ------------------------------------------------------------------ one finding


def finding(
    result: ClaimResult,
    spec: Optional[SolverSpec],
    *,
    rerun: str,
    options: Optional[dict] = None,
    record: Optional[dict] = None,
) -> dict:
    """The report of one finding of ``result`` (``record``, default its first) without
    the paths, which :func:`write_finding` adds."""
    rec = record if record is not None else (result.counterexample or {})
    claim = CLAIMS_BY_ID[result.claim]
    first = rec.get("first_at", result.first_at)
    if rec.get("origin") not in (None, "generated"):
        how = (
            f"your instance {rec['origin']} (--instances), then reduced by the"
            " reduction pass (same failure signature, inside the restrictions)"
        )
    else:
        cases = first if first is not None else result.cases
        how = (
            f"Hypothesis search, seed {result.seed}: the first failing case of this"
            f" kind after {cases} judged, then shrunk to this one (Hypothesis, then the"
            " reduction pass; every candidate inside the restrictions and failing the"
            " same way)"
        )
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "type": "counterexample",
        "property": result.claim,
        "status": "failed",
        "status_reason": rec.get("condition", ""),
        "representation": rec.get("summary", ""),
        "arguments": {},
        "how_generated": how,
        "features": {},
        "timing": {"search_seconds": round(result.seconds, 3)},
        "metadata": {
            "seed": result.seed,
            "versions": versions(),
            "sys.argv": list(sys.argv),
        },
        "claim": {
            "id": claim.id,
            "paper": claim.paper,
            "statement": claim.statement,
            "method": claim.method,
            "per_solver": claim.per_solver,
            "must_hold": result.must_hold,
        },
        "solver": None if spec is None else {**spec.to_json(), "label": spec.label},
        "signature": rec.get("signature"),
        "properties": rec.get("properties") or [result.claim],
        "options": options or {},
        "rerun": rerun,
    }
    # replayed on fresh solvers before it counted (verify/search/confirm.py)
    if rec.get("confirmation"):
        report["confirmation"] = rec["confirmation"]
    if "tree" in rec:  # THM-3.1: a (tree, subtree) case, no instance
        report["arguments"] = {"tree": rec["tree"]}
        report["broken"] = {
            "kind": "claim",
            "rules": [],
            "condition": rec.get("condition", ""),
        }
        return report
    instance = parse_instance(rec["instance"], allow_nonmonotone=True)
    # the failing instance, the one input replay runs the property on (LEM-C1/C2 derive
    # it from
    # a generated case, kept apart as ``derived_from``: never a second "instance")
    report["arguments"] = {"instance": rec["instance"]}
    report["instance"] = rec["instance"]
    if rec.get("case") is not None and rec["case"] != rec["instance"]:
        report["derived_from"] = rec["case"]
    report["features"] = {
        "requests": len(instance.requests),
        "nodes": instance.total_nodes,
        "budget": instance.budget,
        "root_charged": instance.root_charged,
    }
    output = read_selection(rec.get("output"))
    optimal = read_selection(rec.get("optimal"))
    # every report shows an optimal answer, even when the property did not need one
    if optimal is None:
        from verify.oracles.dp import solve_dp

        optimal = solve_dp(instance)
    report["output"] = None if output is None else output.to_json()
    report["optimal"] = optimal.to_json()
    report["optimum"] = None
    if optimal.ok:
        assert optimal.objective is not None, "an OK optimum has its value"
        report["optimum"] = fraction_str(optimal.objective)
    report["broken"] = broken(
        instance, claim.id, rec.get("condition", ""), output, optimal
    )
    if "cause" in rec:
        report["broken"]["cause"] = rec["cause"]
    else:  # a record made elsewhere (python -m proofs): name the cause here
        from verify.search.cause import explain

        sig = rec.get("signature") or {}
        b = report["broken"]
        kind = sig.get("kind") or (
            FailureKind.SUBOPTIMAL if "optimality" in b["rules"] else b.get("kind", "")
        )
        precision = ((options or {}).get("restrictions") or {}).get("precision")
        b["cause"] = explain(
            instance,
            output,
            optimal,
            sig.get("rule") or (b["rules"] or ["claim"])[0],
            kind,
            precision,
        )
    return report


def proof_finding(
    claim_id: str,
    case: Instance,
    failure,
    spec: SolverSpec,
    *,
    how_generated: str,
    rerun: str,
    options: dict,
    proof: dict,
    seed: int,
    seconds: float,
    must_hold: bool,
) -> dict:
    """The report of a counterexample found by the bounded-exhaustive proofs (``python
    -m proofs``).

    ``failure`` is what the property ``claim_id``
    (:data:`verify.search.claims.CLAIMS_BY_ID`) returned on ``case`` for the solver
    ``spec``: the same check ``verify replay`` runs.  The report has every field of
    :func:`finding`; ``how_generated`` says how the proof found it and ``proof`` carries
    the proof's own facts (shape, bound, premise, the SMT witness).
    """
    from verify.search.claim_search import counterexample_record

    claim = CLAIMS_BY_ID[claim_id]
    result = ClaimResult(
        claim=claim.id,
        paper=claim.paper,
        method="bounded-exhaustive proof (python -m proofs)",
        solver=spec.target,
        must_hold=must_hold,
        verdict=COUNTEREXAMPLE,
        cases=1,
        seconds=seconds,
        seed=seed,
        counterexample=counterexample_record(case, failure),
    )
    report = finding(result, spec, rerun=rerun, options=options)
    report["how_generated"] = how_generated
    # not the sampling method of the suite's claim
    report["claim"]["method"] = result.method
    report["proof"] = proof
    return report


def broken(
    instance: Instance,
    claim: str,
    condition: str,
    output: Optional[Selection],
    optimal: Selection,
) -> dict:
    """What exactly failed: kind, rules, violations with request and node, the
    numbers."""
    out: dict[str, Any] = {"condition": condition, "rules": [], "violations": []}
    if output is None:
        out["kind"] = "solver fault" if condition.startswith("solver ") else "claim"
        if out["kind"] == "solver fault":
            out["rules"] = ["solver fault"]
        return out
    out["status"] = output.status
    if output.ok:
        assert output.selected is not None, "read_selection: an OK one has nodes"
        bad = violations(instance, output.selected)
        out["violations"] = [
            {"rule": v.rule, "request": v.request, "node": v.node, "text": v.text}
            for v in bad
        ]
        out["rules"] = sorted(
            {v.rule for v in bad}, key=["format", "rooted", "budget", "target"].index
        )
        if not any(v.rule == "format" for v in bad):
            got = sum(
                (instance.request(r).tree.value(s) for r, s in output.selected.items()),
                Fraction(0),
            )
            out["objective"] = fraction_str(got)
            out["budget_used"] = used_budget(instance, output.selected)
            out["budget"] = instance.budget
            if not bad and optimal.ok and got != optimal.objective:
                out["rules"].append("optimality")
        out["kind"] = (
            "rule" if bad else ("value" if "optimality" in out["rules"] else "claim")
        )
    elif output.status == "INVALID":
        out["kind"] = "wrong INVALID" if optimal.ok else "claim"
        out["rules"] = ["INVALID soundness"] if optimal.ok else []
    if optimal.ok:
        assert optimal.objective is not None, "an OK optimum has its value"
        out["optimum"] = fraction_str(optimal.objective)
    # the claim is about the count; rules the answer also breaks come after
    if claim == "LEM-C1":
        out["rules"] = ["minimal count"] + out["rules"]
    return out

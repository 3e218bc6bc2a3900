"""Counterexample reports a person can read, see and replay (docs/reports.md).

Layout: one directory per run, one sub-directory per finding::

    <report-dir>/<run-id>/                 run-id: <YYYYmmdd-HHMMSS>-<what ran>
        index.md     every property's verdict, declined inputs, links to the findings
        run.json     the same, machine-readable
        01-THM-P2/   one finding (numbered in table order; "/" in claim ids becomes "-")
            report.json   everything, machine-readable (fields below)
            report.md     the same for a person: what broke, the instance, both answers, replay
            tree.png      the tree(s): node values, the solver's and an optimal selection, offending nodes

``report.json`` is modelled on Hypothesis's observability ``test_case`` records
where they fit (``type``, ``property``, ``status``, ``status_reason``,
``representation``, ``arguments``, ``how_generated``, ``features``, ``timing``,
``metadata``) and adds what a counterexample needs: ``claim``, ``broken`` (the
failing condition with its numbers and the rules broken), ``solver`` (the spec
that :mod:`verify.replay` rebuilds), ``instance`` (what the solver answered),
``output``, ``optimum`` and ``optimal`` (from the exact oracle), ``replay`` (the
one-line command) and ``rerun`` (the search that found it).

Terminology: the *case* is the property's input (``arguments.instance``); the
*instance* is the one the failing answer is about.  They differ only for LEM-C1
and LEM-C2, which derive one-request instances from the case (budgets probed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from fractions import Fraction
from typing import Any, Optional

from solver.model import Instance
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.selection import OK, Selection, make_invalid, parse_selection

from .campaign import COUNTEREXAMPLE, ClaimResult, describe
from .claims import CLAIMS_BY_ID
from .feasibility import violations
from .solver_under_test import SolverSpec

SCHEMA = "adaserve-verify/counterexample-report/1"


# ------------------------------------------------------------------ helpers

def versions() -> dict[str, str]:
    """Versions of Python, the libraries a verdict depends on, and of this project (git commit if known)."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for dist in ("adaserve-verify", "hypothesis", "z3-solver", "networkx", "matplotlib"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    if commit:
        out["adaserve-verify-commit"] = commit
    return out


def slug(text: str) -> str:
    """A file-name-safe form: ``APP-B/ties`` -> ``APP-B-ties``.

    >>> slug("APP-B/ties"), slug("--cmd 'python3 sel.py'")
    ('APP-B-ties', 'cmd-python3-sel.py')
    """
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.")[:60] or "run"


def new_run_dir(report_dir: str, label: str) -> str:
    """Create ``report_dir/<timestamp>-<label>`` (suffix -2, -3 ... if taken) and return it."""
    os.makedirs(report_dir, exist_ok=True)
    base = os.path.join(report_dir, f"{time.strftime('%Y%m%d-%H%M%S')}-{slug(label)}")
    path, n = base, 1
    while True:
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            n += 1
            path = f"{base}-{n}"


def _selection(obj: Optional[dict]) -> Optional[Selection]:
    return parse_selection(obj) if obj is not None else None


def _used(instance: Instance, sets: dict) -> int:
    if instance.root_charged:
        return sum(len(set(s)) for s in sets.values())
    return sum(len(set(s) - {instance.request(r).tree.root}) for r, s in sets.items())


# ------------------------------------------------------------------ one finding

def finding(result: ClaimResult, spec: Optional[SolverSpec], *, rerun: str,
            options: Optional[dict] = None) -> dict:
    """The report of one counterexample (without the paths, which :func:`write_finding` adds)."""
    rec = result.counterexample or {}
    claim = CLAIMS_BY_ID[result.claim]
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "type": "counterexample",
        "property": result.claim,
        "status": "failed",
        "status_reason": rec.get("condition", ""),
        "representation": rec.get("summary", ""),
        "arguments": {},
        "how_generated": (f"Hypothesis search, seed {result.seed}: the first failing case of "
                          f"{result.cases} generated, then shrunk to this one"),
        "features": {},
        "timing": {"search_seconds": round(result.seconds, 3)},
        "metadata": {"seed": result.seed, "versions": versions(), "sys.argv": list(sys.argv)},
        "claim": {"id": claim.id, "paper": claim.paper, "statement": claim.statement, "method": claim.method,
                  "per_solver": claim.per_solver, "must_hold": result.must_hold},
        "solver": None if spec is None else {**spec.to_json(), "label": spec.label},
        "options": options or {},
        "rerun": rerun,
    }
    if "tree" in rec:  # THM-3.1: a (tree, subtree) case, no instance
        report["arguments"] = {"tree": rec["tree"]}
        report["broken"] = {"kind": "claim", "rules": [], "condition": rec.get("condition", "")}
        return report
    instance = parse_instance(rec["instance"], allow_nonmonotone=True)
    report["arguments"] = {"instance": rec.get("case", rec["instance"])}
    report["instance"] = rec["instance"]
    report["features"] = {"requests": len(instance.requests), "nodes": instance.total_nodes,
                          "budget": instance.budget, "root_charged": instance.root_charged}
    output = _selection(rec.get("output"))
    optimal = _selection(rec.get("optimal"))
    if optimal is None:  # every report shows an optimal answer, even when the property did not need one
        from .dp import solve_dp

        optimal = solve_dp(instance)
    report["output"] = None if output is None else output.to_json()
    report["optimal"] = optimal.to_json()
    report["optimum"] = fraction_str(optimal.objective) if optimal.ok else None
    report["broken"] = broken(instance, claim.id, rec.get("condition", ""), output, optimal)
    return report


def proof_finding(claim_id: str, case: Instance, failure, spec: SolverSpec, *, how_generated: str,
                  rerun: str, options: dict, proof: dict, seed: int, seconds: float,
                  must_hold: bool) -> dict:
    """The report of a counterexample found by the bounded-exhaustive proofs (``python -m proofs``).

    ``failure`` is what the property ``claim_id`` (:data:`verify.claims.CLAIMS_BY_ID`)
    returned on ``case`` for the solver ``spec``: the same check ``verify replay``
    runs.  The report has every field of :func:`finding`; ``how_generated`` says
    how the proof found it and ``proof`` carries the proof's own facts (shape,
    bound, premise, the SMT witness).
    """
    from .campaign import _counterexample_record

    claim = CLAIMS_BY_ID[claim_id]
    result = ClaimResult(claim=claim.id, paper=claim.paper, method="bounded-exhaustive proof (python -m proofs)",
                         solver=spec.target, must_hold=must_hold, verdict=COUNTEREXAMPLE, cases=1,
                         seconds=seconds, seed=seed, counterexample=_counterexample_record(case, failure))
    report = finding(result, spec, rerun=rerun, options=options)
    report["how_generated"] = how_generated
    report["claim"]["method"] = result.method  # not the sampling method of the suite's claim
    report["proof"] = proof
    return report


def broken(instance: Instance, claim: str, condition: str, output: Optional[Selection],
           optimal: Selection) -> dict:
    """What exactly failed: kind, rules, violations with request and node, the numbers."""
    out: dict[str, Any] = {"condition": condition, "rules": [], "violations": []}
    if output is None:
        out["kind"] = "solver fault" if condition.startswith("solver ") else "claim"
        if out["kind"] == "solver fault":
            out["rules"] = ["solver fault"]
        return out
    out["status"] = output.status
    if output.ok:
        bad = violations(instance, output.selected)
        out["violations"] = [{"rule": v.rule, "request": v.request, "node": v.node, "text": v.text} for v in bad]
        out["rules"] = sorted({v.rule for v in bad}, key=["format", "rooted", "budget", "target"].index)
        if not any(v.rule == "format" for v in bad):
            got = sum((instance.request(r).tree.value(s) for r, s in output.selected.items()), Fraction(0))
            out["objective"] = fraction_str(got)
            out["budget_used"] = _used(instance, output.selected)
            out["budget"] = instance.budget
            if not bad and optimal.ok and got != optimal.objective:
                out["rules"].append("optimality")
        out["kind"] = "rule" if bad else ("value" if "optimality" in out["rules"] else "claim")
    elif output.status == "INVALID":
        out["kind"] = "wrong INVALID" if optimal.ok else "claim"
        out["rules"] = ["INVALID soundness"] if optimal.ok else []
    if optimal.ok:
        out["optimum"] = fraction_str(optimal.objective)
    if claim == "LEM-C1":  # the claim is about the count; rules the answer also breaks come after
        out["rules"] = ["minimal count"] + out["rules"]
    return out


def write_finding(directory: str, report: dict) -> str:
    """Write report.json, tree.png and report.md into ``directory``; return it."""
    os.makedirs(directory, exist_ok=True)
    json_path = os.path.join(directory, "report.json")
    report["replay"] = f"python -m verify replay {json_path}"
    picture = None
    if "instance" in report:
        picture = _picture(directory, report)
    report["picture"] = picture
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as fh:
        fh.write(markdown(report))
    return directory


def _picture(directory: str, report: dict) -> Optional[str]:
    from .picture import draw

    instance = parse_instance(report["instance"], allow_nonmonotone=True)
    output = _selection(report.get("output"))
    optimal = _selection(report.get("optimal"))
    bad: dict[str, set] = {}
    notes: dict[str, str] = {}
    for v in report["broken"].get("violations", []):
        if v["request"] is not None and v["node"] is not None:
            bad.setdefault(v["request"], set()).add(v["node"])
        if v["request"] is not None and v["rule"] in ("target", "format"):
            notes[v["request"]] = "; ".join(filter(None, [notes.get(v["request"]), v["text"]]))
    solver_note = ""
    if output is None:
        solver_note = "no answer: " + report["broken"]["condition"]
    elif not output.ok:
        solver_note = f"answered {output.status}" + (f": {output.reason}" if output.reason else "")
    optimal_note = "" if optimal is None or optimal.ok else f"no feasible selection: {optimal.reason}"
    b = report["broken"]
    conv = "roots charged" if instance.root_charged else "roots free"
    values = ""
    if b.get("objective") is not None:
        values = f"; solver's objective {b['objective']}, optimum {report.get('optimum') or 'none (infeasible)'}"
    title = (f"{report['property']} ({report['claim']['paper']}): {b['condition']}\n"
             f"budget {instance.budget} ({conv}){values}")
    try:
        draw(os.path.join(directory, "tree.png"), instance,
             output.selected if output is not None and output.ok else None,
             optimal.selected if optimal is not None and optimal.ok else None,
             title=title, solver_note=solver_note, optimal_note=optimal_note, offending=bad,
             request_notes=notes)
    except ImportError as exc:  # matplotlib missing: the report stays useful without the picture
        report["picture_error"] = f"no picture: {exc}"
        return None
    return "tree.png"


# ------------------------------------------------------------------ markdown

def _cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _nodes(sel: Optional[dict], rid: str) -> str:
    if sel is None or sel.get("status") != OK:
        return "–"
    nodes = sel.get("selected", {}).get(rid)
    return "(missing)" if nodes is None else "{" + ", ".join(str(v) for v in sorted(nodes, key=lambda v: (0, v) if isinstance(v, int) else (1, str(v)))) + "}"


def markdown(report: dict) -> str:
    """report.md: what broke, the instance as a table, both answers side by side, the replay command."""
    b = report["broken"]
    claim = report["claim"]
    who = report["solver"]["label"] if report.get("solver") else "(no solver: a claim about trees)"
    lines = [f"# {report['property']} broken by `{who}`", "",
             f"**Claim** ({claim['paper']}): {claim['statement']}.", "",
             f"**What failed:** {b['condition']}", ""]
    if b.get("rules"):
        lines += [f"**Rules broken:** {', '.join(b['rules'])}", ""]
    for v in b.get("violations", []):
        lines.append(f"* {v['text']}")
    if b.get("violations"):
        lines.append("")
    if "tree" in report.get("arguments", {}):
        t = report["arguments"]["tree"]
        lines += ["## The case", "", f"parent = {t['parent']}, cond = {t['cond']}, subtree = {t['subtree']}", ""]
        lines += _footer(report)
        return "\n".join(lines) + "\n"

    inst = parse_instance(report["instance"], allow_nonmonotone=True)
    out, opt = report.get("output"), report.get("optimal")
    conv = "roots charged: every selected node counts" if inst.root_charged else \
        "roots free: only non-root nodes count"
    lines += ["## The instance", "",
              f"Budget **{inst.budget}** ({conv}); {len(inst.requests)} request"
              f"{'s' if len(inst.requests) != 1 else ''}. `S` = selected by the solver, `O` = in the optimal "
              f"answer shown, `!` = breaks a rule.", ""]
    bad = {(v["request"], v["node"]) for v in b.get("violations", []) if v["node"] is not None}
    lines += ["| request | target | node | parent | f | depth | solver | optimal |",
              "|---|---|---|---|---|---|---|---|"]
    for r in inst.requests:
        mine = set(out["selected"].get(r.id, [])) if out and out.get("status") == OK else set()
        best = set(opt["selected"].get(r.id, [])) if opt and opt.get("status") == OK else set()
        for i, v in enumerate(r.tree.order):
            p = r.tree.parent[v]
            flag = "S" + (" !" if (r.id, v) in bad else "") if v in mine else ""
            lines.append(f"| {r.id if i == 0 else ''} | {fraction_str(r.target) if i == 0 else ''} | {v} | "
                         f"{'root' if p == -1 else p} | {fraction_str(r.tree.f[v])} | {r.tree.depth[v]} | "
                         f"{flag} | {'O' if v in best else ''} |")
    lines += [""]
    if out is not None and out.get("status") == OK:
        extra = sorted({(rid, v) for rid, nodes in out["selected"].items() for v in nodes
                        if rid not in inst.index or not (isinstance(v, int) and 0 <= v < len(inst.request(rid).tree))},
                       key=str)
        if extra:
            lines += ["The solver also named: " + ", ".join(f"request {rid!r} node {v}" for rid, v in extra), ""]

    lines += ["## Both answers", "", "| | solver | optimal (exact oracle) |", "|---|---|---|"]
    lines.append(f"| status | {_cell(out['status']) if out else 'no answer'} | {_cell(opt['status'])} |")
    for r in inst.requests:
        lines.append(f"| `{r.id}` nodes | {_nodes(out, r.id)} | {_nodes(opt, r.id)} |")
    if b.get("objective") is not None or report.get("optimum") is not None:
        lines.append(f"| objective | {b.get('objective', '–')} | {report.get('optimum') or '–'} |")
    if b.get("budget_used") is not None:
        opt_used = _used(inst, opt["selected"]) if opt and opt.get("status") == OK else "–"
        lines.append(f"| budget used | {b['budget_used']} of {inst.budget} | {opt_used} of {inst.budget} |")
    reasons = [(s, x.get("reason")) for s, x in (("solver", out), ("optimal", opt)) if x and x.get("reason")]
    for side, why in reasons:
        lines.append(f"| reason ({side}) | {_cell(why) if side == 'solver' else ''} | "
                     f"{_cell(why) if side == 'optimal' else ''} |")
    if out is None:
        lines.append(f"| fault | {_cell(b['condition'])} | |")
    lines.append("")
    if report.get("picture"):
        lines += ["## Picture", "", f"![the tree(s)]({report['picture']})", "",
                  "Left: the solver's selection (orange); right: an optimal one (green). Red border: breaks a "
                  "rule; dashed blue ring: selected in only one of the two answers.", ""]
    if report["arguments"].get("instance") != report["instance"]:
        lines += ["## The property's input", "",
                  f"{report['property']} derives the instance above from this case: "
                  f"`{describe(parse_instance(report['arguments']['instance'], allow_nonmonotone=True))}`", ""]
    lines += _footer(report)
    return "\n".join(lines) + "\n"


def _footer(report: dict) -> list[str]:
    meta = report["metadata"]
    vers = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    return ["## Replay", "", "```sh", report.get("replay", ""), "```", "",
            "Reruns this property on this input with the same solver: exit 1 if it still fails, 0 if it "
            "passes now. The search that found it:", "", "```sh", report["rerun"], "```", "",
            f"{report['how_generated']} ({report['timing']['search_seconds']} s). Versions: {vers}.", ""]


# ------------------------------------------------------------------ runs

def _write_index(run_dir: str, title: str, header: list[str], results: list[ClaimResult],
                 dirs: dict[int, str], extra: dict) -> None:
    rows = ["| property | solver | verdict | judged | declined | report |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(results):
        link = f"[{os.path.basename(dirs[i])}]({os.path.basename(dirs[i])}/report.md)" if i in dirs else ""
        rows.append(f"| {r.claim} | {_cell(r.solver or '-')} | {r.verdict} | {r.cases} | {r.declined} | {link} |")
        if r.note:
            rows.append(f"| | | note: {_cell(r.note)} | | | |")
    lines = [f"# {title}", ""] + header + [""] + rows + [""]
    declined = sum(r.declined for r in results)
    if declined:
        from .test_solver import declined_by_class

        lines += [f"## Declined inputs ({declined}, not judged)", "", "| class | declined | generated | share |",
                  "|---|---|---|---|"]
        for c, n, g in declined_by_class(results):
            lines.append(f"| {c} | {n} | {g} | {100 * n // g}% |")
        reasons: dict[str, int] = {}
        for r in results:
            for why, n in r.declined_reasons.items():
                reasons[why] = reasons.get(why, 0) + n
        lines += ["", "Reasons given: " + "; ".join(f"{_cell(w)} ({n})" for w, n in
                                                       sorted(reasons.items(), key=lambda x: -x[1])), ""]
    with open(os.path.join(run_dir, "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as fh:
        json.dump({**extra, "results": [r.to_json() for r in results],
                   "reports": {str(i): os.path.basename(d) for i, d in dirs.items()}}, fh, indent=2)
        fh.write("\n")


def write_test_solver_run(report_dir: str, run) -> tuple[str, dict[int, str]]:
    """Reports of a :class:`verify.test_solver.Run`: (run directory, result index -> finding directory)."""
    from .test_solver import rerun_command

    run_dir = new_run_dir(report_dir, run.spec.label)
    opts = {"profile": run.options.profile, "examples": run.options.examples, "seed": run.options.seed,
            "root_charged": run.options.root_charged, "restrictions": run.options.restrictions.to_json()}
    dirs: dict[int, str] = {}
    n = 0
    for i, r in enumerate(run.results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        n += 1
        rep = finding(r, run.spec, rerun=rerun_command(run.spec, run.options, r.claim), options=opts)
        dirs[i] = write_finding(os.path.join(run_dir, f"{n:02d}-{slug(r.claim)}"), rep)
    header = [f"Solver: `{run.spec.label}` ({run.spec.describe}).",
              f"Options: {json.dumps(opts)}.", "",
              f"Skipped (not applicable): {', '.join(f'{c} ({w})' for c, w in run.skipped) or 'none'}.",
              "", f"Exit code {run.exit_code}; {run.seconds:.1f} s; versions {json.dumps(versions())}."]
    _write_index(run_dir, "test-solver run", header, run.results, dirs,
                 {"command": "test-solver", "solver": run.spec.to_json(), "options": opts,
                  "skipped": run.skipped, "exit_code": run.exit_code})
    return run_dir, dirs


def write_suite_run(report_dir: str, results: list[ClaimResult], profile: str, seed: int) -> tuple[str, dict[int, str]]:
    """Reports of the suite's counterexamples (findings on paper variants included)."""
    run_dir = new_run_dir(report_dir, f"suite-{profile}")
    dirs: dict[int, str] = {}
    n = 0
    for i, r in enumerate(results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        n += 1
        spec = SolverSpec.for_suite(r.solver) if r.solver else None
        who = f" --solver {r.solver}" if r.solver else ""
        rerun = f"python -m verify suite --profile {profile} --seed {seed}{who} --claims {r.claim}"
        rep = finding(r, spec, rerun=rerun, options={"profile": profile, "seed": seed})
        name = f"{n:02d}-{slug(r.claim)}" + (f"-{slug(r.solver)}" if r.solver else "")
        dirs[i] = write_finding(os.path.join(run_dir, name), rep)
    _write_index(run_dir, f"suite run (profile {profile}, seed {seed})", [], results, dirs,
                 {"command": "suite", "profile": profile, "seed": seed})
    return run_dir, dirs

"""Proof counterexamples as normal counterexample reports (docs/reports.md).

A counterexample of ``python -m proofs`` that :mod:`proofs.bounded.concrete` has
written as an instance is judged again by the *property* of
:mod:`verify.search.claims` that states the same claim on concrete instances, on the
*subject* that the symbolic greedy stands for, and, if it fails there, written
by :func:`verify.report.finding.proof_finding` as ``report.json`` + ``report.md`` +
``tree.png`` in one run directory.  The check is the one
``python -m verify replay`` runs, so every report replays as "still fails".

Terminology
-----------
proof claim
    APP-B, LEM-C1, LEM-C2, THM-P1, THM-P2 of ``python -m proofs`` for one greedy.
property
    Its counterpart in :data:`verify.search.claims.CLAIMS_BY_ID`: the same id, except
    APP-B under ``--allow-ties``, which is ``APP-B/ties`` (premise dropped).
subject
    The concrete algorithm the symbolic greedy models, as a solver spec the
    replay rebuilds: ``paper`` -> the native callable
    ``proofs.replay:algorithm1_all_unselected`` (Algorithm 1, GetTop over all
    unselected nodes, index ties, ``while B > 0``: exactly what the proof
    encodes, which no registered solver is), ``frontier`` -> the registered
    ``reference`` greedy.
companion
    For ``paper`` also the registered ``paper-alg1`` (printed ``while B >= 0``)
    on the same trees with one unit less budget, where its loop takes as many
    nodes as the modelled one; reported only if the property fails on it too.

>>> property_for("APP-B", ties=True), property_for("THM-P2", ties=True)
('APP-B/ties', 'THM-P2')
>>> subject("paper").label
'proofs.replay:algorithm1_all_unselected'
>>> obj = {"budget": 1, "requests": [{"id": "r0", "target": "1", "parent": [-1, 2, 0],
...                                   "prob": ["1", "1/2", "1/2"]}]}
>>> for c in cases(obj, "APP-B", "paper", ties=True):  # doctest: +NORMALIZE_WHITESPACE
...     print(c["property"], c["spec"].target, "budget", c["instance"].budget,
...           "|", c["failure"].condition)
APP-B/ties proofs.replay:algorithm1_all_unselected budget 1 | rooted: request 'r0'
    node 1 selected without its parent 2
APP-B/ties paper-alg1 budget 0 | rooted: request 'r0' node 1 selected without its
    parent 2
"""

from __future__ import annotations

import json
import os
import sys
from typing import Optional

from solver.parse import parse_instance

from .claims_tree import TREE_CLAIMS

SUBJECTS = {
    "paper": ("native", "proofs.replay:algorithm1_all_unselected"),
    "frontier": ("registry", "reference"),
}
COMPANION = ("registry", "paper-alg1")
GREEDY_TEXT = {
    "paper": (
        "Algorithm 1 with the paper-literal GetTop (largest f among all unselected"
        " nodes, ties: smaller node index; between requests: input order) and the"
        " throughput loop `while B > 0`"
    ),
    "frontier": "the reference greedy (GetTop over the frontier, any tie-break)",
}


def property_for(claim: str, ties: bool) -> str:
    """The :mod:`verify.search.claims` property that judges ``claim`` on a concrete
    instance."""
    return "APP-B/ties" if claim == "APP-B" and ties else claim


def subject(greedy: str):
    """The solver spec of the concrete algorithm the symbolic ``greedy`` stands for."""
    from verify.subject.spec import SolverSpec

    return SolverSpec(*SUBJECTS[greedy])


def judge(property_id: str, spec, instance):
    """The property's verdict on ``instance`` for ``spec``: a Failure, or None when it
    holds."""
    from verify.search.claims import CLAIMS_BY_ID
    from verify.subject.spec import build

    return CLAIMS_BY_ID[property_id].check(build(spec), instance)


def cases(obj: dict, claim: str, greedy: str, ties: bool) -> list[dict]:
    """The failing (property, solver, instance) cases of one counterexample instance
    ``obj``.

    The subject on ``obj`` first (none if the property holds there: the proof
    and the code disagree), then the companion for ``paper``.
    """
    from verify.subject.spec import SolverSpec

    prop = property_for(claim, ties)
    out: list[dict] = []
    instance = parse_instance(obj)
    failure = judge(prop, subject(greedy), instance)
    if failure is None:
        return out
    out.append(
        {
            "role": "subject",
            "property": prop,
            "spec": subject(greedy),
            "instance": instance,
            "failure": failure,
        }
    )
    if greedy == "paper" and obj["budget"] >= 1:
        smaller = parse_instance({**obj, "budget": obj["budget"] - 1})
        spec = SolverSpec(*COMPANION)
        failure = judge(prop, spec, smaller)
        if failure is not None:
            out.append(
                {
                    "role": "companion",
                    "property": prop,
                    "spec": spec,
                    "instance": smaller,
                    "failure": failure,
                }
            )
    return out


def rerun_command(cex: dict, ties: bool, seed: int) -> str:
    """A ``python -m proofs`` command that finds this counterexample again (bound = its
    size)."""
    n = cex["n"]
    bound = (
        f"--max-nodes {n} --pair-max 0"
        if cex["claim"] in TREE_CLAIMS
        else f"--pair-max {n}"
    )
    return (
        f"python -m proofs{' --allow-ties' if ties else ''} {bound} --claims"
        f" {cex['claim']} --greedy {cex['greedy']} --seed {seed}"
    )


def _how(cex: dict, case: dict, settings: dict, counts: tuple[int, ...]) -> str:
    pair = "+" in cex["shape"]
    where = (
        f"the pair of shapes {cex['shape']} (larger tree {cex['n']} nodes)"
        if pair
        else f"shape {cex['shape']} ({cex['n']} nodes)"
    )
    bound = (
        f"every ordered pair of shapes with 1..{settings['pair_max']} nodes each"
        if pair
        else f"every shape with 1..{settings['max_nodes']} nodes"
    )
    text = (
        f"Bounded-exhaustive proof (python -m proofs, Z3 seed {settings['seed']}): the"
        f" negation of {cex['claim']} for {GREEDY_TEXT[cex['greedy']]} is satisfiable"
        f" on {where}, the smallest of the {counts[0]} counterexample(s) among the"
        f" {counts[1]} checked ({bound}; premise {settings['premise']}). The model was"
        " re-solved for readable values and written as an instance"
    )
    if case["role"] == "companion":
        text += (
            "; here the registered paper-alg1 (printed `while B >= 0`) runs on it with"
            f" budget {case['instance'].budget}, one unit less, where its loop takes as"
            " many nodes as the proven `while B > 0` loop"
        )
    return text + "."


def write_run(
    report_dir: str,
    cexs: list[dict],
    settings: dict,
    rows: list[dict],
    *,
    ties: bool,
    table_text: str,
    exit_code: int,
    seconds: float,
) -> Optional[str]:
    """Write one run directory with a report per failing case; None if there is none.

    Adds ``reports`` (list of {property, solver, dir}) to each counterexample of
    ``cexs``."""
    from verify.report.facts import versions
    from verify.report.finding import proof_finding, slug
    from verify.report.write import new_run_dir, write_finding

    counts: dict[tuple, list[int]] = {}
    for r in rows:
        c = counts.setdefault((r["claim"], r["greedy"]), [0, 0])
        c[0] += r.get("counterexamples", 0)
        c[1] += r["shapes"]
    todo = []
    for cex in cexs:
        cex["reports"] = []
        if cex.get("instance") is not None:
            todo += [
                (cex, case)
                for case in cases(cex["instance"], cex["claim"], cex["greedy"], ties)
            ]
    if not todo:
        return None
    tree_claims = any(c in TREE_CLAIMS for c in settings["claims"])
    label = "-".join(
        ["proofs"]
        + (["ties"] if ties else [])
        + ([f"N{settings['max_nodes']}"] if tree_claims else [])
        + ([f"M{settings['pair_max']}"] if settings["pair_max"] else [])
    )
    run_dir = new_run_dir(report_dir, label)
    options = {
        k: settings[k]
        for k in ("max_nodes", "pair_max", "allow_ties", "premise", "timeout", "seed")
    }
    lines = []
    for i, (cex, case) in enumerate(todo, start=1):
        spec = case["spec"]
        name = f"{i:02d}-{slug(case['property'])}-{slug(spec.target.split(':')[-1])}"
        proof = {
            "claim": cex["claim"],
            "greedy": cex["greedy"],
            "algorithm": GREEDY_TEXT[cex["greedy"]],
            "shape": cex["shape"],
            "n": cex["n"],
            "parents": cex["parents"],
            "witness": cex["witness"],
            "labeling": (
                "parents and witness use the shape's canonical labeling (root 0,"
                " preorder); shape node v is instance node idx[v] (identity without"
                " idx)"
            ),
            "proof_instance": cex["instance"],
            "role": case["role"],
            "counterexamples": counts.get((cex["claim"], cex["greedy"]), [0, 0])[0],
            "checked": counts.get((cex["claim"], cex["greedy"]), [0, 0])[1],
            "files": cex.get("files", {}),
        }
        rep = proof_finding(
            case["property"],
            case["instance"],
            case["failure"],
            spec,
            how_generated=_how(
                cex,
                case,
                settings,
                tuple(counts.get((cex["claim"], cex["greedy"]), [0, 0])),
            ),
            rerun=rerun_command(cex, ties, settings["seed"]),
            options=options,
            proof=proof,
            seed=settings["seed"],
            seconds=cex.get("seconds", 0.0),
            must_hold=not (ties and cex["greedy"] == "paper"),
        )
        where = write_finding(os.path.join(run_dir, name), rep)
        cex["reports"].append(
            {"property": case["property"], "solver": spec.label, "dir": where}
        )
        lines.append(
            f"| {case['property']} | {cex['claim']}[{cex['greedy']}] | `{spec.label}` |"
            f" {cex['shape']} | {case['failure'].condition.replace('|', '/')} |"
            f" [{name}]({name}/report.md) |"
        )
    index = [
        "# python -m proofs: counterexample reports",
        "",
        f"Command: `{' '.join(['python -m proofs'] + sys.argv[1:])}`",
        "",
        (
            f"Premise: {settings['premise']}; greedies"
            f" {', '.join(settings['greedies'])}; shapes up to {settings['max_nodes']}"
            f" nodes, pairs up to {settings['pair_max']}."
        ),
        "",
        (
            "The smallest counterexample of each claim and greedy, judged again on the"
            " real code by the property of `python -m verify` that states the claim"
            " (docs/proof.md, docs/reports.md). Replay one with `python -m verify"
            " replay <dir>/report.json`."
        ),
        "",
        "| property | proof claim | solver | shape | failing condition | report |",
        "|---|---|---|---|---|---|",
        *lines,
        "",
        "## All results",
        "",
        "```text",
        table_text,
        "```",
        "",
        (
            f"Exit code {exit_code}; wall {seconds:.1f} s; versions"
            f" {json.dumps(versions())}."
        ),
        "",
    ]
    with open(os.path.join(run_dir, "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(index))
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as fh:
        json.dump(
            {
                "command": "proofs",
                "argv": list(sys.argv),
                "versions": versions(),
                "settings": settings,
                "rows": rows,
                "counterexamples": cexs,
                "exit_code": exit_code,
            },
            fh,
            indent=2,
            default=str,
        )
        fh.write("\n")
    from verify.report.html import write_page

    write_page(run_dir)  # index.html: the run on one page (docs/reports.md)
    return run_dir

"""From an SMT counterexample to a concrete instance file, checked on the real code.

A model of a negated claim fixes the shape, the node labeling (``idx`` for the
paper-literal GetTop), exact rational probabilities and, for the two-request
claims, targets and a node budget.  :func:`instance_json` writes that down as an
instance (docs/format.md); :func:`validate` parses it back with
:func:`solver.parse.parse_instance`, replays the algorithm concretely
(:mod:`proofs.bounded.replay`), judges the answer with
:func:`solver.feasibility.violations` and the exact DP optimum
(:func:`verify.checks.judge.judge`), and *confirms* the counterexample only if the
property of :mod:`verify.search.claims` that states the claim fails on it
(:func:`proofs.bounded.findings.judge`, the check ``python -m verify replay`` runs), so
a symbolic counterexample counts only once the real code reproduces it.  For
the paper-literal GetTop it also runs :func:`solver.paper.solve_paper_alg1`
(printed ``while B >= 0`` loop) on the same trees.

>>> w = {"f": ["1", "1/2", "1/2"], "idx": [0, 2, 1], "order": [2], "orphan_step": 1}
>>> obj = instance_json("APP-B", [(-1, 0, 1)], w)
>>> obj["budget"], obj["requests"][0]["parent"], obj["requests"][0]["prob"]
(1, [-1, 2, 0], ['1', '1/2', '1/2'])
>>> check = validate(obj, "APP-B", "paper", ties=True)
>>> check["confirmed"], check["property"], check["condition"]
(True, 'APP-B/ties', "rooted: request 'r0' node 1 selected without its parent 2")
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from typing import Any, Optional

from solver.feasibility import violations
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.selection import Selection

from .replay import optimum, replay


def relabel(parent, f, idx) -> tuple[list[int], list[str]]:
    """Parent array and probabilities with node v renamed to ``idx[v]``."""
    n = len(parent)
    idx = list(range(n)) if idx is None else list(idx)
    new_parent, new_f = [0] * n, ["0"] * n
    for v in range(n):
        new_parent[idx[v]] = -1 if parent[v] < 0 else idx[parent[v]]
        new_f[idx[v]] = fraction_str(Fraction(f[v]))
    return new_parent, new_f


def instance_json(claim: str, parents: list, witness: dict) -> Optional[dict]:
    """The concrete instance of a counterexample, or None when the claim has no instance
    form."""
    if claim == "APP-B":
        parent, prob = relabel(parents[0], witness["f"], witness.get("idx"))
        # budget = the step after which the set is not rooted; the root alone meets
        # target 1
        return {
            "budget": witness["orphan_step"],
            "root_charged": False,
            "requests": [{"id": "r0", "target": "1", "parent": parent, "prob": prob}],
        }
    if claim in ("LEM-C1", "LEM-C2"):
        parent, prob = relabel(parents[0], witness["f"], witness.get("idx"))
        # LEM-C1: threshold tau, every budget probed; LEM-C2: no target, budget b (every
        # b probed)
        target = witness["tau"] if claim == "LEM-C1" else "0"
        if Fraction(target) < 0:
            target = "0"  # any non-positive threshold is met by the root alone
        budget = len(parent) - 1 if claim == "LEM-C1" else witness["b"]
        return {
            "budget": budget,
            "root_charged": False,
            "requests": [
                {"id": "r0", "target": target, "parent": parent, "prob": prob}
            ],
        }
    if claim in ("THM-P1", "THM-P2"):
        nb = witness["node_budget"]
        budget, charged = (nb, False) if nb >= 0 else (nb + len(parents), True)
        if budget < 0:
            return None
        requests = []
        for i, (par, req) in enumerate(zip(parents, witness["requests"])):
            parent, prob = relabel(par, req["f"], req.get("idx"))
            requests.append(
                {
                    "id": f"r{i}",
                    "target": witness["targets"][i],
                    "parent": parent,
                    "prob": prob,
                }
            )
        return {"budget": budget, "root_charged": charged, "requests": requests}
    return None


def _answer(instance, sel: Selection) -> dict:
    out: dict[str, Any] = {"status": sel.status}
    if sel.ok:
        assert sel.selected is not None and sel.objective is not None, "an OK one"
        out["selected"] = {k: list(v) for k, v in sel.selected.items()}
        out["objective"] = fraction_str(sel.objective)
        out["violations"] = [v.text for v in violations(instance, sel.selected)]
    else:
        out["reason"] = sel.reason
    return out


def validate(obj: dict, claim: str, greedy: str, ties: bool = False) -> dict:
    """Parse, replay and judge; ``confirmed`` says whether the real code shows the
    violation."""
    from verify.checks.judge import judge

    from .findings import judge as judge_property
    from .findings import property_for, subject

    instance = parse_instance(obj)
    sel = replay(instance, greedy)
    best = optimum(instance)
    prop = property_for(claim, ties)
    failure = judge_property(prop, subject(greedy), instance)
    out = {
        "algorithm": {
            "paper": (
                "Algorithm 1, GetTop over all unselected nodes, index ties, while B > 0"
                " (proofs.replay.algorithm1_all_unselected)"
            ),
            "frontier": "reference greedy (solver.reference.solve_reference)",
        }[greedy],
        "answer": _answer(instance, sel),
        "optimum": None if best is None else fraction_str(best),
        "verdict": judge(instance, sel, use_z3=False).text,
        "property": prop,
        "confirmed": failure is not None,
        "condition": None if failure is None else failure.condition,
    }
    if greedy == "paper":
        out["paper_alg1_literal"] = _literal(obj)
    return out


def _literal(obj: dict) -> dict:
    """solver.paper.solve_paper_alg1 (``while B >= 0``) on the instance and with one
    unit less budget."""
    try:
        from solver.paper import solve_paper_alg1
    except ImportError:  # pragma: no cover - the variant lives in another module
        return {"skipped": "solver.paper is not available"}
    out = {}
    for label, budget in (
        ("same budget", obj["budget"]),
        ("budget - 1", obj["budget"] - 1),
    ):
        if budget < 0:
            continue
        inst = parse_instance({**obj, "budget": budget})
        out[label] = {"budget": budget, **_answer(inst, solve_paper_alg1(inst))}
    return out


def write(out_dir: str, stem: str, obj: dict, check: dict) -> dict[str, str]:
    """Write ``<stem>.instance.json`` and ``<stem>.check.json``; return their paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {
        "instance": os.path.join(out_dir, stem + ".instance.json"),
        "check": os.path.join(out_dir, stem + ".check.json"),
    }
    for key, data in (("instance", obj), ("check", check)):
        with open(paths[key], "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
    return paths

"""Proof counterexamples go through the normal report pipeline (docs/proof.md,
docs/reports.md).

What is checked, and against what:
* ``python -m proofs --allow-ties`` writes one run directory with a report
  (report.json, report.md, tree.png) for the smallest APP-B and THM-P2
  counterexamples of the paper-literal GetTop; the APP-B instance is the
  3-node path root -> a -> b with f(a) = f(b), checked here from the instance
  itself; the optimum in the report equals a brute-force optimum over all
  rooted selections (tests/common/brute.py, not the code under test); the solver's
  answer selects b without a;
* ``python -m verify replay`` on each report exits 1 ("still fails"), and 0
  once the report names a correct solver (so the check can fail);
* the frontier greedy is proven: no counterexample, no report;
* a counterexample the real code does not reproduce gets no report;
* LEM-C1 / LEM-C2 witnesses become instances that the real greedies pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from proofs import __main__ as cli
from proofs.bounded import findings
from proofs.bounded.concrete import instance_json, validate
from solver.feasibility import violations
from solver.parse import parse_instance
from tests.common.brute import brute_force
from verify.report.replay import replay

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(capsys, *args):
    code = cli.main(list(args) + ["--json", "--quiet"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def ties_run(tmp_path_factory):
    """One small ties run (shapes up to 4 nodes, pairs up to 3): about a second of
    Z3.  In a fresh process, as a user runs it: Z3's models depend on what the
    process asked Z3 before (another test's queries in the same pytest worker gave
    another counterexample instance), so only a fresh process gives the same one."""
    out_dir = tmp_path_factory.mktemp("proofs-out")
    proc = subprocess.run(
        [sys.executable, "-m", "proofs", "--allow-ties", "--max-nodes", "4"]
        + ["--pair-max", "3", "--out", str(out_dir), "--json", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": ROOT},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout), out_dir


def _reports(out, claim):
    (cex,) = [c for c in out["counterexamples"] if c["claim"] == claim]
    return cex, [
        json.load(open(os.path.join(r["dir"], "report.json"))) | {"_dir": r["dir"]}
        for r in cex["reports"]
    ]


def _path_of_three(tree):
    """(a, b) when the tree is root -> a -> b, else None (read from the parent
    array)."""
    root = tree.parent.index(-1)
    (a,) = [v for v in range(3) if tree.parent[v] == root] or [None]
    rest = [v for v in range(3) if v not in (root, a)]
    if a is None or len(rest) != 1 or tree.parent[rest[0]] != a:
        return None
    return a, rest[0]


def test_app_b_counterexample_is_a_normal_report(ties_run):
    code, out, out_dir = ties_run
    assert code == 1
    run_dir = out["report_dir"]
    assert run_dir and os.path.dirname(run_dir) == str(out_dir)
    assert os.path.isfile(os.path.join(run_dir, "index.md")) and os.path.isfile(
        os.path.join(run_dir, "run.json")
    )
    page = open(
        os.path.join(run_dir, "index.html"), encoding="utf-8"
    ).read()  # the run on one page
    dirs = [
        os.path.basename(r["dir"])
        for c in out["counterexamples"]
        for r in c.get("reports", [])
    ]
    assert dirs and all(f'<section class="finding" id="{d}"' in page for d in dirs)
    cex, reps = _reports(out, "APP-B")
    assert cex["greedy"] == "paper" and cex["n"] == 3
    rep = reps[0]  # the subject: exactly the algorithm the proof models
    assert rep["property"].split("/")[0] == "APP-B" and rep["status"] == "failed"
    assert (
        rep["solver"]["kind"] == "native"
        and rep["solver"]["target"] == "proofs.replay:algorithm1_all_unselected"
    )
    assert rep["proof"]["claim"] == "APP-B" and rep["proof"]["greedy"] == "paper"

    inst = parse_instance(rep["arguments"]["instance"])
    assert rep["instance"] == rep["arguments"]["instance"]
    (req,) = inst.requests
    tree = req.tree
    assert len(tree) == 3
    a, b = _path_of_three(tree)
    assert tree.f[a] == tree.f[b]  # the tie

    # the optimum from the oracles, against brute force over all rooted selections
    best, _ = brute_force(inst)
    assert best is not None and rep["optimum"] == str(best)
    optimal = rep["optimal"]
    assert optimal["status"] == "OK" and violations(inst, optimal["selected"]) == []
    assert sum(tree.f[v] for v in optimal["selected"][req.id]) == best

    # the solver's answer: b without its parent a, and the failing condition names them
    chosen = set(rep["output"]["selected"][req.id])
    assert b in chosen and a not in chosen
    assert rep["broken"]["rules"] == ["rooted"]
    assert [(v["request"], v["node"]) for v in rep["broken"]["violations"]] == [
        (req.id, b)
    ]
    assert f"node {b} selected without its parent {a}" in rep["status_reason"]
    assert rep["replay"].startswith("python -m verify replay ") and rep[
        "rerun"
    ].startswith("python -m proofs")
    assert {"python", "z3-solver", "hypothesis"} <= set(rep["metadata"]["versions"])

    d = rep["_dir"]
    md = open(os.path.join(d, "report.md")).read()
    assert (
        "APP-B" in md
        and rep["replay"] in md
        and "| solver | optimal (exact oracle) |" in md
    )
    with open(os.path.join(d, "tree.png"), "rb") as fh:
        png = fh.read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_reports_replay_as_still_failing(ties_run):
    _, out, _ = ties_run
    dirs = [r["dir"] for c in out["counterexamples"] for r in c.get("reports", [])]
    assert len(dirs) >= 2
    for d in dirs:
        code, text = replay(os.path.join(d, "report.json"))
        assert code == 1 and text.startswith("still fails: "), (d, text)
    # once through the command line, as the report prints it
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "replay",
            os.path.join(dirs[0], "report.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        proc.stdout.startswith("still fails: ")
        and "selected without its parent" in proc.stdout
    )


def test_replay_passes_with_a_correct_solver(ties_run, tmp_path):
    _, out, _ = ties_run
    _, reps = _reports(out, "APP-B")
    rep = {k: v for k, v in reps[0].items() if k != "_dir"}
    rep["solver"] = {"kind": "registry", "target": "reference", "timeout": 10.0}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(rep))
    code, text = replay(str(path))
    assert code == 0 and text.startswith("passes now")


def test_thm_p2_pair_counterexample_is_reported(ties_run):
    _, out, _ = ties_run
    cex, reps = _reports(out, "THM-P2")
    assert cex["greedy"] == "paper" and "+" in cex["shape"]
    rep = reps[0]
    assert rep["property"] == "THM-P2"
    inst = parse_instance(rep["instance"])
    assert len(inst.requests) == 2
    best, _ = brute_force(inst)
    assert best is not None and rep["optimum"] == str(
        best
    )  # feasible, yet the answer is not
    assert violations(inst, rep["output"]["selected"])
    # the registered literal variant (printed `while B >= 0`) fails on the same trees
    # too
    assert [r["solver"]["target"] for r in reps[1:]] == ["paper-alg1"]


def test_frontier_greedy_is_proven_and_has_no_report(ties_run):
    _, out, _ = ties_run
    for r in out["rows"]:
        if r["greedy"] == "frontier":
            assert r["result"] == "proved", r
    assert all(c["greedy"] == "paper" for c in out["counterexamples"])
    solvers = {r["solver"] for c in out["counterexamples"] for r in c["reports"]}
    assert "reference" not in solvers
    run = json.load(open(os.path.join(out["report_dir"], "run.json")))
    assert run["command"] == "proofs" and run["exit_code"] == 1


def test_unreproduced_counterexample_gets_no_report(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(
        findings, "judge", lambda *a, **k: None
    )  # the real code "passes"
    code, out = _run(
        capsys,
        "--allow-ties",
        "--max-nodes",
        "3",
        "--pair-max",
        "0",
        "--claims",
        "APP-B",
        "--greedy",
        "paper",
        "--out",
        str(tmp_path),
    )
    assert code == 1
    (cex,) = out["counterexamples"]
    assert cex["replay"]["confirmed"] is False and cex["reports"] == []
    assert out["report_dir"] is None
    assert sorted(os.listdir(tmp_path)) == [
        "APP-B-paper-n3-012.check.json",
        "APP-B-paper-n3-012.instance.json",
    ]


def test_no_reports_option(capsys, tmp_path):
    code, out = _run(
        capsys,
        "--allow-ties",
        "--max-nodes",
        "3",
        "--pair-max",
        "0",
        "--claims",
        "APP-B",
        "--greedy",
        "paper",
        "--out",
        str(tmp_path / "a"),
        "--no-reports",
    )
    assert code == 1 and out["report_dir"] is None
    code, out = _run(
        capsys,
        "--allow-ties",
        "--max-nodes",
        "3",
        "--pair-max",
        "0",
        "--claims",
        "APP-B",
        "--greedy",
        "paper",
        "--out",
        str(tmp_path / "a"),
        "--report-dir",
        str(tmp_path / "b"),
    )
    assert code == 1 and os.path.dirname(out["report_dir"]) == str(tmp_path / "b")


def test_lemma_witnesses_become_instances_the_greedies_pass():
    w = {"f": ["1", "1/2", "1/4"], "tau": "7/4", "greedy_count": 2, "b": 1}
    for claim, target, budget in (("LEM-C1", "7/4", 2), ("LEM-C2", "0", 1)):
        obj = instance_json(claim, [(-1, 0, 1)], w)
        assert obj["budget"] == budget and obj["requests"][0]["target"] == target
        for greedy in ("frontier", "paper"):
            check = validate(obj, claim, greedy, ties=True)
            assert check["property"] == claim and check["confirmed"] is False

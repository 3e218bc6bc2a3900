"""Counterexample reports (verify/report/finding.py, verify/report/picture.py) and
``python -m verify replay``.

A report must carry what a person needs (the rule broken with its numbers, the
minimal instance, both answers, versions, seed, the replay command), a picture
that is a real PNG, and enough to replay the case: replay says "still fails"
(exit 1) while the bug is there and "passes now" (exit 0) once the solver is
fixed.  Also: the suite's ``--report-dir`` hook, and derived instances (LEM-C2
probes budgets of the generated case) replaying from the case, not the probe.
"""

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from solver.parse import parse_instance
from verify.commands import cli
from verify.commands.suite import main_suite
from verify.report.finding import finding
from verify.report.picture import draw
from verify.report.replay import replay
from verify.report.write import write_finding
from verify.search.claim_search import COUNTEREXAMPLE, ClaimResult
from verify.solver_check import Options, run
from verify.subject.spec import SolverSpec

PNG = b"\x89PNG\r\n\x1a\n"


def _reports(tmp_path, name, claims, **kw):
    spec = SolverSpec("callable", f"tests.quality.planted:{name}")
    res = run(
        spec, Options(examples=40, claims=tuple(claims), report_dir=str(tmp_path), **kw)
    )
    assert res.run_dir and res.reports, "expected a counterexample with a report"
    # the first finding of each property (every finding has its own directory)
    return res, {res.results[i].claim: Path(d[0]) for i, d in res.reports.items()}


@pytest.fixture(scope="module")
def budget_report(tmp_path_factory):
    return _reports(
        tmp_path_factory.mktemp("rep"), "budget_ge0", ["RULE-BUDGET", "LEM-C2"]
    )


def test_report_json_has_the_rule_its_numbers_and_how_to_replay(budget_report):
    res, dirs = budget_report
    rep = json.loads((dirs["RULE-BUDGET"] / "report.json").read_text())
    assert (
        rep["type"] == "counterexample"
        and rep["status"] == "failed"
        and rep["property"] == "RULE-BUDGET"
    )
    assert (
        rep["status_reason"] == "budget: uses 1 non-root nodes (roots free) of budget 0"
    )
    assert rep["broken"]["rules"] == ["budget"] and rep["broken"]["kind"] == "rule"
    assert rep["broken"]["budget_used"] == 1 and rep["broken"]["budget"] == 0
    inst = parse_instance(rep["instance"])  # the minimal instance, exact
    assert inst.budget == 0 and inst.total_nodes == 2
    assert (
        rep["output"]["status"] == "OK"
        and rep["optimal"]["status"] == "OK"
        and rep["optimum"] == "1"
    )
    assert (
        rep["solver"]["kind"] == "callable"
        and rep["solver"]["target"] == "tests.quality.planted:budget_ge0"
    )
    assert rep["metadata"]["seed"] == 0
    assert {"python", "hypothesis", "z3-solver", "networkx", "matplotlib"} <= set(
        rep["metadata"]["versions"]
    )
    assert (
        rep["replay"]
        == f"python -m verify replay {dirs['RULE-BUDGET'] / 'report.json'}"
    )
    assert rep["rerun"].startswith(
        "python -m verify test-solver tests.quality.planted:budget_ge0 "
    )
    assert (dirs["RULE-BUDGET"] / "tree.png").read_bytes()[:8] == PNG and rep[
        "picture"
    ] == "tree.png"


def test_report_md_reads_as_a_page(budget_report):
    _, dirs = budget_report
    md = (dirs["RULE-BUDGET"] / "report.md").read_text()
    for words in (
        "# RULE-BUDGET broken by `tests.quality.planted:budget_ge0`",
        "**What failed:** budget: uses 1 non-root nodes (roots free) of budget 0",
        "| request | target | node | parent | f | depth | solver | optimal |",
        "| budget used | 1 of 0 | 0 of 0 |",
        "![the tree(s)](tree.png)",
        "python -m verify replay ",
    ):
        assert words in md
    index = (dirs["RULE-BUDGET"].parent / "index.md").read_text()
    assert "[01-RULE-BUDGET](01-RULE-BUDGET/report.md)" in index


def test_replay_says_still_fails_then_passes_once_fixed(
    budget_report, tmp_path, capsys
):
    _, dirs = budget_report
    path = dirs["RULE-BUDGET"] / "report.json"
    assert cli.main(["replay", str(path)]) == 1
    assert (
        capsys.readouterr().out
        == "still fails: budget: uses 1 non-root nodes (roots free) of budget 0 "
        "(reproduced 3 of 3, each in a fresh process)\n"
    )
    fixed = json.loads(path.read_text())
    fixed["solver"]["target"] = "tests.quality.planted:correct_other_ties"
    (tmp_path / "fixed.json").write_text(json.dumps(fixed))
    assert cli.main(["replay", str(tmp_path / "fixed.json")]) == 0
    assert (
        capsys.readouterr().out
        == "passes now: RULE-BUDGET holds on this input (3 of 3 replays)\n"
    )


def test_one_defect_of_two_properties_has_one_report_listing_both(budget_report):
    res, dirs = budget_report
    assert (
        dirs["LEM-C2"] == dirs["RULE-BUDGET"]
    )  # budget 0 ignored: one defect, one report
    rep = json.loads((dirs["RULE-BUDGET"] / "report.json").read_text())
    assert rep["properties"] == ["RULE-BUDGET", "LEM-C2"]
    assert len(list(Path(res.run_dir).glob("*/report.json"))) == 1


def test_replay_of_a_derived_instance_reruns_the_property_on_the_failing_probe(
    tmp_path,
):
    _, dirs = _reports(tmp_path, "budget_ge0", ["LEM-C2"])
    rep = json.loads((dirs["LEM-C2"] / "report.json").read_text())
    # one failing instance (issue 20): replay's input is the probe; the generated case
    # is apart
    assert rep["arguments"]["instance"] == rep["instance"]
    assert rep["derived_from"] != rep["instance"] and rep["derived_from"]["requests"]
    code, text = replay(str(dirs["LEM-C2"] / "report.json"))
    assert code == 1 and text.startswith("still fails: ")


def test_replay_of_a_cmd_solver_and_of_bad_files(tmp_path, capsys):
    spec = SolverSpec("cmd", "python -m tests.quality.planted budget_ge0", timeout=20)
    res = run(
        spec, Options(examples=30, claims=("RULE-BUDGET",), report_dir=str(tmp_path))
    )
    ((d,),) = res.reports.values()
    assert (
        cli.main(["replay", str(Path(d) / "report.json")]) == 2
    )  # a command runs only with --trust
    assert "pass --trust" in capsys.readouterr().err
    assert replay(str(Path(d) / "report.json"), trust=True)[0] == 1
    (tmp_path / "bad.json").write_text("{")
    assert cli.main(["replay", str(tmp_path / "bad.json")]) == 2
    assert cli.main(["replay", str(tmp_path / "missing.json")]) == 2
    assert "error:" in capsys.readouterr().err


def test_value_loss_report_gives_objective_and_optimum(tmp_path):
    _, dirs = _reports(tmp_path, "no_throughput", ["THM-P2"])
    rep = json.loads((dirs["THM-P2"] / "report.json").read_text())
    b = rep["broken"]
    assert b["kind"] == "value" and b["rules"] == ["optimality"]
    assert (
        rep["status_reason"] == f"objective {b['objective']} < optimum {b['optimum']}"
    )
    assert b["optimum"] == rep["optimum"]


def test_fault_report_has_no_output_and_says_what_the_solver_did(tmp_path):
    _, dirs = _reports(tmp_path, "index_error_on_wide", ["RULE-FORMAT"])
    rep = json.loads((dirs["RULE-FORMAT"] / "report.json").read_text())
    assert rep["output"] is None and rep["broken"]["kind"] == "solver fault"
    assert rep["status_reason"].startswith("solver raised IndexError")
    assert (dirs["RULE-FORMAT"] / "tree.png").read_bytes()[:8] == PNG


def test_suite_report_dir_writes_replayable_reports(tmp_path):
    out = io.StringIO()
    code = main_suite(
        "quick",
        0,
        "paper-alg1",
        1,
        None,
        ["RULE-BUDGET"],
        out=out,
        err=io.StringIO(),
        report_dir=str(tmp_path),
    )
    assert code == 1 and "reports: " in out.getvalue()
    (report,) = tmp_path.glob("*/01-RULE-BUDGET-paper-alg1/report.json")
    rep = json.loads(report.read_text())
    assert rep["solver"] == {
        "kind": "registry",
        "target": "paper-alg1",
        "timeout": 10.0,
        "label": "paper-alg1",
    }
    assert (
        rep["rerun"]
        == "python -m verify suite --profile quick --seed 0 --solver paper-alg1"
        " --claims RULE-BUDGET"
    )
    assert replay(str(report))[0] == 1


def test_tree_level_report_replays_without_a_solver(tmp_path):
    # THM-3.1 holds, so a (forged) counterexample to it must replay as "passes now"
    rec = {
        "condition": "forged",
        "summary": "forged",
        "tree": {"parent": [-1, 0, 0], "cond": ["1", "1/2", "1/4"], "subtree": [0, 1]},
    }
    res = ClaimResult(
        "THM-3.1", "Thm 3.1", "m", None, True, COUNTEREXAMPLE, 1, 0.1, 0, Counter(), rec
    )
    d = write_finding(
        str(tmp_path / "f"),
        finding(res, None, rerun="python -m verify --claims THM-3.1"),
    )
    assert (Path(d) / "report.md").exists() and not (Path(d) / "tree.png").exists()
    assert replay(str(Path(d) / "report.json")) == (
        0,
        "passes now: THM-3.1 holds on this input",
    )


def test_picture_marks_orphans_and_handles_missing_answers(tmp_path):
    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "a",
                    "target": "1",
                    "parent": [-1, 2, 0],
                    "prob": ["1", "1", "1"],
                },
                {
                    "id": "b",
                    "target": "2",
                    "parent": [-1, 0, 1, 1],
                    "prob": ["1", "1/2", "1/4", "1/8"],
                },
            ],
        }
    )
    path = draw(
        str(tmp_path / "t.png"),
        inst,
        {"a": [0, 1], "b": [0, 9]},
        None,
        title="t",
        optimal_note="no feasible selection",
        offending={"a": {1}, "b": {9}},
        request_notes={"b": "format: node 9 does not exist"},
    )
    assert Path(path).read_bytes()[:8] == PNG


def test_reports_name_the_cause_and_mark_the_nodes_beyond_the_budget(
    budget_report, tmp_path
):
    _, dirs = budget_report
    rep = json.loads((dirs["RULE-BUDGET"] / "report.json").read_text())
    (cause,) = rep["broken"]["cause"]
    assert cause["kind"] == "beyond budget" and cause["marked"] == {"r0": [1]}
    md = (dirs["RULE-BUDGET"] / "report.md").read_text()
    assert (
        "**Cause:**" in md and "| S +" in md
    )  # the node beyond the budget, flagged in the table
    assert rep["signature"] == {
        "property": "RULE-BUDGET",
        "rule": "budget",
        "kind": "over budget",
        "cause": "beyond budget",
    }
    # a float32 merge: both values, exact and rounded, in the report
    _, d = _reports(tmp_path, "frontier_float32", ["LEM-C2"])
    md = (d["LEM-C2"] / "report.md").read_text()
    rep = json.loads((d["LEM-C2"] / "report.json").read_text())
    (cause,) = rep["broken"]["cause"]
    assert cause["kind"] == "merge" and cause["format"] == "float32"
    assert "differ exactly but are equal after rounding to float32 (both " in md
    # both exact values, as the cause names them, are in the report
    assert all(
        f"(f = {v})" in md for v in re.findall(r"\(f = ([^)]+)\)", cause["text"])
    )


def test_picture_marks_nodes_beyond_the_budget(tmp_path):
    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "a",
                    "target": "1",
                    "parent": [-1, 0, 1],
                    "prob": ["1", "1/2", "1/4"],
                }
            ],
        }
    )
    path = draw(
        str(tmp_path / "t.png"),
        inst,
        {"a": [0, 1, 2]},
        {"a": [0, 1]},
        title="t",
        beyond={"a": {2}},
    )
    assert Path(path).read_bytes()[:8] == PNG

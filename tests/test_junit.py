"""Machine-readable results of test-solver (verify/report/junit.py): JUnit XML with one
test case per property and a failure per finding, and the run as JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from verify.report.junit import junit_xml, run_json, xml_text
from verify.search.claim_search import COUNTEREXAMPLE
from verify.solver_check import Options, rerun_command, run
from verify.subject.spec import SolverSpec

SPEC = SolverSpec("callable", "tests.quality.planted:frontier_float32")
OPTS = Options(examples=60, claims=("RULE-BUDGET", "THM-P2", "LEM-C2"), max_findings=3)


@pytest.fixture(scope="module")
def the_run():
    return run(SPEC, OPTS)


def test_one_testcase_per_property_and_a_failure_per_finding(the_run):
    root = ET.fromstring(
        junit_xml(the_run, lambda c: rerun_command(SPEC, OPTS, c)).encode()
    )
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"RULE-BUDGET", "THM-P2", "LEM-C2"}
    expected_failures = 0
    for r in the_run.results:
        case = cases[r.claim]
        fails = case.findall("failure")
        findings = (
            (r.findings or [r.counterexample]) if r.verdict == COUNTEREXAMPLE else []
        )
        assert len(fails) == len(findings), r.claim
        expected_failures += len(findings)
        for f, rec in zip(fails, findings):
            assert (
                f.get("message") == rec["condition"]
                and f.get("type") == rec["signature"]["kind"]
            )
            assert (
                f"rerun: {rerun_command(SPEC, OPTS, r.claim)}" in f.text
                and "instance: B=" in f.text
            )
        assert case.find("error") is None and float(case.get("time")) >= 0
    assert expected_failures >= 1, "frontier_float32 should break LEM-C2"
    assert suite.get("failures") == str(expected_failures) == root.get("failures")
    assert suite.get("tests") == "3" and suite.get("errors") == "0"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert (
        props["seed"] == "0"
        and props["solver"] == SPEC.label
        and props["exit_code"] == "1"
    )


def test_inconclusive_is_an_error_and_not_applicable_is_skipped(the_run):
    import dataclasses

    from verify.search.claim_search import INCONCLUSIVE

    r0 = dataclasses.replace(
        the_run.results[0], verdict=INCONCLUSIVE, note="solver timed out \x00 twice"
    )
    fake = dataclasses.replace(
        the_run, results=[r0], skipped=[("APP-B", "needs a strict premise")]
    )
    root = ET.fromstring(junit_xml(fake, lambda c: "rerun").encode())
    suite = root.find("testsuite")
    assert (
        suite.get("errors") == "1"
        and suite.get("skipped") == "1"
        and suite.get("failures") == "0"
    )
    err = suite.find("testcase/error")
    assert (
        err.get("type") == "inconclusive"
        and err.get("message") == "solver timed out \ufffd twice"
    )
    (skipped,) = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert skipped.get("name") == "APP-B" and "strict premise" in skipped.find(
        "skipped"
    ).get("message")


def test_xml_text_replaces_what_xml_cannot_carry():
    assert xml_text("ok \t\n é 😀") == "ok \t\n é 😀"
    assert xml_text("\x01\x1f\ufffe") == "\ufffd\ufffd\ufffd"


def test_json_has_every_result_and_finding(the_run):
    data = json.loads(json.dumps(run_json(the_run)))
    assert (
        data["schema"] == "adaserve-verify/test-solver/1"
        and data["exit_code"] == the_run.exit_code
    )
    assert [r["claim"] for r in data["results"]] == [r.claim for r in the_run.results]
    assert data["solver"] == SPEC.to_json() and data["options"]["seed"] == 0
    assert {"argv", "versions", "written"} <= set(data)


def test_the_command_line_writes_both_files(tmp_path, capsys):
    from verify.commands import cli

    junit, js = tmp_path / "r.xml", tmp_path / "r.json"
    code = cli.main(
        [
            "test-solver",
            "tests.quality.planted:frontier_float32",
            "--examples",
            "40",
            "--claims",
            "LEM-C2,RULE-BUDGET",
            "--jobs",
            "1",
            "--junit",
            str(junit),
            "--json",
            str(js),
        ]
    )
    assert code == 1
    root = ET.parse(junit).getroot()
    assert [c.get("name") for c in root.iter("testcase")] == ["RULE-BUDGET", "LEM-C2"]
    assert (
        root.find("testsuite").get("failures")
        == str(len(list(root.iter("failure"))))
        != "0"
    )
    assert json.loads(js.read_text())["exit_code"] == 1
    assert (
        cli.main(
            ["test-solver", "reference", "--junit", str(tmp_path / "no" / "x.xml")]
        )
        == 2
    )
    assert "--junit" in capsys.readouterr().err


def test_machine_outputs_and_an_audit_without_report_dir_do_not_import_pillow(
    tmp_path,
):
    # Pillow draws the pictures and plots (verify/report/chart.py); matplotlib is not
    # imported at all
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def imported(*args) -> str:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "verify", *args],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=str(root)),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode in (0, 1), out.stderr[-2000:]
        return out.stderr

    err = imported(
        "test-solver",
        "tests.quality.planted:budget_ge0",
        "--examples",
        "40",
        "--claims",
        "RULE-BUDGET",
        "--jobs",
        "1",
        "--junit",
        str(tmp_path / "r.xml"),
        "--json",
        str(tmp_path / "r.json"),
    )
    assert "PIL." not in err and (tmp_path / "r.xml").exists()
    err = imported("audit", "examples/trace.jsonl", "--jobs", "1")
    assert "PIL." not in err
    err = imported(
        "audit",
        "examples/trace.jsonl",
        "--jobs",
        "1",
        "--report-dir",
        str(tmp_path / "rep"),
    )
    assert "PIL.Image" in err  # the check can fail: the plots do import it
    assert "matplotlib" not in err

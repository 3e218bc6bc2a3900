"""Findings you can trust (issue 20 parts 1, 2, 7): the planted selectors of
tests/quality/planted_trust.py, each with the exact outcome it must get."""

import subprocess
import sys
from pathlib import Path

import pytest

from verify.search.claim_search import COUNTEREXAMPLE, VERIFIED
from verify.solver_check import Options, run
from verify.subject.spec import SolverSpec

ROOT = Path(__file__).resolve().parent.parent.parent
PY = sys.executable
pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="selector workers fork (POSIX)"
)


def _run(name, claims, examples, timeout=10.0):
    spec = SolverSpec("callable", f"tests.quality.planted_trust:{name}", timeout)
    return run(spec, Options(examples=examples, claims=tuple(claims)))


def _kinds(out):
    return [rec["signature"]["kind"] for r in out.results for rec in r.findings]


def test_a_first_call_longer_than_the_timeout_is_no_finding_and_the_orphan_is_found(
    monkeypatch,
):
    monkeypatch.setenv("PLANTED_LOAD_SECONDS", "2")
    out = _run("slow_first_orphan", ["APP-B/ties", "RULE-BUDGET"], 300, timeout=1.0)
    ties, budget = out.results
    assert ties.verdict == COUNTEREXAMPLE and _kinds(out) == [
        "not rooted"
    ]  # the real defect, no timeout
    assert ties.findings[0]["confirmation"]["status"] == "confirmed"
    assert (
        budget.verdict == VERIFIED and not ties.unconfirmed and not budget.unconfirmed
    )
    assert out.exit_code == 1


def test_the_same_slow_first_call_without_the_defect_exits_0(monkeypatch):
    monkeypatch.setenv("PLANTED_LOAD_SECONDS", "2")
    out = _run("slow_first_correct", ["APP-B/ties", "RULE-BUDGET"], 100, timeout=1.0)
    assert [r.verdict for r in out.results] == [
        VERIFIED,
        VERIFIED,
    ] and out.exit_code == 0


def test_random_tie_breaks_are_an_intermittent_finding_with_both_answers(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PLANTED_COIN", str(tmp_path / "coin"))
    out = _run("random_ties_orphan", ["APP-B/ties"], 300)
    (res,) = out.results
    assert res.verdict == COUNTEREXAMPLE and _kinds(out) == ["not rooted"]
    conf = res.findings[0]["confirmation"]
    assert (
        conf["status"] == "intermittent"
        and conf["replays"] == 5
        and 0 < conf["reproduced"] < 5
    )
    assert conf["otherwise"] == "passed" and conf["other_answer"]["status"] == "OK"
    assert "replayed: intermittent (reproduced" in out_text(
        out
    ) and "(otherwise)" in out_text(out)


def test_a_failure_no_replay_reproduces_is_not_confirmed_and_never_exit_1(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PLANTED_COIN", str(tmp_path / "count"))
    out = _run("fails_once", ["RULE-FORMAT"], 20)
    (res,) = out.results
    assert res.findings == [] and len(res.unconfirmed) == 1 and out.exit_code == 3
    conf = res.unconfirmed[0]["confirmation"]
    assert conf["status"] == "not confirmed" and (
        conf["reproduced"],
        conf["replays"],
    ) == (0, 5)
    assert "not confirmed: raised (rule: RuntimeError)" in out_text(out)
    assert res.to_json()["not_confirmed"][0]["condition"].startswith(
        "solver raised RuntimeError"
    )


def out_text(out):
    from verify.solver_check import render

    return render(out)


def _cli(*args):
    return subprocess.run(
        [PY, "-m", "verify", "test-solver", *args, "--examples", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_cmd_that_cannot_start_is_a_setup_error_not_findings():
    p = _cli("--cmd", f"{PY} -m tests.quality.planted_trust cannot_start")
    lines = [x for x in p.stderr.splitlines() if x.startswith("error:")]
    assert p.returncode == 2 and p.stdout == "" and len(lines) == 1, p.stderr
    assert (
        "cannot answer a trivial instance" in lines[0]
        and "ModuleNotFoundError" in lines[0]
    )


def test_a_stray_stdout_line_of_a_jsonl_program_is_quoted_as_a_protocol_error():
    p = _cli("--cmd", f"{PY} -m tests.quality.planted_trust jsonl_stray", "--jsonl")
    lines = [x for x in p.stderr.splitlines() if x.startswith("error:")]
    assert p.returncode == 2 and p.stdout == "" and len(lines) == 1, p.stderr
    assert (
        "'model loaded'" in lines[0]
        and "not an answer" in lines[0]
        and "Traceback" not in p.stderr
    )

"""``python -m verify campaign`` (verify/commands/campaign.py, docs/distributed.md).

Against what: the findings a campaign aggregates are compared with the single-seed runs
it is made of (the suite and test-solver, run here directly); deduplication is judged on
known planted bugs whose failure is the same on every seed.
"""

from __future__ import annotations

import json

import pytest

from verify import solver_check as ts
from verify.commands import campaign as C
from verify.commands import cli, suite
from verify.run.executor import make_executor
from verify.subject.spec import SolverSpec


def test_seeds():
    assert C.parse_seeds("2") == ([0, 1], None)
    assert C.parse_seeds("3-3") == ([3], None)
    for bad in ("0", "5-2", "a", "1,,2", "-3"):
        with pytest.raises(ValueError):
            C.parse_seeds(bad)


def test_findings_are_deduplicated_by_signature_and_match_the_single_runs(tmp_path):
    subject = C.Subject(profile="smoke", claims=("RULE-BUDGET",), solver="paper-alg1")
    with make_executor(2) as ex:
        camp = C.run_campaign(subject, [0, 1, 2], 0, None, ex, seeds_text="3")
    singles = [
        suite.run(suite.plan("smoke", s, "paper-alg1", ["RULE-BUDGET"]))[0]
        for s in (0, 1, 2)
    ]
    assert [camp.per_seed[s][0].counterexample for s in (0, 1, 2)] == [
        r.counterexample for r in singles
    ]
    (found,) = (
        camp.findings()
    )  # the printed `while B >= 0`: the same failure on every seed
    assert found.signature == (
        "RULE-BUDGET",
        "paper-alg1",
        "budget: over budget (beyond budget)",
    )
    assert sorted(found.seeds) == [0, 1, 2] and found.must_hold
    assert camp.exit_code == 1  # --solver: must hold
    text = C.render(camp)
    assert "3/3" in text and "3 of 3 tasks done" in text and "exit 1" in text
    data = C.to_json(camp)
    assert [p["complete"] for p in data["per_seed"]] == [True] * 3 and data["findings"][
        0
    ]["seeds"] == [0, 1, 2]
    run_dir, dirs = C.write_reports(str(tmp_path), camp)
    assert list(dirs) == [0] and (tmp_path / run_dir / "campaign.json").exists()
    rep = json.loads(open(f"{dirs[0]}/report.json").read())
    assert rep["rerun"].startswith("python -m verify suite --profile smoke --seed ")


def test_test_solver_mode_and_the_cli(capsys, tmp_path):
    code = cli.main(
        [
            "campaign",
            "--seeds",
            "2",
            "--jobs",
            "2",
            "--json",
            str(tmp_path / "c.json"),
            "test-solver",
            "tests.quality.planted:budget_ge0",
            "--examples",
            "20",
            "--claims",
            "RULE-BUDGET,THM-P1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    data = json.loads((tmp_path / "c.json").read_text())
    assert [f["claim"] for f in data["findings"]] == ["RULE-BUDGET"] and data[
        "findings"
    ][0]["seeds"] == [0, 1]
    single = ts.run(
        SolverSpec("callable", "tests.quality.planted:budget_ge0"),
        ts.Options(examples=20, seed=1, claims=("RULE-BUDGET",)),
    )
    assert (
        data["per_seed"][1]["results"][0]["counterexample"]
        == single.results[0].counterexample
    )
    assert "campaign: test-solver tests.quality.planted:budget_ge0" in out


def test_test_solver_mode_a_task_that_kills_its_workers_is_inconclusive(
    capsys, tmp_path
):
    # the selector kills every pool worker that runs it (its selector worker's parent):
    # the pool gives its task up (TaskFailed), and the campaign must report it as not
    # run (exit 3), not crash on the task's argument tuple
    code = cli.main(
        [
            "campaign",
            "--seeds",
            "1",
            "--jobs",
            "2",
            "--json",
            str(tmp_path / "c.json"),
            "test-solver",
            "tests.common.faulty_tasks:kill_parent_after_warmup",
            "--examples",
            "5",
            "--claims",
            "RULE-BUDGET",
        ]
    )
    out = capsys.readouterr().out
    assert code == 3
    (result,) = json.loads((tmp_path / "c.json").read_text())["per_seed"][0]["results"]
    assert result["claim"] == "RULE-BUDGET" and result["verdict"] == "inconclusive"
    assert result["note"].startswith("not run: killed") and "SIGKILL" in result["note"]
    assert (
        "campaign: test-solver tests.common.faulty_tasks:kill_parent_after_warmup"
        in out
    )


def test_a_time_budget_that_ends_a_finite_list_is_not_a_pass(capsys):
    code = cli.main(
        [
            "campaign",
            "--seeds",
            "0-40",
            "--time-budget",
            "1",
            "--jobs",
            "2",
            "--profile",
            "smoke",
            "--claims",
            "APP-B",
            "--solver",
            "reference",
        ]
    )
    out = capsys.readouterr().out
    assert code == 3 and "stopped by the time budget" in out


@pytest.mark.parametrize(
    "args,words",
    [
        (["--seeds", "0-"], "needs --time-budget"),
        (["--seeds", "x"], "--seeds: expected"),
        (["test-solver", "reference", "--seed", "3"], "not test-solver --seed"),
        (["test-solver", "reference", "--jobs", "2"], "give --jobs before"),
        (["--claims", "APP-B", "test-solver", "reference"], "belong to the suite mode"),
        (["suite"], "unexpected 'suite'"),
    ],
)
def test_usage_errors(capsys, args, words):
    assert cli.main(["campaign", *args]) == 2
    assert words in capsys.readouterr().err


def test_an_open_ended_campaign_that_completes_no_seed_is_inconclusive(capsys):
    # issue 22 item 6: a budget that ends before any seed is done judged nothing: never
    # exit 0
    code = cli.main(
        [
            "campaign",
            "--seeds",
            "0-",
            "--time-budget",
            "0.001",
            "--jobs",
            "2",
            "--profile",
            "smoke",
            "--claims",
            "APP-B",
            "--solver",
            "reference",
        ]
    )
    out = capsys.readouterr().out
    assert code == 3 and "0 seeds complete within the time budget" in out
    assert "nothing judged in full: inconclusive" in out and out.rstrip().endswith(
        "exit 3"
    )


# ------------------------------------------------------------------ one defect, one
# finding (issue 20 part 5, in campaign)


def _over(target: str, selected: list, prop: str) -> dict:
    """An over-budget answer on a one-request instance (target <= 1: one defect)."""
    return {
        "instance": {
            "budget": 0,
            "root_charged": False,
            "requests": [
                {"id": "r0", "target": target, "parent": [-1, 0], "prob": ["1", "1"]}
            ],
        },
        "output": {"status": "OK", "selected": {"r0": selected}},
        "summary": f"B=0 {prop}",
        "condition": "budget: uses 1 non-root nodes (roots free) of budget 0",
        "signature": {
            "property": prop,
            "rule": "budget",
            "kind": "over budget",
            "cause": "none",
        },
    }


def _found(claim: str, seed: int, *recs: dict):
    from verify.search.claim_search import ClaimResult

    return ClaimResult(
        claim,
        "",
        "",
        "sel",
        True,
        C.COUNTEREXAMPLE,
        10,
        0.1,
        seed,
        counterexample=recs[0],
        findings=list(recs),
    )


def _camp(per_seed: dict) -> C.Campaign:
    return C.Campaign(
        C.Subject(),
        str(len(per_seed)),
        "in-process",
        None,
        list(per_seed),
        per_seed,
        {s: [True] * len(rs) for s, rs in per_seed.items()},
        True,
        1.0,
        wanted=list(per_seed),
    )


def test_one_defect_of_several_properties_is_one_campaign_finding():
    camp = _camp(
        {
            0: [  # one defect, found by three properties on one instance
                _found("RULE-BUDGET", 0, _over("1", [0, 1], "RULE-BUDGET")),
                _found("THM-P2", 0, _over("1/2", [1, 0], "THM-P2")),
                _found("LEM-C2", 0, _over("0", [0, 1], "LEM-C2")),
            ],
            1: [  # seed 1: RULE-BUDGET shrank to another instance; THM-P2 alone still
                _found("RULE-BUDGET", 1, _over("2", [0, 1], "RULE-BUDGET")),
                _found("THM-P2", 1, _over("1", [0, 1], "THM-P2")),
            ],
        }
    )
    (f,) = camp.findings()
    assert f.signature == ("RULE-BUDGET", "sel", "budget: over budget")
    assert f.properties == ["RULE-BUDGET", "THM-P2", "LEM-C2"] and f.seeds == [0, 1]
    (js,) = C.to_json(camp)["findings"]
    assert js["properties"] == ["RULE-BUDGET", "THM-P2", "LEM-C2"]
    text = C.render(camp)
    assert "breaks:   RULE-BUDGET, THM-P2, LEM-C2 (one defect, one finding)" in text
    assert "THM-P2 on sel" not in text and camp.exit_code == 1
    # two instances (a target above 1 is another): two findings, one property each
    camp = _camp(
        {
            0: [
                _found("RULE-BUDGET", 0, _over("2", [0, 1], "RULE-BUDGET")),
                _found("THM-P2", 0, _over("1", [0, 1], "THM-P2")),
            ]
        }
    )
    assert [f.properties for f in camp.findings()] == [["RULE-BUDGET"], ["THM-P2"]]


def test_campaign_reports_budget_0_ignored_once_for_every_property(capsys, tmp_path):
    code = cli.main(
        [
            "campaign",
            "--seeds",
            "2",
            "--json",
            str(tmp_path / "c.json"),
            "--report-dir",
            str(tmp_path / "r"),
            "test-solver",
            "tests.quality.planted:budget_ge0",
            "--examples",
            "60",
            "--claims",
            "RULE-BUDGET,THM-P2,LEM-C2",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    data = json.loads((tmp_path / "c.json").read_text())
    over = [f for f in data["findings"] if "over budget" in f["kind"]]
    assert len(over) == 1 and over[0]["claim"] == "RULE-BUDGET"
    assert set(over[0]["properties"]) == {"RULE-BUDGET", "THM-P2", "LEM-C2"}
    assert out.count("budget: over budget") == 1 and "THM-P2 on " not in out
    assert "(one defect, one finding)" in out
    (page,) = (tmp_path / "r").glob("*/index.html")
    assert ", ".join(over[0]["properties"]) in page.read_text()

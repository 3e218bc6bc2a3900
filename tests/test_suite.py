"""The suite's plan, seeds, class table and exit codes (verify/commands/suite.py,
verify/search/claim_search.py).

The table and the codes of real runs are pinned by golden files
(tests/test_cli_golden.py); these tests pin the rules behind them.
"""

from collections import Counter

from solver.registry import get_solver
from verify.commands.suite import PAPER_VARIANTS, exit_code, plan, render_table
from verify.search.claim_search import (
    COUNTEREXAMPLE,
    INCONCLUSIVE,
    VERIFIED,
    ClaimResult,
    case_seed,
    run_claim,
    sample_classes,
)
from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES


def _result(
    claim="THM-P2", verdict=VERIFIED, must_hold=True, classes=None, axis_cases=None
):
    return ClaimResult(
        claim,
        "p",
        "m",
        "reference",
        must_hold,
        verdict,
        1,
        0.0,
        0,
        Counter(classes or {}),
        axis_cases=Counter(axis_cases or {}),
    )


def test_plan_runs_every_claim_once_per_subject_and_the_oracles_once():
    jobs = plan("quick")
    per_solver = [c.id for c in CLAIMS if c.per_solver]
    assert [j.claim for j in jobs if j.solver == "reference"] == per_solver
    for name in PAPER_VARIANTS:
        assert [j.claim for j in jobs if j.solver == name] == per_solver
        assert not any(j.must_hold for j in jobs if j.solver == name)
    tree_level = [j for j in jobs if j.solver is None]
    assert [j.claim for j in tree_level] == [c.id for c in CLAIMS if not c.per_solver]
    assert {j.claim for j in tree_level if j.must_hold} == {
        "THM-3.1",
        "THM-4.1",
        "ORACLES",
    }
    assert all(j.root_charged for j in jobs if j.solver == "paper-alg2")
    assert not [
        j for j in plan("quick", solver="float-greedy") if j.solver is None
    ]  # --solver: no tree claims


def test_oracles_runs_the_profiles_oracle_examples():
    for p in PROFILES.values():
        assert CLAIMS_BY_ID["ORACLES"].examples(p) == p.oracle_examples
        assert CLAIMS_BY_ID["THM-P2"].examples(p) == p.examples


def test_claims_draw_their_own_cases_and_solvers_share_them():
    assert len({case_seed(c.id, 0) for c in CLAIMS}) == len(CLAIMS)
    assert case_seed("THM-P1", 1) != case_seed("THM-P1", 0)
    # RULE-BUDGET and RULE-TARGET have the same strategy but not the same cases
    a = sample_classes(CLAIMS_BY_ID["RULE-BUDGET"], PROFILES["smoke"], seed=0)
    b = sample_classes(CLAIMS_BY_ID["RULE-TARGET"], PROFILES["smoke"], seed=0)
    assert a != b


def test_sampled_labels_are_what_a_run_that_holds_counts():
    claim = CLAIMS_BY_ID["RULE-FORMAT"]
    for solver in (
        "reference",
        "float-greedy",
    ):  # float-greedy too: same cases for every solver
        res = run_claim(
            claim,
            PROFILES["smoke"],
            solver_name=solver,
            solver=get_solver(solver),
            seed=3,
        )
        assert res.verdict == VERIFIED
        assert (res.classes, res.axis_cases) == sample_classes(
            claim, PROFILES["smoke"], seed=3
        )


def test_exit_codes():
    assert exit_code([_result()]) == 0
    assert (
        exit_code([_result(), _result(verdict=COUNTEREXAMPLE, must_hold=False)]) == 0
    )  # a finding
    assert exit_code([_result(verdict=COUNTEREXAMPLE)]) == 1
    assert exit_code([_result(verdict=INCONCLUSIVE)]) == 3
    assert (
        exit_code([_result(verdict=INCONCLUSIVE, must_hold=False)]) == 3
    )  # never a pass either
    assert (
        exit_code([_result(verdict=INCONCLUSIVE), _result(verdict=COUNTEREXAMPLE)]) == 1
    )


def test_class_table_flags_shares_under_5_percent_and_missing_classes():
    res = _result(
        classes={
            "prob:grid": 100,
            "prob:strict": 4,
            "prob:decimal": 5,
            "prob:float32": 5,
            "prob:float16": 5,
            "prob:bfloat16": 5,
            "prob:near-one": 6,
            "prob:close-siblings": 7,
            "roots:free": 100,
        },
        axis_cases={"prob": 100, "roots": 100},
    )
    text = render_table([res], "smoke", 0, 1.0)
    assert (
        "  prob: bfloat16 5%, close-siblings 7%, decimal 5%, float16 5%, float32 5%,"
        " grid 100%, near-one 6%, strict 4%(!), underflow 0%(!)" in text
    )
    assert "  roots: charged 0%(!), free 100%" in text


def test_values_restricts_the_classes_and_skips_claims_it_leaves_without_any():
    import io

    from verify.commands.suite import main_suite

    out, err = io.StringIO(), io.StringIO()
    code = main_suite(
        "smoke",
        0,
        "reference",
        1,
        None,
        ["APP-B", "APP-B/ties"],
        out=out,
        err=err,
        values=("grid",),
    )
    text = out.getvalue()
    assert code == 0, err.getvalue()
    assert "value classes: grid" in text and "not run: APP-B: --values grid" in text
    assert "prob: bfloat16 0%" in text and "grid 100%" in text

"""The ORACLES claim (verify/search/properties.py check_oracles): the judges judged.

The three exact methods (tree DP, Z3, brute force over all combinations) must
agree on status and optimum, and every selection they return must pass the
feasibility checker.  Each test plants one fault in one oracle and expects the
claim to catch it; a Z3 timeout must make the claim (and the suite) inconclusive.
"""

import io
from fractions import Fraction

from solver.errors import Inconclusive
from solver.parse import parse_instance
from solver.selection import make_invalid, make_ok
from verify.commands.suite import main_suite
from verify.oracles import brute, dp
from verify.oracles.z3 import encoding as z3_encoding
from verify.search import properties as prop
from verify.search.claim_search import COUNTEREXAMPLE, INCONCLUSIVE, VERIFIED, run_claim
from verify.search.claims import CLAIMS_BY_ID, PROFILES

ORACLES = CLAIMS_BY_ID["ORACLES"]

# greedy is not optimal here (SPEC section 3, item 8): a zero-valued node guards a 1
NONMONO = parse_instance(
    {
        "budget": 2,
        "requests": [
            {"id": "a", "target": 1, "parent": [-1, 0, 1, 0], "prob": [1, 0, 1, "1/2"]}
        ],
    },
    allow_nonmonotone=True,
)
INFEASIBLE = parse_instance(
    {
        "budget": 2,
        "root_charged": True,
        "requests": [
            {"id": "a", "target": "3/2", "parent": [-1, 0], "prob": [1, "1/2"]},
            {"id": "b", "target": 1, "parent": [-1], "prob": [1]},
        ],
    }
)


def test_oracles_agree_on_a_nonmonotone_and_an_infeasible_instance():
    assert prop.check_oracles(None, NONMONO) is None
    answers = prop.oracle_answers(NONMONO)
    assert set(answers) == {"tree DP", "Z3", "all combinations"}
    assert {a.objective for a in answers.values()} == {
        Fraction(2)
    }  # nodes 1 and 2, not the 1/2 leaf
    assert prop.check_oracles(None, INFEASIBLE) is None
    assert {a.status for a in prop.oracle_answers(INFEASIBLE).values()} == {"INVALID"}


def test_brute_force_is_left_out_above_its_limit():
    big = parse_instance(
        {
            "budget": 3,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": [-1] + [0] * (brute.LIMIT - 1),
                    "prob": [1] + ["1/2"] * (brute.LIMIT - 1),
                },
                {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "1/3"]},
            ],
        }
    )
    assert set(prop.oracle_answers(big)) == {"tree DP", "Z3"}
    assert prop.check_oracles(None, big) is None


def test_a_wrong_optimum_is_a_disagreement(monkeypatch):
    real = dp.solve_dp

    def worse(inst):  # an answer that is feasible but not optimal
        sel = real(inst)
        return (
            make_ok(inst, {r: s[:1] for r, s in sel.selected.items()})
            if sel.ok
            else sel
        )

    monkeypatch.setattr(dp, "solve_dp", worse)
    fail = prop.check_oracles(None, NONMONO)
    assert fail is not None and "disagree" in fail.condition
    assert (
        "tree DP 1" in fail.condition
        and "Z3 2" in fail.condition
        and "all combinations 2" in fail.condition
    )


def test_a_wrong_invalid_is_a_disagreement(monkeypatch):
    monkeypatch.setattr(
        z3_encoding, "solve_z3", lambda inst, timeout=None: make_invalid("planted")
    )
    fail = prop.check_oracles(None, NONMONO)
    assert fail is not None and "Z3 INVALID" in fail.condition


def test_an_infeasible_selection_is_caught_even_if_all_oracles_agree(monkeypatch):
    # every oracle answers the whole tree: budget 2 is exceeded; agreement is not enough
    whole = lambda inst, *a, **k: make_ok(
        inst, {r.id: range(len(r.tree)) for r in inst.requests}
    )
    monkeypatch.setattr(dp, "solve_dp", whole)
    monkeypatch.setattr(z3_encoding, "solve_z3", whole)
    fail = prop.check_oracles(None, NONMONO)
    assert (
        fail is not None
        and "fails the checker" in fail.condition
        and "budget" in fail.condition
    )


def test_oracles_claim_holds_on_generated_cases_including_nonmonotone_and_invalid():
    res = run_claim(ORACLES, PROFILES["smoke"], seed=0)
    assert res.verdict == VERIFIED and res.cases == PROFILES["smoke"].oracle_examples
    assert res.classes["scores:nonmonotone"] > 0 and res.classes["oracles:tiny"] > 0
    assert res.classes["roots:charged"] > 0 and res.classes["roots:free"] > 0
    assert (
        res.classes["target:beyond-mass"] + res.classes["budget:one-less"] > 0
    )  # INVALID-prone


def test_planted_oracle_bug_is_a_must_hold_counterexample(monkeypatch):
    real = dp.solve_dp
    monkeypatch.setattr(
        dp,
        "solve_dp",
        lambda inst: make_invalid("planted") if inst.requests else real(inst),
    )
    res = run_claim(ORACLES, PROFILES["smoke"], seed=0)
    assert (
        res.verdict == COUNTEREXAMPLE and "disagree" in res.counterexample["condition"]
    )


def _z3_times_out(calls_before_timeout=0):
    state = {"calls": 0}
    real = z3_encoding.solve_z3

    def solve(inst, timeout=None):
        state["calls"] += 1
        if state["calls"] > calls_before_timeout:
            raise Inconclusive("Z3: timeout (planted)")
        return real(inst, timeout=timeout)

    return solve


def test_z3_timeout_makes_the_claim_inconclusive(monkeypatch):
    monkeypatch.setattr(z3_encoding, "solve_z3", _z3_times_out())
    res = run_claim(ORACLES, PROFILES["smoke"], seed=0)
    assert res.verdict == INCONCLUSIVE and "timeout (planted)" in res.note


def test_a_single_undecided_case_is_not_dropped(monkeypatch):
    # Z3 decides every case but the 5th: the claim is still not verified
    real = z3_encoding.solve_z3
    state = {"n": 0}

    def once(inst, timeout=None):
        state["n"] += 1
        if state["n"] == 5:
            raise Inconclusive("Z3: unknown (planted, once)")
        return real(inst, timeout=timeout)

    monkeypatch.setattr(z3_encoding, "solve_z3", once)
    res = run_claim(ORACLES, PROFILES["smoke"], seed=0)
    assert res.verdict == INCONCLUSIVE and res.note.startswith("1 cases undecided")


def test_suite_exit_code_is_3_when_z3_times_out(monkeypatch):
    monkeypatch.setattr(z3_encoding, "solve_z3", _z3_times_out())
    out = io.StringIO()
    code = main_suite(
        "smoke", 0, None, 1, None, ["ORACLES"], out=out, err=io.StringIO()
    )
    assert code == 3
    assert "ORACLES" in out.getvalue() and "inconclusive" in out.getvalue()
    assert (
        "must-hold claims: 0 verified, 0 counterexample, 1 inconclusive (of 1)"
        in out.getvalue()
    )

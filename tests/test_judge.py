"""The fast judge (verify/checks/judge.py): certificate path on monotone inputs, DP
otherwise.

Every verdict must be the one the judge gave before issue 15 (DP of
tests/common/dp_quadratic.py, no certificate), on generated instances with
generated answers: feasible, unrooted, over budget, INVALID.
"""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.parse import parse_instance
from solver.selection import INVALID, OK, Selection
from tests.common import dp_quadratic
from tests.common.brute import rooted_subtrees
from tests.common.strategies import instances
from verify.checks import judge as J


@st.composite
def answers(draw, instance):
    """A selection for ``instance``: rooted subtrees, sometimes with a stray node, or
    INVALID."""
    if draw(st.integers(0, 9)) == 0:
        return Selection(INVALID, reason="recorded")
    selected = {}
    for r in instance.requests:
        nodes = set(draw(st.sampled_from(rooted_subtrees(r.tree))))
        if draw(st.integers(0, 5)) == 0:
            nodes.add(draw(st.integers(0, len(r.tree) - 1)))  # maybe an orphan
        selected[r.id] = tuple(sorted(nodes))
    return Selection(OK, selected, None)


def _old_judge(instance, selection, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(J, "certified_optimum", lambda inst, numbers="auto": None)
        m.setattr(
            J, "dp_optimum", lambda inst, method="auto", numbers="auto": _old_dp(inst)
        )
        return J.judge(instance, selection, use_z3=False)


def _old_dp(instance):
    sel = dp_quadratic.solve_dp(instance)
    return (
        J.Oracle(True, sel.objective, sel, J.DP)
        if sel.ok
        else J.Oracle(False, None, None, J.DP)
    )


@settings(max_examples=300)
@given(
    st.one_of(
        instances(monotone=True, max_requests=3, max_nodes=6),
        instances(monotone=False, max_requests=3, max_nodes=6),
    ),
    st.data(),
)
def test_verdicts_are_those_of_the_quadratic_dp(instance, data):
    selection = data.draw(answers(instance))
    with pytest.MonkeyPatch.context() as mp:
        before = _old_judge(instance, selection, mp)
    now = J.judge(instance, selection, use_z3=False)
    assert now.kind == before.kind and now.optimum == before.optimum
    if (
        now.kind != J.WRONG_INVALID
    ):  # the feasible selection shown may be another optimal one
        assert now.text == before.text
    assert now.method == (
        J.CERTIFICATE
        if instance.is_monotone() and now.kind != J.INFEASIBLE
        else None
        if now.kind == J.INFEASIBLE
        else J.DP
    )


EX = parse_instance(
    {
        "budget": 3,
        "requests": [
            {
                "id": "r0",
                "target": "1.6",
                "parent": [-1, 0, 0, 1],
                "prob": ["1", "0.7", "0.2", "0.42"],
            },
            {"id": "r1", "target": 1, "parent": [2, -1, 1], "cond": ["1/2", 1, 0.5]},
        ],
    }
)


def test_kinds_are_stable_names():
    assert J.KINDS == (
        "optimal",
        "invalid-confirmed",
        "suboptimal",
        "infeasible",
        "wrong-invalid",
        "wrong-objective",
        "declined",
        "oracle-fault",
        "inconclusive",
    )
    v = J.judge(EX, Selection(OK, {"r0": (0, 1), "r1": (1,)}, None), use_z3=False)
    assert (v.kind, v.text, v.objective, v.optimum) == (
        "suboptimal",
        "suboptimal: objective 27/10, optimum 181/50",
        F(27, 10),
        F(181, 50),
    )
    assert (
        J.judge(EX, Selection(INVALID, reason="x"), use_z3=False).kind
        == "wrong-invalid"
    )


def test_a_rejected_certificate_sends_the_input_to_the_tree_dp(monkeypatch):
    import verify.checks.certificate as C

    monkeypatch.setattr(
        C, "certificate_problems", lambda inst, sel, numbers="auto": ["planted"]
    )
    v = J.judge(EX, Selection(OK, {"r0": (0, 1, 3), "r1": (1, 2)}, None), use_z3=False)
    assert (v.kind, v.method, v.optimum) == ("optimal", "dp", F(181, 50))


def test_z3_confirmation_is_named_in_the_method():
    v = J.judge(EX, Selection(OK, {"r0": (0, 1, 3), "r1": (1, 2)}, None))
    assert (v.kind, v.method) == ("optimal", "certificate+z3")


def test_non_monotone_inputs_are_judged_by_the_dp():
    inst = parse_instance(
        {
            "budget": 2,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": [-1, 0, 1, 0],
                    "prob": [1, 0, 1, "1/2"],
                }
            ],
        },
        allow_nonmonotone=True,
    )
    v = J.judge(
        inst, Selection(OK, {"a": (0, 3)}, None), use_z3=False
    )  # what the greedy takes first
    assert (v.kind, v.method, v.optimum) == ("suboptimal", "dp", F(2))


def test_an_optimal_answer_is_proven_by_its_own_certificate_without_the_dp(
    monkeypatch,
):
    """On monotone inputs the judged answer's own certificate proves it optimal:
    the DP runs only when its optimal selection is asked for, and that is the
    selection the full path shows."""
    import verify.oracles.dp as D

    answer = Selection(OK, {"r0": (0, 1, 3), "r1": (1, 2)}, F(181, 50))
    calls = []
    real = D.solve_dp
    monkeypatch.setattr(D, "solve_dp", lambda *a, **k: calls.append(1) or real(*a, **k))
    v = J.judge(EX, answer, use_z3=False)
    assert (v.kind, v.text, v.optimum, v.objective, v.method) == (
        "optimal",
        "optimal",
        F(181, 50),
        F(181, 50),
        "certificate",
    )
    assert calls == []
    assert v.optimal == J.judge(EX, answer, use_z3=False, numbers="fraction").optimal
    assert calls == [1, 1]
    assert v == J.judge(EX, answer, use_z3=False)


@settings(max_examples=200)
@given(instances(monotone=True, max_requests=3, max_nodes=6), st.data())
def test_the_shortcut_shows_the_optimal_selection_the_dp_path_shows(instance, data):
    selection = data.draw(answers(instance))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(J, "_proven_optimal", lambda *a: None)
        before = J.judge(instance, selection, use_z3=False)
    now = J.judge(instance, selection, use_z3=False)
    assert now == before and now.optimal == before.optimal


def test_a_suboptimal_or_misstated_answer_is_not_proven_by_its_certificate():
    v = J.judge(EX, Selection(OK, {"r0": (0, 1, 3), "r1": (1, 2)}, F(3)), use_z3=False)
    assert v.kind == "wrong-objective"
    v = J.judge(EX, Selection(OK, {"r0": (0, 1), "r1": (1,)}, None), use_z3=False)
    assert (v.kind, v.optimal["objective"]) == ("suboptimal", "181/50")


@settings(max_examples=300)
@given(
    instances(monotone=True, max_requests=3, max_nodes=6),
    st.data(),
    st.sampled_from([None, "drop", -1, "size", True, "1", 1.0, "dup"]),
)
def test_malformed_answers_are_judged_as_without_the_shortcut(instance, data, fault):
    """The answer's own certificate is built from the answer as given: a missing
    request or an entry that is not a node must end in the usual verdict."""
    selection = data.draw(answers(instance))
    if selection.status == OK and instance.requests and fault is not None:
        sets = {r: list(s) for r, s in selection.selected.items()}
        victim = instance.requests[-1]
        if fault == "drop":
            del sets[victim.id]
        elif fault == "dup":
            sets[victim.id].append(sets[victim.id][0])
        else:
            bad = len(victim.tree) if fault == "size" else fault
            sets[victim.id].append(bad)
        selection = Selection(OK, sets, selection.objective)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(J, "_proven_optimal", lambda *a: None)
        before = J.judge(instance, selection, use_z3=False)
    now = J.judge(instance, selection, use_z3=False)
    assert now == before

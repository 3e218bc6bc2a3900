"""The reference greedy on hand-made cases, including each case of SPEC section 3.

Expected answers are worked out by hand in the comments; the random comparison
against the DP and brute force lives in test_dp.py.
"""

from fractions import Fraction as F

import pytest

from solver.feasibility import violations
from solver.parse import parse_instance
from solver.reference import solve_reference


def inst(budget, *reqs, charged=False):
    return parse_instance(
        {
            "budget": budget,
            "root_charged": charged,
            "requests": [
                {"id": rid, "target": str(t), "parent": parent, key: vals}
                for rid, t, parent, key, vals in reqs
            ],
        }
    )


def sel_of(i):
    s = solve_reference(i)
    if s.ok:
        assert violations(i, s.selected, s.objective) == []
    return s


def test_empty_instance_is_ok_with_nothing_selected():
    s = sel_of(inst(5))
    assert s.ok and dict(s.selected) == {} and s.objective == 0


def test_budget_zero_roots_only_when_targets_le_1():
    s = sel_of(inst(0, ("a", 1, [-1, 0], "prob", ["1", "0.9"])))
    assert s.ok and s.selected["a"] == (0,) and s.objective == 1


def test_throughput_spends_exactly_the_remaining_budget():
    # values 0.9, 0.8, 0.5 (a chain 0.9 -> 0.5 plus a sibling 0.8); budget 2 takes 0.9
    # and 0.8
    s = sel_of(inst(2, ("a", 1, [-1, 0, 1, 0], "prob", ["1", "0.9", "0.5", "0.8"])))
    assert s.selected["a"] == (0, 1, 3) and s.objective == F(27, 10)


def test_stops_when_no_candidate_left():
    s = sel_of(inst(10, ("a", 1, [-1, 0], "prob", ["1", "0.3"])))
    assert s.selected["a"] == (0, 1) and s.certificate["all_nodes_selected"] is True


def test_tie_order_larger_f_then_depth_then_request_then_index():
    # a: node 1 (depth 1, f 1/2) and node 3 (depth 2 under node 2 whose f is 1/2 too...
    # )
    # tree a: 0 -> 2 (f 1/2) -> 1 (f 1/2, cond 1); 0 -> 3 (f 1/2). Budget 1: the shallow
    # frontier nodes 2 and 3 tie at depth 1; index order picks 2.
    s = sel_of(inst(1, ("a", 1, [-1, 2, 0, 0], "prob", ["1", "1/2", "1/2", "1/2"])))
    assert s.selected["a"] == (0, 2)
    # with budget 2 the next picks tie at f 1/2: node 3 (depth 1) beats node 1 (depth 2)
    s = sel_of(inst(2, ("a", 1, [-1, 2, 0, 0], "prob", ["1", "1/2", "1/2", "1/2"])))
    assert s.selected["a"] == (0, 2, 3)
    # across requests, equal f and depth: the earlier request wins
    s = sel_of(
        inst(
            1,
            ("a", 1, [-1, 0], "prob", ["1", "1/2"]),
            ("b", 1, [-1, 0], "prob", ["1", "1/2"]),
        )
    )
    assert s.selected == {"a": (0, 1), "b": (0,)}


def test_spec3_item3_cond_one_child_stays_rooted():
    # cond exactly 1 makes f(child) = f(parent) = 0.6 (nodes 2 -> 1): a GetTop over all
    # unselected nodes with index ties would take node 1 first (orphan); the frontier
    # cannot.
    i = inst(1, ("a", 1, [-1, 2, 0], "cond", ["1", "1", "0.6"]))
    s = sel_of(i)
    assert s.selected["a"] == (0, 2)


def test_spec3_item3_zero_probability_subtrees():
    # a zero-probability subtree (0 -> 1 (0) -> 2 (0)) beside 0 -> 3 (1/4); budget 3
    # takes all
    i = inst(3, ("a", 1, [-1, 0, 1, 0], "cond", ["1", "0", "1/2", "1/4"]))
    s = sel_of(i)
    assert s.selected["a"] == (0, 1, 2, 3) and s.objective == F(5, 4)


def test_spec3_item4_exact_target_test():
    # 1 + 0.4 + 0.2 = 1.6 exactly reaches the target with 2 nodes (IEEE double says
    # 1.5999...)
    i = inst(2, ("a", "1.6", [-1, 0, 0], "prob", ["1", "0.4", "0.2"]))
    s = sel_of(i)
    assert s.ok and s.selected["a"] == (0, 1, 2) and s.certificate["quotas"]["a"] == 2


def test_spec3_item6_unreachable_target_is_invalid():
    # mass 1 + 0.5 = 1.5 < 1.6
    s = sel_of(inst(5, ("a", "1.6", [-1, 0], "prob", ["1", "0.5"])))
    assert s.status == "INVALID" and "exceeds the tree's total mass 3/2" in s.reason
    assert s.certificate["min_counts"] == {"a": "unreachable"}


def test_minimal_counts_over_budget_is_invalid():
    # a needs 0.7 + 0.2 (2 nodes) for 1.9 > 1.7; b needs 1 node; budget 2 < 3
    s = sel_of(
        inst(
            2,
            ("a", "1.9", [-1, 0, 0], "prob", ["1", "0.7", "0.2"]),
            ("b", "1.5", [-1, 0], "prob", ["1", "0.5"]),
        )
    )
    assert s.status == "INVALID" and s.certificate["sum_min_counts"] == 3
    assert s.certificate["min_counts"] == {"a": 2, "b": 1}


@pytest.mark.parametrize(
    "budget,objective", [(2, F(2)), (3, F(5, 2)), (4, F(11, 4)), (9, F(11, 4))]
)
def test_roots_charged_convention(budget, objective):
    # two requests with targets <= 1; roots cost 2 units, the rest buys 0.5 then 0.25
    i = inst(
        budget,
        ("a", 1, [-1, 0], "prob", ["1", "0.5"]),
        ("b", 1, [-1, 0], "prob", ["1", "0.25"]),
        charged=True,
    )
    s = sel_of(i)
    assert s.ok and s.objective == objective


def test_roots_charged_more_requests_than_budget_is_invalid():
    i = inst(
        1, ("a", 1, [-1], "prob", ["1"]), ("b", 1, [-1], "prob", ["1"]), charged=True
    )
    s = sel_of(i)
    assert s.status == "INVALID" and s.certificate["node_budget"] == -1


def test_slo_phase_uses_frontier_order_not_global_order():
    # target 1.9 on 0 -> 1 (0.9) -> 2 (0.85) and 0 -> 3 (0.5): the greedy takes 0.9,
    # 0.85
    s = sel_of(
        inst(2, ("a", "2.75", [-1, 0, 1, 0], "prob", ["1", "0.9", "0.85", "0.5"]))
    )
    assert s.selected["a"] == (0, 1, 2) and s.objective == F(55, 20)


def test_nonmonotone_input_gets_no_optimality_certificate():
    i = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": [-1, 0, 1],
                    "prob": ["1", "0.1", "0.9"],
                }
            ],
        },
        allow_nonmonotone=True,
    )
    s = solve_reference(i)
    assert s.ok and s.certificate is None

"""The paper-literal variants reproduce each defect of SPEC section 3 on hand-made
instances.

Expected values are worked out by hand in the comments; every answer is judged
by the exact feasibility checker, never by comparing node sets with a solver.
"""

from fractions import Fraction as F

import pytest

from solver.feasibility import violations
from solver.paper import solve_float_greedy, solve_paper_alg1, solve_paper_alg2
from solver.parse import parse_instance
from solver.reference import solve_reference
from solver.registry import get_solver


def inst(budget, *requests, root_charged=False):
    """requests: (id, target, parent, prob) tuples; numbers as exact strings."""
    return parse_instance(
        {
            "budget": budget,
            "root_charged": root_charged,
            "requests": [
                {"id": rid, "target": t, "parent": p, "prob": f}
                for rid, t, p, f in requests
            ],
        }
    )


def rules(instance, sel):
    assert sel.status == "OK"
    return sorted({v.rule for v in violations(instance, sel.selected, sel.objective)})


def non_root_count(instance, sel):
    return sum(len(nodes) - 1 for nodes in sel.selected.values())


def test_registry_points_here():
    assert get_solver("paper-alg1") is solve_paper_alg1
    assert get_solver("paper-alg2") is solve_paper_alg2
    assert get_solver("float-greedy") is solve_float_greedy


# ---------------------------------------------------------------- item 1: `while B >=
# 0`


def test_alg1_throughput_loop_spends_one_node_over_budget():
    # budget 1, target 1 met by the root; children 0.5, 0.3.
    # printed loop: B=1 take 0.5 -> B=0, B>=0 take 0.3 -> B=-1: 2 nodes > budget 1.
    i = inst(1, ("r", 1, [-1, 0, 0], [1, "0.5", "0.3"]))
    sel = solve_paper_alg1(i)
    assert non_root_count(i, sel) == 2
    assert rules(i, sel) == ["budget"]
    assert sel.objective == F(9, 5)  # 1 + 0.5 + 0.3
    ref = solve_reference(i)
    assert rules(i, ref) == [] and ref.objective == F(3, 2)  # 1 + 0.5


# ---------------------------------------------------------------- item 3: ties, orphans


@pytest.mark.parametrize(
    "value", ["0.5", "0"]
)  # cond exactly 1 (0.5 == 0.5), and 0 == 0
def test_alg1_tie_picks_child_before_parent(value):
    # node 2 is the root's child, node 1 is node 2's child, f(1) == f(2).
    # budget 0: the throughput loop still runs once (B = 0 >= 0); GetTop over all
    # unselected nodes ties f(1) == f(2) and takes the smaller index 1: an orphan.
    parent = [-1, 2, 0]
    i = inst(0, ("r", 1, parent, [1, value, value]))
    assert i.is_monotone() and not i.is_monotone(strict=True)
    sel = solve_paper_alg1(i)
    assert sel.selected["r"] == (0, 1)
    assert rules(i, sel) == ["budget", "rooted"]
    assert not i.request("r").tree.is_rooted(sel.selected["r"])
    # budget 2 (no overspend possible: only 2 non-root nodes) still adds 1 before 2,
    # so the final set is rooted: the orphan is a transient state there.
    j = inst(2, ("r", 1, parent, [1, value, value]))
    assert rules(j, solve_paper_alg1(j)) == []


def test_alg1_tie_orphan_in_slo_phase_with_exact_budget():
    # budget 2.  a: target 1.5; node 2 is the root's child, node 1 its child, f = 0.5
    # each.
    # SLO: a takes node 1 (tie 0.5 == 0.5, smaller index) -> acc 1.5, B = 1.
    # throughput: b's 0.9 (B = 0), then `B >= 0`: b's 0.6 beats a's 0.5 (B = -1).
    # a = {0, 1}: node 1 without its parent 2, and 3 nodes > budget 2.
    i = inst(
        2,
        ("a", "1.5", [-1, 2, 0], [1, "0.5", "0.5"]),
        ("b", 1, [-1, 0, 0], [1, "0.9", "0.6"]),
    )
    sel = solve_paper_alg1(i)
    assert sel.selected["a"] == (0, 1)
    assert rules(i, sel) == ["budget", "rooted"]
    # the reference (frontier GetTop, exact budget): a = {0, 2} (1.5), b = {0, 1} (1.9)
    ref = solve_reference(i)
    assert rules(i, ref) == [] and ref.objective == F(3, 2) + F(19, 10)


# ---------------------------------------------------------------- item 4: floating
# point


def test_float_greedy_invalid_where_exact_feasible():
    # target 1.6, siblings 0.4, 0.2, 0.1, budget 2.
    # exact: 1 + 0.4 + 0.2 = 1.6 >= 1.6 with 2 nodes: feasible.
    # float: 1.0 + 0.4 + 0.2 = 1.5999999999999999 < 1.6: needs 3 nodes > 2: INVALID.
    assert 1.0 + 0.4 + 0.2 < 1.6
    i = inst(2, ("r", "1.6", [-1, 0, 0, 0], [1, "0.4", "0.2", "0.1"]))
    ref = solve_reference(i)
    assert rules(i, ref) == [] and ref.objective == F(8, 5)
    assert solve_float_greedy(i).status == "INVALID"


def test_float_greedy_takes_an_extra_node():
    # as above plus request b with one node 0.9; budget 3.
    # exact: a takes 0.4, 0.2 (1.6), throughput gives b its 0.9: 1.6 + 1.9 = 3.5.
    # float: a takes 0.4, 0.2, 0.1 (float 1.7), budget gone: 1.7 + 1 = 2.7, feasible but
    # worse.
    i = inst(
        3,
        ("a", "1.6", [-1, 0, 0, 0], [1, "0.4", "0.2", "0.1"]),
        ("b", 1, [-1, 0], [1, "0.9"]),
    )
    ref, flt = solve_reference(i), solve_float_greedy(i)
    assert rules(i, ref) == [] and ref.objective == F(7, 2)
    assert rules(i, flt) == [] and flt.objective == F(27, 10)
    assert len(flt.selected["a"]) - 1 == 3


def test_float_greedy_agrees_on_dyadic_values():
    # 1/2, 1/4, 1/8 are exact in binary: same optimum 1 + 1/2 + 1/4 = 7/4 with budget 2.
    i = inst(2, ("r", "1.75", [-1, 0, 1, 0], [1, "0.5", "0.25", "0.125"]))
    assert solve_float_greedy(i).objective == solve_reference(i).objective == F(7, 4)


# ---------------------------------------------------------------- item 6: unreachable
# target


def test_unreachable_target_is_invalid():
    # mass 1 + 0.5 + 0.25 = 1.75 < target 2, budget 10: no selection can reach it.
    i = inst(10, ("r", 2, [-1, 0, 1], [1, "0.5", "0.25"]))
    assert i.requests[0].tree.mass == F(7, 4)
    for solve in (solve_paper_alg1, solve_reference, solve_float_greedy):
        sel = solve(i)
        assert sel.status == "INVALID", solve.__name__
    assert "GetTop on an empty set" in solve_paper_alg1(i).reason


def test_alg1_invalid_when_targets_exceed_budget_and_roots_unpayable():
    # a needs 0.5 + 0.4 (2 nodes for 1.9 >= 1.8), b needs 1 node: 3 > budget 2.
    i = inst(
        2,
        ("a", "1.8", [-1, 0, 0], [1, "0.5", "0.4"]),
        ("b", "1.5", [-1, 0], [1, "0.5"]),
    )
    assert solve_paper_alg1(i).status == solve_reference(i).status == "INVALID"
    # roots charged, budget 1 < 2 roots: node budget -1
    j = inst(1, ("a", 1, [-1], [1]), ("b", 1, [-1], [1]), root_charged=True)
    assert solve_paper_alg1(j).status == solve_reference(j).status == "INVALID"


# ---------------------------------------------------------------- where the printed
# alg1 is fine


def test_alg1_matches_reference_when_everything_fits():
    # strictly monotone, distinct values, budget 10 >= 5 non-root nodes: both take every
    # node.
    # total = 1 + .9 + .5 + .3 + .2 (a) + 1 + .6 (b) = 4.5
    i = inst(
        10,
        ("a", "1.5", [-1, 0, 1, 0, 2], [1, "0.9", "0.5", "0.3", "0.2"]),
        ("b", 1, [-1, 0], [1, "0.6"]),
    )
    assert i.is_monotone(strict=True)
    alg1, ref = solve_paper_alg1(i), solve_reference(i)
    assert rules(i, alg1) == rules(i, ref) == []
    assert alg1.objective == ref.objective == F(9, 2)
    assert non_root_count(i, alg1) == 5


def test_alg1_differs_from_reference_by_the_extra_node():
    # budget 2 used up by the SLO phase (a: 0.9 + 0.5 -> 2.4 >= 2.3), so B = 0
    # afterwards
    # and the printed loop adds one more: 0.6 from b (> a's 0.3).  Reference: same SLO
    # nodes, no throughput.  They differ by exactly that node: 0.6.
    i = inst(
        2,
        ("a", "2.3", [-1, 0, 1, 0], [1, "0.9", "0.5", "0.3"]),
        ("b", 1, [-1, 0], [1, "0.6"]),
    )
    alg1, ref = solve_paper_alg1(i), solve_reference(i)
    assert rules(i, ref) == [] and ref.objective == F(17, 5)  # 2.4 + 1
    assert rules(i, alg1) == ["budget"] and alg1.objective - ref.objective == F(3, 5)


# ---------------------------------------------------------------- item 7: Algorithm 2

# b: four root children 0.9, 0.8, 0.7, 0.6, target 1: soaks up the throughput phase.
B_WIDE = ("b", 1, [-1, 0, 0, 0, 0], [1, "0.9", "0.8", "0.7", "0.6"])


def test_alg2_line15_cond_overcounts_and_misses_target():
    # a: path 0 -> 1 (f 0.5) -> 2 (f 0.4, cond 0.8) -> 3 (f 0.3, cond 0.75), target 2.1.
    # true: 1 + .5 + .4 = 1.9 < 2.1, + .3 = 2.2: needs all 3 nodes.
    # budget 7 roots charged: B = 7 - 2 = 5; n_max = int(1.2 * 7 / 2) = int(4.2) = 4;
    # A_cap = min(2.1, height 3 + 1) = 2.1.
    # alg2 SLO (a first, A = 2.1 > 1): +1 acc 1.5 (B 4), +2 acc 1.5 + 0.8 = 2.3 >= 2.1
    # stop
    # (|S_a| = 3 < 4: n_max not the cause).  b: acc 1 >= 1.
    # throughput, B = 3: .9, .8, .7, .6 (all > a's .3), B = -1.  a = 1.9 < 2.1.
    i = inst(
        7,
        ("a", "2.1", [-1, 0, 1, 2], [1, "0.5", "0.4", "0.3"]),
        B_WIDE,
        root_charged=True,
    )
    sel = solve_paper_alg2(i)
    assert sel.selected["a"] == (0, 1, 2)
    assert rules(i, sel) == ["budget", "target"]  # 3 + 5 = 8 nodes > 7
    # with Eq. 7's path probability instead: 1.5, 1.9, 2.2 -> a meets its target
    fixed = solve_paper_alg2(i, accumulate="f")
    assert rules(i, fixed) == ["budget"]
    # reference: node budget 5, a takes 3 (2.2), b takes .9, .8 (1 + 1.7): 4.9
    ref = solve_reference(i)
    assert rules(i, ref) == [] and ref.objective == F(49, 10)


def test_alg2_n_max_leaves_feasible_target_unmet():
    # a: siblings 0.3, 0.3, target 1.6: needs both (1.6).  b: 0.9, 0.8, target 1.
    # budget 4 roots charged: B = 2; n_max = int(1.2 * 4 / 2) = int(2.4) = 2 (root
    # included).
    # SLO: a takes node 1 (acc 1.3, B 1), |S_a| = 2 = n_max: stop.  b: nothing.
    # throughput B=1: .9 (B 0), .8 (B -1).  a = 1.3 < 1.6.
    i = inst(
        4,
        ("a", "1.6", [-1, 0, 0], [1, "0.3", "0.3"]),
        ("b", 1, [-1, 0, 0], [1, "0.9", "0.8"]),
        root_charged=True,
    )
    sel = solve_paper_alg2(i)
    assert rules(i, sel) == ["budget", "target"]
    assert sel.objective == F(13, 10) + F(27, 10)
    # n_max lifted: a takes both (acc 1.6, B 0), throughput adds .9 (B -1): target met
    assert rules(i, solve_paper_alg2(i, n_max=10)) == ["budget"]
    ref = solve_reference(i)  # node budget 2: a = {0,1,2} 1.6, b = {0}: 2.6
    assert rules(i, ref) == [] and ref.objective == F(13, 5)


def test_alg2_a_cap_stops_below_target():
    # a: three root children 0.5 each (height 1, mass 2.5), target 2.2 > d + 1 = 2.
    # A_cap = min(2.2, 2) = 2.  budget 7 roots charged: B = 5, n_max = int(4.2) = 4.
    # SLO: +.5 (1.5, B 4), +.5 (2.0 >= A_cap, B 3) stop with |S_a| = 3 < 4.
    # throughput B=3: .9, .8, .7, .6 > .5 -> B = -1.  a = 2.0 < 2.2.
    i = inst(
        7,
        ("a", "2.2", [-1, 0, 0, 0], [1, "0.5", "0.5", "0.5"]),
        B_WIDE,
        root_charged=True,
    )
    sel = solve_paper_alg2(i)
    assert sel.objective == F(6)  # a: 1 + .5 + .5 = 2; b: 1 + .9 + .8 + .7 + .6 = 4
    assert rules(i, sel) == ["budget", "target"]
    ref = solve_reference(i)  # node budget 5: a takes 3 (2.5), b takes .9, .8 (2.7)
    assert rules(i, ref) == [] and ref.objective == F(26, 5)


def test_alg2_charges_roots_whatever_the_instance_says():
    # same trees, budget 3; two requests with children .5, .4 (a) and .3 (b), targets 1.
    # alg2: B = 3 - 2 = 1; throughput `B >= 0` adds .5, .4 -> 2 non-root nodes, 4 in
    # all.
    trees = (("a", 1, [-1, 0, 0], [1, "0.5", "0.4"]), ("b", 1, [-1, 0], [1, "0.3"]))
    charged, free = inst(3, *trees, root_charged=True), inst(3, *trees)
    for i in (charged, free):
        assert non_root_count(i, solve_paper_alg2(i)) == 2
    # roots charged: 4 nodes > 3, the overspend by one
    assert rules(charged, solve_paper_alg2(charged)) == ["budget"]
    # roots free: feasible but under-spends (2 of 3); reference takes all 3: 1.9 + 1.3 =
    # 3.2
    sel, ref = solve_paper_alg2(free), solve_reference(free)
    assert rules(free, sel) == [] and sel.objective == F(29, 10)
    assert ref.objective == F(16, 5) > sel.objective


def test_alg2_sorts_requests_by_target_descending():
    # budget 2 roots charged: B = 0; n_max = int(1.2 * 2 / 2) = 1 would block the SLO
    # phase
    # (|S| = 1 < 1 is false), so lift it.  a (A 1.5) and c (A 1.8) each want one node;
    # SLO `B >= 0` serves only the first request processed (B 0 -> -1), the other gets
    # none.
    j = inst(
        2,
        ("a", "1.5", [-1, 0], [1, "0.5"]),
        ("c", "1.8", [-1, 0], [1, "0.8"]),
        root_charged=True,
    )
    desc = solve_paper_alg2(j, n_max=10)
    asc = solve_paper_alg2(j, n_max=10, descending=False)
    assert desc.selected == {"a": (0,), "c": (0, 1)}
    assert asc.selected == {"a": (0, 1), "c": (0,)}
    assert rules(j, desc) == ["budget", "target"]  # 3 nodes > 2; a at 1 < 1.5


def test_alg2_empty_instance():
    i = parse_instance({"budget": 5, "requests": []})
    sel = solve_paper_alg2(i)
    assert sel.status == "OK" and sel.selected == {} and sel.objective == 0

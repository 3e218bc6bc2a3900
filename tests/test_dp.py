"""The DP oracle against the brute force and the reference greedy.

Three independent methods: brute force (tests/common/brute.py, every combination),
the tree DP (verify/oracles/dp.py) and the frontier greedy (solver/reference.py).
On monotone instances all three must agree on status and exact optimum; on
non-monotone ones only DP and brute force must (the greedy's premise is gone).
Every OK answer must pass the feasibility checker and state its true objective.
Optimal node sets are not unique, so sets are never compared, only values.
"""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.feasibility import violations
from solver.model import Tree
from solver.reference import solve_reference
from tests.common.brute import brute_force, rooted_subtrees, total_f
from tests.common.strategies import PROB_GRID, instances, shapes
from tests.common.strategies import make_instance as _inst
from verify.oracles.dp import TreeDP, best_subtree, optimum, solve_dp, tree_table

# ----------------------------------------------------------------- hand-made tables
# Each expected table below is worked out by hand in the comment next to it.


def _tree(parent, f):
    return Tree.from_parents(parent, [F(x) for x in f])


@pytest.mark.parametrize(
    "parent, f, expected",
    [
        # root only: nothing to add
        ([-1], [1], ["1"]),
        # path 0-1-2, f 1, 1/2, 1/4: 1 | 1+1/2 | 1+1/2+1/4
        ([-1, 0, 1], [1, "1/2", "1/4"], ["1", "3/2", "7/4"]),
        # star, leaves 1/2, 1/4, 3/4: take leaves largest first: 1 | +3/4 | +1/2 | +1/4
        ([-1, 0, 0, 0], [1, "1/2", "1/4", "3/4"], ["1", "7/4", "9/4", "5/2"]),
        # non-monotone: 1 -> {0 (f 0) -> 3 (f 1)}, {2 (f 3/4)}
        # k=1: best single child 3/4 -> 7/4; k=2: {1,3} = 0+1 beats {1,2} = 3/4 -> 2;
        # k=3: all = 1+0+3/4+1 = 11/4
        ([-1, 0, 0, 1], [1, 0, "3/4", 1], ["1", "7/4", "2", "11/4"]),
        # shuffled labels: root is node 2; its children 0 (f 1/4) and 1 (f 1/2); node 3
        # under 0 (f 1)
        # k=1: 1/2 -> 3/2; k=2: {0,3} = 5/4 beats {0,1} = 3/4 -> 9/4; k=3: 1+1/4+1/2+1 =
        # 11/4
        ([2, 2, -1, 0], ["1/4", "1/2", 1, 1], ["1", "3/2", "9/4", "11/4"]),
        # two chains from the root: A = 1/2 -> 1/2, B = 1/4 -> 1 (labels 1,2 and 3,4)
        # k=1: 1/2 -> 3/2; k=2: A both = 1 or B both = 5/4 -> 9/4;
        # k=3: B both + A first = 7/4 -> 11/4; k=4: all = 1+1/2+1/2+1/4+1 = 13/4
        (
            [-1, 0, 1, 0, 3],
            [1, "1/2", "1/2", "1/4", 1],
            ["1", "3/2", "9/4", "11/4", "13/4"],
        ),
        # ties and zeros: root -> 1 (f 1) -> 2 (f 1), root -> 3 (f 0): 1 | 2 | 3 | 3
        ([-1, 0, 1, 0], [1, 1, 1, 0], ["1", "2", "3", "3"]),
    ],
)
def test_tree_table_by_hand(parent, f, expected):
    tree = _tree(parent, f)
    assert tree_table(tree) == [F(x) for x in expected]
    for k in range(len(tree)):
        nodes = best_subtree(tree, k)
        assert len(nodes) == k + 1 and tree.is_rooted(nodes)
        assert tree.value(nodes) == F(expected[k])


def test_tree_subtree_unique_optimum():
    # in the shuffled-label tree above the best 2-node addition is unique: {0, 3}
    tree = _tree([2, 2, -1, 0], ["1/4", "1/2", 1, 1])
    assert set(best_subtree(tree, 2)) == {2, 0, 3}


def test_tree_subtree_range():
    with pytest.raises(ValueError):
        best_subtree(_tree([-1, 0], [1, "1/2"]), 2)


def test_invalid_reasons():
    unreachable = _inst(
        5, [{"id": "a", "target": "3/2", "parent": [-1, 0], "prob": [1, "1/4"]}]
    )
    sel = solve_dp(unreachable)
    assert sel.status == "INVALID" and "'a'" in sel.reason and "5/4" in sel.reason
    assert optimum(unreachable) is None

    over = _inst(
        1,
        [
            {"id": "a", "target": "3/2", "parent": [-1, 0], "prob": [1, "1/2"]},
            {"id": "b", "target": "3/2", "parent": [-1, 0], "prob": [1, "1/2"]},
        ],
    )
    sel = solve_dp(over)
    assert (
        sel.status == "INVALID"
        and "need at least 2" in sel.reason
        and "is 1" in sel.reason
    )

    roots = _inst(
        1,
        [
            {"id": "a", "target": 0, "parent": [-1], "prob": [1]},
            {"id": "b", "target": 0, "parent": [-1], "prob": [1]},
        ],
        root_charged=True,
    )
    sel = solve_dp(roots)
    assert sel.status == "INVALID" and "roots" in sel.reason


def test_empty_and_root_only():
    assert solve_dp(_inst(0, [])).objective == 0
    sel = solve_dp(
        _inst(0, [{"id": "a", "target": 1, "parent": [-1, 0], "prob": [1, 1]}])
    )
    assert sel.ok and sel.objective == 1 and dict(sel.selected) == {"a": (0,)}


def test_dp_beats_greedy_on_non_monotone():
    # greedy takes the frontier's best (3/4); the optimum goes through the 0 to reach 1
    inst = _inst(
        2,
        [{"id": "a", "target": 1, "parent": [-1, 0, 0, 1], "prob": [1, 0, "3/4", 1]}],
        allow_nonmonotone=True,
    )
    assert optimum(inst) == 2
    assert solve_reference(inst).objective == F(7, 4)


# ----------------------------------------------------------------- random instances
# (the strategies are in tests/common/strategies.py, shared with test_dp_vs_quadratic
# and test_judge)


def _check_ok(instance, sel, best):
    assert violations(instance, sel.selected, sel.objective) == []
    assert sel.objective == best


def _small(instance):
    count = 1
    for r in instance.requests:
        count *= len(rooted_subtrees(r.tree))
    return count <= 300


@settings(max_examples=400)
@given(instances(monotone=True))
def test_monotone_greedy_dp_brute_agree(instance):
    best, witness = brute_force(instance, cross_check=_small(instance))
    dp = solve_dp(instance)
    greedy = solve_reference(instance)
    if best is None:
        assert dp.status == "INVALID", dp
        assert greedy.status == "INVALID", greedy
        return
    assert witness is not None
    assert dp.status == "OK", dp.reason
    assert greedy.status == "OK", greedy.reason
    _check_ok(instance, dp, best)
    _check_ok(instance, greedy, best)
    assert optimum(instance) == best


@settings(max_examples=300)
@given(instances(monotone=False))
def test_non_monotone_dp_matches_brute(instance):
    best, _ = brute_force(instance, cross_check=_small(instance))
    dp = solve_dp(instance)
    if best is None:
        assert dp.status == "INVALID", dp
        return
    assert dp.status == "OK", dp.reason
    _check_ok(instance, dp, best)


@settings(max_examples=200)
@given(shapes(7), st.data())
def test_tree_table_matches_enumeration(shape, data):
    """Per tree, every count: the table equals the best enumerated rooted subtree."""
    parent, canon, label = shape
    f = [F(1) if p == -1 else data.draw(st.sampled_from(PROB_GRID)) for p in parent]
    tree = Tree.from_parents(parent, f)
    expected = [None] * len(tree)
    for nodes in rooted_subtrees(tree):
        value = total_f(tree, nodes)
        k = len(nodes) - 1
        if expected[k] is None or value > expected[k]:
            expected[k] = value
    table = TreeDP(tree)
    assert table.table == expected
    for k in range(len(tree)):
        nodes = table.subtree(k)
        assert (
            len(nodes) == k + 1
            and tree.is_rooted(nodes)
            and tree.value(nodes) == expected[k]
        )


@settings(max_examples=60)
@given(instances(monotone=True, max_requests=6, max_nodes=14))
def test_monotone_dp_matches_greedy_on_larger_instances(instance):
    """Beyond brute force's reach: the two independent methods still agree."""
    dp = solve_dp(instance)
    greedy = solve_reference(instance)
    assert dp.status == greedy.status, (dp.reason, greedy.reason)
    if dp.ok:
        assert violations(instance, dp.selected, dp.objective) == []
        assert dp.objective == greedy.objective

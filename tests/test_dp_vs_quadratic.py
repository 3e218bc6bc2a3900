"""The fast DP (verify/oracles/dp.py, curves.py, treedp.py) against the quadratic DP and
brute force.

The quadratic DP (tests/common/dp_quadratic.py) is the oracle the project used
before issue 15; brute force (tests/common/brute.py) tries every combination.  The new
DP must agree with both on status, exact optimum and reason, its selections
must pass the exact checker, and every piece (the (max, +) algebra, the tree
knapsack's read-back in little memory, the Fraction fallback) is checked
against a plain enumeration of its own.
"""

import itertools
import random
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.feasibility import violations
from solver.model import Tree
from solver.parse import load_instance
from solver.scaled import common_denominator, exact_values
from tests.common import dp_quadratic as old
from tests.common.brute import brute_force
from tests.common.strategies import PROB_GRID, instances, shapes
from verify.oracles import curves, dp, treedp
from verify.search import generators as gen

ROOT = Path(__file__).resolve().parent.parent


def _same(instance, new, ref):
    assert (new.status, new.objective, new.reason) == (
        ref.status,
        ref.objective,
        ref.reason,
    )
    if new.ok:
        assert violations(instance, new.selected, new.objective) == []


# ----------------------------------------------------------------- whole instances


@settings(max_examples=300)
@given(instances(monotone=False, max_requests=3, max_nodes=6))
def test_non_monotone_agrees_with_quadratic_dp_and_brute_force(instance):
    _agrees_with_quadratic_dp(instance, brute=True)


@settings(max_examples=200)
@given(instances(monotone=True, max_requests=4, max_nodes=6))
def test_monotone_agrees_with_quadratic_dp_and_brute_force(instance):
    _agrees_with_quadratic_dp(instance, brute=True)


@settings(max_examples=100)
@given(instances(monotone=False, max_requests=8, max_nodes=16))
def test_larger_instances_agree_with_quadratic_dp(instance):
    _agrees_with_quadratic_dp(instance)


def _agrees_with_quadratic_dp(instance, brute: bool = False) -> None:
    """Both methods of the new DP give the old DP's optimum (and, with ``brute``, brute
    force's)."""
    ref = old.solve_dp(instance)
    if brute:
        best, _ = brute_force(instance)
        assert best == ref.objective
    _same(instance, dp.solve_dp(instance), ref)
    _same(instance, dp.solve_dp(instance, method="tree"), ref)


@settings(max_examples=200)
@given(gen.oracle_instances(max_nodes=10, max_requests=4))
def test_suite_generated_instances_agree_with_quadratic_dp(instance):
    """The instances the suite generates (every class, non-monotone too): same optimum,
    same reason."""
    _same(instance, dp.solve_dp(instance), old.solve_dp(instance))


INSTANCE_FILES = sorted(
    str(p.relative_to(ROOT))
    for p in list((ROOT / "tests/golden/inputs").glob("*.json"))
    + list((ROOT / "examples").glob("*.json"))
    if not p.name.startswith("sel-")
)


@pytest.mark.parametrize("path", INSTANCE_FILES)
def test_every_instance_file_of_the_repository(path):
    instance = load_instance(ROOT / path, allow_nonmonotone=True)
    _same(instance, dp.solve_dp(instance), old.solve_dp(instance))


@settings(max_examples=100)
@given(instances(monotone=False, max_requests=4, max_nodes=8))
def test_fraction_arithmetic_gives_the_same_answer(instance):
    new = dp.solve_dp(
        instance, numbers="fraction"
    )  # the Fraction fallback of solver/scaled.py
    _same(instance, new, old.solve_dp(instance))


def test_huge_denominators_use_fractions_and_stay_exact():
    primes = [
        p for p in range(3, 4000) if all(p % q for q in range(2, int(p**0.5) + 1))
    ]
    prob = [F(1)] + [F(1, p) for p in primes]
    inst = {
        "budget": 5,
        "requests": [
            {
                "id": "a",
                "target": 1,
                "parent": [-1] + [0] * len(primes),
                "prob": [str(x) for x in prob],
            }
        ],
    }
    from solver.parse import parse_instance

    instance = parse_instance(inst)
    assert common_denominator([x for x in prob]) is None
    assert exact_values(parse_instance(inst)).path == "fraction"
    sel = dp.solve_dp(instance)
    assert sel.objective == 1 + F(1, 3) + F(1, 5) + F(1, 7) + F(1, 11) + F(1, 13)


def test_invalid_message_counts_beyond_the_capped_table():
    # a non-monotone tree whose minimal count (3) exceeds the node budget (1): the table
    # is
    # capped at the budget, the message still gives the exact count, as the quadratic DP
    # does
    from solver.parse import parse_instance

    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "a",
                    "target": "2.5",
                    "parent": [-1, 0, 1, 2],
                    "prob": [1, 0, 1, 1],
                }
            ],
        },
        allow_nonmonotone=True,
    )
    sel = dp.solve_dp(inst)
    assert sel.reason == old.solve_dp(inst).reason
    assert "need at least 3 non-root nodes" in sel.reason


# ----------------------------------------------------------------- the tree knapsack


@settings(max_examples=150)
@given(shapes(40), st.data(), st.booleans())
def test_knapsack_read_back_in_little_memory(shape, data, vector):
    """With no rows kept (SMALL = 2) every count is read back by the recursive walk;
    lists or int64 rows."""
    parent, _, _ = shape
    f = [F(1) if p == -1 else data.draw(st.sampled_from(PROB_GRID)) for p in parent]
    tree = Tree.from_parents(parent, f)
    ref = old.TreeDP(tree)
    w = [x.numerator * (ref.scale // x.denominator) for x in f]
    cap = data.draw(st.integers(0, len(tree) - 1))
    real, real_vector = treedp.SMALL, treedp.VECTOR
    treedp.SMALL = 2
    treedp.VECTOR = 1 if vector else 10**9
    try:
        k = treedp.TreeKnapsack(tree, w, cap=cap, keep_rows=False)
        assert k.table == ref.ints[: cap + 1]
        for c in range(cap + 1):
            nodes = k.subtree(c)
            assert len(nodes) == c + 1 and tree.is_rooted(nodes)
            assert sum(w[v] for v in nodes) == k.table[c]
        assert (k._np is not None) == vector
    finally:
        treedp.SMALL, treedp.VECTOR = real, real_vector


def test_knapsack_on_a_deep_random_tree_matches_the_quadratic_dp():
    rng = random.Random(7)
    n = 400
    parent = [-1] + [
        rng.randrange(max(0, i - 4), i) for i in range(1, n)
    ]  # deep, bushy
    f = [F(1)] + [F(rng.randint(0, 20), 20) for _ in range(n - 1)]
    tree = Tree.from_parents(parent, f)
    ref = old.TreeDP(tree)
    new = dp.TreeDP(tree)
    assert new.ints == ref.ints
    for k in (0, 1, 57, 200, n - 2, n - 1):
        nodes = new.subtree(k)
        assert (
            tree.is_rooted(nodes)
            and len(nodes) == k + 1
            and tree.value(nodes) == ref.table[k]
        )


def test_preorder_puts_the_heavy_child_last():
    # root 0 has children 1 (a path of 3) and 2 (a leaf): the leaf comes first
    tree = Tree.from_parents([-1, 0, 0, 1, 3], [F(1)] * 5)
    seq, end = treedp.preorder(tree)
    assert seq == [0, 2, 1, 3, 4] and end == [5, 2, 5, 5, 5]


def test_topk_curve_equals_the_tree_knapsack_on_monotone_trees():
    rng = random.Random(3)
    for _ in range(50):
        n = rng.randint(1, 30)
        parent = [-1] + [rng.randrange(i) for i in range(1, n)]
        f = [F(1)]
        for i in range(1, n):
            f.append(f[parent[i]] * rng.choice([F(1), F(1, 2), F(0), F(3, 4)]))
        tree = Tree.from_parents(parent, f)
        top = dp.TopK(tree, f)
        assert top.table == dp.tree_table(tree)
        for k in range(n):
            assert tree.is_rooted(top.subtree(k))


# ----------------------------------------------------------------- the (max, +) algebra


def _brute_maxplus(a, b):
    out = [None] * (len(a) + len(b) - 1)
    for i, j in itertools.product(range(len(a)), range(len(b))):
        v = a[i] + b[j]
        if out[i + j] is None or v > out[i + j]:
            out[i + j] = v
    return out


curve = st.lists(st.integers(0, 9), min_size=1, max_size=9).map(
    lambda d: list(itertools.accumulate(d))
)  # non-decreasing
concave_curve = st.lists(st.integers(0, 9), min_size=0, max_size=9).map(
    lambda d: list(itertools.accumulate([0] + sorted(d, reverse=True)))
)


@given(curve, curve, st.integers(0, 20))
def test_maxplus_is_the_convolution(a, b, limit):
    full = _brute_maxplus(a, b)
    assert curves.maxplus(a, b) == full
    assert curves.maxplus(a, b, limit) == full[: limit + 1]


@given(curve, concave_curve, st.integers(0, 20))
def test_maxplus_concave_is_the_convolution(a, b, limit):
    assert curves.is_concave(b)
    full = _brute_maxplus(a, b)
    assert curves.maxplus_concave(a, b) == full
    assert curves.maxplus_concave(a, b, limit) == full[: limit + 1]


@given(st.lists(st.integers(0, 5), max_size=6))
def test_is_concave_by_definition(d):
    g = list(itertools.accumulate([0] + d))
    assert curves.is_concave(g) == all(d[i + 1] <= d[i] for i in range(len(d) - 1))


@settings(max_examples=300)
@given(
    st.lists(st.one_of(curve, concave_curve), min_size=1, max_size=5),
    st.data(),
    st.booleans(),
    st.sampled_from(["int64", "lists", "huge"]),
)
def test_allocate_finds_the_best_counts(cs, data, halve, numbers):
    if numbers == "huge":  # beyond int64: the curves must stay Python ints
        cs = [[x * 2**70 for x in g] for g in cs]
    total = sum(len(g) - 1 for g in cs)
    goal = data.draw(st.integers(0, total))
    best = max(
        sum(g[x] for g, x in zip(cs, xs))
        for xs in itertools.product(*(range(len(g)) for g in cs))
        if sum(xs) == goal
    )
    real, real_int64 = curves.DIRECT_CELLS, curves._int64
    if halve:
        curves.DIRECT_CELLS = 1  # read back by halving, not directly
    if numbers == "lists":
        curves._int64 = lambda cs, everything: list(cs)
    try:
        xs = curves.allocate(cs, goal)
    finally:
        curves.DIRECT_CELLS, curves._int64 = real, real_int64
    assert sum(xs) == goal and all(0 <= x < len(g) for x, g in zip(xs, cs))
    assert sum(g[x] for g, x in zip(cs, xs)) == best


@settings(max_examples=300)
@given(
    st.lists(concave_curve, min_size=1, max_size=6),
    st.data(),
    st.booleans(),
)
def test_concave_counts_are_the_merges_counts(cs, data, fractions):
    """Only the counts, read off the goal-th largest increment: the same as the
    merged curve's share, ties (small values make many) to the curve listed first."""
    if fractions:
        cs = [[F(x, 3) for x in g] for g in cs]
    goal = data.draw(st.integers(0, sum(len(g) - 1 for g in cs)))
    incs = [curves.increments(g) for g in cs]
    assert curves.concave_counts(incs, goal) == curves.ConcaveMerge(cs).counts(goal)


def test_int64_only_when_exact():
    small, big = [[0, 1], [0, 5, 6]], [[0, 2**61], [0, 2**61]]
    assert not isinstance(
        curves._int64(small, small)[0], list
    )  # every sum < 2**62: int64
    assert isinstance(curves._int64(big, big)[0], list)  # sums may reach 2**62: lists
    assert isinstance(
        curves._int64(small, small + [[0, 2**62]])[0], list
    )  # a concave curve counts too
    assert isinstance(curves._int64([[0, F(1, 2)]], [[0, F(1, 2)]])[0], list)


@pytest.mark.filterwarnings("error")  # an int64 overflow warns; it must never happen
def test_a_huge_concave_curve_beside_small_non_concave_ones():
    """The concave merge stays in Python ints; mixed with int64 curves no sum may
    overflow."""
    cs = [
        [0, 2**63 - 4],
        [0, 1, 5],
        [0, 0, 7],
    ]  # one concave curve near the int64 limit, two non-concave
    best = max(
        sum(g[x] for g, x in zip(cs, xs))
        for xs in itertools.product(*(range(len(g)) for g in cs))
        if sum(xs) == 3
    )
    xs = curves.allocate(cs, 3)
    assert sum(xs) == 3 and sum(g[x] for g, x in zip(cs, xs)) == best


def test_allocate_rejects_an_impossible_goal():
    with pytest.raises(ValueError):
        curves.allocate([[0, 1]], 2)


def test_tree_table_and_method_tree_never_use_the_sorted_values(monkeypatch):
    """LEM-C2 compares tree_table with the best k-subsets: it must stay a real tree
    DP."""

    def refuse(*a, **k):
        raise AssertionError("TopK used")

    monkeypatch.setattr(dp, "TopK", refuse)
    tree = Tree.from_parents([-1, 0, 1, 0], [F(1), F(1, 2), F(1, 4), F(1, 3)])
    assert dp.tree_table(tree) == [1, F(3, 2), F(11, 6), F(25, 12)]
    from solver.parse import parse_instance

    inst = parse_instance(
        {
            "budget": 2,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": [-1, 0, 1, 0],
                    "prob": [1, "1/2", "1/4", "1/3"],
                }
            ],
        }
    )
    assert dp.solve_dp(inst, method="tree").objective == F(11, 6)
    with pytest.raises(AssertionError, match="TopK used"):
        dp.solve_dp(inst)

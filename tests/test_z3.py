"""Z3 (both encodings) against the DP and the brute-force enumerator, and Z3's failure
modes.

Optima are compared as values (ties make optimal sets non-unique); every
selection Z3 returns is also re-checked here with the exact checker.
"""

import itertools
from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from solver.errors import Inconclusive
from solver.feasibility import violations
from solver.model import Tree
from solver.parse import parse_instance
from tests.common.brute import brute_force, rooted_subtrees
from verify.oracles.dp import optimum, tree_table
from verify.oracles.z3 import encoding as Z
from verify.oracles.z3.common import Session, Z3Fault
from verify.oracles.z3.counts import concave_envelope
from verify.oracles.z3.decomposed import Decomposition
from verify.oracles.z3.tree import TreeProver
from verify.search.generators import instances, path_probabilities, shapes

CI = settings(derandomize=True, database=None, deadline=None)
METHODS = (Z.DECOMPOSED, Z.MONOLITHIC)


def inst(budget, *reqs, charged=False, nonmonotone=False):
    return parse_instance(
        {
            "budget": budget,
            "root_charged": charged,
            "requests": [
                {
                    "id": rid,
                    "target": str(t),
                    "parent": parent,
                    "prob": [str(x) for x in vals],
                }
                for rid, t, parent, vals in reqs
            ],
        },
        allow_nonmonotone=nonmonotone,
    )


def checked(instance, sel):
    """The selection passes the exact checker with its stated objective."""
    assert sel.ok and violations(instance, sel.selected, sel.objective) == []
    return sel.objective


# ------------------------------------------------------------ three oracles agree


@settings(CI, max_examples=250)
@given(instances(max_requests=3, max_nodes=6, monotone=False))
def test_z3_dp_and_brute_force_agree(instance):
    best, _ = brute_force(instance)
    assert optimum(instance) == best
    for method in METHODS:
        r = Z.optimize(instance, method=method, timeout=60)
        if best is None:
            assert r.verdict == Z.INFEASIBLE, (method, r)
            assert Z.feasible(instance, method=method).verdict == Z.INFEASIBLE
        else:
            assert r.verdict == Z.OPTIMAL, (method, r)
            assert checked(instance, r.selection) == best
            f = Z.feasible(instance, method=method)
            assert f.verdict == Z.FEASIBLE
            checked(instance, f.selection)


@settings(CI, max_examples=120)
@given(
    instances(max_requests=3, max_nodes=6, monotone=False),
    st.sampled_from(METHODS),
    st.sampled_from((F(0), F(1, 1000), F(1, 2))),
)
def test_refutation_at_and_below_the_optimum(instance, method, gap):
    best, _ = brute_force(instance)
    assume(best is not None)
    r = Z.refute(instance, best - gap, method=method, timeout=60)
    if gap == 0:
        assert r.verdict == Z.OPTIMAL
    else:
        assert r.verdict == Z.BETTER
        assert best - gap < checked(instance, r.selection) <= best


@settings(CI, max_examples=80)
@given(instances(max_requests=5, max_nodes=9, monotone=False))
def test_larger_instances_z3_matches_dp(instance):
    best = optimum(instance)
    r = Z.optimize(instance, timeout=60)
    assert r.verdict == (Z.INFEASIBLE if best is None else Z.OPTIMAL)
    if best is not None:
        assert checked(instance, r.selection) == best
    assert Z.confirm(instance, best, timeout=60) is None


@st.composite
def non_concave(draw):
    """Paths and small trees with f in {0, 1/2, 1}: count tables with jumps, where the
    greedy count allocation is wrong and only the exact count claim decides."""
    reqs = []
    for j in range(draw(st.integers(2, 4))):
        n = draw(st.integers(2, 5))
        parent = [-1] + [draw(st.integers(max(0, v - 2), v - 1)) for v in range(1, n)]
        f = [1] + [
            draw(st.sampled_from((0, 0, F(1, 4), F(1, 2), 1))) for _ in range(n - 1)
        ]
        reqs.append((f"r{j}", draw(st.sampled_from((0, 1, 1, F(5, 4)))), parent, f))
    charged = draw(st.booleans())
    return inst(
        draw(st.integers(1, 5)) + (len(reqs) if charged else 0),
        *reqs,
        charged=charged,
        nonmonotone=True,
    )


@settings(CI, max_examples=150)
@given(non_concave())
def test_non_concave_count_tables(instance):
    best = optimum(instance)
    r = Z.optimize(instance, timeout=60)
    assert r.verdict == (Z.INFEASIBLE if best is None else Z.OPTIMAL)
    if best is not None:
        assert checked(instance, r.selection) == best
        assert Z.refute(instance, best).verdict == Z.OPTIMAL
        assert Z.refute(instance, best - F(1, 4)).verdict == Z.BETTER


def feasible_combos(instance):
    """(value, counts) of every feasible selection (brute force; tiny instances
    only)."""
    out = []
    for combo in itertools.product(
        *[rooted_subtrees(r.tree) for r in instance.requests]
    ):
        sel = {r.id: s for r, s in zip(instance.requests, combo)}
        if not violations(instance, sel):
            out.append(
                (
                    sum(
                        (r.tree.value(s) for r, s in zip(instance.requests, combo)),
                        F(0),
                    ),
                    [len(s) - 1 for s in combo],
                )
            )
    return out


@settings(CI, max_examples=150)
@given(
    st.one_of(non_concave(), instances(max_requests=3, max_nodes=5, monotone=False)),
    st.booleans(),
)
def test_every_stage_keeps_every_better_selection(instance, ascending):
    """Stage 2's bound holds for every feasible selection; stage 4's domains keep the
    counts of every selection worth more than V; better_than(V) answers like brute
    force, for every V."""
    stages_keep_every_better_selection(instance, ascending)


# a's best 3-node subtree (0.6, then 0 and 1 down the left path) is not on its grown
# chain
# (0.6, 0.55, 0) and no Lagrangian round needs it: only stage 4's own queries find it
HIDDEN = inst(
    3,
    ("a", 1, [-1, 0, 1, 0, 0], [1, 0, 1, "0.6", "0.55"]),
    ("b", 1, [-1, 0, 0, 0], [1, "0.9", "0.85", "0.8"]),
    nonmonotone=True,
)


@pytest.mark.parametrize("ascending", (True, False))
def test_stage_four_finds_counts_the_known_values_hide(ascending):
    stages_keep_every_better_selection(HIDDEN, ascending)


def stages_keep_every_better_selection(instance, ascending):
    combos = feasible_combos(instance)
    dec = Decomposition(Session(60), instance)
    assert (dec.feasible() is None) == (not combos)
    if not combos:
        return
    lam, ms = dec.stabilize()
    bound = sum(ms, F(0)) + lam * instance.node_budget
    values = sorted({v for v, _ in combos}, reverse=not ascending)
    assert values[-1 if ascending else 0] <= bound
    for v in values:
        if v < bound:
            domains = dec._domains(lam, ms, bound - v)
            for worth, counts in combos:
                if worth > v:
                    assert all(c in d for c, d in zip(counts, domains)), (
                        v,
                        counts,
                        domains,
                    )
        better = dec.better_than(v)
        if v == max(values):
            assert better is None
        else:
            assert better is not None and checked(instance, better) > v


@settings(CI, max_examples=100)
@given(
    instances(max_requests=3, max_nodes=6, monotone=False),
    st.sampled_from((F(0), F(1, 7), F(-1, 3), F(1, 10**9), F(-1, 10**9))),
)
def test_hints_never_change_the_answer(instance, offset):
    best = optimum(instance)
    hint = None if best is None else best + offset
    r = Z.optimize(instance, hint=hint)
    if best is None:
        assert r.verdict == Z.INFEASIBLE
        return
    assert r.verdict == Z.OPTIMAL and checked(instance, r.selection) == best
    dec = Decomposition(Session(60), instance)
    assert checked(instance, dec.at_least(best)) == best
    assert dec.at_least(best + F(1, 10**9)) is None
    if offset < 0:
        assert checked(instance, dec.at_least(hint)) >= hint


@st.composite
def trees(draw):
    parent = draw(shapes(max_nodes=9))
    kind = draw(st.sampled_from(("grid", "decimal", "nonmonotone")))
    return Tree.from_parents(parent, draw(path_probabilities(parent, kind)))


@settings(CI, max_examples=100)
@given(trees())
def test_stage_one_tables_equal_the_dp_tables(tree):
    t = TreeProver(Session(60), tree, len(tree) - 1).table()
    assert list(t.values) == tree_table(tree)
    for k, nodes in enumerate(t.witnesses):
        assert (
            tree.is_rooted(nodes)
            and len(nodes) == k + 1
            and tree.value(nodes) == t.values[k]
        )


@settings(CI, max_examples=200)
@given(st.lists(st.fractions(-3, 3, max_denominator=6), min_size=1, max_size=8))
def test_concave_envelope_is_the_least_concave_majorant(u):
    env = concave_envelope(u)
    assert all(e >= x for e, x in zip(env, u))
    inc = [b - a for a, b in zip(env, env[1:])]
    assert all(a >= b for a, b in zip(inc, inc[1:]))
    assert env[0] == u[0] and env[-1] == u[-1]


# ------------------------------------------------------------ hand-made cases

# non-monotone: node 1 is worth 0 but opens node 2 (worth 1); the greedy by f misses it
TRAP = inst(2, ("a", 1, [-1, 0, 1, 0], [1, 0, 1, F(1, 2)]), nonmonotone=True)


@pytest.mark.parametrize("method", METHODS)
def test_non_monotone_trap(method):
    r = Z.optimize(TRAP, method=method)
    assert r.verdict == Z.OPTIMAL and checked(TRAP, r.selection) == 2
    assert set(r.selection.selected["a"]) == {0, 1, 2}


def test_lagrangian_proof_on_concave_tables_reduced_claim_on_a_duality_gap():
    mono = inst(
        2, ("a", 1, [-1, 0, 0], [1, F(1, 2), F(1, 4)]), ("b", 1, [-1, 0], [1, F(1, 3)])
    )
    r = Z.optimize(mono)
    assert r.stats["proof"] == "lagrangian" and r.selection.objective == optimum(mono)
    # per-count best 1, 1, 2 (a 0 then a 1): the envelope is worth 3/2 at count 1, the
    # truth 1;
    # budget 3 over two such trees: bound 7/2 by the envelope, optimum 3 (one tree full)
    gap = inst(
        3,
        ("a", 1, [-1, 0, 1], [1, 0, 1]),
        ("b", 1, [-1, 0, 1], [1, 0, 1]),
        nonmonotone=True,
    )
    r = Z.optimize(gap)
    assert r.stats["proof"] == "reduced claim"
    assert r.verdict == Z.OPTIMAL and checked(gap, r.selection) == optimum(gap) == 3
    assert Z.refute(gap, F(3)).verdict == Z.OPTIMAL
    assert Z.refute(gap, F(5, 2)).verdict == Z.BETTER


def test_exact_where_floats_mislead():
    # 1.0 + 0.4 + 0.2 < 1.6 in IEEE doubles; exactly it is 1.6 and meets the target
    i = inst(2, ("a", "1.6", [-1, 0, 1], [1, "0.4", "0.2"]))
    for method in METHODS:
        r = Z.feasible(i, method=method)
        assert r.verdict == Z.FEASIBLE and len(r.selection.selected["a"]) == 3


@pytest.mark.parametrize("method", METHODS)
def test_both_root_conventions(method):
    reqs = [("a", "1.5", [-1, 0, 0], [1, "0.5", "0.5"]), ("b", 1, [-1, 0], [1, "0.9"])]
    free, charged = inst(2, *reqs), inst(2, *reqs, charged=True)
    assert (
        Z.optimize(free, method=method).selection.objective == optimum(free) == F(17, 5)
    )  # a: 0.5, b: 0.9
    r = Z.optimize(
        charged, method=method
    )  # only 0 non-root nodes left: a misses its target
    assert r.verdict == Z.INFEASIBLE and optimum(charged) is None
    assert (
        Z.optimize(inst(3, *reqs, charged=True), method=method).selection.objective
        == F(3, 2) + 1
    )


def test_infeasible_reasons_name_the_cause():
    assert (
        "exceed the budget"
        in Z.feasible(
            inst(1, ("a", 1, [-1], [1]), ("b", 1, [-1], [1]), charged=True)
        ).reason
    )
    assert "request 'a'" in Z.feasible(inst(5, ("a", 3, [-1, 0], [1, "0.5"]))).reason
    two = inst(1, ("a", "1.5", [-1, 0], [1, "0.5"]), ("b", "1.5", [-1, 0], [1, "0.5"]))
    assert "need at least 2" in Z.feasible(two).reason


def test_empty_instance():
    e = inst(3)
    r = Z.optimize(e)
    assert r.verdict == Z.OPTIMAL and r.selection.objective == 0


def test_tampered_selection_is_refuted_with_a_checked_witness():
    i = inst(
        3,
        ("a", "1.2", [-1, 0, 1, 0], [1, "0.8", "0.5", "0.6"]),
        ("b", 1, [-1, 0], [1, "0.7"]),
    )
    best = Z.optimize(i).selection
    # drop one leaf that keeps the selection feasible: worth less, so Z3 must find
    # better
    sets = {rid: list(nodes) for rid, nodes in best.selected.items()}
    leaf = next(
        (rid, v)
        for rid, nodes in sets.items()
        for v in nodes
        if i.request(rid).tree.parent[v] != -1
        and not any(i.request(rid).tree.parent[w] == v for w in nodes)
        and not violations(i, {**sets, rid: [w for w in nodes if w != v]})
    )
    sets[leaf[0]].remove(leaf[1])
    worse = i.request(leaf[0]).tree.value(sets[leaf[0]]) + sum(
        i.request(rid).tree.value(n) for rid, n in sets.items() if rid != leaf[0]
    )
    assert violations(i, sets, worse) == [] and worse < best.objective
    for method in METHODS:
        r = Z.refute(i, worse, method=method)
        assert r.verdict == Z.BETTER and checked(i, r.selection) > worse


# ------------------------------------------------------------ never a false pass


def big():
    reqs = [
        (
            f"r{j}",
            "1.5",
            list(range(-1, 11)),
            [1] + [F(9, 10) ** k for k in range(1, 12)],
        )
        for j in range(6)
    ]
    return inst(20, *reqs)


@pytest.mark.parametrize("method", METHODS)
def test_tiny_timeout_is_inconclusive(method):
    i = big()
    for call in (
        lambda: Z.optimize(i, timeout=1e-4, method=method),
        lambda: Z.refute(i, F(0), timeout=1e-4, method=method),
        lambda: Z.feasible(i, timeout=1e-4, method=method),
    ):
        r = call()
        assert (
            r.verdict == Z.INCONCLUSIVE
            and not r.conclusive
            and "time limit" in r.reason
        )
    with pytest.raises(Inconclusive):
        Z.solve_z3(i, timeout=1e-4, method=method)
    with pytest.raises(Inconclusive):
        Z.confirm(i, optimum(i), timeout=1e-4)


def test_resource_limit_is_inconclusive_deterministically():
    r = Z.refute(big(), F(0), rlimit=1, method=Z.MONOLITHIC)
    assert r.verdict == Z.INCONCLUSIVE and "unknown" in r.reason


def test_same_input_same_answer():
    i = big()
    a, b = Z.optimize(i), Z.optimize(i)
    assert (a.verdict, a.selection, a.queries) == (b.verdict, b.selection, b.queries)


def test_a_model_that_fails_the_checker_is_never_believed(monkeypatch):
    i = inst(2, ("a", 1, [-1, 0, 1], [1, "0.5", "0.4"]))
    monkeypatch.setattr(
        Z.Direct, "sets", lambda self, model: {"a": (0, 2)}
    )  # an orphan
    with pytest.raises(Z3Fault, match="rooted"):
        Z.feasible(i, method=Z.MONOLITHIC)
    # TRAP's tree queries get models; pretend Z3 returned an orphan
    monkeypatch.setattr(TreeProver, "_read", lambda self, model: (0, 2, 3))
    with pytest.raises(Z3Fault, match="not a rooted subtree"):
        Z.optimize(TRAP)
    assert "fails the exact checker" in Z.confirm(TRAP, F(2))


def test_confirm_names_the_disagreement():
    i = inst(1, ("a", 1, [-1, 0, 0], [1, "0.5", "0.25"]))
    assert Z.confirm(i, F(3, 2)) is None
    assert Z.confirm(i, F(5, 4)).startswith("optimum 3/2")
    assert Z.confirm(i, None).startswith("feasible: optimum 3/2")
    none = inst(0, ("a", 2, [-1, 0], [1, "0.5"]))
    assert Z.confirm(none, None) is None
    assert Z.confirm(none, F(1)).startswith("infeasible: request 'a'")


def test_solve_z3_answers_like_a_solver():
    assert Z.solve_z3(TRAP).objective == 2
    sel = Z.solve_z3(inst(0, ("a", 2, [-1, 0], [1, "0.5"])))
    assert sel.status == "INVALID" and "request 'a'" in sel.reason


def test_bad_arguments():
    with pytest.raises(ValueError):
        Z.optimize(TRAP, method="nope")
    with pytest.raises(ValueError):
        Z.refute(TRAP, F(1), method=Z.OPTIMIZE)
    for nothing in (0, -1, float("nan")):
        assert Z.feasible(TRAP, timeout=nothing).verdict == Z.INCONCLUSIVE
    assert Z.feasible(TRAP, timeout=float("inf")).verdict == Z.FEASIBLE

"""The generators (verify/search/generators.py): every class is really drawn, float
traps are real.

Class balance is measured the way the suite reports it (docs/suite.md, "generated
classes"): over the cases of a whole quick run that draw an axis, pooled over every
check, the share in which each class occurs, sampled with
:func:`verify.commands.suite.planned_classes` (same strategies, seeds and Hypothesis
settings as the run, no checks).  The expected classes come from the class lists of the
generators, not from what was drawn, so a class that lost its weight is missed, not
silently dropped (``test_balance_check_fails_without_a_class``).
"""

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.model import Tree
from solver.reference import greedy_run
from verify.commands.suite import planned_classes
from verify.search import generators as gen
from verify.search.claim_search import shares

GOAL = 0.05
AXES = gen.AXES


def balance_problems(counts, axes=AXES):
    """Every class of every axis under GOAL (or never drawn), as 'axis:class share'."""
    got = shares(*counts)
    problems = [f"axis {axis} never drawn" for axis in axes if axis not in got]
    for axis, classes in axes.items():
        for c in classes:
            share = got.get(axis, {}).get(c, 0.0)
            if share < GOAL:
                problems.append(f"{axis}:{c} {100 * share:.1f}%")
    unknown = {
        f"{a}:{c}"
        for a, cs in got.items()
        for c in cs
        if a in axes and c not in axes[a]
    }
    unknown |= {f"axis {a}" for a in got if axes is AXES and a not in AXES}
    return problems + [f"unknown class {u}" for u in sorted(unknown)]


@pytest.fixture(scope="module")
def quick_labels():
    return planned_classes("quick", seed=0)


def test_every_class_of_every_axis_is_at_least_5_percent_in_a_quick_run(quick_labels):
    assert balance_problems(quick_labels) == []


def test_balance_check_fails_without_a_class(monkeypatch):
    """The check above can fail: take bfloat16 out of the weights and it is reported."""
    labels = planned_classes("quick", seed=0, claims=["THM-P2"])
    assert not [
        p
        for p in balance_problems(labels, {"prob": gen.PROB_CLASSES})
        if "bfloat16" in p
    ]
    monkeypatch.setitem(
        gen.WEIGHTS,
        "prob",
        {k: v for k, v in gen.WEIGHTS["prob"].items() if k != "bfloat16"},
    )
    labels = planned_classes("quick", seed=0, claims=["THM-P2"])
    assert "prob:bfloat16 0.0%" in balance_problems(labels, {"prob": gen.PROB_CLASSES})


def test_float_traps_are_common_in_a_quick_run(quick_labels):
    floats = shares(*quick_labels)["float"]
    assert floats["trap"] >= 0.05


def test_choose_without_any_weight_is_an_error():
    with pytest.raises(ValueError, match="no class"):
        gen.choose("prob", ("no-such-class",))


# ------------------------------------------------------------------ float traps


def _greedy_count(values, target, number):
    """Nodes the reference loop (solver.reference.greedy_run) needs on a star with these
    values."""
    from solver.parse import parse_instance

    inst = parse_instance(
        {
            "budget": len(values),
            "requests": [
                {
                    "id": "r",
                    "target": str(target),
                    "parent": [-1] + [0] * len(values),
                    "prob": ["1"] + [str(v) for v in values],
                }
            ],
        }
    )
    sets, quotas, _ = greedy_run(inst, number)
    return quotas[0]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.sampled_from(gen.DECIMALS), min_size=0, max_size=6),
    st.sampled_from(("boundary", "above", "below")),
    st.sampled_from((gen.STEP, gen.TINY)),
    st.data(),
)
def test_float_counts_match_the_greedy_in_both_arithmetics(values, kind, step, data):
    values = sorted(values, reverse=True)
    k = data.draw(st.integers(0, len(values)))
    target = gen.boundary_target(values, kind, k, step)
    assert gen.float_counts(values, target) == (
        _greedy_count(values, target, Fraction),
        _greedy_count(values, target, float),
    )
    assert (k in gen.float_traps(values, kind, step)) == (
        len(set(gen.float_counts(values, target))) == 2
    )


def test_known_float_traps():
    def tenths(*d):
        return [Fraction(x, 10) for x in d]

    # 1 + 0.4 + 0.2 = 1.5999999999999999 in double: one node more than exact arithmetic
    assert gen.float_counts(tenths(4, 2, 1), Fraction(8, 5)) == (2, 3)
    assert gen.float_traps(tenths(4, 4), "boundary", Fraction(0)) == [
        2
    ]  # 1.7999999999999998 < 1.8
    # a target TINY above a prefix sum is the same double: float stops a node early
    assert gen.float_counts(tenths(5), 1 + gen.TINY) == (1, 0)
    assert gen.float_traps([], "above", gen.TINY) == [
        0
    ]  # float "reaches" 1 + TINY with the root alone
    assert (
        gen.float_traps(tenths(5, 5), "boundary", Fraction(0)) == []
    )  # halves are exact


def test_tiny_is_below_half_an_ulp_on_the_target_range():
    for a in (
        Fraction(1),
        Fraction(8, 5),
        Fraction(9, 5),
        Fraction(15, 2),
        Fraction(15),
    ):
        assert float(a + gen.TINY) == float(a) and float(a - gen.TINY) == float(a)


# ------------------------------------------------------------------ classes


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_decimal_class_values_are_decimals_on_at_least_4_nodes_and_monotone(data):
    parent = data.draw(gen.shapes(7, min_nodes=4))
    f = data.draw(gen.path_probabilities(parent, "decimal"))
    assert all(x in gen.DECIMALS for x in f[1:])
    assert Tree.from_parents(parent, f).is_monotone()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_nonmonotone_scores_break_monotonicity_unless_values_tie(data):
    parent = data.draw(gen.shapes(7, deep=True))
    kind = data.draw(st.sampled_from(gen.PROB_CLASSES))
    f = data.draw(gen.path_probabilities(parent, kind))
    g = data.draw(gen.shuffled_scores(parent, f))
    assert sorted(g) == sorted(f) and g[0] == 1
    assert parent[2] == 1  # deep: depth 2 exists
    if Tree.from_parents(
        parent, g
    ).is_monotone():  # only if every parent/child pair below the root ties
        assert all(g[v] == g[p] for v, p in enumerate(parent) if p > 0)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    gen.instance_json(
        max_requests=2, max_nodes=3, max_depth=1, max_width=2, monotone=False
    )
)
def test_size_restrictions_win_over_decimal_and_deep_minimums(obj):
    for r in obj["requests"]:
        n = len(r["parent"])
        assert n <= 3
        depth = {}
        for _ in range(n):  # depth by relaxation (labels are shuffled)
            for v, p in enumerate(r["parent"]):
                depth[v] = 0 if p == -1 else depth.get(p, 0) + 1
        assert max(depth.values()) <= 1


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(gen.labelled(gen.oracle_instances(7, 3)))
def test_tiny_oracle_instances_fit_the_brute_force_limit(inst):
    labels = gen.take_labels()
    if "oracles:tiny" in labels:
        from verify.oracles.brute import LIMIT

        assert inst.total_nodes <= LIMIT


# ------------------------------------------------------------------ rounded scores
# (SPEC 3.9), budgets that cut


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(gen.MERGE_CLASSES),
    st.sampled_from(("float32", "bfloat16", "float16")),
    st.data(),
)
def test_merge_classes_are_strictly_decreasing_exactly(kind, fmt, data):
    parent = data.draw(gen.shapes(7))
    f = data.draw(gen.path_probabilities(parent, kind, fmt))
    tree = Tree.from_parents(parent, f)
    assert tree.is_monotone(strict=True) and all(x > 0 for x in f)
    assert gen.in_class(tree, kind) and gen.in_class(tree, "strict")


def test_merge_classes_merge_in_the_format_they_aim_at():
    """Measured on 200 requests of 7 nodes per class and format: how often two exactly
    distinct f round equal in that format (the merge the class is made for)."""
    from verify.search.precision import merging_formats

    rates = {}
    for kind in gen.MERGE_CLASSES:
        for fmt in ("float32", "bfloat16", "float16"):
            hits = []

            @settings(
                max_examples=200,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(st.data())
            def t(data):
                parent = data.draw(gen.shapes(7, min_nodes=4))
                hits.append(
                    fmt
                    in merging_formats(
                        data.draw(gen.path_probabilities(parent, kind, fmt)), [fmt]
                    )
                )

            t()
            rates[kind, fmt] = sum(hits) / len(hits)
    # The rate depends on the seed, which derandomize derives from this function's
    # source (a reformat changes it).  Measured with @seed(s), 200 cases each:
    # underflow 0.21-0.53 (s = 0..29), close-siblings 0.63-0.86 and near-one >= 0.98
    # (s = 0..9); at 0.25 the reformatted source's seed failed (underflow/float32
    # 0.205).  0.15 still fails a class that stopped merging.
    assert min(rates.values()) >= 0.15, sorted(rates.items())


def test_the_budget_cuts_the_trees_in_at_least_40_percent_of_cases_in_every_mode():
    from hypothesis import seed as hseed

    from verify.search import claim_search as campaign
    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions

    for r in (
        Restrictions(),
        Restrictions(single_request=True),
        Restrictions(no_targets=True),
        Restrictions(single_request=True, no_targets=True),
    ):
        for charged in (False, True):
            cuts = Counter()

            @campaign._search_settings(200)
            @given(
                gen.labelled(
                    CLAIMS_BY_ID["THM-P2"].strategy(
                        PROFILES["quick"], charged, r.generator_kwargs()
                    )
                )
            )
            def t(case):
                cuts.update(x for x in gen.take_labels() if x.startswith("cuts:"))

            hseed(1)(t)()
            assert cuts["cuts:some"] >= 0.4 * sum(cuts.values()), (r, charged, cuts)


def test_precision_aims_the_merge_classes_and_values_restricts_the_classes():
    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions

    r = Restrictions(values=("near-one",), precision="bfloat16")
    seen = []

    @settings(
        max_examples=80,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        gen.labelled(
            CLAIMS_BY_ID["THM-P2"].strategy(
                PROFILES["quick"], False, r.generator_kwargs()
            )
        )
    )
    def t(inst):
        labels = gen.take_labels()
        assert {x for x in labels if x.startswith("prob:")} <= {"prob:near-one"}
        seen.append("merge:bfloat16" in labels)

    t()
    assert sum(seen) >= 0.5 * len(
        seen
    )  # near-one aimed at bfloat16 merges there in most instances


def test_precision_weighting_only_adds_every_default_class_keeps_half_its_share():
    """--precision P raises what merges in P and the sums P misses (issue 20): it never
    takes a class below half of its default share, by the weights and as drawn (THM-P1's
    cases, 5 x 300)."""
    from hypothesis import seed as hseed

    from verify.search import claim_search as campaign
    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions

    for base, variant in (("prob", "prob/precision"), ("budget", "budget/precision")):
        d, p = gen.WEIGHTS[base], gen.WEIGHTS[variant]
        for c, w in d.items():
            assert p[c] / sum(p.values()) >= 0.5 * w / sum(d.values()), (variant, c)

    def drawn(precision):
        got = Counter()
        for seed in range(5):
            strategy = CLAIMS_BY_ID["THM-P1"].strategy(
                PROFILES["quick"],
                None,
                Restrictions(precision=precision).generator_kwargs(),
            )

            @campaign._search_settings(300)
            @given(gen.labelled(strategy))
            def t(case):
                got.update(
                    x for x in gen.take_labels() if x.startswith(("prob:", "budget:"))
                )

            hseed(seed)(t)()
        return got

    default = drawn(None)
    for fmt in ("float32", "bfloat16"):
        aimed = drawn(fmt)
        for axis in ("prob:", "budget:"):
            d_all = sum(n for k, n in default.items() if k.startswith(axis))
            p_all = sum(n for k, n in aimed.items() if k.startswith(axis))
            for k, n in default.items():
                if k.startswith(axis):
                    assert aimed[k] / p_all >= 0.5 * n / d_all, (fmt, k, aimed[k], n)


def test_precision_aims_boundary_targets_at_the_sums_that_format_misses():
    def tenths(*xs):
        return [Fraction(x, 10) for x in xs]

    # 1 + 0.3 + 0.3 < 1.6 in float32, not in double: only a float32 selector misses it
    assert gen.float_traps(tenths(3, 3), "boundary", Fraction(0)) == []
    assert gen.float_traps(
        tenths(3, 3), "boundary", Fraction(0), ("double", "float32")
    ) == [2]
    assert gen.float_counts(tenths(3, 3), Fraction(8, 5), "float32") == (2, None)

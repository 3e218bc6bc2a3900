"""The cause analysis on scaled ints (verify/search/cause.py, issue 25) against the code
it replaced (tests/common/cause_reference.py, on Fractions): the same causes, text for
text, on generated instances and answers of every kind, on both numeric paths; and its
parts (rounding to a format, a scaled value's double, the float-sum counts) against the
reference's struct casts and ``float(Fraction)`` on ties, subnormals and overflow."""

import math
import random
import struct
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.common.cause_reference as ref
from solver import scaled
from solver.selection import OK, Selection, make_invalid
from solver.verdicts import FAILURE_OF_RULE, FailureKind
from tests.common.strategies import make_instance
from verify.oracles.dp import solve_dp
from verify.search import cause, precision
from verify.search import generators as gen

FORMATS = ("float32", "bfloat16", "float16")
TRIED = [(fmt, d) for d in ("prob", "log") for fmt in ("double",) + FORMATS]


def _outcome(fn, *args):
    """What a call gives: its value's repr (a float's exact digits), or its error's
    type."""
    try:
        return repr(fn(*args))
    except Exception as exc:  # the reference raises on overflow: so must we
        return type(exc).__name__


def _bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _double(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _float32(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def _half(bits: int) -> float:
    return struct.unpack("<e", struct.pack("<H", bits))[0]


def _hard_doubles() -> list[float]:
    """Doubles where a cast can go wrong: exact ties between two neighbours of each
    format (ties to even), its subnormals and their ties, the largest finite values
    and the overflow thresholds, zeros, infinities."""
    xs = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, 5e-324, 2.2250738585072014e-308]
    rng = random.Random(25)
    for _ in range(400):
        # float32: neighbours a, b (normal, subnormal, near the largest) and the tie
        for bits in (
            rng.randrange(0, 0x7F7FFFFF),
            rng.randrange(0, 0x00800000),
            rng.randrange(0x7F7FFF00, 0x7F7FFFFF),
            rng.randrange(0x3F000000, 0x40400000),  # 0.5 .. 3: sums and targets
        ):
            a, b = _float32(bits), _float32(bits + 1)
            xs += [a, b, (a + b) / 2, -(a + b) / 2]
            xs += [_double(_bits((a + b) / 2) + d) for d in (-1, 1)]
        # bfloat16: ties of the top 16 bits of a float32
        hi = rng.randrange(0, 0x7F7F) << 16
        a, b = _float32(hi), _float32(hi + 0x10000)
        xs += [(a + b) / 2, _float32(hi + 0x8000), _float32(hi + 0x8001)]
        # float16: neighbours (normal, subnormal, near 65504) and the tie
        for h in (
            rng.randrange(0, 0x7BFF),
            rng.randrange(0, 0x0400),
            rng.randrange(0x3800, 0x4200),
        ):
            a, b = _half(h), _half(h + 1)
            xs += [a, b, (a + b) / 2, _double(_bits((a + b) / 2) + 1)]
        xs.append(_double(rng.getrandbits(63)))  # any finite double (or NaN)
    xs += [65504.0, 65519.99, 65520.0, 65536.0, 3.4028234663852886e38]
    xs += [3.4028235677973366e38, 3.402823669209385e38, 1e39, 1e300]
    return [x for x in xs if x == x]  # NaN: both keep it as it is


def test_rounding_is_the_references_struct_casts_on_hard_doubles():
    xs = _hard_doubles()
    assert len(xs) > 10000
    for fmt in ("double",) + FORMATS:
        for x in xs:
            want = _outcome(ref.to_format, x, fmt)
            assert _outcome(precision.to_format, x, fmt) == want, (fmt, x)
            assert _outcome(precision.ROUNDING[fmt], x) == want, (fmt, x)
    with pytest.raises(ValueError, match="unknown format"):
        precision.to_format(0.5, "float8")


def test_a_scaled_values_double_is_the_fractions_double():
    # ties between two doubles, subnormals, values that round to 0, and unreduced
    # numerators over powers of two and ten (what the parser's common denominators are)
    rng = random.Random(2501)
    cases = [(1, 3), (2**53 + 1, 2**53), (2**54 + 2, 2**54), (3, 2**1075)]
    cases += [(1, 2**1074), (1, 2**1076), (10**400 + 1, 10**400), (6, 10)]
    for _ in range(3000):
        den = rng.choice(
            [
                2 ** rng.randrange(0, 1200),
                10 ** rng.randrange(0, 400),
                rng.randrange(1, 10**30),
                rng.randrange(1, 2**80) * 2 ** rng.randrange(0, 1100),
            ]
        )
        num = rng.randrange(0, den + 1)
        if rng.random() < 0.3:  # a tie: an odd multiple of half an ulp, scaled up
            m, e = rng.randrange(2**52, 2**53), rng.randrange(60, 1100)
            num, den = (2 * m + 1) * 3, 2 ** (e + 1) * 3
        cases.append((num, den))
    for num, den in cases:
        as_float = cause._as_float(_values_over(den))
        assert _outcome(as_float, num) == _outcome(float, F(num, den)), (num, den)


class _values_over:
    """Just enough of an ExactValues for cause._as_float: the scaled path over
    ``den``."""

    path = scaled.SCALED

    def __init__(self, den):
        self.den = den


def _value_lists():
    """Lists of path probabilities, largest first, and targets: decimals, near one,
    tiny ones that underflow a format (and one that underflows a double), zeros."""
    rng = random.Random(7)
    pools = [
        [F(k, 10) for k in range(11)],
        [F(k, 100) for k in range(101)],
        [1 - F(1, 10**k) for k in range(1, 20)],
        [F(1, 10**k) for k in (5, 8, 40, 46, 330)],
        [F(1, 2**k) for k in (1, 3, 14, 25, 126, 150, 1074)],
        [F(rng.randrange(1, 10**12), 10**12) for _ in range(30)],
        [F(0)],
    ]
    out = []
    for _ in range(1500):
        pool = rng.choice(pools) if rng.random() < 0.6 else sum(pools, [])
        values = sorted((rng.choice(pool) for _ in range(rng.randrange(0, 9))))[::-1]
        prefix = [1 + sum(values[:k], F(0)) for k in range(len(values) + 1)]
        target = rng.choice(
            [
                rng.choice(prefix),
                rng.choice(prefix) + F(rng.choice([-1, 1]), 10 ** rng.randrange(1, 18)),
                F(rng.randrange(0, 400), 100),
                F(1, 2) + F(1, 3),
                F(70000),
                F(10**39),
                F(10**400),
            ]
        )
        out.append((values, target))
    return out


def test_float_counts_and_sums_are_the_references_on_both_paths():
    for values, target in _value_lists():
        den = 1
        for x in values + [target]:
            den = den * x.denominator // math.gcd(den, x.denominator)
        ints = [x.numerator * (den // x.denominator) for x in values]
        goal = _outcome(float, target)
        for fmt, d in TRIED:
            want = _outcome(ref.format_count, values, target, fmt, d)
            assert _outcome(precision.format_count, values, target, fmt, d) == want
            if goal != "OverflowError":
                got = _outcome(
                    precision.float_count,
                    ints,
                    float(target),
                    fmt,
                    d,
                    lambda n: n / den,
                )
                assert got == want, (values, target, fmt, d)
            want = _outcome(ref.format_sum, values, fmt, d)
            assert _outcome(precision.format_sum, values, fmt, d) == want
            got = _outcome(precision.float_sum, ints, fmt, d, lambda n: n / den)
            assert got == want, (values, fmt, d)
        if goal != "OverflowError":
            # all formats at once, as the cause analysis asks: the same counts, or
            # the first error the reference meets
            outs = [_outcome(ref.format_count, values, target, f, d) for f, d in TRIED]
            errors = [o for o in outs if o.endswith("Error")]
            want = errors[0] if errors else repr([eval(o) for o in outs])
            got = _outcome(precision.float_counts, values, float(target), TRIED)
            assert got == want, (values, target)


# ------------------------------------------------------------ whole causes


RULES_AND_KINDS = [(rule, kind) for rule, kind in FAILURE_OF_RULE.items()] + [
    ("optimality", FailureKind.SUBOPTIMAL),
    ("INVALID soundness", FailureKind.WRONG_INVALID),
    ("minimal count", FailureKind.NOT_MINIMAL),
    ("minimal count", FailureKind.BELOW_MINIMUM),
    ("optimality", FailureKind.ABOVE_OPTIMUM),
]


@st.composite
def answers(draw, instance):
    """An answer to ``instance``: INVALID, or node sets (per request the optimum's
    or, in one way per answer, changed: a node dropped or swapped for another, nodes
    added, a random set; rarely nodes out of range or repeated, requests missing or
    unknown)."""
    if draw(st.integers(0, 9)) == 0:
        return make_invalid("drawn")
    best = solve_dp(instance)
    sets = {}
    mode = draw(st.sampled_from(["drop", "swap", "add", "random"]))
    for r in instance.requests:
        n = len(r.tree)
        base = set(best.selected[r.id]) if best.ok else {r.tree.root}
        how = draw(st.sampled_from(["best", mode]))
        how = "junk" if draw(st.integers(0, 19)) == 0 else how
        if how == "drop" and len(base) > 1:
            base.discard(draw(st.sampled_from(sorted(base))))
        elif how == "swap" and len(base) > 1:  # the budget spent on another node
            base.discard(draw(st.sampled_from(sorted(base - {r.tree.root}))))
            out = [v for v in range(n) if v not in base and r.tree.parent[v] in base]
            if out:
                base.add(draw(st.sampled_from(out)))
        elif how == "add":
            base |= draw(st.sets(st.integers(0, n - 1), max_size=3))
        elif how == "random":
            base = draw(st.sets(st.integers(0, n - 1)))
        sets[r.id] = sorted(base)
        if how == "junk":
            sets[r.id] = sets[r.id] + draw(
                st.lists(st.sampled_from([n, n + 5, -1, 0]), min_size=1, max_size=2)
            )
    if instance.requests and draw(st.integers(0, 9)) == 0:
        sets.pop(instance.requests[0].id)
    if draw(st.integers(0, 19)) == 0:
        sets["unknown"] = [0]
    return Selection(OK, {k: tuple(v) for k, v in sets.items()}, None, None, None)


def _same_causes(instance, answer, optimal, rule, kind, precision_, scores):
    want = ref.explain(instance, answer, optimal, rule, kind, precision_, scores)
    got = cause.explain(instance, answer, optimal, rule, kind, precision_, scores)
    assert repr(got) == repr(want), (rule, kind, precision_, scores)
    return want


@pytest.mark.parametrize("path", ["scaled", "fraction"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_every_cause_is_the_references(path, data, monkeypatch):
    if path == "fraction":  # the documented fallback: D beyond the scaling limit
        monkeypatch.setattr(scaled, "instance_denominator", lambda instance: None)
    fmt = data.draw(st.sampled_from([None, *FORMATS]))
    instance = data.draw(
        gen.instances(
            max_requests=4,
            max_nodes=7,
            monotone=data.draw(st.booleans()),
            precision=fmt,
        )
    )
    answer = data.draw(answers(instance))
    optimal = solve_dp(instance)
    seen = []
    for rule, kind in RULES_AND_KINDS:
        for scores in (None, "prob", "log"):
            seen += _same_causes(instance, answer, optimal, rule, kind, fmt, scores)
    for verdict in ("suboptimal", "infeasible", "wrong-invalid", "optimal"):
        want = ref.explain_verdict(instance, answer, verdict, optimal)
        assert repr(cause.explain_verdict(instance, answer, verdict, optimal)) == repr(
            want
        )
    assert scaled.exact_values(instance).path == path


def test_the_comparison_meets_every_cause_kind():
    """The generated cases above reach every kind of cause (else they could pass
    by comparing empty lists): the same draws, counted."""
    kinds = set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(data=st.data())
    def collect(data):
        fmt = data.draw(st.sampled_from([None, *FORMATS]))
        instance = data.draw(
            gen.instances(max_requests=4, max_nodes=7, monotone=False, precision=fmt)
        )
        answer = data.draw(answers(instance))
        optimal = solve_dp(instance)
        for rule, kind in RULES_AND_KINDS:
            for c in _same_causes(instance, answer, optimal, rule, kind, fmt, None):
                kinds.add(c["kind"])

    collect()
    assert kinds >= {
        "tie",
        "merge",
        "no tie",
        "float sum",
        "stopped early",
        "beyond budget",
        "swap",
    }, kinds


def _audit_like(rng: random.Random, monotone: bool):
    """An instance like a served iteration's (benchmarks/bench_audit.py): 12 requests
    of up to 12 nodes, two-decimal scores from a few values (ties across requests are
    common), targets 1..2.5, about 3 nodes of budget per request."""
    requests = []
    for i in range(12):
        n = rng.randint(1, 12)
        parent = [-1] + [rng.randrange(v) for v in range(1, n)]
        grid = ["1", "0.9", "0.5", "0.3", "0.25", "0.1", "0"]
        req = {"id": f"r{i}", "target": "1"}
        req["parent"] = parent
        if monotone:
            req["cond"] = ["1"] + [rng.choice(grid) for _ in parent[1:]]
        else:
            req["prob"] = ["1"] + [rng.choice(grid) for _ in parent[1:]]
        requests.append(req)
    first = make_instance(0, requests, False, not monotone)
    for req, r in zip(requests, first.requests):  # a target the tree can reach
        mass = float(r.tree.mass)
        req["target"] = f"{rng.uniform(1, min(2.5, mass)):.2f}" if mass > 1 else "1"
    return make_instance(36 + rng.randint(-8, 8), requests, False, not monotone)


def _spoiled(rng: random.Random, instance, best):
    """The optimum with a node dropped, swapped or added, or INVALID."""
    how = rng.choice(["drop", "drop", "swap", "add", "invalid"])
    if how == "invalid" or not best.ok:
        return make_invalid("recorded")
    sets = {rid: set(v) for rid, v in best.selected.items()}
    r = rng.choice(instance.requests)
    s, tree = sets[r.id], r.tree
    if how in ("drop", "swap") and len(s) > 1:
        s.discard(rng.choice(sorted(s - {tree.root})))
    if how in ("swap", "add"):
        out = [v for v in range(len(tree)) if v not in s and tree.parent[v] in s]
        if out:
            s.add(rng.choice(out))
    return Selection(OK, {k: tuple(sorted(v)) for k, v in sets.items()}, None)


@pytest.mark.parametrize("monotone", [True, False])
def test_audit_like_findings_are_explained_as_before(monotone):
    from verify.checks.judge import judge

    rng = random.Random(2025 + monotone)
    verdicts = []
    for _ in range(120):
        instance = _audit_like(rng, monotone)
        best = solve_dp(instance)
        answer = _spoiled(rng, instance, best)
        v = judge(instance, answer, use_z3=False)
        verdicts.append(v.kind)
        want = ref.explain_verdict(instance, answer, v.kind, v.optimal_selection)
        got = cause.explain_verdict(instance, answer, v.kind, v.optimal_selection)
        assert repr(got) == repr(want), v.kind
        for rule, kind in RULES_AND_KINDS:
            fmt = rng.choice([None, *FORMATS])
            scores = rng.choice([None, "prob", "log"])
            _same_causes(instance, answer, best, rule, kind, fmt, scores)
    assert {"suboptimal", "infeasible", "wrong-invalid"} <= set(verdicts)


def test_the_nodes_beyond_the_budget_are_the_references():
    # every budget from 0 (the roots alone overspend when charged) to all the nodes,
    # on random selections (orphans and nodes out of range too), ties in f included
    rng = random.Random(77)
    kinds = set()
    for _ in range(300):
        instance = _audit_like(rng, monotone=rng.random() < 0.5)
        data = instance.to_json()
        data["root_charged"] = charged = rng.random() < 0.5
        for req in data["requests"]:
            req["target"] = "1"
        total = sum(len(r["parent"]) for r in data["requests"])
        data["budget"] = rng.randint(0, total)
        instance = make_instance(
            **{k: data[k] for k in ("budget", "requests")},
            root_charged=charged,
            allow_nonmonotone=True,
        )
        selected = {}
        for r in instance.requests:
            n = len(r.tree)
            nodes = [v for v in range(n) if rng.random() < 0.7]
            selected[r.id] = nodes + ([n, -1] if rng.random() < 0.05 else [])
        want = ref.beyond_budget(instance, selected)
        assert cause.beyond_budget(instance, selected) == want
        assert list(cause.beyond_budget(instance, selected)) == list(want)
        roots = {r.id: r.tree.root for r in instance.requests}
        kinds |= {v == roots[rid] for rid, vs in want.items() for v in vs}
    assert kinds == {True, False}  # roots were marked too


def test_pairs_come_in_the_order_a_stable_sort_of_them_all_gives():
    # many ties in f, in node and across requests: the order of the old sort, pair by
    # pair, and the first widest gap, as the old max found it
    rng = random.Random(5)
    for _ in range(400):

        def nodes(k):
            return [
                (F(rng.randrange(0, 5), 4), rng.choice("ab"), rng.randrange(0, 4))
                for _ in range(k)
            ]

        took, left = nodes(rng.randrange(0, 7)), nodes(rng.randrange(0, 7))
        pairs = [(t, m) for t in took for m in left if t[0] < m[0]]
        want = sorted(pairs, key=lambda tm: (tm[1][0] - tm[0][0], tm[0][2], tm[1][2]))
        got = list(cause._by_difference(took, left))
        assert [(took.index(t), left.index(m)) for t, m in got] == [
            (took.index(t), left.index(m)) for t, m in want
        ]
        assert all(g[0] is w[0] and g[1] is w[1] for g, w in zip(got, want))
        assert len(got) == len(want)
        widest = cause._widest(took, left)
        if pairs:
            t, m = max(pairs, key=lambda tm: tm[1][0] - tm[0][0])
            assert widest is not None and widest[0] is t and widest[1] is m
        else:
            assert widest is None


def test_counts_surely_exact_only_where_every_format_counts_exactly():
    """precision.counts_surely_exact (the cause analysis skips a request's float sums
    when it says True) is True only where float_counts gives the exact count in every
    format and domain: targets drawn a relative 10^-1 .. 10^-6 from a sum, on each
    side, with values on grids, near powers of two and random; and it says True
    where the target is far from both sums, or it saves nothing."""
    rng = random.Random(2025)
    claims = tried = 0
    for _ in range(20000):
        n = rng.randint(1, 18)
        pick = rng.randrange(3)
        if pick == 0:
            values = [F(rng.randint(1, 2**20), 2**20) for _ in range(n)]
        elif pick == 1:
            values = [F(rng.randint(1, 1000), 1000) for _ in range(n)]
        else:
            values = [
                F(rng.randint(900, 1000), 1000 * 2 ** rng.randint(0, 12))
                for _ in range(n)
            ]
        values.sort(reverse=True)
        sums = [F(1)]
        for x in values:
            sums.append(sums[-1] + x)
        k = rng.randint(1, n)
        near = F(rng.choice([-1, 1]), 10 ** rng.randint(1, 6)) * F(
            rng.randint(0, 1000), 1000
        )
        target = sums[rng.choice([k - 1, k])] * (1 + near)
        if not sums[k - 1] < target <= sums[k]:
            continue
        tried += 1
        if precision.counts_surely_exact(
            k, float(sums[k - 1]), float(sums[k]), float(target), float(values[k - 1])
        ):
            claims += 1
            got = precision.float_counts(values, float(target), TRIED)
            assert got == [k] * len(TRIED), (values, target, k)
    assert claims > tried // 50, (claims, tried)  # near a sum: few claims
    # far from both sums, with a few values of a tenth or more: it claims
    for k in range(1, 6):
        values = [F(rng.randint(100, 1000), 1000) for _ in range(8)]
        values.sort(reverse=True)
        below, reach = 1 + sum(values[: k - 1]), 1 + sum(values[:k])
        mid = (below + reach) / 2
        assert precision.counts_surely_exact(
            k, float(below), float(reach), float(mid), float(values[k - 1])
        )
        assert precision.float_counts(values, float(mid), TRIED) == [k] * len(TRIED)

"""The numeric core (solver/scaled.py) against the Fraction reference, on every
generated class.

Each test runs the same work on the scaled path (ints over the common denominator) and
on the Fraction path and compares what users see, byte for byte: the reference greedy's
JSON (certificate included), the DP's answer, the judge's verdict on the greedy's answer
and on spoiled answers, the certificate checker's findings on true and forged
certificates.  The classes are the generators' (verify/search/generators.py): ties and
zeros (grid), decimals, near-one, close siblings, underflow, float32/float16/bfloat16,
non-monotone scores; and instances whose denominators are huge (the fallback) or large
but still scaled.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.parse import parse_instance
from solver.reference import solve_reference
from solver.scaled import FRACTION, SCALED, common_denominator, exact_values
from solver.selection import OK, Selection
from verify.checks import cross_check
from verify.checks.certificate import certificate_problems
from verify.checks.judge import judge
from verify.oracles.dp import solve_dp
from verify.search.generators import PROB_CLASSES, instances


def _verdict(v):
    return (v.kind, v.text, v.optimum, v.objective, v.method, v.violations, v.optimal)


def _spoiled(instance, selection: Selection, seed: int) -> list[Selection]:
    """Wrong answers near the right one: a node dropped, a foreign node added, a stated
    objective off."""
    rng = random.Random(seed)
    out = [Selection("INVALID", reason="x")]
    if selection.ok:
        sets = {r: list(s) for r, s in selection.selected.items()}
        if sets:
            rid = rng.choice(sorted(sets))
            tree = instance.request(rid).tree
            dropped = dict(
                sets, **{rid: [v for v in sets[rid] if v != rng.choice(sets[rid])]}
            )
            out.append(Selection(OK, {r: tuple(s) for r, s in dropped.items()}, None))
            added = dict(
                sets, **{rid: sorted(set(sets[rid]) | {rng.randrange(len(tree))})}
            )
            out.append(Selection(OK, {r: tuple(s) for r, s in added.items()}, None))
        out.append(
            Selection(OK, selection.selected, (selection.objective or 0) + F(1, 7))
        )
    return out


def _same_everywhere(instance, seed: int = 0) -> None:
    assert exact_values(instance, "fraction").path == FRACTION
    new, ref = solve_reference(instance, "auto"), solve_reference(instance, "fraction")
    assert new.to_json() == ref.to_json()
    assert new.dumps() == ref.dumps()
    for method in ("auto", "tree"):
        a, b = (
            solve_dp(instance, method=method),
            solve_dp(instance, method=method, numbers="fraction"),
        )
        assert (a.status, a.objective, a.reason) == (b.status, b.objective, b.reason)
    plain = Selection(new.status, new.selected, new.objective, new.reason)
    for sel in [plain] + _spoiled(instance, new, seed):
        assert _verdict(judge(instance, sel, use_z3=False)) == _verdict(
            judge(instance, sel, use_z3=False, numbers="fraction")
        )
    if new.certificate is not None:
        problems = certificate_problems(instance, new)
        assert problems == certificate_problems(instance, new, "fraction")
        if (
            instance.is_monotone()
        ):  # on other inputs the greedy's INVALID may be wrong, and is caught
            assert problems == []
        for forged in _forged(new):
            assert certificate_problems(instance, forged) == certificate_problems(
                instance, forged, "fraction"
            )


def _forged(sel: Selection) -> list[Selection]:
    cert = dict(sel.certificate)
    out = []
    if cert["kind"] == "optimal":
        lam = F(cert["lambda"])
        for delta in (F(1, 3), -F(1, 3), F(1, 10**30), -F(1, 10**30)):
            out.append(dict(cert, **{"lambda": str(lam + delta)}))
        for rid in list(cert["quota_witness"])[:1]:
            out.append(
                dict(
                    cert,
                    quota_witness={rid: str(F(cert["quota_witness"][rid]) + F(1, 3))},
                )
            )
        for rid in list(cert["quotas"])[:1]:
            out.append(
                dict(
                    cert,
                    quotas=dict(cert["quotas"], **{rid: cert["quotas"][rid] + 1}),
                    quota_witness={},
                )
            )
    else:
        for rid in list(cert["min_counts"])[:1]:
            k = cert["min_counts"][rid]
            out.append(
                dict(
                    cert,
                    min_counts=dict(
                        cert["min_counts"], **{rid: 0 if k == "unreachable" else k + 1}
                    ),
                    witness={},
                )
            )
    return [
        Selection(sel.status, sel.selected, sel.objective, sel.reason, c) for c in out
    ]


@pytest.mark.parametrize("kind", PROB_CLASSES)
@pytest.mark.parametrize("monotone", [True, False])
def test_both_paths_agree_on_every_generated_class(kind, monotone):
    seen = []

    @settings(max_examples=40, derandomize=True, database=None, deadline=None)
    @given(
        instances(prob_classes=(kind,), monotone=monotone, max_requests=3, max_nodes=7),
        st.integers(0, 99),
    )
    def run(instance, seed):
        seen.append(exact_values(instance).path)
        _same_everywhere(instance, seed)

    run()
    assert SCALED in seen  # the comparison is not vacuous: the scaled path really ran


def test_dyadic_values_scale_by_a_shift_and_agree():
    # the smallest double, exactly (a float's shortest repr, 5e-324, is a decimal: not
    # dyadic)
    tiny = f"1/{2**1074}"
    inst = parse_instance(
        {
            "budget": 3,
            "requests": [
                {
                    "id": "a",
                    "target": 1.5,
                    "parent": [-1, 0, 0, 1],
                    "prob": [1, 0.75, 0.375, tiny],
                },
                {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, 0.1]},
            ],
        }
    )  # 0.1 is 1/10: not dyadic
    assert exact_values(inst).shift is None
    dyadic = parse_instance(
        {
            "budget": 2,
            "requests": [
                {
                    "id": "a",
                    "target": 1.5,
                    "parent": [-1, 0, 0, 1],
                    "prob": [1, 0.75, 0.375, tiny],
                }
            ],
        }
    )
    ev = exact_values(dyadic)
    assert (ev.path, ev.shift, ev.den) == (SCALED, 1074, 2**1074)
    assert ev.f[0] == [2**1074, 3 * 2**1072, 3 * 2**1071, 1]
    for instance in (inst, dyadic):
        _same_everywhere(instance)


def test_huge_denominators_fall_back_to_fractions():
    primes = [
        p for p in range(3, 4000) if all(p % q for q in range(2, int(p**0.5) + 1))
    ]
    inst = parse_instance(
        {
            "budget": 5,
            "requests": [
                {
                    "id": "a",
                    "target": "1.2",
                    "parent": [-1] + [0] * len(primes),
                    "prob": ["1"] + [f"1/{p}" for p in primes],
                }
            ],
        }
    )
    assert common_denominator([F(1, p) for p in primes]) is None
    assert exact_values(inst).path == FRACTION
    sel = solve_reference(inst)
    assert sel.objective == 1 + F(1, 3) + F(1, 5) + F(1, 7) + F(1, 11) + F(1, 13)
    assert solve_dp(inst).objective == sel.objective
    assert (
        judge(inst, Selection(OK, sel.selected, None), use_z3=False).kind == "optimal"
    )
    assert cross_check.judge_mismatch(inst, Selection(OK, sel.selected, None)) is None


def test_large_but_bounded_denominators_are_scaled_and_agree():
    rng = random.Random(5)
    primes = [
        p for p in range(101, 400) if all(p % q for q in range(2, int(p**0.5) + 1))
    ][:12]
    reqs = []
    for i in range(6):
        n = 6
        parent = [-1] + [rng.randrange(v) for v in range(1, n)]
        cond = ["1"] + [f"{rng.randrange(1, p)}/{p}" for p in rng.sample(primes, n - 1)]
        reqs.append(
            {
                "id": f"r{i}",
                "target": f"{rng.randrange(100, 180)}/100",
                "parent": parent,
                "cond": cond,
            }
        )
    inst = parse_instance({"budget": 9, "requests": reqs})
    assert (
        exact_values(inst).path == SCALED and exact_values(inst).den.bit_length() > 80
    )
    _same_everywhere(inst)


def test_a_wrong_scaled_value_is_caught_by_the_cross_check(monkeypatch):
    """The cross-check can fail: plant an off-by-one in the scaled values and see it
    reported."""
    from solver import scaled

    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "r0",
                    "target": 1,
                    "parent": [-1, 0, 0],
                    "prob": [1, "0.5", "0.25"],
                }
            ],
        }
    )
    good = scaled._rescale  # the parser's ints over the instance's D
    monkeypatch.setattr(
        scaled,
        "_rescale",
        lambda nums, den, common: [
            x + (i == 2) * common for i, x in enumerate(good(nums, den, common))
        ],
    )
    sel = Selection(OK, {"r0": (0, 2)}, None)
    mismatch = cross_check.judge_mismatch(inst, sel)
    assert mismatch is not None and mismatch.startswith("numeric cross-check: the ")
    v = cross_check.cross_checked(judge(inst, sel, use_z3=False), inst, sel)
    assert v.kind == "oracle-fault" and "numeric cross-check" in v.text
    assert cross_check.solve_mismatch(inst) is not None


def test_values_are_cached_per_instance_and_path():
    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {"id": "r0", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]}
            ],
        }
    )
    assert exact_values(inst) is exact_values(inst) is exact_values(inst, "scaled")
    assert exact_values(inst, "fraction") is not exact_values(inst)
    with pytest.raises(ValueError):
        exact_values(inst, "float")


def test_audit_cross_check_keeps_verdicts_and_says_which_path_ran():
    from verify.commands.audit import AuditOptions, judge_chunk, read_chunks

    def records(options):
        return [
            r
            for chunk in read_chunks("examples/trace.jsonl", options)
            for r in judge_chunk(chunk)
        ]

    plain = records(AuditOptions(trace="examples/trace.jsonl"))
    checked = records(AuditOptions(trace="examples/trace.jsonl", cross_check=2))
    assert [r["verdict"] for r in plain] == [r["verdict"] for r in checked]
    assert [r.get("text") for r in plain] == [r.get("text") for r in checked]
    judged = [r for r in checked if r["verdict"] != "malformed"]
    assert judged and all(r["numbers"] == SCALED for r in judged)
    assert [r["line"] for r in judged if r.get("cross_checked")] == [
        r["line"] for r in judged if r["line"] % 2 == 0
    ]


def test_path_products_are_the_fraction_products():
    """solver/parse.py multiplies short fractions from their ints: the same Fractions,
    exactly."""
    from solver.parse import path_products

    rng = random.Random(3)
    for _ in range(500):
        n = rng.randint(1, 25)
        parent = [-1] + [rng.randrange(v) for v in range(1, n)]
        kind = rng.choice(["decimal", "zero", "one", "long"])

        def cond():
            if kind == "zero" and rng.random() < 0.3:
                return F(0)
            if kind == "one" and rng.random() < 0.5:
                return F(1)
            if kind == "long":  # denominators beyond the int fast path
                return F(rng.randrange(10**60), 10**60 + rng.randrange(1, 10**5))
            return F(rng.randint(0, 100), 100)

        conds = [F(1)] + [cond() for _ in range(n - 1)]
        got = path_products(parent, conds, 0, lambda msg, node: ValueError(msg))
        want = [F(1)] * n
        for v in sorted(
            range(1, n), key=lambda v: v
        ):  # parents come first: parent[v] < v
            want[v] = want[parent[v]] * conds[v]
        assert got == want and all(type(x) is F for x in got)


def _cli(args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize(
    "selection",
    [
        "sel-suboptimal.json",
        "sel-orphan.json",
        "sel-invalid.json",
        "sel-wrong-objective.json",
    ],
)
def test_check_cross_check_keeps_the_verdict_and_names_the_path(selection):
    args = [
        "check",
        "--no-z3",
        "examples/two-requests.json",
        f"tests/golden/inputs/{selection}",
    ]
    plain, checked = _cli(args), _cli(args + ["--cross-check"])
    assert checked[:2] == plain[:2]
    assert "numbers: scaled path, cross-checked with the Fraction path" in checked[2]


def test_solve_and_certify_cross_check(tmp_path):
    code, out, err = _cli(["solve", "--cross-check", "examples/two-requests.json"])
    assert (
        code == 0
        and "numbers: examples/two-requests.json: scaled path, cross-checked" in err
    )
    (tmp_path / "sel.json").write_text(out)
    code, out, err = _cli(
        [
            "certify",
            "--cross-check",
            "examples/two-requests.json",
            str(tmp_path / "sel.json"),
        ]
    )
    assert (code, out.strip()) == (0, "certificate valid: proves optimality")
    assert "scaled path, cross-checked" in err


# ------------------------------------ the suite's and test-solver's cross-check


def _plant_off_by_one(monkeypatch):
    """The scaled path adds 1 (in units of the instance's D) to each tree's last node:
    wrong on that path only, so only a cross-check can tell."""
    from solver import scaled

    good = scaled._rescale
    monkeypatch.setattr(
        scaled,
        "_rescale",
        lambda nums, den, common: (
            good(nums, den, common)[:-1] + [good(nums, den, common)[-1] + common]
        ),
    )


def _reference_on_thm_p2(cross_check: int):
    from solver.registry import get_solver
    from verify.search.claim_search import run_claim

    return run_claim(
        "THM-P2",
        "smoke",
        solver_name="reference",
        solver=get_solver("reference"),
        must_hold=True,
        seed=0,
        cross_check=cross_check,
    )


def test_property_cross_check_turns_a_scaled_path_fault_into_an_oracle_fault(
    monkeypatch,
):
    """A planted fault of the scaled path: with the cross-check every sampled case is an
    oracle fault (inconclusive, no finding, never verified)."""
    _plant_off_by_one(monkeypatch)
    assert _reference_on_thm_p2(cross_check=0).verdict == "counterexample"  # it bites
    got = _reference_on_thm_p2(cross_check=1)
    assert got.verdict == "inconclusive", (got.verdict, got.note)
    assert "oracle fault: numeric cross-check" in got.note
    assert got.counterexample is None


def test_property_cross_check_samples_one_in_n_and_says_so():
    every = _reference_on_thm_p2(cross_check=1)
    some = _reference_on_thm_p2(cross_check=5)
    off = _reference_on_thm_p2(cross_check=0)
    assert every.verdict == some.verdict == off.verdict == "verified"
    assert "numeric cross-check" not in (off.note or "")
    n_all = int(every.note.split("numeric cross-check: ")[1].split()[0])
    n_some = int(some.note.split("numeric cross-check: ")[1].split()[0])
    assert n_all >= 10 and n_some == (n_all + 4) // 5, (every.note, some.note)


def test_test_solver_and_suite_take_cross_check(capsys):
    from verify import check_solver
    from verify.commands.cli import main
    from verify.solver_check.options import Options

    assert Options(cross_check=3).cli_args()[-2:] == ["--cross-check", "3"]

    def greedy(inst):
        from solver.parse import parse_instance

        return solve_reference(parse_instance(inst)).to_json()

    got = check_solver(greedy, profile="smoke", claims=("THM-P2",), cross_check=2)
    assert got.passed and "numeric cross-check: " in got.text
    code = main(
        [
            "--profile", "smoke", "--claims", "THM-P2", "--solver", "reference",
            "--jobs", "1", "--cross-check", "4",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "numeric cross-check: " in out, out


# ------------------------------------------------ the parser's ints (the lazy model)


def _exact_way(obj, **kw):
    """The instance as validated the exact way (Fractions per node), as before the
    parser kept ints."""
    from solver import parse

    real = parse._scaled_tree, parse._tree_over

    def unsure(*a, **k):
        raise parse._Unsure

    parse._scaled_tree = parse._tree_over = unsure
    try:
        return parse.parse_instance(obj, **kw)
    finally:
        parse._scaled_tree, parse._tree_over = real


def _as_cond(obj: dict, instance) -> dict:
    """The same instance with conditionals given (f(v) / f(parent), 0 under a 0)."""
    out = dict(obj, requests=[])
    for item, r in zip(obj["requests"], instance.requests):
        item = {k: v for k, v in item.items() if k not in ("prob", "cond")}
        item["cond"] = [str(c) for c in r.tree.cond]
        out["requests"].append(item)
    return out


@pytest.mark.parametrize("kind", PROB_CLASSES)
@pytest.mark.parametrize("monotone", [True, False])
def test_parser_ints_are_the_exact_values_on_every_class(kind, monotone):
    """Parsed on ints (Tree.from_scaled) and parsed the exact way: the same values,
    the same path chosen, and the same work on both paths."""
    ints_seen = []

    @settings(max_examples=25, derandomize=True, database=None, deadline=None)
    @given(
        instances(prob_classes=(kind,), monotone=monotone, max_requests=3, max_nodes=7),
        st.integers(0, 99),
    )
    def run(instance, seed):
        obj = instance.to_json()
        texts = [obj] + ([_as_cond(obj, instance)] if monotone else [])
        for text in texts:
            kw = {"allow_nonmonotone": not monotone}
            got, want = parse_instance(text, **kw), _exact_way(text, **kw)
            assert not any(r.tree.has_scaled for r in want.requests)
            ints_seen.append(all(r.tree.has_scaled for r in got.requests))
            assert got == want
            assert [r.tree.f for r in got.requests] == [
                r.tree.f for r in instance.requests
            ]
            for a, b in zip(got.requests, want.requests):
                nums, den = a.tree.scaled
                assert [F(n, den) for n in nums] == list(b.tree.f)
                assert a.tree.f == b.tree.f and a.tree.cond == b.tree.cond
            least = common_denominator(
                [x for r in want.requests for x in r.tree.f]
                + [r.target for r in want.requests]
            )
            ev = exact_values(got)
            assert ev.path == exact_values(want).path
            assert ev.path == (FRACTION if least is None else SCALED)
            if least is not None:
                assert ev.den % least == 0  # a multiple of the least: still exact
            _same_everywhere(got, seed)

    run()
    assert any(ints_seen)  # the parser's ints really ran


def test_cond_products_are_kept_unreduced_and_exact():
    """1/2, 2/3, 3/4, ...: the unreduced products grow, the exact ones do not."""
    n = 40
    cond = ["1"] + [f"{k}/{k + 1}" for k in range(1, n)]
    obj = {
        "budget": 3,
        "requests": [
            {"id": "a", "target": 1, "parent": list(range(-1, n - 1)), "cond": cond}
        ],
    }
    inst = parse_instance(obj)
    tree = inst.requests[0].tree
    assert tree.has_scaled and tree.scaled[1] > n  # not reduced
    assert list(tree.f) == [F(1, k + 1) for k in range(n)]
    assert inst == _exact_way(obj)
    _same_everywhere(inst)


def test_values_the_ints_cannot_bound_are_validated_the_exact_way():
    """A chain of k/(k+1) long enough that the unreduced products pass every size limit
    while the exact ones are tiny: accepted, on Fractions, with the exact values."""
    n = 7000
    obj = {
        "budget": 3,
        "requests": [
            {
                "id": "a",
                "target": 1,
                "parent": list(range(-1, n - 1)),
                "cond": ["1"] + [f"{k}/{k + 1}" for k in range(1, n)],
            }
        ],
    }
    inst = parse_instance(obj)
    tree = inst.requests[0].tree
    assert not tree.has_scaled  # validated again the exact way
    assert tree.f[-1] == F(1, n) and tree.f[1] == F(1, 2)


def test_errors_are_worded_the_exact_way():
    from solver.errors import InstanceError

    bad = {
        "budget": 1,
        "requests": [
            {"id": "a", "target": 1, "parent": [-1, 0, 1], "prob": [1, "0.2", "0.3"]}
        ],
    }
    with pytest.raises(InstanceError) as got:
        parse_instance(bad)
    with pytest.raises(InstanceError) as want:
        _exact_way(bad)
    assert str(got.value) == str(want.value) and "non-monotone" in str(got.value)
    assert "node 2" in str(got.value)


def test_the_table_of_known_texts_stays_bounded():
    """One long request of distinct texts does not grow the table past its bound (it
    did: 21 MB more on a 100,000-node path before the bound applied per request)."""
    from solver import parse

    n = parse._UNIT_ENTRIES + 10
    parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": list(range(-1, n - 1)),
                    "prob": [f"{n - i}/{n}" for i in range(n)],
                }
            ],
        }
    )
    assert len(parse._UNITS) <= parse._UNIT_ENTRIES
    small = {"budget": 1, "requests": [{"id": "b", "target": 1, "parent": [-1, 0],
                                        "prob": ["1", "0.123"]}]}  # fmt: skip
    parse_instance(small)
    assert parse._UNITS["0.123"] == (F(123, 1000), (123, 1000))

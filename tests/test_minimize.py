"""The reduction pass after shrinking (verify/search/minimize.py): what it returns still
fails, is no larger, and stays inside the input domain (same convention, targets only
lowered)."""

from fractions import Fraction

from hypothesis import given, settings

from solver.parse import parse_instance
from verify.search import generators as gen
from verify.search.minimize import reduce_instance, size


def test_keeps_only_failing_candidates_and_reaches_the_core():
    inst = parse_instance(
        {
            "budget": 4,
            "root_charged": True,
            "requests": [
                {
                    "id": "a",
                    "target": "2",
                    "parent": [1, -1, 1, 0],
                    "prob": ["1/2", "1", "1/3", "1/4"],
                },
                {"id": "b", "target": "1", "parent": [-1, 0], "prob": ["1", "1/2"]},
            ],
        }
    )

    # "fails" while request a keeps node 3's parent chain and the budget is at least 3
    def fails(i):
        a = i.request("a") if "a" in i.index else None
        return a is not None and len(a.tree) >= 3 and i.budget >= 3

    small, calls = reduce_instance(inst, fails)
    assert fails(small) and calls > 0
    assert small.root_charged is True
    assert size(small) == (3, 1, 3)


def test_a_raising_check_is_not_evidence():
    inst = parse_instance(
        {
            "budget": 2,
            "requests": [
                {
                    "id": "a",
                    "target": "1",
                    "parent": [-1, 0, 1],
                    "prob": ["1", "1/2", "1/4"],
                }
            ],
        }
    )

    def boom(i):
        raise RuntimeError("solver crashed")

    small, calls = reduce_instance(inst, boom)
    assert small is inst and calls > 0


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(gen.instances(max_nodes=6, max_requests=3))
def test_reduction_never_grows_and_never_raises_a_target(inst):
    seen = []

    def fails(i):
        seen.append(i)
        return any(len(r.tree) >= 2 for r in i.requests)  # a non-root node somewhere

    small, _ = reduce_instance(inst, fails)
    assert size(small) <= size(inst)
    if fails(inst):
        assert fails(small)
        # fixed point: no single simplification of the result still fails, within the
        # budget of calls
        assert small.total_nodes == 2 and len(small.requests) == 1 and small.budget == 0
    targets = {r.id: r.target for r in inst.requests}
    for cand in seen:
        assert cand.root_charged == inst.root_charged
        assert all(r.target <= max(targets[r.id], Fraction(1)) for r in cand.requests)


def test_candidates_outside_the_restrictions_are_never_tried():
    """--single-request, --min-budget, --min-nodes: dropping the only request, lowering
    the budget below the minimum or cutting a tree below the minimum is not even tried
    (issue 11: a report never shows an input the solver was not declared to handle)."""
    from verify.search.restrictions import Restrictions

    inst = parse_instance(
        {
            "budget": 3,
            "requests": [
                {
                    "id": "a",
                    "target": "1",
                    "parent": [-1, 0, 1, 1],
                    "prob": ["1", "1/2", "1/4", "1/8"],
                }
            ],
        }
    )
    r = Restrictions(single_request=True, min_budget=2, min_nodes=3)
    tried = []

    def fails(i):  # everything "fails": only the restrictions stop the reduction
        tried.append(i)
        return True

    small, _ = reduce_instance(inst, fails, inside=r.contains)
    assert tried and all(r.contains(i) for i in tried)
    assert len(small.requests) == 1 and small.budget == 2 and small.total_nodes == 3
    small, _ = reduce_instance(inst, fails)  # without them it would go down to nothing
    assert small.requests == ()


def test_same_signature_only_through_the_campaign():
    """The campaign's reducer keeps a candidate only if it fails with the same
    signature: a solver that is over budget on budget 0 and raises on empty instances is
    reported over budget, on one request."""
    from verify.solver_check import Options, Restrictions, run
    from verify.subject.spec import SolverSpec

    res = run(
        SolverSpec("callable", "tests.quality.planted:raises_outside_domain"),
        Options(
            examples=20,
            claims=("RULE-BUDGET",),
            restrictions=Restrictions(single_request=True),
        ),
    )
    (r,) = res.results
    assert r.counterexample["signature"] == {
        "property": "RULE-BUDGET",
        "rule": "budget",
        "kind": "over budget",
        "cause": "beyond budget",
    }
    assert len(parse_instance(r.counterexample["instance"]).requests) == 1

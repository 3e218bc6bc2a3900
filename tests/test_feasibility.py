"""The feasibility checker's one-pass shortcut (solver/feasibility.py).

``feasible_total`` may only answer where the rule-by-rule check finds nothing,
and then with the exact total; on plain well-formed answers it must answer
(else the shortcut would never be taken).
"""

import random
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.feasibility import feasible_total, rule_by_rule, violations
from solver.parse import parse_instance
from solver.scaled import exact_values
from tests.common.brute import rooted_subtrees
from verify.search.generators import instances


@st.composite
def selections(draw, instance):
    """Rooted subtrees, sometimes broken: a stray node (an orphan where there is
    one), a repeated, negative, out of range or non-int entry, a missing root or
    request, an unknown request; as lists, tuples or generators."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    selected = {}
    for r in instance.requests:
        tree, nodes = r.tree, list(rng.choice(rooted_subtrees(r.tree)))
        outside = [v for v in range(len(tree)) if v not in nodes]
        orphans = [v for v in outside if tree.parent[v] not in nodes]
        fault = rng.randrange(14)
        if fault == 0 and outside:
            nodes.append(rng.choice(orphans or outside))
        elif fault == 1:
            nodes.append(rng.choice(nodes))
        elif fault == 2:
            nodes.append(rng.choice([-1, len(tree), True, 1.0, "1"]))
        elif fault == 3:
            nodes.remove(tree.root)
        elif fault == 4:
            continue  # the request is missing
        rng.shuffle(nodes)
        selected[r.id] = (
            tuple(nodes) if fault == 5 else iter(nodes) if fault == 6 else nodes
        )
    if rng.randrange(20) == 0:
        selected["not-a-request"] = [0]
    return selected


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(instances(monotone=True), instances(monotone=False)),
    st.data(),
    st.sampled_from(["auto", "fraction"]),
)
def test_the_shortcut_answers_only_when_no_rule_breaks(instance, data, numbers):
    if data.draw(st.booleans()):  # budget and targets met: the other rules decide
        obj = instance.to_json()
        obj["budget"] = instance.total_nodes
        for r in obj["requests"]:
            r["target"] = "0"
        instance = parse_instance(obj, allow_nonmonotone=True)
    selected = data.draw(selections(instance))
    listed = {rid: list(s) for rid, s in selected.items()}  # iterators read once
    ev = exact_values(instance, numbers)
    exact = F(0)  # of the valid nodes: the total when every rule holds
    for rid, nodes in listed.items():
        if rid in instance.index:
            i = instance.index[rid]
            size = len(instance.requests[i].tree)
            good = {v for v in nodes if type(v) is int and 0 <= v < size}
            exact += ev.exact(ev.value(i, good))
    stated = data.draw(st.sampled_from([None, exact, F(1, 7)]))
    rules = rule_by_rule(instance, listed, stated, numbers)
    total = feasible_total(instance, selected, stated, numbers)
    if total is not None:
        assert rules == [] and ev.exact(total) == exact
    elif rules == [] and all(type(n) in (list, tuple) for n in selected.values()):
        raise AssertionError("a feasible well-formed answer missed the shortcut")
    assert violations(instance, listed, stated, numbers) == rules


def test_rule_by_rule_keeps_only_answers_that_cannot_change():
    """rule_by_rule keeps the last answer's violations with the instance (the judge
    and the cause analysis both ask for them): asked again with the same objects it
    answers the same, a fresh list; an answer changed in any way is judged again."""
    inst = parse_instance(
        {
            "budget": 2,
            "requests": [
                {"id": "r0", "target": 1, "parent": [-1, 0, 1], "prob": [1, 0.5, 0.25]}
            ],
        }
    )
    orphan = {"r0": (0, 2)}
    first = rule_by_rule(inst, orphan)
    assert [v.rule for v in first] == ["rooted"]
    again = rule_by_rule(inst, orphan)
    assert again == first and again is not first
    again.clear()  # the caller's own list
    assert rule_by_rule(inst, orphan) == first
    orphan["r0"] = (0, 1)  # another tuple under the same key
    assert rule_by_rule(inst, orphan) == []
    assert [v.rule for v in rule_by_rule(inst, orphan, F(1))] == ["objective"]
    as_list = {"r0": [0, 2]}  # lists can change in place: never kept
    assert rule_by_rule(inst, as_list) == first
    as_list["r0"].append(1)
    assert rule_by_rule(inst, as_list) == []
    swapped = {"r0": (0, 2)}
    assert rule_by_rule(inst, swapped) == first
    swapped["r1"] = swapped.pop("r0")  # the same tuple under another key
    assert [v.rule for v in rule_by_rule(inst, swapped)] == ["format", "format"]

"""Causes (verify/search/cause.py) on hand-made answers: each cause class, its numbers,
and that the class joins the failure's signature (issue 20, parts 4 and 6).

Every expected text and number here is worked out by hand (IEEE arithmetic checked with
the struct-based rounding of verify/search/precision.py's doctests), not taken from the
code."""

from fractions import Fraction as F

from solver.parse import parse_instance
from solver.selection import make_invalid, make_ok
from verify.search.cause import cause_class, explain, explain_verdict
from verify.search.defects import decline_like, defect_key, merge_defects
from verify.search.properties import Failure, signature


def _inst(budget, *reqs, charged=False):
    return parse_instance(
        {
            "budget": budget,
            "root_charged": charged,
            "requests": [
                {
                    "id": rid,
                    "target": str(t),
                    "parent": parent,
                    "prob": [str(x) for x in prob],
                }
                for rid, t, parent, prob in reqs
            ],
        }
    )


def test_a_wrong_invalid_only_float32_addition_explains_names_float32():
    # 1 + 0.3 + 0.3 is 1.6 in double but 1.5999999 < 1.6 in float32
    inst = _inst(2, ("a", F(8, 5), [-1, 0, 0], [1, F(3, 10), F(3, 10)]))
    (c,) = explain(
        inst, make_invalid("spent"), None, "INVALID soundness", "wrong INVALID"
    )
    assert (
        c["kind"] == "float sum" and c["format"] == "float32" and c["domain"] == "prob"
    )
    assert "with 2 node(s) exactly but never in float32" in c["text"]
    assert "IEEE double" not in c["text"]


def test_a_double_sum_that_meets_a_target_exactly_missed_is_named_first():
    # a target 1 + 2^-60, which a double rounds to 1: the root alone "meets" it
    inst = _inst(1, ("a", 1 + F(1, 2**60), [-1, 0], [1, F(1, 2)]))
    out = make_ok(inst, {"a": [0]})
    causes = explain(inst, out, None, "target", "target missed")
    assert causes[0]["kind"] == "float sum" and causes[0]["format"] == "double"
    assert (
        "sum to 1.0 in IEEE double (also float32, bfloat16, float16; from log f:"
        in causes[0]["text"]
    )
    # the budget unit left and node 1 make it a request stopped early too: named after
    # the sum
    assert [c["kind"] for c in causes] == ["float sum", "stopped early"]


def test_a_request_stopped_with_budget_left_is_stopped_early():
    inst = _inst(2, ("a", 2, [-1, 0, 1], [1, F(1, 2), F(1, 2)]), ("b", 1, [-1], [1]))
    (c,) = explain(
        inst, make_ok(inst, {"a": [0, 1], "b": [0]}), None, "target", "target missed"
    )
    assert c["kind"] == "stopped early" and c["nodes"] == [2]
    assert c["text"].startswith(
        "request 'a' stopped at 1 node(s), below its target 2 (reaches 3/2), "
        "with 1 budget unit(s) left and node 2 (f = 1/2) still available"
    )


def test_budget_spent_past_another_target_is_stopped_early_too():
    # b's target 1 is met by its root; its node 1 could be dropped: the budget went past
    # its target
    inst = _inst(
        2, ("a", 2, [-1, 0, 1], [1, F(1, 2), F(1, 2)]), ("b", 1, [-1, 0], [1, F(1, 2)])
    )
    (c,) = explain(
        inst, make_ok(inst, {"a": [0, 1], "b": [0, 1]}), None, "target", "target missed"
    )
    assert (
        c["kind"] == "stopped early"
        and "budget spent on request 'b' past its target" in c["text"]
    )


def test_a_log_probability_merge_is_named_when_f_does_not_merge():
    # 1/5 and 1/5 * (1 - 1/1000) differ by 0.1 %: below bfloat16's step (8 bits, about
    # 0.4 %)
    # as f, and as log f too (log(1/5) = -1.609, bfloat16 step 2^-7 there, 0.001 apart);
    # --scores log names the log domain only, --scores prob the f domain only
    inst = _inst(1, ("a", 1, [-1, 0, 0], [1, F(1, 5) * (1 - F(1, 1000)), F(1, 5)]))
    out = make_ok(inst, {"a": [0, 1]})
    opt = make_ok(inst, {"a": [0, 2]})
    (c,) = explain(inst, out, opt, "optimality", "suboptimal", scores="log")
    assert c["kind"] == "merge" and c["domain"] == "log" and c["format"] == "bfloat16"
    assert "their log-probabilities are equal after rounding to bfloat16" in c["text"]
    (c,) = explain(inst, out, opt, "optimality", "suboptimal", scores="prob")
    assert c["kind"] == "merge" and "domain" not in c and c["format"] == "bfloat16"


def test_unspent_budget_explains_a_suboptimal_answer():
    inst = _inst(1, ("a", 1, [-1, 0], [1, F(1, 2)]))
    (c,) = explain(
        inst,
        make_ok(inst, {"a": [0]}),
        make_ok(inst, {"a": [0, 1]}),
        "optimality",
        "suboptimal",
    )
    assert c["kind"] == "stopped early" and c["text"].startswith(
        "1 budget unit(s) left unspent"
    )


def test_the_cause_class_is_part_of_the_signature():
    a = Failure(
        "x",
        rule="target",
        kind="target missed",
        causes=({"kind": "float sum", "text": ""},),
    )
    b = Failure(
        "y",
        rule="target",
        kind="target missed",
        causes=({"kind": "stopped early", "text": ""},),
    )
    assert signature("THM-P2", a) != signature("THM-P2", b)
    assert signature("THM-P2", a)[:3] == signature("THM-P2", b)[:3]
    assert (
        cause_class([{"kind": "underflow"}]) == "merge" and Failure("z").cause == "none"
    )


def test_audit_verdicts_are_explained_like_findings():
    inst = _inst(0, ("a", 1, [-1, 0], [1, F(1, 2)]))
    (c,) = explain_verdict(inst, make_ok(inst, {"a": [0, 1]}), "infeasible")
    assert c["kind"] == "beyond budget" and c["marked"] == {"a": [1]}
    assert explain_verdict(inst, make_ok(inst, {"a": [0]}), "optimal") == []


class _Res:
    def __init__(self, claim, findings):
        self.claim, self.findings = claim, findings


def _rec(target, selected, kind="over budget", rule="budget", prop="X", condition="c"):
    return {
        "instance": {
            "budget": 0,
            "root_charged": False,
            "requests": [
                {"id": "r0", "target": target, "parent": [-1, 0], "prob": ["1", "1"]}
            ],
        },
        "output": {"status": "OK", "selected": {"r0": selected}},
        "condition": condition,
        "signature": {
            "property": prop,
            "rule": rule,
            "kind": kind,
            "cause": "beyond budget",
        },
    }


def test_one_defect_of_three_properties_is_one_finding():
    results = [
        _Res("RULE-BUDGET", [_rec("1", [0, 1])]),
        _Res("THM-P2", [_rec("1/2", [1, 0])]),
        _Res(
            "LEM-C2",
            [
                _rec("0", [0, 1]),
                _rec("0", [0, 1], kind="suboptimal", rule="optimality"),
            ],
        ),
    ]
    assert merge_defects(results) == 2
    first = results[0].findings[0]
    assert "same_as" not in first and first["properties"] == [
        "RULE-BUDGET",
        "THM-P2",
        "LEM-C2",
    ]
    assert results[1].findings[0]["same_as"] == {
        "property": "RULE-BUDGET",
        "finding": 1,
    }
    assert (
        "same_as" not in results[2].findings[1]
        and "properties" not in results[2].findings[1]
    )
    # a target above 1 is another instance
    assert defect_key(_rec("2", [0, 1])) != defect_key(_rec("1", [0, 1]))


def test_decline_like_exceptions_are_grouped():
    hint = (
        " (an exception, so a finding; to decline an input, raise verify.Unsupported or"
        " answer UNSUPPORTED)"
    )
    results = [
        _Res(
            "A",
            [
                _rec(
                    "1",
                    [0],
                    "raised",
                    "Unsupported",
                    condition="solver raised Unsupported: x" + hint,
                )
            ],
        ),
        _Res(
            "B",
            [
                _rec(
                    "1",
                    [0],
                    "raised",
                    "Unsupported",
                    condition="solver raised Unsupported: y" + hint,
                )
            ],
        ),
        _Res(
            "C",
            [
                _rec(
                    "1",
                    [0],
                    "raised",
                    "ValueError",
                    condition="solver raised ValueError: bad",
                )
            ],
        ),
    ]
    assert decline_like(results) == [("Unsupported", ["A", "B"])]

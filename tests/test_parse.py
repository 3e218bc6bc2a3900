"""Reading instances: exact numbers, node order, cond input, and every validation error.

Concept: an instance file is either turned into exactly the instance its text
denotes, or rejected with one line that names the file, the request id and the
node index (docs/format.md) -- never a traceback, never a silent repair.

Each error case is a mutation of one valid base instance plus the substrings,
request and node its message must name.  Expected values are written by hand.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from fractions import Fraction as F
from pathlib import Path

import pytest

from solver.errors import InstanceError
from solver.parse import load_instance, loads_instance, parse_instance

REPO = Path(__file__).resolve().parent.parent

# Request "a": root first, given by path probabilities.
# Request "b": root at index 1, given by conditional probabilities.
BASE = {
    "budget": 3,
    "root_charged": False,
    "requests": [
        {
            "id": "a",
            "target": "1.5",
            "parent": [-1, 0, 0, 1],
            "prob": [1, "0.7", "0.2", "0.42"],
        },
        {"id": "b", "target": 1, "parent": [2, -1, 1], "cond": ["1/2", 1, 0.5]},
    ],
}


def mutated(fn):
    obj = copy.deepcopy(BASE)
    fn(obj)
    return obj


def setter(*path_and_value):
    """A mutation that sets obj[k1][k2]...[kn] = value (value is the last argument)."""
    *path, value = path_and_value

    def fn(obj):
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = value

    return fn


def deleter(*path):
    def fn(obj):
        for key in path[:-1]:
            obj = obj[key]
        del obj[path[-1]]

    return fn


def A(*rest):  # path into request "a"
    return ("requests", 0) + rest


def B(*rest):  # path into request "b"
    return ("requests", 1) + rest


nan, inf = (
    float("nan"),
    float("inf"),
)  # json.dumps writes these as NaN / Infinity literals

# (case id, mutation, expected substrings, request named, node named)
ERRORS = [
    # --- top level
    # -------------------------------------------------------------------------
    (
        "unknown-top-field",
        setter("budgett", 3),
        ["unknown field 'budgett'"],
        None,
        None,
    ),
    ("missing-budget", deleter("budget"), ["missing field 'budget'"], None, None),
    ("missing-requests", deleter("requests"), ["missing field 'requests'"], None, None),
    (
        "requests-not-list",
        setter("requests", {"a": 1}),
        ["requests: must be a list"],
        None,
        None,
    ),
    ("budget-negative", setter("budget", -1), ["budget", ">= 0", "-1"], None, None),
    (
        "budget-float-8.0",
        setter("budget", 8.0),
        ["budget", "integer", "8.0"],
        None,
        None,
    ),
    (
        "budget-fraction",
        setter("budget", 2.5),
        ["budget", "integer", "5/2"],
        None,
        None,
    ),
    ("budget-true", setter("budget", True), ["budget", "integer", "true"], None, None),
    ("budget-string", setter("budget", "3"), ["budget", "integer", '"3"'], None, None),
    ("budget-null", setter("budget", None), ["budget", "null"], None, None),
    (
        "root-charged-string",
        setter("root_charged", "yes"),
        ["root_charged", "true or false"],
        None,
        None,
    ),
    (
        "root-charged-int",
        setter("root_charged", 1),
        ["root_charged", "true or false"],
        None,
        None,
    ),
    # --- request fields
    # ----------------------------------------------------------------------
    (
        "request-not-object",
        setter("requests", 1, [1, 2]),
        ["must be a JSON object"],
        "#1",
        None,
    ),
    (
        "unknown-request-field",
        setter(*A("probs"), [1]),
        ["unknown field 'probs'"],
        "a",
        None,
    ),
    ("missing-id", deleter(*B("id")), ["missing field 'id'"], "#1", None),
    ("missing-target", deleter(*A("target")), ["missing field 'target'"], "a", None),
    ("missing-parent", deleter(*A("parent")), ["missing field 'parent'"], "a", None),
    ("id-integer", setter(*B("id"), 5), ["id", "string", "5"], "#1", None),
    ("id-empty", setter(*B("id"), ""), ["id", "non-empty string"], "", None),
    ("duplicate-id", setter(*B("id"), "a"), ["duplicate request id", "#0"], "a", None),
    ("target-word", setter(*A("target"), "abc"), ["target", "'abc'"], "a", None),
    ("target-true", setter(*A("target"), True), ["target", "true"], "a", None),
    ("target-list", setter(*A("target"), [1]), ["target", "list"], "a", None),
    ("target-NaN-literal", setter(*A("target"), nan), ["target", "NaN"], "a", None),
    ("target-string-inf", setter(*A("target"), "inf"), ["target", "'inf'"], "a", None),
    # --- parent array
    # ------------------------------------------------------------------------
    (
        "parent-not-list",
        setter(*A("parent"), 0),
        ["parent", "non-empty list"],
        "a",
        None,
    ),
    ("parent-empty", setter(*A("parent"), []), ["parent", "non-empty list"], "a", None),
    (
        "parent-entry-string",
        setter(*A("parent", 2), "0"),
        ["parent", '"0"', "not an integer"],
        "a",
        2,
    ),
    (
        "parent-entry-float",
        setter(*A("parent", 2), 0.0),
        ["parent", "0.0", "not an integer"],
        "a",
        2,
    ),
    (
        "parent-entry-true",
        setter(*A("parent", 2), True),
        ["parent", "true", "not an integer"],
        "a",
        2,
    ),
    ("no-root", setter(*A("parent"), [1, 0, 0, 1]), ["no root"], "a", None),
    (
        "two-roots",
        setter(*A("parent"), [-1, -1, 0, 1]),
        ["several roots", "0", "1"],
        "a",
        1,
    ),
    ("three-roots", setter(*B("parent"), [-1, -1, -1]), ["several roots"], "b", 1),
    (
        "index-too-big",
        setter(*A("parent", 2), 4),
        ["out of range", "4", "-1..3"],
        "a",
        2,
    ),
    ("index-too-small", setter(*A("parent", 3), -2), ["out of range", "-2"], "a", 3),
    ("self-loop", setter(*A("parent", 1), 1), ["self-loop"], "a", 1),
    ("self-loop-late", setter(*B("parent", 2), 2), ["self-loop"], "b", 2),
    ("cycle-2", setter(*A("parent"), [-1, 2, 1, 0]), ["cycle"], "a", 1),
    ("cycle-3", setter(*A("parent"), [-1, 3, 1, 2]), ["cycle"], "a", 1),
    # --- prob / cond
    # -------------------------------------------------------------------------
    (
        "prob-too-short",
        setter(*A("prob"), [1, "0.7", "0.2"]),
        ["prob", "3 values", "4 nodes"],
        "a",
        None,
    ),
    (
        "prob-too-long",
        setter(*A("prob"), [1, 0.7, 0.2, 0.1, 0]),
        ["prob", "5 values", "4 nodes"],
        "a",
        None,
    ),
    (
        "cond-too-short",
        setter(*B("cond"), [1]),
        ["cond", "1 values", "3 nodes"],
        "b",
        None,
    ),
    ("prob-not-list", setter(*A("prob"), "1"), ["prob", "must be a list"], "a", None),
    (
        "both-prob-and-cond",
        setter(*A("cond"), [1, 0.7, 0.2, 0.6]),
        ["exactly one", "not both"],
        "a",
        None,
    ),
    (
        "neither-prob-nor-cond",
        deleter(*A("prob")),
        ["exactly one of 'prob'", "'cond'"],
        "a",
        None,
    ),
    (
        "prob-NaN-literal",
        setter(*A("prob", 2), nan),
        ["prob", "NaN", "not a finite"],
        "a",
        2,
    ),
    ("prob-Infinity-literal", setter(*A("prob", 2), inf), ["prob", "Infinity"], "a", 2),
    (
        "prob-minus-Infinity-literal",
        setter(*A("prob", 2), -inf),
        ["prob", "-Infinity"],
        "a",
        2,
    ),
    ("prob-string-nan", setter(*A("prob", 2), "nan"), ["prob", "'nan'"], "a", 2),
    ("prob-string-NaN", setter(*A("prob", 2), "NaN"), ["prob", "'NaN'"], "a", 2),
    ("prob-string-inf", setter(*A("prob", 2), "inf"), ["prob", "'inf'"], "a", 2),
    (
        "prob-string-Infinity",
        setter(*A("prob", 2), "-Infinity"),
        ["prob", "'-Infinity'"],
        "a",
        2,
    ),
    ("prob-string-empty", setter(*A("prob", 2), ""), ["prob", "''"], "a", 2),
    ("prob-true", setter(*A("prob", 2), True), ["prob", "true"], "a", 2),
    ("prob-null", setter(*A("prob", 2), None), ["prob", "got null"], "a", 2),
    (
        "prob-zero-denominator",
        setter(*A("prob", 2), "1/0"),
        ["prob", "zero denominator"],
        "a",
        2,
    ),
    (
        "prob-above-one",
        setter(*A("prob", 2), 1.5),
        ["prob", "3/2", "outside [0, 1]"],
        "a",
        2,
    ),
    (
        "prob-fraction-above-one",
        setter(*A("prob", 3), "5/4"),
        ["prob", "5/4", "outside [0, 1]"],
        "a",
        3,
    ),
    (
        "prob-negative",
        setter(*A("prob", 2), "-0.1"),
        ["prob", "-1/10", "outside [0, 1]"],
        "a",
        2,
    ),
    (
        "prob-just-above-one",
        setter(*A("prob", 1), "1.000000000000000000001"),
        ["outside [0, 1]"],
        "a",
        1,
    ),
    (
        "cond-above-one",
        setter(*B("cond", 2), "1.01"),
        ["cond", "101/100", "outside [0, 1]"],
        "b",
        2,
    ),
    ("cond-NaN", setter(*B("cond", 0), nan), ["cond", "NaN"], "b", 0),
    (
        "prob-root-not-one",
        setter(*A("prob", 0), "0.9"),
        ["root", "must be 1", "9/10"],
        "a",
        0,
    ),
    ("prob-root-zero", setter(*A("prob", 0), 0), ["root", "must be 1", "0"], "a", 0),
    (
        "cond-root-not-one",
        setter(*B("cond", 1), "1/2"),
        ["cond", "root", "must be 1"],
        "b",
        1,
    ),
    (
        "non-monotone",
        setter(*A("prob", 3), "0.8"),
        ["non-monotone", "4/5", "7/10", "parent 1", "--allow-nonmonotone"],
        "a",
        3,
    ),
    (
        "non-monotone-by-tiny",
        setter(*A("prob", 3), "0.700000000000000000000000000001"),
        ["non-monotone"],
        "a",
        3,
    ),
]


def _check_error(exc: InstanceError, source: str, expect, request, node):
    msg = str(exc)
    assert "\n" not in msg and msg == exc.one_line()
    assert msg.startswith(source + ": "), msg
    assert exc.request == request and exc.node == node, msg
    if request is not None:
        assert f"request {request!r}" in msg
    if node is not None:
        assert f"node {node}:" in msg
    for part in expect:
        assert part in msg, (part, msg)


@pytest.mark.parametrize(
    "mutation, expect, rid, node", [pytest.param(*row[1:], id=row[0]) for row in ERRORS]
)
def test_invalid_instance_is_one_line_error(tmp_path, mutation, expect, rid, node):
    text = json.dumps(
        mutated(mutation)
    )  # floats nan/inf become the JSON literals NaN/Infinity
    path = tmp_path / "bad-instance.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstanceError) as info:
        load_instance(path)
    _check_error(info.value, str(path), expect, rid, node)
    # the same through text with an explicit source; --allow-nonmonotone relaxes nothing
    # else
    with pytest.raises(InstanceError) as info:
        loads_instance(
            text, source="given.json", allow_nonmonotone="non-monotone" not in expect
        )
    _check_error(info.value, "given.json", expect, rid, node)


def test_top_level_not_an_object(tmp_path):
    for text in ("[]", "3", '"budget"', "null"):
        with pytest.raises(InstanceError) as info:
            loads_instance(text, source="top.json")
        assert str(info.value) == "top.json: an instance must be a JSON object"


# (case id, raw file text, expected substrings): errors found while reading the JSON
# text itself
RAW_ERRORS = [
    ("empty-file", "", ["invalid JSON", "line 1 column 1"]),
    ("truncated", '{"budget": 1, "requests": [', ["invalid JSON"]),
    ("trailing-comma", '{"budget": 1, "requests": [],}', ["invalid JSON"]),
    ("single-quotes", "{'budget': 1, 'requests': []}", ["invalid JSON"]),
    (
        "duplicate-top-key",
        '{"budget": 1, "budget": 2, "requests": []}',
        ["invalid JSON", "duplicate key 'budget'"],
    ),
    (
        "duplicate-request-key",
        (
            '{"budget": 1, "requests": [{"id": "a", "target": 1, "parent": [-1],'
            ' "prob": [1], "prob": [1]}]}'
        ),
        ["invalid JSON", "duplicate key 'prob'"],
    ),
    (
        "huge-integer",
        '{"budget": 1' + "0" * 5000 + ', "requests": []}',
        ["budget: ", "too many digits"],
    ),
]
# too-long JSON numbers inside a request name the request and field:
# tests/test_hostile_inputs.py


@pytest.mark.parametrize(
    "text, expect", [pytest.param(*row[1:], id=row[0]) for row in RAW_ERRORS]
)
def test_unreadable_json_is_one_line_error(tmp_path, text, expect):
    path = tmp_path / "raw.json"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InstanceError) as info:
        load_instance(path)
    assert (
        time.perf_counter() - start < 5
    )  # 1e-999999999 must not be expanded into a billion digits
    _check_error(info.value, str(path), expect, None, None)


def test_huge_numbers_in_strings_are_rejected_quickly():
    obj = mutated(setter(*A("target"), "1e-999999999"))
    with pytest.raises(InstanceError, match="too many digits"):
        parse_instance(obj, source="s.json")
    obj = mutated(setter(*A("target"), "1/" + "7" * 5000))
    with pytest.raises(InstanceError, match="too many digits"):
        parse_instance(obj, source="s.json")


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"budget": 1, "requests": [], "x": "\xff"}')
    with pytest.raises(InstanceError) as info:
        load_instance(path)
    _check_error(info.value, str(path), ["not UTF-8"], None, None)
    missing = tmp_path / "nope.json"
    with pytest.raises(InstanceError) as info:
        load_instance(missing)
    _check_error(info.value, str(missing), ["cannot read file"], None, None)


# --- what valid input means
# --------------------------------------------------------------------


def test_base_instance_parses_to_hand_computed_values():
    inst = parse_instance(BASE)
    assert inst.budget == 3 and inst.root_charged is False
    a, b = inst.requests
    assert a.id == "a" and a.target == F(3, 2) and a.given == "prob"
    assert a.tree.f == (1, F(7, 10), F(1, 5), F(21, 50))
    assert a.tree.root == 0
    # b: root is node 1; node 2 hangs from it (cond 1/2), node 0 from node 2 (cond 1/2)
    assert b.given == "cond" and b.tree.root == 1
    assert b.tree.f == (F(1, 4), 1, F(1, 2))
    assert b.tree.cond == (F(1, 2), 1, F(1, 2))
    assert b.tree.depth == (2, 0, 1)


def test_empty_request_list_is_valid():
    inst = loads_instance('{"budget": 0, "requests": []}')
    assert inst.requests == () and inst.budget == 0 and inst.node_budget == 0
    inst = loads_instance('{"budget": 2, "root_charged": true, "requests": []}')
    assert inst.root_charged and inst.node_budget == 2


def test_root_charged_defaults_to_false_and_moves_node_budget():
    obj = copy.deepcopy(BASE)
    del obj["root_charged"]
    assert parse_instance(obj).root_charged is False
    assert parse_instance(obj).node_budget == 3
    obj["root_charged"] = True
    assert parse_instance(obj).node_budget == 3 - 2


def test_nodes_in_any_order():
    # root at index 3; edges 3->1, 1->0, 3->2, 0->4
    inst = loads_instance(
        json.dumps(
            {
                "budget": 1,
                "requests": [
                    {
                        "id": "x",
                        "target": 1,
                        "parent": [1, 3, 3, -1, 0],
                        "prob": ["0.5", "0.6", "0.3", 1, "0.25"],
                    }
                ],
            }
        )
    )
    t = inst.requests[0].tree
    assert t.root == 3
    assert t.depth == (2, 1, 1, 0, 3)
    assert t.children[3] == (1, 2) and t.children[1] == (0,) and t.children[0] == (4,)
    assert t.order[0] == 3 and t.order.index(0) < t.order.index(4)
    assert t.f == (F(1, 2), F(3, 5), F(3, 10), 1, F(1, 4))


@pytest.mark.parametrize(
    "written, exact",
    [
        (0.7, F(7, 10)),
        ("0.7", F(7, 10)),
        ("7/10", F(7, 10)),
        ("70e-2", F(7, 10)),
        (7e-1, F(7, 10)),
        ("1e-3", F(1, 1000)),
        (1e-3, F(1, 1000)),
        ("0.001", F(1, 1000)),
        ("1/1000", F(1, 1000)),
        (".5", F(1, 2)),
        ("0.50", F(1, 2)),
        (1, F(1)),
        ("1", F(1)),
        (0, F(0)),
        ("0/7", F(0)),
        ("0.1", F(1, 10)),
        (0.1, F(1, 10)),
        (
            "0.3333333333333333333333333333333",
            F(3333333333333333333333333333333, 10**31),
        ),
        ("1/3", F(1, 3)),
        ("2/6", F(1, 3)),
    ],
)
def test_every_number_means_exactly_its_text(written, exact):
    text = json.dumps(
        {
            "budget": 1,
            "requests": [
                {"id": "n", "target": written, "parent": [-1, 0], "prob": [1, written]}
            ],
        }
    )
    r = loads_instance(text).requests[0]
    assert type(r.tree.f[1]) is F and r.tree.f[1] == exact
    assert type(r.target) is F and r.target == exact


def test_json_number_text_is_not_rounded_to_a_double():
    # 0.1000000000000000000001 and 0.1 are the same double but different rationals
    r = loads_instance(
        '{"budget": 1, "requests": [{"id": "n", "target": 0.1000000000000000000001, '
        '"parent": [-1], "prob": [1]}]}'
    ).requests[0]
    assert float(r.target) == 0.1 and r.target != F(1, 10)
    assert r.target == F(1000000000000000000001, 10**22)


def test_point_one_plus_point_two_is_point_three():
    assert 0.1 + 0.2 != 0.3  # the float trap this rule exists for
    for text_of in (lambda x: x, str):  # JSON numbers and decimal strings
        inst = loads_instance(
            json.dumps(
                {
                    "budget": 1,
                    "requests": [
                        {
                            "id": "t",
                            "target": text_of(0.3),
                            "parent": [-1, 0, 0, 0],
                            "prob": [1, text_of(0.1), text_of(0.2), text_of(0.3)],
                        }
                    ],
                }
            )
        )
        f = inst.requests[0].tree.f
        assert f[1] == F(1, 10) and f[2] == F(2, 10)
        assert f[1] + f[2] == f[3] == inst.requests[0].target
    # a Python dict holding floats: each float means the decimal it prints as
    inst = parse_instance(
        {
            "budget": 1,
            "requests": [
                {
                    "id": "t",
                    "target": 0.3,
                    "parent": [-1, 0, 0],
                    "prob": [1.0, 0.1, 0.2],
                }
            ],
        }
    )
    f = inst.requests[0].tree.f
    assert f[1] + f[2] == inst.requests[0].target == F(3, 10)


def test_cond_gives_products_along_the_path():
    # chain 0 -> 1 -> 2 -> 3 and a branch 1 -> 4
    inst = loads_instance(
        json.dumps(
            {
                "budget": 2,
                "requests": [
                    {
                        "id": "c",
                        "target": 1,
                        "parent": [-1, 0, 1, 2, 1],
                        "cond": [1, "0.9", "2/3", 0.5, "0.1"],
                    }
                ],
            }
        )
    )
    t = inst.requests[0].tree
    # by hand: f1 = 9/10; f2 = 9/10 * 2/3 = 3/5; f3 = 3/5 * 1/2 = 3/10; f4 = 9/10 * 1/10
    # = 9/100
    assert t.f == (1, F(9, 10), F(3, 5), F(3, 10), F(9, 100))
    assert t.cond == (1, F(9, 10), F(2, 3), F(1, 2), F(1, 10))
    assert inst.requests[0].given == "cond"


def test_cond_with_nodes_out_of_order():
    # root is node 1; 1 -> 3 (cond 0.8), 3 -> 0 (cond 0.5), 0 -> 2 (cond 0.5)
    inst = loads_instance(
        json.dumps(
            {
                "budget": 2,
                "requests": [
                    {
                        "id": "c",
                        "target": 1,
                        "parent": [3, -1, 0, 1],
                        "cond": [0.5, 1, 0.5, 0.8],
                    }
                ],
            }
        )
    )
    # by hand: f3 = 4/5, f0 = 4/5 * 1/2 = 2/5, f2 = 2/5 * 1/2 = 1/5
    assert inst.requests[0].tree.f == (F(2, 5), 1, F(1, 5), F(4, 5))


def test_cond_zero_and_one_are_allowed():
    inst = loads_instance(
        json.dumps(
            {
                "budget": 2,
                "requests": [
                    {
                        "id": "c",
                        "target": 1,
                        "parent": [-1, 0, 1, 0],
                        "cond": [1, 1, 0, "0"],
                    }
                ],
            }
        )
    )
    assert inst.requests[0].tree.f == (1, 1, 0, 0)


def test_ties_along_a_path_are_monotone():
    # f(child) == f(parent) is allowed without the flag (only ">" is non-monotone)
    inst = loads_instance(
        json.dumps(
            {
                "budget": 2,
                "requests": [
                    {
                        "id": "t",
                        "target": 1,
                        "parent": [-1, 0, 1, 2],
                        "prob": [1, 1, "0.5", "1/2"],
                    }
                ],
            }
        )
    )
    assert inst.is_monotone() and not inst.is_monotone(strict=True)


def test_allow_nonmonotone_parses_and_keeps_values():
    obj = mutated(setter(*A("prob", 3), "0.8"))
    with pytest.raises(InstanceError, match="non-monotone"):
        parse_instance(obj)
    inst = parse_instance(obj, allow_nonmonotone=True)
    assert inst.requests[0].tree.f == (1, F(7, 10), F(1, 5), F(4, 5))
    assert not inst.is_monotone()
    # the flag relaxes only monotonicity: range and root checks still apply
    with pytest.raises(InstanceError, match="outside"):
        parse_instance(mutated(setter(*A("prob", 3), "1.2")), allow_nonmonotone=True)
    with pytest.raises(InstanceError, match="must be 1"):
        parse_instance(mutated(setter(*A("prob", 0), "0.9")), allow_nonmonotone=True)


def test_valid_round_trip_through_to_json():
    inst = parse_instance(BASE)
    again = loads_instance(json.dumps(inst.to_json()))
    assert again == inst


# --- the command line: same messages, exit code 2, no traceback
# ----------------------------------

CLI_CASES = [
    ("self-loop", setter(*A("parent", 1), 1), "a", 1),
    ("prob-NaN", setter(*A("prob", 2), nan), "a", 2),
    ("cond-root", setter(*B("cond", 1), "1/2"), "b", 1),
    ("non-monotone", setter(*A("prob", 3), "0.8"), "a", 3),
    ("duplicate-id", setter(*B("id"), "a"), "a", None),
]


def _run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "mutation, rid, node", [pytest.param(*row[1:], id=row[0]) for row in CLI_CASES]
)
def test_cli_rejects_bad_instance(tmp_path, mutation, rid, node):
    path = tmp_path / "bad-cli.json"
    path.write_text(json.dumps(mutated(mutation)), encoding="utf-8")
    proc = _run_cli("solve", str(path))
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(path) in lines[0] and f"request {rid!r}" in lines[0]
    if node is not None:
        assert f"node {node}" in lines[0]


def test_cli_rejects_unreadable_files(tmp_path):
    for name, data in [
        ("broken.json", b"{"),
        ("dup.json", b'{"budget": 1, "budget": 1, "requests": []}'),
        ("binary.json", b"\xff\xfe\x00{"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        proc = _run_cli("solve", str(path))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc
        assert len(proc.stderr.strip().splitlines()) == 1 and str(path) in proc.stderr


def test_cli_allow_nonmonotone_flag_accepts(tmp_path):
    path = tmp_path / "nonmono.json"
    path.write_text(json.dumps(mutated(setter(*A("prob", 3), "0.8"))), encoding="utf-8")
    assert _run_cli("solve", str(path)).returncode == 2
    proc = _run_cli("solve", "--allow-nonmonotone", "--solver", "dp", str(path))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc
    assert json.loads(proc.stdout)["status"] in ("OK", "INVALID")


# ------------------------------------------------------------------ the quick way
# (solver/parse.py's _quick_request: the common form of a request, validated in bulk;
# anything else goes the careful way, which words the errors)


def _careful_only(obj, **kw):
    """``obj`` parsed with the quick way switched off (every request the careful
    way)."""
    from solver import parse

    real = parse._quick_request
    parse._quick_request = lambda *a, **k: None
    try:
        return parse_instance(obj, **kw)
    finally:
        parse._quick_request = real


def _structure(inst):
    return [
        (r.id, r.given, r.tree.root, r.tree.order, r.tree.children, r.tree.depth)
        for r in inst.requests
    ]


def test_quick_way_builds_the_hand_computed_tree(monkeypatch):
    from solver import parse

    taken = []
    real = parse._quick_request

    def spy(*a, **k):
        got = real(*a, **k)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(parse, "_quick_request", spy)
    # breadth-first order differs from index order: 0; 1, 2; 3, 5 (under 1), 4
    obj = {
        "budget": 2,
        "requests": [
            {
                "id": "q",
                "target": "0.5",
                "parent": [-1, 0, 0, 1, 2, 1],
                "cond": ["1", "0.5", "1/4", "0.5", "1", "0"],
            },
            {"id": "p", "target": 1, "parent": [-1, 0], "prob": ["1", "0.25"]},
        ],
    }
    inst = parse_instance(obj)
    assert taken == [True, True]
    t = inst.requests[0].tree
    assert t.root == 0 and t.order == (0, 1, 2, 3, 5, 4)
    assert t.children == ((1, 2), (3, 5), (4,), (), (), ())
    assert t.depth == (0, 1, 1, 2, 2, 2)
    assert t.f == (F(1), F(1, 2), F(1, 4), F(1, 4), F(1, 4), F(0))
    assert t.cond == (F(1), F(1, 2), F(1, 4), F(1, 2), F(1), F(0))
    nums, den = t.scaled
    assert [F(n, den) for n in nums] == list(t.f)
    assert inst.requests[1].tree.f == (F(1), F(1, 4))
    assert inst == _careful_only(obj)
    assert _structure(inst) == _structure(_careful_only(obj))


def _agree(obj, **kw):
    """Parsed the usual way and the careful way only: the same error, or equal
    requests with the same structure and the same ints."""
    try:
        want = _careful_only(obj, **kw)
    except InstanceError as exc:
        with pytest.raises(InstanceError) as got:
            parse_instance(obj, **kw)
        assert str(got.value) == str(exc)
        return
    got = parse_instance(obj, **kw)
    assert got == want and _structure(got) == _structure(want)
    for a, b in zip(got.requests, want.requests):
        assert a.target == b.target and a.tree.scaled == b.tree.scaled


@pytest.mark.parametrize("monotone", [True, False])
def test_quick_way_and_careful_way_agree_on_every_class(monotone):
    """The generators' instances (nodes in any order, every class of values, cond
    and prob): parsed with and without the quick way, the same."""
    from hypothesis import given, settings

    from verify.search.generators import PROB_CLASSES, instance_json

    @settings(max_examples=60, derandomize=True, database=None, deadline=None)
    @given(
        instance_json(
            prob_classes=PROB_CLASSES, monotone=monotone, max_requests=3, max_nodes=9
        )
    )
    def run(obj):
        _agree(obj, allow_nonmonotone=not monotone)
        _agree(obj)

    run()


def test_quick_way_and_careful_way_agree_on_beam_trees():
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_dp import build

    for seed in range(3):
        _agree(build(64, 1024, False, seed).to_json())


@pytest.mark.parametrize(
    "request_, expect, node",
    [
        # in the quick way's form but for one thing each: the careful way's message
        ({"parent": [-1, 0, -1]}, "several roots", 2),
        ({"parent": [-1, 0, -2]}, "index -2 out of range", 2),
        ({"parent": [-1, 0, True]}, "true is not an integer", 2),
        ({"parent": [-1, 2, 1]}, "cycle", 1),
        ({"prob": ["1", "0.5", "0.7"]}, "non-monotone", 2),
        ({"prob": ["1", "0.5", "1.5"]}, "outside [0, 1]", 2),
        ({"prob": ["0.9", "0.5", "0.5"]}, "the root's value must be 1", 0),
        ({"prob": ["1", "0.5", [1]]}, "expected a number", 2),
        ({"prob": ["1", "0.5"]}, "has 2 values but parent has 3 nodes", None),
        ({"target": "x"}, "target: ", None),
        ({"extra": 1}, "unknown field 'extra'", None),
    ],
)
def test_quick_way_leaves_every_error_to_the_careful_way(request_, expect, node):
    item = {"id": "r", "target": 1, "parent": [-1, 0, 1], "prob": ["1", "0.5", "0.5"]}
    item.update(request_)
    ok = {"id": "s", "target": 1, "parent": [-1, 0], "prob": ["1", "0.5"]}
    obj = {"budget": 1, "requests": [ok, item, dict(ok, id="r")]}
    with pytest.raises(InstanceError) as got:
        parse_instance(obj)
    assert expect in str(got.value), str(got.value)
    assert got.value.request == "r" and got.value.node == node
    with pytest.raises(InstanceError) as want:
        _careful_only(obj)
    assert str(got.value) == str(want.value)


def test_duplicate_id_after_quick_requests_names_the_first_seen():
    ok = {"id": "s", "target": 1, "parent": [-1, 0], "cond": ["1", "0.5"]}
    with pytest.raises(InstanceError) as got:
        parse_instance({"budget": 1, "requests": [ok, dict(ok, id="t"), ok]})
    assert "duplicate request id (also request #0)" in str(got.value)


def test_tree_structure_built_on_first_use_matches_its_definition():
    """order: breadth-first from the root, children in index order; children: the
    nodes whose parent is v; depth: edges to the root.  Written here from the
    definitions, on random trees with nodes in any order."""
    import random
    from collections import deque

    from solver.model import Tree

    rng = random.Random(3)
    for _ in range(2000):
        n = rng.randint(1, 14)
        labels = list(range(n))
        rng.shuffle(labels)
        parent = [-1] * n
        for i in range(1, n):
            parent[labels[i]] = labels[rng.randrange(i)]
        kids = [sorted(v for v in range(n) if parent[v] == u) for u in range(n)]
        root = parent.index(-1)
        want, queue = [], deque([root])
        while queue:
            u = queue.popleft()
            want.append(u)
            queue.extend(kids[u])
        depth = []
        for v in range(n):
            d, u = 0, v
            while parent[u] != -1:
                d, u = d + 1, parent[u]
            depth.append(d)
        t = Tree.shape(tuple(parent))
        assert t.root == root and t.order == tuple(want)
        assert t.children == tuple(map(tuple, kids)) and t.depth == tuple(depth)
        lazy = Tree(tuple(parent), root)  # nothing built yet: each on first use
        assert lazy.depth == tuple(depth) and lazy.children == t.children
        assert lazy.order == t.order


# ------------------------------------------------------------------ values as ints over
# one denominator (solver/parse.py's _OVER table and _tree_over)


def _cond_tree(obj, **kw):
    return [r.tree for r in parse_instance(obj, **kw).requests]


def test_cond_values_become_products_over_d_to_the_height():
    """cond 1, 1/2, 3/4 (d = 4) under 0, 1: f = 1, 1/2, 3/8; the ints are f * 4**2,
    written here by hand."""
    obj = {
        "budget": 2,
        "requests": [
            {"id": "a", "target": 1, "parent": [-1, 0, 1], "cond": ["1", "0.5", "3/4"]}
        ],
    }
    (tree,) = _cond_tree(obj)
    assert tree.scaled == ((16, 8, 6), 16)
    assert tree.f == (F(1), F(1, 2), F(3, 8)) and tree.cond == (F(1), F(1, 2), F(3, 4))


def test_cond_given_under_a_zero_is_kept_as_given():
    """f(parent) = 0: cond cannot be recovered from f, so the given one is kept."""
    obj = {
        "budget": 2,
        "requests": [
            {"id": "a", "target": 1, "parent": [-1, 0, 1], "cond": ["1", "0", "0.25"]}
        ],
    }
    (tree,) = _cond_tree(obj)
    assert tree.f == (F(1), F(0), F(0)) and tree.cond == (F(1), F(0), F(1, 4))
    assert parse_instance(obj).to_json()["requests"][0]["cond"] == ["1", "0", "1/4"]


def test_the_table_of_texts_grows_its_denominator_and_stops_at_its_limit():
    """Requests whose texts take the table's common denominator from 2 to 100, then
    past its limit (denominators of 40 bits and more): every request as the careful
    way builds it, and the values those texts denote."""
    from solver import parse

    big = [f"1/{2**40 + 15}", f"1/{3**30}", f"2/{5**20 + 2}"]
    groups = [["0.5"], ["0.25", "0.75"], ["0.07", "0.5"], big, ["0.01", "0.5"]]
    obj = {"budget": 4, "requests": []}
    for i, texts in enumerate(groups):
        cond = ["1"] + texts
        obj["requests"].append(
            {
                "id": f"r{i}",
                "target": 1,
                "parent": list(range(-1, len(cond) - 1)),
                "cond": cond,
            }
        )
        obj["requests"].append(
            {
                "id": f"p{i}",
                "target": 1,
                "parent": [-1] + [0] * len(texts),
                "prob": ["1"] + texts,
            }
        )
    parse._UNITS.clear()
    parse._forget_over()
    for _ in range(2):  # with the table empty, then full
        got = parse_instance(obj)
        _agree(obj)
        for item, r in zip(obj["requests"], got.requests):
            values = [F(x) for x in item.get("cond", item.get("prob"))]
            if "cond" in item:
                want = [F(1)]
                for x in values[1:]:
                    want.append(want[-1] * x)
            else:
                want = values
            assert list(r.tree.f) == want and r.tree.has_scaled
            nums, den = r.tree.scaled
            assert [F(n, den) for n in nums] == want
    assert parse._OVER[0] == 100  # the long denominators stayed out
    assert big[0] in parse._UNITS and big[0] not in parse._OVER[1]


def test_values_not_in_the_table_or_not_texts_agree_with_the_careful_way():
    """JSON numbers (not texts), texts longer than the table keeps, a list in place
    of a value, the root's value not 1, a value above 1: the same as the careful way
    (the same request, or the same error)."""
    long_text = "0." + "5" * 50
    cases = [
        ["1", 0.5, 0.25],
        [1, "0.5", long_text],
        ["1", "0.5", [1]],
        ["0.5", "0.5", "0.25"],
        ["1", "1.5", "0.25"],
        ["1", "0.5", "-0.25"],
    ]
    for values in cases:
        for key in ("cond", "prob"):
            obj = {
                "budget": 2,
                "requests": [
                    {"id": "a", "target": 1, "parent": [-1, 0, 1], key: values}
                ],
            }
            _agree(obj)
            _agree(obj, allow_nonmonotone=True)


@pytest.mark.parametrize("digits", [4000, 4001, 4300, 4301])
def test_long_integers_are_found_wherever_they_are(digits):
    """loads_exact looks at every 2000th character before looking at the whole text
    for a run of more than 4000 digits: a run at any offset is still found."""
    from solver.numbers import TooLong, loads_exact

    for pad in [0, 1, 7, 1990, 1999, 2000, 2001, 3998, 4001, 5999, 6000]:
        text = '{"pad": "' + "x" * pad + '", "a": 1' + "0" * (digits - 1) + "}"
        got = loads_exact(text)["a"]
        if digits > 4000:
            assert isinstance(got, TooLong), (pad, digits)
        else:
            assert got == 10 ** (digits - 1), (pad, digits)
        digits_in_string = '{"a": "' + "x" * pad + "1" * digits + '"}'
        assert loads_exact(digits_in_string)["a"] == "x" * pad + "1" * digits


def test_long_cond_products_are_kept_over_the_least_denominator():
    """cond 1/2 and 1/5 in turn down a path of 160 nodes: d = 10, d ** height has
    more than 256 bits, so the ints are over the least denominator, 10 ** 80."""
    n = 161
    cond = ["1"] + ["0.5" if v % 2 else "0.2" for v in range(1, n)]
    obj = {
        "budget": 2,
        "requests": [
            {"id": "a", "target": 1, "parent": list(range(-1, n - 1)), "cond": cond}
        ],
    }
    (tree,) = _cond_tree(obj)
    assert tree.scaled[1] == 10**80 and tree.f[-1] == F(1, 10**80)
    assert tree.f[3] == F(1, 20) and tree.cond[2] == F(1, 5)
    _agree(obj)


def test_threads_parsing_at_once_get_the_values_their_texts_denote():
    """The tables of texts are shared: threads that grow them at the same time (each
    its own denominators) still read every value exactly."""
    import threading

    from solver import parse

    def texts(p):
        return [f"{k}/{p}" for k in range(1, p)]

    primes = [3, 5, 7, 11, 13, 17, 19, 23]
    wrong: list = []

    def work(p):
        cond = ["1"] + texts(p)
        obj = {
            "budget": 2,
            "requests": [
                {
                    "id": "a",
                    "target": 1,
                    "parent": list(range(-1, len(cond) - 1)),
                    "cond": cond,
                },
                {"id": "b", "target": 1, "parent": [-1] + [0] * (p - 1), "prob": cond},
            ],
        }
        want = [F(1)]
        for k in range(1, p):
            want.append(want[-1] * F(k, p))
        for _ in range(60):
            inst = parse_instance(obj)
            got = [list(r.tree.f) for r in inst.requests]
            if got != [want, [F(1)] + [F(k, p) for k in range(1, p)]]:
                wrong.append(p)
            if p == primes[0]:
                parse._UNITS.clear()
                parse._forget_over()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(p,)) for p in primes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert wrong == []

"""One declaration of the restrictions (verify/search/restrictions.py, the fields of
``Restrictions``): the test-solver flags, the ``instances()`` / ``check_solver``
keywords, the descriptions and the suggestions are all derived from it, so a restriction
added there is on every one of them.  Each test walks ``DECLARED``, not a list of its
own: a new restriction is checked by every test below without editing them.
"""

from __future__ import annotations

import pytest

from verify import api
from verify.commands.cli import build_parser
from verify.commands.solver_cli import usage_to_run
from verify.search.restrictions import DECLARED, NAMES, Restrictions
from verify.solver_check.text import suggest_flags

# restrictions no suggestion can name, and why: a suggestion keeps out the declined
# cases' shapes, and these exclude no shape (or are the run's root convention)
NEVER_SUGGESTED = {
    "root_charged": "the root convention is the selector's, not a shape",
    "precision": "never excludes an instance",
    "scores": "never excludes an instance",
    "best_effort": "never excludes an instance",
}

DECLARED_NAMES = sorted(DECLARED)


def _test_solver_parser():
    import argparse

    sub = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    return sub.choices["test-solver"]


def _run(flags: list[str]):
    args = build_parser().parse_args(
        ["test-solver", "reference", "--profile", "smoke", *flags]
    )
    return usage_to_run(args)[1]


def test_the_declaration_is_the_dataclass():
    from dataclasses import fields

    assert [f.name for f in fields(Restrictions)] == list(DECLARED)
    assert sorted(NAMES) == DECLARED_NAMES


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_every_flag_is_on_the_command_line(name):
    parser = _test_solver_parser()
    for flag in DECLARED[name].flags:
        assert flag in parser._option_string_actions, flag


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_a_declared_value_reaches_the_run(name):
    """The flags written for a value (``cli_args``, rerun commands) parse back to it."""
    r = DECLARED[name]
    if r.run_option:
        flags = ["--roots", "charged" if r.example else "free"]
        assert _run(flags).root_charged == r.example
        return
    restrictions = Restrictions(**{name: r.example})
    assert restrictions.cli_args() == r.to_flags(r.example) != []
    assert getattr(_run(restrictions.cli_args()).restrictions, name) == r.example


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_every_restriction_is_described(name):
    r = DECLARED[name]
    text = Restrictions(**{name: r.example}).describe()
    assert text == r.describe(r.example) and text != "none"
    assert Restrictions().describe() == "none"


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_every_restriction_is_an_api_keyword(name):
    r = DECLARED[name]
    assert getattr(api._restrictions({name: r.example}), name) == r.example
    api.instances(**{name: r.example})  # a strategy, built without a TypeError
    with pytest.raises(TypeError) as info:
        api._restrictions({"no_such_restriction": 1})
    assert name in str(info.value)


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_every_restriction_can_be_suggested(name):
    r = DECLARED[name]
    if name in NEVER_SUGGESTED:
        assert r.suggest is None, f"{name} is suggested: drop it from NEVER_SUGGESTED"
        return
    assert r.suggest is not None, (
        f"{name} has no suggest= in its declaration (or belongs in NEVER_SUGGESTED)"
    )
    # shapes apart on every axis: (requests, budget, fewest nodes, most nodes, widest
    # node, depth, a target above 1?, value classes)
    shapes = {
        (1, 0, 2, 2, 1, 1, False, ("grid",)),
        (2, 3, 3, 6, 2, 3, True, ("decimal",)),
        (3, 5, 4, 9, 4, 5, True, ("strict",)),
    }
    suggestions = r.suggest(shapes, Restrictions())
    assert suggestions
    for value, what, excludes, _ in suggestions:
        flags = r.to_flags(value)
        assert flags[0] in r.flags and what
        assert getattr(_run(flags).restrictions, name) == value
        # what it keeps out is what the declared value keeps out
        assert any(excludes(f) for f in shapes)


def test_suggest_flags_names_declared_flags():
    from collections import Counter

    from verify.search.claim_search import ClaimResult

    declined = Counter({(1, 0, 3, 3, 2, 1, False, ("grid",)): 5})
    judged = Counter({(1, 2, 3, 3, 2, 1, False, ("grid",)): 9})
    result = ClaimResult(
        "X", "", "", None, True, "verified", 3, 0.0, 0,
        declined_shapes=declined, judged_shapes=judged, declined=5,
    )  # fmt: skip
    assert suggest_flags([result]) == [("budget=0", 100, "--min-budget 1")]


@pytest.mark.parametrize("name", DECLARED_NAMES)
def test_every_flag_is_in_the_docs_options_table(name):
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "test-solver.md").read_text("utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| `--")]
    for flag in DECLARED[name].flags:
        assert any(f"`{flag}" in row for row in rows), f"docs/test-solver.md: {flag}"

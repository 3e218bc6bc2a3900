"""The verdict vocabularies (solver/verdicts.py): each member shows as its word
wherever it is printed or serialised, and the tables that document the words list
exactly the members."""

from __future__ import annotations

import json
import pickle
import re

import pytest

from solver import verdicts as V
from verify.checks import judge
from verify.search import properties

VOCABULARIES = (
    V.VerdictKind,
    V.FailureKind,
    V.ClaimVerdict,
    V.Z3Verdict,
    V.ProofResult,
    V.Confirmation,
)
MEMBERS = [m for vocabulary in VOCABULARIES for m in vocabulary]


@pytest.mark.parametrize("member", MEMBERS, ids=str)
def test_a_member_shows_as_its_word(member):
    word = member.value
    assert type(word) is str
    assert str(member) == f"{member}" == "%s" % member == word
    assert f"{member:>20}|" == f"{word:>20}|"
    assert repr(member) == repr(word) and f"{member!r}" == repr(word)
    assert json.dumps({member: [member]}) == json.dumps({word: [word]})
    assert member == word and hash(member) == hash(word)
    assert type(member)(word) is member
    assert pickle.loads(pickle.dumps(member)) is member


def _table_words(doc: str, header: str) -> list[str]:
    """The first column of the reST table under ``header`` (backquotes stripped)."""
    lines = doc[doc.index(header) :].splitlines()[2:]
    words = []
    for line in lines:
        if line.startswith("="):
            break
        cell = re.split(r"\s{2,}", line.strip())[0]
        if cell and not line.startswith(" "):
            words.append(cell.strip("`"))
    return words


def test_the_judges_table_lists_every_verdict_kind():
    words = _table_words(judge.__doc__, "kind                   text")
    assert words == [k.value for k in V.VerdictKind] == list(judge.KINDS)


def test_the_properties_table_lists_every_failure_kind():
    words = _table_words(properties.__doc__, "kind              rule")
    assert words == [k.value for k in V.FailureKind] == list(properties.KINDS)


def test_the_tables_between_vocabularies():
    assert set(V.FAILURE_OF_RULE) == set(V.RULE_ORDER)
    assert set(V.FAULT_KINDS) <= set(V.FailureKind)
    for verdict, (rule, kind) in V.FAILURE_OF_VERDICT.items():
        assert isinstance(verdict, V.VerdictKind) and isinstance(kind, V.FailureKind)
        assert rule

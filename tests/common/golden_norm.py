"""Normalise what depends on the exact cases Hypothesis generates, not on our code's
behaviour.

Golden files pin formats, verdicts, smallest counterexamples and exit codes.  How many
cases came before the first failure, how many inputs a solver declined and the class
shares change with the installed Hypothesis version (CI installs the newest), and with
the source code itself (Hypothesis draws literals it finds in the project's modules, so
adding a constant anywhere moves them), so those numbers are masked: ``13`` cases before
a counterexample becomes ``#`` (whatever its width: the spacing after it is masked too),
a share ``14%`` becomes ``<P>%``.

>>> generation_counts("RULE-BUDGET  Sec. 3  paper-alg1  sampled  13"
...                   "     counterexample (finding)")
'RULE-BUDGET  Sec. 3  paper-alg1  sampled  #  counterexample (finding)'
>>> generation_counts("  budget: above-all 14%, exact 3%(!)")
'  budget: above-all <P>%, exact <P>%'
>>> generation_counts("LEM-C2    Lemma C.2  verified      30      4")
'LEM-C2    Lemma C.2  verified      30      #'
>>> generation_counts("must-hold claims: 9 verified, 1 counterexample,"
...                   " 0 inconclusive (of 9)")
'must-hold claims: 9 verified, 1 counterexample, 0 inconclusive (of 9)'
"""

import os
import re
from pathlib import Path

_SUBS = [
    (re.compile(r"(?<=\s)\d+\s{2,}(?=(counterexample|inconclusive))"), lambda m: "#  "),
    (
        re.compile(r"(counterexample|inconclusive)\s+\d+\s+\d+"),
        lambda m: m.group(1) + "  #  #",
    ),
    (
        re.compile(r"(?<!>= )\b\d+%(\(!\))?"),
        lambda m: "<P>%",
    ),  # a small share's (!) moves with the cases too
    (re.compile(r"\(\d+/\d+\)"), lambda m: "(<K>/<N>)"),
    (
        re.compile(r"(counterexample|inconclusive) \(\d+ cases"),
        lambda m: m.group(1) + " (<N> cases",
    ),
    (re.compile(r"\b\d+ declined\b"), lambda m: "<N> declined"),
    (re.compile(r"\(\d+ of \d+\)"), lambda m: "(<K> of <N>)"),
    (
        re.compile(r"(declined inputs \(not judged\): )\d+"),
        lambda m: m.group(1) + "<N>",
    ),
    (
        re.compile(r"(classes declined most often: ).*"),
        lambda m: m.group(1) + "<classes>",
    ),
    (re.compile(r"(reasons: .*)"), lambda m: re.sub(r" x\d+", " x<N>", m.group(1))),
    (re.compile(r"\btotal \d+ cases\b"), lambda m: "total <N> cases"),
    # declines that come with the draws (a verified row's count, the notes that give it)
    (
        re.compile(r"(verified)(\s+)(\d+)(\s+)(\d+)\b"),
        lambda m: m.group(1) + m.group(2) + m.group(3) + m.group(4) + "#",
    ),
    (
        re.compile(r"\b\d+ of \d+ generated inputs declined"),
        lambda m: "<K> of <N> generated inputs declined",
    ),
    (
        re.compile(r"declined \d+ generated inputs \(\d+ judged\)"),
        lambda m: "declined <N> generated inputs (<K> judged)",
    ),
]


def generation_counts(text: str) -> str:
    for pattern, repl in _SUBS:
        text = pattern.sub(repl, text)
    return text


def assert_golden(path: Path, got: str) -> None:
    """``got`` is what the golden file ``path`` says, and no traceback.

    With ``UPDATE_GOLDEN=1`` the file is rewritten first: review the diff, a golden
    file is a claim a person has read.
    """
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got)
    assert path.exists(), (
        f"no golden file for {path.name}; run with UPDATE_GOLDEN=1 and review it"
    )
    assert got == path.read_text()
    assert "Traceback" not in got

"""The words of every verdict, defined once: what a judged answer, a failed property,
a claim's search, a Z3 call and a replayed finding came to.

Each vocabulary is a :class:`Word` enum: a ``str`` whose members print, format,
``repr`` and serialise (``json.dumps``) as their value, so that JSON and every text
output spell them exactly as the bare strings did, and a member equals (and hashes
as) its value: ``VerdictKind.OPTIMAL == "optimal"``.  (``enum.StrEnum`` would do,
but Python 3.10 is supported.)  The spellings are what users see (golden files,
JSON schemas, docs/cli.md), so they stay as they are even where two vocabularies
name one concept differently; :data:`FAILURE_OF_VERDICT` and
:data:`FAILURE_OF_RULE` are the one table between them.

:class:`VerdictKind` (``python -m verify check``, ``audit``; kebab-case)
    ``optimal`` the answer is feasible and worth the exact optimum;
    ``invalid-confirmed`` INVALID, and no feasible selection exists;
    ``suboptimal`` feasible but worth less than the optimum;
    ``infeasible`` the answer breaks a rule (format, rooted, budget, target);
    ``wrong-invalid`` INVALID although a feasible selection exists;
    ``wrong-objective`` the answer's stated objective is not its value;
    ``declined`` the solver answered UNSUPPORTED;
    ``oracle-fault`` the exact oracles disagree (our bug, never the solver's);
    ``inconclusive`` no verdict: a timeout, ``unknown``, out of memory.
:class:`FailureKind` (a failed property, :mod:`verify.search.properties`; words)
    ``not rooted``, ``over budget``, ``target missed``, ``malformed`` (the rule
    broken: rooted, budget, target, format or answer); ``suboptimal``, ``above
    optimum`` (worth less, or more, than the optimum); ``wrong INVALID``; ``not
    minimal``, ``below minimum`` (LEM-C1's count); ``raised``, ``timeout``,
    ``crashed`` (the solver as a program failed: :data:`FAULT_KINDS`, with
    ``malformed``); ``claim`` (a claim about trees or oracles, no solver).
:class:`ClaimVerdict` (one claim's search: suite, campaign, test-solver; lower case)
    ``verified`` every case held; ``counterexample`` a confirmed finding;
    ``inconclusive`` neither (timeouts, declined or outside cases, unconfirmed
    findings): never a pass.
:class:`Z3Verdict` (one Z3 API call, :mod:`verify.oracles.z3`; upper case)
    ``FEASIBLE`` a re-checked feasible selection; ``INFEASIBLE`` Z3 proved none
    exists; ``OPTIMAL`` nothing feasible is worth more; ``BETTER`` a re-checked
    selection worth more; ``INCONCLUSIVE`` unknown, timeout, interrupt.
:class:`ProofResult` (one bounded proof's query, ``python -m proofs``)
    ``proved`` Z3 found no input violating the claim (unsat); ``counterexample``
    a model violating it (sat); ``unknown`` Z3 gave up: never counted as proved.
:class:`Confirmation` (a finding's replays, :mod:`verify.search.confirm`)
    ``confirmed`` every replay reproduced it; ``intermittent`` some did; ``not
    confirmed`` none did (never a defect on its own).

>>> import json
>>> VerdictKind.WRONG_INVALID, f"{FailureKind.WRONG_INVALID:>15}", str(Z3Verdict.BETTER)
('wrong-invalid', '  wrong INVALID', 'BETTER')
>>> json.dumps({ClaimVerdict.VERIFIED: [Confirmation.NOT_CONFIRMED]})
'{"verified": ["not confirmed"]}'
>>> VerdictKind("optimal") is VerdictKind.OPTIMAL, {"timeout": 1}[FailureKind.TIMEOUT]
(True, 1)
>>> FAILURE_OF_VERDICT[VerdictKind.WRONG_INVALID]
('INVALID soundness', 'wrong INVALID')
"""

from __future__ import annotations

import enum


class Word(str, enum.Enum):
    """A vocabulary whose members are their spelling wherever they are shown."""

    # the value, also on Python 3.10 and in repr(): "optimal", never
    # "VerdictKind.OPTIMAL" (messages and doctests show the word)
    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str.__str__(self), spec)

    def __repr__(self) -> str:
        return repr(str.__str__(self))


class VerdictKind(Word):
    """The kind of a judged answer (:class:`verify.checks.judge.Verdict`)."""

    OPTIMAL = "optimal"
    INVALID_CONFIRMED = "invalid-confirmed"
    SUBOPTIMAL = "suboptimal"
    INFEASIBLE = "infeasible"
    WRONG_INVALID = "wrong-invalid"
    WRONG_OBJECTIVE = "wrong-objective"
    DECLINED = "declined"
    ORACLE_FAULT = "oracle-fault"
    INCONCLUSIVE = "inconclusive"


class FailureKind(Word):
    """The kind of a failed property (:class:`verify.search.properties.Failure`)."""

    NOT_ROOTED = "not rooted"
    OVER_BUDGET = "over budget"
    TARGET_MISSED = "target missed"
    MALFORMED = "malformed"
    SUBOPTIMAL = "suboptimal"
    ABOVE_OPTIMUM = "above optimum"
    WRONG_INVALID = "wrong INVALID"
    NOT_MINIMAL = "not minimal"
    BELOW_MINIMUM = "below minimum"
    RAISED = "raised"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    CLAIM = "claim"


class ClaimVerdict(Word):
    """What one claim's search came to (``ClaimResult.verdict``)."""

    VERIFIED = "verified"
    COUNTEREXAMPLE = "counterexample"
    INCONCLUSIVE = "inconclusive"


class Z3Verdict(Word):
    """What one Z3 API call found (:class:`verify.oracles.z3.common.Z3Result`)."""

    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    OPTIMAL = "OPTIMAL"
    BETTER = "BETTER"
    INCONCLUSIVE = "INCONCLUSIVE"


class ProofResult(Word):
    """What one bounded proof's SMT query found (:mod:`proofs.bounded.smt`)."""

    PROVED = "proved"
    COUNTEREXAMPLE = "counterexample"
    UNKNOWN = "unknown"


class Confirmation(Word):
    """What a finding's replays on fresh solvers came to."""

    CONFIRMED = "confirmed"
    INTERMITTENT = "intermittent"
    NOT_CONFIRMED = "not confirmed"


#: the failures of the solver as a program (no answer, or not a selection at all)
FAULT_KINDS = (
    FailureKind.RAISED,
    FailureKind.TIMEOUT,
    FailureKind.CRASHED,
    FailureKind.MALFORMED,
)

#: the rules of feasibility in the order an infeasible answer is named by: the first
#: it breaks (an orphan that also overspends is "not rooted")
RULE_ORDER = ("format", "rooted", "budget", "target")

#: the failure kind of an answer that breaks a rule (of :data:`RULE_ORDER`)
FAILURE_OF_RULE = {
    "format": FailureKind.MALFORMED,
    "rooted": FailureKind.NOT_ROOTED,
    "budget": FailureKind.OVER_BUDGET,
    "target": FailureKind.TARGET_MISSED,
}

#: a judged answer's verdict read as a failure's ``(rule, kind)`` (an ``infeasible``
#: verdict is read by the first rule broken, :data:`FAILURE_OF_RULE`)
FAILURE_OF_VERDICT = {
    VerdictKind.SUBOPTIMAL: ("optimality", FailureKind.SUBOPTIMAL),
    VerdictKind.WRONG_INVALID: ("INVALID soundness", FailureKind.WRONG_INVALID),
}

"""Judging one answer against the exact optimum: the verdicts of ``python -m verify
check``.

Data flow: instance -> (someone's) selection -> :func:`judge` -> :class:`Verdict`.
The exact optimum is established in one of two ways (:func:`exact_optimum`):

* **certificate** (monotone inputs, f(child) <= f(parent)): the DP answers
  (on such inputs it only sorts values, :mod:`verify.oracles.dp`), and the
  certificate the reference greedy would write for that answer (counts,
  quotas, threshold lambda; docs/certificates.md) is checked by
  :mod:`verify.checks.certificate`, which proves the value optimal, or
  INVALID, by sorting each tree once.  O(N log N) for N nodes, linear memory,
  and no trust in either algorithm: a certificate that fails the check sends
  the input to the tree knapsack instead (``method="tree"``).  Without Z3 a
  feasible OK answer is first given the certificate for itself
  (:func:`_proven_optimal`): when the checker accepts it the answer is optimal
  and the DP runs only if the verdict's optimal selection is asked for.
* **dp**: the exact DP on every other input, its answer re-checked by the
  feasibility checker.

Z3 (:mod:`verify.oracles.z3.encoding`) independently confirms the optimum when
asked; if the methods disagree the verdict is ``oracle fault`` naming both,
never a silent preference.

Verdicts: ``kind`` is stable and machine-readable (the names below, also used by
``python -m verify audit`` and its JSON); ``text`` is the line ``check`` prints
(docs/cli.md).

=====================  ======================================  ====
kind                   text                                    exit
=====================  ======================================  ====
``optimal``            ``optimal``                             0
``invalid-confirmed``  ``INVALID confirmed``                   0
``suboptimal``         ``suboptimal: objective X, optimum Y``  1
``infeasible``         ``infeasible: <rule, request, node>``   1
``wrong-invalid``      ``wrong INVALID: a feasible ...``       1
``wrong-objective``    ``wrong objective: ...``                1
``declined``           ``declined: ...`` (UNSUPPORTED)         1
``oracle-fault``       ``oracle fault: ...``                   1
``inconclusive``       ``inconclusive: ...``                   3
=====================  ======================================  ====

>>> from solver.parse import parse_instance
>>> from solver.selection import parse_selection
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.25"]}]})
>>> sel = parse_selection({"status": "OK", "selected": {"r0": [0, 2]}})
>>> v = judge(inst, sel, use_z3=False)
>>> v.kind, v.text, v.method
('suboptimal', 'suboptimal: objective 5/4, optimum 3/2', 'certificate')
>>> sel = parse_selection({"status": "OK", "selected": {"r0": [0, 1]}})
>>> judge(inst, sel, use_z3=False).kind
'optimal'
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field, replace
from fractions import Fraction
from functools import partial
from itertools import repeat
from typing import Callable, Optional

from solver.errors import Inconclusive, OracleFault
from solver.feasibility import Violation, feasible_total, rule_by_rule, violations
from solver.messages import clip_line, join_some, number
from solver.model import Instance
from solver.numbers import fraction_str
from solver.scaled import exact_values
from solver.selection import INVALID, OK, Selection
from solver.verdicts import VerdictKind

OPTIMAL = VerdictKind.OPTIMAL
INVALID_CONFIRMED = VerdictKind.INVALID_CONFIRMED
SUBOPTIMAL = VerdictKind.SUBOPTIMAL
INFEASIBLE = VerdictKind.INFEASIBLE
WRONG_INVALID = VerdictKind.WRONG_INVALID
WRONG_OBJECTIVE = VerdictKind.WRONG_OBJECTIVE
DECLINED = VerdictKind.DECLINED
ORACLE_FAULT = VerdictKind.ORACLE_FAULT
INCONCLUSIVE = VerdictKind.INCONCLUSIVE
KINDS = tuple(VerdictKind)  # the words and their meaning: solver/verdicts.py

EXIT = {OPTIMAL: 0, INVALID_CONFIRMED: 0, INCONCLUSIVE: 3}

CERTIFICATE, DP = "certificate", "dp"  # how an optimum was established (Oracle.method)


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind  # one of KINDS
    text: str  # the line ``check`` prints
    optimum: Optional[Fraction] = None  # exact optimum (None: infeasible or unknown)
    _optimal: Optional[Selection] = None  # read it as optimal_selection
    violations: tuple[Violation, ...] = field(default=())
    objective: Optional[Fraction] = (
        None  # the judged selection's exact value (when its format is sound)
    )
    method: Optional[str] = None  # "certificate" or "dp" (+ "+z3" when Z3 confirmed)
    # builds _optimal on first use (an answer proven optimal by its own certificate)
    _optimal_later: Optional[Callable[[], Selection]] = field(
        default=None, repr=False, compare=False
    )

    @property
    def optimal_selection(self) -> Optional[Selection]:
        """An optimal selection (None: none was needed or none exists)."""
        later = self._optimal_later
        if later is not None:
            object.__setattr__(self, "_optimal", later())
            object.__setattr__(self, "_optimal_later", None)
        return self._optimal

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Verdict), "the same class"
        self.optimal_selection, other.optimal_selection  # built: the fields compare
        return astuple(self) == astuple(other)

    @property
    def exit_code(self) -> int:
        return EXIT.get(self.kind, 1)

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def optimal(self) -> Optional[dict]:
        """An optimal selection as a dict of docs/format.md (None: none was needed or
        none exists)."""
        return (
            self.optimal_selection.to_json()
            if self.optimal_selection is not None
            else None
        )


@dataclass(frozen=True)
class Oracle:
    """The exact optimum as certified by the oracles consulted (``optimum`` and
    ``selection`` are set exactly when ``feasible``)."""

    feasible: bool
    optimum: Optional[Fraction]
    selection: Optional[Selection]
    method: str = DP  # CERTIFICATE or DP; "+z3" appended when Z3 confirmed it


def exact_optimum(
    instance: Instance,
    *,
    use_z3: bool = True,
    z3_timeout: float | None = None,
    z3_memory: int | None = None,
    numbers: str = "auto",
) -> Oracle:
    """Optimum by a checked certificate (monotone inputs) or the DP, confirmed by Z3
    when ``use_z3``.

    Raises :class:`OracleFault` when the oracles disagree or an answer fails
    the exact checker, :class:`solver.errors.Inconclusive` when Z3 cannot decide.
    ``numbers``: the arithmetic (:mod:`solver.scaled`).
    """
    oracle = certified_optimum(instance, numbers)
    if oracle is None:
        monotone = exact_values(instance, numbers).is_monotone()
        oracle = dp_optimum(
            instance, method="tree" if monotone else "auto", numbers=numbers
        )
    if use_z3:
        _confirm_with_z3(instance, oracle, z3_timeout, z3_memory)
        oracle = replace(oracle, method=oracle.method + "+z3")
    return oracle


def certified_optimum(instance: Instance, numbers: str = "auto") -> Optional[Oracle]:
    """The DP's answer on a monotone input, proven by a certificate that passed the
    checker; else None.

    The certificate is the one the reference greedy writes (docs/certificates.md),
    built for the DP's answer: its counts, the quotas N_i and the threshold
    lambda.  Checking it needs only sorted values, so the optimum is proven
    without trusting the DP or the greedy.
    """
    ev = exact_values(instance, numbers)
    if not ev.is_monotone():
        return (
            None  # optimality certificates need the premise; the DP alone decides these
        )
    from solver.reference import invalid_certificate, top_set_certificate
    from verify.checks.certificate import certificate_problems
    from verify.oracles.dp import solve_dp

    # monotone: sorted values, merged by sorted increments
    sel = solve_dp(instance, numbers=numbers)
    if sel.status == OK:
        assert sel.selected is not None, "the DP's OK selection has its nodes"
        # on a monotone tree the DP's sets are top-m sets (it takes the m largest
        # values): the certificate is read from the sorted values, and checked
        cert = top_set_certificate(
            instance, [len(sel.selected[r.id]) for r in instance.requests], ev
        )
    else:
        cert = invalid_certificate(instance, ev)
    if certificate_problems(
        instance,
        Selection(sel.status, sel.selected, sel.objective, sel.reason, cert),
        numbers,
    ):
        return (
            None  # not proven (a bug of ours): the tree DP decides, see exact_optimum
        )
    if sel.status == OK:
        return Oracle(
            True, sel.objective, Selection(OK, sel.selected, sel.objective), CERTIFICATE
        )
    return Oracle(False, None, None, CERTIFICATE)


def _proven_optimal(instance: Instance, selection: Selection, numbers: str):
    """The judged OK answer's scaled total when the certificate the reference greedy
    would write for it proves it optimal, checked like any other (the checker
    finds it feasible, its stated objective exact, and optimal); then neither the
    DP nor Z3 is needed to judge it.  None: not proven, judge it as usual.
    """
    ev = exact_values(instance, numbers)
    selected, reqs = selection.selected, instance.requests
    if not ev.is_monotone() or selected is None or len(selected) != len(reqs):
        return None
    from solver.reference import top_set_certificate
    from verify.checks.certificate import certificate_problems

    try:
        lists = [selected[r.id] for r in reqs]
        if not all(map(isinstance, lists, repeat((list, tuple)))):
            return None
        sizes = list(map(len, lists))
        # quick noes, the certificate's rules 7 and 5: it spends the node budget
        # unless no node is left, and on a monotone input every set of an optimal
        # answer is a top-m set (another is worth less than the top-m set of its
        # size); a malformed answer that passes them fails the checker, which is
        # the judge of it
        used = sum(sizes) - len(reqs)
        if used != instance.node_budget and used < instance.total_nodes - len(reqs):
            return None
        f, zero, tops, best = ev.f, ev.zero, ev.every_top_sums(), []
        for i, nodes in enumerate(lists):
            best.append(tops[i][len(nodes) - 1])
            if sum(map(f[i].__getitem__, nodes), zero) != best[i]:
                return None
        cert = top_set_certificate(instance, sizes, ev)
    except (KeyError, IndexError, TypeError):
        # a malformed answer (a missing id, a node that is not one): judged the usual
        # way, whose checker says what is wrong
        return None
    if cert is None or certificate_problems(
        instance, Selection(OK, selected, selection.objective, None, cert), numbers
    ):
        return None
    # top-m sets, now known to be valid: each is worth P_i(m)
    return sum(best, zero)


def _dp_selection(instance: Instance, optimum: Fraction, numbers: str) -> Selection:
    """The optimal selection a verdict shows: the DP's, as :func:`certified_optimum`
    gives it, re-checked against the proven ``optimum``."""
    from verify.oracles.dp import solve_dp

    sel = solve_dp(instance, numbers=numbers)
    if (
        sel.selected is None
        or feasible_total(instance, sel.selected, optimum, numbers) is None
    ):
        raise OracleFault(
            f"the DP's selection is not a feasible one worth the optimum {_n(optimum)}"
        )
    return Selection(OK, sel.selected, sel.objective)


def dp_optimum(
    instance: Instance, method: str = "auto", numbers: str = "auto"
) -> Oracle:
    """The exact DP's optimum, its selection re-checked by the feasibility checker."""
    from verify.oracles.dp import solve_dp

    sel = solve_dp(instance, method=method, numbers=numbers)
    if sel.status == OK:
        assert sel.selected is not None, "the DP's OK selection has its nodes"
        bad = violations(instance, sel.selected, sel.objective, numbers)
        if bad:
            raise OracleFault(
                f"the DP's selection fails the exact checker: {bad[0].text}"
            )
        return Oracle(True, sel.objective, sel, DP)
    return Oracle(False, None, None, DP)


def _confirm_with_z3(
    instance: Instance, oracle: Oracle, timeout: float | None, memory: int | None = None
) -> None:
    from verify.oracles.z3 import encoding as z3e

    # raises Inconclusive / returns None or a disagreement text
    confirm: Callable = z3e.confirm
    try:
        disagreement = confirm(
            instance,
            oracle.optimum if oracle.feasible else None,
            timeout=timeout,
            memory=memory,
        )
    # Python's own allocations while Z3 runs: inconclusive, never a traceback
    except MemoryError:
        raise Inconclusive("out of memory while Z3 confirmed the optimum") from None
    if disagreement is not None:
        # feasible: the oracle has its optimum (see Oracle)
        dp = _n(oracle.optimum) if oracle.optimum is not None else "infeasible"
        raise OracleFault(f"DP says {dp}, Z3 says {disagreement}")


def _n(x: Fraction) -> str:
    return number(fraction_str(x))


def judge(
    instance: Instance,
    selection: Selection,
    *,
    use_z3: bool = True,
    z3_timeout: float | None = None,
    z3_memory: int | None = None,
    numbers: str = "auto",
) -> Verdict:
    """Judge ``selection`` against the exact optimum of ``instance``.

    ``numbers``: the arithmetic (:mod:`solver.scaled`; ``"fraction"`` is the
    reference).  Every path gives the same verdict, byte for byte.
    """
    if selection.status not in (OK, INVALID):
        return Verdict(
            DECLINED,
            f"declined: {selection.reason or 'the solver declined this input'}",
        )
    bad: list[Violation] = []
    if selection.status == OK:
        # run_solver and the API refuse an OK selection without nodes
        assert selection.selected is not None, "an OK selection without nodes"
        proven = None if use_z3 else _proven_optimal(instance, selection, numbers)
        if proven is not None:
            got = exact_values(instance, numbers).exact(proven)
            return Verdict(
                OPTIMAL,
                OPTIMAL,
                got,
                objective=got,
                method=CERTIFICATE,
                _optimal_later=partial(_dp_selection, instance, got, numbers),
            )
        # not proven optimal: infeasible answers are common here, so each rule in turn
        # (as fast as the one-pass check on a feasible answer, and names what breaks)
        bad = rule_by_rule(instance, selection.selected, None, numbers)
        if bad:
            return Verdict(
                INFEASIBLE,
                clip_line("infeasible: " + join_some(v.text for v in bad)),
                violations=tuple(bad),
            )
    try:
        oracle = exact_optimum(
            instance,
            use_z3=use_z3,
            z3_timeout=z3_timeout,
            z3_memory=z3_memory,
            numbers=numbers,
        )
    except Inconclusive as exc:
        return Verdict(INCONCLUSIVE, f"inconclusive: {exc}")
    except OracleFault as exc:
        return Verdict(ORACLE_FAULT, f"oracle fault: {exc}")

    how = oracle.method
    if selection.status == INVALID:
        if not oracle.feasible:
            return Verdict(INVALID_CONFIRMED, "INVALID confirmed", method=how)
        assert oracle.selection is not None, "a feasible oracle has its selection"
        return Verdict(
            WRONG_INVALID,
            clip_line(
                "wrong INVALID: a feasible selection exists: "
                f"{oracle.selection.dumps()}"
            ),
            oracle.optimum,
            oracle.selection,
            method=how,
        )
    ev = exact_values(instance, numbers)
    assert selection.selected is not None, "OK here: checked above"
    got = ev.exact(
        sum(
            (
                ev.value(instance.index[r], set(s))
                for r, s in selection.selected.items()
            ),
            ev.zero,
        )
    )
    if not oracle.feasible:
        return Verdict(
            ORACLE_FAULT,
            "oracle fault: the selection is feasible but the oracles found no "
            "feasible selection",
            objective=got,
            method=how,
        )
    assert oracle.optimum is not None, "a feasible oracle has its optimum"
    if selection.objective is not None and selection.objective != got:
        return Verdict(
            WRONG_OBJECTIVE,
            f"wrong objective: stated {_n(selection.objective)}, "
            f"the selected nodes sum to {_n(got)}",
            oracle.optimum,
            oracle.selection,
            objective=got,
            method=how,
        )
    if got > oracle.optimum:
        return Verdict(
            ORACLE_FAULT,
            f"oracle fault: the selection is worth {_n(got)} but the "
            f"oracles' optimum is {_n(oracle.optimum)}",
            objective=got,
            method=how,
        )
    if got < oracle.optimum:
        return Verdict(
            SUBOPTIMAL,
            f"suboptimal: objective {_n(got)}, optimum {_n(oracle.optimum)}",
            oracle.optimum,
            oracle.selection,
            objective=got,
            method=how,
        )
    return Verdict(
        OPTIMAL, OPTIMAL, oracle.optimum, oracle.selection, objective=got, method=how
    )

"""Every claim of the paper (SPEC section 2) as an executable property.

A *property* is a function ``check(solver, case) -> Failure | None``: it runs
the solver under test on one generated case and judges the answer against the
exact oracles (tree DP :mod:`verify.oracles.dp`, brute force over subsets on small
trees), in exact arithmetic.  The solver is any ``(Instance) -> Selection``
callable; what it raises is a finding, not a crash of ours.  Some claims are
about trees rather than solvers (THM-3.1, THM-4.1); their ``check`` ignores the
solver argument.

Claims (ids as in SPEC section 2, plus the single rules):

=============  ===============================================================
APP-B          every returned selection is rooted (strict premise)
APP-B/ties     the same with ties and zeros allowed (premise dropped)
RULE-FORMAT    the answer names every request once and only existing nodes
RULE-BUDGET    the answer fits the budget
RULE-TARGET    the answer meets every target
THM-P1         INVALID only when no feasible selection exists
THM-P2         a feasible instance gets a feasible answer of optimal value
LEM-C1         the solver's count for one request is the fewest nodes any
               subset needs (found by probing budgets 0, 1, 2, ...)
LEM-C2         with budget b and no target, the answer is worth the top-b sum:
               the best of all b-subsets and of all rooted b-subtrees
THM-3.1        E[acc(T)] of the verification walk equals the sum of f over T
THM-4.1        a beam search of depth D_opt and width B contains an optimum
ORACLES        the judges themselves: tree DP, Z3 and (up to
               :data:`verify.oracles.brute.LIMIT` nodes) all combinations agree on
               status and exact optimum, and every answer passes the checker
=============  ===============================================================

Values, feasibility and structure are compared, never raw node sets: optimal
sets are not unique (SPEC section 3, item 5).

Failure signatures
------------------
Every :class:`Failure` says which *rule* broke and what *kind* of failure it is, and
(once the search has explained it, :mod:`verify.search.cause`) its *cause class*: an
exact tie, a merge in a format, a sum in a format, a request stopped early with budget
left, ... (``none`` when no cause is known); with the property, ``(property, rule, kind,
cause)`` is its *signature* (:func:`signature`).  Two failures with the same signature
are the same defect as far as the search can tell: the campaign reports each distinct
signature as its own finding, and shrinking and reduction keep a smaller case only when
it fails with the same signature.  Kinds (:data:`KINDS`):

=============  =======================  ================================================
kind           rule                     what failed
=============  =======================  ================================================
not rooted     ``rooted``               a node without its parent, or no root
over budget    ``budget``               more nodes than the budget
target missed  ``target``               a request below its target
malformed      ``format`` / ``answer``  unknown request or node, a node twice, or (rule
                                        ``answer``) an answer that is not a selection at
                                        all
suboptimal     ``optimality``           feasible but worth less than the optimum
above optimum  ``optimality``           worth more than the optimum (an oracle bug)
wrong INVALID  ``INVALID soundness``    INVALID although a feasible selection exists
not minimal    ``minimal count``        LEM-C1: first met the target with more nodes
                                        than needed, or at no budget at all
below minimum  ``minimal count``        LEM-C1: met it with fewer than any subset needs
raised         the exception's type     the solver raised (``IndexError``, ...)
timeout        ``timeout``              no answer within the per-call timeout
crashed        ``exit``                 the program exited non-zero or was killed
claim          the claim                a claim about trees or oracles (no solver)
=============  =======================  ================================================

The rule of an infeasible answer is the first rule it breaks in the order
``format``, ``rooted``, ``budget``, ``target`` (an orphan that also overspends is
"not rooted").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Callable, Optional

from solver.errors import Declined, Inconclusive, SelectionFormatError, SolverFault
from solver.feasibility import violations
from solver.model import Instance, Request, Tree
from solver.numbers import fraction_str
from solver.selection import (
    INVALID,
    OK,
    UNSUPPORTED,
    Selection,
    make_invalid,
    make_ok,
    parse_selection,
)
from solver.verdicts import FAILURE_OF_RULE, RULE_ORDER, FailureKind
from verify.oracles import brute, dp
from verify.oracles.z3 import encoding as z3_encoding
from verify.oracles.z3.common import Z3Fault

Solver = Callable[[Instance], Selection]
SUBSET_BRUTE_LIMIT = (
    10  # trees with more non-root nodes use the DP instead of all subsets
)
Z3_TIMEOUT = (
    30.0  # seconds per ORACLES case; running out of time is inconclusive, never a pass
)


KINDS = tuple(FailureKind)  # the words and their meaning: solver/verdicts.py


@dataclass(frozen=True)
class Failure:
    """One broken claim on one case: what failed, with its numbers."""

    condition: str  # e.g. "request 'r1' node 3 selected without its parent 2"
    output: Optional[Selection] = None  # the solver's answer
    optimum: Optional[Fraction] = (
        None  # exact optimum (None: infeasible / not computed)
    )
    optimal_selection: Optional[Selection] = None
    instance: Optional[Instance] = (
        None  # the instance the condition is about, when derived
    )
    rule: str = "claim"  # the rule broken (see the module docstring)
    kind: FailureKind = FailureKind.CLAIM  # one of KINDS
    others: tuple = ()  # failures of other signatures on the same case (LEM-C2)
    causes: Optional[tuple] = (
        None  # verify.search.cause's explanation (None: not yet asked)
    )

    @property
    def cause(self) -> str:
        """The cause class (:func:`verify.search.cause.cause_class`); ``none`` when
        unexplained."""
        from verify.search.cause import cause_class

        return cause_class(list(self.causes or ()))

    def all(self) -> tuple["Failure", ...]:
        """This failure and the others found on the same case, each of its own
        signature."""
        return (replace(self, others=()),) + tuple(self.others)


class Outside(Exception):
    """The case, or every instance a property would derive from it, lies outside the
    run's restrictions: it is not judged and not counted as declined (the campaign draws
    another)."""


def signature(claim_id: str, failure: Failure) -> tuple[str, str, str, str]:
    """``(property, rule, kind, cause class)``: what makes two failures the same defect.

    >>> signature("THM-P2", Failure("objective 1 < optimum 3/2", rule="optimality",
    ...     kind="suboptimal", causes=({"kind": "swap", "text": "..."},)))
    ('THM-P2', 'optimality', 'suboptimal', 'swap')
    """
    return (claim_id, failure.rule, failure.kind, failure.cause)


#: added to a raised exception that reads like a decline (:func:`looks_like_decline`)
DECLINE_HINT = (
    " (an exception, so a finding; to decline an input, raise verify.Unsupported or"
    " answer UNSUPPORTED)"
)


def looks_like_decline(name: str, message: str) -> bool:
    """An exception the selector probably meant as a decline: its class is named
    ``Unsupported`` (its own, not :class:`solver.errors.Unsupported`) or its message
    starts with "unsupported".

    >>> looks_like_decline("Unsupported", "one request only"), looks_like_decline(
    ...     "ValueError", "Unsupported: x")
    (True, True)
    >>> looks_like_decline("ValueError", "bad input")
    False
    """
    return name.rsplit(".", 1)[-1] == "Unsupported" or message.lower().startswith(
        "unsupported"
    )


def fault_failure(exc: SolverFault) -> Failure:
    """The failure of a solver that raised, crashed, hung or answered garbage, with its
    rule and kind.

    >>> fault = SolverFault("solver raised IndexError: list index out of range")
    >>> fault_failure(fault).rule
    'IndexError'
    >>> fault_failure(SolverFault("solver printed malformed JSON: ...")).kind
    'malformed'
    """
    text = str(exc)
    raised = text.startswith("solver raised ")
    name, _, message = (
        text[len("solver raised ") :].partition(":") if raised else ("", "", "")
    )
    if raised and looks_like_decline(name.strip(), message.strip()):
        text += DECLINE_HINT
    kind = getattr(exc, "kind", None)
    if kind:  # set where the adapter raised it
        # (a --jsonl line that came late is about the instance that produced it)
        return Failure(
            text,
            rule=exc.rule or kind,
            kind=kind,
            instance=getattr(exc, "instance", None),
        )
    if raised:
        return Failure(text, rule=name.strip() or "exception", kind=FailureKind.RAISED)
    if "within the timeout" in text:
        return Failure(text, rule="timeout", kind=FailureKind.TIMEOUT)
    if text.startswith(("solver exited", "solver was killed", "solver program")):
        return Failure(text, rule="exit", kind=FailureKind.CRASHED)
    return Failure(text, rule="answer", kind=FailureKind.MALFORMED)


def explained(check: Callable) -> Callable:
    """``check`` whose failures carry their causes (:func:`verify.search.cause.explain`,
    with the run's declared ``precision`` and ``scores``), so that the cause class is
    part of their signature: the search then tells two causes of one kind of failure
    apart."""

    def run(solver, case, restrictions=None):
        failure = check(solver, case, restrictions)
        if failure is None:
            return None
        precision = getattr(restrictions, "precision", None)
        scores = getattr(restrictions, "scores", None)
        first, *others = [
            with_causes(f, case, precision, scores) for f in failure.all()
        ]
        return replace(first, others=tuple(others))

    run.__name__ = getattr(check, "__name__", "check")
    run.__doc__ = check.__doc__
    return run


def with_causes(
    failure: Failure,
    case,
    precision: Optional[str] = None,
    scores: Optional[str] = None,
) -> Failure:
    """``failure`` with its causes (none for tree cases, or when already explained)."""
    if failure.causes is not None:
        return failure
    inst = failure.instance if failure.instance is not None else case
    if not isinstance(inst, Instance):
        return replace(failure, causes=())
    from verify.search.cause import explain

    optimal = failure.optimal_selection
    if optimal is None and failure.kind == FailureKind.SUBOPTIMAL:
        optimal = dp.solve_dp(inst)
    return replace(
        failure,
        causes=tuple(
            explain(
                inst,
                failure.output,
                optimal,
                failure.rule,
                failure.kind,
                precision,
                scores,
            )
        ),
    )


def _rule_failure(text: str, bad, **kw) -> Failure:
    rule = min(
        (v.rule for v in bad),
        key=lambda r: RULE_ORDER.index(r) if r in RULE_ORDER else len(RULE_ORDER),
    )
    kind = FAILURE_OF_RULE.get(rule, FailureKind.MALFORMED)
    return Failure(text, rule=rule, kind=kind, **kw)


def run_solver(solver: Solver, instance: Instance) -> Selection:
    """Call the solver; anything it raises becomes :class:`SolverFault`; UNSUPPORTED
    raises :class:`Declined`."""
    try:
        out = solver(instance)
    # Inconclusive: a fresh selector worker could not start
    except (
        SolverFault,
        Inconclusive,
    ):
        raise
    except (
        Declined
    ) as exc:  # also Unsupported raised by a Python solver (not through an adapter)
        if not str(exc):
            raise Declined("the solver declined this input (no reason given)") from exc
        raise
    except Exception as exc:  # the solver's own bug: a finding
        raise SolverFault(f"solver raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(out, Selection):
        raise SolverFault(f"solver returned {type(out).__name__}, not a Selection")
    if out.status == UNSUPPORTED:
        raise Declined(out.reason or "the solver declined this input")
    if out.ok and out.selected is None:  # the JSON reader's rule, for an object
        try:
            parse_selection(out.to_json())
        except SelectionFormatError as exc:
            raise SolverFault(
                f"solver answered a malformed selection: {exc.one_line()}"
            ) from None
    return out


def _objective(sel: Selection) -> Fraction:
    """An OK selection's objective (the oracles' and the readers' always have one)."""
    assert sel.objective is not None, "an OK selection without its objective"
    return sel.objective


def _about(fail: Failure, probe: Instance) -> Instance:
    """The instance a solver's failure on ``probe`` is about: the probe, unless the
    failure already names one (a late ``--jsonl`` line: the instance that printed
    it)."""
    return fail.instance if isinstance(fail.instance, Instance) else probe


def _answer(solver: Solver, instance: Instance):
    """(selection, None) or (None, Failure) when the solver itself failed."""
    try:
        return run_solver(solver, instance), None
    except SolverFault as exc:
        return None, fault_failure(exc)


def _rule_check(rules: tuple[str, ...]):
    def check(
        solver: Solver, instance: Instance, restrictions=None
    ) -> Optional[Failure]:
        sel, fail = _answer(solver, instance)
        if fail or sel.status != OK:
            return fail
        bad = [v for v in violations(instance, sel.selected) if v.rule in rules]
        if (
            bad
            and getattr(restrictions, "best_effort", False)
            and all(v.rule == "target" for v in bad)
            and not dp.solve_dp(instance).ok
        ):
            # best effort: on an infeasible instance only budget and rootedness count
            return None
        if bad:
            return _rule_failure("; ".join(v.text for v in bad), bad, output=sel)
        return None

    return check


check_rooted = _rule_check(("rooted",))
check_format = _rule_check(("format",))
check_budget = _rule_check(("budget",))
check_target = _rule_check(("target",))


def check_invalid_sound(
    solver: Solver, instance: Instance, restrictions=None
) -> Optional[Failure]:
    """THM-P1: INVALID implies the exact oracle finds no feasible selection."""
    sel, fail = _answer(solver, instance)
    if fail or sel.status != INVALID:
        return fail
    best = dp.solve_dp(instance)
    if best.ok:
        return Failure(
            "answered INVALID but a feasible selection worth"
            f" {fraction_str(_objective(best))} exists",
            sel,
            best.objective,
            best,
            rule="INVALID soundness",
            kind=FailureKind.WRONG_INVALID,
        )
    return None


def check_optimal(
    solver: Solver, instance: Instance, restrictions=None
) -> Optional[Failure]:
    """THM-P2: feasible instance => feasible answer of exactly optimal value (and not
    INVALID)."""
    # first, so that a declined input counts as declined
    sel, fail = _answer(solver, instance)
    best = dp.solve_dp(instance)
    if not best.ok:
        # nothing to match on an infeasible instance, but a crash is still a crash
        return fail
    if fail:
        return replace(fail, optimum=best.objective, optimal_selection=best)
    if sel.status != OK:
        return Failure(
            f"answered {sel.status} on a feasible instance (optimum "
            f"{fraction_str(_objective(best))})",
            sel,
            best.objective,
            best,
            rule="INVALID soundness",
            kind=FailureKind.WRONG_INVALID,
        )
    bad = violations(instance, sel.selected)
    if bad:
        return _rule_failure(
            "answer infeasible: " + "; ".join(v.text for v in bad),
            bad,
            output=sel,
            optimum=best.objective,
            optimal_selection=best,
        )
    got = sum(
        (instance.request(r).tree.value(s) for r, s in sel.selected.items()),
        Fraction(0),
    )
    if got != best.objective:
        return Failure(
            f"objective {fraction_str(got)} {'<' if got < _objective(best) else '>'}"
            f" optimum {fraction_str(_objective(best))}",
            sel,
            best.objective,
            best,
            rule="optimality",
            kind=FailureKind.SUBOPTIMAL
            if got < _objective(best)
            else FailureKind.ABOVE_OPTIMUM,
        )
    return None


# ------------------------------------------------------- single-request lemmas


def single(
    request: Request, nodes: int, target: Fraction | None = None, charged: bool = False
) -> Instance:
    """A one-request instance around ``request``'s tree whose node budget is
    ``nodes``."""
    req = request if target is None else replace(request, target=target)
    return Instance(
        budget=nodes + (1 if charged else 0), requests=(req,), root_charged=charged
    )


def fewest_nodes_any_subset(tree: Tree, target: Fraction) -> Optional[int]:
    """Fewest non-root nodes of *any* subset (rooted or not) reaching ``target``.

    All subsets on small trees; the exact minimum is then independent of sorting.
    Larger trees: the smallest rooted count from the DP (equal on monotone trees).
    """
    non_root = tree.non_root
    root_f = tree.f[tree.root]
    if len(non_root) > SUBSET_BRUTE_LIMIT:
        table = dp.tree_table(tree)
        return next((k for k, x in enumerate(table) if x >= target), None)
    for k in range(len(non_root) + 1):
        if any(
            root_f + sum((tree.f[v] for v in c), Fraction(0)) >= target
            for c in itertools.combinations(non_root, k)
        ):
            return k
    return None


def _first_node_budget(restrictions, charged: bool) -> int:
    """The smallest node budget a derived one-request instance may have under
    ``restrictions``."""
    low = getattr(restrictions, "min_budget", None) or 0
    return max(0, low - (1 if charged else 0))


def check_min_count(
    solver: Solver, instance: Instance, restrictions=None
) -> Optional[Failure]:
    """LEM-C1: probe node budgets 0, 1, ...; the first one the solver meets must be the
    true minimum.

    Applies to the first request of ``instance`` on its own, in its root convention.
    Under a ``min_budget`` restriction the probes start there: meeting the target at the
    first probe is then correct whenever the true minimum is not above it.
    """
    req = instance.requests[0]
    truth = fewest_nodes_any_subset(req.tree, req.target)
    probe_limit = len(req.tree) - 1
    start = _first_node_budget(restrictions, instance.root_charged)
    if start > probe_limit:
        raise Outside(f"no node budget from {start} to {probe_limit} to probe")
    expected = None if truth is None else max(truth, start)
    for b in range(start, probe_limit + 1):
        case = single(req, b, charged=instance.root_charged)
        try:
            sel, fail = _answer(solver, case)
        except Declined as exc:
            exc.instance = case  # what was declined: the probe, not the generated case
            raise
        if fail:  # about the probe (a late --jsonl line: already about its printer)
            return replace(fail, instance=_about(fail, case))
        if sel.ok and not [
            v for v in violations(case, sel.selected) if v.rule in ("target", "format")
        ]:
            if truth is None or b < truth:
                return Failure(
                    f"request {req.id!r} reached target {fraction_str(req.target)} with"
                    f" node budget {b} but any subset needs"
                    f" {'more than the whole tree' if truth is None else truth} nodes"
                    f" (answer uses {len(sel.selected[req.id]) - 1})",
                    sel,
                    instance=case,
                    rule="minimal count",
                    kind=FailureKind.BELOW_MINIMUM,
                )
            assert expected is not None, "truth is known here"
            if b > expected:
                return Failure(
                    f"request {req.id!r}: fewest nodes reaching target"
                    f" {fraction_str(req.target)} is {truth} but the solver first met"
                    f" it at budget {b}",
                    sel,
                    instance=case,
                    rule="minimal count",
                    kind=FailureKind.NOT_MINIMAL,
                )
            return None
    if truth is not None:
        assert expected is not None, "truth is known"
        case = single(req, expected, charged=instance.root_charged)
        sel, _ = _answer(solver, case)
        return Failure(
            f"request {req.id!r}: {truth} nodes reach target {fraction_str(req.target)}"
            f" but the solver met it at no budget up to {probe_limit}",
            sel,
            instance=case,
            rule="minimal count",
            kind=FailureKind.NOT_MINIMAL,
        )
    return None


def best_b_subset(tree: Tree, b: int) -> Fraction:
    """Largest total (root included) of any b non-root nodes, rooted or not."""
    if len(tree.non_root) > SUBSET_BRUTE_LIMIT:
        return tree.f[tree.root] + sum(tree.sorted_values()[:b], Fraction(0))
    return max(
        tree.f[tree.root] + sum((tree.f[v] for v in c), Fraction(0))
        for c in itertools.combinations(tree.non_root, b)
    )


def check_top_b(
    solver: Solver, instance: Instance, restrictions=None
) -> Optional[Failure]:
    """LEM-C2: for every budget b, no target: answer value == best b-subset == best
    rooted b-subtree.

    Under a ``min_budget`` restriction only the budgets it admits are probed.  Every
    budget is judged on its own: the first failure is returned, with the failures of
    other signatures at later budgets in ``others`` (an over-budget answer at b = 0 must
    not hide a ranking defect at b = 2).
    """
    req = instance.requests[0]
    table = dp.tree_table(req.tree)
    declined, judged = None, 0
    start = _first_node_budget(restrictions, instance.root_charged)
    if start > len(req.tree) - 1:
        raise Outside(f"no node budget from {start} to {len(req.tree) - 1} to probe")
    found: list[Failure] = []
    for b in range(start, len(req.tree)):
        case = single(req, b, target=Fraction(0), charged=instance.root_charged)
        subset_best = best_b_subset(req.tree, b)
        if table[b] != subset_best:
            found.append(
                Failure(
                    f"best rooted {b}-subtree is worth {fraction_str(table[b])} but the"
                    f" best {b}-subset {fraction_str(subset_best)}",
                    None,
                    subset_best,
                    instance=case,
                    rule="top-b",
                    kind=FailureKind.CLAIM,
                )
            )
            continue
        try:
            sel, fail = _answer(solver, case)
        except Declined as exc:  # each budget is its own check: skip the declined ones
            if declined is None:
                exc.instance = case
                declined = exc
            continue
        judged += 1
        if fail:
            found.append(replace(fail, instance=_about(fail, case)))
        elif not sel.ok:
            found.append(
                Failure(
                    f"answered {sel.status} with budget {b} and no target",
                    sel,
                    table[b],
                    instance=case,
                    rule="INVALID soundness",
                    kind=FailureKind.WRONG_INVALID,
                )
            )
        elif violations(case, sel.selected):
            bad = violations(case, sel.selected)
            found.append(
                _rule_failure(
                    "; ".join(v.text for v in bad),
                    bad,
                    output=sel,
                    optimum=table[b],
                    instance=case,
                )
            )
        elif req.tree.value(sel.selected[req.id]) != subset_best:
            got = req.tree.value(sel.selected[req.id])
            found.append(
                Failure(
                    f"budget {b}: answer worth {fraction_str(got)}, the top-{b} set is"
                    f" worth {fraction_str(subset_best)}",
                    sel,
                    subset_best,
                    instance=case,
                    rule="optimality",
                    kind=FailureKind.SUBOPTIMAL
                    if got < subset_best
                    else FailureKind.ABOVE_OPTIMUM,
                )
            )
    if found:
        first, seen, others = found[0], {(found[0].rule, found[0].kind)}, []
        for f in found[1:]:
            if (f.rule, f.kind) not in seen:
                seen.add((f.rule, f.kind))
                others.append(f)
        return replace(first, others=tuple(others))
    if declined is not None and not judged:
        raise declined
    return None


# ------------------------------------------------------------ tree-level claims


def expected_acceptance(tree: Tree, nodes) -> Fraction:
    """E[acc(S)] by enumerating the verification walk on the subtree ``nodes``.

    The walk starts at the root; at node u the target model draws the next
    token: child c of u in S with probability cond(c), else it stops (the
    remaining probability).  acc = nodes on the walked path, root included.
    Each outcome "stop at u" has probability f(u) * (1 - sum of cond over u's
    children in S) and yields depth(u) + 1 tokens.
    """
    s = set(nodes)
    total = Fraction(0)
    # (node, probability of reaching it, tokens so far)
    stack = [(tree.root, Fraction(1), 1)]
    while stack:
        u, reach, tokens = stack.pop()
        kids = [c for c in tree.children[u] if c in s]
        stop = 1 - sum((tree.cond[c] for c in kids), Fraction(0))
        total += reach * stop * tokens
        for c in kids:
            stack.append((c, reach * tree.cond[c], tokens + 1))
    return total


def check_expected_acceptance(_solver, case, restrictions=None) -> Optional[Failure]:
    """THM-3.1 on one (tree, rooted subtree) case."""
    tree, nodes = case
    walk = expected_acceptance(tree, nodes)
    total = tree.value(nodes)
    if walk != total:
        return Failure(
            f"E[acc] by the verification walk is {fraction_str(walk)} but sum f is "
            f"{fraction_str(total)}"
        )
    return None


def beam_nodes(tree: Tree, depth: int, width: int) -> set[int]:
    """Nodes a beam search of ``depth`` levels and ``width`` keeps (ties: smaller
    index)."""
    keep = {tree.root}
    level = [tree.root]
    for _ in range(depth):
        cands = [c for u in level for c in tree.children[u]]
        level = sorted(cands, key=lambda c: (-tree.f[c], c))[:width]
        keep.update(level)
    return keep


def restrict(
    instance: Instance, keep: dict[str, set[int]]
) -> tuple[Instance, dict[str, list[int]]]:
    """The instance with each tree cut down to the rooted node set ``keep[id]``.

    Returns the new instance and, per request, new-label -> old-label.
    """
    reqs, back = [], {}
    for r in instance.requests:
        old = sorted(keep[r.id], key=lambda v: r.tree.depth[v])
        new_of = {v: i for i, v in enumerate(old)}
        parent = [
            -1 if r.tree.parent[v] == -1 else new_of[r.tree.parent[v]] for v in old
        ]
        tree = Tree.from_parents(
            parent, [r.tree.f[v] for v in old], [r.tree.cond[v] for v in old]
        )
        reqs.append(replace(r, tree=tree))
        back[r.id] = old
    return replace(instance, requests=tuple(reqs)), back


def check_beam_contains_optimum(
    _solver, instance: Instance, restrictions=None
) -> Optional[Failure]:
    """THM-4.1: a beam of width B (the node budget) contains an optimal selection.

    The paper fixes the depth at D_opt, the depth of the optimal tree, which is
    not unique.  Levels of a beam do not depend on how deep it goes, so "some
    optimal tree T* lies in the beam of depth depth(T*)" holds exactly when the
    beam run to each tree's full height contains an optimal selection: that
    weakest reading is what is checked, so a failure refutes every reading.
    """
    best = dp.solve_dp(instance)
    if not best.ok:
        return None
    width = max(instance.node_budget, 0)
    keep = {r.id: beam_nodes(r.tree, r.tree.height, width) for r in instance.requests}
    small, _ = restrict(instance, keep)
    inside = dp.solve_dp(small)
    if not inside.ok or inside.objective != best.objective:
        got = (
            "no feasible selection"
            if not inside.ok
            else f"at most {fraction_str(_objective(inside))}"
        )
        kept = ", ".join(f"{rid}: {sorted(k)}" for rid, k in keep.items())
        return Failure(
            f"a beam of width {width} (kept nodes {kept}) holds {got}; the optimum is "
            f"{fraction_str(_objective(best))}",
            None,
            best.objective,
            best,
        )
    return None


# ------------------------------------------------------------------ the judges


def oracle_answers(instance: Instance) -> dict[str, Selection]:
    """Each exact oracle's answer: tree DP, Z3, and all combinations on small instances.

    Raises :class:`~solver.errors.Inconclusive` when Z3 cannot decide (the
    campaign then reports the claim inconclusive), and
    :class:`~solver.errors.Z3Fault` / :class:`~solver.errors.BruteMismatch`
    when an oracle's own answer fails the checker.
    """
    out = {
        "tree DP": dp.solve_dp(instance),
        "Z3": z3_encoding.solve_z3(instance, timeout=Z3_TIMEOUT),
    }
    if instance.total_nodes <= brute.LIMIT:
        best, sel = brute.brute_force(instance)
        out["all combinations"] = (
            make_ok(instance, sel)
            if best is not None
            else make_invalid("no combination of rooted subtrees is feasible")
        )
    return out


def check_oracles(_solver, instance: Instance, restrictions=None) -> Optional[Failure]:
    """ORACLES: the exact oracles agree on status and optimum; every selection passes
    the checker.

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 1, "root_charged": True, "requests": [
    ...     {"id": "a", "target": 1, "parent": [-1, 0, 1], "prob": [1, 0, 1]}]},
    ...     allow_nonmonotone=True)
    >>> check_oracles(None, inst) is None
    True
    """
    try:
        answers = oracle_answers(instance)
    except (Z3Fault, brute.BruteMismatch) as exc:
        return Failure(f"an oracle's answer fails the exact checker: {exc}")
    for name, sel in answers.items():
        if sel.status not in (OK, INVALID):
            return Failure(f"{name} answered {sel.status}")
        if sel.ok:
            assert sel.selected is not None, "the oracles' OK selections have nodes"
            bad = violations(instance, sel.selected, sel.objective)
            if bad:
                return Failure(
                    f"{name}'s selection {sel.dumps()} fails the checker: "
                    + "; ".join(v.text for v in bad)
                )
    says = {
        name: fraction_str(_objective(sel)) if sel.ok else "INVALID"
        for name, sel in answers.items()
    }
    if len(set(says.values())) > 1:
        # no "optimum" recorded: which oracle is right is exactly what is in question
        return Failure(
            "the exact oracles disagree: "
            + ", ".join(f"{n} {v}" for n, v in says.items())
        )
    return None

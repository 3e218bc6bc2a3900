"""Z3, the second exact method: feasibility, optimum and refutation, every answer
re-checked.

The problem of SPEC section 1, both root conventions, with exact rational
coefficients and no fact the paper proves (no top-k structure, no
monotonicity), so it also judges non-monotone inputs.  Two encodings:

``monolithic`` (this module, :class:`Direct`)
    One 0/1 Int variable x_v per non-root node (the root is always selected);
    rooted: ``x_v <= x_parent`` (child implies parent); budget:
    ``sum x <= node budget``; target: ``f(root) + sum f_v x_v >= A_i``;
    objective: ``sum_i (f(root_i) + sum f_v x_v)``.  A literal transcription of
    the definition; Z3 copes with it up to about 16 requests x 25 nodes.
``decomposed`` (:mod:`verify.oracles.z3.decomposed`, the default)
    Small per-tree queries (:mod:`verify.oracles.z3.tree`: minimal counts, a
    Lagrangian bound, exact per-count values where needed), then small claims
    over per-request counts (:mod:`verify.oracles.z3.counts`).  Same verdicts; an
    AdaServe-scale proof (64 x 25, B = 1024) takes about a second.

Modes (each returns a :class:`~verify.oracles.z3.common.Z3Result`)
----------------------------------------------------------
:func:`feasible`  FEASIBLE (re-checked selection) | INFEASIBLE (Z3 proof) | INCONCLUSIVE
:func:`refute`    "is some feasible selection worth more than ``value``?"
                  OPTIMAL (no: ``unsat``; vacuously so when nothing is feasible)
                  | BETTER (yes: re-checked witness) | INCONCLUSIVE
:func:`optimize`  OPTIMAL (the optimum, re-checked, and an ``unsat`` proof that
                  nothing is worth more) | INFEASIBLE | INCONCLUSIVE

and for the CLI: :func:`solve_z3` (``--solver z3``) and :func:`confirm`
(``check``, beside the DP).  ``timeout`` is in seconds for the whole call,
building the encoding included (``--z3-timeout``), ``memory`` in MB
(``--z3-memory``); ``unknown``, running out of time or memory, or Ctrl-C is
INCONCLUSIVE, never a pass; the fixed seed and a fresh context per call make
the verdict repeatable.  Every selection is re-checked by
:func:`solver.feasibility.violations` before it is believed (per-tree models
by exact arithmetic on the tree); one that fails raises
:class:`~solver.errors.Z3Fault`.  docs/z3-encoding.md has the soundness
argument and the measurements.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 2, "requests": [
...     {"id": "a", "target": "1.6", "parent": [-1, 0, 0, 1],
...      "prob": [1, "0.7", "0.2", "0.42"]},
...     {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]}]})
>>> r = optimize(inst, timeout=30)
>>> r.verdict, r.selection.objective
('OPTIMAL', Fraction(16, 5))
>>> refute(inst, Fraction(16, 5)).verdict
'OPTIMAL'
>>> r = refute(inst, Fraction(3), method="monolithic")
>>> r.verdict, r.selection.objective > 3
('BETTER', True)
>>> feasible(parse_instance({"budget": 0, "requests": [
...     {"id": "a", "target": "1.5", "parent": [-1, 0], "prob": [1, "0.5"]}]})).verdict
'INFEASIBLE'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import z3

from solver.errors import Inconclusive
from solver.feasibility import violations
from solver.model import Instance
from solver.numbers import fraction_str
from solver.selection import Selection, make_invalid
from verify.oracles.z3.common import (
    BETTER,
    DECOMPOSED,
    FEASIBLE,
    INCONCLUSIVE,
    INFEASIBLE,
    MONOLITHIC,
    OPTIMAL,
    OPTIMIZE,
    SEED,
    Session,
    Z3Fault,
    Z3Result,
    believe,
    rational,
)
from verify.oracles.z3.decomposed import Decomposition

__all__ = [
    "FEASIBLE",
    "INFEASIBLE",
    "OPTIMAL",
    "BETTER",
    "INCONCLUSIVE",
    "DECOMPOSED",
    "MONOLITHIC",
    "OPTIMIZE",
    "Z3Result",
    "Z3Fault",
    "Direct",
    "feasible",
    "refute",
    "optimize",
    "solve_z3",
    "confirm",
]


# ------------------------------------------------------------------ monolithic


class Direct:
    """The monolithic encoding of one instance (see module doc) in a session's
    context."""

    def __init__(self, session: Session, instance: Instance, solver=None):
        self.session, self.instance = session, instance
        ctx = session.ctx
        s = session.solver() if solver is None else solver
        self.x: list[dict[int, z3.ArithRef]] = []
        values: list[z3.ArithRef] = []
        counts: list[z3.ArithRef] = []
        for i, req in enumerate(instance.requests):
            tree = req.tree
            session.tick()
            x = {v: z3.Int(f"r{i}.x{v}", ctx) for v in tree.non_root}
            for v, xv in x.items():
                s.add(xv >= 0, xv <= 1)
                p = tree.parent[v]
                if p != tree.root:
                    s.add(xv <= x[p])  # rooted: child implies parent
            value = rational(tree.f[tree.root], ctx) + _sum(
                [
                    rational(tree.f[v], ctx) * xv
                    for v, xv in x.items()
                    if tree.f[v] != 0
                ],
                z3.RealVal(0, ctx),
            )
            s.add(value >= rational(req.target, ctx))  # target, root's f included
            self.x.append(x)
            values.append(value)
            counts.extend(x.values())
        # budget on non-root nodes
        s.add(_sum(counts, z3.IntVal(0, ctx)) <= instance.node_budget)
        self.total = _sum(values, z3.RealVal(0, ctx))
        self.solver = s

    def sets(self, model: z3.ModelRef) -> dict[str, tuple[int, ...]]:
        out = {}
        for req, x in zip(self.instance.requests, self.x):
            out[req.id] = (req.tree.root,) + tuple(
                v
                for v, xv in x.items()
                if model.eval(xv, model_completion=True).as_long() == 1
            )
        return out

    def exists(self, above: Fraction | None = None) -> Selection | None:
        """A re-checked feasible selection (worth more than ``above``), or None if Z3
        proves none."""
        s = self.solver
        s.push()
        if above is not None:
            s.add(self.total > rational(above, self.session.ctx))
        found = None
        if self.session.check(s):
            found = believe(self.instance, self.sets(s.model()), above=above)
        s.pop()
        return found


def _sum(terms, zero):
    return z3.Sum(terms) if terms else zero


# ------------------------------------------------------------------ the modes


def _run(method: str, timeout, rlimit, body, memory=None) -> Z3Result:
    session = Session(timeout, rlimit, memory)
    try:
        try:
            return body(session)
        except z3.Z3Exception as exc:  # raised by any API call, building included
            text = (
                exc.value.decode(errors="replace")
                if isinstance(exc.value, bytes)
                else str(exc.value)
            )
            if "memory" in text:
                raise session.out_of_memory() from None
            raise Z3Fault(f"Z3 error: {text}") from None
        except MemoryError:
            raise Inconclusive(
                f"out of memory in the Z3 stage (after {session.queries} queries)"
            ) from None
    except Inconclusive as exc:
        return session.result(INCONCLUSIVE, method, reason=str(exc))


def _check_method(method: str, allowed=(DECOMPOSED, MONOLITHIC)) -> None:
    if method not in allowed:
        raise ValueError(
            f"unknown method {method!r} (choose from {', '.join(allowed)})"
        )


def feasible(
    instance: Instance,
    *,
    timeout: float | None = None,
    method: str = DECOMPOSED,
    rlimit: int | None = None,
    memory: int | None = None,
) -> Z3Result:
    """FEASIBLE with a re-checked selection, INFEASIBLE (Z3 proof), or INCONCLUSIVE."""
    _check_method(method)

    def body(session):
        if method == MONOLITHIC:
            sel = Direct(session, instance).exists()
            if sel is None:
                return session.result(
                    INFEASIBLE, method, reason="Z3: the constraints are unsatisfiable"
                )
            return session.result(FEASIBLE, method, selection=sel)
        dec = Decomposition(session, instance)
        sel = dec.feasible()
        if sel is None:
            return session.result(INFEASIBLE, method, reason=dec.infeasible_reason())
        return session.result(FEASIBLE, method, selection=sel)

    return _run(method, timeout, rlimit, body, memory)


def refute(
    instance: Instance,
    value: Fraction,
    *,
    timeout: float | None = None,
    method: str = DECOMPOSED,
    rlimit: int | None = None,
    memory: int | None = None,
) -> Z3Result:
    """Is some feasible selection worth more than ``value``?  OPTIMAL (no), BETTER
    (witness), INCONCLUSIVE."""
    _check_method(method)
    value = Fraction(value)

    def body(session):
        stats = {}
        if method == MONOLITHIC:
            sel = Direct(session, instance).exists(above=value)
        else:
            dec = Decomposition(session, instance)
            sel = dec.better_than(value)
            stats["proof"] = dec.proof
        if sel is None:
            return session.result(
                OPTIMAL,
                method,
                value=value,
                stats=stats,
                reason=(
                    "Z3: no feasible selection is worth more than"
                    f" {fraction_str(value)}"
                ),
            )
        assert sel.objective is not None, "a re-checked selection has its value"
        return session.result(
            BETTER,
            method,
            value=value,
            selection=sel,
            reason=f"a feasible selection is worth {fraction_str(sel.objective)}",
        )

    return _run(method, timeout, rlimit, body, memory)


def optimize(
    instance: Instance,
    *,
    timeout: float | None = None,
    method: str = DECOMPOSED,
    rlimit: int | None = None,
    hint: Fraction | None = None,
    memory: int | None = None,
) -> Z3Result:
    """The optimum: OPTIMAL with a re-checked selection and an ``unsat`` proof above it,
    INFEASIBLE, or INCONCLUSIVE.

    Decomposed: bisection between the best selection found and the proved
    Lagrangian bound (:meth:`~verify.oracles.z3.decomposed.Decomposition.maximize`);
    ``hint`` (another oracle's optimum, never trusted) is tried first.
    Monolithic: Z3's first model, or the reference greedy's answer if it is
    better (a candidate only), then "worth more than the best so far?" until
    ``unsat``.  ``method="optimize"`` uses Z3's ``Optimize`` on the monolithic
    encoding and still proves the answer by a refutation (it stalls beyond
    about 80 variables; kept for comparison).
    """
    _check_method(method, (DECOMPOSED, MONOLITHIC, OPTIMIZE))

    def body(session):
        stats: dict[str, Any] = {}
        if method == DECOMPOSED:
            dec = Decomposition(session, instance)
            best = dec.maximize(hint)
            if best is None:
                return session.result(
                    INFEASIBLE, method, reason=dec.infeasible_reason()
                )
            stats["proof"] = dec.proof
        else:
            if method == OPTIMIZE:
                best = _optimize_builtin(session, instance)
                if best is None:
                    return session.result(
                        INFEASIBLE,
                        method,
                        reason="Z3: the constraints are unsatisfiable",
                    )
            direct = Direct(session, instance)
            if method == MONOLITHIC:
                best = direct.exists()
                if best is None:
                    return session.result(
                        INFEASIBLE,
                        method,
                        reason="Z3: the constraints are unsatisfiable",
                    )
                best = _better_seed(instance, best)
            assert best is not None, "OPTIMIZE and MONOLITHIC returned when None"
            stats["improvements"] = 0
            while (better := direct.exists(above=best.objective)) is not None:
                best = better
                stats["improvements"] += 1
        assert best.objective is not None, "a re-checked selection has its value"
        return session.result(
            OPTIMAL,
            method,
            selection=best,
            value=best.objective,
            stats=stats,
            reason=f"Z3: optimum {fraction_str(best.objective)}, nothing is worth more",
        )

    return _run(method, timeout, rlimit, body, memory)


def _better_seed(instance: Instance, best: Selection) -> Selection:
    """The reference greedy's answer if it passes the checker and beats ``best`` (a
    candidate only)."""
    from solver.reference import solve_reference

    cand = solve_reference(instance)
    if not cand.ok:
        return best
    assert cand.selected is not None and cand.objective is not None, "an OK one"
    assert best.objective is not None, "best is an OK selection"
    if cand.objective > best.objective and not violations(
        instance, cand.selected, cand.objective
    ):
        return cand
    return best


def _optimize_builtin(session: Session, instance: Instance) -> Selection | None:
    opt = z3.Optimize(ctx=session.ctx)
    opt.set(random_seed=SEED)
    direct = Direct(session, instance, solver=opt)
    opt.maximize(direct.total)
    if not session.check(opt):
        return None
    return believe(instance, direct.sets(opt.model()), what="Z3 Optimize model")


# ------------------------------------------------------------------ for the CLI


def solve_z3(
    instance: Instance,
    *,
    timeout: float | None = None,
    method: str = DECOMPOSED,
    memory: int | None = None,
) -> Selection:
    """``--solver z3``: an optimal selection or INVALID; raises Inconclusive when Z3
    cannot decide."""
    result = optimize(instance, timeout=timeout, method=method, memory=memory)
    if result.verdict == INCONCLUSIVE:
        raise Inconclusive(result.reason)
    if result.verdict == INFEASIBLE:
        return make_invalid(result.reason)
    assert result.selection is not None, "OPTIMAL comes with the optimum"
    return result.selection


def confirm(
    instance: Instance,
    optimum: Fraction | None,
    *,
    timeout: float | None = None,
    memory: int | None = None,
) -> str | None:
    """Z3's own optimum against another oracle's (None: infeasible).

    Z3 computes its own optimum (the decomposed :func:`optimize`; the other
    value only serves as the first guess, never as a fact).  Returns None when
    they agree, else what Z3 found (for "DP says X, Z3 says <this>"); raises
    :class:`~solver.errors.Inconclusive` when Z3 cannot decide.  A Z3 model
    that fails the exact checker is reported as a disagreement too.

    >>> from solver.parse import parse_instance
    >>> inst = parse_instance({"budget": 1, "requests": [
    ...     {"id": "a", "target": 1, "parent": [-1, 0, 0],
    ...      "prob": [1, "0.5", "0.25"]}]})
    >>> confirm(inst, Fraction(3, 2)) is None
    True
    >>> print(confirm(inst, Fraction(5, 4)))  # doctest: +NORMALIZE_WHITESPACE
    optimum 3/2 (witness {"status": "OK", "selected": {"a": [0, 1]},
    "objective": "3/2"})
    >>> print(confirm(inst, None))  # doctest: +NORMALIZE_WHITESPACE
    feasible: optimum 3/2 (witness {"status": "OK", "selected": {"a": [0, 1]},
    "objective": "3/2"})
    """
    try:
        result = optimize(instance, timeout=timeout, hint=optimum, memory=memory)
    except Z3Fault as exc:
        return f"an answer that fails the exact checker ({exc})"
    if result.verdict == INCONCLUSIVE:
        raise Inconclusive(result.reason)
    if result.verdict == INFEASIBLE:
        return None if optimum is None else f"infeasible: {result.reason}"
    assert result.selection is not None, "OPTIMAL comes with the optimum"
    found = result.selection.objective
    assert found is not None, "the optimum is an OK selection"
    if optimum is not None and found == optimum:
        return None
    text = f"optimum {fraction_str(found)} (witness {result.selection.dumps()})"
    return text if optimum is not None else "feasible: " + text

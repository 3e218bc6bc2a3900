"""The unit of work: all selected claims on one shape (or one pair of shapes).

A task builds the symbolic run once per greedy, proves the run lemmas, then
refutes each claim's negation in a push/pop scope of the same solver.  It
returns plain records (JSON-able dicts), one per (claim, greedy), so tasks can
run in worker processes.

Record fields: ``claim``, ``greedy``, ``n`` (nodes; for pairs the larger
tree), ``shape`` (level-sequence name; ``a+b`` for pairs), ``queries``,
``status`` (proved / counterexample / unknown), ``seconds`` (building and
solving), ``witness`` (counterexample facts) and ``reason`` (for unknown).

>>> settings = Settings(ties=True, greedies=("paper",), tree_claims=("APP-B",))
>>> recs = shape_task(((0, 1, 2), settings))
>>> [(r["claim"], r["status"]) for r in recs]
[('RUN', 'proved'), ('APP-B', 'counterexample')]
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import z3

from .claims_pair import PAIR_CLAIMS
from .claims_tree import TREE_CLAIMS, USES_SORTED, run_lemmas, skeleton_lemmas
from .pair_run import PairRun
from .shapes import Shape, rooted_shapes
from .smt import COUNTEREXAMPLE, PROVED, UNKNOWN, check, new_solver, refute
from .tree_run import GREEDIES, TreeRun


@dataclass(frozen=True)
class Settings:
    ties: bool = False
    greedies: tuple[str, ...] = GREEDIES
    tree_claims: tuple[str, ...] = tuple(TREE_CLAIMS)
    pair_claims: tuple[str, ...] = tuple(PAIR_CLAIMS)
    timeout: float = 120.0
    seed: int = 0


def _record(claim, greedy, n, shape, queries, status, seconds, witness=None, reason=""):
    return {
        "claim": claim,
        "greedy": greedy,
        "n": n,
        "shape": shape,
        "queries": queries,
        "status": status,
        "seconds": seconds,
        "witness": witness,
        "reason": reason,
    }


def _lemmas(solver, lemmas):
    """Prove the run lemmas; return (status, proven names, queries, seconds, reason)."""
    proven: set[str] = set()
    status, reason, secs = PROVED, "", 0.0
    for name, neg, expect_sat, keep in lemmas:
        out = check(solver, *neg)
        secs += out.seconds
        if expect_sat:  # non-vacuity: the encoding must admit some run
            if out.status == PROVED:
                return (
                    UNKNOWN,
                    proven,
                    len(lemmas),
                    secs,
                    f"{name}: vacuous, the encoding admits no run",
                )
            if out.status == UNKNOWN:
                status, reason = UNKNOWN, f"{name}: {out.reason}"
        elif out.status == PROVED:
            proven.add(name)
            solver.add(*keep)  # proven: later queries may use it
        elif out.status == COUNTEREXAMPLE:
            status, reason = COUNTEREXAMPLE, f"{name} fails"
        elif status == PROVED:
            status, reason = UNKNOWN, f"{name}: {out.reason}"
    return status, proven, len(lemmas), secs, reason


def skeleton_task(task) -> list[dict]:
    """RUN-PERM for all shapes with n nodes at once (greedy ``any``: the skeleton is
    shared)."""
    n, st = task
    t0 = time.perf_counter()
    run = TreeRun(next(rooted_shapes(n)), "frontier", ties=st.ties)
    solver = new_solver(st.seed, st.timeout)
    solver.add(run.skeleton)
    lemmas = skeleton_lemmas(run)
    status, _, nq, _, reason = _lemmas(solver, lemmas)
    return [
        _record(
            "RUN-PERM",
            "any",
            n,
            "skeleton",
            nq,
            status,
            time.perf_counter() - t0,
            reason=reason,
        )
    ]


def shape_task(task) -> list[dict]:
    levels, st = task
    shape = Shape.from_levels(levels)
    recs = []
    for greedy in st.greedies:
        t0 = time.perf_counter()
        run = TreeRun(shape, greedy, ties=st.ties)
        solver = new_solver(st.seed, st.timeout)
        solver.add(run.base)
        build = time.perf_counter() - t0
        status, proven, nq, secs, reason = _lemmas(solver, run_lemmas(run))
        recs.append(
            _record(
                "RUN",
                greedy,
                shape.n,
                shape.name(),
                nq,
                status,
                build + secs,
                reason=reason,
            )
        )
        for claim in st.tree_claims:
            t1 = time.perf_counter()
            neg, witness = TREE_CLAIMS[claim](run)
            assumed = (
                [run.lemma_sorted()]
                if claim in USES_SORTED and "RUN-SORTED" in proven
                else []
            )
            out = refute(solver, neg, *assumed)
            wit = witness(out.model) if out.status == COUNTEREXAMPLE else None
            st_claim, why = out.status, out.reason
            if reason.endswith("admits no run"):  # a vacuous encoding proves nothing
                st_claim, why = UNKNOWN, reason
            recs.append(
                _record(
                    claim,
                    greedy,
                    shape.n,
                    shape.name(),
                    1,
                    st_claim,
                    time.perf_counter() - t1,
                    wit,
                    why,
                )
            )
    return recs


def pair_task(task) -> list[dict]:
    levels_a, levels_b, st = task
    a, b = Shape.from_levels(levels_a), Shape.from_levels(levels_b)
    n, name = max(a.n, b.n), f"{a.name()}+{b.name()}"
    recs = []
    for greedy in st.greedies:
        t0 = time.perf_counter()
        pair = PairRun(a, b, greedy, ties=st.ties)
        solver = new_solver(st.seed, st.timeout)
        solver.add(pair.constraints)
        exists = check(solver)  # non-vacuity
        vacuous = exists.status == PROVED
        status = UNKNOWN if vacuous or exists.status == UNKNOWN else PROVED
        reason = "vacuous: the encoding admits no run" if vacuous else exists.reason
        recs.append(
            _record(
                "RUN-PAIR",
                greedy,
                n,
                name,
                1,
                status,
                time.perf_counter() - t0,
                reason=reason,
            )
        )
        for claim in st.pair_claims:
            t1 = time.perf_counter()
            neg, witness = PAIR_CLAIMS[claim](pair)
            out = refute(solver, *neg)
            wit = witness(out.model) if out.status == COUNTEREXAMPLE else None
            st_claim, why = (UNKNOWN, reason) if vacuous else (out.status, out.reason)
            recs.append(
                _record(
                    claim,
                    greedy,
                    n,
                    name,
                    1,
                    st_claim,
                    time.perf_counter() - t1,
                    wit,
                    why,
                )
            )
    return recs


def refined_witness(claim: str, greedy: str, levels: list, st: Settings) -> dict | None:
    """Re-solve one counterexample with presentation constraints, for a readable
    instance.

    Asks for non-root probabilities strictly between 0 and 1, the root as
    node 0 under the paper-literal labeling and, for two
    requests, ties between requests decided in input order (as the concrete
    replays decide them); drops these wishes if they make it unsatisfiable.
    """
    shapes = [Shape.from_levels(lv) for lv in levels]
    if claim in TREE_CLAIMS:
        run = TreeRun(shapes[0], greedy, ties=st.ties)
        base, runs, extra = run.base, [run], []
        neg, witness = TREE_CLAIMS[claim](run)
    else:
        pair = PairRun(shapes[0], shapes[1], greedy, ties=st.ties)
        base, runs, extra = pair.constraints, pair.trees, pair.tie_in_input_order()
        neg, witness = PAIR_CLAIMS[claim](pair)
    nice = [z3.And(t.f[v] > 0, t.f[v] < 1) for t in runs for v in t.shape.non_root]
    # root as node 0
    nice += [t.idx[t.shape.root] == 0 for t in runs if t.idx is not None]
    solver = new_solver(st.seed, st.timeout)
    solver.add(base)
    for wish in (extra + nice, extra, []):
        out = check(solver, *neg, *wish)
        if out.status == COUNTEREXAMPLE:
            return witness(out.model)
    return None

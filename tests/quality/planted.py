"""Planted-bug solvers: the correct greedy with one realistic defect each.

Quality of the checker itself: ``python -m verify test-solver`` (and the suite)
must catch every one of these, each on a small shrunk instance, and must pass
:func:`correct_other_ties` untouched.  They are written the way an external team
would hand in a selector: a Python callable on the instance JSON dict
(docs/format.md; numbers arrive as fraction strings such as ``"7/10"``) that
returns a selection dict.  ``python -m tests.quality.planted NAME`` runs one as a
``--cmd`` program (instance JSON on stdin, selection JSON on stdout).

=====================  ====================================  ===========================
name                   defect                                caught by (at least)
=====================  ====================================  ===========================
budget_ge0             throughput loop printed               RULE-BUDGET, THM-P2
                       ``while B >= 0``
gettop_all             GetTop over all unselected nodes,     APP-B/ties
                       ties by index
float_target           target test summed in IEEE double     LEM-C1, THM-P1 or THM-P2
no_slo                 no SLO phase: throughput only         RULE-TARGET, THM-P2
no_throughput          no throughput phase: leftover budget  THM-P2, LEM-C2
                       unspent
strict_target          SLO loop ``while acc <= A`` (one      LEM-C1, THM-P1 or THM-P2
                       node too many)
roots_always_free      ignores ``root_charged``              RULE-BUDGET (by default)
never_invalid          answers OK with unmet targets         RULE-TARGET
                       instead of INVALID
invalid_when_tight     INVALID already when the targets      THM-P1
                       need exactly B
by_conditional         ranks by conditional, not path,       THM-P2, LEM-C2
                       probability
one_based_nodes        reports node ids + 1 (a 1-based       RULE-FORMAT
                       array leaks out)
index_error_on_wide    crashes (IndexError) on a node with   any: "solver raised"
                       3+ children
frontier_float32       frontier greedy ranking by float32 f  THM-P2, LEM-C2: suboptimal
                       (index ties)
frontier_bfloat16      the same in bfloat16                  THM-P2, LEM-C2: suboptimal
topb_all_float32       top-B over all nodes by float32 f,    APP-B: not rooted (strict
                       index ties                            f!)
budget0_float32        takes a node at budget 0 *and* ranks  THM-P2: over budget and
                       by float32                            suboptimal, two findings
raises_outside_domain  one request, no targets; raises       RULE-BUDGET, THM-P2: over
                       outside; at budget 0 still takes a    budget (never "raised")
                       node
float32_target         target test accumulated in float32    THM-P1: wrong INVALID
                                                             (cause: a float32 sum)
capped_float_target    per-request cap *and* a double        THM-P2: two target-missed
                       target test                           findings, two causes
own_unsupported        declines by raising its own           "raised", with a hint
                       ``Unsupported``
=====================  ====================================  ===========================

The float planted bugs are what SPEC section 3 item 9 describes: a selector that
holds f in float32 or bfloat16 (as ``float(Fraction(s))`` then cast) ranks values
that differ exactly but merge after rounding as equal, and its index tie-break then
takes the smaller value, or a child before its equal-looking parent.

Not bugs: :func:`correct_other_ties` (other tie order, other output order, no
objective), :func:`correct_skip_zeros` (leaves f = 0 nodes out),
:func:`single_request_only` and :func:`decline_budget_zero` (correct, but decline part
of the inputs with ``UNSUPPORTED``), :func:`needs_draft_token` (correct, but raises
:class:`solver.errors.Unsupported` on a budget with no draft token: passes with
``--min-budget 1``), :func:`best_effort` (correct as a selector that never answers
INVALID: passes with ``--best-effort``, a target-missed finding without).

>>> inst = {"budget": 1, "requests": [
...     {"id": "r", "target": "1", "parent": [-1, 0, 0], "prob": ["1", "1/2", "3/10"]}]}
>>> budget_ge0(inst)["selected"]             # one node more than the budget allows
{'r': [0, 1, 2]}
>>> correct_other_ties(inst)["selected"]
{'r': [1, 0]}
"""

from __future__ import annotations

import json
import os
import sys
import time
from fractions import Fraction

from solver.errors import Unsupported
from solver.parse import parse_instance
from verify.search.precision import round_to, to_format


class _Float32(float):
    """A float whose every sum is rounded to float32 (a target test accumulated in
    float32)."""

    def __new__(cls, x):
        return float.__new__(cls, to_format(float(x), "float32"))

    def __add__(self, other):
        return _Float32(float(self) + float(other))

    __radd__ = __add__


def _greedy(
    obj: dict,
    *,
    loop_ge0=False,
    all_nodes=False,
    number=Fraction,
    slo=True,
    throughput=True,
    strict=False,
    charge_roots=True,
    invalid=True,
    tight_invalid=False,
    rank="f",
    other_ties=False,
    fmt=None,
    at_least_one=False,
    skip_zeros=False,
    acc_number=None,
    cap=False,
) -> dict:
    """The reference greedy (SPEC section 4), with one flag per planted defect.

    ``fmt``: candidates are ranked by f rounded to that format (the sums stay exact);
    ``at_least_one``: a node budget of 0 is treated as 1; ``skip_zeros``: never takes a
    node with f = 0 (correct: it adds nothing); ``acc_number``: the target test only
    (not the ranking) in that arithmetic; ``cap``: at most int(1.2 * B / n) non-root
    nodes per request (the AdaServe authors' n_max, SPEC section 3 item 7), the SLO
    phase stopping silently there."""
    inst = parse_instance(obj)
    reqs = inst.requests
    B = inst.budget - (len(reqs) if inst.root_charged and charge_roots else 0)
    if at_least_one and B == 0:
        B = 1
    if B < 0:
        return {"status": "INVALID", "reason": "the roots do not fit"}
    chosen = [{r.tree.root} for r in reqs]
    n_max = int(Fraction(6, 5) * B / len(reqs)) if cap and reqs else None
    acc_number = acc_number or number

    def best(i):
        """(value, node) of request i's best candidate, or None."""
        t = reqs[i].tree
        score = t.f if rank == "f" else t.cond
        cands = [
            v
            for v in range(len(t))
            if v not in chosen[i]
            and (all_nodes or t.parent[v] in chosen[i])
            and not (skip_zeros and t.f[v] == 0)
        ]
        if not cands or (n_max is not None and len(chosen[i]) - 1 >= n_max):
            return None
        value = (lambda x: round_to(x, fmt)) if fmt else number
        if (
            other_ties
        ):  # deeper first, then larger index: still frontier-only, so still correct
            v = max(cands, key=lambda v: (value(score[v]), t.depth[v], v))
        else:
            v = min(cands, key=lambda v: (-value(score[v]), v))
        return value(score[v]), v

    if slo:
        for i, r in enumerate(reqs):
            acc, target = acc_number(r.tree.f[r.tree.root]), acc_number(r.target)
            while acc <= target if strict else acc < target:
                if B <= (
                    1 if tight_invalid else 0
                ):  # tight_invalid: the last unit counts as spent
                    if invalid:
                        return {
                            "status": "INVALID",
                            "reason": f"budget spent on request {r.id}",
                        }
                    break
                if n_max is not None and len(chosen[i]) - 1 >= n_max:
                    break  # the per-request cap: stop this request, budget left or not
                pick = best(i)
                if pick is None:
                    if invalid:
                        return {
                            "status": "INVALID",
                            "reason": f"target of {r.id} unreachable",
                        }
                    break
                chosen[i].add(pick[1])
                acc += acc_number(r.tree.f[pick[1]])
                B -= 1
    while throughput and (B >= 0 if loop_ge0 else B > 0):
        picks = [(best(i), i) for i in range(len(reqs))]
        picks = [(p, i) for p, i in picks if p is not None]
        if not picks:
            break
        if other_ties:
            (_, v), i = max(picks, key=lambda x: (x[0][0], x[1]))
        else:
            (_, v), i = min(picks, key=lambda x: (-x[0][0], x[1]))
        chosen[i].add(v)
        B -= 1
    if other_ties:
        return {
            "status": "OK",
            "selected": {
                r.id: sorted(chosen[i], reverse=True)
                for i, r in reversed(list(enumerate(reqs)))
            },
        }
    total = sum((r.tree.value(chosen[i]) for i, r in enumerate(reqs)), Fraction(0))
    return {
        "status": "OK",
        "selected": {r.id: sorted(chosen[i]) for i, r in enumerate(reqs)},
        "objective": str(total),
    }


# ------------------------------------------------------------------ the planted bugs


def budget_ge0(obj):
    """Throughput phase as printed: ``while B >= 0`` spends one node over the budget."""
    return _greedy(obj, loop_ge0=True)


def gettop_all(obj):
    """GetTop over all unselected nodes (not the frontier), ties by smaller index:
    orphans on f ties."""
    return _greedy(obj, all_nodes=True)


def float_target(obj):
    """Float accumulation of the target test: 1.0 + 0.4 + 0.2 < 1.6 in IEEE double."""
    return _greedy(obj, number=float)


def no_slo(obj):
    """No SLO phase: throughput only, targets ignored."""
    return _greedy(obj, slo=False)


def no_throughput(obj):
    """No throughput phase: stops once the targets are met, leaving budget (and value)
    unused."""
    return _greedy(obj, throughput=False)


def strict_target(obj):
    """SLO loop ``while acc <= A``: a target met exactly takes one node too many."""
    return _greedy(obj, strict=True)


def roots_always_free(obj):
    """Ignores ``root_charged``: on roots-charged instances it spends the roots' share
    too."""
    return _greedy(obj, charge_roots=False)


def never_invalid(obj):
    """When the budget runs out (or a target is unreachable) it answers OK anyway."""
    return _greedy(obj, invalid=False)


def invalid_when_tight(obj):
    """Off-by-one INVALID test: INVALID when the targets need exactly the whole
    budget."""
    return _greedy(obj, tight_invalid=True)


def by_conditional(obj):
    """Ranks candidates by the one-step conditional probability instead of the path
    probability."""
    return _greedy(obj, rank="cond")


def one_based_nodes(obj):
    """Correct selection, but node ids come out 1-based (an internal 1-based array
    leaks)."""
    out = _greedy(obj)
    if out["status"] == "OK":
        out["selected"] = {
            rid: [v + 1 for v in nodes] for rid, nodes in out["selected"].items()
        }
        out.pop("objective")
    return out


def index_error_on_wide(obj):
    """A fixed top-2 child buffer: IndexError on any node with three or more
    children."""
    for r in obj["requests"]:
        slots: dict[int, list] = {}
        for v, p in enumerate(r["parent"]):
            if p != -1:
                buf = slots.setdefault(p, [None, None])
                buf[buf.index(None) if None in buf else 2] = (
                    v  # IndexError on a third child
                )
    return _greedy(obj)


def frontier_float32(obj):
    """Frontier greedy that ranks candidates by f held in float32 (index ties): values
    that merge there (siblings closer than the ulp, 1 - 10^-12 next to 1) are taken
    smaller first."""
    return _greedy(obj, fmt="float32")


def frontier_bfloat16(obj):
    """The same in bfloat16 (8 bits of mantissa: 0.999 and 1 are equal there)."""
    return _greedy(obj, fmt="bfloat16")


def topb_all_float32(obj):
    """An EAGLE-style reranker: the top-B non-root nodes of all trees by float32 f, ties
    by (request, index); targets ignored (declared: ``--no-targets``).  A child whose f
    merges with its parent's in float32 and has the smaller index is taken first: an
    orphan although f strictly decreases.
    """
    inst = parse_instance(obj)
    B = max(inst.budget - (len(inst.requests) if inst.root_charged else 0), 0)
    cands = [
        (-round_to(r.tree.f[v], "float32"), i, v)
        for i, r in enumerate(inst.requests)
        for v in r.tree.non_root
    ]
    chosen = [{r.tree.root} for r in inst.requests]
    for _, i, v in sorted(cands)[:B]:
        chosen[i].add(v)
    return {
        "status": "OK",
        "selected": {r.id: sorted(chosen[i]) for i, r in enumerate(inst.requests)},
    }


def budget0_float32(obj):
    """Two defects: a node budget of 0 is taken as 1 (a selector that always drafts one
    token), and candidates are ranked in float32.  The first hides the second unless the
    search goes on.
    """
    return _greedy(obj, fmt="float32", at_least_one=True)


def raises_outside_domain(obj):
    """Declared domain: one request, no targets (``--single-request --no-targets``);
    outside it, it raises (ValueError) as real code does.  Inside it, a real defect: at
    budget 0 it still takes one node.
    """
    reqs = obj["requests"]
    if len(reqs) != 1:
        raise ValueError(f"expected exactly one draft tree, got {len(reqs)}")
    if Fraction(reqs[0]["target"]) > 1:
        raise ValueError("targets are not supported")
    return _greedy(obj, at_least_one=True)


def float32_target(obj):
    """Target test accumulated in float32 (ranking exact): 1 + 0.3 + 0.3 < 1.6 there, a
    wrong INVALID on A=8/5, f=[1,3/10,3/10] (issue 20)."""
    return _greedy(obj, acc_number=_Float32)


def capped_float_target(obj):
    """Two defects of the AdaServe authors' selection code (issue 20): a per-request cap
    n_max = int(1.2 * B / n) that leaves a feasible target unmet with budget left, and a
    target test accumulated in IEEE double (1 + 2/3 < 5/3 there).  Both are "target
    missed" on THM-P2; their causes (stopped early, float sum) tell them apart."""
    return _greedy(obj, acc_number=float, cap=True)


def best_effort(obj):
    """Correct as a best-effort selector (as AdaServe's): never INVALID; when the budget
    runs out the SLO phase moves on, leaving the target unmet.  Passes with
    ``--best-effort``."""
    return _greedy(obj, invalid=False)


# a selector's own decline exception, named Unsupported too (not verify.Unsupported,
# which this
# module imports under that name): a finding, with a hint on how to decline
OwnUnsupported = type(
    "Unsupported", (ValueError,), {"__doc__": "A selector's own decline exception."}
)


def own_unsupported(obj):
    """Correct, but declines several requests by raising its own
    ``Unsupported(ValueError)``."""
    if len(obj["requests"]) != 1:
        raise OwnUnsupported("one request per call")
    return _greedy(obj)


# ------------------------------------------------------------------ not bugs


def correct_other_ties(obj):
    """Correct: ties broken deeper-first and by larger index, output in reverse order,
    no objective."""
    return _greedy(obj, other_ties=True)


def correct_skip_zeros(obj):
    """Correct: never selects a node with f = 0 (worth nothing), so it may leave budget
    unspent."""
    return _greedy(obj, skip_zeros=True)


def single_request_only(obj):
    """Correct on one request; declines several."""
    if len(obj["requests"]) != 1:
        return {"status": "UNSUPPORTED", "reason": "handles exactly one request"}
    return _greedy(obj)


def decline_budget_zero(obj):
    """Correct, but declines a budget of 0."""
    if obj["budget"] == 0:
        return {"status": "UNSUPPORTED", "reason": "budget 0"}
    return _greedy(obj)


def needs_draft_token(obj):
    """Correct, but needs at least one draft token (EAGLE's top-k cannot run with 0):
    raises :class:`solver.errors.Unsupported` when the budget leaves none; passes with
    ``--min-budget 1``."""
    if obj["budget"] - (len(obj["requests"]) if obj.get("root_charged") else 0) < 1:
        raise Unsupported("needs at least one draft token")
    return _greedy(obj)


# ------------------------------------------------------------------ as a --cmd program


def _main(argv: list[str]) -> int:
    """``python -m tests.quality.planted NAME``: one instance on stdin, one selection on
    stdout.

    Besides the functions above, NAME may be a misbehaving program: ``hang``
    (sleeps), ``garbage`` (prints non-JSON), ``abort`` (dies by SIGABRT),
    ``decline`` (exit code 3 on every input).
    """
    name = argv[1] if len(argv) > 1 else "correct_other_ties"
    obj = json.load(sys.stdin)
    if name == "hang":
        if obj["budget"] == 0:
            time.sleep(3600)
        name = "correct_other_ties"
    if name == "garbage":
        print("selected: 0 1 2")
        return 0
    if name == "abort":
        if len(obj["requests"]) and len(obj["requests"][0]["parent"]) >= 3:
            os.abort()
        name = "correct_other_ties"
    if name == "decline":
        print("this program declines everything", file=sys.stderr)
        return 3
    print(json.dumps(globals()[name](obj)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))

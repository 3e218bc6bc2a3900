"""The paper variants as they were before issue 16 (O(requests) per GetTop, float
n_max): the oracle for tests/test_hostile_inputs.py, which requires the fast
solver/paper.py to select exactly the same.

Copied verbatim from solver/paper.py at commit 90e6397 (docstrings' doctests removed);
do not edit."""

from __future__ import annotations

from fractions import Fraction

from solver.model import Instance, Tree
from solver.numbers import fraction_str
from solver.selection import Selection, make_invalid, make_ok


class _Unselected:
    """GetTop over all unselected nodes of one tree: largest f, then smaller index.

    ``chosen`` is the request's selected set; nodes only enter it through
    :meth:`take` (after the root), so one pointer over a fixed order suffices.
    """

    def __init__(self, tree: Tree):
        self.tree = tree
        self.chosen = {tree.root}
        self.order = sorted(range(len(tree)), key=lambda v: (-tree.f[v], v))
        self.pos = 0

    def peek(self) -> int | None:
        while self.pos < len(self.order) and self.order[self.pos] in self.chosen:
            self.pos += 1
        return self.order[self.pos] if self.pos < len(self.order) else None

    def take(self) -> int | None:
        v = self.peek()
        if v is not None:
            self.chosen.add(v)
        return v


def _take_top(pools: list[_Unselected]) -> bool:
    """GetTop over all requests: add the best unselected node anywhere; False if none is
    left."""
    best = None
    for i, pool in enumerate(
        pools
    ):  # input order: strict < keeps the earlier request on ties
        v = pool.peek()
        if v is not None and (best is None or (-pool.tree.f[v], v) < best[0]):
            best = ((-pool.tree.f[v], v), i)
    if best is None:
        return False
    pools[best[1]].take()
    return True


def _sets(instance: Instance, pools: list[_Unselected]) -> dict:
    return {r.id: p.chosen for r, p in zip(instance.requests, pools)}


def solve_paper_alg1(instance: Instance) -> Selection:
    """Algorithm 1 as printed (SPEC section 2; section 3 items 1, 3, 6), exact
    arithmetic.

    B is ``instance.node_budget`` (roots paid up front when the instance charges
    them; a negative value is INVALID).  SLO phase in input order: while
    acc_i < A_i, INVALID if B == 0, else add GetTop over *all* unselected nodes
    of T_i (INVALID if none is left: the target is unreachable, item 6).
    Throughput phase printed as ``while B >= 0`` (item 1): it spends B + 1 nodes
    when that many are left, and may add a child before its parent on f ties
    (item 3).

    """
    B = instance.node_budget
    if B < 0:
        return make_invalid(
            f"budget {instance.budget} cannot pay the {len(instance.requests)} "
            "charged roots"
        )
    pools = [_Unselected(r.tree) for r in instance.requests]
    for req, pool in zip(instance.requests, pools):
        acc = req.tree.f[req.tree.root]
        while acc < req.target:  # printed SLO phase (lines "while acc < A")
            if B == 0:
                return make_invalid(
                    f"request {req.id!r}: budget spent before target "
                    f"{fraction_str(req.target)} was reached (at {fraction_str(acc)})"
                )
            v = pool.take()
            if v is None:
                return make_invalid(
                    f"request {req.id!r}: target {fraction_str(req.target)} not "
                    "reached after taking every node (GetTop on an empty set)"
                )
            acc += req.tree.f[v]
            B -= 1
    while B >= 0 and _take_top(pools):  # printed `while B >= 0`: one node too many
        B -= 1
    return make_ok(instance, _sets(instance, pools))


def solve_paper_alg2(
    instance: Instance,
    n_max: int | None = None,
    descending: bool = True,
    accumulate: str = "cond",
) -> Selection:
    """Algorithm 2 (Sec. 4.3) as printed; the keywords exist to study variants.

    Defaults are the literal algorithm (SPEC section 2; section 3 items 1, 2, 7):

    * roots always charged: B = budget - n, whatever ``instance.root_charged``
      says (on a roots-free instance it therefore under-spends by n - 1);
    * n_max = ``int(1.2 * budget / n)`` (authors' code; a float, like theirs),
      compared with |S_i| *including* the root;
    * requests sorted by A, descending (stable); ``descending=False`` ascends;
    * SLO phase: while acc_i < min(A_i, d + 1) (d = tree height) and
      |S_i| < n_max and B >= 0: add GetTop over all unselected nodes of T_i
      (stop this request if none), acc_i += cond(v) (printed line 15;
      ``accumulate="f"`` uses the path probability as Eq. 7 does), B -= 1;
    * throughput phase: while B >= 0, add GetTop over all requests.

    The printed algorithm has no INVALID branch: the answer is always OK and the
    feasibility checker judges it (unmet targets, one node over budget).

    """
    if accumulate not in ("cond", "f"):
        raise ValueError(f"accumulate must be 'cond' or 'f', got {accumulate!r}")
    n = len(instance.requests)
    if n == 0:
        return make_ok(instance, {})
    B = instance.budget - n  # line "B <- B - 1" per request
    if n_max is None:
        n_max = int(1.2 * instance.budget / n)
    pools = [_Unselected(r.tree) for r in instance.requests]
    order = sorted(
        range(n), key=lambda i: instance.requests[i].target, reverse=descending
    )
    for i in order:  # sorted() is stable, also with reverse=True
        tree, pool = instance.requests[i].tree, pools[i]
        values = tree.cond if accumulate == "cond" else tree.f
        a_cap = min(instance.requests[i].target, Fraction(tree.height + 1))
        acc = Fraction(1)
        while acc < a_cap and len(pool.chosen) < n_max and B >= 0:
            v = pool.take()
            if v is None:
                break
            acc += values[v]  # printed line 15: the one-step conditional
            B -= 1
    while B >= 0 and _take_top(pools):
        B -= 1
    return make_ok(instance, _sets(instance, pools))

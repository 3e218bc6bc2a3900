"""The tree knapsack of one tree, in little memory: its value table and an optimal
subtree per count.

No premise on the weights beyond ``w >= 0`` (non-monotone, tied, zero: all fine).

Terminology
-----------
count
    The number of *non-root* nodes of a rooted subtree (the root is always in).
table
    ``table[k]``: the largest total weight, root included, of a rooted subtree
    with ``k`` non-root nodes, for ``k = 0 .. cap`` (``cap`` defaults to
    ``len(tree) - 1``).  Non-decreasing in ``k`` since every weight is >= 0.
position
    The nodes in *preorder* with every node's children ordered by subtree size,
    the largest (the *heavy* child) last; position 0 is the root, ``n`` means
    "past the end".  ``end[p]`` is the position just after the subtree of the
    node at position ``p``.
row
    ``B[p][c]``: the largest weight of ``c`` nodes chosen among positions
    ``p .. n-1`` such that a chosen node's parent is chosen whenever the parent
    is among them too; ``B[n] = [0]``.  Either position ``p`` is taken (then its
    children, which follow it, may be) or its whole subtree is skipped::

        B[p][c] = max(w[p] + B[p + 1][c - 1],  B[end[p]][c])

    and ``table[k] = w[root] + B[1][k]``.

Cost (n nodes, counts up to K)
------------------------------
* **Table**: one *sweep* computes the rows from ``n`` down to 1, O(n K)
  additions and comparisons, and drops each row as soon as nothing refers to
  it.  Inside a node's subtree the rows still referred to are ``B[p + 1]`` and
  ``B[end[a]]`` for its ancestors ``a``; ``end[a]`` differs from its parent's
  only when ``a`` is a light child (at most half its parent's size), so at most
  log2(n) + 2 rows are alive: memory O(K log n) numbers, not O(n K).
* **Read-back** (:meth:`TreeKnapsack.subtree`): a walk from position 1 takes
  or skips each position by comparing ``w[p] + B[p + 1][c - 1]`` with
  ``B[end[p]][c]``.  The rows are recomputed rather than stored (recursive
  checkpointing): to walk positions ``[lo, hi)``, sweep ``[mid, hi)`` keeping
  only the rows the left half needs, walk ``[lo, mid)``, then walk on from
  where it left.  O(n K log n) time, O(K log^2 n) numbers of memory.  Small
  trees (``n (K + 1) <= SMALL``) keep every row of one sweep instead.

Rows of at least :data:`VECTOR` entries are numpy int64 arrays when the
weights are integers summing to less than 2**62 (then every entry, a sum of
distinct weights, is exact); otherwise Python lists of ints or Fractions.

Compared with the bottom-up merge of child tables that stores every split
(``tests/common/dp_quadratic.py``: O(n^2) memory, 1.3 GB for an 8,000-node
path), time is of the same order and memory is near-linear.

>>> from fractions import Fraction as F
>>> from solver.model import Tree
>>> t = Tree.from_parents([-1, 0, 0, 1], [F(1), F(0), F(3, 4), F(1)])
>>> k = TreeKnapsack(t, [4, 0, 3, 4])          # weights = f * 4
>>> k.table
[4, 7, 8, 11]
>>> k.subtree(2)  # node 1 (weight 0) is worth taking for its child 3
(0, 1, 3)
"""

from __future__ import annotations

from itertools import islice
from typing import Sequence

from solver.model import Tree

# rows of one sweep kept in memory when n * (K + 1) is at most this many numbers
SMALL = 1 << 16
# rows this long or longer are numpy int64 arrays when that is exact (see TreeKnapsack)
VECTOR = 256


def preorder(tree: Tree) -> tuple[list[int], list[int]]:
    """``(seq, end)``: node at each position (heavy child last) and the end of its
    subtree.

    >>> from fractions import Fraction as F
    >>> # node 2 (size 2) after node 1
    >>> preorder(Tree.from_parents([-1, 0, 0, 2], [F(1)] * 4))
    ([0, 1, 2, 3], [4, 2, 4, 4])
    """
    n = len(tree)
    size = [1] * n
    for v in reversed(tree.order):
        p = tree.parent[v]
        if p != -1:
            size[p] += size[v]
    seq: list[int] = []
    stack = [tree.root]
    while stack:
        v = stack.pop()
        seq.append(v)
        # stable: light first, heavy last
        kids = sorted(tree.children[v], key=size.__getitem__)
        stack.extend(reversed(kids))
    pos = [0] * n
    for p, v in enumerate(seq):
        pos[v] = p
    return seq, [pos[v] + size[v] for v in seq]


class TreeKnapsack:
    """Table and read-back of one tree's knapsack; ``weights[v] >= 0`` exact numbers
    (int or Fraction)."""

    def __init__(
        self,
        tree: Tree,
        weights: Sequence,
        cap: int | None = None,
        keep_rows: bool = True,
    ):
        n = len(tree)
        self.tree = tree
        self.n = n
        self.cap = n - 1 if cap is None else max(0, min(cap, n - 1))
        self.seq, self.end = preorder(tree)
        self.w = [weights[v] for v in self.seq]
        if any(x < 0 for x in self.w):
            raise ValueError("the tree knapsack needs weights >= 0")
        self.zero = self.w[0] - self.w[0]
        # int64 rows: every entry is a sum of distinct weights, so below 2**62 in all it
        # is exact
        self._np = None
        if (
            self.cap + 1 >= VECTOR
            and all(type(x) is int for x in self.w)
            and sum(self.w) < 1 << 62
        ):
            try:
                import numpy

                self._np = numpy
            except ImportError:  # pragma: no cover - numpy comes with matplotlib
                pass
        if self._np is not None:
            self.zero = 0
        self._rows = None
        if keep_rows and n * (self.cap + 1) <= SMALL:
            self._rows = self._sweep(
                1, n, {n: self._start()}, range(1, n + 1), self.cap
            )
            first = self._rows[1]
        else:
            first = self._sweep(1, n, {n: self._start()}, (1,), self.cap)[1]
        w0 = self.w[0]
        self.table = (
            [w0 + int(x) for x in first]
            if self._np is not None
            else [w0 + x for x in first]
        )

    # ------------------------------------------------------------ rows

    def _start(self):
        """``B[n]``: nothing left to choose, worth 0."""
        return (
            self._np.zeros(1, dtype=self._np.int64)
            if self._np is not None
            else [self.zero]
        )

    def _combine(self, wp, nxt, sk, cap: int):
        np = self._np
        if np is not None:
            take = nxt[:cap] + wp
            head = np.maximum(take[: len(sk) - 1], sk[1 : len(take) + 1])
            return np.concatenate(((0,), head, take[len(sk) - 1 :])).astype(
                np.int64, copy=False
            )
        # counts 1..
        take = [wp + x for x in (nxt if len(nxt) <= cap else islice(nxt, cap))]
        head = [a if a > b else b for a, b in zip(take, islice(sk, 1, None))]
        # a row of a larger cap may be longer: cut at take's
        return [sk[0]] + head + take[len(sk) - 1 :]

    def _sweep(self, lo: int, hi: int, given: dict, keep, cap: int) -> dict:
        """Rows ``B[p]`` for ``p = hi-1 .. lo``; returns ``{q: B[q]}`` for ``q`` in
        ``keep``.

        ``given`` holds ``B[hi]`` and ``B[end[p]]`` for every ``p`` in ``[lo, hi)``
        with ``end[p] > hi``; rows are capped at ``cap + 1`` entries.
        """
        end, w, combine = self.end, self.w, self._combine
        uses: dict[int, int] = {}
        for p in range(lo, hi):
            uses[p + 1] = uses.get(p + 1, 0) + 1
            e = end[p]
            uses[e] = uses.get(e, 0) + 1
        live = {q: given[q] for q in uses if q >= hi}
        keep = set(keep)
        out = {q: given[q] for q in keep if q >= hi}
        for p in range(hi - 1, lo - 1, -1):
            e = end[p]
            row = combine(w[p], live[p + 1], live[e], cap)
            for q in (p + 1, e):
                left = uses[q] - 1
                if left:
                    uses[q] = left
                else:
                    del uses[q], live[q]
            if p in uses:
                live[p] = row
            if p in keep:
                out[p] = row
        return out

    # ------------------------------------------------------------ read-back

    def _walk_rows(
        self, lo: int, hi: int, c: int, rows: dict, chosen: list
    ) -> tuple[int, int]:
        end, w = self.end, self.w
        p = lo
        while p < hi:
            e = end[p]
            sk = rows[e]
            if c >= 1 and (c >= len(sk) or w[p] + rows[p + 1][c - 1] >= sk[c]):
                chosen.append(p)
                c -= 1
                p += 1
            else:
                p = e
        return p, c

    def _walk(
        self, lo: int, hi: int, c: int, given: dict, chosen: list
    ) -> tuple[int, int]:
        """Walk positions ``[lo, hi)`` with ``c`` nodes to take; return where it leaves
        and what is left."""
        end = self.end
        if hi - lo <= 2 or (hi - lo) * (c + 1) <= SMALL:
            need = {p + 1 for p in range(lo, hi)} | {end[p] for p in range(lo, hi)}
            return self._walk_rows(
                lo, hi, c, self._sweep(lo, hi, given, need, c), chosen
            )
        mid = (lo + hi) // 2
        need_left = {mid} | {end[p] for p in range(lo, mid) if end[p] > mid}
        rows = self._sweep(mid, hi, given, need_left, c)
        p, c = self._walk(lo, mid, c, rows, chosen)
        del rows
        if p >= hi:
            return p, c
        return self._walk(p, hi, c, given, chosen)

    def subtree(self, k: int) -> tuple[int, ...]:
        """One rooted subtree with ``k`` non-root nodes worth ``table[k]`` (sorted
        nodes, root included)."""
        if not 0 <= k <= self.cap:
            raise ValueError(f"count {k} out of range 0..{self.cap}")
        chosen: list[int] = []
        if self._rows is not None:
            p, c = self._walk_rows(1, self.n, k, self._rows, chosen)
        else:
            p, c = self._walk(1, self.n, k, {self.n: self._start()}, chosen)
        # pragma: no cover - the rows guarantee a complete walk
        if p != self.n or c != 0:
            raise AssertionError(
                f"tree knapsack read-back ended at position {p} with {c} nodes left"
            )
        seq = self.seq
        return tuple(sorted([seq[0]] + [seq[q] for q in chosen]))

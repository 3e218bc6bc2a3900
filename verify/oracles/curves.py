"""Exact (max, +) algebra of value curves: how the DP combines requests.

Terminology
-----------
curve
    A list ``g`` of exact numbers (Python ints or Fractions, all >= 0):
    ``g[x]`` is the best value a request reaches with ``x`` nodes beyond its
    minimal feasible count.  Curves here are non-decreasing (more nodes never
    hurt when every f >= 0), and nothing else is assumed about them.
increment
    ``g[x] - g[x - 1]`` for ``x >= 1``.
concave
    The increments never increase: ``g[x + 1] - g[x] <= g[x] - g[x - 1]``.
    Checked exactly on every curve (:func:`is_concave`), never assumed.
(max, +) convolution
    ``(a ⊕ b)[k] = max over i + j = k of a[i] + b[j]``: the best value two
    requests reach together with ``k`` extra nodes.
allocation
    Counts ``x_i`` with ``sum x_i = goal`` that maximise ``sum g_i[x_i]``.

Methods, each exact:

* concave curves are merged by sorting all their increments (greedy marginal
  allocation): the merged curve takes the ``j`` largest increments, which is
  optimal exactly because each curve's increments come in non-increasing order
  (O(L log L) for L increments in all); when every curve is concave only the
  counts are needed, read off the ``goal``-th largest increment
  (:func:`concave_counts`, the same counts without the merged curve);
* a curve with a concave one: :func:`maxplus_concave`, O((len a + len b) log)
  by divide and conquer on the argmax, which is non-decreasing in k when ``b``
  is concave (the matrix ``a[j] + b[k - j]`` is Monge);
* any two curves: the plain convolution (:func:`maxplus`; inside the
  allocation only on the window of counts that can still reach the goal),
  O(len a * len b);
* the allocation among non-concave curves is read back Hirschberg-style
  (:func:`allocate`): split the curves in two halves, merge each half, find the
  best split of ``goal``, recurse.  Memory stays linear in the total curve
  length (plus at most :data:`DIRECT_CELLS` numbers: a stretch of curves whose
  partial curves fit is read back directly); time is the merge cost times at
  most log2 of the number of non-concave curves.

Non-concave curves are convolved as numpy int64 arrays when every curve, the
concave ones included, holds Python ints and their largest entries sum to less
than 2**62 (every sum then fits exactly); otherwise (Fractions, larger
integers) as Python lists.

>>> maxplus([0, 1, 5], [0, 3])
[0, 3, 5, 8]
>>> maxplus_concave([0, 1, 5], [0, 3, 4])
[0, 3, 5, 8, 9]
>>> is_concave([0, 3, 4]), is_concave([0, 1, 5])
(True, False)
>>> # 3 + 5 + 0 = 8 beats 4 + 0 + 2 and 0 + 5 + 2
>>> allocate([[0, 3, 4], [0, 1, 5], [0, 2]], 3)
[1, 2, 0]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, chain, repeat
from operator import add, ge, neg, sub
from typing import Any, Sequence

Curve = Sequence  # of exact numbers (int or Fraction), non-decreasing
# partial curves kept at once when reading back directly (a fixed bound)
DIRECT_CELLS = 1 << 19


def increments(g: Curve) -> list:
    """``g[x] - g[x - 1]`` for ``x = 1 .. len(g) - 1`` (exact)."""
    return list(map(sub, g[1:], g[:-1]))


def _never_increase(d: Sequence) -> bool:
    return all(map(ge, d, d[1:]))


def is_concave(g: Curve) -> bool:
    """True when the increments of ``g`` never increase (exact comparison)."""
    return _never_increase(increments(g))


def maxplus(a: Curve, b: Curve, limit: int | None = None) -> list:
    """``(a ⊕ b)[k]`` for ``k = 0 .. min(len a + len b - 2, limit)``, any curves."""
    if len(b) > len(a):
        a, b = b, a
    n = len(a) + len(b) - 1 if limit is None else min(len(a) + len(b) - 1, limit + 1)
    b0 = b[0]
    # -1: below every value (all >= 0)
    out = [x + b0 for x in a[:n]] + [-1] * max(0, n - len(a))
    for x in range(1, len(b)):
        width = min(len(a), n - x)
        if width <= 0:
            break
        bx = b[x]
        seg = out[x : x + width]
        out[x : x + width] = [
            p if p > q else q for p, q in zip(seg, map(add, a[:width], repeat(bx)))
        ]
    return out


def maxplus_concave(a: Curve, b: Curve, limit: int | None = None) -> list:
    """``(a ⊕ b)`` when ``b`` is concave: the largest argmax j of ``a[j] + b[k - j]``
    grows with k.

    (For k1 < k2 and j1 < j2 concavity gives a[j1] + b[k1 - j1] + a[j2] + b[k2 - j2] >=
    a[j2] + b[k1 - j2] + a[j1] + b[k2 - j1], whenever the right side is defined.)
    """
    la, lb = len(a), len(b)
    n = la + lb - 1 if limit is None else min(la + lb - 1, limit + 1)
    out = [None] * n
    stack = [(0, n - 1, 0, la - 1)]
    while stack:
        klo, khi, jlo, jhi = stack.pop()
        if klo > khi:
            continue
        mid = (klo + khi) // 2
        j0, j1 = max(jlo, mid - lb + 1), min(jhi, mid, la - 1)
        best, arg = a[j0] + b[mid - j0], j0
        for j in range(j0 + 1, j1 + 1):
            v = a[j] + b[mid - j]
            if v >= best:
                best, arg = v, j
        out[mid] = best
        stack.append((klo, mid - 1, jlo, arg))
        stack.append((mid + 1, khi, arg, jhi))
    return out


class ConcaveMerge:
    """Several concave curves as one: the merged curve takes the largest increments
    first.

    Ties between increments go to the curve listed first, then to the smaller
    position, so that every curve's share of the ``j`` largest is a prefix of
    its increments (its increments never increase).
    """

    def __init__(self, curves: Sequence[Curve], limit: int | None = None):
        owner: list[int] = []
        neg: list[Any] = []  # exact numbers, as in the curves
        for i, g in enumerate(curves):
            if len(g) > 1:
                owner.extend(repeat(i, len(g) - 1))
                # g[x - 1] - g[x]: ascending = increments descending
                neg.extend(map(sub, g[:-1], g[1:]))
        # stable: ties keep (curve, position) order
        order = sorted(range(len(neg)), key=neg.__getitem__)
        if limit is not None:
            order = order[:limit]
        base = sum((g[0] for g in curves), 0)
        self.curve = list(accumulate(map(neg.__getitem__, order), sub, initial=base))
        self._owner = [owner[t] for t in order]
        self._n = len(curves)

    def counts(self, j: int) -> list[int]:
        """Each curve's share of the ``j`` largest increments."""
        got = Counter(self._owner[:j])
        return [got[i] for i in range(self._n)]


def concave_counts(incs: Sequence[Sequence], goal: int) -> list[int]:
    """:meth:`ConcaveMerge.counts` of ``goal`` for the curves whose increments are
    ``incs`` (each non-increasing), without building the merged curve.

    The ``goal`` largest increments are those above the ``goal``-th largest,
    ``t``, and then as many equal to ``t`` as are still missing, taken in curve
    order: within a curve they are the next ones, as its increments never
    increase.  That is the merge's tie rule (curve listed first, then smaller
    position), so the counts are the same.
    """
    if goal <= 0:
        return [0] * len(incs)
    every = sorted(chain.from_iterable(incs))  # ascending
    t = every[len(every) - goal]
    # bisect by -d: the increments ascend in that key; d > t first, then d == t
    above = [bisect_left(d, -t, key=neg) for d in incs]
    missing = goal - sum(above)
    if missing:
        for i, d in enumerate(incs):
            ties = bisect_right(d, -t, key=neg) - above[i]
            take = ties if ties < missing else missing
            above[i] += take
            missing -= take
            if not missing:
                break
    return above


class Window:
    """Entries ``lo .. lo + len(values) - 1`` of a curve (the others cannot lead to the
    goal)."""

    __slots__ = ("lo", "values")

    def __init__(self, lo: int, values: Any):  # a list or an int64 numpy array
        self.lo, self.values = lo, values

    @property
    def hi(self) -> int:
        return self.lo + len(self.values) - 1

    def __getitem__(self, k: int):
        return self.values[k - self.lo]


def _convolve_window(prev: Window, g: Curve, lo: int, hi: int, concave: bool) -> Window:
    """Entries ``lo .. hi`` of ``prev ⊕ g`` (``prev`` given on its window only)."""
    if concave:
        vals = prev.values if isinstance(prev.values, list) else prev.values.tolist()
        full = maxplus_concave(vals, list(g), hi - prev.lo)  # index k - prev.lo
        return Window(lo, full[lo - prev.lo : hi - prev.lo + 1])
    if not isinstance(g, list):  # int64 arrays (see _int64): the same loop, vectorised
        return _convolve_window_int64(prev, g, lo, hi)
    new = [-1] * (hi - lo + 1)  # every entry gets a value (all values are >= 0)
    plo, phi, vals = prev.lo, prev.hi, prev.values
    for x in range(len(g)):
        # previous counts that land in the window
        p0, p1 = (
            max(plo, lo - x),
            min(phi, hi - x),
        )
        if p0 > p1:
            continue
        t0, t1 = p0 + x - lo, p1 + x - lo + 1
        shifted = map(add, vals[p0 - plo : p1 - plo + 1], repeat(g[x]))
        new[t0:t1] = [a if a > b else b for a, b in zip(new[t0:t1], shifted)]
    return Window(lo, new)


def _convolve_window_int64(prev: Window, g, lo: int, hi: int) -> Window:
    import numpy as np

    new = np.full(hi - lo + 1, -1, dtype=np.int64)
    plo, phi, vals = prev.lo, prev.hi, np.asarray(prev.values, dtype=np.int64)
    for x in range(len(g)):
        p0, p1 = max(plo, lo - x), min(phi, hi - x)
        if p0 > p1:
            continue
        t0, t1 = p0 + x - lo, p1 + x - lo + 1
        np.maximum(new[t0:t1], vals[p0 - plo : p1 - plo + 1] + g[x], out=new[t0:t1])
    return Window(lo, new)


def _int64(curves: Sequence[Curve], everything: Sequence[Curve]) -> list:
    """``curves`` as numpy int64 arrays when that is exact, else unchanged.

    Exact when every value of ``everything`` (all the curves being combined,
    the concave ones too, which stay Python lists) is a Python int and their
    last (largest) entries sum to less than 2**62: every sum the allocation
    forms, of entries of distinct curves, then fits in an int64, also where an
    int64 meets a Python int.  Otherwise (Fractions, huge integers, numpy
    missing) the curves stay lists.
    """
    if (
        not curves
        or not all(type(x) is int for g in everything for x in g)
        or sum(g[-1] for g in everything) >= 1 << 62
    ):
        return list(curves)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with matplotlib
        return list(curves)
    return [np.array(g, dtype=np.int64) for g in curves]


def _slice(g: Any, lo: int, hi: int):  # g: a list or an int64 numpy array
    return list(g[lo : hi + 1]) if isinstance(g, list) else g[lo : hi + 1].copy()


def _merge_windows(
    items: Sequence[Curve], concave_last: bool, low: int, high: int
) -> list[Window]:
    """The partial merges of ``items``, each only on the counts that can still end in
    ``[low, high]``."""
    rest = sum(len(g) - 1 for g in items)
    cum = 0
    out: list[Window] = []
    for t, g in enumerate(items):
        cum += len(g) - 1
        rest -= len(g) - 1
        lo, hi = max(0, low - rest), min(high, cum)
        if t == 0:
            out.append(Window(lo, _slice(g, lo, hi)))
        else:
            out.append(
                _convolve_window(
                    out[-1], g, lo, hi, concave_last and t == len(items) - 1
                )
            )
    return out


def _merged(items: Sequence[Curve], concave_last: bool, low: int, high: int) -> Window:
    """Only the final merge of :func:`_merge_windows`, keeping one partial merge at a
    time."""
    rest = sum(len(g) - 1 for g in items)
    cum = 0
    acc: Window | None = None
    for t, g in enumerate(items):
        cum += len(g) - 1
        rest -= len(g) - 1
        lo, hi = max(0, low - rest), min(high, cum)
        acc = (
            Window(lo, _slice(g, lo, hi))
            if acc is None  # t == 0
            else _convolve_window(acc, g, lo, hi, concave_last and t == len(items) - 1)
        )
    assert acc is not None, "at least one curve to merge"
    return acc


def _window_cells(items: Sequence[Curve], goal: int) -> int:
    """How many numbers :func:`_merge_windows` keeps for ``items`` and ``goal``."""
    rest = sum(len(g) - 1 for g in items)
    cum = cells = 0
    for g in items:
        cum += len(g) - 1
        rest -= len(g) - 1
        cells += max(0, min(goal, cum) - max(0, goal - rest) + 1)
    return cells


def _direct(items: Sequence[Curve], concave_last: bool, goal: int) -> list[int]:
    """Counts per item by merging left to right, keeping every partial merge, then
    reading back."""
    layers = _merge_windows(items, concave_last, goal, goal)
    counts = [0] * len(items)
    j = goal
    for t in range(len(items) - 1, 0, -1):
        prev, g, want = layers[t - 1], items[t], layers[t][j]
        for x in range(max(0, j - prev.hi), min(j - prev.lo, len(g) - 1) + 1):
            if prev[j - x] + g[x] == want:
                break
        else:  # pragma: no cover - every merged value has a predecessor
            raise AssertionError("(max, +) read-back found no predecessor")
        counts[t] = x
        j -= x
    counts[0] = j
    return counts


def _split_counts(items: Sequence[Curve], concave_last: bool, goal: int) -> list[int]:
    """Counts per item summing to ``goal`` with the largest total (Hirschberg-style
    read-back).

    A stretch of curves whose partial merges fit in :data:`DIRECT_CELLS` numbers is
    read back directly (:func:`_direct`); a longer one is halved: merge each half
    on the counts it can take, choose the best split of the goal, recurse.
    """
    out = [0] * len(items)
    stack = [(0, len(items), goal)]
    while stack:
        lo, hi, g = stack.pop()
        if hi - lo == 1:
            out[lo] = g
            continue
        # the concave item is the last of the whole list
        last = concave_last and hi == len(items)
        if _window_cells(items[lo:hi], g) <= DIRECT_CELLS:
            out[lo:hi] = _direct(items[lo:hi], last, g)
            continue
        mid = (lo + hi) // 2
        cap_left = sum(len(c) - 1 for c in items[lo:mid])
        cap_right = sum(len(c) - 1 for c in items[mid:hi])
        left = _merged(items[lo:mid], False, g - cap_right, g)
        right = _merged(items[mid:hi], last, g - cap_left, g)
        j0, j1 = max(left.lo, g - right.hi), min(left.hi, g - right.lo)
        best, j = left[j0] + right[g - j0], j0
        for k in range(j0 + 1, j1 + 1):
            v = left[k] + right[g - k]
            if v > best:
                best, j = v, k
        del left, right
        stack.append((lo, mid, j))
        stack.append((mid, hi, g - j))
    return out


def allocate(curves: Sequence[Curve], goal: int) -> list[int]:
    """Counts ``x_i`` (``0 <= x_i < len(curves[i])``, ``sum x_i == goal``) maximising
    ``sum curves[i][x_i]``.

    ``goal`` must be at most ``sum(len(g) - 1)``.  Concave curves are merged by
    sorted increments; the others are combined with the exact convolution.
    """
    if goal < 0 or goal > sum(len(g) - 1 for g in curves):
        raise ValueError(f"cannot place {goal} extra nodes")
    concave: list[int] = []
    other: list[int] = []
    incs = []  # the concave curves' increments
    for i, g in enumerate(curves):
        d = increments(g)
        if _never_increase(d):
            concave.append(i)
            incs.append(d)
        else:
            other.append(i)
    counts = [0] * len(curves)
    if not curves:
        return counts
    if not other:  # only the counts are needed, not the merged curve
        for i, x in zip(concave, concave_counts(incs, goal)):
            counts[i] = x
        return counts
    del incs  # ConcaveMerge takes the curves themselves
    merged = ConcaveMerge([curves[i] for i in concave], limit=goal) if concave else None
    items = _int64([curves[i] for i in other], curves) + (
        [merged.curve] if merged is not None else []
    )
    split = [int(x) for x in _split_counts(items, merged is not None, goal)]
    for i, x in zip(other, split):
        counts[i] = x
    if merged is not None:
        for i, x in zip(concave, merged.counts(split[-1])):
            counts[i] = x
    return counts

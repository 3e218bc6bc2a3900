"""The numeric core: an instance's exact values as Python ints over one common
denominator.

Every value of an instance is a rational whose denominator divides the
instance's *common denominator* D (the least common multiple of the
denominators of every path probability and every target; see
:mod:`solver.numbers`, "Limits").  Multiplied by D, every path probability,
target, and every sum of them is an exact Python int, and comparing or adding
ints is 10-20 times faster than :class:`fractions.Fraction` (which normalises
by a gcd after every operation).  The reference greedy, the DP, the
feasibility checker, the certificate checker, the judge and ``audit`` all
read an instance's values from here.

Terminology
-----------
path
    Which arithmetic an :class:`ExactValues` uses: ``"scaled"`` (ints over D)
    or ``"fraction"`` (the Fractions themselves, D = 1: the reference
    implementation, and the fallback below).  ``"auto"`` picks ``"scaled"``
    unless D is too large.
scaled value
    ``x * D`` for an exact value ``x``, an int.  On the fraction path it is
    ``x`` itself.  :meth:`ExactValues.exact` turns one back into the exact
    :class:`~fractions.Fraction` (the same number, so every report,
    certificate and JSON text is unchanged).
dyadic
    D a power of two (values read from binary floats): scaling is a shift.

Fallback (documented in docs/cli.md, "Limits"): D may take at most
:data:`MIN_SCALE_BITS` bits, or :data:`SCALE_FACTOR` times the mean size in
bits of the values as fractions, whichever is larger.  Beyond that every
scaled value would be much larger than the value itself (many distinct large
denominators), so the fraction path runs instead: slower, memory linear in the
input.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "a", "target": "1.5", "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}]})
>>> ev = exact_values(inst)
>>> ev.path, ev.den, ev.f[0], ev.target[0]
('scaled', 10, [10, 5, 3], 15)
>>> ev.exact(ev.mass(0))
Fraction(9, 5)
>>> exact_values(inst, "fraction").f[0]
[Fraction(1, 1), Fraction(1, 2), Fraction(3, 10)]
>>> exact_values(parse_instance({"budget": 0, "requests": [
...     {"id": "a", "target": 1, "parent": [-1, 0], "prob": [1, 0.375]}]})).shift
3
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction
from itertools import accumulate
from typing import Any, Iterable, Sequence

from .model import Instance

PATHS = ("auto", "scaled", "fraction")
SCALED, FRACTION = "scaled", "fraction"
MIN_SCALE_BITS = 4096  # D up to this size always scales
SCALE_FACTOR = 4  # ... or up to this many times the mean bits of a value as a fraction
_CACHE = "_exact_values"  # the instance's attribute holding its ExactValues per path


def common_denominator(
    values: Sequence[Fraction], factor: int = SCALE_FACTOR
) -> int | None:
    """The LCM of the denominators, or None when it exceeds the fallback limit (module
    docstring).

    The LCM is built one distinct denominator at a time and the search stops as
    soon as it is too large.

    >>> common_denominator([Fraction(1, 4), Fraction(3, 10)])
    20
    >>> primes = [
    ...     p for p in range(3, 20000) if all(p % q for q in range(2, int(p**0.5) + 1))
    ... ]
    >>> # 2,261 distinct primes
    >>> common_denominator([Fraction(1, p) for p in primes]) is None
    True
    """
    if not values:
        return 1
    dens = {x.denominator for x in values}
    scale, limit = 1, None
    for d in dens:
        scale = scale // math.gcd(scale, d) * d
        if scale.bit_length() > MIN_SCALE_BITS:
            if limit is None:  # only now is the values' size needed
                bits = sum(
                    x.numerator.bit_length() + x.denominator.bit_length()
                    for x in values
                )
                limit = factor * bits // len(values) + MIN_SCALE_BITS
            if scale.bit_length() > limit:
                return None
    return scale


def instance_denominator(instance: Instance) -> int | None:
    """The common denominator D the scaled path uses, or None beyond the fallback
    limit.

    When every tree holds the parser's ints (:attr:`Tree.scaled`), D is the least
    common multiple of their denominators and the targets': a multiple of the
    least one, so exact all the same.  It is used when it has at most
    :data:`MIN_SCALE_BITS` bits (then the least one is within the limit too, and
    the choice of path is the same); otherwise, and for trees built from
    Fractions, D is the least one (:func:`common_denominator`).
    """
    reqs = instance.requests
    if all(r.tree.has_scaled for r in reqs):
        den = 1
        for d in {r.tree.scaled[1] for r in reqs} | {
            r.target.denominator for r in reqs
        }:
            den = den // math.gcd(den, d) * d
        if den.bit_length() <= MIN_SCALE_BITS:
            return den
    return common_denominator(
        [x for r in reqs for x in r.tree.f] + [r.target for r in reqs]
    )


def _rescale(nums: Sequence[int], den: int, common: int) -> list[int]:
    """Ints over ``den`` as ints over ``common`` (a multiple of ``den``)."""
    k = common // den
    if k == 1:
        return list(nums)
    if k & (k - 1) == 0:
        s = k.bit_length() - 1
        return [n << s for n in nums]
    return [n * k for n in nums]


class ExactValues:
    """An instance's path probabilities and targets on one path (ints over D, or
    Fractions).

    ``f[i][v]`` and ``target[i]`` are the scaled values of request ``i``
    (position in ``instance.requests``).  Derived facts (monotone, each tree's
    sorted values and their prefix sums) are computed once, on first use.
    """

    def __init__(self, instance: Instance, path: str):
        reqs = instance.requests
        den = None
        if path == SCALED:
            den = instance_denominator(instance)
        self.instance = instance
        if den is None:  # the fraction path: the values themselves
            self.path, self.den, self.shift = FRACTION, 1, None
            # ints over D on the scaled path, Fractions here: Any covers both
            self.f: list[list[Any]] = [list(r.tree.f) for r in reqs]
            self.target: list[Any] = [r.target for r in reqs]
        else:
            self.path, self.den = SCALED, den
            self.shift = den.bit_length() - 1 if den & (den - 1) == 0 else None
            if all(r.tree.has_scaled for r in reqs):  # the parser's ints: no Fraction
                self.f = [_rescale(*r.tree.scaled, den) for r in reqs]
            else:
                if self.shift is None:  # D // d for every distinct denominator d
                    self._factor = {
                        d: den // d
                        for d in {x.denominator for r in reqs for x in r.tree.f}
                    }
                self.f = [self._scale_all(r.tree.f) for r in reqs]
            self.target = [self.scale(r.target) for r in reqs]
        self.zero: Any = 0 if self.path == SCALED else Fraction(0)
        self._roots = [r.tree.root for r in reqs]
        self._sorted: list = [None] * len(reqs)
        self._top: list = [None] * len(reqs)
        self._monotone: list = [None] * len(reqs)
        self._every_monotone: bool | None = None
        self._up: list = [None] * len(reqs)

    # ---------------------------------------------------------------- conversions

    def scale(self, x: Fraction):
        """``x * D`` for a value whose denominator divides D (any value of the
        instance)."""
        if self.path == FRACTION:
            return x
        if self.shift is not None:
            return x.numerator << (self.shift - x.denominator.bit_length() + 1)
        return x.numerator * (self.den // x.denominator)

    def _scale_all(self, xs: Iterable[Fraction]) -> list[int]:
        if self.shift is not None:
            k = self.shift + 1
            return [
                n << (k - d.bit_length()) for n, d in map(Fraction.as_integer_ratio, xs)
            ]
        factor = self._factor  # every denominator of the instance's f
        return [n * factor[d] for n, d in map(Fraction.as_integer_ratio, xs)]

    def exact(self, n) -> Fraction:
        """The exact value of a scaled number (a sum of scaled values, for example)."""
        if self.path == FRACTION:
            return Fraction(n)
        return Fraction(n, self.den)

    def compare(self, n, q: Fraction) -> int:
        """-1, 0 or 1 as the scaled number ``n`` is below, equal to or above the exact
        ``q`` (any q)."""
        a: int | Fraction
        b: int | Fraction
        if self.path == FRACTION:
            a, b = n, q
        else:
            a, b = n * q.denominator, q.numerator * self.den
        return (a > b) - (a < b)

    def floor(self, q: Fraction):
        """For any exact ``q``: a scaled ``n`` is above ``q`` iff ``n > floor(q)`` (ints
        are whole)."""
        return q if self.path == FRACTION else q.numerator * self.den // q.denominator

    def ceil(self, q: Fraction):
        """For any exact ``q``: a scaled ``n`` is below ``q`` iff ``n < ceil(q)``."""
        return (
            q if self.path == FRACTION else -(-q.numerator * self.den // q.denominator)
        )

    # ---------------------------------------------------------------- per request

    def is_monotone(self, i: int | None = None) -> bool:
        """f(child) <= f(parent) in request ``i`` (every request when None)."""
        if i is None:
            every = self._every_monotone
            if every is None:
                every = all(map(self.is_monotone, range(len(self.f))))
                self._every_monotone = every
            return every
        got = self._monotone[i]
        if got is None:
            tree, fv = self.instance.requests[i].tree, self.f[i]
            above = list(map(fv.__getitem__, tree.parent))  # each parent's value
            # (the root's "parent" -1 would read the last value)
            above[tree.root] = fv[tree.root]
            got = self._monotone[i] = all(map(operator.le, fv, above))
        return got

    def sorted_values(self, i: int) -> list:
        """Scaled f of request ``i``'s non-root nodes, largest first (do not modify)."""
        got = self._sorted[i]
        if got is None:
            fv, root = self.f[i], self.instance.requests[i].tree.root
            got = sorted(fv[:root] + fv[root + 1 :], reverse=True)
            self._sorted[i] = got
        return got

    def top_sums(self, i: int) -> list:
        """``P_i(k)`` for ``k = 0 .. n - 1`` (``n`` nodes): the root's scaled f plus
        the ``k`` largest non-root ones (do not modify).

        With :meth:`sorted_values`, the one sort of each tree's values that the
        certificate checker, the reference greedy's certificates and the DP
        (its value curve on a monotone tree) share: a function of the instance
        alone (docs/certificates.md, "What the checker shares").
        """
        got = self._top[i]
        if got is None:
            tree = self.instance.requests[i].tree
            got = self._top[i] = list(
                accumulate(self.sorted_values(i), initial=self.f[i][tree.root])
            )
        return got

    def every_top_sums(self) -> list[list]:
        """:meth:`top_sums` of every request, by position (do not modify); then
        :attr:`_sorted` holds every :meth:`sorted_values` too."""
        tops = self._top
        for i, got in enumerate(tops):
            if got is None:
                self.top_sums(i)
        return tops

    def is_top_set(self, i: int, nodes: set) -> bool:
        """Whether ``nodes`` (a set of request ``i``'s nodes) holds the root and m
        non-root nodes whose values are the m largest: no unchosen value is above
        a chosen one.

        m values sum to at most the m largest, with equality exactly then, so
        one sum decides it; the chosen values are then ``sorted_values(i)[:m]``
        and the others the rest.
        """
        return (
            self._roots[i] in nodes
            and self.value(i, nodes) == self.top_sums(i)[len(nodes) - 1]
        )

    def parent_or_self(self, i: int) -> list:
        """Each node's parent in request ``i``'s tree, the root's being the root itself
        (do not modify): a set holding the root is rooted iff it holds this entry of
        each of its nodes, one membership test per node."""
        got = self._up[i]
        if got is None:
            tree = self.instance.requests[i].tree
            got = self._up[i] = list(tree.parent)
            got[tree.root] = tree.root
        return got

    def mass(self, i: int):
        """Scaled total f of request ``i``'s whole tree."""
        return sum(self.f[i], self.zero)

    def value(self, i: int, nodes: Iterable[int]):
        """Scaled total f of a set of (valid, distinct) nodes of request ``i``."""
        return sum(map(self.f[i].__getitem__, nodes), self.zero)


def exact_values(instance: Instance, path: str = "auto") -> ExactValues:
    """The instance's :class:`ExactValues` on ``path`` (``"auto"``: scaled unless D is
    too large).

    Built once per instance and path, then kept on the (immutable) instance.
    """
    if path not in PATHS:
        raise ValueError(f"unknown numeric path {path!r} (one of {', '.join(PATHS)})")
    cache = instance.__dict__.get(_CACHE)
    if cache is None:
        cache = {}
        object.__setattr__(instance, _CACHE, cache)
    key = SCALED if path == "auto" else path
    got = cache.get(key)
    if got is None:
        got = cache[key] = ExactValues(instance, key)
    if path == SCALED and got.path != SCALED:
        raise ValueError(
            "the common denominator exceeds the scaling limit (docs/cli.md, Limits)"
        )
    return got

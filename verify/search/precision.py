"""Number formats a selector may compute in, and what rounding to them merges (SPEC
section 3, item 9).

Terminology
-----------
format
    ``float32``, ``bfloat16`` or ``float16``: what a deployed selector holds its
    scores in (:data:`FORMATS`, finest first).
rounded value
    ``round_to(x, fmt)``: the exact value of ``x`` after the conversion a
    selector does, ``float(Fraction(s))`` and then a cast to the format
    (round to nearest, ties to even; values outside [0, 1] are clamped).
merge
    Two values that differ exactly but have the same rounded value.  An
    *underflow* is the special merge of a positive value with 0.
domain
    What a selector holds: ``f`` itself (``prob``) or its logarithm (``log``,
    a selector ranking sums of log-probabilities, as EAGLE, SpecExec and TETRIS
    do).  A *log merge* is two values whose ``log f`` rounds equal in a format.
sum format
    The arithmetic a selector's target test adds in: ``double`` (IEEE binary64)
    or one of :data:`FORMATS` (every partial sum rounded to it,
    :func:`format_count`).

The exact checks never round: these helpers generate values that merge
(:mod:`verify.search.generators`) and explain a failure after the fact
(:mod:`verify.report.finding`).

>>> from fractions import Fraction as F
>>> round_to(1 - F(1, 10**12), "float32"), round_to(1 - F(1, 10**12), "float16")
(Fraction(1, 1), Fraction(1, 1))
>>> round_to(F(1, 10**50), "float32")
Fraction(0, 1)
>>> merging_formats([F(1), F(999, 1000)])
['bfloat16']
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from typing import Any, Callable, Iterable, Optional, Sequence

FORMATS = ("float32", "bfloat16", "float16")
#: the arithmetics a target test may add in, finest first
SUM_FORMATS = ("double",) + FORMATS
#: what a selector ranks: f itself, or log f (``--scores``)
DOMAINS = ("prob", "log")


def round_float(x: float, fmt: str) -> Fraction:
    """The double ``x`` cast to ``fmt``, as an exact Fraction (clamped to [0, 1])."""
    if fmt == "float32":
        y = struct.unpack("f", struct.pack("f", x))[0]
    elif fmt == "float16":
        y = struct.unpack("e", struct.pack("e", min(max(x, 0.0), 1.0)))[0]
    elif fmt == "bfloat16":  # round-to-nearest-even on the top 16 bits of the float32
        bits = struct.unpack("I", struct.pack("f", x))[0]
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        y = struct.unpack("f", struct.pack("I", bits))[0]
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    return Fraction(min(max(y, 0.0), 1.0))


def round_to(x: Fraction, fmt: str) -> Fraction:
    """``x`` as a selector holding ``float(x)`` in ``fmt`` sees it (exact value of the
    rounded number)."""
    return round_float(float(x), fmt)


_FLOAT32, _FLOAT16, _UINT32 = struct.Struct("f"), struct.Struct("e"), struct.Struct("I")


def _float32(x: float) -> float:
    return _FLOAT32.unpack(_FLOAT32.pack(x))[0]


def _float16(x: float) -> float:
    try:
        return _FLOAT16.unpack(_FLOAT16.pack(x))[0]
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _bfloat16(x: float) -> float:
    # round-to-nearest-even on the top 16 bits of the float32
    bits = _UINT32.unpack(_FLOAT32.pack(x))[0]
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return _FLOAT32.unpack(_UINT32.pack(bits))[0]


#: per sum format, the double rounded to it as :func:`to_format` rounds a finite
#: double or an infinity (``double``: ``float``, unchanged); what the sums below call
ROUNDING: dict[str, Callable[[float], float]] = {
    "double": float,
    "float32": _float32,
    "bfloat16": _bfloat16,
    "float16": _float16,
}


def to_format(x: float, fmt: str) -> float:
    """The double ``x`` rounded to ``fmt`` (``double``: unchanged), not clamped: for
    sums and targets above 1 and for log-probabilities.

    >>> to_format(1.6, "float32") == 1.6, to_format(1.6, "double")
    (False, 1.6)
    """
    if fmt == "double" or x != x or x in (math.inf, -math.inf):
        return x
    return rounding(fmt)(x)


def rounding(fmt: str) -> Callable[[float], float]:
    """The rounding of a double to the sum format ``fmt`` (:data:`ROUNDING`)."""
    try:
        return ROUNDING[fmt]
    except KeyError:
        raise ValueError(
            f"unknown format {fmt!r} (one of {', '.join(SUM_FORMATS)})"
        ) from None


def seen_value(x: Fraction, fmt: str, domain: str = "prob") -> float:
    """``x`` as a selector holding it in ``fmt`` adds it: ``float(x)`` rounded to
    ``fmt``, or (``domain="log"``) ``exp`` of ``log x`` rounded to ``fmt``, in double.

    >>> seen_value(Fraction(3, 10), "float32") > 0.3
    True
    >>> seen_value(Fraction(1, 2), "bfloat16", "log")
    0.5008712234296745
    """
    if domain == "log":
        if x <= 0:
            return 0.0
        return math.exp(to_format(math.log(float(x)), fmt))
    return to_format(float(x), fmt)


def format_count(
    values, target: Fraction, fmt: str = "double", domain: str = "prob"
) -> Optional[int]:
    """Nodes a greedy takes to reach ``target`` from the root (f = 1) adding ``values``
    (largest first) as :func:`seen_value` in ``fmt`` arithmetic, every partial sum
    rounded to ``fmt`` (None: never).  ``fmt="exact"``: in exact arithmetic.

    >>> from fractions import Fraction as F
    >>> format_count([F(3, 10), F(3, 10)], F(8, 5), "float32"), format_count(
    ...     [F(3, 10), F(3, 10)], F(8, 5))
    (None, 2)
    """
    if fmt == "exact":
        acc = Fraction(1)
        for k, x in enumerate(values):
            if acc >= target:
                return k
            acc += x
        return len(values) if acc >= target else None
    return float_count(values, float(target), fmt, domain)


def float_count(
    values: Sequence,
    target: float,
    fmt: str = "double",
    domain: str = "prob",
    as_float: Callable[[Any], float] = float,
) -> Optional[int]:
    """:func:`format_count` in a float format, the target given as its double and each
    value as an exact number ``as_float`` turns into its double (``float`` for
    Fractions, ``n / D`` for ints over a common denominator D: the same double).

    >>> float_count([3, 3], 1.6, "float32", as_float=lambda n: n / 10)
    >>> float_count([3, 3], 1.6, "double", "log", as_float=lambda n: n / 10)
    2
    """
    return float_counts(values, target, [(fmt, domain)], as_float)[0]


def float_counts(
    values: Sequence,
    target: float,
    tried: Iterable[tuple[str, str]],
    as_float: Callable[[Any], float] = float,
) -> list[Optional[int]]:
    """:func:`float_count` in each ``(format, domain)`` of ``tried``, in that order.

    The values' doubles and logarithms are computed once for every format, and only
    for the values a count reaches, as :func:`format_count` did (a positive value
    whose double is 0 has no logarithm: the error is raised where it raised).
    """
    exp, log, n = math.exp, math.log, len(values)
    floats: list[float] = []  # the doubles of values[: len(floats)]
    logs: list[Optional[float]] = []  # their logarithms (None: the value is <= 0)
    counts: list[Optional[int]] = []
    for fmt, domain in tried:
        rnd = rounding(fmt)
        acc, goal, k = rnd(1.0), rnd(target), 0
        if domain == "log":
            while acc < goal:
                if k == n:
                    break
                if k == len(logs):
                    x = values[k]
                    logs.append(log(as_float(x)) if x > 0 else None)
                lg = logs[k]
                acc = rnd(acc + (0.0 if lg is None else exp(rnd(lg))))
                k += 1
        else:
            while acc < goal:
                if k == n:
                    break
                if k == len(floats):
                    floats.append(as_float(values[k]))
                acc = rnd(acc + rnd(floats[k]))
                k += 1
        counts.append(k if acc >= goal else None)
    return counts


#: :func:`counts_surely_exact`'s bounds: the coarsest unit roundoff of SUM_FORMATS
#: (bfloat16, 8-bit significands, rounded from a float32 rounded from a double sum),
#: the largest count and the smallest value they cover
_ROUNDOFF = 2.0**-8 + 2.0**-22
_FEW, _SMALLEST = 16, 2.0**-10


def counts_surely_exact(
    k: int, below: float, reach: float, target: float, smallest: float
) -> bool:
    """True only when :func:`float_counts` of values at most 1 (largest first) surely
    gives the exact count ``k >= 1`` in every sum format and domain (and so raises
    nothing): ``below`` and ``reach`` are the exact 1 + the k - 1 and the k largest
    values, ``smallest`` the k-th largest and ``target`` the exact target, each
    correctly rounded to a double.  False: compute the counts.

    The bound: with unit roundoff u (:data:`_ROUNDOFF` covers every format), values
    no smaller than ``smallest`` (normal in every format) and partial sums from 1 to
    ``reach`` <= 17 (no overflow), a sum of j values in a format is within a factor
    (1 + u)^(2j) of the exact sum adding f (each value and each sum rounded), and
    (1 + t)(1 + u)^j adding exp(log f) rounded, t = exp(|log smallest| u + 2^-24)
    - 1 (the log rounded relatively, or absolutely where it is subnormal; libm's log
    and exp within a few ulps); the target is within 1 + u.  So every format stays
    below the target with k - 1 values and reaches it with k when the exact sums
    clear it by those factors (and 2^-40 more: room for this test's own roundings).
    """
    if not (1 <= k <= _FEW and smallest >= _SMALLEST and reach <= _FEW + 1):
        return False
    u = _ROUNDOFF + 2.0**-50
    t = math.exp(-math.log(smallest) * u + 2.0**-24) * (1 + 2.0**-50) - 1
    e = max((1 + u) ** (2 * k), (1 + t) * (1 + u) ** k) - 1
    slack = 2.0**-40
    return below * (1 + e + slack) < target * (1 - u - slack) and reach * (
        1 - e - slack
    ) >= target * (1 + u + slack)


def format_sum(values, fmt: str = "double", domain: str = "prob") -> float:
    """1 (the root) plus ``values`` (largest first) added as :func:`format_count` adds
    them."""
    return float_sum(values, fmt, domain)


def float_sum(
    values: Iterable,
    fmt: str = "double",
    domain: str = "prob",
    as_float: Callable[[Any], float] = float,
) -> float:
    """:func:`format_sum` of exact values given as :func:`float_count` takes them."""
    rnd = rounding(fmt)
    acc = rnd(1.0)
    if domain == "log":
        exp, log = math.exp, math.log
        for x in values:
            acc = rnd(acc + (exp(rnd(log(as_float(x)))) if x > 0 else 0.0))
        return acc
    for x in values:
        acc = rnd(acc + rnd(as_float(x)))
    return acc


def sum_formats(precision: Optional[str] = None) -> tuple[str, ...]:
    """The sum formats a cause tries, the declared ``precision`` first."""
    return ((precision,) if precision else ()) + tuple(
        f for f in SUM_FORMATS if f != precision
    )


def domains(scores: Optional[str] = None) -> tuple[str, ...]:
    """The domains a cause tries: only the declared one (``--scores``), else both."""
    return (scores,) if scores else DOMAINS


def merging_formats(
    values: Iterable[Fraction], formats: Iterable[str] = FORMATS
) -> list[str]:
    """The formats in which two of ``values`` that differ exactly become equal."""
    distinct = set(values)
    return [
        fmt
        for fmt in formats
        if len({round_to(x, fmt) for x in distinct}) < len(distinct)
    ]


def merge_format(
    a: Fraction, b: Fraction, precision: Optional[str] = None
) -> Optional[str]:
    """The format (``precision``, else the finest of :data:`FORMATS`) in which ``a !=
    b`` round equal.

    >>> merge_format(Fraction(1, 2), Fraction(1, 2) * (1 - Fraction(1, 10**9)))
    'float32'
    >>> merge_format(Fraction(1, 2), Fraction(1, 3)) is None
    True
    """
    if a == b:
        return None
    for fmt in (precision,) if precision else FORMATS:
        if round_to(a, fmt) == round_to(b, fmt):
            return fmt
    return None


def log_merge_format(
    a: Fraction, b: Fraction, precision: Optional[str] = None
) -> Optional[str]:
    """The format (``precision``, else the finest) in which ``log a`` and ``log b`` (a
    != b, both positive) round equal: what a selector ranking log-probabilities sees as
    a tie.

    >>> log_merge_format(Fraction(1, 5), Fraction(1, 5) * (1 - Fraction(1, 1000)))
    'bfloat16'
    >>> log_merge_format(Fraction(1), Fraction(999999, 1000000)) is None
    True
    """
    if a == b or a <= 0 or b <= 0:
        return None
    la, lb = math.log(float(a)), math.log(float(b))
    for fmt in (precision,) if precision else FORMATS:
        if to_format(la, fmt) == to_format(lb, fmt):
            return fmt
    return None


def show_log(x: Fraction, fmt: str) -> str:
    """``log x`` rounded to ``fmt``, for a person."""
    return repr(to_format(math.log(float(x)), fmt)) if x > 0 else "-inf"


def show(x: Fraction, fmt: str) -> str:
    """The rounded value of ``x`` in ``fmt`` for a person: ``1.0``, ``0.0``,
    ``0.49999997``."""
    return repr(float(round_to(x, fmt)))

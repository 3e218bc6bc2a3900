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
from typing import Iterable, Optional

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


def to_format(x: float, fmt: str) -> float:
    """The double ``x`` rounded to ``fmt`` (``double``: unchanged), not clamped: for
    sums and targets above 1 and for log-probabilities.

    >>> to_format(1.6, "float32") == 1.6, to_format(1.6, "double")
    (False, 1.6)
    """
    if fmt == "double" or x != x or x in (float("inf"), float("-inf")):
        return x
    if fmt == "float32":
        return struct.unpack("f", struct.pack("f", x))[0]
    if fmt == "float16":
        try:
            return struct.unpack("e", struct.pack("e", x))[0]
        except OverflowError:
            return float("inf") if x > 0 else float("-inf")
    if fmt == "bfloat16":
        bits = struct.unpack("I", struct.pack("f", x))[0]
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        return struct.unpack("f", struct.pack("I", bits))[0]
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(SUM_FORMATS)})")


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
    acc: Fraction | float
    goal: Fraction | float
    if fmt == "exact":
        acc, goal = Fraction(1), target
        for k, x in enumerate(values):
            if acc >= goal:
                return k
            acc += x
        return len(values) if acc >= goal else None
    acc, goal = to_format(1.0, fmt), to_format(float(target), fmt)
    for k, x in enumerate(values):
        if acc >= goal:
            return k
        acc = to_format(acc + seen_value(x, fmt, domain), fmt)
    return len(values) if acc >= goal else None


def format_sum(values, fmt: str = "double", domain: str = "prob") -> float:
    """1 (the root) plus ``values`` (largest first) added as :func:`format_count` adds
    them."""
    acc = to_format(1.0, fmt)
    for x in values:
        acc = to_format(acc + seen_value(x, fmt, domain), fmt)
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

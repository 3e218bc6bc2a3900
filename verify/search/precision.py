"""Number formats a selector may compute in, and what rounding to them merges (SPEC section 3, item 9).

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

import struct
from fractions import Fraction
from typing import Iterable, Optional

FORMATS = ("float32", "bfloat16", "float16")



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
    """``x`` as a selector holding ``float(x)`` in ``fmt`` sees it (exact value of the rounded number)."""
    return round_float(float(x), fmt)


def merging_formats(values: Iterable[Fraction], formats: Iterable[str] = FORMATS) -> list[str]:
    """The formats in which two of ``values`` that differ exactly become equal."""
    distinct = set(values)
    return [fmt for fmt in formats if len({round_to(x, fmt) for x in distinct}) < len(distinct)]


def merge_format(a: Fraction, b: Fraction, precision: Optional[str] = None) -> Optional[str]:
    """The format (``precision``, else the finest of :data:`FORMATS`) in which ``a != b`` round equal.

    >>> merge_format(Fraction(1, 2), Fraction(1, 2) * (1 - Fraction(1, 10**9)))
    'float32'
    >>> merge_format(Fraction(1, 2), Fraction(1, 3)) is None
    True
    """
    if a == b:
        return None
    for fmt in ((precision,) if precision else FORMATS):
        if round_to(a, fmt) == round_to(b, fmt):
            return fmt
    return None


def show(x: Fraction, fmt: str) -> str:
    """The rounded value of ``x`` in ``fmt`` for a person: ``1.0``, ``0.0``, ``0.49999997``."""
    return repr(float(round_to(x, fmt)))

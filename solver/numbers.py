"""Exact numbers from JSON.

Every number in an instance means exactly the rational number its text denotes:
``0.1`` is 1/10, never the nearest double.  JSON numbers are therefore parsed
from their text (``parse_float=Fraction``), and strings may hold a decimal
(``"0.7"``, ``"1e-3"``) or a fraction (``"7/10"``).

>>> to_fraction("7/10")
Fraction(7, 10)
>>> to_fraction(0.1)          # a Python float is read through its shortest repr
Fraction(1, 10)
>>> fraction_str(Fraction(79, 50))
'79/50'
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from typing import Any

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FRACTION = re.compile(r"[+-]?\d+/\d+")


class NotANumber(ValueError):
    """The value does not denote a finite rational number."""


def to_fraction(value: Any) -> Fraction:
    """The exact rational a JSON value denotes; :class:`NotANumber` otherwise."""
    if isinstance(value, bool):
        raise NotANumber(f"expected a number, got {json.dumps(value)}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(f"{value!r} is not a finite number")
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.fullmatch(text):
            return Fraction(text)
        if _FRACTION.fullmatch(text):
            num, den = text.split("/")
            if int(den) == 0:
                raise NotANumber(f"{value!r} has a zero denominator")
            return Fraction(int(num), int(den))
        raise NotANumber(f"{value!r} is not a finite decimal or fraction")
    if isinstance(value, _JsonConstant):
        raise NotANumber(f"{value.text} is not a finite number")
    raise NotANumber(f"expected a number, got {type(value).__name__}")


def fraction_str(x: Fraction | int) -> str:
    """Canonical text of an exact number: ``"3/2"``, ``"1"``, ``"-1/4"``."""
    return str(Fraction(x))


class _JsonConstant:
    """NaN / Infinity / -Infinity as read from JSON: kept so validation names them."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.text


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def loads_exact(text: str) -> Any:
    """``json.loads`` with exact numbers, NaN/Infinity kept for rejection, no duplicate keys."""
    return json.loads(text, parse_float=Fraction, parse_constant=_JsonConstant,
                      object_pairs_hook=_no_duplicates)

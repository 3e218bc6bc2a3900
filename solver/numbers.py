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

_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"[+-]?[0-9]+/[0-9]+")
# Bigger numbers would take long to build (1e-999999999 is a billion-digit
# integer) and could not be printed (Python's int/str limit is 4300 digits).
MAX_DIGITS = 4000


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
            return _decimal(text)
        if _FRACTION.fullmatch(text):
            if len(text) > MAX_DIGITS:
                raise NotANumber(f"{_clip(value)} has too many digits (limit {MAX_DIGITS})")
            num, den = text.split("/")
            if int(den) == 0:
                raise NotANumber(f"{value!r} has a zero denominator")
            return Fraction(int(num), int(den))
        raise NotANumber(f"{value!r} is not a finite decimal or fraction")
    if isinstance(value, _JsonConstant):
        raise NotANumber(f"{value.text} is not a finite number")
    name = {type(None): "null", dict: "object"}.get(type(value), type(value).__name__)
    raise NotANumber(f"expected a number, got {name}")


def _clip(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:30]) + "..."


def _decimal(text: str) -> Fraction:
    """Exact value of decimal text, refusing sizes that would stall or not print."""
    mantissa, _, exponent = text.lower().partition("e")
    digits = sum(ch.isdigit() for ch in mantissa)
    if len(exponent) > 12 or digits + abs(int(exponent or 0)) > MAX_DIGITS:
        raise NotANumber(f"{_clip(text)} has too many digits (limit {MAX_DIGITS})")
    return Fraction(text)


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise NotANumber(f"{_clip(text)} has too many digits (limit {MAX_DIGITS})")
    return int(text)


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
    """``json.loads`` with exact numbers, NaN/Infinity kept for rejection, no duplicate keys.

    Raises :class:`ValueError` (``json.JSONDecodeError``, :class:`DuplicateKey`,
    :class:`NotANumber` for absurdly long numbers) on bad text.
    """
    return json.loads(text, parse_float=_decimal, parse_int=_integer,
                      parse_constant=_JsonConstant, object_pairs_hook=_no_duplicates)

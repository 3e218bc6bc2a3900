"""Exact numbers from JSON, and their exact text however long.

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

Limits (docs/cli.md, "Limits")
------------------------------
:data:`MAX_DIGITS`
    One number of an instance: at most 4000 digits, the exponent's size
    counted (``1e-5000`` is too long).  Longer ones are rejected, never expanded.
:data:`MAX_EXACT_DIGITS`
    Values *derived* from an instance (path probabilities as products of
    conditionals, sums, objectives, certificate witnesses) are exact, so they
    grow: every one has a denominator dividing the *common denominator* of
    the instance (the least common multiple of the denominators of every
    path probability and target), which :func:`solver.parse.parse_instance`
    bounds by 20,000 digits.  Its numerator is at most the number of nodes
    times it, so :data:`MAX_ANSWER_DIGITS` bounds every number an answer or a
    certificate may carry.
:data:`MAX_TOTAL_DIGITS`
    All path probabilities of one instance together: at most 50 million
    digits (a long path of decimal conditionals grows quadratically).

Python refuses to convert integers of more than 4300 digits to or from text
(``sys.get_int_max_str_digits``).  This module converts them itself
(:func:`int_str`, :func:`int_from_digits`) instead of lifting that limit for the
whole process: a library must not change global state, and every exact number
this project prints goes through :func:`fraction_str`.

>>> x = Fraction(1, 10 ** 5000)
>>> text = fraction_str(x)
>>> len(text), to_fraction(text, max_digits=MAX_ANSWER_DIGITS) == x
(5003, True)
"""

from __future__ import annotations

import json
import math
import numbers
import re
from fractions import Fraction
from typing import Any

from .messages import show

_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"[+-]?[0-9]+/[0-9]+")
MAX_DIGITS = 4000  # one number of an instance
MAX_EXACT_DIGITS = 20_000  # the common denominator of an instance's values
MAX_TOTAL_DIGITS = 50_000_000  # all path probabilities of an instance together
MAX_ANSWER_DIGITS = 2 * MAX_EXACT_DIGITS + 100  # one number of an answer or certificate
_CHUNK = 4000  # below Python's own int/str limit (4300)
# a run of _CHUNK + 1 digits, looked for in the text's UTF-8 bytes with every digit
# made "0" and every other byte a space (a digit's byte is never part of a longer
# character): a substring search, 9x faster than a regular expression
_LONG_RUN = b"0" * (_CHUNK + 1)
_DIGIT_OR_SPACE = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))


class NotANumber(ValueError):
    """The value does not denote a finite rational number."""


class TooLong:
    """A JSON number whose text exceeds the digit limit, kept (unexpanded) so validation
    names its field.

    >>> t = TooLong("1" + "0" * 5000, 4000)
    >>> print(t.reason)  # doctest: +NORMALIZE_WHITESPACE
    '10000000000000000000000000000000'... (5001 characters) has too many digits
    (limit 4000)
    """

    def __init__(self, text: str, limit: int):
        self.text, self.limit = text, limit

    @property
    def reason(self) -> str:
        return f"{_clip(self.text)} has too many digits (limit {self.limit})"

    def __repr__(self) -> str:
        return _clip(self.text)


# ------------------------------------------------------------------ integers as text

_POW10: dict[int, int] = {}


def _pow10(k: int) -> int:
    p = _POW10.get(k)
    if p is None:
        p = _POW10[k] = 10**k
        if len(_POW10) > 64:
            _POW10.clear()
    return p


def int_str(n: int) -> str:
    """Decimal text of any integer (no 4300-digit limit); divide and conquer beyond it.

    >>> s = int_str(-(10 ** 9000) - 7)
    >>> len(s), s[:3], s[-3:]
    (9002, '-10', '007')
    """
    if n < 0:
        return "-" + int_str(-n)
    if n.bit_length() <= _CHUNK * 3:  # < 10**3612: str() is allowed
        return str(n)
    half = int(n.bit_length() * 0.30103) // 2
    hi, lo = divmod(n, _pow10(half))
    return int_str(hi) + int_str(lo).rjust(half, "0")


def int_from_digits(text: str) -> int:
    """The integer a string of decimal digits (optional sign) denotes, however long.

    >>> int_from_digits("-" + "9" * 5000) == -(10 ** 5000 - 1)
    True
    """
    text = text.strip()
    sign = 1
    if text[:1] in "+-" and text:
        sign, text = (-1 if text[0] == "-" else 1), text[1:]
    if len(text) <= _CHUNK:
        return sign * int(text)
    if not text.isdigit():
        raise ValueError(f"not an integer: {_clip(text)}")
    half = len(text) // 2
    return sign * (
        int_from_digits(text[:-half]) * _pow10(half) + int_from_digits(text[-half:])
    )


def digits_exceed(n: int, limit: int) -> bool:
    """Whether ``abs(n)`` has more than ``limit`` decimal digits (exact, cheap far from
    the limit).

    >>> digits_exceed(10 ** 4000, 4000), digits_exceed(10 ** 4000 - 1, 4000)
    (True, False)
    """
    bits = abs(n).bit_length()
    # digits of 2**(bits-1), rounded down
    low = int((bits - 1) * 0.30102999566) + 1 if bits else 1
    high = int(bits * 0.30103) + 1
    if high <= limit:
        return False
    if low > limit + 1:
        return True
    return len(int_str(abs(n))) > limit


def fraction_str(x: Fraction | int) -> str:
    """Canonical text of an exact number: ``"3/2"``, ``"1"``, ``"-1/4"`` (any size)."""
    x = Fraction(x)
    if x.denominator == 1:
        return int_str(x.numerator)
    return f"{int_str(x.numerator)}/{int_str(x.denominator)}"


# ------------------------------------------------------------------ reading


def to_fraction(value: Any, *, max_digits: int = MAX_DIGITS) -> Fraction:
    """The exact rational a JSON value denotes; :class:`NotANumber` otherwise.

    ``max_digits`` bounds the text of a string (instances: :data:`MAX_DIGITS`;
    answers and certificates: :data:`MAX_ANSWER_DIGITS`).
    """
    if type(value) is str:  # the common case first: a cached text
        cache = _TEXT_CACHE.get(max_digits)
        got = cache.get(value) if cache is not None else None
        if got is not None:
            return got
    if isinstance(value, bool):
        raise NotANumber(f"expected a number, got {json.dumps(value)}")
    if isinstance(value, Fraction):
        return value
    if type(value) not in (int, float) and isinstance(value, (float, numbers.Integral)):
        # numpy's float64, int64
        value = float(value) if isinstance(value, float) else int(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(f"{value!r} is not a finite number")
        return Fraction(repr(value))
    if isinstance(value, str):
        cache = _TEXT_CACHE.get(max_digits)
        got = _text_fraction(value, max_digits)
        if len(value) <= _CACHED_TEXT:
            if cache is None or len(cache) >= _CACHE_ENTRIES:
                cache = _TEXT_CACHE[max_digits] = {}
            cache[value] = got
        return got
    if isinstance(value, TooLong):
        raise NotANumber(value.reason)
    if isinstance(value, _JsonConstant):
        raise NotANumber(f"{value.text} is not a finite number")
    name = {type(None): "null", dict: "object"}.get(type(value), type(value).__name__)
    raise NotANumber(f"expected a number, got {name}")


# Traces and instances repeat the same short texts ("0.73", "73/100") thousands of
# times:
# their values (immutable Fractions) are kept, per digit limit, in a small bounded
# table.
_TEXT_CACHE: dict[int, dict[str, Fraction]] = {}
_CACHED_TEXT = 40  # texts up to this long are kept
_CACHE_ENTRIES = 1 << 14  # the table is emptied when it reaches this size


def _text_fraction(value: str, max_digits: int) -> Fraction:
    """The exact value of a number's text (a decimal or a fraction); :class:`NotANumber`
    otherwise."""
    text = value.strip()
    if _DECIMAL_TEXT.fullmatch(text):
        return _decimal(text, max_digits)
    if _FRACTION.fullmatch(text):
        if len(text) > max_digits:
            raise NotANumber(f"{_clip(value)} has too many digits (limit {max_digits})")
        num, den = text.split("/")
        d = int_from_digits(den)
        if d == 0:
            raise NotANumber(f"{_clip(value)} has a zero denominator")
        return Fraction(int_from_digits(num), d)
    raise NotANumber(f"{_clip(value)} is not a finite decimal or fraction")


def _clip(text: str) -> str:
    return show(text)


def _decimal(text: str, max_digits: int = MAX_DIGITS) -> Fraction:
    """Exact value of decimal text, refusing sizes that would stall or not print."""
    match = _DECIMAL.fullmatch(text)
    assert match is not None, "the callers checked text against _DECIMAL_TEXT"
    sign, whole, frac, exponent = match.groups()
    frac = frac or ""
    if exponent is not None and len(exponent.lstrip("+-")) > 12:
        raise NotANumber(f"{_clip(text)} has too many digits (limit {max_digits})")
    exp = int(exponent or 0)
    if len(whole) + len(frac) + abs(exp) > max_digits:
        raise NotANumber(f"{_clip(text)} has too many digits (limit {max_digits})")
    mantissa = int_from_digits((whole + frac) or "0")
    shift = exp - len(frac)
    value = (
        Fraction(mantissa * _pow10(shift))
        if shift >= 0
        else Fraction(mantissa, _pow10(-shift))
    )
    return -value if sign == "-" else value


class _JsonConstant:
    """NaN / Infinity / -Infinity as read from JSON: kept so validation names them."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.text


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    obj = dict(pairs)
    if len(obj) == len(pairs):  # the common case, in C
        return obj
    obj = {}  # find the first key seen twice
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey(f"duplicate key {show(key)}")
        obj[key] = value
    return obj


def loads_exact(text: str, *, max_digits: int = MAX_DIGITS) -> Any:
    """``json.loads`` with exact numbers, NaN/Infinity kept for rejection, no duplicate
    keys.

    A number longer than ``max_digits`` becomes a :class:`TooLong` placeholder,
    which validation rejects naming its field.  Raises :class:`ValueError`
    (``json.JSONDecodeError``, :class:`DuplicateKey`) on bad text and
    :class:`RecursionError` on absurdly deep nesting.

    >>> loads_exact('{"a": 0.1, "b": ' + "1" * 5000 + '}')["b"]
    '11111111111111111111111111111111'... (5000 characters)
    """
    # without a run of digits longer than Python's int() takes, JSON's own integers
    # are the same as `integer`'s (and much faster than a call per integer)
    plain = max_digits >= _CHUNK and (
        len(text) <= _CHUNK
        or (type(text) is str and not _may_have_long_run(text))
        or _LONG_RUN
        not in text.encode("utf-8", "surrogatepass").translate(_DIGIT_OR_SPACE)
    )
    got = _DECODERS.get((max_digits, plain))
    if got is None:
        if len(_DECODERS) >= 16:  # bounded, whatever limits the callers pass
            _DECODERS.clear()
        got = _DECODERS[max_digits, plain] = _decoder(max_digits, plain)
    decoder, hooks = got
    if type(text) is str:
        try:
            return decoder.decode(text)  # what json.loads does with a str
        except json.JSONDecodeError:
            pass  # json.loads words it (it names a byte order mark, say)
    return json.loads(text, **hooks)


def _may_have_long_run(text: str) -> bool:
    """False when ``text`` surely has no run of more than ``_CHUNK`` ASCII digits.

    Such a run covers two neighbouring marks of every ``_CHUNK // 2``-th character:
    only where both are digits is the text between them looked at.
    """
    step = _CHUNK // 2
    marks = text[::step]
    for k in range(len(marks) - 1):
        # (isdigit: any Unicode digit too, so at worst a text is looked at twice)
        if marks[k : k + 2].isdigit() and text[k * step : (k + 1) * step + 1].isdigit():
            return True
    return False


# loads_exact's decoders and their hooks, by (max_digits, plain): building one costs
# about as much as reading a short text
_DECODERS: dict[tuple[int, bool], tuple[json.JSONDecoder, dict]] = {}


def _decoder(max_digits: int, plain: bool) -> tuple[json.JSONDecoder, dict]:
    """The JSON decoder of :func:`loads_exact` and its hooks (``json.loads``'
    arguments); ``plain``: JSON's own integers."""
    # JSON number texts (negative key: not strings)
    cache = _TEXT_CACHE.setdefault(-max_digits, {})

    def number(text):
        got = cache.get(text)
        if got is not None:
            return got
        try:
            got = _decimal(text, max_digits)
        except NotANumber:
            return TooLong(text, max_digits)
        if len(text) <= _CACHED_TEXT and len(cache) < _CACHE_ENTRIES:
            cache[text] = got
        return got

    def integer(text):
        if len(text) <= _CHUNK:  # JSON's integers: an optional minus and digits
            return (
                int(text)
                if len(text.lstrip("-")) <= max_digits
                else TooLong(text, max_digits)
            )
        if len(text.lstrip("-")) > max_digits:
            return TooLong(text, max_digits)
        return int_from_digits(text)

    hooks: dict[str, Any] = dict(
        parse_float=number,
        parse_int=None if plain else integer,
        parse_constant=_JsonConstant,
        object_pairs_hook=_no_duplicates,
    )
    return json.JSONDecoder(**hooks), hooks

"""What a selector can read: the numbers it is sent, against Python's int/str limit.

A selector receives every number as an exact fraction string (``"7/10"``) and the
docs advise ``fractions.Fraction(text)`` to read it.  Since Python 3.11 (and in
3.10.7+ and other patch releases), ``int(text)`` and hence ``Fraction(text)`` refuse
an integer of more than ``sys.int_info.default_max_str_digits`` (4,300) digits unless
the process raised the limit (``sys.set_int_max_str_digits(0)``, ``python -X
int_max_str_digits=0`` or ``PYTHONINTMAXSTRDIGITS=0``).

readable
    An instance whose every numerator and denominator, as sent, has at most
    :data:`READABLE_DIGITS` digits.  Generated instances always are (the generator
    discards others); the user's own instances (``--instances``) may not be: the
    run then says how many and how to read them (docs/test-solver.md).

>>> longest_integer({"budget": 1, "requests": [
...     {"id": "r", "target": "3/2", "parent": [-1, 0],
...      "prob": ["1", "1/" + "7" * 5000]}]})
5000
"""

from __future__ import annotations

import sys
from typing import Optional

# : the longest integer ``Fraction(text)`` reads in a Python with default settings
# (None: no limit)
READABLE_DIGITS: Optional[int] = getattr(sys.int_info, "default_max_str_digits", None)


def longest_integer(instance_json: dict) -> int:
    """Digits of the longest numerator or denominator among an instance dict's targets
    and values."""
    most = 0
    for req in instance_json.get("requests", ()):
        for text in [req.get("target")] + list(
            req.get("prob") or req.get("cond") or ()
        ):
            if isinstance(text, str):
                for part in text.split("/"):
                    most = max(most, len(part.lstrip("+-")))
    return most


def readable(instance_json: dict) -> bool:
    """Whether ``Fraction(text)`` reads every number of the instance with Python's
    default limit."""
    return READABLE_DIGITS is None or longest_integer(instance_json) <= READABLE_DIGITS

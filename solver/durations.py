"""Durations a user gives in seconds (timeouts, time budgets): one check of their range.

A duration is a real number of seconds, ``0 < seconds <= MAX_SECONDS``.  The
bound keeps every deadline the project computes from it within what the
operating system's waits accept: ``epoll`` takes at most 2^31 - 1 ms (24.8
days), ``setitimer`` and ``time_t`` overflow further on.  Beyond it a run
would fail a correct solver with ``OverflowError`` (issue 22 item 2), so a
larger value is refused (exit 2 on the command line), never clamped silently.

Waits that loop until a deadline (:mod:`verify.subject.process`) also wait
at most :data:`MAX_WAIT` at a time, so no deadline, even one past the bound,
reaches the operating system whole.

>>> check_seconds(2.5, "timeout")
2.5
>>> check_seconds(1e12, "timeout")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
solver.errors.OptionError: timeout=1000000000000.0: must be a positive number of
seconds, at most 1000000 (11.6 days)
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .errors import OptionError

MAX_SECONDS = (
    1_000_000  # 11.6 days: a timeout plus a start-up time stay below epoll's 24.8 days
)
MAX_WAIT = 3600.0  # longest single wait of a loop that re-checks its deadline
RANGE = (
    f"a positive number of seconds, at most {MAX_SECONDS} ({MAX_SECONDS / 86400:.1f}"
    " days)"
)


def check_seconds(value: Any, option: str) -> float:
    """``value`` as a float; :class:`OptionError` unless a real number in (0,
    :data:`MAX_SECONDS`]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(
            f"must be {RANGE}, not {type(value).__name__}", option=option, value=value
        )
    try:
        seconds = float(value)
    except OverflowError:  # a huge Fraction or int
        seconds = math.inf
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_SECONDS):
        raise OptionError(f"must be {RANGE}", option=option, value=value)
    return seconds


def wait_slice(left: float) -> float:
    """How long one wait may block when ``left`` seconds remain to a deadline."""
    return min(left, MAX_WAIT)

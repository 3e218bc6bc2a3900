"""How values appear in messages: one line, with long values abbreviated (docs/cli.md,
"Limits").

A message quotes what it is about (a request id, a number's text, a piece of a
solver's output).  Those come from the user and may be megabytes long, so:

:data:`VALUE_CHARS`
    A quoted value longer than 40 characters is shown by its first 32, ``...``
    and its length: ``'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr'... (5000000 characters)``.
:data:`NUMBER_CHARS`
    An exact number (``"181/50"``) is shown whole up to 200 characters, then
    abbreviated the same way (``solve`` prints every number whole: that is data,
    not a message).
:data:`LIST_ITEMS`
    A list of problems (violations, certificate problems) shows its first 10,
    then ``... and N more``.
:data:`LINE_CHARS`
    A message line is at most 2000 characters; beyond, it ends with
    ``... (N more characters)``.  Newlines become spaces.

>>> show("r0")
"'r0'"
>>> show("x" * 100)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (100 characters)"
>>> join_some([f"p{i}" for i in range(12)], most=3)
'p0; p1; p2; ... and 9 more'
>>> clip_line("a" * 30, limit=10)
'aaaaaaaaaa... (20 more characters)'
"""

from __future__ import annotations

from typing import Iterable

VALUE_CHARS = 40
NUMBER_CHARS = 200
LIST_ITEMS = 10
LINE_CHARS = 2000
_PREFIX = 32


def show(value: str, limit: int = VALUE_CHARS) -> str:
    """``repr(value)``, abbreviated when ``value`` has more than ``limit``
    characters."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:_PREFIX]!r}... ({len(value)} characters)"


def number(text: str) -> str:
    """An exact number's text in a message: whole up to :data:`NUMBER_CHARS`, else
    abbreviated."""
    return abbreviate(text, NUMBER_CHARS)


def abbreviate(text: str, limit: int = VALUE_CHARS) -> str:
    """``text`` unquoted, abbreviated like :func:`show`.

    >>> abbreviate("1" * 50)
    '11111111111111111111111111111111... (50 characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:_PREFIX]}... ({len(text)} characters)"


def join_some(items: Iterable[str], sep: str = "; ", most: int = LIST_ITEMS) -> str:
    """The first ``most`` items joined, then how many were left out."""
    shown: list[str] = []
    rest = 0
    for item in items:
        if len(shown) < most:
            shown.append(item)
        else:
            rest += 1
    return sep.join(shown) + (f"{sep}... and {rest} more" if rest else "")


def clip_line(text: str, limit: int = LINE_CHARS) -> str:
    """One line of at most ``limit`` characters (and the count of those cut)."""
    if len(text) > limit:
        text = text[:limit] + f"... ({len(text) - limit} more characters)"
    return text.replace("\r", " ").replace("\n", " ")

"""Reading an input file, or one clear error naming it: the one place that does.

Every file a user names (an instance, a selection, a report, a list of instances,
a trace) is opened here.  What can go wrong becomes an :class:`InputError` of the
caller's kind (``InstanceError``, ``SelectionFormatError``, ``ReportError``, ...)
whose message names the file:

==================  ================================================
the file            message
==================  ================================================
missing             ``cannot read file: No such file or directory``
a directory         ``cannot read file: Is a directory``
unreadable          ``cannot read file: Permission denied``
too large           ``larger than N MiB`` (only when a limit is given)
not UTF-8           ``not UTF-8 text (byte N)``
==================  ================================================

A FIFO or ``/dev/stdin`` is read like a file (the shell's ``<(...)`` is a pipe);
with a limit, at most one byte more than the limit is read, so an endless stream
ends in the "too large" error, never in unbounded memory.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> read_text(d)
Traceback (most recent call last):
...
solver.errors.InputError: ...: cannot read file: Is a directory
>>> p = os.path.join(d, "x.json")
>>> _ = open(p, "wb").write(b'{"a":\\r\\n1}\\xff')
>>> read_text(p)
Traceback (most recent call last):
...
solver.errors.InputError: ...x.json: not UTF-8 text (byte 9)
>>> _ = open(p, "wb").write(b'{"a":\\r\\n1}')
>>> read_text(p), read_text(p, newlines=False)
('{"a":\\n1}', '{"a":\\r\\n1}')
>>> read_text(p, max_bytes=4)
Traceback (most recent call last):
...
solver.errors.InputError: ...x.json: larger than 0 MiB
"""

from __future__ import annotations

import os
from typing import BinaryIO, Optional

from .errors import InputError

CANNOT_READ = "cannot read file"  # the start of the message when open() fails


def open_input(
    path: str | os.PathLike,
    error: type[InputError] = InputError,
    *,
    cannot: str = CANNOT_READ,
) -> BinaryIO:
    """``path`` opened for reading, in binary, or ``error`` naming it."""
    source = os.fspath(path)
    try:
        return open(source, "rb")
    except OSError as exc:
        raise error(f"{cannot}: {exc.strerror or exc}", source=source) from None


def read_text(
    path: str | os.PathLike,
    error: type[InputError] = InputError,
    *,
    max_bytes: Optional[int] = None,
    newlines: bool = True,
    cannot: str = CANNOT_READ,
) -> str:
    """The UTF-8 text of ``path``, or ``error`` naming it (module doc).

    ``newlines``: ``\\r\\n`` and ``\\r`` read as ``\\n``, as ``open()`` in text mode
    reads them; ``max_bytes``: a larger file is an error."""
    source = os.fspath(path)
    with open_input(source, error, cannot=cannot) as fh:
        try:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"{cannot}: {exc.strerror or exc}", source=source) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise error(f"larger than {max_bytes // 2**20} MiB", source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", source=source) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if newlines else text

"""The project's version: the installed distribution's, else pyproject.toml's.

*Distribution* is ``adaserve-verify`` as pip installed it (its metadata); a source
tree that was never installed has none, and then the ``version`` line of the
``[project]`` table of the pyproject.toml next to the packages is read.  Neither:
``0+unknown`` (PEP 440's local version of nothing), never an exception.

>>> import re
>>> bool(re.fullmatch(r"\\d+(\\.\\d+)*.*", version()))
True
>>> text = '[project]\\nname = "x"\\nversion = "1.2.3"\\n[tool.y]\\nversion = "9"\\n'
>>> pyproject_version(text)
'1.2.3'
>>> pyproject_version('[tool.y]\\nversion = "9"\\n') is None
True
"""

from __future__ import annotations

import re
from pathlib import Path

DISTRIBUTION = "adaserve-verify"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
UNKNOWN = "0+unknown"


def pyproject_version(text: str) -> str | None:
    """The ``version`` of the ``[project]`` table of pyproject.toml's text, or None."""
    table = re.search(r"^\[project\][ \t]*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if table is None:
        return None
    line = re.search(r"""^version\s*=\s*["']([^"']+)["']""", table.group(1), re.M)
    return line.group(1) if line else None


def version() -> str:
    """The version of adaserve-verify (the module's docstring says from where)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    try:
        found = pyproject_version(PYPROJECT.read_text(encoding="utf-8"))
    except OSError:
        found = None
    return found or UNKNOWN

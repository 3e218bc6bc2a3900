"""Style and types, kept by CI: ``ruff format --check .``, ``ruff check .`` and ``mypy``
pass on the whole tree (tests/README.md, "Style and types").

Each tool runs with the configuration in pyproject.toml (``[tool.ruff]``,
``[tool.mypy]``), from the interpreter that runs the tests (``python -m ruff``,
``python -m mypy``: the versions pinned in the ``test`` extra).  A failure prints the
tool's own report, which names each file and line.  Without a tool the test is
skipped with the install line; under CI (``CI=true``) a missing tool fails it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL = 'python -m pip install -e ".[test]"'


class ToolFindings(AssertionError):
    """The tool ran and reported findings (the only failure the mypy mark expects)."""


def run_tool(module: str, *args: str, timeout: float = 600) -> None:
    """Run ``python -m module args`` in the project root; raise ``ToolFindings`` with
    its output when it exits non-zero."""
    if importlib.util.find_spec(module) is None:
        msg = f"{module} not found; install with: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        command = " ".join((module, *args))
        raise ToolFindings(
            f"`{command}` exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )


def test_ruff_format_check():
    # fix: ruff format .
    run_tool("ruff", "format", "--check", ".")


def test_ruff_check():
    # fix: ruff check --fix . (then by hand what it cannot fix)
    run_tool("ruff", "check", ".")


@pytest.mark.slow
def test_mypy():
    # the files to check are configured in pyproject.toml ([tool.mypy])
    run_tool("mypy")

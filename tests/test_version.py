"""``verify.__version__`` and ``python -m verify --version`` (solver/version.py).

Against what: the version pyproject.toml declares, read here with tomllib (not with
the code under test), and the installed distribution's metadata.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import verify
from solver import version as V

ROOT = Path(__file__).resolve().parent.parent


def declared() -> str:
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["project"]["version"]


def test_version_is_the_installed_distributions():
    assert verify.__version__ == importlib.metadata.version("adaserve-verify")
    assert "__version__" in dir(verify) and "__version__" not in verify.__all__


def test_version_falls_back_to_pyproject_when_not_installed(monkeypatch):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert V.version() == declared()


def test_neither_metadata_nor_pyproject_is_unknown_not_an_error(monkeypatch, tmp_path):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    monkeypatch.setattr(V, "PYPROJECT", tmp_path / "no-such" / "pyproject.toml")
    assert V.version() == "0+unknown"
    (tmp_path / "pyproject.toml").write_text('[tool.other]\nversion = "9.9"\n')
    monkeypatch.setattr(V, "PYPROJECT", tmp_path / "pyproject.toml")
    assert V.version() == "0+unknown"


def test_cli_prints_the_version_on_stdout_and_exits_0():
    out = subprocess.run(
        [sys.executable, "-m", "verify", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    expected = (0, f"adaserve-verify {declared()}\n", "")
    assert (out.returncode, out.stdout, out.stderr) == expected

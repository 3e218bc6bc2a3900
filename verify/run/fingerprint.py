"""Fingerprints: which code produced a result.

*code fingerprint*     sha256 over every ``.py`` file of ``solver/``, ``verify/``,
                       ``proofs/`` and over ``pyproject.toml``, in path order (path
                       and bytes of each): the code a run measured (docs/results.md
                       records it; the task store keys every result by it).
*run fingerprint*      the code fingerprint plus the versions of the libraries that
                       decide results (Hypothesis draws the cases, Z3 finds the
                       models): what the task store compares.
*subject fingerprint*  the files of a solver under test that the project does not
                       own: the module file of ``module:function``, every existing
                       file named on a ``--cmd`` line.  What those files import, or
                       a program found on PATH, is not covered (docs/distributed.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # verify/run/fingerprint.py -> the project root
FINGERPRINT_DIRS = ("solver", "verify", "proofs")
LIBRARIES = ("hypothesis", "z3-solver")


def fingerprint(root: Path = ROOT) -> str:
    """sha256 over the code a run measures (paths and bytes, in path order).

    >>> len(fingerprint()), fingerprint() == fingerprint()
    (64, True)
    """
    files = sorted(p for d in FINGERPRINT_DIRS for p in (root / d).rglob("*.py") if p.is_file())
    files.append(root / "pyproject.toml")
    h = hashlib.sha256()
    for p in files:
        data = p.read_bytes()
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + str(len(data)).encode() + b"\0")
        h.update(data)
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES` (``"missing"`` when not installed)."""
    from importlib import metadata

    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def run_fingerprint(root: Path = ROOT) -> str:
    """The code fingerprint and the library versions, in one sha256.

    >>> run_fingerprint() == run_fingerprint() != fingerprint()
    True
    """
    h = hashlib.sha256(fingerprint(root).encode())
    for name, version in sorted(library_versions().items()):
        h.update(f"\0{name}={version}".encode())
    return h.hexdigest()


def _file_digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def subject_fingerprint(kind: str, target: str) -> dict[str, str]:
    """``{file: sha256}`` of the files of a solver under test (see the module docstring).

    >>> subject_fingerprint("registry", "reference")
    {}
    >>> list(subject_fingerprint("callable", "solver.reference:solve_reference").values())[0] != ""
    True
    """
    files: list[str] = []
    if kind in ("callable", "native"):
        module = target.partition(":")[0]
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and os.path.isfile(spec.origin):
            files.append(spec.origin)
    elif kind == "cmd":
        try:
            words = shlex.split(target)
        except ValueError:
            words = []
        files = [w for w in words if os.path.isfile(w)]
    return {os.path.abspath(f): _file_digest(f) for f in files}

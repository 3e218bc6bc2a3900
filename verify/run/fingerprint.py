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
                       file named on a ``--cmd`` line, and the module a ``--cmd``
                       line runs as ``python -m NAME`` (its file; a package's
                       ``__init__.py`` and ``__main__.py``).  What those files
                       import, or a program found on PATH, is not covered
                       (docs/distributed.md).  A ``-m``
                       module whose file is not found makes the fingerprint unique
                       to this process: its results are never reused
                       (:func:`subject_notes` says so).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shlex
from pathlib import Path

# verify/run/fingerprint.py -> the project root
ROOT = Path(__file__).resolve().parents[2]
FINGERPRINT_DIRS = ("solver", "verify", "proofs")
LIBRARIES = ("hypothesis", "z3-solver")


def fingerprint(root: Path = ROOT) -> str:
    """sha256 over the code a run measures (paths and bytes, in path order).

    >>> len(fingerprint()), fingerprint() == fingerprint()
    (64, True)
    """
    files = sorted(
        p for d in FINGERPRINT_DIRS for p in (root / d).rglob("*.py") if p.is_file()
    )
    files.append(root / "pyproject.toml")
    h = hashlib.sha256()
    for p in files:
        data = p.read_bytes()
        h.update(
            p.relative_to(root).as_posix().encode()
            + b"\0"
            + str(len(data)).encode()
            + b"\0"
        )
        h.update(data)
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`LIBRARIES` (``"missing"`` when not
    installed)."""
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
    """``{file: sha256}`` of the files of a solver under test (see the module
    docstring).

    >>> subject_fingerprint("registry", "reference")
    {}
    >>> prints = subject_fingerprint("callable", "solver.reference:solve_reference")
    >>> list(prints.values())[0] != ""
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
        words = _words(target)
        files = [w for w in words if os.path.isfile(w)]
        out = {os.path.abspath(f): _file_digest(f) for f in files}
        for name in run_modules(words):
            found = module_files(name)
            if found:
                out.update((f, _file_digest(f)) for f in found)
            else:  # unknown code: never equal to another run's fingerprint
                out[f"python -m {name}"] = (
                    f"file not found: not reused (run {_RUN_NONCE})"
                )
        return out
    return {os.path.abspath(f): _file_digest(f) for f in files}


_RUN_NONCE = os.urandom(8).hex()
_PYTHON = re.compile(r"python[0-9.]*(\.exe)?")


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return []


def run_modules(words: list[str]) -> list[str]:
    """The modules a command line runs as ``python [options] -m NAME`` (``-m`` alone or
    last of a group).

    >>> run_modules(["python3", "-u", "-m", "pkg.sel", "--fast"])
    ['pkg.sel']
    >>> run_modules(["python", "-Im", "x"])
    ['x']
    >>> run_modules(["python", "sel.py", "-m", "y"])
    []
    >>> run_modules(["env", "python3.11", "-m", "z"])
    ['z']
    """
    out = []
    for i, word in enumerate(words):
        if not _PYTHON.fullmatch(os.path.basename(word)):
            continue
        for j in range(i + 1, len(words)):
            opt = words[j]
            if not opt.startswith("-") or opt == "-" or opt.startswith("--"):
                break  # a script, stdin or a long option: no -m after it applies
            if opt[1:].isalpha() and opt.endswith("m"):
                if j + 1 < len(words):
                    out.append(words[j + 1])
                break
            if opt in ("-W", "-X", "-c", "-Q"):
                # -c runs a string; -W/-X take an argument: keep it simple, stop here
                break
    return out


def module_files(name: str) -> list[str]:
    """The files ``python -m name`` run in the current directory would execute, found
    without importing anything: the module's file, or a package's ``__init__.py`` and
    ``__main__.py`` (empty: not found)."""
    import importlib.machinery
    import sys

    path: list[str] | None = [os.getcwd()] + [p for p in sys.path if p]
    spec = None
    for part in name.split("."):
        if not part.isidentifier() or path is None:
            return []
        try:
            spec = importlib.machinery.PathFinder.find_spec(part, path)
        except (ImportError, ValueError):
            return []
        if spec is None:
            return []
        path = list(spec.submodule_search_locations or []) or None
    assert spec is not None, "found for every part of the name (else returned)"
    # a package runs its __init__.py, then its __main__.py
    if spec.submodule_search_locations:
        files = [
            os.path.join(d, f)
            for d in spec.submodule_search_locations
            for f in ("__init__.py", "__main__.py")
        ]
        return [os.path.abspath(f) for f in files if os.path.isfile(f)]
    if spec.origin and os.path.isfile(spec.origin):
        return [os.path.abspath(spec.origin)]
    return []


def subject_notes(kind: str, target: str) -> list[str]:
    """What a task store cannot fingerprint of a ``--cmd`` solver, for stderr (empty:
    nothing)."""
    if kind != "cmd":
        return []
    return [
        f"store: --cmd runs python -m {name}, whose file was not found: its results are"
        " never reused"
        for name in run_modules(_words(target))
        if not module_files(name)
    ]

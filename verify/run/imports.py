"""The same imported modules in every worker: what makes a seed draw the same cases
everywhere.

Hypothesis adds to its pool of candidate values the literal constants of every
*local* module that is imported (not the standard library, not site-packages,
not test files).  So which cases a seed produces depends on which of the
project's modules the process has imported, and a worker that imported one
more module (lazily, or for another kind of task run earlier) would draw other
cases than the process next to it.

:func:`settle` fixes that set: it imports every module of the project's packages
(:data:`PACKAGES`, the packages of the code fingerprint) and the given extra
modules (the solver under test).  Every executor calls it in the calling process
before the first task and in every worker before each task (a no-op once done),
so in-process, local-process and Dask runs see the same constants: the cases of a
seed are a function of the seed, the code fingerprint and the solver under test.

Not covered: the calling process's ``__main__`` when it is a script of your own
(``python my_script.py`` calling the Python API): workers do not import it.

>>> names = project_modules()
>>> "verify.run.imports" in names and "solver.model" in names
True
>>> any(n.endswith("__main__") for n in names)
False
>>> import sys
>>> "json" in settle(("json",))
True
>>> "proofs.bounded.tasks" in sys.modules and "verify.commands.results" in sys.modules
True
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from typing import Iterable

PACKAGES = ("solver", "verify", "proofs")

_done: set[tuple[str, ...]] = set()
_lock = threading.Lock()


def project_modules() -> tuple[str, ...]:
    """Every importable module of :data:`PACKAGES` (``__main__`` modules excluded),
    sorted."""
    names = []
    for pkg in PACKAGES:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            continue
        for base in spec.submodule_search_locations:
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = sorted(
                    d for d in dirnames if d != "__pycache__" and not d.startswith(".")
                )
                rel = os.path.relpath(dirpath, base)
                prefix = pkg if rel == "." else pkg + "." + rel.replace(os.sep, ".")
                if rel != "." and "__init__.py" not in filenames:
                    continue  # not a package: nothing importable below
                for f in filenames:
                    if not f.endswith(".py") or f == "__main__.py":
                        continue
                    names.append(prefix if f == "__init__.py" else f"{prefix}.{f[:-3]}")
    return tuple(sorted(set(names)))


def settle(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Import every project module and ``extra`` (module names); return what was
    imported.

    A module that fails to import is skipped here: the task that needs it reports the
    error."""
    key = tuple(sorted(set(extra)))
    with _lock:
        if key in _done:
            return key
        for name in project_modules() + key:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - reported by the task that uses it
                pass
        _done.add(key)
    return key

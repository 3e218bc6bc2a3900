"""The task store (``--store DIR``): every finished task, so a rerun resumes where a run stopped.

Layout::

    DIR/store.json                   what this directory is (schema, how to read it)
    DIR/<fp>/<key>.json              one finished task; <fp> = the first 16 hex digits of
                                     the run fingerprint of the code that made it

One entry: ``what`` (the task's name), ``inputs`` (its inputs, JSON), ``fingerprint``
(:func:`verify.run.fingerprint.run_fingerprint`: the code and library versions),
``finished`` (UTC), ``summary`` (the result as JSON, for people: ``to_json()`` when
the result has one) and ``result`` (the result itself, pickled, base64).  The key is
the sha256 of the fingerprint, the task function, ``what`` and ``inputs``, so only
a task with the same inputs run by the same code finds it; a store made by other
code is not reused (and left as it is).  Entries are written atomically (a
temporary file, then a rename), so an interrupted run never leaves half an entry.

A store holds pickles: reuse only stores you made yourself.

>>> import tempfile
>>> from verify.run.seam import Task
>>> d = tempfile.mkdtemp()
>>> s = Store(d, fingerprint="ab" * 32)
>>> t = Task(abs, -3, "abs -3", {"x": -3})
>>> s.get(t)
(False, None)
>>> s.put(t, 3); s.get(t), Store(d, fingerprint="ab" * 32).finished, Store(d, fingerprint="cd" * 32).other_code
((True, 3), 1, 1)
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import pickle
import tempfile
from typing import Any, Optional

from solver.errors import InputError

from verify.run.fingerprint import run_fingerprint
from verify.run.seam import Task

SCHEMA = "adaserve-verify/task-store/1"
ENTRY_SCHEMA = "adaserve-verify/task/1"


class Store:
    """A store directory (created if missing) for the code of ``fingerprint`` (default: this code)."""

    def __init__(self, directory: str, fingerprint: Optional[str] = None):
        self.directory = directory
        self.fingerprint = fingerprint or run_fingerprint()
        self.mine = os.path.join(directory, self.fingerprint[:16])
        meta = os.path.join(directory, "store.json")
        _check_directory(directory, meta)
        os.makedirs(self.mine, exist_ok=True)
        if not os.path.exists(meta):
            _write_json(meta, {"schema": SCHEMA, "layout": "<fingerprint[:16]>/<sha256 key>.json, one per task",
                               "about": "docs/distributed.md (python -m verify ... --store DIR)"})
        self.finished = _count(self.mine)
        self.other_code = sum(_count(os.path.join(directory, d)) for d in _subdirs(directory)
                              if d != os.path.basename(self.mine))

    def describe(self) -> str:
        other = f"; {self.other_code} tasks of other code not reused" if self.other_code else ""
        return f"store {self.directory}: {self.finished} finished tasks of this code{other}"

    def key(self, task: Task) -> str:
        fn = f"{getattr(task.fn, '__module__', '?')}.{getattr(task.fn, '__qualname__', '?')}"
        text = json.dumps([self.fingerprint, fn, task.what, task.inputs], sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, task: Task) -> str:
        return os.path.join(self.mine, self.key(task) + ".json")

    def get(self, task: Task) -> tuple[bool, Any]:
        """``(True, result)`` if this code finished ``task`` before, else ``(False, None)``."""
        try:
            with open(self._path(task), encoding="utf-8") as fh:
                entry = json.load(fh)
            if entry.get("fingerprint") != self.fingerprint:
                return False, None
            return True, pickle.loads(base64.b64decode(entry["result"]))
        except (OSError, ValueError, KeyError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return False, None  # missing, or unreadable: run the task again

    def put(self, task: Task, result: Any) -> None:
        summary = result.to_json() if hasattr(result, "to_json") else result
        try:
            json.dumps(summary)
        except (TypeError, ValueError):
            summary = repr(summary)
        entry = {"schema": ENTRY_SCHEMA, "what": task.what, "inputs": task.inputs, "fingerprint": self.fingerprint,
                 "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "summary": summary, "result": base64.b64encode(pickle.dumps(result)).decode("ascii")}
        _write_json(self._path(task), entry)
        self.finished += 1


def _check_directory(directory: str, meta: str) -> None:
    """A store is a new or empty directory, or one with our store.json: never someone's other files."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InputError("not a directory", source=directory)
    if os.path.exists(meta):
        try:
            with open(meta, encoding="utf-8") as fh:
                schema = json.load(fh).get("schema")
        except (OSError, ValueError, AttributeError):
            schema = None
        if schema != SCHEMA:
            raise InputError(f"store.json is not a task store of this tool ({SCHEMA})", source=directory)
    elif os.path.isdir(directory) and os.listdir(directory):
        raise InputError("not a task store (no store.json) and not empty: give a new or empty directory",
                         source=directory)


def _write_json(path: str, obj: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, default=repr)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _subdirs(directory: str) -> list[str]:
    try:
        return sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
    except OSError:
        return []


def _count(directory: str) -> int:
    try:
        return sum(1 for f in os.listdir(directory) if f.endswith(".json") and not f.startswith(".tmp-"))
    except OSError:
        return 0

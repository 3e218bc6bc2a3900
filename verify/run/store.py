"""The task store (``--store DIR``): every finished task, so a rerun resumes where a run
stopped.

Layout::

    DIR/store.json                   what this directory is (schema, how to read it)
    DIR/<fp>/<key>.json              one finished task; <fp> = the first 16 hex digits
                                     of the run fingerprint of the code that made it

One entry: ``what`` (the task's name), ``inputs`` (its inputs, JSON), ``fingerprint``
(:func:`verify.run.fingerprint.run_fingerprint`: the code and library versions),
``finished`` (UTC), ``summary`` (the result as JSON, for people: ``to_json()`` when
the result has one), ``result`` (the result itself, pickled, base64), ``type`` (the
result's class) and ``sha256`` (of the key and the pickle).  The key is the sha256
of the fingerprint, the task function, ``what`` and ``inputs``, so only a task with
the same inputs run by the same code finds it; a store made by other code is not
reused (and left as it is).  Entries are written atomically (a temporary file, then
a rename), so an interrupted run never leaves half an entry.

An entry is used only if it reads back exactly as written: its checksum, key, task
and fingerprint match and the unpickled result has the recorded class.  Anything
else (a flipped bit, a truncated or swapped file) is run again, never an error.

The store is checked before a run: a place it cannot create, or a folder it cannot
write into, or this code's folder taken by a file, is an :class:`InputError` (exit 2).
``store.json`` is created atomically (written aside, then linked into place), first,
so two runs opening a new store at the same moment both find a store.

A store holds pickles: reuse only stores you made yourself.

>>> import tempfile
>>> from verify.run.seam import Task
>>> d = tempfile.mkdtemp()
>>> s = Store(d, fingerprint="ab" * 32)
>>> t = Task(abs, -3, "abs -3", {"x": -3})
>>> s.get(t)
(False, None)
>>> s.put(t, 3); s.get(t)
(True, 3)
>>> Store(d, fingerprint="ab" * 32).finished, Store(d, fingerprint="cd" * 32).other_code
(1, 1)
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
    """A store directory (created if missing) for the code of ``fingerprint`` (default:
    this code)."""

    def __init__(self, directory: str, fingerprint: Optional[str] = None):
        self.directory = directory
        self.fingerprint = fingerprint or run_fingerprint()
        self.mine = os.path.join(directory, self.fingerprint[:16])
        _open_directory(directory)
        _make_folder(self.mine, directory)
        self.finished = _count(self.mine)
        self.other_code = sum(
            _count(os.path.join(directory, d))
            for d in _subdirs(directory)
            if d != os.path.basename(self.mine)
        )

    def describe(self) -> str:
        other = (
            f"; {self.other_code} tasks of other code not reused"
            if self.other_code
            else ""
        )
        return (
            f"store {self.directory}: {self.finished} finished tasks of this"
            f" code{other}"
        )

    def key(self, task: Task) -> str:
        fn = (
            f"{getattr(task.fn, '__module__', '?')}"
            f".{getattr(task.fn, '__qualname__', '?')}"
        )
        text = json.dumps(
            [self.fingerprint, fn, task.what, task.inputs], sort_keys=True, default=repr
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, task: Task) -> str:
        return os.path.join(self.mine, self.key(task) + ".json")

    def get(self, task: Task) -> tuple[bool, Any]:
        """``(True, result)`` if this code finished ``task`` before and it reads back
        exactly, else ``(False, None)``: missing, unreadable or changed in any way, the
        task runs again."""
        key = self.key(task)
        try:
            with open(self._path(task), "rb") as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
            if len(data) > MAX_ENTRY_BYTES:
                return False, None
            entry = json.loads(data.decode("utf-8"))
            if not (
                isinstance(entry, dict)
                and entry.get("schema") == ENTRY_SCHEMA
                and entry.get("fingerprint") == self.fingerprint
                and entry.get("key") == key
                and entry.get("what") == task.what
                and isinstance(entry.get("result"), str)
                and entry.get("inputs") == _json_round_trip(task.inputs)
            ):
                return False, None
            blob = base64.b64decode(entry["result"], validate=True)
            if entry.get("sha256") != _checksum(key, blob):
                return False, None
            result = pickle.loads(blob)
            if entry.get("type") != _type_name(result):
                return False, None
            return True, result
        # whatever a damaged file raises: run the task again
        except Exception:  # noqa: BLE001
            return False, None

    def put(self, task: Task, result: Any) -> None:
        summary = result.to_json() if hasattr(result, "to_json") else result
        try:
            json.dumps(summary)
        except (TypeError, ValueError):
            summary = repr(summary)
        key = self.key(task)
        blob = pickle.dumps(result)
        entry = {
            "schema": ENTRY_SCHEMA,
            "what": task.what,
            "inputs": task.inputs,
            "fingerprint": self.fingerprint,
            "key": key,
            "finished": (
                datetime.datetime.now(datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                )
            ),
            "summary": summary,
            "type": _type_name(result),
            "sha256": _checksum(key, blob),
            "result": base64.b64encode(blob).decode("ascii"),
        }
        _write_json(self._path(task), entry)
        self.finished += 1


# an entry file larger than this is not one we wrote: run the task again
MAX_ENTRY_BYTES = 1 << 30


def _checksum(key: str, blob: bytes) -> str:
    return hashlib.sha256(key.encode() + b"\0" + blob).hexdigest()


def _type_name(value: Any) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


def _json_round_trip(value: Any) -> Any:
    """``value`` as it reads back from the entry's JSON (tuples become lists, ...)."""
    return json.loads(json.dumps(value, default=repr))


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _open_directory(directory: str) -> None:
    """Create ``directory`` and its ``store.json`` if new; refuse anything that is not a
    store."""
    meta = os.path.join(directory, "store.json")
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InputError("not a directory", source=directory)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the store: {_why(exc)}", source=directory
        ) from None
    if not os.path.exists(meta):
        try:
            entries = _entries(directory)
        except OSError as exc:
            raise InputError(
                f"cannot read the store: {_why(exc)}", source=directory
            ) from None
        # "store.json" listed: another run created the store since the first look
        # (linked whole), and it is checked below like any store
        if "store.json" not in entries:
            if entries:
                raise InputError(
                    "not a task store (no store.json) and not empty: give a new or"
                    " empty directory",
                    source=directory,
                )
            _create_meta(meta, directory)
    try:
        with open(meta, encoding="utf-8") as fh:
            schema = json.load(fh).get("schema")
    except (OSError, ValueError, AttributeError):
        schema = None
    if schema != SCHEMA:
        raise InputError(
            f"store.json is not a task store of this tool ({SCHEMA})", source=directory
        )


def _entries(directory: str) -> list[str]:
    """What the directory holds, but the temporary files of a store being created (ours,
    or another run's)."""
    return [n for n in os.listdir(directory) if not n.startswith(".tmp-")]


def _create_meta(meta: str, directory: str) -> None:
    """Write store.json aside and link it into place: it appears whole, and a second
    creator's link fails (the first one's stays: the same content)."""
    text = (
        json.dumps(
            {
                "schema": SCHEMA,
                "layout": "<fingerprint[:16]>/<sha256 key>.json, one per task",
                "about": "docs/distributed.md (python -m verify ... --store DIR)",
            },
            indent=1,
        )
        + "\n"
    )
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    except OSError as exc:
        raise InputError(
            f"cannot write the store: {_why(exc)}", source=directory
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            os.link(tmp, meta)
        except FileExistsError:
            pass  # another run created it first
        except OSError as exc:
            raise InputError(
                f"cannot write the store: {_why(exc)}", source=directory
            ) from None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _make_folder(mine: str, directory: str) -> None:
    """This code's folder, made if missing, and proved writable by writing a file into
    it."""
    if os.path.lexists(mine) and not os.path.isdir(mine):
        raise InputError(
            f"{mine} is not a directory (this code's folder of the store): move it away"
            " or give another store",
            source=directory,
        )
    try:
        os.makedirs(mine, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=mine, prefix=".tmp-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            f"cannot write the store: {_why(exc)}", source=directory
        ) from None


def _write_json(path: str, obj: dict) -> None:
    fd, tmp = tempfile.mkstemp(
        dir=os.path.dirname(path), prefix=".tmp-", suffix=".json"
    )
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
        return sorted(
            d
            for d in os.listdir(directory)
            if os.path.isdir(os.path.join(directory, d))
        )
    except OSError:
        return []


def _count(directory: str) -> int:
    try:
        return sum(
            1
            for f in os.listdir(directory)
            if f.endswith(".json") and not f.startswith(".tmp-")
        )
    except OSError:
        return 0

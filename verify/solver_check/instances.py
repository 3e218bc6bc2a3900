"""The user's own instances (``--instances PATH``), judged before the generated cases.

Read whole, with limits (:data:`MAX_INSTANCES`, :data:`MAX_INSTANCE_BYTES`), so that bad
input is one clear error naming file, line, request and node, never unbounded memory.
"""

from __future__ import annotations

import os

from solver.files import read_text
from solver.model import Instance

# each runs on every property; 10**4 rather than a literal so Hypothesis's pool of
# module constants (verify/run/imports.py), hence the cases of a seed, stays as it was
MAX_INSTANCES = 10**4
MAX_INSTANCE_BYTES = 50 * 2**20


def load_instances(path: str) -> list[tuple[str, Instance]]:
    """``--instances PATH``: a JSON Lines file (one instance per line; blank lines and
    lines starting with ``#`` skipped) or a folder of instance files (``*.json``, in
    name order).

    Each comes with its origin (``file:line`` or the file name).  Bad input raises
    :class:`~solver.errors.InputError` naming the file, line, request and node.
    """
    from solver.errors import InstanceError
    from solver.parse import load_instance, loads_instance

    if os.path.isdir(path):
        files = sorted(f for f in os.listdir(path) if f.endswith(".json"))
        if not files:
            raise InstanceError("no *.json instance files in this folder", source=path)
        if len(files) > MAX_INSTANCES:
            raise InstanceError(
                f"{len(files)} instance files: at most {MAX_INSTANCES}", source=path
            )
        return [
            (os.path.join(path, f), load_instance(os.path.join(path, f))) for f in files
        ]
    text = read_text(
        path, InstanceError, max_bytes=MAX_INSTANCE_BYTES, cannot="cannot read"
    )
    lines = text.splitlines()
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(out) >= MAX_INSTANCES:
            raise InstanceError(f"more than {MAX_INSTANCES} instances", source=path)
        out.append((f"{path}:{n}", loads_instance(line, source=f"{path}:{n}")))
    if not out:
        raise InstanceError(
            "no instance in this file (one JSON object per line)", source=path
        )
    return out

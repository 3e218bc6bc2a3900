"""Run a benchmark's child code against another checkout: the one way the benchmarks
compare "base" (or "before") and "now" side by side.

The child is Python source run by a fresh interpreter whose working directory and
``PYTHONPATH`` are the checkout, so every import (``solver``, ``verify``, the
checkout's own ``benchmarks``) is that tree's code; it prints one JSON value on
stdout, which is returned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_in_tree(tree: str, source: str, *args: str, what: str = "run") -> Any:
    """The JSON value ``source`` prints, run with ``args`` as ``sys.argv[1:]`` in a
    fresh interpreter importing ``tree``'s code; exits naming ``what`` and the
    child's error when it fails."""
    proc = subprocess.run(
        [sys.executable, "-c", source, *args],
        capture_output=True,
        text=True,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": tree},
    )
    if proc.returncode:
        raise SystemExit(f"{what} in {tree} failed: {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout)

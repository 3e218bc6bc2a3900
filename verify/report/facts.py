"""Facts a report states that need none of the search machinery: the versions of a run
(Python, the libraries a verdict depends on, this project's git commit) and the budget a
selection uses.

Apart from :mod:`verify.report.finding` (which re-exports them) so that the report page
(verify/report/html.py) can state them without importing the claims and, with them,
Hypothesis (~0.17 s CPU, which an audit's page would otherwise pay).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Mapping

from solver.model import Instance


def versions() -> dict[str, str]:
    """Versions of Python, the libraries a verdict depends on, and of this project (git
    commit if known)."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for dist in (
        "adaserve-verify",
        "hypothesis",
        "z3-solver",
        "networkx",
        "matplotlib",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    # verify/report/ -> root
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        commit = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    if commit:
        out["adaserve-verify-commit"] = commit
    return out


def used_budget(instance: Instance, sets: Mapping) -> int:
    """Budget units a selection uses under the instance's root convention."""
    if instance.root_charged:
        return sum(len(set(s)) for s in sets.values())
    return sum(len(set(s) - {instance.request(r).tree.root}) for r, s in sets.items())

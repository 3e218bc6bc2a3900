"""What a solver check is asked to do: :class:`Options`, and the checks of its arguments.

Terminology (docs/test-solver.md)
---------------------------------
restrictions
    What the solver claims to handle (:class:`~verify.search.restrictions.Restrictions`):
    one request only, no targets (every target <= 1), chains, at most / at least so
    many nodes per tree, depth, children per node, a smallest budget, the value
    classes.  Generated, shrunk and reduced instances all stay inside them, and each
    property judges the solver against the exact optimum of that sub-problem.
finding
    One distinct failure signature (property, rule, kind) with its smallest case;
    a property reports up to ``max_findings`` of them, each with its own report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from verify.search.restrictions import Restrictions

MAX_FINDINGS = 5          # distinct findings per property (--max-findings)


@dataclass(frozen=True)
class Options:
    profile: str = "quick"
    examples: Optional[int] = None      # default: the profile's
    seed: int = 0
    root_charged: bool = False
    restrictions: Restrictions = field(default_factory=Restrictions)
    claims: Optional[tuple[str, ...]] = None
    report_dir: Optional[str] = None
    max_findings: int = MAX_FINDINGS
    instances: Optional[str] = None     # --instances PATH

    def cli_args(self) -> list[str]:
        out = ["--profile", self.profile, "--seed", str(self.seed)]
        if self.examples is not None:
            out += ["--examples", str(self.examples)]
        if self.root_charged:
            out.append("--root-charged")
        if self.max_findings != MAX_FINDINGS:
            out += ["--max-findings", str(self.max_findings)]
        if self.instances:
            out += ["--instances", self.instances]
        return out + self.restrictions.cli_args()


def parse_values(text: Optional[str]) -> Optional[tuple[str, ...]]:
    """``--values CLASS,...``: known value classes (ValueError otherwise), in the order given."""
    if text is None:
        return None
    from verify.search.generators import PROB_CLASSES

    values = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    bad = [c for c in values if c not in PROB_CLASSES]
    if bad or not values:
        raise ValueError(f"unknown value class {bad[0] if bad else text!r} (choose from {', '.join(PROB_CLASSES)})")
    return values


def check_satisfiable(r: Restrictions, profile) -> None:
    """A usage error when no tree can meet the size restrictions together."""
    from verify.search.generators import capacity

    most = capacity(min(profile.max_nodes + 1, r.max_nodes or 10**6), r.max_depth, r.width)
    if r.min_nodes is not None and r.min_nodes > most:
        raise ValueError(f"--min-nodes {r.min_nodes}: no tree has that many nodes within "
                         f"{r.describe()} and the profile's {profile.max_nodes + 1} nodes")

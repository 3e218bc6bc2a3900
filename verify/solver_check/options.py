"""What a solver check is asked to do: :class:`Options`, and the checks of its
arguments.

Terminology (docs/test-solver.md)
---------------------------------
restrictions
    What the solver claims to handle
    (:class:`~verify.search.restrictions.Restrictions`): one request only, no targets
    (every target <= 1), chains, at most / at least so
    many nodes per tree, depth, children per node, a smallest budget, the value
    classes.  Generated, shrunk and reduced instances all stay inside them, and each
    property judges the solver against the exact optimum of that sub-problem.
finding
    One distinct failure signature (property, rule, kind, cause class) with its
    smallest case; a property reports up to ``max_findings`` of them.  The same
    defect found by several properties is one finding listing them
    (:mod:`verify.search.defects`).
root conventions
    ``root_charged`` None (the default) draws both, as ``verify.instances()`` does;
    ``--roots free|charged`` (``--root-charged``: charged) narrows the run to one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

from solver.errors import OptionError
from verify.search.restrictions import Restrictions, values_flag, whole_number

MAX_FINDINGS = 5  # distinct findings per property (--max-findings)


@dataclass(frozen=True)
class Options:
    profile: str = "quick"
    examples: Optional[int] = None  # default: the profile's
    seed: int = 0
    root_charged: Optional[bool] = None  # None: both conventions drawn
    restrictions: Restrictions = field(default_factory=Restrictions)
    claims: Optional[tuple[str, ...]] = None
    report_dir: Optional[str] = None
    max_findings: int = MAX_FINDINGS
    instances: Optional[str] = None  # --instances PATH
    cross_check: int = 0  # --cross-check N: 1 in N judged cases again on Fractions

    def __post_init__(self):
        """The one check of a solver check's options, for ``test-solver`` and
        :func:`verify.check_solver` alike (:class:`~solver.errors.OptionError`, exit 2
        on the command line); the restrictions check themselves
        (:class:`Restrictions`)."""
        from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES

        if not isinstance(self.profile, str) or self.profile not in PROFILES:
            raise OptionError(
                f"unknown profile (choose from {', '.join(PROFILES)})",
                option="profile",
                value=self.profile,
            )
        _set(self, "examples", whole_number(self.examples, "examples", 1))
        if self.seed is None:
            raise OptionError("must be a whole number", option="seed", value=None)
        _set(self, "seed", whole_number(self.seed, "seed", -(2**63)))
        if self.root_charged is not None and not isinstance(self.root_charged, bool):
            raise OptionError(
                "must be True, False or None (both conventions)",
                option="root_charged",
                value=self.root_charged,
            )
        if not isinstance(self.restrictions, Restrictions):
            raise OptionError(
                "must be a Restrictions", option="restrictions", value=self.restrictions
            )
        _set(self, "max_findings", whole_number(self.max_findings, "max_findings", 1))
        _set(self, "cross_check", whole_number(self.cross_check, "cross_check", 0) or 0)
        if self.max_findings is None:
            _set(self, "max_findings", MAX_FINDINGS)
        for name in ("report_dir", "instances"):
            value = getattr(self, name)
            if value is not None:
                if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
                    raise OptionError(
                        "must be a path (a non-empty string)", option=name, value=value
                    )
                _set(self, name, os.fspath(value))
        if self.claims is not None:
            claims = (
                self.claims.split(",") if isinstance(self.claims, str) else self.claims
            )
            try:
                claims = tuple(c.strip() for c in claims if c.strip())
            except (TypeError, AttributeError):
                raise OptionError(
                    "must be property ids", option="claims", value=self.claims
                ) from None
            bad = [
                c
                for c in claims
                if c not in CLAIMS_BY_ID or not CLAIMS_BY_ID[c].per_solver
            ]
            if bad:
                names = ", ".join(c.id for c in CLAIMS if c.per_solver)
                raise OptionError(
                    f"unknown property (choose from {names})",
                    option="claims",
                    value=bad[0],
                )
            # none named (--claims "", claims=()): all of them
            _set(self, "claims", claims or None)
        check_satisfiable(self.restrictions, PROFILES[self.profile])

    def cli_args(self) -> list[str]:
        out = ["--profile", self.profile, "--seed", str(self.seed)]
        if self.examples is not None:
            out += ["--examples", str(self.examples)]
        if self.root_charged is not None:
            out += ["--roots", "charged" if self.root_charged else "free"]
        if self.max_findings != MAX_FINDINGS:
            out += ["--max-findings", str(self.max_findings)]
        if self.instances:
            out += ["--instances", self.instances]
        if self.cross_check:
            out += ["--cross-check", str(self.cross_check)]
        return out + self.restrictions.cli_args()


def _set(options: "Options", name: str, value) -> None:
    # frozen: normalised once, in __post_init__
    object.__setattr__(options, name, value)


def roots_text(root_charged: Optional[bool]) -> str:
    """The run header's root conventions: ``roots free and charged (both drawn)``,
    ``roots free``."""
    if root_charged is None:
        return "roots free and charged (both drawn)"
    return "roots charged" if root_charged else "roots free"


def parse_values(text: Optional[str]) -> Optional[tuple[str, ...]]:
    """``--values CLASS,...``: known value classes (ValueError otherwise), in the order
    given."""
    return None if text is None else values_flag(text)


def check_satisfiable(r: Restrictions, profile) -> None:
    """An :class:`OptionError` when no tree can meet the size restrictions together."""
    from verify.search.generators import capacity

    most = capacity(
        min(profile.max_nodes + 1, r.max_nodes or 10**6), r.max_depth, r.width
    )
    if r.min_nodes is not None and r.min_nodes > most:
        raise OptionError(
            f"no tree has that many nodes within {r.describe()} and the profile's "
            f"{profile.max_nodes + 1} nodes",
            option="min_nodes",
            value=r.min_nodes,
        )

"""Restrictions: the part of the problem a solver under test claims to handle.

Generated instances stay inside them (:mod:`verify.search.claims` passes them
to the strategies as ``limits``), shrinking and reduction must too, and a
property that means nothing under them is not run (:meth:`Restrictions.applies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from verify.search.claims import Claim


@dataclass(frozen=True)
class Restrictions:
    """The part of the problem a solver under test claims to handle.

    >>> from verify.search.claims import CLAIMS_BY_ID
    >>> r = Restrictions(single_request=True, no_targets=True, max_width=2)
    >>> r.describe()
    'single request, no targets (every target <= 1), at most 2 children per node'
    >>> r.applies(CLAIMS_BY_ID["LEM-C1"])
    'needs targets above 1 (--no-targets)'
    >>> Restrictions.from_json(r.to_json()) == r
    True
    """

    single_request: bool = False
    no_targets: bool = False
    max_nodes: Optional[int] = None
    max_depth: Optional[int] = None
    max_width: Optional[int] = None

    @property
    def any(self) -> bool:
        return self != Restrictions()

    def generator_kwargs(self) -> dict:
        """The ``limits`` a claim's strategy accepts (:mod:`verify.search.claims`)."""
        return {k: v for k, v in self.to_json().items() if v}

    def applies(self, claim: Claim) -> Optional[str]:
        """None if ``claim`` applies under these restrictions, else why not."""
        if claim.id == "LEM-C1" and self.no_targets:
            return "needs targets above 1 (--no-targets)"
        return None

    def describe(self) -> str:
        parts = []
        if self.single_request:
            parts.append("single request")
        if self.no_targets:
            parts.append("no targets (every target <= 1)")
        if self.max_nodes is not None:
            parts.append(f"at most {self.max_nodes} nodes per tree")
        if self.max_depth is not None:
            parts.append(f"depth at most {self.max_depth}")
        if self.max_width is not None:
            parts.append(f"at most {self.max_width} children per node")
        return ", ".join(parts) or "none"

    def cli_args(self) -> list[str]:
        out = []
        if self.single_request:
            out.append("--single-request")
        if self.no_targets:
            out.append("--no-targets")
        for name in ("max_nodes", "max_depth", "max_width"):
            if getattr(self, name) is not None:
                out += ["--" + name.replace("_", "-"), str(getattr(self, name))]
        return out

    def to_json(self) -> dict:
        return {"single_request": self.single_request, "no_targets": self.no_targets,
                "max_nodes": self.max_nodes, "max_depth": self.max_depth, "max_width": self.max_width}

    @classmethod
    def from_json(cls, obj: dict | None) -> "Restrictions":
        return cls(**(obj or {}))

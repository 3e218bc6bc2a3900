"""Restrictions: the part of the problem a solver under test claims to handle.

Generated instances stay inside them (:mod:`verify.search.claims` passes them
to the strategies as ``limits``), and so do shrinking (Hypothesis shrinks inside
the strategy) and the reduction pass (:mod:`verify.search.minimize` tries only
candidates that :meth:`Restrictions.contains` accepts).  A property that means
nothing under them is not run (:meth:`Restrictions.applies`).

The restrictions, by name (the keywords of the test-solver flags and of the
future public ``instances(**restrictions)``):

================  =====================================================================
single_request    exactly one request per instance
no_targets        every target <= 1 (the root alone meets it)
chains            every request's tree is one chain: each node has at most one child
                  (TETRIS-style selection over per-request chains)
max_nodes         at most N nodes per tree (root included)
max_width         at most W children per node
max_depth         trees at most D deep (the root has depth 0)
min_budget        the instance's ``budget`` is at least N (as the instance states it:
                  with roots charged the roots count against it)
min_nodes         at least N nodes per tree (root included)
root_charged      the root convention (None: either)
values            the value classes (``prob`` axis of :mod:`verify.search.generators`)
                  drawn; an instance lies inside when each request's values lie in the
                  domain of one of them (:func:`verify.search.generators.in_class`)
precision         the format the selector computes in (``float32``, ``bfloat16``,
                  ``float16``): weights generation toward values that merge there and
                  targets its sums miss; it never excludes an instance
scores            ``prob`` or ``log``: the selector ranks f or log f (causes then try
                  only that domain; default both); it never excludes an instance
best_effort       the selector never answers INVALID: on an instance the exact oracle
                  finds infeasible its answer is judged for budget and rootedness only
                  (an unmet target there is not a finding)
================  =====================================================================
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Optional

from solver.errors import OptionError

if TYPE_CHECKING:
    from solver.model import Instance

NAMES = (
    "single_request",
    "no_targets",
    "chains",
    "max_nodes",
    "max_width",
    "max_depth",
    "min_budget",
    "min_nodes",
    "root_charged",
    "values",
    "precision",
    "scores",
    "best_effort",
)


#: the smallest value of each numeric restriction
LEAST = {
    "max_nodes": 1,
    "max_depth": 0,
    "max_width": 1,
    "min_budget": 0,
    "min_nodes": 1,
}


def whole_number(value: Any, option: str, least: int) -> Optional[int]:
    """``value`` as an int (None stays None); :class:`OptionError` unless a whole number
    >= ``least``.

    >>> whole_number(1.5, "max_nodes", 1)
    Traceback (most recent call last):
    ...
    solver.errors.OptionError: max_nodes=1.5: must be a whole number, not float
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OptionError(
            f"must be a whole number, not {type(value).__name__}",
            option=option,
            value=value,
        )
    if value < least:
        raise OptionError(f"must be at least {least}", option=option, value=value)
    return int(value)


def value_classes(values: Any) -> tuple[str, ...]:
    """Known value classes, in the order given (a string: comma-separated), without
    repeats."""
    from verify.search.generators import PROB_CLASSES

    given = values
    if isinstance(values, str):
        values = values.split(",")
    try:
        values = tuple(dict.fromkeys(c.strip() for c in values if c.strip()))
    except (TypeError, AttributeError):
        raise OptionError(
            "must be value class names", option="values", value=given
        ) from None
    bad = [c for c in values if c not in PROB_CLASSES]
    if bad or not values:
        raise OptionError(
            f"unknown value class (choose from {', '.join(PROB_CLASSES)})",
            option="values",
            value=bad[0] if bad else given,
        )
    return values


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
    >>> Restrictions(values=("grid",)).applies(CLAIMS_BY_ID["APP-B"])
    '--values grid: none of its classes has strictly decreasing values (the premise)'
    """

    single_request: bool = False
    no_targets: bool = False
    max_nodes: Optional[int] = None
    max_depth: Optional[int] = None
    max_width: Optional[int] = None
    chains: bool = False
    min_budget: Optional[int] = None
    min_nodes: Optional[int] = None
    root_charged: Optional[bool] = None
    values: Optional[tuple[str, ...]] = None
    precision: Optional[str] = None
    scores: Optional[str] = None
    best_effort: bool = False

    def __post_init__(self):
        """Every restriction checked here, for the command line, the API and reports
        alike: :class:`~solver.errors.OptionError` names the first one out of range."""
        for name in ("single_request", "no_targets", "chains", "best_effort"):
            if not isinstance(getattr(self, name), bool):
                raise OptionError(
                    "must be True or False", option=name, value=getattr(self, name)
                )
        if self.root_charged is not None and not isinstance(self.root_charged, bool):
            raise OptionError(
                "must be True, False or None (either)",
                option="root_charged",
                value=self.root_charged,
            )
        for name, least in LEAST.items():
            object.__setattr__(
                self, name, whole_number(getattr(self, name), name, least)
            )
        if (
            self.min_nodes is not None
            and self.max_nodes is not None
            and self.min_nodes > self.max_nodes
        ):
            raise OptionError(
                "more than {max_nodes} " + str(self.max_nodes),
                option="min_nodes",
                value=self.min_nodes,
            )
        if self.values is not None:
            object.__setattr__(self, "values", value_classes(self.values))
        if self.precision is not None:
            from verify.search.precision import FORMATS

            if self.precision not in FORMATS:
                raise OptionError(
                    f"unknown number format (choose from {', '.join(FORMATS)})",
                    option="precision",
                    value=self.precision,
                )
        if self.scores not in (None, "prob", "log"):
            raise OptionError(
                "unknown score domain (choose from prob, log)",
                option="scores",
                value=self.scores,
            )

    @property
    def any(self) -> bool:
        return self != Restrictions()

    @property
    def width(self) -> Optional[int]:
        """Children per node at most (``chains`` is width 1)."""
        if self.chains:
            return 1 if self.max_width is None else min(1, self.max_width)
        return self.max_width

    def generator_kwargs(self) -> dict:
        """The ``limits`` a claim's strategy accepts (:mod:`verify.search.claims`); the
        root convention is passed on its own."""
        return {
            k: v
            for k, v in self.to_json().items()
            if v not in (None, False)
            and k not in ("root_charged", "scores", "best_effort")
        }

    def classes(self, allowed) -> tuple[str, ...]:
        """The value classes of ``allowed`` (a claim's own) that these restrictions
        admit.

        Without ``values``: ``allowed``.  With it: the declared classes the claim's
        premise admits, so ``--values`` can also extend a claim beyond its default
        classes.
        """
        from verify.search import generators as gen

        if self.values is None:
            return tuple(allowed)
        admissible = (
            gen.STRICT_CLASSES
            if set(allowed) <= set(gen.STRICT_CLASSES)
            else gen.PROB_CLASSES
        )
        return tuple(c for c in self.values if c in admissible)

    def applies(self, claim: Any) -> Optional[str]:
        """None if ``claim`` (a :class:`verify.search.claims.Claim`) applies under these
        restrictions, else why not."""
        if claim.id == "LEM-C1" and self.no_targets:
            return "needs targets above 1 (--no-targets)"
        if (
            claim.classes
            and self.values is not None
            and not self.classes(claim.classes)
        ):
            return (
                f"--values {','.join(self.values)}: none of its classes has strictly"
                " decreasing values (the premise)"
            )
        return None

    def contains(self, instance: Instance) -> bool:
        """Whether ``instance`` lies inside every restriction (``precision`` never
        excludes).

        >>> from solver.parse import parse_instance
        >>> inst = parse_instance({"budget": 0, "requests": [
        ...     {"id": "r", "target": 1, "parent": [-1, 0, 1],
        ...      "prob": [1, "1/2", "1/4"]}]})
        >>> Restrictions(single_request=True, chains=True).contains(inst)
        True
        >>> Restrictions(min_budget=1).contains(inst)
        False
        >>> Restrictions(values=("grid",)).contains(inst)
        True
        """
        return self.outside(instance) is None

    def outside(self, instance: Instance) -> Optional[str]:
        """None if ``instance`` lies inside, else the first restriction it breaks (as
        its flag)."""
        from verify.search import generators as gen

        reqs = instance.requests
        if self.single_request and len(reqs) != 1:
            return f"--single-request ({len(reqs)} requests)"
        if self.root_charged is not None and instance.root_charged != self.root_charged:
            return (
                "--root-charged"
                if self.root_charged
                else "roots free (no --root-charged)"
            )
        if self.min_budget is not None and instance.budget < self.min_budget:
            return f"--min-budget {self.min_budget} (budget {instance.budget})"
        for r in reqs:
            t = r.tree
            if self.no_targets and r.target > 1:
                return f"--no-targets (request {r.id!r} has target {r.target})"
            if self.max_nodes is not None and len(t) > self.max_nodes:
                return f"--max-nodes {self.max_nodes} (request {r.id!r} has {len(t)})"
            if self.min_nodes is not None and len(t) < self.min_nodes:
                return f"--min-nodes {self.min_nodes} (request {r.id!r} has {len(t)})"
            if self.max_depth is not None and t.height > self.max_depth:
                return (
                    f"--max-depth {self.max_depth} (request {r.id!r} has depth"
                    f" {t.height})"
                )
            width = max(len(k) for k in t.children)
            if self.chains and width > 1:
                return f"--chains (request {r.id!r} has a node with {width} children)"
            if self.max_width is not None and width > self.max_width:
                return (
                    f"--max-width {self.max_width} (request {r.id!r} has a node with"
                    f" {width} children)"
                )
            if self.values is not None and not any(
                gen.in_class(t, c) for c in self.values
            ):
                return (
                    f"--values {','.join(self.values)} (request {r.id!r} has values of"
                    " none of them)"
                )
        return None

    def describe(self) -> str:
        parts = []
        if self.single_request:
            parts.append("single request")
        if self.no_targets:
            parts.append("no targets (every target <= 1)")
        if self.chains:
            parts.append("chains (every tree a single path)")
        if self.max_nodes is not None:
            parts.append(f"at most {self.max_nodes} nodes per tree")
        if self.min_nodes is not None:
            parts.append(f"at least {self.min_nodes} nodes per tree")
        if self.max_depth is not None:
            parts.append(f"depth at most {self.max_depth}")
        if self.max_width is not None:
            parts.append(f"at most {self.max_width} children per node")
        if self.min_budget is not None:
            parts.append(f"budget at least {self.min_budget}")
        if self.root_charged is not None:
            parts.append("roots charged" if self.root_charged else "roots free")
        if self.values is not None:
            parts.append(f"values {', '.join(self.values)}")
        if self.precision is not None:
            parts.append(
                f"computes in {self.precision} (generation aims at what merges there)"
            )
        if self.scores is not None:
            parts.append(
                "ranks log-probabilities"
                if self.scores == "log"
                else "ranks probabilities"
            )
        if self.best_effort:
            parts.append(
                "best effort (never INVALID: infeasible instances judged for budget and"
                " rootedness)"
            )
        return ", ".join(parts) or "none"

    def cli_args(self) -> list[str]:
        """The test-solver flags that declare these restrictions (the root convention:
        ``--root-charged``)."""
        out = []
        if self.single_request:
            out.append("--single-request")
        if self.no_targets:
            out.append("--no-targets")
        if self.chains:
            out.append("--chains")
        for name in ("max_nodes", "max_depth", "max_width", "min_budget", "min_nodes"):
            if getattr(self, name) is not None:
                out += ["--" + name.replace("_", "-"), str(getattr(self, name))]
        if self.values is not None:
            out += ["--values", ",".join(self.values)]
        if self.precision is not None:
            out += ["--precision", self.precision]
        if self.scores is not None:
            out += ["--scores", self.scores]
        if self.best_effort:
            out.append("--best-effort")
        return out

    def to_json(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.values is not None:
            out["values"] = list(self.values)
        return out

    @classmethod
    def from_json(cls, obj: dict | None) -> "Restrictions":
        obj = dict(obj or {})
        if obj.get("values") is not None:
            obj["values"] = tuple(obj["values"])
        return cls(**{k: v for k, v in obj.items() if k in NAMES})

    def with_convention(self, root_charged: Optional[bool]) -> "Restrictions":
        """The same restrictions with the root convention fixed (None leaves it as it
        is)."""
        return (
            self if root_charged is None else replace(self, root_charged=root_charged)
        )

    def trivial_instance(self) -> Optional["Instance"]:
        """The smallest plain instance inside the restrictions, for a selector's warm-up
        call (:mod:`verify.subject.worker`): one request, a chain (else a star) of the
        fewest nodes allowed (at least 2), f halving, target 1, budget 1 (2 with roots
        charged); None if no such instance lies inside.

        >>> print(Restrictions().trivial_instance().to_json()["requests"][0]["prob"])
        ['1', '1/2']
        >>> Restrictions(min_budget=3, root_charged=True).trivial_instance().budget
        3
        """
        from fractions import Fraction

        from solver.model import Instance, Request, Tree

        charged = bool(self.root_charged)
        n = max(2, self.min_nodes or 1)
        if self.max_nodes is not None:
            n = min(n, max(self.max_nodes, self.min_nodes or 1))
        budget = max(self.min_budget or 0, 2 if charged else 1)
        for parent in (
            [-1] + list(range(n - 1)),
            [-1] + [0] * (n - 1),
        ):  # a chain, a star
            f = [Fraction(1, 2**i) for i in range(n)]
            try:
                inst = Instance(
                    budget,
                    (Request("r0", Fraction(1), Tree.from_parents(parent, f)),),
                    charged,
                )
            except (ValueError, TypeError):
                continue
            if self.contains(inst):
                return inst
        return None

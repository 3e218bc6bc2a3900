"""Restrictions: the part of the problem a solver under test claims to handle.

Generated instances stay inside them (:mod:`verify.search.claims` passes them
to the strategies as ``limits``), and so do shrinking (Hypothesis shrinks inside
the strategy) and the reduction pass (:mod:`verify.search.minimize` tries only
candidates that :meth:`Restrictions.contains` accepts).  A property that means
nothing under them is not run (:meth:`Restrictions.applies`).

Each restriction is declared once, as a field of :class:`Restrictions` whose
:class:`Restriction` gives its flags, description and suggestions (:data:`DECLARED`):
the test-solver command line, the keywords of ``verify.instances(**restrictions)`` and
``verify.check_solver``, the run header and the decline suggestions all derive from it.
The restrictions, by name:

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
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Callable, Optional

from solver.errors import OptionError

if TYPE_CHECKING:
    from solver.model import Instance

SCORES = ("prob", "log")


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


#: a case's shape as :func:`verify.search.claim_search.case_features` gives it:
#: (requests, budget, fewest nodes, most nodes, widest node, depth, a target above 1?,
#: value classes)
Shape = tuple
#: a suggested value: (the value, what it keeps out, excludes(shape), preference on a
#: tie: lower first)
Suggestion = tuple[Any, str, Callable[[Shape], bool], tuple[int, int]]


@dataclass(frozen=True)
class Restriction:
    """One restriction, declared once (the metadata of its :class:`Restrictions`
    field, :func:`restriction`): its name, type and default are the field's; the
    test-solver flags, the ``instances()`` / ``check_solver`` keyword, the
    descriptions and the suggestions are derived from it (:data:`DECLARED`)."""

    #: the test-solver flags that declare it: (flag, argparse keywords); the first is
    #: the one written in commands (``cli_args``)
    arguments: tuple[tuple[str, dict], ...]
    #: how the run header and the report's "declared" line name a value
    describe: Callable[[Any], str]
    shown: int  # its place in a description (the run header's order)
    written: int  # its place in a written command (``cli_args``, rerun commands)
    least: Optional[int] = None  # a whole number: the smallest value
    narrows: bool = True  # passed to the strategies (``generator_kwargs``)
    #: the flag's text read as a value (None: argparse's value as it is)
    parse: Optional[Callable[[Any], Any]] = None
    #: the value of parsed test-solver arguments (None: the flag's, through ``parse``)
    read: Optional[Callable[[Any], Any]] = None
    #: the values a suggestion would add, for the shapes seen (None: never suggested,
    #: it excludes no generated case by a shape)
    suggest: Optional[Callable[[set, "Restrictions"], list[Suggestion]]] = None
    run_option: bool = False  # written by the run's options (``--roots``), not here
    example: Any = True  # a value that declares it (docs, tests)
    name: str = ""  # the field's name and default (set by :data:`DECLARED`)
    default: Any = None

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(flag for flag, _ in self.arguments)

    def to_flags(self, value: Any) -> list[str]:
        """The flags that declare ``value`` (none for the default).

        >>> DECLARED["values"].to_flags(("grid", "halving"))
        ['--values', 'grid,halving']
        >>> DECLARED["chains"].to_flags(True), DECLARED["min_budget"].to_flags(0)
        (['--chains'], ['--min-budget', '0'])
        """
        if value is None or value is False:
            return []
        if value is True:
            return [self.flags[0]]
        if isinstance(value, tuple):
            return [self.flags[0], ",".join(value)]
        return [self.flags[0], str(value)]

    def from_args(self, args: Any) -> Any:
        """The value parsed test-solver arguments declare (ValueError: a usage
        error)."""
        if self.read is not None:
            return self.read(args)
        value = getattr(args, self.name, None)
        if value is None:
            return self.default
        return value if self.parse is None else self.parse(value)


def restriction(default: Any, **declaration: Any) -> Any:
    """A :class:`Restrictions` field that declares one restriction."""
    return field(default=default, metadata={"restriction": Restriction(**declaration)})


def _switch(flag: str, text: str) -> tuple[tuple[str, dict], ...]:
    return ((flag, {"action": "store_true", "help": text}),)


def _count(flag: str, metavar: str, text: str) -> tuple[tuple[str, dict], ...]:
    return ((flag, {"type": int, "metavar": metavar, "help": text}),)


def values_flag(text: Any) -> tuple[str, ...]:
    """``--values CLASS,...``: known value classes (ValueError otherwise)."""
    try:
        return value_classes(text)
    except OptionError as exc:
        raise ValueError(exc.as_flag()) from None


def _roots(args: Any) -> Optional[bool]:
    """``--roots free|charged`` and its synonym ``--root-charged``: None is both."""
    roots = getattr(args, "roots", None)
    if getattr(args, "root_charged", False):
        if roots == "free":
            raise ValueError("--root-charged and --roots free contradict each other")
        roots = "charged"
    return None if roots is None else roots == "charged"


def _axis(shapes: set, i: int) -> list:
    return sorted({f[i] for f in shapes})


def _below(axis: int, k: int) -> Callable[[Shape], bool]:
    return lambda shape: shape[axis] < k


def _above(axis: int, k: int) -> Callable[[Shape], bool]:
    return lambda shape: shape[axis] > k


def _has_class(c: str) -> Callable[[Shape], bool]:
    return lambda shape: c in shape[7]


def _suggest_single(shapes: set, r: "Restrictions") -> list[Suggestion]:
    if r.single_request:
        return []
    return [(True, "requests != 1", lambda f: f[0] != 1, (2, 0))]


def _suggest_no_targets(shapes: set, r: "Restrictions") -> list[Suggestion]:
    if r.no_targets:
        return []
    return [(True, "targets above 1", lambda f: f[6], (3, 0))]


def _suggest_min_budget(shapes: set, r: "Restrictions") -> list[Suggestion]:
    budgets = _axis(shapes, 1)
    # the least restrictive threshold that keeps out budgets up to b
    return [
        (
            b + 1,
            f"budget={b}" if b == budgets[0] else f"budget <= {b}",
            _below(1, b + 1),
            (4, b + 1),
        )
        for b in budgets[:-1]
    ]


def _suggest_min_nodes(shapes: set, r: "Restrictions") -> list[Suggestion]:
    return [
        (n + 1, f"trees of {n} nodes or fewer", _below(2, n + 1), (6, n))
        for n in _axis(shapes, 2)[:-1]
    ]


def _suggest_max_nodes(shapes: set, r: "Restrictions") -> list[Suggestion]:
    return [
        (n - 1, f"trees of {n} nodes or more", _above(3, n - 1), (7, -n))
        for n in _axis(shapes, 3)[1:]
    ]


def _suggest_width(chains: bool) -> Callable[[set, "Restrictions"], list[Suggestion]]:
    """Width 1 is ``--chains``, a wider one ``--max-width W``."""

    def suggest(shapes: set, r: "Restrictions") -> list[Suggestion]:
        return [
            (
                True if chains else w - 1,
                f"width >= {w}",
                _above(4, w - 1),
                (0, -w),
            )
            for w in _axis(shapes, 4)[1:]
            if w - 1 >= 1 and (w - 1 == 1) == chains
        ]

    return suggest


def _suggest_max_depth(shapes: set, r: "Restrictions") -> list[Suggestion]:
    return [
        (d - 1, f"depth >= {d}", _above(5, d - 1), (1, -d))
        for d in _axis(shapes, 5)[1:]
    ]


def _suggest_values(shapes: set, r: "Restrictions") -> list[Suggestion]:
    from verify.search.generators import PROB_CLASSES

    classes = sorted(
        {c for f in shapes for c in f[7]},
        key=lambda c: PROB_CLASSES.index(c) if c in PROB_CLASSES else len(PROB_CLASSES),
    )
    out: list[Suggestion] = []
    for c in classes:
        rest = tuple(x for x in r.values or PROB_CLASSES if x != c)
        if rest:
            out.append((rest, f"prob:{c}", _has_class(c), (5, 0)))
    return out


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

    # The declaration of every restriction (Restriction): adding one is adding a field
    # here, and its test in outside() when it excludes instances.
    single_request: bool = restriction(
        False,
        arguments=_switch("--single-request", "generate one request per instance"),
        describe=lambda v: "single request",
        shown=0,
        written=0,
        suggest=_suggest_single,
    )
    no_targets: bool = restriction(
        False,
        arguments=_switch("--no-targets", "every target <= 1"),
        describe=lambda v: "no targets (every target <= 1)",
        shown=1,
        written=1,
        suggest=_suggest_no_targets,
    )
    max_nodes: Optional[int] = restriction(
        None,
        arguments=_count("--max-nodes", "N", "at most N nodes per tree"),
        describe=lambda v: f"at most {v} nodes per tree",
        shown=3,
        written=3,
        least=1,
        suggest=_suggest_max_nodes,
        example=5,
    )
    max_depth: Optional[int] = restriction(
        None,
        arguments=_count("--max-depth", "D", "trees at most D deep"),
        describe=lambda v: f"depth at most {v}",
        shown=5,
        written=4,
        least=0,
        suggest=_suggest_max_depth,
        example=3,
    )
    max_width: Optional[int] = restriction(
        None,
        arguments=_count("--max-width", "W", "at most W children per node"),
        describe=lambda v: f"at most {v} children per node",
        shown=6,
        written=5,
        least=1,
        suggest=_suggest_width(chains=False),
        example=2,
    )
    chains: bool = restriction(
        False,
        arguments=_switch(
            "--chains", "every tree is one chain (each node at most one child)"
        ),
        describe=lambda v: "chains (every tree a single path)",
        shown=2,
        written=2,
        suggest=_suggest_width(chains=True),
    )
    min_budget: Optional[int] = restriction(
        None,
        arguments=_count("--min-budget", "N", "every instance's budget is at least N"),
        describe=lambda v: f"budget at least {v}",
        shown=7,
        written=6,
        least=0,
        suggest=_suggest_min_budget,
        example=1,
    )
    min_nodes: Optional[int] = restriction(
        None,
        arguments=_count("--min-nodes", "N", "at least N nodes per tree"),
        describe=lambda v: f"at least {v} nodes per tree",
        shown=4,
        written=7,
        least=1,
        suggest=_suggest_min_nodes,
        example=2,
    )
    root_charged: Optional[bool] = restriction(
        None,
        arguments=(
            (
                "--roots",
                {
                    "choices": ["free", "charged"],
                    "help": (
                        "draw only this root convention (default: both, free and"
                        " charged)"
                    ),
                },
            ),
            (
                "--root-charged",
                {"action": "store_true", "help": "the same as --roots charged"},
            ),
        ),
        describe=lambda v: "roots charged" if v else "roots free",
        shown=8,
        written=8,
        narrows=False,
        read=_roots,
        run_option=True,
        example=True,
    )
    values: Optional[tuple[str, ...]] = restriction(
        None,
        arguments=(
            (
                "--values",
                {
                    "metavar": "CLASS,...",
                    "help": "draw only these value classes (docs/suite.md)",
                },
            ),
        ),
        describe=lambda v: f"values {', '.join(v)}",
        shown=9,
        written=9,
        parse=values_flag,
        suggest=_suggest_values,
        example=("grid", "decimal"),
    )
    precision: Optional[str] = restriction(
        None,
        arguments=(
            (
                "--precision",
                {
                    "metavar": "FORMAT",
                    "help": (
                        "the solver computes in float32, bfloat16 or float16: aim"
                        " generation at values that merge there and sums it misses"
                        " (it only adds)"
                    ),
                },
            ),
        ),
        describe=lambda v: f"computes in {v} (generation aims at what merges there)",
        shown=10,
        written=10,
        example="float32",
    )
    scores: Optional[str] = restriction(
        None,
        arguments=(
            (
                "--scores",
                {
                    "choices": list(SCORES),
                    "help": (
                        "the solver ranks probabilities or log-probabilities (causes"
                        " try that domain only; default both)"
                    ),
                },
            ),
        ),
        describe=lambda v: (
            "ranks log-probabilities" if v == "log" else "ranks probabilities"
        ),
        shown=11,
        written=11,
        narrows=False,
        example="log",
    )
    best_effort: bool = restriction(
        False,
        arguments=_switch(
            "--best-effort",
            "the solver never answers INVALID: on infeasible instances judge only"
            " budget and rootedness",
        ),
        describe=lambda v: (
            "best effort (never INVALID: infeasible instances judged for budget and"
            " rootedness)"
        ),
        shown=12,
        written=12,
        narrows=False,
    )

    def __post_init__(self):
        """Every restriction checked here, for the command line, the API and reports
        alike: :class:`~solver.errors.OptionError` names the first one out of range."""
        for name in SWITCHES:
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
            if v not in (None, False) and DECLARED[k].narrows
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
        shown = sorted(DECLARED.values(), key=lambda r: r.shown)
        parts = [r.describe(getattr(self, r.name)) for r in shown if self._declares(r)]
        return ", ".join(parts) or "none"

    def cli_args(self) -> list[str]:
        """The test-solver flags that declare these restrictions (the root convention:
        ``--roots``, written by the run's options)."""
        written = sorted(DECLARED.values(), key=lambda r: r.written)
        return [
            flag
            for r in written
            if not r.run_option
            for flag in r.to_flags(getattr(self, r.name))
        ]

    def _declares(self, r: Restriction) -> bool:
        """Whether ``r`` is declared (a switch when on; 0 and False are values)."""
        value = getattr(self, r.name)
        return value is not None and not (r.default is False and value is False)

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
        # a chain, a star
        for parent in (
            [-1] + list(range(n - 1)),
            [-1] + [0] * (n - 1),
        ):
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


#: every restriction by name, in the order of the fields (the JSON's)
DECLARED: dict[str, Restriction] = {
    f.name: replace(f.metadata["restriction"], name=f.name, default=f.default)
    for f in fields(Restrictions)
}
#: the keywords of ``instances()`` and ``check_solver``, in the descriptions' order
NAMES = tuple(sorted(DECLARED, key=lambda name: DECLARED[name].shown))
#: the smallest value of each whole-number restriction
LEAST = {name: r.least for name, r in DECLARED.items() if r.least is not None}
#: the restrictions that are True or False
SWITCHES = tuple(name for name, r in DECLARED.items() if r.default is False)

"""The problem model: candidate token trees, requests, instances.

Terminology (fixed for the whole project, see ../shared/SPEC.md section 1)
---------------------------------------------------------------------------
node
    An index ``0..len(tree)-1`` into a request's parent array.  Nodes may come
    in any order; the *root* is the one node whose parent is ``-1``.
f(v), path probability
    The probability that the target model accepts the whole path root..v.
    ``f(root) == 1``.  Stored as :class:`fractions.Fraction`, never float.
cond(v), conditional probability
    ``f(v) / f(parent(v))`` (0 where the parent's f is 0), or as given.
depth
    Number of edges from the root; the root has depth 0.
rooted subtree
    A node set that contains the root and, with every node, its parent.
node budget
    What the non-root nodes of all requests may use together: ``budget`` when
    roots are free (Algorithm 1), ``budget - len(requests)`` when roots are
    charged (Algorithm 2).  Negative means even the roots do not fit.
monotone
    ``f(child) <= f(parent)`` everywhere (the greedy's premise with ties);
    *strictly monotone* is ``<`` everywhere (APP-B's premise).

Objects here are immutable and already validated: build them with
:func:`solver.parse.parse_instance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import ClassVar, Iterable, Mapping

from .numbers import fraction_str


@dataclass(frozen=True, eq=False)
class Tree:
    """A candidate token tree with exact path probabilities.

    The values are held either as Fractions (``f``, ``cond``) or, as the parser
    builds them, as ints over one common denominator of the tree (``scaled``:
    ``f(v) == scaled[0][v] / scaled[1]``); the other form is built on first use
    (most of the code reads only the ints: see :mod:`solver.scaled`).

    >>> t = Tree.from_parents(
    ...     [-1, 0, 0, 1],
    ...     [Fraction(1), Fraction(7, 10), Fraction(1, 5), Fraction(21, 50)],
    ... )
    >>> t.root, t.children[0], t.depth, t.height
    (0, (1, 2), (0, 1, 1, 2), 2)
    >>> t.mass
    Fraction(58, 25)
    >>> t.scaled
    ((50, 35, 10, 21), 50)
    >>> u = Tree.from_scaled([-1, 0, 0, 1], (50, 35, 10, 21), 50)
    >>> u.f == t.f, u.cond[3], u == t
    (True, Fraction(3, 5), True)
    """

    parent: tuple[int, ...]
    root: int
    # the conditionals as given, as (ints, d) with cond(v) == ints[v] / d, when the
    # parser kept them so (made Fractions on first use); set on the instance
    _cond_over: ClassVar[tuple[tuple[int, ...], int] | None] = None

    @classmethod
    def from_parents(
        cls,
        parent: Iterable[int],
        f: Iterable[Fraction],
        cond: Iterable[Fraction] | None = None,
    ) -> "Tree":
        """Build from an already validated parent array (exactly one -1, acyclic)."""
        parent = tuple(parent)
        tree = cls.shape(parent)
        fs = tuple(x if type(x) is Fraction else Fraction(x) for x in f)
        object.__setattr__(tree, "_f", fs)
        if cond is not None:
            cs = tuple(x if type(x) is Fraction else Fraction(x) for x in cond)
            object.__setattr__(tree, "_cond", cs)
        return tree

    @classmethod
    def from_scaled(
        cls,
        parent: Iterable[int],
        numerators: Iterable[int],
        den: int,
        cond: Iterable[Fraction] | None = None,
        shape: "Tree | None" = None,
        cond_over: tuple[Iterable[int], int] | None = None,
    ) -> "Tree":
        """Build from a validated parent array and f as ints over ``den`` (any
        common denominator, not necessarily the least); ``shape``: the tree's
        :meth:`shape`, when already built; ``cond_over``: the conditionals as
        ``(ints, d)``, ``cond(v) == ints[v] / d``, made Fractions on first use
        (``cond`` instead gives them as Fractions)."""
        tree = cls.shape(tuple(parent)) if shape is None else shape
        object.__setattr__(tree, "_scaled", (tuple(numerators), den))
        if cond is not None:
            object.__setattr__(tree, "_cond", tuple(cond))
        elif cond_over is not None:
            vars(tree).update(_cond_over=(tuple(cond_over[0]), cond_over[1]))
        return tree

    @classmethod
    def parents_first(
        cls,
        parent: tuple[int, ...],
        numerators: tuple[int, ...],
        den: int,
        cond_over: tuple[tuple[int, ...], int] | None = None,
    ) -> "Tree":
        """:meth:`from_scaled` of a tree whose root is node 0 and whose every other
        node's parent is a smaller index (validated): nothing built but the object
        (the parser's common case)."""
        tree = cls.__new__(cls)
        vars(tree).update(parent=parent, root=0, _scaled=(numerators, den))
        if cond_over is not None:
            vars(tree).update(_cond_over=cond_over)
        return tree

    @classmethod
    def shape(cls, parent: tuple[int, ...]) -> "Tree":
        """The tree's structure without values (``order`` built, ``children`` and
        ``depth`` on first use); on a parent array with a cycle ``order`` misses
        the nodes not connected to the root."""
        root = parent.index(-1) if -1 in parent else -1
        tree = cls(parent, root)
        tree.order  # built now: the parser reads it to find cycles
        return tree

    # The structure below is built on first use and then kept in the instance's
    # __dict__ (where later reads find it without a call): an audit reads ``order``
    # of most trees and ``children`` or ``depth`` of few.

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Breadth-first from the root, children in index order: parents before
        children."""
        # each node's first child and next sibling: two lists, not one per node
        parent, n = self.parent, len(self.parent)
        first, after = [-1] * (n + 1), [-1] * n  # -1's first child goes last
        for v in range(n - 1, -1, -1):
            p = parent[v]
            after[v], first[p] = first[p], v
        order = [self.root]
        for v in order:
            c = first[v]
            while c != -1:
                order.append(c)
                c = after[c]
        return tuple(order)

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        """Each node's children, in index order."""
        kids: list[list[int]] = [[] for _ in self.parent]
        for v, p in enumerate(self.parent):
            if p != -1:
                kids[p].append(v)
        return tuple(map(tuple, kids))

    @cached_property
    def depth(self) -> tuple[int, ...]:
        """Each node's number of edges from the root (0 off the root's component)."""
        parent, depth = self.parent, [0] * len(self.parent)
        for v in self.order[1:]:
            depth[v] = depth[parent[v]] + 1
        return tuple(depth)

    @property
    def f(self) -> tuple[Fraction, ...]:
        """Path probabilities as Fractions (built from the ints on first use)."""
        got = self.__dict__.get("_f")
        if got is None:
            nums, den = self.__dict__["_scaled"]
            got = tuple([Fraction(n, den) for n in nums])
            object.__setattr__(self, "_f", got)
        return got

    @property
    def cond(self) -> tuple[Fraction, ...]:
        """Conditional probabilities: as given, or f(v) / f(parent) (0 where that f
        is 0)."""
        got = self.__dict__.get("_cond")
        if got is None and self._cond_over is not None:  # as given, over one d
            nums, d = self._cond_over
            got = tuple([Fraction(n, d) for n in nums])
            object.__setattr__(self, "_cond", got)
        if got is None:
            f, zero, one = self.f, Fraction(0), Fraction(1)
            got = tuple(
                one if p == -1 else (f[v] / f[p] if f[p] != 0 else zero)
                for v, p in enumerate(self.parent)
            )
            object.__setattr__(self, "_cond", got)
        return got

    @property
    def scaled(self) -> tuple[tuple[int, ...], int]:
        """``(numerators, den)`` with ``f(v) == numerators[v] / den``: the parser's
        ints, or (for a tree built from Fractions) over their least common
        denominator."""
        got = self.__dict__.get("_scaled")
        if got is None:
            den = 1
            for d in {x.denominator for x in self.f}:
                den = den // math.gcd(den, d) * d
            got = (tuple([x.numerator * (den // x.denominator) for x in self.f]), den)
            object.__setattr__(self, "_scaled", got)
        return got

    @property
    def has_scaled(self) -> bool:
        """Whether the ints are at hand without building them from Fractions."""
        return "_scaled" in self.__dict__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tree):
            return NotImplemented
        return (
            self.parent == other.parent
            and self.f == other.f
            and self.cond == other.cond
        )

    def __hash__(self) -> int:
        return hash((self.parent, self.f))

    def __repr__(self) -> str:
        return f"Tree(parent={self.parent!r}, f={self.f!r})"

    def __len__(self) -> int:
        return len(self.parent)

    @property
    def height(self) -> int:
        """Largest depth (0 for a root-only tree): the paper's candidate depth d."""
        return max(self.depth)

    @property
    def mass(self) -> Fraction:
        """Sum of f over the whole tree, root included: the most any selection
        reaches."""
        return sum(self.f, Fraction(0))

    @property
    def non_root(self) -> tuple[int, ...]:
        return tuple(v for v in range(len(self.parent)) if v != self.root)

    def is_monotone(self, strict: bool = False) -> bool:
        for v, p in enumerate(self.parent):
            if p == -1:
                continue
            if self.f[v] > self.f[p] or (strict and self.f[v] == self.f[p]):
                return False
        return True

    def is_rooted(self, nodes: Iterable[int]) -> bool:
        s = set(nodes)
        return self.root in s and all(self.parent[v] in s for v in s if v != self.root)

    def value(self, nodes: Iterable[int]) -> Fraction:
        return sum((self.f[v] for v in set(nodes)), Fraction(0))

    def sorted_values(self) -> list[Fraction]:
        """f of the non-root nodes, largest first."""
        return sorted((self.f[v] for v in self.non_root), reverse=True)


@dataclass(frozen=True)
class Request:
    """One request: its id, its target A_i (root's 1 counts) and its tree."""

    id: str
    target: Fraction
    tree: Tree
    given: str = "prob"  # which field the input used: "prob" or "cond"

    @classmethod
    def unchecked(cls, id: str, target: Fraction, tree: Tree, given: str) -> "Request":
        """The same as ``Request(id, target, tree, given)``, built faster (the parser
        builds one per request)."""
        req = cls.__new__(cls)
        vars(req).update(id=id, target=target, tree=tree, given=given)
        return req


@dataclass(frozen=True)
class Instance:
    """A whole problem: requests, a token budget and the root convention."""

    budget: int
    requests: tuple[Request, ...]
    root_charged: bool = False
    # request id -> position: __post_init__ always fills it
    index: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(
            self, "index", {r.id: i for i, r in enumerate(self.requests)}
        )

    @property
    def node_budget(self) -> int:
        """Budget left for non-root nodes (may be negative when roots are charged)."""
        return self.budget - (len(self.requests) if self.root_charged else 0)

    @property
    def total_nodes(self) -> int:
        return sum(len(r.tree) for r in self.requests)

    def is_monotone(self, strict: bool = False) -> bool:
        return all(r.tree.is_monotone(strict) for r in self.requests)

    def request(self, rid: str) -> Request:
        return self.requests[self.index[rid]]

    def to_json(self) -> dict:
        """The instance in the JSON format of docs/format.md (numbers as exact
        strings)."""
        out: dict = {
            "budget": self.budget,
            "root_charged": self.root_charged,
            "requests": [],
        }
        for r in self.requests:
            item = {
                "id": r.id,
                "target": fraction_str(r.target),
                "parent": list(r.tree.parent),
            }
            if r.given == "cond":
                item["cond"] = [fraction_str(x) for x in r.tree.cond]
            else:
                item["prob"] = [fraction_str(x) for x in r.tree.f]
            out["requests"].append(item)
        return out

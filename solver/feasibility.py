"""The exact feasibility checker: is a selection a feasible answer to an instance?

Rules, each reported under its own name so a failure says which rule broke:

``format``   every request listed once, known ids, node indices in range, no repeats
``rooted``   each set contains its root and, with every node, its parent
``budget``   non-root nodes (all nodes when roots are charged) fit the budget
``target``   each set's total f, root included, reaches the request's target
``objective`` a stated objective equals the exact recomputed total

Everything is exact: sums and comparisons run on the instance's scaled ints
(:mod:`solver.scaled`), or on Fractions with ``numbers="fraction"``.  Every
answer of every solver, Z3 models included, passes through :func:`violations`
before it is believed.

>>> from solver.parse import parse_instance
>>> inst = parse_instance({"budget": 1, "requests": [
...     {"id": "r0", "target": "1.5", "parent": [-1, 0, 1],
...      "prob": [1, "0.7", "0.5"]}]})
>>> [v.text for v in violations(inst, {"r0": [0, 2]})]
["rooted: request 'r0' node 2 selected without its parent 1"]
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, repeat
from typing import Any, Mapping

from solver.messages import abbreviate, number, show
from solver.model import Instance
from solver.numbers import fraction_str, int_str
from solver.scaled import exact_values


def _node(v: Any) -> str:
    return abbreviate(int_str(v) if isinstance(v, int) else str(v))


# : bad entries of one request's list named one by one (format rule); the rest are
# counted
ENTRY_FAULTS = 3


def _entry_fault(
    add, out: list, rid: str, v: Any, wrong: str, nodes: list, size: int, good: set
) -> bool:
    """Report one bad entry (repeated or not a node); True once :data:`ENTRY_FAULTS` are
    named.

    A list may hold millions of entries (an answer under the 16 MiB output cap: 8
    million copies of node 0) although a selection never has more than the tree's
    ``size``: then ``good`` is completed in bulk and the other bad entries are counted
    in one violation, so judging costs time linear in the list and memory in the tree.
    """
    add("format", wrong, rid, v)
    named = 0
    for fault in reversed(out):  # this request's entry faults are the last ones added
        if fault.request != rid or fault.rule != "format":
            break
        named += 1
    if named < ENTRY_FAULTS:
        return False
    good.update(
        x
        for x in set(nodes)
        if isinstance(x, int) and not isinstance(x, bool) and 0 <= x < size
    )
    rest = len(nodes) - len(good) - named
    if rest > 0:
        add(
            "format",
            f"and {rest} more entries repeated or not nodes of the tree ({len(nodes)}"
            f" entries for a tree of {size} nodes)",
            rid,
        )
    return True


@dataclass(frozen=True)
class Violation:
    rule: str
    request: str | None
    node: int | None
    text: str


def feasible_total(
    instance: Instance,
    selected: Mapping[str, Any],
    objective: Fraction | None = None,
    numbers: str = "auto",
):
    """The selection's scaled total (:mod:`solver.scaled`) when it breaks no rule,
    checked in one pass over it; None when it may break one, and then
    :func:`violations` says which.
    """
    got = feasible_worths(instance, selected, objective, numbers)
    return None if got is None else got[1]


def feasible_worths(
    instance: Instance,
    selected: Mapping[str, Any],
    objective: Fraction | None = None,
    numbers: str = "auto",
) -> tuple[list, Any] | None:
    """:func:`feasible_total`'s one pass, with what it summed: ``(worths, total)``,
    each request's scaled total in instance order and the selection's; None when it
    may break a rule.

    The same rules as :func:`violations`, each in its bulk form: every request
    listed (as many keys as requests), each list of distinct ints in range
    holding the root and every node's parent, the budget, each target, the
    stated objective.
    """
    reqs = instance.requests
    if len(selected) != len(reqs):
        return None
    try:  # the budget first: no pass over an answer that lists too many nodes
        used = sum(map(len, selected.values()))
    except TypeError:  # not a list
        return None
    if used - (0 if instance.root_charged else len(reqs)) > instance.budget:
        return None
    lists: list[Any] = [selected.get(r.id) for r in reqs]
    if not all(map(isinstance, lists, repeat((list, tuple)))):
        return None
    # ints (not bools) and none negative, in bulk; too large ones fail a lookup below
    if not set(map(type, chain.from_iterable(lists))) <= {int} or (
        used and min(chain.from_iterable(lists)) < 0
    ):
        return None
    ev = exact_values(instance, numbers)
    f, targets, zero = ev.f, ev.target, ev.zero
    worths = []
    try:
        for i, nodes in enumerate(lists):
            s = set(nodes)
            # rooted: the root is in, and with each node its parent
            # (parent_or_self maps the root to itself)
            if (
                len(s) != len(nodes)
                or reqs[i].tree.root not in s
                or not s.issuperset(map(ev.parent_or_self(i).__getitem__, nodes))
            ):
                return None
            worth = sum(map(f[i].__getitem__, nodes), zero)
            if worth < targets[i]:
                return None
            worths.append(worth)
    except IndexError:  # a node beyond its tree
        return None
    total = sum(worths, zero)
    # (the budget was checked on the lists' lengths: no repeats, so they are the
    # sets' sizes)
    if objective is not None and (
        not isinstance(objective, (int, Fraction)) or ev.compare(total, objective) != 0
    ):
        return None  # (an objective of another type: compared the usual way)
    return worths, total


def violations(
    instance: Instance,
    selected: Mapping[str, Any],
    objective: Fraction | None = None,
    numbers: str = "auto",
) -> list[Violation]:
    """Every rule the selection breaks (empty list: feasible); ``numbers``: see
    :mod:`solver.scaled`."""
    if feasible_total(instance, selected, objective, numbers) is not None:
        return []  # the common case, in one pass
    return rule_by_rule(instance, selected, objective, numbers)


#: the instance's attribute holding the last answer :func:`rule_by_rule` judged (over
#: 20 characters: Hypothesis draws the shorter string literals of project modules)
_LAST = "_last_answer_judged_rule_by_rule"


def rule_by_rule(
    instance: Instance,
    selected: Mapping[str, Any],
    objective: Fraction | None = None,
    numbers: str = "auto",
) -> list[Violation]:
    """:func:`violations` without the one-pass shortcut: each rule in turn, every
    break named.

    The judge and then the cause analysis ask this of every infeasible answer, so
    the last answer's violations are kept with the instance when nothing can change
    them: a dict of tuples of ints (immutable), asked again with the very same
    objects (the dict, each tuple, the objective) and keys.
    """
    values = tuple(selected.values())
    last = instance.__dict__.get(_LAST)
    if (
        last is not None
        and last[0] is selected
        and last[1] == numbers
        and last[2] is objective
        and last[3] == tuple(selected)
        and len(last[4]) == len(values)
        and all(map(operator.is_, last[4], values))
    ):
        return list(last[5])
    out, ints = _rule_by_rule(instance, selected, objective, numbers)
    if ints and type(selected) is dict and all(type(v) is tuple for v in values):
        object.__setattr__(
            instance,
            _LAST,
            (selected, numbers, objective, tuple(selected), values, tuple(out)),
        )
    return out


def _rule_by_rule(
    instance: Instance,
    selected: Mapping[str, Any],
    objective: Fraction | None,
    numbers: str,
) -> tuple[list[Violation], bool]:
    """:func:`rule_by_rule`'s violations, and whether every entry was an int."""
    out: list[Violation] = []  # the format rule's, then the others' in rule order
    rooted: list[Violation] = []
    short: list[Violation] = []  # the target rule's

    def add(rule, msg, request=None, node=None, to=out):
        where = ""
        if request is not None:
            where = (
                f"request {show(str(request))}"
                + (f" node {_node(node)}" if node is not None else "")
                + " "
            )
        to.append(Violation(rule, request, node, f"{rule}: {where}{msg}"))

    index = instance.index
    for rid in [rid for rid in selected if rid not in index]:
        add("format", "is not a request of the instance", rid)
    lists = [selected[r.id] for r in instance.requests if r.id in selected]
    if not all(map(isinstance, lists, repeat((list, tuple)))):
        lists = list(map(list, lists))
    # ints (not bools), none negative: then each list needs only its largest checked
    ints = set(map(type, chain.from_iterable(lists))) <= {int}
    bulk = ints and min(chain.from_iterable(lists), default=0) >= 0
    ev = exact_values(instance, numbers)
    f, targets, zero = ev.f, ev.target, ev.zero
    charged, used = instance.root_charged, 0
    worth = []  # scaled total of each listed request's valid nodes
    k = 0  # position in lists
    for i, req in enumerate(instance.requests):
        if req.id not in selected:
            add("format", "is missing from the selection", req.id)
            continue
        nodes, size, k = lists[k], len(req.tree), k + 1
        s = set(nodes) if bulk else None
        if s is None or len(s) != len(nodes) or (nodes and max(s) >= size):
            s = _valid_nodes(add, out, req.id, nodes, size)
        tree, root = req.tree, req.tree.root
        # rooted: the root is in, and with each node its parent (parent_or_self maps
        # the root to itself)
        if not (root in s and s.issuperset(map(ev.parent_or_self(i).__getitem__, s))):
            if root not in s:
                add("rooted", "root not selected", req.id, root, rooted)
            for v in sorted(s):
                p = tree.parent[v]
                if p != -1 and p not in s:
                    add("rooted", f"selected without its parent {p}", req.id, v, rooted)
        # roots count even if (wrongly) missing when charged: a selection must contain
        # them
        used += len(s) + (root not in s) if charged else len(s) - (root in s)
        got = sum(map(f[i].__getitem__, s), zero)
        worth.append(got)
        if got < targets[i]:
            add(
                "target",
                f"reaches {number(fraction_str(ev.exact(got)))} < target "
                f"{number(fraction_str(req.target))}",
                req.id,
                None,
                short,
            )
    formats = bool(out)
    out += rooted
    if used > instance.budget:
        what = "nodes (roots charged)" if charged else "non-root nodes (roots free)"
        add("budget", f"uses {used} {what} of budget {instance.budget}")
    out += short
    if objective is not None and not formats:
        actual = ev.exact(sum(worth, zero))
        if actual != objective:
            add(
                "objective",
                f"stated {number(fraction_str(objective))} but the selected nodes sum"
                f" to {number(fraction_str(actual))}",
            )
    return out, ints


def _valid_nodes(add, out: list, rid: str, nodes: list, size: int) -> set[int]:
    """The entries of one request's list that are nodes, each once; each bad entry is
    a format violation (:func:`_entry_fault`)."""
    if set(map(type, nodes)) <= {int}:  # the common case, checked in bulk
        good = set(nodes)
        if len(good) == len(nodes) and (
            not nodes or (min(nodes) >= 0 and max(nodes) < size)
        ):
            return good
    good = set()
    for v in nodes:
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < size:
            wrong = f"does not exist (tree has nodes 0..{size - 1})"
        elif v in good:
            wrong = "listed twice"
        else:
            good.add(v)
            continue
        if _entry_fault(add, out, rid, v, wrong, nodes, size, good):
            break  # the first few named; the rest counted, not judged one by one
    return good

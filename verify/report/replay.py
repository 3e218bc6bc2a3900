"""``python -m verify replay report.json``: rerun one counterexample and say whether it
still fails.

Rebuilds the solver from the report's ``solver`` spec (registry name,
``module:function`` or ``--cmd`` program, with its timeout), rebuilds the
property's input from ``arguments`` and runs the same property on it, judged by
the exact oracles as in the original run: a solver under test three times (up to
five when they disagree), each time a fresh process, as test-solver confirms a
finding (:mod:`verify.search.confirm`).

A report is data someone may have sent you, so it is validated like an
instance (every field it uses, with a one-line reason naming the field; a tree
with a cycle is refused, never walked), and nothing it names is run unless it
is ours or you say so: a ``--cmd`` program, or a module that lies outside this
project and the current directory, needs ``--trust`` (docs/reports.md).

Outcomes and exit codes:

====================================================  ====
``still fails: <condition> (reproduced 3 of 3, ...)``  1
``still fails, intermittently: <condition> (... k of n)`` 1
``passes now: <property> holds on this input``         0
``declined now: <reason>`` (the solver said UNSUPPORTED) 3
``inconclusive: <why>``                                3
bad report file / solver cannot be loaded or started   2
untrusted solver without ``--trust``                   2
====================================================  ====
"""

from __future__ import annotations

import dataclasses
import importlib.machinery
import os
import sys
from typing import Any, Optional

from solver.errors import Declined, Inconclusive, InputError, ReportError, Untrusted
from solver.exit_codes import ExitCode
from solver.files import read_text
from solver.messages import show
from solver.numbers import MAX_ANSWER_DIGITS, loads_exact
from solver.parse import parse_instance
from verify.search.claims import CLAIMS_BY_ID
from verify.search.confirm import MAX_REPLAYS, REPLAYS
from verify.search.properties import Outside, fault_failure
from verify.subject.adapters import close_solver, settle_solver
from verify.subject.spec import SolverSpec, SpecError, build, check_command, preflight

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_report(path: str) -> dict:
    text = read_text(path, ReportError, newlines=False)
    try:
        report = loads_exact(text, max_digits=MAX_ANSWER_DIGITS)
    except RecursionError:
        raise ReportError("not a JSON report: nested too deeply", source=path) from None
    except ValueError as exc:
        raise ReportError(f"not a JSON report: {exc}", source=path) from None
    if not isinstance(report, dict):
        raise ReportError("not a report object", source=path)
    return report


def _type(x: Any) -> str:
    return {
        str: "a string",
        list: "a list",
        dict: "an object",
        bool: "a boolean",
        type(None): "null",
        int: "an integer",
    }.get(type(x), "a number")


def rebuild_case(report: dict):
    """The property's input: an Instance, or (tree, rooted subtree) for THM-3.1
    (validated)."""
    args = report.get("arguments")
    if not isinstance(args, dict):
        raise ReportError(
            "'arguments' must be an object holding 'instance' or 'tree', got"
            f" {_type(args)}"
        )
    if "instance" in args:
        try:
            return parse_instance(
                args["instance"], allow_nonmonotone=True, source="arguments.instance"
            )
        except InputError as exc:
            raise ReportError(exc.one_line()) from None
    if "tree" in args:
        return _tree_case(args["tree"])
    raise ReportError("no 'arguments.instance' or 'arguments.tree' to replay")


def _tree_case(t: Any):
    """THM-3.1's (tree, subtree): the tree read as an instance's request would be
    (cycles refused)."""
    if not isinstance(t, dict):
        raise ReportError(
            "arguments.tree: must be an object with parent, cond and subtree, got"
            f" {_type(t)}"
        )
    for key in ("parent", "cond", "subtree"):
        if key not in t:
            raise ReportError(f"arguments.tree: missing field {key!r}")
    extra = set(t) - {"parent", "cond", "subtree"}
    if extra:
        raise ReportError(
            f"arguments.tree: unknown field {show(str(sorted(extra)[0]))}"
        )
    try:
        inst = parse_instance(
            {
                "budget": 0,
                "requests": [
                    {
                        "id": "tree",
                        "target": 0,
                        "parent": t["parent"],
                        "cond": t["cond"],
                    }
                ],
            },
            source="arguments.tree",
            allow_nonmonotone=True,
        )
    except InputError as exc:
        raise ReportError(exc.one_line().replace("request 'tree' ", "")) from None
    tree = inst.requests[0].tree
    nodes = t["subtree"]
    if not isinstance(nodes, list) or any(
        isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < len(tree)
        for v in nodes
    ):
        raise ReportError(
            f"arguments.tree: subtree must be a list of node indices 0..{len(tree) - 1}"
        )
    if not tree.is_rooted(nodes):
        raise ReportError("arguments.tree: subtree is not a rooted subtree of the tree")
    return tree, frozenset(nodes)


# ------------------------------------------------------------------ trust


def module_file(name: str) -> Optional[str]:
    """Where ``import name`` would load the module from, found without running any of it
    (None: nowhere)."""
    parts = name.split(".")
    path = None
    spec = None
    for i in range(len(parts)):
        prefix = ".".join(parts[: i + 1])
        mod = sys.modules.get(prefix)
        if mod is not None:
            if i == len(parts) - 1:
                return getattr(mod, "__file__", None) or "<built-in>"
            path = getattr(mod, "__path__", None)
            if path is None:
                return None
            continue
        try:
            spec = importlib.machinery.PathFinder.find_spec(parts[i], path)
        except (ImportError, ValueError):
            return None
        if spec is None:
            return (
                "<built-in>"
                if i == 0 and parts[0] in sys.builtin_module_names
                else None
            )
        if i < len(parts) - 1:
            path = spec.submodule_search_locations
            if not path:
                return None
    return spec.origin if spec is not None and spec.origin else None


def _inside(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    if not (path == root or path.startswith(root.rstrip(os.sep) + os.sep)):
        return False
    rest = path[len(root) :].split(os.sep)
    # installed code is not ours
    return not any(part in ("site-packages", "dist-packages") for part in rest)


def untrusted_reason(spec: SolverSpec) -> Optional[str]:
    """Why replaying ``spec`` would run code the user has not vouched for (None: it is
    ours)."""
    if spec.kind == "registry":
        return None
    if spec.kind == "cmd":
        return (
            f"the report's solver is a command ({spec.label}): replaying it runs that"
            " program"
        )
    module, _, attr = spec.target.partition(":")
    where = module_file(module) if module else None
    if where is None:
        # nothing to import: building it fails with "cannot import", running nothing
        return None
    if not _ours(where):
        return (
            f"the report's solver imports module {show(module)} from {show(where, 80)},"
            " outside this project and the current directory: replaying it runs that"
            " code"
        )
    if not own_function(module, attr):
        # an attribute path (module:subprocess.getoutput) or an imported name reaches
        # code not ours
        return (
            f"the report's solver {show(attr, 80)} is not a function defined in module"
            f" {show(module)} itself: replaying it may run other code"
        )
    return None


def _ours(where: Optional[str]) -> bool:
    return (
        where is not None
        and where != "<built-in>"
        and (_inside(where, PROJECT) or _inside(where, os.getcwd()))
    )


REEXPORTS = 5  # how many ``from M import name`` steps :func:`own_function` follows


def own_function(module: str, name: str, depth: int = 0) -> bool:
    """Whether ``module:name`` is a function of ours, decided by reading files, never
    running them.

    True when the module's file (ours: this project or the current directory) binds
    ``name`` once in its top-level scope, by a ``def``, or by ``from M import name`` of
    a module M that is ours and defines it so (a re-export such as ``proofs.replay``;
    followed at most :data:`REEXPORTS` steps).  ``a.b`` walks attributes into whatever
    the module imported, and any other binding (assignment, import of something not
    ours, a class) may be anything: not trusted.
    """
    import ast

    where = module_file(module)
    if depth > REEXPORTS or not name.isidentifier() or not _ours(where):
        return False
    assert where is not None, "_ours(None) is False"
    try:
        with open(where, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return False
    binds, own, source = 0, False, None
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    todo: list = list(tree.body)
    while todo:  # the module's own scope: not the bodies of functions and classes
        node = todo.pop()
        if isinstance(node, scopes):
            if getattr(node, "name", None) == name:
                binds += 1
                own = not isinstance(node, ast.ClassDef) and node in tree.body
            todo += [
                *getattr(node, "decorator_list", ()),
                *getattr(getattr(node, "args", None), "defaults", ()),
            ]
            continue
        if (
            isinstance(node, ast.Name)
            and node.id == name
            and isinstance(node.ctx, (ast.Store, ast.Del))
        ):
            binds += 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if (
                    alias.name == "*"
                    or (alias.asname or alias.name.partition(".")[0]) == name
                ):
                    # an import of that name, or a star import that may bind anything
                    binds += 1
                    if (
                        isinstance(node, ast.ImportFrom)
                        and node.level == 0
                        and node.module is not None  # (always, at level 0)
                        and node in tree.body
                        and alias.name != "*"
                    ):
                        source = (node.module, alias.name)
            continue
        todo += ast.iter_child_nodes(node)
    # `global name` in any function may rebind it at run time
    binds += sum(name in n.names for n in ast.walk(tree) if isinstance(n, ast.Global))
    if binds != 1:
        return False
    if own:
        return True
    return source is not None and own_function(source[0], source[1], depth + 1)


# ------------------------------------------------------------------ replay


def replay(
    path: str, *, timeout: Optional[float] = None, trust: bool = False
) -> tuple[int, str]:
    """(exit code, one-line verdict) for the report at ``path``."""
    report = load_report(path)

    def bad(msg: str) -> ReportError:
        return ReportError(msg, source=path)

    from verify.report.iteration import is_iteration_report, replay_iteration

    # python -m verify audit: a recorded answer, re-judged
    if is_iteration_report(report):
        return replay_iteration(report, path)
    prop = report.get("property")
    if not isinstance(prop, str):
        raise bad(f"'property' must be a claim id (a string), got {_type(prop)}")
    claim = CLAIMS_BY_ID.get(prop)
    if claim is None:
        raise bad(f"unknown property {show(prop)} (one of {', '.join(CLAIMS_BY_ID)})")
    before = report.get("status_reason")
    if before is not None and not isinstance(before, str):
        raise bad(f"'status_reason' must be a string, got {_type(before)}")
    try:
        case = rebuild_case(report)
    except InputError as exc:
        raise bad(f"cannot rebuild the input: {exc.message}") from None
    from verify.search.restrictions import Restrictions

    options = report.get("options")
    if not isinstance(options, dict):
        options = {}
    try:  # the restrictions of the run (LEM-C1/C2 probe only the budgets they admit)
        limits = Restrictions.from_json(options.get("restrictions") or {})
    except (TypeError, ValueError, AttributeError):
        raise bad("options.restrictions is not a restrictions object") from None
    solver = None
    if claim.per_solver:
        if "solver" not in report:
            raise bad("no 'solver' to replay against")
        try:
            spec = SolverSpec.from_json(report["solver"])
        except SpecError as exc:
            raise bad(f"cannot load the solver: {exc}") from None
        if timeout is not None:
            spec = dataclasses.replace(spec, timeout=timeout)
        why = untrusted_reason(spec)
        if why and not trust:
            raise Untrusted(
                f"{why}; pass --trust if you trust this report (docs/reports.md)",
                source=path,
            )
        try:
            if spec.kind == "cmd":
                # a missing program is a usage error, not "still fails"
                check_command(spec.target)
            else:
                build(spec)
            # cannot start at all: a setup error (exit 2), not "still fails"
            preflight(spec, None)
        except SpecError as exc:
            raise bad(f"cannot load the solver: {exc}") from None
    # replayed on fresh solvers (a new process each time) as test-solver confirms a
    # finding:
    # REPLAYS times, up to MAX_REPLAYS when they disagree (ours are not replayed:
    # deterministic)
    times = REPLAYS if claim.per_solver and spec.kind != "registry" else 1
    failures: list = []
    while len(failures) < times or (
        len(failures) < MAX_REPLAYS and len({f is None for f in failures}) > 1
    ):
        solver = build(spec) if claim.per_solver else None
        try:
            got = claim.check(solver, case, limits)
            late = settle_solver(solver)  # a --jsonl program's lines, counted at exit
            failures.append(got if late is None else fault_failure(late))
        except Declined as exc:
            return (
                ExitCode.INCONCLUSIVE,
                (
                    f"declined now: {exc} (the solver answered UNSUPPORTED; nothing"
                    " judged)"
                ),
            )
        except Inconclusive as exc:
            return ExitCode.INCONCLUSIVE, f"inconclusive: {exc}"
        except Outside as exc:
            return (
                ExitCode.INCONCLUSIVE,
                f"inconclusive: the input lies outside the run's restrictions ({exc})",
            )
        finally:
            close_solver(solver)
    failed = [f for f in failures if f is not None]
    n = len(failures)
    if not failed:
        return ExitCode.OK, f"passes now: {claim.id} holds on this input" + (
            f" ({n} of {n} replays)" if n > 1 else ""
        )
    text = (
        "still fails: " if len(failed) == n else "still fails, intermittently: "
    ) + failed[0].condition
    if before and before != failed[0].condition:
        text += f" (the report said: {before})"
    if n > 1:
        text += (
            f" (reproduced {len(failed)} of {n}, each in a fresh process"
            + ("" if len(failed) == n else "; otherwise it passes")
            + ")"
        )
    return ExitCode.FOUND, text

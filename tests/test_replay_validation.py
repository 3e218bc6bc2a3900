"""``replay`` on reports that are broken or hostile (issue 16, items 8, 9 and 14).

A report is validated like an instance: malformed reports are one line and exit 2 (a
tree with a cycle is refused, never walked); a solver that cannot start is exit 2, not
"still fails"; a report whose solver is a command or a module outside this project runs
nothing without ``--trust``."""

from __future__ import annotations

import copy
import json
import sys
import time

import pytest

from verify.commands import cli
from verify.report.replay import module_file, untrusted_reason
from verify.solver_check import Options, run
from verify.subject.spec import SolverSpec


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    res = run(
        SolverSpec("callable", "tests.quality.planted:budget_ge0"),
        Options(examples=20, claims=("RULE-BUDGET",), report_dir=str(out)),
    )
    ((d,),) = res.reports.values()
    with open(f"{d}/report.json") as fh:
        return json.load(fh)


def replay_cli(tmp_path, capsys, obj=None, raw=None, extra=()):
    path = tmp_path / "report.json"
    path.write_text(raw if raw is not None else json.dumps(obj))
    start = time.perf_counter()
    code = cli.main(["replay", str(path), *extra])
    out, err = capsys.readouterr()
    assert time.perf_counter() - start < 30
    return code, out, err


def edit(report, fn):
    r = copy.deepcopy(report)
    fn(r)
    return r


TREE = {"parent": [-1, 0, 1], "cond": ["1", "1/2", "1/3"], "subtree": [0, 1]}


def tree_report(report, tree):
    return edit(
        report,
        lambda r: (
            r.__setitem__("property", "THM-3.1"),
            r.__setitem__("arguments", {"tree": tree}),
        ),
    )


MALFORMED = {
    "not-json": (None, "{", "not a JSON report"),
    "deeply-nested": (
        None,
        "[" * 100_000 + "]" * 100_000,
        "not a JSON report: nested too deeply",
    ),
    "not-utf8": (None, "\udcff", None),
    "a-list": (None, "[1, 2]", "not a report object"),
    "property-list": (
        lambda r: r.__setitem__("property", ["RULE-BUDGET"]),
        None,
        "'property' must be a claim id",
    ),
    "property-unknown": (
        lambda r: r.__setitem__("property", "THM-9"),
        None,
        "unknown property 'THM-9'",
    ),
    "property-missing": (
        lambda r: r.pop("property"),
        None,
        "'property' must be a claim id (a string), got null",
    ),
    "status-reason-list": (
        lambda r: r.__setitem__("status_reason", ["x"]),
        None,
        "'status_reason' must be a string",
    ),
    "arguments-list": (
        lambda r: r.__setitem__("arguments", [1]),
        None,
        "'arguments' must be an object",
    ),
    "arguments-empty": (
        lambda r: r.__setitem__("arguments", {}),
        None,
        "no 'arguments.instance' or 'arguments.tree'",
    ),
    "instance-string": (
        lambda r: r["arguments"].__setitem__("instance", "x"),
        None,
        "arguments.instance: an instance must be a JSON object",
    ),
    "instance-bad-prob": (
        lambda r: r["arguments"]["instance"]["requests"][0].__setitem__(
            "prob", ["1", "nan"]
        ),
        None,
        "arguments.instance: request 'r0' node 1: prob: 'nan' is not a finite",
    ),
    "solver-missing": (
        lambda r: r.pop("solver"),
        None,
        "no 'solver' to replay against",
    ),
    "solver-string": (
        lambda r: r.__setitem__("solver", "reference"),
        None,
        "'solver' must be an object",
    ),
    "solver-no-target": (
        lambda r: r["solver"].pop("target"),
        None,
        "'solver.target' must be a non-empty string",
    ),
    "solver-no-kind": (
        lambda r: r["solver"].pop("kind"),
        None,
        "'solver.kind' must be a non-empty string",
    ),
    "solver-kind-unknown": (
        lambda r: r["solver"].__setitem__("kind", "magic"),
        None,
        "unknown solver kind 'magic'",
    ),
    "solver-timeout-string": (
        lambda r: r["solver"].__setitem__("timeout", "fast"),
        None,
        "'solver.timeout' must be",
    ),
    "solver-timeout-negative": (
        lambda r: r["solver"].__setitem__("timeout", -1),
        None,
        "'solver.timeout' must be",
    ),
    "solver-module-missing": (
        lambda r: r["solver"].__setitem__("target", "no_such_module_q:f"),
        None,
        "cannot import 'no_such_module_q'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_reports_are_one_line_exit_2(report, tmp_path, capsys, case):
    fn, raw, words = MALFORMED[case]
    if case == "not-utf8":
        path = tmp_path / "report.json"
        path.write_bytes(b'{"property": "\xff"}')
        code = cli.main(["replay", str(path)])
        out, err = capsys.readouterr()
        assert code == 2 and "not UTF-8 text" in err
        return
    code, out, err = replay_cli(tmp_path, capsys, edit(report, fn) if fn else None, raw)
    assert (
        code == 2 and out == "" and err.count("\n") == 1 and err.startswith("error: ")
    ), err
    assert words in err, err


@pytest.mark.parametrize(
    "tree, words",
    [
        (
            {"parent": [-1, 1], "cond": ["1", "1/2"], "subtree": [0]},
            "node 1: parent: node is its own parent",
        ),
        (
            {"parent": [-1, 2, 1], "cond": ["1", "1/2", "1/2"], "subtree": [0]},
            "parent: cycle",
        ),
        ({"parent": [-1, 0], "subtree": [0]}, "arguments.tree: missing field 'cond'"),
        (
            {"parent": [-1, 0], "cond": ["1", "x"], "subtree": [0]},
            "node 1: cond: 'x' is not a finite",
        ),
        (
            {"parent": [-1, 0], "cond": ["1", "1/2"], "subtree": [0, 7]},
            "subtree must be a list of node indices 0..1",
        ),
        (
            {"parent": [-1, 0, 1], "cond": ["1", "1/2", "1/2"], "subtree": [0, 2]},
            "not a rooted subtree",
        ),
        ("x", "arguments.tree: must be an object"),
    ],
)
def test_malformed_trees_are_refused_never_walked(
    report, tmp_path, capsys, tree, words
):
    code, out, err = replay_cli(tmp_path, capsys, tree_report(report, tree))
    assert code == 2 and err.count("\n") == 1 and words in err, err


def test_a_valid_tree_report_still_replays(report, tmp_path, capsys):
    assert replay_cli(tmp_path, capsys, tree_report(report, TREE))[:2] == (
        0,
        "passes now: THM-3.1 holds on this input\n",
    )


def test_a_valid_report_still_fails(report, tmp_path, capsys):
    code, out, err = replay_cli(tmp_path, capsys, report)
    assert code == 1 and out.startswith("still fails: budget: uses 1 non-root nodes")


# ------------------------------------------------------------------ item 14: nothing
# runs without --trust


def test_a_command_report_runs_nothing_without_trust(report, tmp_path, capsys):
    canary = tmp_path / "ran"
    cmd = f"{sys.executable} -c \"open({str(canary)!r}, 'w').write('x')\""
    r = edit(
        report,
        lambda r: r.__setitem__(
            "solver", {"kind": "cmd", "target": cmd, "timeout": 10}
        ),
    )
    code, out, err = replay_cli(tmp_path, capsys, r)
    assert (
        code == 2
        and "the report's solver is a command" in err
        and "pass --trust" in err
    )
    assert not canary.exists()
    code, out, err = replay_cli(tmp_path, capsys, r, extra=["--trust"])
    assert (
        canary.exists()
        and code == 1
        and out.startswith("still fails: solver printed no selection")
    )


def test_a_module_outside_the_project_needs_trust(report, tmp_path, capsys):
    r = edit(
        report,
        lambda r: r.__setitem__(
            "solver", {"kind": "callable", "target": "os:system", "timeout": 10}
        ),
    )
    code, out, err = replay_cli(tmp_path, capsys, r)
    assert (
        code == 2
        and "imports module 'os' from" in err
        and "outside this project" in err
    )


def test_modules_of_this_project_and_registry_names_need_no_trust():
    assert (
        untrusted_reason(SolverSpec("callable", "tests.quality.planted:budget_ge0"))
        is None
    )
    assert (
        untrusted_reason(
            SolverSpec("native", "proofs.replay:algorithm1_all_unselected")
        )
        is None
    )
    assert untrusted_reason(SolverSpec("registry", "reference")) is None
    assert untrusted_reason(SolverSpec("callable", "json:loads")) is not None
    assert untrusted_reason(SolverSpec("callable", "sys:exit")) is not None  # built in


def test_finding_a_module_runs_none_of_it(tmp_path, monkeypatch):
    pkg = tmp_path / "evilpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        f"open({str(tmp_path / 'ran')!r}, 'w').write('x')\n"
    )
    (pkg / "mod.py").write_text("def f(x): return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert module_file("evilpkg.mod") == str(pkg / "mod.py")
    assert not (tmp_path / "ran").exists()


# ------------------------------------------------------------------ item 9: a solver
# that cannot start


def test_a_missing_program_is_a_usage_error_not_still_fails(report, tmp_path, capsys):
    r = edit(
        report,
        lambda r: r.__setitem__(
            "solver", {"kind": "cmd", "target": "/nonexistent/prog --x", "timeout": 5}
        ),
    )
    code, out, err = replay_cli(tmp_path, capsys, r, extra=["--trust"])
    assert code == 2 and out == "" and "no such program '/nonexistent/prog'" in err


# ------------------------------------------------------------------ issue 22 item 1:
# trust by attribute path


@pytest.mark.parametrize(
    "target",
    [
        # an attribute path out of a module of ours
        "verify.report.finding:subprocess.getoutput",
        "verify.report.replay:sys.exit",
        "verify.report.finding:subprocess",  # a module imported by ours
        "verify.report.replay:PROJECT",  # not a function
        "verify.report.replay:Untrusted",  # a class, not a function
        "verify.report.replay:replay.__globals__",
    ],
)
def test_only_functions_defined_in_a_module_of_ours_are_trusted(target):
    why = untrusted_reason(SolverSpec("callable", target))
    assert why is not None and "pass --trust" not in why


def test_an_attribute_path_to_a_shell_runs_nothing_without_trust(
    report, tmp_path, capsys
):
    canary = tmp_path / "ran"
    r = edit(
        report,
        lambda r: (
            r.__setitem__(
                "solver",
                {
                    "kind": "callable",
                    "timeout": 10,
                    "target": "verify.report.finding:subprocess.getoutput",
                },
            ),
            r["arguments"]["instance"].__setitem__("budget", 0),
        ),
    )
    r["arguments"]["instance"]["requests"][0]["id"] = f"touch {canary}"
    code, out, err = replay_cli(tmp_path, capsys, r)
    assert code == 2 and "pass --trust" in err and out == "" and not canary.exists()
    r["solver"]["target"] = "verify.report.replay:sys.exit"
    code, out, err = replay_cli(tmp_path, capsys, r)
    assert code == 2 and "pass --trust" in err and "'sys.exit'" in err


def test_a_plain_function_of_a_module_of_ours_is_trusted():
    assert (
        untrusted_reason(SolverSpec("callable", "solver.reference:solve_reference"))
        is None
    )
    # a re-export of a function of ours (``from M import name``, M ours): the published
    # proofs name
    assert (
        untrusted_reason(
            SolverSpec("native", "proofs.replay:algorithm1_all_unselected")
        )
        is None
    )
    assert (
        untrusted_reason(SolverSpec("callable", "verify.report.replay:show")) is None
    )  # solver.messages


def test_a_re_export_is_followed_only_to_code_of_ours(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the current directory counts as ours
    (tmp_path / "shim_a.py").write_text(
        "from subprocess import getoutput\nfrom shim_b import f\n"
    )
    (tmp_path / "shim_b.py").write_text(
        "from shim_a import f\n"
    )  # a cycle: never trusted
    (tmp_path / "shim_c.py").write_text("from shim_d import g\ng = print\n")
    (tmp_path / "shim_d.py").write_text("def g(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for target in ("shim_a:getoutput", "shim_a:f", "shim_c:g"):
        assert untrusted_reason(SolverSpec("callable", target)) is not None, target
    assert untrusted_reason(SolverSpec("callable", "shim_d:g")) is None

"""The public API (verify/__init__.py, verify/api.py, docs/api.md) and the pytest
plugin."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings

import verify
from solver.parse import parse_instance
from solver.selection import parse_selection
from verify import api
from verify.search.restrictions import Restrictions

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
INST = {
    "budget": 1,
    "requests": [
        {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}
    ],
}


def _documented_names() -> list[str]:
    table = DOC[DOC.index("<!-- API-NAMES") :]
    table = table[: table.index("\n\n")]
    return [
        re.match(r"\| `(\w+)", line).group(1)
        for line in table.splitlines()
        if line.startswith("| `")
    ]


def test_all_and_the_docs_agree():
    assert _documented_names() == list(verify.__all__)
    assert list(verify.__all__) == list(api.__all__)
    for name in verify.__all__:
        obj = getattr(verify, name)
        assert obj.__doc__, f"{name} has no docstring"


def test_a_name_outside_all_is_not_public():
    with pytest.raises(AttributeError):
        verify.solve_reference  # noqa: B018


def test_importing_verify_pulls_in_neither_hypothesis_nor_z3():
    code = (
        "import sys, verify; print(sorted(m for m in ('hypothesis', 'z3') if m in"
        " sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_the_docs_example_file_runs_and_passes(tmp_path):
    block = DOC[DOC.index("<!-- API-EXAMPLE") :]
    code = re.search(r"```python\n(.*?)```", block, re.S).group(1)
    test_file = tmp_path / "test_my_selector.py"
    test_file.write_text(code.replace("max_examples=200", "max_examples=60"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",  # one process: the project's addopts ask for one per core
            str(test_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "2 passed" in out.stdout


def test_the_docs_example_catches_a_broken_reranker(tmp_path):
    # the same file with the unstable-ties reranker (orphans on ties): both tests must
    # fail
    block = DOC[DOC.index("<!-- API-EXAMPLE") :]
    code = re.search(r"```python\n(.*?)```", block, re.S).group(1)
    code = code.replace("import select  #", "import select_topk_ties as select  #")
    assert "select_topk_ties" in code
    test_file = tmp_path / "test_broken.py"
    test_file.write_text(code)
    reports = tmp_path / "reports"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",  # one process: the project's addopts ask for one per core
            str(test_file),
            "--adaserve-report-dir",
            str(reports),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 1, out.stdout[-3000:]
    assert "2 failed" in out.stdout
    assert "is selected but its parent" in out.stdout or "not rooted" in out.stdout, (
        out.stdout[-3000:]
    )
    assert "adaserve-verify reports" in out.stdout  # the plugin's summary
    (report,) = {p.parent for p in reports.rglob("report.md")}
    data = json.loads((report / "report.json").read_text())
    assert data["broken"]["rules"][0] == "rooted"
    replay = subprocess.run(
        [sys.executable, "-m", "verify", "replay", str(report / "report.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert replay.returncode == 1 and replay.stdout.startswith("still fails"), (
        replay.stdout + replay.stderr
    )


# ------------------------------------------------------------------ judge and
# assert_optimal


def test_judge_takes_dicts_and_parsed_objects_alike():
    sel = {"status": "OK", "selected": {"r": [0, 2]}}
    a = verify.judge(INST, sel)
    b = verify.judge(parse_instance(INST), parse_selection(sel))
    assert (
        (a.kind, a.text, a.optimum)
        == (b.kind, b.text, b.optimum)
        == ("suboptimal", "suboptimal: objective 13/10, optimum 3/2", Fraction(3, 2))
    )
    assert a.optimal["selected"] == {"r": [0, 1]} and not a.passed


@pytest.mark.parametrize(
    "selection, kind",
    [
        ({"status": "OK", "selected": {"r": [0, 1]}}, "optimal"),
        ({"status": "OK", "selected": {"r": [0, 1, 2]}}, "infeasible"),
        ({"status": "OK", "selected": {"r": [0, 2]}}, "suboptimal"),
        ({"status": "INVALID", "reason": "no"}, "wrong-invalid"),
        (
            {"status": "OK", "selected": {"r": [0, 1]}, "objective": "2"},
            "wrong-objective",
        ),
        ({"status": "UNSUPPORTED", "reason": "not mine"}, "declined"),
    ],
)
def test_judge_kinds(selection, kind):
    assert verify.judge(INST, selection).kind == kind


def test_invalid_confirmed_passes():
    inst = {
        "budget": 0,
        "requests": [{"id": "r", "target": 2, "parent": [-1, 0], "prob": [1, 1]}],
    }
    v = verify.assert_optimal(inst, {"status": "INVALID"})
    assert v.kind == "invalid-confirmed" and verify.optimum(inst) is None


def test_assert_optimal_message_and_report(tmp_path):
    with pytest.raises(AssertionError) as info:
        verify.assert_optimal(
            INST, {"status": "OK", "selected": {"r": [0, 2]}}, report_dir=str(tmp_path)
        )
    msg = str(info.value)
    assert msg.startswith(
        "suboptimal: objective 13/10, optimum 3/2\n  instance: B=1 roots free | r: A=1"
    )
    path = Path(re.search(r"report:\s+(\S+)/report\.md", msg).group(1))
    data = json.loads((path / "report.json").read_text())
    assert data["status_reason"] == "suboptimal: objective 13/10, optimum 3/2"
    assert "verify.assert_optimal" in data["how_generated"]
    assert (path / "tree.png").exists() and (path / "selection.json").exists()


def test_bad_input_is_an_input_error_naming_the_node():
    bad = {
        "budget": 1,
        "requests": [{"id": "r", "target": 1, "parent": [-1, 0], "prob": [1, "1.5"]}],
    }
    with pytest.raises(verify.InputError, match="request 'r' node 1"):
        verify.judge(bad, {"status": "OK", "selected": {"r": [0]}})
    assert issubclass(verify.InputError, verify.AdaserveError)


def test_an_ok_selection_object_without_nodes_is_an_input_error():
    # Selection(OK) with selected=None reached violations() as a TypeError
    from solver.selection import OK, Selection

    for call in (verify.judge, verify.certify):
        with pytest.raises(verify.InputError, match="selected"):
            call(INST, Selection(OK))


def test_solve_certify_optimum_agree():
    sel = verify.solve(INST)
    assert verify.certify(INST, sel) == []
    assert Fraction(sel["objective"]) == verify.optimum(INST)
    forged = dict(sel, certificate=dict(sel["certificate"], **{"lambda": "1/1000"}))
    assert verify.certify(INST, forged)


# ------------------------------------------------------------------ instances


@pytest.mark.parametrize(
    "restrictions",
    [
        dict(single_request=True, no_targets=True, max_width=2),
        dict(chains=True, min_budget=1, root_charged=True),
        dict(
            max_nodes=4, min_nodes=3, values=("near-one", "grid"), precision="bfloat16"
        ),
    ],
)
def test_instances_stay_inside_their_restrictions(restrictions):
    r = Restrictions(**restrictions)

    @settings(max_examples=60, deadline=None, database=None)
    @given(verify.instances(**restrictions))
    def t(obj):
        assert isinstance(obj, dict) and isinstance(obj["requests"], list)
        inst = parse_instance(obj)
        assert r.contains(inst), (r.outside(inst), obj)

    t()


def test_unknown_restriction_is_a_type_error():
    with pytest.raises(TypeError, match="single_request"):
        verify.instances(single=True)
    with pytest.raises(TypeError):
        verify.check_solver(lambda i: i, max_node=3)


# ------------------------------------------------------------------ check_solver


def _top_by_index(inst):
    """Budget-many nodes in index order: neither rooted nor optimal in general."""
    out = {}
    for r in inst["requests"]:
        root = r["parent"].index(-1)
        n = inst["budget"] - (1 if inst["root_charged"] else 0)
        out[r["id"]] = [root] + [v for v in range(len(r["parent"])) if v != root][
            : max(n, 0)
        ]
    return {"status": "OK", "selected": out}


def test_check_solver_finds_a_planted_bug_with_its_signature(tmp_path):
    result = verify.check_solver(
        _top_by_index,
        profile="smoke",
        single_request=True,
        no_targets=True,
        report_dir=str(tmp_path),
    )
    assert result.exit_status == 1 and not result
    kinds = {f.kind for f in result.findings}
    assert "not rooted" in kinds, kinds
    f = next(f for f in result.findings if f.kind == "not rooted")
    assert f.property.startswith("APP-B") and f.signature[0] == f.property
    assert f.instance is not None and f.answer is not None
    assert Path(f.report, "report.md").exists()
    assert (
        result.verdicts["APP-B/ties"] == "counterexample"
        or result.verdicts["APP-B"] == "counterexample"
    )


def test_check_solver_passes_the_reference_and_counts_unsupported_as_declined():
    from solver.parse import parse_instance as parse
    from solver.reference import solve_reference

    def reference_on_one_request(inst):
        if len(inst["requests"]) != 1:
            raise verify.Unsupported("one request per call")
        return solve_reference(parse(inst)).to_json()

    result = verify.check_solver(
        reference_on_one_request,
        profile="smoke",
        claims=("THM-P2", "APP-B"),
        single_request=True,
    )
    assert result.passed, result.text
    assert result.findings == () and set(result.verdicts.values()) == {"verified"}
    assert all(
        x.endswith(" 0")
        for x in result.text.splitlines()
        if x.startswith(("THM-P2 ", "APP-B "))
    )

    result = verify.check_solver(
        reference_on_one_request, profile="smoke", claims=("THM-P2",)
    )
    # the selector runs in a worker process (its counter stays there): the table counts
    # the declines
    row = next(line for line in result.text.splitlines() if line.startswith("THM-P2 "))
    assert (
        int(row.split()[-1]) > 0 and result.findings == ()
    )  # declined, never a finding


def test_check_solver_reports_a_raising_selector_as_a_finding():
    def broken(inst):
        if inst["budget"] == 0:  # (answers the trivial warm-up instance, budget 1)
            raise IndexError("list index out of range")
        return {
            "status": "OK",
            "selected": {r["id"]: [r["parent"].index(-1)] for r in inst["requests"]},
        }

    result = verify.check_solver(broken, profile="smoke", claims=("RULE-BUDGET",))
    (f,) = result.findings
    assert f.signature == (
        "RULE-BUDGET",
        "IndexError",
        "raised",
        "none",
    )  # no cause explains a crash
    assert f.confirmation == "confirmed (reproduced 3 of 3)"


# ------------------------------------------------------------------ issue 22 item 20:
# API types


def test_numpy_scalars_are_read_as_their_values_and_bad_ones_name_their_node():
    np = pytest.importorskip("numpy")
    inst = {
        "budget": 1,
        "requests": [
            {
                "id": "r",
                "target": np.int64(1),
                "parent": [-1, 0, 0],
                "prob": [np.float64(1), np.float64(0.5), 0.3],
            }
        ],
    }
    assert verify.optimum(inst) == Fraction(
        3, 2
    )  # 1 + 1/2, read as the floats 1.0 and 0.5 are
    assert (
        verify.judge(inst, {"status": "OK", "selected": {"r": [0, 1]}}).kind
        == "optimal"
    )
    for bad in (np.float64("nan"), np.float32(0.5), np.float64(1.5)):
        inst["requests"][0]["prob"][2] = bad
        with pytest.raises(verify.InputError, match="request 'r' node 2: prob: "):
            verify.solve(inst)


def test_an_unwritable_report_dir_keeps_the_verdict_of_assert_optimal(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for where in ("/proc/nope", str(blocker / "dir")):
        with pytest.raises(AssertionError) as info:
            verify.assert_optimal(
                INST, {"status": "OK", "selected": {"r": [0, 2]}}, report_dir=where
            )
        msg = str(info.value)
        assert msg.startswith(
            "suboptimal: objective 13/10, optimum 3/2\n  instance: B=1 roots free"
        )
        assert f"report:   not written: cannot write to {where}: " in msg


def test_check_solver_refuses_an_unwritable_report_dir_before_running(tmp_path):
    calls = []

    def select(inst):
        calls.append(1)
        return {"status": "OK", "selected": {}}

    with pytest.raises(
        verify.InputError, match=r"report_dir='/proc/nope': cannot write there: "
    ):
        verify.check_solver(
            select, profile="smoke", claims=("RULE-BUDGET",), report_dir="/proc/nope"
        )
    assert not calls


@pytest.mark.parametrize("code", [None, 0, 3, "bye"])
def test_a_selector_calling_sys_exit_is_a_finding_not_the_end_of_the_caller(code):
    def exits(inst):
        if (
            inst["budget"] > 2 or len(inst["requests"]) > 1
        ):  # the warm-up instance is answered
            sys.exit(code)
        return {"status": "OK", "selected": {r["id"]: [0] for r in inst["requests"]}}

    result = verify.check_solver(exits, profile="smoke", claims=("RULE-BUDGET",))
    (f,) = result.findings
    assert result.exit_status == 1 and f.signature == (
        "RULE-BUDGET",
        "SystemExit",
        "raised",
        "none",
    )
    assert f"solver raised SystemExit: {'' if code is None else code}" in f.condition


def test_sys_exit_on_every_call_is_a_setup_error_not_the_end_of_the_caller():
    def exits(inst):
        sys.exit(3)

    with pytest.raises(verify.SetupError, match="SystemExit"):
        verify.check_solver(exits, profile="smoke", claims=("RULE-BUDGET",))


def test_a_solver_that_cannot_be_loaded_is_an_adaserve_error():
    with pytest.raises(verify.AdaserveError, match="no_such_module"):
        verify.check_solver("no_such_module:f")


def test_check_solver_on_a_selector_that_raises_on_everything_is_a_setup_error():
    def broken(inst):
        raise IndexError("list index out of range")

    with pytest.raises(
        verify.SetupError,
        match=(
            r"cannot start: the warm-up call on a trivial instance failed: solver"
            r" raised IndexError"
        ),
    ):
        verify.check_solver(broken, profile="smoke", claims=("RULE-BUDGET",))

"""``python -m verify audit`` (verify/commands/audit.py, docs/audit.md): outputs, exit
codes, reports.

The summaries and exit codes are pinned by golden files (tests/golden/audit-*.txt,
regenerate with ``UPDATE_GOLDEN=1`` and review the diff); the --json content,
the reports and their replay, bad lines, the executor seam and progress are
checked directly.
"""

import json
import os
import pickle
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from tests.common.golden_norm import assert_golden
from verify.checks.judge import INCONCLUSIVE, Verdict
from verify.commands import audit as A

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
IN = "tests/golden/inputs"
TRACE = "examples/trace.jsonl"

CASES = {
    "audit-example": ["audit", TRACE, "--jobs", "1"],
    "audit-all-optimal": ["audit", f"{IN}/trace-optimal.jsonl", "--jobs", "1"],
    "audit-empty": ["audit", f"{IN}/trace-empty.jsonl", "--jobs", "1"],
    "audit-blank-lines-only": ["audit", f"{IN}/trace-blank.jsonl", "--jobs", "1"],
    "audit-missing-file": ["audit", f"{IN}/no-such-trace.jsonl"],
    "audit-bad-jobs": ["audit", TRACE, "--jobs", "0"],
    "audit-unwritable-json": ["audit", TRACE, "--json", "no-such-dir/out.json"],
}

_NORM = [
    (re.compile(r"\d+\.\d+ s\b"), "<T> s"),
    (re.compile(r"[\d.]+ iterations/s"), "<N> iterations/s"),
    (re.compile(r"\d+ jobs?\)"), "<J> jobs)"),
]


def _norm(text: str) -> str:
    for pattern, repl in _NORM:
        text = pattern.sub(repl, text)
    return text


def run_cli(args, cwd=ROOT):
    proc = subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case):
    code, out, err = run_cli(CASES[case])
    got = f"exit: {code}\n--- stdout\n{_norm(out)}--- stderr\n{_norm(err)}"
    assert_golden(GOLDEN / f"{case}.txt", got)


def test_two_jobs_give_the_same_output():
    one = run_cli(["audit", TRACE, "--jobs", "1"])
    two = run_cli(["audit", TRACE, "--jobs", "2"])
    assert one[0] == two[0] == 1
    assert _norm(one[1]) == _norm(two[1]) and one[2] == two[2]


def test_json_has_counts_details_and_ids(tmp_path):
    out = tmp_path / "audit.json"
    code, _, _ = run_cli(["audit", TRACE, "--jobs", "1", "--json", str(out)])
    data = json.loads(out.read_text())
    assert code == data["exit"] == 1
    assert data["iterations"] == 11
    assert data["verdicts"] == {
        "optimal": 2,
        "invalid-confirmed": 1,
        "suboptimal": 2,
        "infeasible": 2,
        "wrong-invalid": 2,
        "wrong-objective": 1,
        "declined": 0,
        "oracle-fault": 0,
        "inconclusive": 0,
        "malformed": 1,
    }
    assert sum(data["verdicts"].values()) == data["iterations"]
    details = data["details"]
    assert [d["line"] for d in details] == list(range(1, 12))
    assert [d["id"] for d in details] == [
        f"it-{i}" for i in range(1, 12)
    ]  # kept, malformed line too
    assert details[1]["time"] == 0.021
    # line 2: r0 takes nodes 0, 1 only: 1 + 7/10 + 1 + 1/2 = 16/5 against 181/50, 21/50
    # lost
    assert details[1] | {} == {
        **details[1],
        "verdict": "suboptimal",
        "objective": "16/5",
        "optimum": "181/50",
        "lost": "21/50",
        "relative": "> 10%",
        "method": "certificate",
    }
    assert details[2]["violations"] == [["rooted", "r0", 3], ["target", "r0", None]]
    assert (
        details[5]["verdict"] == "malformed"
        and "request 'r0' node 2" in details[5]["text"]
    )
    lost = data["value_lost"]
    # lines 1 and 9 lose 0, line 2 21/50, line 10 11/50 (17/5 stated 3), line 11 18/25
    assert (
        lost["total"]
        == str(Fraction(21, 50) + Fraction(11, 50) + Fraction(18, 25))
        == "34/25"
    )
    assert lost["iterations"] == 5 and lost["mean"] == "34/125"
    assert lost["worst"] == {
        "lost": "18/25",
        "line": 11,
        "id": "it-11",
        "optimum": "181/50",
    }
    assert data["rules"] == {
        "budget": {"iterations": 1, "requests": {}},
        "rooted": {"iterations": 1, "requests": {"r0": 1}},
        "target": {"iterations": 1, "requests": {"r0": 1}},
    }
    assert [w["line"] for w in data["worst"]["suboptimal"]] == [11, 2]
    assert data["malformed_lines"][0]["line"] == 6
    assert not (tmp_path / "audit.json.part").exists()


def test_reports_replay_and_check(tmp_path):
    code, out, _ = run_cli(
        ["audit", TRACE, "--jobs", "1", "--report-dir", str(tmp_path), "--reports", "1"]
    )
    assert code == 1
    (run,) = tmp_path.iterdir()
    names = sorted(p.name for p in run.iterdir() if p.is_dir())
    assert names == [
        "01-suboptimal-line-11",
        "02-infeasible-line-3",
        "03-wrong-invalid-line-4",
        "04-wrong-objective-line-10",
    ]
    assert f"reports: 4 written to {run}/" in out
    d = run / "02-infeasible-line-3"
    for name in ("report.json", "report.md", "instance.json", "selection.json"):
        assert (d / name).exists()
    report = json.loads((d / "report.json").read_text())
    assert (
        report["type"] == "audit-iteration" and report["property"] == "audit/infeasible"
    )
    assert report["recorded"] == {
        "trace": TRACE,
        "line": 3,
        "id": "it-3",
        "time": 0.043,
    }
    assert report["broken"]["rules"] == ["rooted", "target"]
    assert report["optimum"] == "181/50"
    if report.get("picture"):
        assert (d / "tree.png").stat().st_size > 1000
    md = (d / "report.md").read_text()
    assert "selected without its parent 1" in md and "python -m verify replay" in md
    code, out, _ = run_cli(["replay", str(d / "report.json")])
    assert code == 1 and out.startswith(
        "still fails: infeasible: rooted: request 'r0' node 3"
    )
    code, out, _ = run_cli(
        ["check", "--no-z3", str(d / "instance.json"), str(d / "selection.json")]
    )
    assert code == 1 and out.strip() == report["status_reason"]
    # a replay after the answer became optimal passes
    report["output"] = {"status": "OK", "selected": {"r0": [0, 1, 3], "r1": [1, 2]}}
    (d / "fixed.json").write_text(json.dumps(report))
    code, out, _ = run_cli(["replay", str(d / "fixed.json")])
    assert code == 0 and out.startswith("passes now")
    assert "| 1 | suboptimal | 11 | it-11 |" in (run / "index.md").read_text()


def _options(tmp_path):
    return A.AuditOptions(trace=str(tmp_path / "t.jsonl"))


def _trace(tmp_path, lines):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"".join(x + b"\n" for x in lines))
    return str(path)


GOOD = open(ROOT / TRACE, "rb").read().splitlines()[0]


@pytest.mark.parametrize(
    "line, message",
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"instance": {}, "selection": {}, "extra": 1}', "unknown field 'extra'"),
        (b'{"selection": {"status": "INVALID"}}', "missing field 'instance'"),
        (
            b'{"id": [1], "instance": {}, "selection": {}}',
            "id: must be a string or an integer",
        ),
        (
            (
                b'{"instance": {"budget": 1, "requests": []}, "selection": {"status":'
                b' "ok"}}'
            ),
            "selection: status",
        ),
        (b"\xff\xfe", "not UTF-8"),
        (
            GOOD.replace(b'"budget":3', b'"budget":3,"budget":4'),
            "duplicate key 'budget'",
        ),
    ],
)
def test_a_bad_line_is_counted_and_the_run_goes_on(tmp_path, line, message, capsys):
    path = _trace(tmp_path, [GOOD, line, b"", GOOD])
    res = A.run_audit(path, _options(tmp_path), progress=False)
    assert res.tally.verdicts["malformed"] == 1 and res.tally.verdicts["optimal"] == 2
    assert res.exit_code == 1
    err = capsys.readouterr().err
    assert f"malformed: {path} line 2: " in err and message in err
    assert res.tally.malformed[0]["line"] == 2


def test_blank_lines_keep_line_numbers(tmp_path):
    path = _trace(
        tmp_path,
        [
            b"",
            GOOD,
            b"   ",
            GOOD.replace(
                b'"r0":[0,1,3],"r1":[1,2]},"objective":"181/50"',
                b'"r0":[0,1],"r1":[1,2]}',
            ),
        ],
    )
    seen = []
    A.run_audit(path, _options(tmp_path), details=seen.append, progress=False)
    assert [(r["line"], r["verdict"]) for r in seen] == [
        (2, "optimal"),
        (4, "suboptimal"),
    ]


def test_any_mapper_can_run_the_chunks(tmp_path):
    """The executor seam: the chunk function and its tasks pickle; a foreign mapper
    gives the same tally."""
    path = _trace(tmp_path, [GOOD] * 40)
    tasks = list(A.read_chunks(path, _options(tmp_path)))
    assert (
        len(tasks) == 3 and pickle.loads(pickle.dumps(A.judge_chunk)) is A.judge_chunk
    )
    pickle.loads(pickle.dumps(tasks[0]))
    calls = []

    def mapper(fn, it):
        for task in it:
            calls.append(len(task[1]))
            yield fn(task)

    res = A.run_audit(path, _options(tmp_path), mapper=mapper, progress=False)
    assert calls == [16, 16, 8] and res.tally.verdicts["optimal"] == 40
    res2 = A.run_audit(
        path, _options(tmp_path), mapper=A.local_mapper(2), progress=False
    )
    assert res2.tally.to_json() == res.tally.to_json()


def test_progress_goes_to_stderr(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(A, "PROGRESS_SECONDS", 0.0)
    A.run_audit(_trace(tmp_path, [GOOD] * 20), _options(tmp_path))
    cap = capsys.readouterr()
    assert cap.out == "" and re.search(
        r"audit: \d+ iterations judged \(\d+% of .*\), [\d.]+/s", cap.err
    )


def test_inconclusive_only_gives_exit_3(tmp_path, monkeypatch):
    monkeypatch.setattr(
        A,
        "judge",
        lambda *a, **k: Verdict(INCONCLUSIVE, "inconclusive: Z3: timeout (planted)"),
    )
    res = A.run_audit(_trace(tmp_path, [GOOD] * 3), _options(tmp_path), progress=False)
    assert res.exit_code == 3 and res.tally.verdicts["inconclusive"] == 3


def test_z3_confirms_every_optimum(tmp_path):
    res = A.run_audit(
        str(ROOT / TRACE),
        A.AuditOptions(trace=TRACE, z3=True, z3_timeout=60),
        progress=False,
    )
    plain = A.run_audit(str(ROOT / TRACE), A.AuditOptions(trace=TRACE), progress=False)
    assert res.tally.verdicts == plain.tally.verdicts
    seen = []
    A.run_audit(
        str(ROOT / TRACE),
        A.AuditOptions(trace=TRACE, z3=True),
        details=seen.append,
        progress=False,
    )
    assert {r.get("method") for r in seen if r["verdict"] == "optimal"} == {
        "certificate+z3"
    }


def test_worst_lists_keep_the_most_value_lost():
    t = A.Tally(2)
    for line, lost in ((1, "1/10"), (2, "1/2"), (3, "1/10"), (4, "1/3")):
        t.add(
            {
                "line": line,
                "offset": 0,
                "verdict": "suboptimal",
                "text": "x",
                "lost": lost,
                "optimum": "1",
                "relative": "> 10%",
            }
        )
    assert [r["line"] for r in t.worst_of("suboptimal")] == [2, 4]
    for line in (5, 6, 7):
        t.add({"line": line, "offset": 0, "verdict": "infeasible", "text": "x"})
    assert [r["line"] for r in t.worst_of("infeasible")] == [5, 6]  # the earliest


def test_the_worked_example_of_docs_audit_md_is_what_the_command_prints():
    doc = (ROOT / "docs" / "audit.md").read_text()
    block = doc[doc.index("$ python -m verify audit examples/trace.jsonl\n") :]
    block = block[block.index("\n") + 1 : block.index("```")]
    code, out, err = run_cli(["audit", TRACE])
    assert code == 1
    assert _norm(out) == _norm(block)
    assert err.strip() in doc


def test_a_bug_of_ours_on_one_line_is_a_finding_and_the_run_goes_on(
    tmp_path, monkeypatch
):
    calls = {"n": 0}
    real = A.judge

    def flaky(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ValueError(
                "Exceeds the limit (4300 digits) for integer string conversion"
            )
        return real(*a, **k)

    monkeypatch.setattr(A, "judge", flaky)
    seen = []
    res = A.run_audit(
        _trace(tmp_path, [GOOD] * 3),
        _options(tmp_path),
        details=seen.append,
        progress=False,
    )
    assert [r["verdict"] for r in seen] == [
        "optimal",
        "oracle-fault",
        "optimal",
    ] and res.exit_code == 1
    assert "internal fault: ValueError: Exceeds the limit" in seen[1]["text"]

"""Options out of range (issue 22 items 2 and 3): one check for the command line and the
API.

Item 2: a huge finite timeout (``--timeout 9999999999``, ``--startup-timeout 1e12``,
``replay --timeout``, a report's ``"timeout": 1e300``) failed a correct solver with
``OverflowError``; every duration is now checked once (solver/durations.py: at most
1,000,000 s) and the waits of a contained program cannot overflow whatever the deadline.
Item 3: ``verify.check_solver`` skipped the command line's checks; :class:`Options`,
:class:`Restrictions` and :class:`SolverSpec` now check every value for both, raising
:class:`~solver.errors.OptionError` (a ValueError; exit 2 on the command line).
"""

from __future__ import annotations

import json
import math
import sys

import pytest

from solver.errors import InputError, OptionError
from solver.parse import parse_instance
from verify.commands.cli import main
from verify.subject.process import Program

PY = sys.executable
INST = parse_instance(
    {
        "budget": 1,
        "requests": [{"id": "r", "target": 1, "parent": [-1, 0], "prob": [1, "1/2"]}],
    }
)
SMALL = [
    "--profile",
    "smoke",
    "--claims",
    "RULE-BUDGET",
    "--examples",
    "3",
    "--jobs",
    "1",
]


def root_only(inst):
    """Answers the roots alone: feasible whenever the targets are 1 or less."""
    return {
        "status": "OK",
        "selected": {r["id"]: [r["parent"].index(-1)] for r in inst["requests"]},
    }


def _usage_error(argv, capsys) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)
    assert "Traceback" not in err
    return err


# ------------------------------------------------------------------ item 2: huge finite
# timeouts


@pytest.mark.parametrize(
    "argv",
    [
        [
            "test-solver",
            "solver.reference:solve_reference",
            "--native",
            "--timeout",
            "9999999999",
            *SMALL,
        ],
        ["test-solver", "--cmd", f"{PY} -c pass", "--timeout", "3000000", *SMALL],
        [
            "test-solver",
            "--cmd",
            f"{PY} -c pass",
            "--jsonl",
            "--startup-timeout",
            "1e12",
            *SMALL,
        ],
        ["replay", "r.json", "--timeout", "1e12"],
        ["check", "a.json", "b.json", "--z3-timeout", "1e12"],
        ["campaign", "--time-budget", "1e12"],
    ],
)
def test_a_timeout_beyond_the_limit_is_a_usage_error(argv, capsys):
    err = _usage_error(argv, capsys)
    assert "at most 1000000" in err


def test_the_largest_timeout_runs_a_correct_solver(capsys):
    """1,000,000 s (the limit) with a Python selector and a --jsonl program: both
    verified."""
    code = main(
        [
            "test-solver",
            "tests.test_option_limits:root_only",
            "--timeout",
            "1000000",
            *SMALL,
            "--no-targets",
        ]
    )
    assert code == 0, capsys.readouterr()
    sel = (
        "import sys, json\nfor l in sys.stdin:\n    i = json.loads(l)\n   "
        " print(json.dumps({'status': 'OK', 'selected': {r['id']:"
        " [r['parent'].index(-1)] for r in i['requests']}}), flush=True)"
    )
    code = main(
        [
            "test-solver",
            "--cmd",
            f'{PY} -c "{sel}"',
            "--jsonl",
            "--timeout",
            "1000000",
            "--startup-timeout",
            "1000000",
            *SMALL,
            "--no-targets",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out


@pytest.mark.parametrize("timeout", [3e6, 1e12, 1e300, math.inf])
def test_a_program_waits_cannot_overflow_whatever_the_deadline(timeout):
    """The mechanism: deadline arithmetic and each wait stay in range
    (solver/durations.py)."""
    out, _, rc = Program(
        [PY, "-c", "import sys; print(sys.stdin.read()[::-1])"]
    ).run_once(b"abc", timeout)
    assert (out, rc) == (b"cba\n", 0)
    p = Program(
        [PY, "-c", "import sys\nfor l in sys.stdin: print(l.strip() * 2, flush=True)"]
    )
    try:
        assert p.ask_line(b"xy\n", timeout) == b"xyxy"
    finally:
        p.close()


def test_a_python_selector_with_a_huge_alarm_is_not_failed():
    from verify.subject.adapters import adapt_callable

    assert adapt_callable(root_only, 1e12)(INST).selected == {"r": (0,)}


def test_a_report_with_a_huge_timeout_is_refused(tmp_path, capsys):
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    res = run(
        SolverSpec("callable", "tests.quality.planted:budget_ge0"),
        Options(
            profile="smoke",
            examples=20,
            claims=("RULE-BUDGET",),
            report_dir=str(tmp_path),
        ),
    )
    ((d,),) = res.reports.values()
    report = json.loads(open(f"{d}/report.json").read())
    for key, value in (("timeout", 1e300), ("timeout", 3e6), ("startup_timeout", 1e12)):
        bad = dict(report, solver=dict(report["solver"], **{key: value}))
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(bad))
        err = _usage_error(["replay", str(path)], capsys)
        assert (
            f"'solver.{key}' must be a positive number of seconds, at most 1000000"
            in err
        )
    assert (
        main(["replay", f"{d}/report.json", "--timeout", "1000000"]) == 1
    )  # still fails, no overflow
    capsys.readouterr()


# ------------------------------------------------------------------ item 3:
# check_solver checks like the CLI

API_BAD = [
    (dict(timeout=math.nan), "timeout=nan: must be a positive number of seconds"),
    (dict(timeout=math.inf), "timeout=inf: must be a positive number of seconds"),
    (dict(timeout=-1), "timeout=-1: must be a positive number"),
    (
        dict(timeout="5"),
        (
            "timeout='5': must be a positive number of seconds, at most 1000000 (11.6"
            " days), not str"
        ),
    ),
    (dict(timeout=0), "timeout=0: must be a positive number"),
    (dict(timeout=1e12), "at most 1000000"),
    (dict(max_findings=0), "max_findings=0: must be at least 1"),
    (dict(max_findings=-1), "max_findings=-1: must be at least 1"),
    (dict(max_nodes=0), "max_nodes=0: must be at least 1"),
    (dict(max_nodes=-3), "max_nodes=-3: must be at least 1"),
    (dict(min_nodes=9, max_nodes=2), "min_nodes=9: more than max_nodes 2"),
    (
        dict(profile="bogus"),
        "profile='bogus': unknown profile (choose from smoke, quick, thorough)",
    ),
    (dict(seed="x"), "seed='x': must be a whole number, not str"),
    (dict(max_nodes=1.5), "max_nodes=1.5: must be a whole number, not float"),
    (
        dict(precision="float64"),
        "precision='float64': unknown number format (choose from float32",
    ),
    (dict(single_request="no"), "single_request='no': must be True or False"),
    (dict(examples=0), "examples=0: must be at least 1"),
    (dict(claims=("THM-9",)), "claims='THM-9': unknown property"),
    (dict(values=("strict", "nope")), "values='nope': unknown value class"),
    (dict(min_budget=-1), "min_budget=-1: must be at least 0"),
    (
        dict(chains=True, max_depth=2, min_nodes=4),
        "min_nodes=4: no tree has that many nodes",
    ),
    (dict(report_dir=5), "report_dir=5: must be a path"),
]


@pytest.mark.parametrize(
    "kwargs,message", API_BAD, ids=[m.split(":")[0] for _, m in API_BAD]
)
def test_check_solver_refuses_what_the_command_line_refuses(kwargs, message):
    from verify import check_solver

    called = []

    def select(inst):
        called.append(1)
        return root_only(inst)

    kwargs = {"profile": "smoke", "claims": ("RULE-BUDGET",), **kwargs}
    with pytest.raises(OptionError) as info:
        check_solver(select, **kwargs)
    assert message in str(info.value)
    assert isinstance(info.value, InputError) and isinstance(info.value, ValueError)
    assert not called  # refused before any case ran


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--max-findings", "0"], "--max-findings 0: must be at least 1"),
        (["--max-nodes", "0"], "--max-nodes 0: must be at least 1"),
        (
            ["--min-nodes", "9", "--max-nodes", "2"],
            "--min-nodes 9: more than --max-nodes 2",
        ),
        (["--examples", "0"], "--examples 0: must be at least 1"),
        (["--precision", "float64"], "--precision float64: unknown number format"),
        (["--profile", "bogus"], "--profile bogus: unknown profile"),
    ],
)
def test_the_command_line_says_the_same_naming_its_flags(argv, message, capsys):
    err = _usage_error(["test-solver", "reference", *argv], capsys)
    assert message in err


def test_check_solver_still_takes_good_values_of_other_types():
    """numpy-free stand-ins of what users pass: a list of claims, a Fraction timeout, a
    str claims."""
    from fractions import Fraction

    from verify import check_solver

    res = check_solver(
        root_only,
        profile="smoke",
        claims=["RULE-BUDGET"],
        timeout=Fraction(5),
        examples=3,
        no_targets=True,
    )
    assert res.exit_status == 0 and list(res.verdicts) == ["RULE-BUDGET"]
    assert check_solver(
        root_only,
        profile="smoke",
        claims="RULE-BUDGET,RULE-FORMAT",
        examples=3,
        no_targets=True,
    ).verdicts.keys() == {"RULE-BUDGET", "RULE-FORMAT"}

"""``python -m verify test-solver``: the adapters, and the command's output and exit
codes.

Adapters (verify/subject/adapters.py): every way a solver that is not ours can misbehave
(raise, hang, crash, print garbage, decline) becomes a finding or a declined input,
never a crash of ours.  The check (verify/solver_check/, its command line
verify/commands/solver_cli.py): golden files under ``tests/golden_test_solver/`` pin
stdout, stderr and the exit code, with timings and report paths normalised.  After an
intended change of output, regenerate with ``UPDATE_GOLDEN=1 python -m pytest
tests/test_solver_check.py`` and read the diff: a golden file is a claim a person has
read.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from solver.parse import parse_instance
from solver.selection import Selection
from tests.common.golden_norm import assert_golden, generation_counts
from verify.search import properties as prop
from verify.subject.adapters import adapt_callable, adapt_command
from verify.subject.spec import SolverSpec, SpecError, build, check_command

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden_test_solver"
PY = sys.executable

INST = parse_instance(
    {
        "budget": 1,
        "requests": [
            {
                "id": "r",
                "target": "1",
                "parent": [-1, 0, 0],
                "prob": ["1", "1/2", "3/10"],
            }
        ],
    }
)


def _fault(solver) -> str:
    with pytest.raises(prop.SolverFault) as info:
        prop.run_solver(solver, INST)
    return str(info.value)


# ------------------------------------------------------------------ callable adapter


def test_callable_receives_fraction_strings_and_its_answer_is_read_exactly():
    seen = {}

    def mine(obj):
        seen.update(obj)
        return {"status": "OK", "selected": {"r": (0, 1)}, "objective": 1.5}

    sel = prop.run_solver(adapt_callable(mine), INST)
    assert (
        seen["requests"][0]["prob"] == ["1", "1/2", "3/10"]
        and seen["requests"][0]["target"] == "1"
    )
    assert sel.selected == {"r": (0, 1)} and str(sel.objective) == "3/2"


def test_callable_may_return_numpy_like_integers_and_sets():
    class Int:  # numpy.int64 and torch ints behave like this
        def __init__(self, v):
            self.v = v

        def __index__(self):
            return self.v

    sel = prop.run_solver(
        adapt_callable(lambda o: {"status": "OK", "selected": {"r": {Int(0), Int(2)}}}),
        INST,
    )
    assert sel.selected == {"r": (0, 2)}


@pytest.mark.parametrize(
    "answer,words",
    [
        (lambda o: 1 / 0, "solver raised ZeroDivisionError: division by zero"),
        (lambda o: ["OK"], "solver returned list, not a selection dict"),
        (
            lambda o: {"status": "fine"},
            "solver answered a malformed selection: status: must be one of",
        ),
        (
            lambda o: {"status": "OK", "selected": {"r": [0, "1"]}},
            'entry 1 is "1", not an integer',
        ),
        (
            lambda o: {"status": "OK", "selected": {"r": [0]}, "objective": object()},
            "not JSON",
        ),
    ],
)
def test_callable_misbehaviour_is_a_finding(answer, words):
    assert words in _fault(adapt_callable(answer))


def test_callable_that_hangs_times_out_even_if_it_swallows_exceptions():
    def stubborn(obj):
        while True:
            try:
                sum(range(10**5))
            except Exception:  # a solver's own catch-all must not eat the timeout
                pass

    assert (
        _fault(adapt_callable(stubborn, timeout=0.3))
        == "solver gave no answer within the timeout of 0.3 s (hangs?)"
    )


def test_unsupported_is_declined_not_judged():
    solver = adapt_callable(lambda o: {"status": "UNSUPPORTED", "reason": "too wide"})
    with pytest.raises(prop.Declined, match="too wide"):
        prop.run_solver(solver, INST)
    with pytest.raises(prop.Declined):  # the property passes it on to the campaign
        prop.check_optimal(solver, INST)


def test_unknown_requests_and_nodes_are_findings_of_the_format_rule():
    solver = adapt_callable(
        lambda o: {"status": "OK", "selected": {"r": [0, 7], "ghost": [0]}}
    )
    failure = prop.check_format(solver, INST)
    assert "request 'ghost' is not a request of the instance" in failure.condition
    assert (
        "request 'r' node 7 does not exist (tree has nodes 0..2)" in failure.condition
    )


# ------------------------------------------------------------------ --cmd adapter


def _cmd(code: str, timeout=10.0):
    return adapt_command([PY, "-c", code], timeout)


@pytest.mark.parametrize(
    "code,words",
    [
        (
            "import sys; print('oops', file=sys.stderr); sys.exit(1)",
            "solver exited with code 1; stderr: 'oops'",
        ),
        ("print('selected: 0 1')", "solver printed malformed JSON"),
        ("pass", "solver printed no selection (empty output)"),
        ("import os; os.abort()", "solver was killed by signal SIGABRT"),
        ('print(\'{"status": "OK"}\')', "solver answered a malformed selection"),
    ],
)
def test_program_misbehaviour_is_a_finding(code, words):
    assert words in _fault(_cmd(code))


def test_program_that_hangs_is_killed_at_the_timeout():
    assert (
        _fault(_cmd("import time; time.sleep(60)", timeout=0.5))
        == "solver gave no answer within the timeout of 0.5 s (hangs?)"
    )


@pytest.mark.parametrize(
    "code,reason",
    [
        (
            "import sys; print('no budget 1', file=sys.stderr); sys.exit(3)",
            "no budget 1",
        ),
        (
            'print(\'{"status": "UNSUPPORTED", "reason": "one request only"}\')',
            "one request only",
        ),
    ],
)
def test_program_declines_by_exit_3_or_by_answer(code, reason):
    with pytest.raises(prop.Declined, match=reason):
        prop.run_solver(_cmd(code), INST)


def test_program_reads_the_instance_on_stdin():
    code = (
        "import json, sys; i = json.load(sys.stdin); r = i['requests'][0];"
        " print(json.dumps({'status': 'OK', 'selected': {r['id']: [0,"
        " r['prob'].index('1/2')]}}))"
    )
    assert prop.run_solver(_cmd(code), INST).selected == {"r": (0, 1)}


def test_specs_round_trip_and_bad_specs_are_usage_errors():
    spec = SolverSpec("cmd", "python3 sel.py --x 'a b'", 2.5)
    assert SolverSpec.from_json(spec.to_json()) == spec
    assert spec.cli_args() == ["--cmd", "python3 sel.py --x 'a b'", "--timeout", "2.5"]
    assert isinstance(build(SolverSpec("registry", "reference"))(INST), Selection)
    for bad in (
        SolverSpec("callable", "no_such_module_x:f"),
        SolverSpec("callable", "solver.paper:nope"),
        SolverSpec("callable", "nocolon"),
        SolverSpec("registry", "magic"),
    ):
        with pytest.raises(SpecError):
            build(bad)
    with pytest.raises(SpecError, match="not found on PATH"):
        check_command("no-such-program-xyz --flag")


def test_a_spec_with_a_null_timeout_is_refused():
    # "timeout": null skipped the check and replayed with no time limit at all
    obj = {"kind": "cmd", "target": "python3 sel.py", "timeout": None}
    with pytest.raises(SpecError, match="'solver.timeout' must be"):
        SolverSpec.from_json(obj)


# ------------------------------------------------------------------ the command
# (golden)


def test_unknown_profile_is_a_usage_error(capsys):
    from verify.commands import cli

    assert cli.main(["test-solver", "reference", "--profile", "huge"]) == 2
    assert "--profile huge: unknown profile" in capsys.readouterr().err


CASES = {
    "found-budget": [
        "tests.quality.planted:budget_ge0",
        "--examples",
        "20",
        "--claims",
        "RULE-BUDGET,RULE-TARGET",
    ],
    "pass-other-ties": [
        "tests.quality.planted:correct_other_ties",
        "--examples",
        "25",
        "--claims",
        "THM-P2,LEM-C2",
    ],
    # 100 cases at a decline rate of about 80 %: inconclusive whatever the draws ("gave
    # up", or
    # "declined most": which one depends on the draws, and Hypothesis also draws
    # constants of the
    # project's modules, so a code change elsewhere can switch it)
    "inconclusive-declines": [
        "tests.quality.planted:single_request_only",
        "--examples",
        "100",
        "--claims",
        "RULE-BUDGET",
    ],
    "eagle-restricted": [
        "examples.selectors.eagle_topk:select",
        "--single-request",
        "--no-targets",
        "--max-width",
        "4",
        "--examples",
        "30",
        "--claims",
        "APP-B/ties,THM-P2,LEM-C1",
    ],
    "eagle-ties-report": [
        "examples.selectors.eagle_topk:select_topk_ties",
        "--single-request",
        "--no-targets",
        "--max-width",
        "4",
        "--examples",
        "30",
        "--claims",
        "APP-B/ties",
        "--report-dir",
        "{tmp}",
    ],
    "cmd-garbage": [
        "--cmd",
        f"{PY} -m tests.quality.planted garbage",
        "--examples",
        "5",
        "--claims",
        "RULE-FORMAT",
    ],
    "two-findings": [
        "tests.quality.planted:budget0_float32",
        "--examples",
        "40",
        "--claims",
        "LEM-C2",
        "--report-dir",
        "{tmp}",
    ],
    # roots free: with roots charged a budget of 1 leaves no draft token either
    # (--min-budget 2 then)
    "needs-budget-declines": [
        "tests.quality.planted:needs_draft_token",
        "--examples",
        "30",
        "--claims",
        "LEM-C1,LEM-C2",
        "--roots",
        "free",
    ],
    "needs-budget-min-budget": [
        "tests.quality.planted:needs_draft_token",
        "--examples",
        "30",
        "--claims",
        "LEM-C1,LEM-C2",
        "--min-budget",
        "1",
        "--roots",
        "free",
    ],
    "usage-no-solver": [],
    "usage-both": ["reference", "--cmd", "cat"],
    "usage-unknown-module": ["nowhere.at.all:f"],
    "usage-unknown-property": ["reference", "--claims", "THM-3.1"],
}

_TIME = re.compile(r"\d+\.\d+ s\b")


def run_cli(args, tmp):
    args = [a.replace("{tmp}", str(tmp)) for a in args]
    proc = subprocess.run(
        [PY, "-m", "verify", "test-solver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    def norm(s):
        s = _TIME.sub("<T> s", s).replace(str(tmp), "<DIR>").replace(PY, "<python>")
        return generation_counts(re.sub(r"\d{8}-\d{6}-", "<RUN>-", s))

    return (
        f"exit: {proc.returncode}\n--- stdout\n{norm(proc.stdout)}---"
        f" stderr\n{norm(proc.stderr)}"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case, tmp_path):
    got = run_cli(CASES[case], tmp_path)
    assert_golden(GOLDEN / f"{case}.txt", got)
    if (
        case == "eagle-ties-report"
    ):  # the report directory it names exists, with all its files
        (run_dir,) = tmp_path.iterdir()
        assert sorted(p.name for p in (run_dir / "01-APP-B-ties").iterdir()) == [
            "report.json",
            "report.md",
            "tree.png",
            "tree.svg",
        ]
        assert (run_dir / "index.html").is_file()


# ------------------------------------------------------------------ declining by
# exception, own instances, options


def test_raising_unsupported_declines_and_any_other_exception_is_a_finding():
    from solver.errors import Unsupported

    def picky(obj):
        raise Unsupported("one request per call")

    with pytest.raises(prop.Declined, match="one request per call"):
        prop.run_solver(adapt_callable(picky), INST)

    def bare(obj):
        raise Unsupported()

    with pytest.raises(prop.Declined, match="no reason given"):
        prop.run_solver(adapt_callable(bare), INST)
    assert "solver raised ValueError" in _fault(
        adapt_callable(lambda o: (_ for _ in ()).throw(ValueError("x")))
    )


def _cli(args, capsys):
    from verify.commands import cli

    code = cli.main(["test-solver", *args])
    return code, capsys.readouterr()


def test_own_instances_run_first_and_their_failures_are_findings(tmp_path, capsys):
    lines = [
        (
            '{"budget": 0, "requests": [{"id": "mine", "target": "1", "parent": [-1, 0,'
            ' 0], "prob": ["1", "1/2", "1/3"]}]}'
        ),
        "# a comment, then a blank line",
        "",
        (
            '{"budget": 1, "requests": [{"id": "a", "target": "1", "parent": [-1],'
            ' "prob": ["1"]}, {"id": "b", "target": "1", "parent": [-1], "prob":'
            ' ["1"]}]}'
        ),
    ]
    (tmp_path / "mine.jsonl").write_text("\n".join(lines) + "\n")
    code, out = _cli(
        [
            "tests.quality.planted:budget_ge0",
            "--claims",
            "RULE-BUDGET",
            "--examples",
            "5",
            "--single-request",
            "--instances",
            str(tmp_path / "mine.jsonl"),
        ],
        capsys,
    )
    assert code == 1
    assert (
        f"your instances: 1 from {tmp_path / 'mine.jsonl'} (1 outside the restrictions,"
        f" not used: {tmp_path / 'mine.jsonl'}:4: --single-request (2 requests))"
        in out.out
    )
    assert f"from:     {tmp_path / 'mine.jsonl'}:1 (--instances), reduced" in out.out
    assert (
        "smallest: B=0 roots free | mine: A=1 parent=[-1,0] f=[1,1/2]" in out.out
    )  # reduced: a leaf dropped


def test_own_instances_from_a_folder_and_bad_ones_are_usage_errors(tmp_path, capsys):
    (tmp_path / "a.json").write_text(
        '{"budget": 1, "requests": [{"id": "r", "target": "1", "parent": [-1, 0], '
        '"prob": ["1", "1/2"]}]}'
    )
    code, out = _cli(
        [
            "tests.quality.planted:correct_other_ties",
            "--claims",
            "THM-P2",
            "--examples",
            "5",
            "--instances",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 0 and "note:     1 of your instances judged, 0 failing" in out.out
    (tmp_path / "bad.jsonl").write_text(
        '{"budget": 1, "requests": [{"id": "r", "target": "1", '
        '"parent": [-1, 0], "prob": ["1", "3/2"]}]}\n'
    )
    code, out = _cli(["reference", "--instances", str(tmp_path / "bad.jsonl")], capsys)
    assert code == 2 and f"{tmp_path / 'bad.jsonl'}:1: request 'r' node 1" in out.err
    assert "Traceback" not in out.err


@pytest.mark.parametrize(
    "args,words",
    [
        (["--values", "strict,nope"], "--values nope: unknown value class"),
        (["--precision", "float8"], "--precision float8: unknown number format"),
        (["--max-findings", "0"], "--max-findings 0: must be at least 1"),
        (["--min-budget", "-1"], "--min-budget -1: must be at least 0"),
        (
            ["--chains", "--max-depth", "2", "--min-nodes", "4"],
            "--min-nodes 4: no tree has that many nodes",
        ),
        (["--values", "grid", "--claims", "APP-B"], "no applicable property left"),
    ],
)
def test_bad_new_options_are_usage_errors(args, words, capsys):
    code, out = _cli(["reference", *args], capsys)
    assert code == 2 and words in out.err, out.err


def test_restrictions_hold_for_every_generated_case():
    """--chains, --min-nodes, --min-budget, --values, --max-width: every judged case
    lies inside."""
    from hypothesis import given

    from verify.search import claim_search as campaign
    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions

    for r in (
        Restrictions(chains=True, min_nodes=3, min_budget=2),
        Restrictions(values=("near-one", "grid"), max_width=2, min_nodes=2),
        Restrictions(
            single_request=True, no_targets=True, min_budget=1, precision="float16"
        ),
    ):
        for cid in ("RULE-BUDGET", "LEM-C1", "LEM-C2"):
            if r.applies(CLAIMS_BY_ID[cid]):
                continue
            seen = []

            @campaign._search_settings(60)
            @given(
                CLAIMS_BY_ID[cid].strategy(
                    PROFILES["quick"], False, r.generator_kwargs()
                )
            )
            def t(case):
                seen.append(case)
                assert r.with_convention(False).outside(case) is None, (
                    r,
                    cid,
                    case.to_json(),
                )

            t()
            assert len(seen) >= 60


def test_two_findings_have_two_report_directories(tmp_path):
    from verify.solver_check import Options, render, run

    res = run(
        SolverSpec("callable", "tests.quality.planted:budget0_float32"),
        Options(examples=40, claims=("LEM-C2",), report_dir=str(tmp_path)),
    )
    (dirs,) = res.reports.values()
    assert [os.path.basename(d)[:3] for d in dirs] == ["01-", "02-"]
    assert {os.path.basename(d)[3:] for d in dirs} == {
        "LEM-C2-over-budget",
        "LEM-C2-suboptimal",
    }
    text = render(res)
    assert "finding 1 of 2: over budget (rule: budget, cause: beyond budget)" in text
    assert "finding 2 of 2: suboptimal (rule: optimality, cause: merge)" in text
    index = (Path(res.run_dir) / "index.md").read_text()
    assert all(os.path.basename(d) in index for d in dirs)


@pytest.mark.parametrize(
    "name,cid,examples",
    [("budget_ge0", "RULE-BUDGET", 100), ("budget0_float32", "LEM-C2", 40)],
)
def test_each_signature_is_shrunk_from_the_smallest_case_that_failed_with_it(
    monkeypatch, name, cid, examples
):
    # the cases are walked here by a plain Hypothesis loop with the same seed and
    # settings,
    # and judged here: the smallest failing case of each signature is not taken from
    # run_claim
    import hypothesis
    from hypothesis import given

    from verify.search import claim_search as campaign
    from verify.search import generators
    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions

    claim, solver = (
        CLAIMS_BY_ID[cid],
        build(SolverSpec("callable", f"tests.quality.planted:{name}")),
    )
    cases = []

    @campaign._search_settings(examples, shrink=False)
    @given(generators.labelled(claim.strategy(PROFILES["quick"], None, None)))
    def walk(case):
        generators.take_labels()
        cases.append(case)

    hypothesis.seed(campaign.case_seed(cid, 0))(walk)()
    first, smallest = {}, {}
    for i, case in enumerate(cases):
        failure = claim.check(solver, case, Restrictions().with_convention(None))
        for f in failure.all() if failure else ():
            size = (case.total_nodes, len(case.requests), case.budget)
            first.setdefault(prop.signature(cid, f), i + 1)
            if (
                prop.signature(cid, f) not in smallest
                or size < smallest[prop.signature(cid, f)][1]
            ):
                smallest[prop.signature(cid, f)] = (i + 1, size)
    started = {}
    shrink = campaign._shrink
    monkeypatch.setattr(
        campaign,
        "_shrink",
        lambda *a: (started.setdefault(a[-1]["sig"], a[-1]), shrink(*a))[1],
    )
    res = campaign.run_claim(
        cid, "quick", solver=solver, solver_name=name, examples=examples, max_findings=5
    )
    assert res.cases == len(cases) and [
        r["signature"]["kind"] for r in res.findings
    ] == [s[2] for s in first]
    assert {
        sig: (item["pos"], item["size"]) for sig, item in started.items()
    } == smallest
    assert (
        any(smallest[sig][0] != first[sig] for sig in first) or cid == "LEM-C2"
    )  # not just the first


def test_a_flaky_failure_of_our_own_stop_signals_is_the_signal_not_an_error():
    # Hypothesis >= 6.1xx replays a case: "rejected as declined" then "gave up" becomes
    # a FlakyFailure group holding _GaveUp; it must stop the search as a give-up does
    if sys.version_info >= (3, 11):
        from builtins import ExceptionGroup
    else:  # the backport, Hypothesis's dependency below 3.11 (its FlakyFailure's base)
        from exceptiongroup import ExceptionGroup

    from verify.search import claim_search as campaign

    def group_of(*excs):
        def search():
            raise ExceptionGroup(
                "Inconsistent results from replaying a test case!", list(excs)
            )

        return search

    with pytest.raises(campaign._GaveUp):
        campaign._unwrapped(group_of(campaign._GaveUp(), campaign._GaveUp()))
    with pytest.raises(campaign._GaveUp):
        campaign._unwrapped(group_of(campaign._Found("x"), campaign._GaveUp()))
    with pytest.raises(ExceptionGroup):  # anything else in it stays an error of ours
        campaign._unwrapped(group_of(campaign._GaveUp(), ValueError("bug")))


# ------------------------------------------------------------------ issue 22 item 23:
# long values


def _long_instances(tmp_path):
    """An instance with 2,000- to 2,200-digit values."""
    long = {
        "budget": 0,
        "requests": [
            {
                "id": "r",
                "target": "1",
                "parent": [-1, 0, 0, 1],
                "prob": ["1", "1/" + "7" * 2000, "1/" + "3" * 2100, "1/" + "7" * 2200],
            }
        ],
    }
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(long) + "\n")
    return path


def test_long_values_are_clipped_in_the_printed_report(tmp_path, capsys):
    code, out = _cli(
        [
            "tests.quality.planted:budget_ge0",
            "--claims",
            "RULE-BUDGET",
            "--examples",
            "5",
            "--jobs",
            "1",
            "--instances",
            str(_long_instances(tmp_path)),
        ],
        capsys,
    )
    assert code == 1
    longest = max(out.out.splitlines(), key=len)
    assert len(longest) < 600, longest[:300]
    assert "f=[1,1/" + "7" * 30 + "... (2002 characters)]" in out.out


def reads_every_number(inst):
    """A selector that reads every value with fractions.Fraction(text), as the docs
    advise, and answers the roots alone (declining what that cannot answer)."""
    from fractions import Fraction

    for r in inst["requests"]:
        [Fraction(x) for x in [r["target"]] + r.get("prob", r.get("cond", []))]
        if Fraction(r["target"]) > 1:
            return {"status": "UNSUPPORTED", "reason": "targets above 1"}
    return {
        "status": "OK",
        "selected": {r["id"]: [r["parent"].index(-1)] for r in inst["requests"]},
    }


def test_every_number_sent_is_readable_by_fraction_text(tmp_path, capsys):
    """An instance number has at most 4,000 digits (docs/format.md), below the 4,300
    that Fraction(text) reads by default: a selector reading --instances values of the
    longest kind, and generated ones, never meets 'Exceeds the limit (4300 digits)'."""
    from solver.numbers import MAX_DIGITS
    from verify.subject.readable import READABLE_DIGITS

    assert MAX_DIGITS < READABLE_DIGITS == 4300
    longest = {
        "budget": 1,
        "requests": [
            {
                "id": "r",
                "target": "1",
                "parent": [-1, 0, 1, 0],
                "prob": ["1", "1/" + "7" * 3997, "1e-3998", "0." + "3" * 3998],
            }
        ],
    }
    path = tmp_path / "longest.jsonl"
    path.write_text(json.dumps(longest) + "\n")
    code, out = _cli(
        [
            "tests.test_solver_check:reads_every_number",
            "--claims",
            "RULE-BUDGET,RULE-FORMAT",
            "--examples",
            "20",
            "--jobs",
            "1",
            "--instances",
            str(path),
            "--no-targets",
        ],
        capsys,
    )
    assert code == 0 and "Exceeds the limit" not in out.out, out.out


def test_generated_values_stay_readable_by_fraction_text():
    """Generation discards an instance Fraction(text) could not read with Python's
    default limit (measured: at most 231 digits at thorough, so nothing is discarded in
    practice)."""
    from hypothesis import given, settings

    from verify.search.claims import CLAIMS_BY_ID, PROFILES
    from verify.search.restrictions import Restrictions
    from verify.subject.readable import READABLE_DIGITS, longest_integer, readable

    assert (
        longest_integer(
            {
                "budget": 0,
                "requests": [
                    {"id": "r", "target": "-12/345", "parent": [-1], "prob": ["1"]}
                ],
            }
        )
        == 3
    )
    assert not readable(
        {"requests": [{"target": "1", "prob": ["1", "1/" + "3" * 4301]}]}
    )
    for values in (("underflow",), ("float32", "near-one")):

        @settings(max_examples=40, database=None, deadline=None, derandomize=True)
        @given(
            CLAIMS_BY_ID["LEM-C2"].strategy(
                PROFILES["thorough"],
                False,
                Restrictions(values=values).generator_kwargs(),
            )
        )
        def t(inst):
            assert longest_integer(inst.to_json()) <= READABLE_DIGITS

        t()

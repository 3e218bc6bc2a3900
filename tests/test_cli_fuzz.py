"""A bounded fuzz of the command line (issue 16): malformed JSON and mutated valid
instances, selections and certificates fed to ``solve``, ``check --no-z3`` and
``certify``.

Whatever the input: the exit code is one of 0, 1, 2, 3; nothing escapes ``main`` (no
traceback); exit 2 prints exactly one line on stderr and nothing on stdout.  In-process
and derandomized, a few seconds in the default run.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.parse import parse_instance
from solver.reference import solve_reference
from verify.commands.cli import main

BASE = {
    "budget": 3,
    "root_charged": False,
    "requests": [
        {
            "id": "r0",
            "target": "1.6",
            "parent": [-1, 0, 0, 1],
            "prob": ["1", "0.7", "0.2", "0.42"],
        },
        {"id": "r1", "target": 1, "parent": [2, -1, 1], "cond": ["1/2", 1, 0.5]},
    ],
}
INVALID_BASE = {
    "budget": 0,
    "requests": [{"id": "a", "target": "1.5", "parent": [-1, 0], "prob": ["1", "0.5"]}],
}
SELECTIONS = [
    json.loads(solve_reference(parse_instance(b)).dumps()) for b in (BASE, INVALID_BASE)
]

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)  # capsys is read after every call
DIR = Path(tempfile.mkdtemp(prefix="adaserve-fuzz-"))
ROOT = Path(__file__).resolve().parent.parent

ODD_VALUES = st.sampled_from(
    [
        None,
        True,
        False,
        -1,
        0,
        1,
        2,
        10**400,
        -(10**30),
        1.5,
        1e308,
        "x",
        "",
        "nan",
        "inf",
        "1/0",
        "-1/4",
        "1e400",
        "1e-5000",
        "0.9",
        "1/" + "7" * 4100,
        [],
        {},
        [[]],
        {"a": 1},
        "r0",
        "r1",
        "unreachable",
        "x" * 3000,
        [-1],
        [0, 0, 0],
    ]
)


def _paths(obj):
    """Every (container, key) position in a JSON value."""
    out = []

    def walk(x):
        if isinstance(x, dict):
            for k in list(x):
                out.append((x, k))
                walk(x[k])
        elif isinstance(x, list):
            for i in range(len(x)):
                out.append((x, i))
                walk(x[i])

    walk(obj)
    return out


@st.composite
def mutated(draw, base, inside=None):
    """``base`` with one to three random edits (anywhere, or only inside
    ``base[inside]``)."""
    obj = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        spots = _paths(obj if inside is None else obj[inside])
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "add"]))
        if action == "replace":
            container[key] = copy.deepcopy(
                draw(ODD_VALUES)
            )  # never the shared sample itself
        elif action == "delete":
            del container[key]
        elif action == "duplicate" and isinstance(container, list):
            container.insert(key, copy.deepcopy(container[key]))
        elif isinstance(container, dict):
            name = draw(st.sampled_from(["extra", "kind", "witness", "id", "x" * 50]))
            container[name] = copy.deepcopy(draw(ODD_VALUES))
    return json.dumps(obj)


def _text_mutations(text: str):
    return st.lists(
        st.tuples(
            st.integers(0, len(text)),
            st.integers(0, 3),
            st.sampled_from(list('{}[],:"0123456789-.eE/ ntrufalsNaI\\')),
        ),
        min_size=1,
        max_size=4,
    ).map(lambda edits: _apply(text, edits))


def _apply(text, edits):
    for pos, cut, ch in edits:
        text = text[:pos] + ch + text[pos + cut :]
    return text


INSTANCE_TEXT = st.one_of(
    mutated(BASE),
    mutated(INVALID_BASE),
    _text_mutations(json.dumps(BASE)),
    st.just(json.dumps(BASE)),
)
SELECTION_TEXT = st.one_of(
    *[mutated(s) for s in SELECTIONS],
    *[mutated(s, "certificate") for s in SELECTIONS],
    _text_mutations(json.dumps(SELECTIONS[0])),
    *[st.just(json.dumps(s)) for s in SELECTIONS],
)


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3), (argv, code)
    assert "Traceback" not in err
    if code == 2:
        assert (
            out == ""
            and err.count("\n") == 1
            and err.startswith(("error: ", "python -m verify"))
        ), err
    return code


@FUZZ
@given(
    instance=INSTANCE_TEXT,
    selection=SELECTION_TEXT,
    solver=st.sampled_from(
        ["reference", "dp", "paper-alg1", "float-greedy", "paper-alg2"]
    ),
)
def test_cli_never_crashes(capsys, instance, selection, solver):
    inst, sel = DIR / "instance.json", DIR / "selection.json"
    inst.write_text(instance)
    sel.write_text(selection)
    _run(["solve", "--solver", solver, str(inst)], capsys)
    _run(["check", "--no-z3", str(inst), str(sel)], capsys)
    _run(["certify", str(inst), str(sel)], capsys)


# ------------------------------------------------------------------ issue 22: audit,
# the store, replay's trust

ODD_IDS = st.one_of(
    st.sampled_from(
        [
            None,
            0,
            -7,
            10**50,
            "it-1",
            "",
            "x\n3 findings in 3 iterations",
            "\x1b[2J\r",
            "|" * 5,
            "L" * 5000,
            True,
            1.5,
            [],
            {},
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def trace_lines(draw):
    """A trace line: a record with odd ids and mutated instance/selection, or mutated
    text."""
    if draw(st.booleans()):
        return draw(
            _text_mutations(
                json.dumps({"id": "a", "instance": BASE, "selection": SELECTIONS[0]})
            )
        )
    rec = {
        "instance": json.loads(
            draw(st.one_of(st.just(json.dumps(BASE)), mutated(BASE)))
        ),
        "selection": json.loads(
            draw(
                st.one_of(
                    *[st.just(json.dumps(s)) for s in SELECTIONS],
                    mutated(SELECTIONS[0]),
                )
            )
        ),
    }
    rid = draw(ODD_IDS)
    if rid is not None:
        rec["id"] = rid
    return json.dumps(rec)


AUDIT_FUZZ = settings(FUZZ, max_examples=60)


@AUDIT_FUZZ
@given(
    lines=st.lists(trace_lines(), max_size=6),
    blank=st.booleans(),
    json_out=st.sampled_from([None, "out.json", "trace.jsonl", "alias.jsonl"]),
)
def test_audit_never_crashes_nor_prints_raw_ids(capsys, lines, blank, json_out):
    trace = DIR / "trace.jsonl"
    for leftover in (*DIR.glob("*.part"), DIR / "alias.jsonl"):
        leftover.unlink(missing_ok=True)
    trace.write_text("\n".join(lines) + ("\n\n" if blank else "\n"))
    os.link(trace, DIR / "alias.jsonl")  # the trace under another name
    before = trace.read_bytes()
    argv = ["audit", str(trace), "--jobs", "1", "--no-progress"]
    if json_out:
        argv += ["--json", str(DIR / json_out)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3) and "Traceback" not in err, (argv, code, err)
    if code == 2:
        assert (
            out == ""
            and err.count("\n") == 1
            and err.startswith(("error: ", "python -m verify"))
        ), err
    assert (
        not any(c in out + err for c in "\x1b\r")
        and max(map(len, (out + err).splitlines()), default=0) <= 2000
    )
    assert not list(DIR.glob("*.part"))
    if json_out in ("trace.jsonl", "alias.jsonl"):
        assert (
            code == 2 and trace.read_bytes() == before
        )  # an output may not overwrite the trace
    elif json_out and code != 2:
        assert json.loads((DIR / json_out).read_text())["iterations"] == len(
            [x for x in lines if x.strip()]
        )


STORE_RESULT = {"verdict": "verified", "cases": [1, 2, 3], "note": "ok"}


@settings(FUZZ, max_examples=80)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 7), st.integers(0, 2)),
        min_size=1,
        max_size=3,
    )
)
def test_a_damaged_store_entry_is_read_back_exactly_or_run_again(edits):
    from verify.run.seam import Task
    from verify.run.store import Store

    d = Path(tempfile.mkdtemp(dir=DIR))
    task = Task(abs, -3, "abs -3", {"x": -3})
    Store(str(d), fingerprint="cd" * 32).put(task, STORE_RESULT)
    (path,) = (d / ("cd" * 8)).glob("*.json")
    data = bytearray(path.read_bytes())
    for pos, bit, how in edits:
        pos %= len(data)
        if how == 0:
            data[pos] ^= 1 << bit  # a flipped bit
        elif how == 1:
            del data[pos:]  # cut short
        else:
            data[pos:pos] = b"\xff"  # a byte too many
        if not data:
            break
    path.write_bytes(bytes(data))
    found, value = Store(str(d), fingerprint="cd" * 32).get(task)
    assert (found, value) in ((True, STORE_RESULT), (False, None))
    assert not found or type(value) is dict


@settings(FUZZ, max_examples=150)
@given(
    module=st.sampled_from(
        [
            "verify.report.replay",
            "verify.report.finding",
            "solver.reference",
            "solver.messages",
            "tests.quality.planted",
            "verify.commands.audit",
        ]
    ),
    attr=st.one_of(
        st.sampled_from(
            [
                "replay",
                "show",
                "sys.exit",
                "subprocess.getoutput",
                "subprocess",
                "os",
                "solve_reference",
                "budget_ge0",
                "PROJECT",
                "Untrusted",
                "__name__",
                "replay.__globals__",
                "json",
                "Fraction",
                "judge",
                "main_audit",
                "",
            ]
        ),
        st.from_regex(r"[a-z_]{1,12}(\.[a-z_]{1,8})?", fullmatch=True),
    ),
)
def test_replay_trusts_exactly_the_functions_a_module_of_ours_defines(module, attr):
    import importlib
    import inspect

    from verify.report.replay import untrusted_reason
    from verify.subject.spec import SolverSpec

    trusted = untrusted_reason(SolverSpec("callable", f"{module}:{attr}")) is None
    obj = (
        getattr(importlib.import_module(module), attr, None)
        if attr.isidentifier()
        else None
    )
    # the oracle: what the import really binds is a function whose code lives in this
    # project
    own = inspect.isfunction(obj) and str(
        Path(inspect.getfile(obj)).resolve()
    ).startswith(str(ROOT) + os.sep)
    assert own or not trusted, (module, attr)  # never trusted unless a function of ours
    if not attr.isidentifier():
        assert not trusted


# ------------------------------------------------------------------ issue 22: options,
# timeouts, long answers

DURATIONS = [
    "0",
    "-1",
    "1",
    "0.5",
    "nan",
    "inf",
    "-inf",
    "1e12",
    "9999999999",
    "3000000",
    "1000000",
    "1e300",
    "x",
    "",
    "5s",
]
COUNTS = ["0", "-3", "1", "2", "3", "1.5", "x", "", "99999999999999999999"]
FLAG_VALUES = {
    "--timeout": DURATIONS,
    "--startup-timeout": DURATIONS,
    "--max-nodes": COUNTS,
    "--min-nodes": COUNTS,
    "--max-depth": COUNTS,
    "--max-width": COUNTS,
    "--min-budget": COUNTS,
    "--examples": ["0", "-1", "1", "2", "x", "1.5"],
    "--max-findings": COUNTS,
    "--seed": COUNTS,
    "--precision": ["float32", "float64", "bogus", ""],
    "--profile": ["smoke", "bogus", ""],
    "--values": ["strict", "nope", "strict,nope", ",", ""],
    "--claims": ["RULE-FORMAT", "THM-9", ""],
}
FLAG_PAIRS = st.sampled_from(sorted(FLAG_VALUES)).flatmap(
    lambda flag: st.sampled_from(FLAG_VALUES[flag]).map(lambda value: [flag, value])
)
QUICK = [
    "--profile",
    "smoke",
    "--examples",
    "2",
    "--claims",
    "RULE-FORMAT",
    "--jobs",
    "1",
]
RUNS = settings(
    FUZZ,
    suppress_health_check=list(FUZZ.suppress_health_check) + [HealthCheck.nested_given],
)


def _main_exit(argv, capsys):
    """main() or argparse's exit: the code, stdout and stderr, with the common
    invariants."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3), (argv, code)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err[-2000:])
    if code == 2:
        assert out == "" and err.count("\n") == 1, (argv, err)
    return code, out, err


@settings(RUNS, max_examples=40)
@given(pairs=st.lists(FLAG_PAIRS, min_size=1, max_size=3))
def test_test_solver_and_replay_options_never_crash(capsys, pairs):
    """Odd option values (huge or non-finite durations, counts out of range, unknown
    names): a run that starts judges something (its cases are counted), anything else is
    exit 2."""
    flags = [x for pair in pairs for x in pair]
    code, out, err = _main_exit(["test-solver", "reference", *QUICK, *flags], capsys)
    if code != 2:
        assert (
            "RULE-FORMAT" in out and " 0       0" not in out
        )  # never a pass on nothing
    timeouts = [v for f, v in pairs if f == "--timeout"]
    if timeouts:
        code, _, err = _main_exit(
            ["replay", str(DIR / "no-report.json"), "--timeout", timeouts[0]], capsys
        )
        assert code == 2  # a bad timeout or the missing report: one line either way


API_VALUES = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        -1,
        0,
        1,
        2,
        1.5,
        "5",
        "x",
        None,
        True,
        1e12,
        10**30,
        (),
        "float64",
        "smoke",
        ("RULE-FORMAT",),
    ]
)
API_KEYS = st.sampled_from(
    [
        "timeout",
        "max_findings",
        "max_nodes",
        "min_nodes",
        "max_depth",
        "max_width",
        "min_budget",
        "examples",
        "seed",
        "profile",
        "precision",
        "single_request",
        "no_targets",
        "chains",
        "claims",
        "values",
        "report_dir",
        "instances",
    ]
)


def _roots(inst):
    return {
        "status": "OK",
        "selected": {r["id"]: [r["parent"].index(-1)] for r in inst["requests"]},
    }


@settings(RUNS, max_examples=60)
@given(kwargs=st.dictionaries(API_KEYS, API_VALUES, min_size=1, max_size=2))
def test_check_solver_options_are_checked_like_the_command_line(kwargs):
    """check_solver never fails a correct selector because of its options: it refuses
    them (an InputError naming one of the keywords) or runs and judges something."""
    from solver.errors import InputError, OptionError
    from verify import check_solver

    args = {
        "profile": "smoke",
        "examples": 2,
        "claims": ("RULE-FORMAT",),
        "no_targets": True,
        **kwargs,
    }
    here = os.getcwd()
    # report_dir="x" and instances="5" are relative paths: keep them in the fuzz folder
    os.chdir(DIR)
    try:
        result = check_solver(_roots, **args)
    except (
        InputError
    ) as exc:  # OptionError names its keyword; a bad instances path is named too
        assert "\n" not in str(exc), str(exc)
        if isinstance(exc, OptionError):
            assert str(exc).split("=")[0] in args, str(exc)
        else:
            assert str(exc).startswith(str(args.get("instances"))), str(exc)
        return
    finally:
        os.chdir(here)
    assert result.findings == () and result.exit_status == 0, result.text
    assert all(v == "verified" for v in result.verdicts.values())


@settings(FUZZ, max_examples=25)
@given(
    node=st.integers(-2, 5),
    copies=st.integers(2, 200_000),
    tail=st.lists(st.integers(0, 3), max_size=3),
)
def test_answers_with_many_entries_give_one_short_line(capsys, node, copies, tail):
    """A node listed many times (item 15): one line of at most 2,000 characters plus its
    cut note, naming the count, in time linear in the list."""
    inst, sel = DIR / "instance.json", DIR / "many.json"
    inst.write_text(json.dumps(BASE))
    sel.write_text(
        json.dumps(
            {"status": "OK", "selected": {"r0": [node] * copies + tail, "r1": [1]}}
        )
    )
    code, out, _ = _main_exit(["check", "--no-z3", str(inst), str(sel)], capsys)
    assert code == 1 and out.count("\n") == 1 and len(out) < 2100
    if copies > 4:
        assert (
            "entries for a tree of 4 nodes)" in out
            and f"({copies + len(tail)} entries" in out
        )


def _scalars():
    """Values of the types a Python caller may put in an instance dict (numpy when
    installed)."""
    from decimal import Decimal
    from fractions import Fraction

    out = [
        0.5,
        1,
        1.0,
        Fraction(1, 3),
        Decimal("0.5"),
        "0.5",
        True,
        None,
        float("nan"),
        1.5,
        -0.0,
        [0.5],
    ]
    try:
        import numpy as np
    except ImportError:
        return out
    return out + [
        np.float64(0.5),
        np.float64(1),
        np.int64(1),
        np.int64(0),
        np.float32(0.5),
        np.float64("nan"),
        np.float64(2),
        np.bool_(True),
        np.array(0.5),
    ]


@settings(FUZZ, max_examples=80)
@given(
    where=st.sampled_from(["target", 1, 2]),
    value=st.sampled_from(_scalars()),
    selected=st.sampled_from([[0], [0, 1], [0, 1, 2], [0, 0]]),
)
def test_api_values_of_any_type_give_a_verdict_or_an_error_naming_the_place(
    where, value, selected
):
    """Item 20: an odd value type in an instance dict (numpy's float64 among them) is
    read as the number it equals or refused by an InputError naming the request and
    where, never another exception."""
    import verify

    req = {"id": "r", "target": "1", "parent": [-1, 0, 0], "prob": ["1", "0.5", "0.25"]}
    if where == "target":
        req["target"] = value
    else:
        req["prob"][where] = value
    try:
        verdict = verify.judge(
            {"budget": 2, "requests": [req]},
            {"status": "OK", "selected": {"r": selected}},
        )
    except verify.InputError as exc:
        assert "request 'r'" in str(exc) and (
            f"node {where}" in str(exc) or "target" in str(exc)
        ), str(exc)
        return
    assert verdict.kind in ("optimal", "suboptimal", "infeasible"), verdict

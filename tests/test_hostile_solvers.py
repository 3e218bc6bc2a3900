"""Hostile solver programs (issue 16, items 4, 5, 6 and SIGTERM; issue 11 part 7,
``--jsonl``).

A program may hang with a child holding its stdout, leave detached children behind,
flood its output, crash mid-stream or print garbage: every call still ends by its
deadline with a finding, reads a bounded amount, and no process of it survives.
Each test marks the processes it causes (an environment variable and a word on their
command lines, both unique to the test) and counts the marked processes afterwards.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from solver.errors import Declined, SolverFault
from solver.parse import parse_instance
from tests.common.processes import live_processes
from verify.search import properties as prop
from verify.subject.adapters import LineSolver, adapt_command
from verify.subject.process import MAX_OUTPUT, Program

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="process containment uses /proc"
)

ROOT = Path(__file__).resolve().parent.parent
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
ANSWER = '{"status": "OK", "selected": {"r": [0, 1]}}'


@pytest.fixture
def mark(monkeypatch):
    """A word unique to this test, in the environment every started program inherits."""
    token = "hostile" + secrets.token_hex(6)
    monkeypatch.setenv("HOSTILE_TEST_MARK", token)
    yield token
    left = marked(token)
    for pid in left:  # never leave them running, even when the test failed
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"processes left behind: {left}"


def sigterm_when_running(
    args: list[str], mark: str, processes: int, wait: float
) -> tuple[int, str]:
    """Run ``python -m verify ARGS``, send it SIGTERM once ``processes`` live processes
    carry ``mark``, and return its exit code and stderr (it must end within ``wait``
    seconds)."""
    proc = subprocess.Popen(
        [PY, "-m", "verify", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(marked(mark)) < processes:
            time.sleep(0.1)
        assert len(marked(mark)) >= processes
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=wait)
    finally:
        proc.kill()
    return proc.returncode, err


def marked(token: str) -> list[int]:
    """Live processes whose environment or command line carries ``token`` (zombies do
    not count)."""
    return [
        pid
        for pid, cmd, env in live_processes(environ=True)
        if token.encode() in env or token.encode() in cmd
    ]


def program(tmp_path, body: str) -> list[str]:
    path = tmp_path / "solver.py"
    path.write_text(textwrap.dedent(body))
    return [PY, str(path)]


def fault(solver) -> str:
    with pytest.raises(SolverFault) as info:
        prop.run_solver(solver, INST)
    return str(info.value)


def test_an_ok_selection_object_without_nodes_is_a_malformed_answer():
    # a Python solver's Selection(OK) with selected=None: was a TypeError in judge
    from solver.selection import OK, Selection

    text = fault(lambda instance: Selection(OK))
    assert text.startswith("solver answered a malformed selection: selected")


# ------------------------------------------------------------------ item 4: a child
# holding stdout


def test_timeout_holds_when_a_setsid_child_keeps_stdout_open(tmp_path, mark):
    argv = program(
        tmp_path,
        f"""
        import os, sys, time
        if os.fork() == 0:
            os.setsid()
            # {mark}: keeps the inherited stdout open in its own session
            time.sleep(1000)
        time.sleep(1000)
    """,
    )
    start = time.perf_counter()
    assert (
        fault(adapt_command(argv, timeout=1))
        == "solver gave no answer within the timeout of 1 s (hangs?)"
    )
    assert time.perf_counter() - start < 10


def test_an_answer_is_read_when_the_program_exits_although_a_child_keeps_stdout(
    tmp_path, mark
):
    argv = program(
        tmp_path,
        f"""
        import os, sys, time
        sys.stdin.read()
        if os.fork() == 0:
            os.setsid()
            time.sleep(1000)  # {mark}
        print('{ANSWER}', flush=True)
    """,
    )
    start = time.perf_counter()
    assert prop.run_solver(adapt_command(argv, timeout=20), INST).selected == {
        "r": (0, 1)
    }
    assert time.perf_counter() - start < 10  # the answer, not the 20 s timeout


def test_the_bash_reproduction_of_the_issue_ends(mark):
    cmd = [
        "bash",
        "-c",
        "setsid sleep 100000 & exec sleep 100000",
    ]  # issue 16, item 4, verbatim
    assert "within the timeout of 1 s" in fault(adapt_command(cmd, timeout=1))


# ------------------------------------------------------------------ item 5: stray
# processes


@pytest.mark.parametrize("clear_env", [False, True])
def test_detached_children_of_a_successful_call_are_killed(tmp_path, mark, clear_env):
    # a double fork: the grandchild calls setsid, its parent exits, it is orphaned;
    # optionally it
    # even clears its environment (then only the subreaper and the command line find it)
    sleeper = (  # the mark on its command line
        f"[{PY!r}, '-c', 'import time; time.sleep(1000)', '{mark}']"
    )
    exec_line = (
        f"os.execve({PY!r}, {sleeper}, {{}})"
        if clear_env
        else f"os.execv({PY!r}, {sleeper})"
    )
    argv = program(
        tmp_path,
        f"""
        import os, sys
        sys.stdin.read()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                {exec_line}
            os._exit(0)
        os.wait()
        print('{ANSWER}')
    """,
    )
    solver = adapt_command(argv, timeout=20)
    for _ in range(3):
        assert prop.run_solver(solver, INST).selected == {"r": (0, 1)}
    assert marked(mark) == []


# ------------------------------------------------------------------ item 6: output read
# with a cap


def test_endless_output_is_a_finding_not_gigabytes(tmp_path, mark):
    argv = program(
        tmp_path,
        """
        import sys
        chunk = "x" * 65536
        while True:
            sys.stdout.write(chunk)
    """,
    )
    start = time.perf_counter()
    words = fault(adapt_command(argv, timeout=30))
    assert (
        words
        == f"solver printed more than {MAX_OUTPUT} bytes (output too large; the limit"
        " is 16 MiB)"
    )
    assert time.perf_counter() - start < 20


def test_a_valid_but_huge_answer_is_output_too_large(tmp_path, mark):
    argv = program(
        tmp_path,
        """
        import json, sys
        sys.stdin.read()
        huge = "y" * (20 * 2 ** 20)
        print(json.dumps({"status": "OK", "selected": {"r": [0, 1]}, "reason": huge}))
    """,
    )
    assert "output too large" in fault(adapt_command(argv, timeout=30))


def test_stderr_floods_keep_only_the_tail(tmp_path, mark):
    argv = program(
        tmp_path,
        """
        import sys
        for i in range(20000):
            sys.stderr.write("noise " * 20 + "\\n")
        sys.stderr.write("the real error\\n")
        sys.exit(1)
    """,
    )
    words = fault(adapt_command(argv, timeout=30))
    assert words.startswith("solver exited with code 1; stderr: ") and len(words) < 300


def test_not_utf8_output_is_a_finding(tmp_path, mark):
    argv = program(
        tmp_path,
        r"""
        import sys
        out = b'{"status": "OK", "selected": {"r": [0]}, "reason": "\xff"}'
        sys.stdout.buffer.write(out)
    """,
    )
    assert (
        fault(adapt_command(argv, timeout=30))
        == "solver printed bytes that are not UTF-8 text (byte 52)"
    )


# ------------------------------------------------------------------ SIGTERM is Ctrl-C


def test_sigterm_kills_the_solver_and_exits_3(tmp_path, mark):
    argv = program(
        tmp_path,
        f"""
        import time
        time.sleep(1000)  # {mark}
    """,
    )
    cmd = " ".join(argv)
    code, err = sigterm_when_running(
        [
            "test-solver",
            "--cmd",
            cmd,
            "--profile",
            "smoke",
            "--examples",
            "1",
            "--timeout",
            "60",
            "--claims",
            "APP-B",
        ],
        mark,
        2,
        30,
    )  # and its solver
    assert code == 3 and err.rstrip().endswith("interrupted") and "Traceback" not in err


# ------------------------------------------------------------------ --jsonl

LOOP = """
    import json, os, sys, time
    def once():  # true the first time only, across restarts
        flag = os.path.join(os.path.dirname(os.path.abspath(__file__)), "once")
        if os.path.exists(flag):
            return False
        open(flag, "w").close()
        return True
    starts = os.environ.get("HOSTILE_STARTS")
    if starts:
        with open(starts, "a") as fh:
            fh.write("start\\n")
    SETUP
    for n, line in enumerate(sys.stdin, 1):
        inst = json.loads(line)
        req = inst["requests"][0]
        BODY
        root_only = {req["id"]: [req["parent"].index(-1)]}
        print(json.dumps({"status": "OK", "selected": root_only}), flush=True)
"""


def loop(tmp_path, body="pass", setup="pass", name="loop.py") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(LOOP).replace("SETUP", setup).replace("BODY", body))
    return [PY, str(path)]


def tiny(n: int):
    return parse_instance(
        {
            "budget": 0,
            "requests": [
                {"id": f"q{n}", "target": "1", "parent": [-1, 0], "prob": ["1", "1/2"]}
            ],
        }
    )


def test_jsonl_answers_in_order_from_one_process(tmp_path, mark, monkeypatch):
    starts = tmp_path / "starts"
    monkeypatch.setenv("HOSTILE_STARTS", str(starts))
    solver = LineSolver(loop(tmp_path, setup=f"# {mark}"), timeout=10)
    try:
        for n in range(50):
            assert solver(tiny(n)).selected == {f"q{n}": (0,)}
    finally:
        solver.close()
    assert starts.read_text() == "start\n" and solver.starts == 1


@pytest.mark.parametrize(
    "body, words",
    [
        (
            "if n == 3 and once(): sys.exit(7)",
            "solver exited with code 7 before answering this line",
        ),
        (
            "if n == 3 and once(): os.kill(os.getpid(), 9)",
            "solver was killed by signal SIGKILL before answering this line",
        ),
        (
            "if n == 3 and once(): time.sleep(1000)",
            "solver gave no answer line within the timeout of 1 s (hangs?)",
        ),
        (
            "if n == 3 and once(): print('garbage', flush=True); continue",
            "solver printed a line that is not an answer: 'garbage'",
        ),
        (
            'if n == 3 and once(): print(\'{"status": "OK"}\', flush=True); continue',
            "solver answered a malformed selection",
        ),
        (
            (
                'if n == 3 and once(): print(\'{"status": "OK", "selected": {}}\\n{}\','
                " flush=True); continue"
            ),
            "solver printed more than one line for one instance",
        ),
        (
            "if n == 3 and once(): os.close(1); time.sleep(1000)",
            "solver closed its stdout before answering this line",
        ),
    ],
)
def test_jsonl_crash_hang_or_garbage_is_a_finding_and_a_restart(
    tmp_path, mark, body, words
):
    solver = LineSolver(
        loop(tmp_path, body=body, setup=f"# {mark}"), timeout=1, startup=10
    )
    try:
        assert solver(tiny(1)).ok and solver(tiny(2)).ok
        with pytest.raises(SolverFault) as info:
            prop.run_solver(solver, tiny(3))
        assert words in str(info.value)
        # restarted: the new process counts lines from 1 again, so every later call is
        # answered
        for n in range(4, 7):
            assert solver(tiny(n)).selected == {f"q{n}": (0,)}
        assert solver.starts == 2
    finally:
        solver.close()


def test_jsonl_declines_by_answer(tmp_path, mark):
    body = (
        "if n == 2: print(json.dumps({'status': 'UNSUPPORTED', 'reason': 'not today'}),"
        " flush=True); continue"
    )
    solver = LineSolver(loop(tmp_path, body=body, setup=f"# {mark}"), timeout=5)
    try:
        assert solver(tiny(1)).ok
        with pytest.raises(Declined, match="not today"):
            prop.run_solver(solver, tiny(2))
        assert solver(tiny(3)).ok and solver.starts == 1
    finally:
        solver.close()


def test_jsonl_startup_time_is_allowed_once_per_start(tmp_path, mark):
    argv = loop(tmp_path, setup=f"time.sleep(1.5)  # {mark}")
    slow_start = LineSolver(argv, timeout=1, startup=0.01)
    try:
        assert "timeout of 1 s (+ 0.01 s start-up)" in fault(slow_start)
    finally:
        slow_start.close()
    solver = LineSolver(argv, timeout=1, startup=5)
    try:
        assert solver(tiny(1)).ok and solver(tiny(2)).ok
    finally:
        solver.close()


def test_jsonl_background_children_do_not_outlive_close(tmp_path, mark):
    setup = (
        f"import subprocess; subprocess.Popen([{PY!r}, '-c', 'import time;"
        f" time.sleep(1000)', '{mark}'], start_new_session=True,"
        " stdout=subprocess.DEVNULL)"
    )
    solver = LineSolver(loop(tmp_path, setup=setup), timeout=5)
    assert solver(tiny(1)).ok
    assert (
        len(marked(mark)) >= 2
    )  # the program and its detached sleep, alive between calls
    solver.close()
    assert marked(mark) == []


def test_jsonl_program_ignoring_end_of_input_is_killed_at_close(tmp_path, mark):
    setup = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)"
    solver = LineSolver(
        loop(tmp_path, body="pass", setup=setup + f"  # {mark}"), timeout=5
    )
    assert solver(tiny(1)).ok
    solver.program.proc.stdin.close = lambda: (
        None
    )  # even if end of input never reached it
    solver.close()
    assert marked(mark) == []


def test_test_solver_jsonl_run_finds_the_tie_bug_and_leaves_nothing(mark):
    cmd = (  # marked by the environment
        f"{PY} examples/selectors/eagle_topk_cmd.py --jsonl --topk-ties"
    )
    proc = subprocess.run(
        [
            PY,
            "-m",
            "verify",
            "test-solver",
            "--cmd",
            cmd,
            "--jsonl",
            "--single-request",
            "--no-targets",
            "--max-width",
            "4",
            "--examples",
            "30",
            "--claims",
            "APP-B/ties,THM-P2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "smallest: B=1 roots free | r0: A=1 parent=[-1,0,1] f=[1,1,1]" in proc.stdout
    assert f"--cmd '{cmd}' --jsonl" in proc.stdout.splitlines()[0]
    assert marked(mark) == []


def test_program_object_reads_an_answer_and_sweeps(mark):
    p = Program(
        [PY, "-c", f"import sys; sys.stdout.write(sys.stdin.read()[::-1])  # {mark}"]
    )
    assert p.run_once(b"abc", timeout=30) == (b"cba", b"", 0)
    assert p.swept and marked(mark) == []


def test_sigterm_ends_a_parallel_suite_and_its_workers(mark):
    code, err = sigterm_when_running(
        ["suite", "--profile", "quick", "--jobs", "2"], mark, 3, 60
    )  # and 2 workers
    assert code == 3 and err.rstrip().endswith("interrupted")
    deadline = time.monotonic() + 10
    while (
        marked(mark) and time.monotonic() < deadline
    ):  # workers may take a moment to be reaped
        time.sleep(0.1)


# ------------------------------------------------------------------ issue 22 item 5:
# late lines

LATE = """
    import json, sys, time  # MARK
    for n, line in enumerate(sys.stdin, 1):
        req = json.loads(line)["requests"][0]
        root_only = {req["id"]: [req["parent"].index(-1)]}
        answer = json.dumps({"status": "OK", "selected": root_only})
        print(answer, flush=True)
        # this instance's answer comes twice, the copy a moment later
        if req["id"] == "q1":
            time.sleep(0.3)
            print(answer, flush=True)
"""


def test_a_late_jsonl_line_is_attributed_to_the_instance_that_printed_it(
    tmp_path, mark
):
    path = tmp_path / "late.py"
    path.write_text(textwrap.dedent(LATE).replace("MARK", mark))
    solver = LineSolver([PY, str(path)], timeout=10)
    try:
        first = tiny(1)
        assert solver(first).ok
        time.sleep(1.0)  # the copy is there before the next call
        with pytest.raises(SolverFault) as info:
            solver(tiny(2))
        assert (
            info.value.rule == "protocol" and info.value.instance is first
        )  # about q1, not q2
        assert "another line after its answer" in str(info.value) and '"q1"' in str(
            info.value
        )
        assert solver(tiny(3)).selected == {
            "q3": (0,)
        }  # restarted: the next instance is judged as usual
    finally:
        solver.close()
    # a replay of the first instance alone, on a fresh program that waits for late
    # lines, reproduces it
    fresh = LineSolver([PY, str(path)], timeout=10, linger=1.0)
    try:
        with pytest.raises(SolverFault, match="more than one line for one instance"):
            fresh(tiny(1))
    finally:
        fresh.close()


def test_a_late_line_that_races_the_next_instance_is_attributed_to_its_printer(
    tmp_path, mark
):
    # q1's copy comes 0.3 s after its answer; q2 is sent at once, so the copy is
    # what arrives first after q2 was sent (or with q2's own answer)
    path = tmp_path / "late.py"
    path.write_text(textwrap.dedent(LATE).replace("MARK", mark))
    solver = LineSolver([PY, str(path)], timeout=10)
    first, second = tiny(1), tiny(2)
    try:
        assert solver(first).ok
        try:
            solver(second)  # q1's copy may be taken as q2's answer here ...
            late = solver.settle()  # ... the line count says so as the program exits
        except SolverFault as exc:  # ... or q2's answer came with it: at once
            late = exc
    finally:
        solver.close()
    assert late is not None and late.rule == "protocol" and late.instance is first
    assert '"q1"' in str(late) and "asked alone in a fresh program" in str(late)
    assert not marked(mark)


def test_a_program_that_prints_one_line_per_instance_settles_without_a_finding(
    tmp_path, mark
):
    solver = LineSolver(loop(tmp_path, setup=f"# {mark}"), timeout=10)
    try:
        for n in range(5):
            assert solver(tiny(n)).ok
        assert solver.settle() is None
    finally:
        solver.close()
    assert not marked(mark)


def test_a_late_line_printed_at_exit_is_found_by_settle(tmp_path, mark):
    # the line comes only when stdin is closed: no later call would ever see it
    body = "pass"
    setup = f"# {mark}\nimport atexit; atexit.register(lambda: print('bye'))"
    solver = LineSolver(loop(tmp_path, body=body, setup=setup), timeout=10)
    try:
        assert solver(tiny(1)).ok
        late = solver.settle()
    finally:
        solver.close()
    assert late is not None and late.rule == "protocol" and "'bye'" in str(late)
    assert late.instance is not None and not marked(mark)


@pytest.mark.parametrize(
    "mode, claim, examples",
    [
        ("jsonl_late_race", "RULE-FORMAT", 150),
        ("jsonl_late_thread", "RULE-FORMAT", 150),
        ("jsonl_late_race", "LEM-C1", 30),  # probes budgets: many calls per case
    ],
)
def test_a_late_line_in_a_run_is_one_confirmed_finding_about_its_printer(
    mode, claim, examples, monkeypatch, tmp_path
):
    from verify.report.replay import replay
    from verify.search.claim_search import COUNTEREXAMPLE
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    token = "late" + secrets.token_hex(6)
    monkeypatch.setenv("HOSTILE_TEST_MARK", token)
    monkeypatch.chdir(ROOT)
    spec = SolverSpec(
        "cmd", f"{PY} -m tests.quality.planted_trust {mode}", 10.0, jsonl=True
    )
    options = Options(
        examples=examples, claims=(claim,), seed=1, report_dir=str(tmp_path)
    )
    out = run(spec, options)
    (res,) = out.results
    seen = [(r["condition"], r.get("confirmation")) for r in res.findings]
    seen += [(r["condition"], r.get("confirmation")) for r in res.unconfirmed]
    assert res.verdict == COUNTEREXAMPLE and out.exit_code == 1, (res.note, seen)
    (rec,) = res.findings  # no other verdict: nothing judged against a wrong instance
    assert rec["signature"]["rule"] == "protocol"
    assert rec["instance"]["budget"] == 3  # the instance that printed the copy
    assert rec["confirmation"]["status"] == "confirmed"
    # both lines quoted: the answer, then its copy (an INVALID answer names no id)
    assert rec["condition"].count('{"status": ') == 2, rec["condition"]
    assert "then '{" in rec["condition"], rec["condition"]
    ((where,),) = out.reports.values()
    code, text = replay(os.path.join(where, "report.json"), trust=True)
    assert code == 1 and text.startswith("still fails: solver printed")
    assert "(reproduced 3 of 3, each in a fresh process)" in text  # not "passes now"
    assert not marked(token)

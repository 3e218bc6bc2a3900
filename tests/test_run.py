"""verify/run without Dask: the executor seam, the local pool's faults, the task store,
determinism.

Against what: results in task order equal the in-process run (the simplest executor: a
loop); a killed worker is seen through the operating system (a process that is gone); a
store is judged by what a rerun prints and returns, compared with an uninterrupted run.
The Dask executors are tested in tests/test_dask.py.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time

import pytest

from tests.common import faulty_tasks as ft
from verify.run.executor import (
    InOrder,
    InProcess,
    LocalProcesses,
    make_executor,
    run_tasks,
)
from verify.run.imports import project_modules, settle
from verify.run.pool import ProcessPool, RemoteTraceback
from verify.run.seam import Task, TaskFailed
from verify.run.store import Store


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _squares(n):
    return [Task(ft.square, i, f"square {i}", {"x": i}) for i in range(n)]


@pytest.mark.parametrize(
    "jobs,start", [(1, "fork"), (2, "fork"), (2, "spawn"), (2, "subprocess")]
)
def test_results_come_back_in_task_order(jobs, start):
    seen = []
    tasks = [
        Task(ft.slow_square, (i, 0.05 * (5 - i)), f"t{i}") for i in range(6)
    ]  # the first finish last
    ex = InProcess() if jobs == 1 else LocalProcesses(jobs, start=start)
    with ex:
        out = run_tasks(tasks, ex, on_result=lambda i, r, reused: seen.append(i))
    assert out.results == [i * i for i in range(6)] and out.ran == 6 and out.complete
    if jobs == 2:
        assert seen != sorted(
            seen
        )  # they did finish out of order, and still come back in order


def test_in_order_progress_sees_task_order():
    seen = []
    with LocalProcesses(2) as ex:
        run_tasks(
            [Task(ft.slow_square, (i, 0.05 * (4 - i)), f"t{i}") for i in range(5)],
            ex,
            on_result=InOrder(lambda i, r, reused: seen.append((i, r))),
        )
    assert seen == [(i, i * i) for i in range(5)]


def test_a_worker_killed_mid_task_is_replaced_and_the_task_reruns(tmp_path):
    tasks = [Task(ft.die_once, (i, str(tmp_path / f"m{i}")), f"d{i}") for i in range(3)]
    with ProcessPool(2) as pool:
        got = dict(pool.imap(lambda t: t, []))  # an empty run is fine
        assert got == {}
        out = dict(pool.imap(ft.die_once, [t.arg for t in tasks]))
        pids = [w.proc.pid for w in pool.workers]
    assert out == {0: 0, 1: 1, 2: 4}
    assert all(
        (tmp_path / f"m{i}").exists() for i in range(3)
    )  # each did kill a worker once
    assert not any(_alive(p) for p in pids)


def test_a_task_that_keeps_killing_workers_is_reported_not_dropped():
    with ProcessPool(2, allowed_failures=1) as pool:
        out = dict(
            pool.imap(
                ft.dispatch,
                [("ok", 3), ("die", 0), ("ok", 4)],
                names=lambda i: f"task {i}",
            )
        )
    assert out[0] == 9 and out[2] == 16
    assert isinstance(out[1], TaskFailed) and out[1].what == "task 1"
    assert "killed 2 worker processes" in out[1].reason and "SIGKILL" in out[1].reason


def test_a_failed_task_becomes_an_inconclusive_row_of_the_suite(monkeypatch):
    from verify.commands import suite

    job = suite.plan("smoke", claims=["RULE-FORMAT"], solver="reference")[0]
    res = suite.failed_result(job, "killed 4 worker processes")
    assert res.verdict == "inconclusive" and "killed 4 worker processes" in res.note
    assert suite.exit_code([res]) == 3  # never a pass


def test_an_exception_in_a_worker_is_raised_with_its_traceback():
    with LocalProcesses(2) as ex:
        with pytest.raises(ValueError, match="bad 7") as info:
            run_tasks([Task(ft.raise_value_error, 7, "r")], ex)
    assert isinstance(info.value.__cause__, RemoteTraceback)
    assert "raise_value_error" in str(info.value.__cause__)


def test_a_deadline_stops_running_tasks_and_leaves_no_process():
    pool = ProcessPool(2)
    t0 = time.monotonic()
    out = dict(
        pool.imap(ft.slow_square, [(1, 0.0), (2, 60.0), (3, 60.0)], deadline=t0 + 1.0)
    )
    pids = [w.proc.pid for w in pool.workers]
    pool.close()
    assert out == {0: 1} and time.monotonic() - t0 < 10
    assert not any(_alive(p) for p in pids)


def test_a_deadline_kills_the_solver_programs_of_the_stopped_workers(tmp_path):
    """A stopped worker's --cmd solver (in a session of its own) must not outlive the
    run."""
    from verify import solver_check as ts
    from verify.subject.spec import SolverSpec

    spec = SolverSpec(
        "cmd", f"{sys.executable} -m tests.common.faulty_tasks {tmp_path}", 60
    )
    opts = ts.Options(examples=30, claims=("RULE-BUDGET", "THM-P2"))
    with LocalProcesses(2) as ex:
        out = run_tasks(
            ts.claim_tasks(spec, opts, ts.plan(opts)[0]),
            ex,
            deadline=time.monotonic() + 2.0,
        )
    assert out.results == [None, None]
    pids = [int(p.read_text()) for p in tmp_path.glob("pid-*")]
    assert pids  # the solvers did start (and hang)
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)]


def test_not_run_tasks_are_none_and_the_outcome_is_incomplete():
    with LocalProcesses(2) as ex:
        out = run_tasks(
            [
                Task(ft.slow_square, (i, 0.0 if i == 0 else 60.0), f"t{i}")
                for i in range(3)
            ],
            ex,
            deadline=time.monotonic() + 1.0,
        )
    assert out.results[0] == 0 and out.results[1:] == [None, None] and not out.complete


# ------------------------------------------------------------------ store


def test_store_reuses_finished_tasks_and_says_how_many(tmp_path):
    notes = []
    store = Store(str(tmp_path / "s"), fingerprint="a" * 64)
    first = run_tasks(_squares(3), InProcess(), store=store, note=notes.append)
    assert first.ran == 3 and first.reused == 0
    store = Store(str(tmp_path / "s"), fingerprint="a" * 64)
    again = run_tasks(_squares(5), InProcess(), store=store, note=notes.append)
    assert again.results == first.results + [9, 16]
    assert (again.reused, again.ran) == (3, 2)
    assert (
        notes[-1]
        == f"store {tmp_path / 's'}: reused 3 of 5 tasks finished earlier by the same"
        " code"
    )
    entry = json.loads(next((tmp_path / "s" / ("a" * 16)).glob("*.json")).read_text())
    assert {"what", "inputs", "fingerprint", "result", "summary", "finished"} <= set(
        entry
    )


def test_a_store_made_by_other_code_is_not_reused(tmp_path):
    run_tasks(
        _squares(2), InProcess(), store=Store(str(tmp_path), fingerprint="a" * 64)
    )
    other = Store(str(tmp_path), fingerprint="b" * 64)
    assert other.describe().endswith(
        "0 finished tasks of this code; 2 tasks of other code not reused"
    )
    out = run_tasks(_squares(2), InProcess(), store=other)
    assert (out.reused, out.ran) == (0, 2)


def test_a_store_refuses_a_directory_that_is_not_one(tmp_path):
    from solver.errors import InputError

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a task store"):
        Store(str(tmp_path))


def test_interrupt_keeps_what_finished(tmp_path):
    notes = []
    calls = {"n": 0}

    def stop_after_two(i, r, reused):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    store = Store(str(tmp_path), fingerprint="c" * 64)
    with pytest.raises(KeyboardInterrupt):
        run_tasks(
            _squares(4),
            InProcess(),
            store=store,
            on_result=stop_after_two,
            note=notes.append,
        )
    assert "keeps 2 finished tasks" in notes[-1]
    out = run_tasks(
        _squares(4), InProcess(), store=Store(str(tmp_path), fingerprint="c" * 64)
    )
    assert (out.reused, out.ran, out.results) == (2, 2, [0, 1, 4, 9])


def test_a_changed_solver_file_is_other_code(tmp_path, monkeypatch):
    from verify.run.fingerprint import subject_fingerprint

    (tmp_path / "my_sel.py").write_text("def select(obj):\n    return None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = subject_fingerprint("callable", "my_sel:select")
    (tmp_path / "my_sel.py").write_text("def select(obj):\n    return 1\n")
    assert subject_fingerprint("callable", "my_sel:select") != before
    script = tmp_path / "prog.py"
    script.write_text("print(1)\n")
    assert list(subject_fingerprint("cmd", f"python3 {script} --fast")) == [str(script)]


# ------------------------------------------------------------------ determinism and the
# commands


def test_settle_imports_every_project_module():
    settle()
    missing = [m for m in project_modules() if m not in sys.modules]
    assert not missing
    assert (
        "verify.commands.results" in project_modules()
        and "proofs.bounded.tasks" in project_modules()
    )


def test_suite_in_processes_equals_in_process_and_a_store_rerun_reuses_everything(
    tmp_path,
):
    from verify.commands import suite

    jobs = suite.plan("smoke", claims=["RULE-BUDGET", "RULE-TARGET"])
    one = suite.run(jobs, 1)
    with make_executor(2) as ex:
        two = suite.run(jobs, 2, executor=ex, store=Store(str(tmp_path)))
    assert ft.without_seconds(one) == ft.without_seconds(two)
    assert any(
        r.verdict == "counterexample" for r in one
    )  # the paper variants' findings
    lines = []
    again = suite.run(
        jobs, 2, store=Store(str(tmp_path)), progress=lines.append, note=lines.append
    )
    assert ft.without_seconds(again) == ft.without_seconds(one)
    assert (
        lines[-1]
        == f"store {tmp_path}: reused {len(jobs)} of {len(jobs)} tasks finished earlier"
        " by the same code"
    )
    assert all(line.endswith("from the store)") for line in lines[1:-1])


def test_test_solver_properties_in_parallel_give_the_sequential_result():
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    spec = SolverSpec("callable", "tests.quality.planted:budget_ge0")
    options = Options(examples=30)
    lines: list[str] = []
    one = run(spec, options)
    with make_executor(2, preload=("tests.quality.planted",)) as ex:
        two = run(spec, options, executor=ex, progress=lines.append)
    assert (
        ft.without_seconds(one.results) == ft.without_seconds(two.results)
        and two.exit_code == 1
    )
    table = [line.split("]")[0] for line in lines if "/9] " in line]
    assert table == [f"[{i:>2}/9" for i in range(1, 10)]  # table order
    found = [
        line for line in lines if "] finding: " in line
    ]  # each confirmed finding, as it came
    assert len(found) == sum(len(r.findings) for r in two.results) > 0


def test_test_solver_cli_jobs_and_store(tmp_path, capsys):
    from verify.commands import solver_cli as test_solver

    store = str(tmp_path / "store")
    args = [
        "test-solver",
        "tests.quality.planted:no_slo",
        "--examples",
        "20",
        "--claims",
        "RULE-TARGET,THM-P1",
        "--jobs",
        "2",
        "--store",
        store,
    ]
    runs = []
    for _ in range(2):
        out, err = io.StringIO(), io.StringIO()
        from verify.commands import cli

        spec, options = test_solver.usage_to_run(cli.build_parser().parse_args(args))
        code = test_solver.main_test_solver(
            spec, options, out=out, err=err, jobs=2, store_dir=store
        )
        runs.append((code, out.getvalue(), err.getvalue()))

    def strip(s):
        return [line for line in s.splitlines() if not line.startswith("result:")]

    assert runs[0][0] == runs[1][0] == 1 and strip(runs[0][1]) == strip(runs[1][1])
    assert "reused 2 of 2 tasks" in runs[1][2] and "reused" not in runs[0][2]
    assert (
        cli.main(args) == 1 and "reused 2 of 2 tasks" in capsys.readouterr().err
    )  # the command line itself


def test_dask_without_distributed_is_one_line_and_exit_2(monkeypatch, capsys):
    from verify.commands import cli

    monkeypatch.setitem(
        sys.modules, "distributed", None
    )  # import distributed -> ImportError
    assert (
        cli.main(["--profile", "smoke", "--claims", "APP-B", "--dask", "local:2"]) == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: --dask needs the optional dependency 'distributed': pip install -e"
        ' ".[dask]"'
    ]
    from proofs import __main__ as proofs_cli

    assert (
        proofs_cli.main(
            ["--max-nodes", "2", "--pair-max", "0", "--dask", "local:2", "--quiet"]
        )
        == 2
    )
    assert "pip install -e" in capsys.readouterr().err


def test_bad_dask_address_is_a_usage_error(capsys):
    from verify.commands import cli

    assert cli.main(["--profile", "smoke", "--dask", "local:zero"]) == 2
    assert "local:N needs N >= 1" in capsys.readouterr().err


def test_proofs_store_rerun_reuses_every_task_and_prints_the_same_table(
    tmp_path, capsys
):
    from proofs import __main__ as proofs_cli

    args = [
        "--max-nodes",
        "4",
        "--pair-max",
        "2",
        "--allow-ties",
        "--out",
        str(tmp_path / "o"),
        "--no-reports",
        "--store",
        str(tmp_path / "s"),
    ]
    assert proofs_cli.main(args) == 1
    first = capsys.readouterr()
    assert proofs_cli.main(args) == 1
    second = capsys.readouterr()

    def table(text):
        return [
            line.rsplit(None, 1)[0]
            for line in text.splitlines()[1:]
            if line[:1].isupper()
        ]

    assert table(first.out) == table(second.out)
    assert "finished tasks of this code" in second.err and "reused" in second.err


def _children_of(pid: int) -> list[int]:
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as fh:
            out += [int(x) for x in fh.read().split()]
    return out


@pytest.mark.skipif(
    not os.path.isdir("/proc/self/task"), reason="needs Linux /proc to see the workers"
)
def test_ctrl_c_stops_the_workers_and_the_store_resumes(tmp_path):
    import signal
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    store = tmp_path / "store"
    cmd = [
        sys.executable,
        "-m",
        "verify",
        "--profile",
        "quick",  # long enough to be interrupted: smoke ended first when loaded
        "--solver",
        "reference",
        "--claims",
        "APP-B,APP-B/ties,RULE-FORMAT,RULE-BUDGET,RULE-TARGET,THM-P1,THM-P2,LEM-C2",
        "--jobs",
        "2",
        "--store",
        str(store),
    ]
    run = subprocess.Popen(
        cmd,
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def count():
        return sum(len(f) for _, _, f in os.walk(store)) - 1 if store.exists() else 0

    deadline = time.monotonic() + 60
    while count() < 3 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert run.poll() is None, "the run ended before the signal"
    workers = _children_of(run.pid)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 3, err
    assert "interrupted: the store" in err and "rerun the same command to resume" in err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert workers and not any(_alive(p) for p in workers)
    again = subprocess.run(
        cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    fresh = subprocess.run(
        cmd[:-2], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )

    def table(text):
        return [line for line in text.splitlines() if not line.startswith("total ")]

    assert again.returncode == fresh.returncode and table(again.stdout) == table(
        fresh.stdout
    )
    assert "reused" in again.stderr


def test_pillow_is_imported_only_when_drawing():
    # the pictures are drawn by hand and rasterised by Pillow (verify/report/chart.py);
    # matplotlib is not imported at all
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def run(*extra):
        return subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "verify",
                "test-solver",
                "tests.quality.planted:budget_ge0",
                "--examples",
                "40",
                "--claims",
                "RULE-BUDGET",
                "--jobs",
                "1",
                *extra,
            ],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=root),
            capture_output=True,
            text=True,
            timeout=120,
        )

    plain = run()
    assert plain.returncode == 1 and "PIL." not in plain.stderr
    import tempfile

    with (
        tempfile.TemporaryDirectory() as tmp
    ):  # the check can fail: drawing does import it
        drawn = run("--report-dir", tmp)
    assert drawn.returncode == 1 and "PIL.Image" in drawn.stderr
    assert "matplotlib" not in drawn.stderr


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)
def test_workers_die_with_a_killed_caller(tmp_path):
    """SIGKILL to the command leaves no worker behind (forked workers hold each other's
    pipes)."""
    import signal
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "verify",
            "test-solver",
            "tests.quality.planted:correct_other_ties",
            "--jobs",
            "2",
        ],
        cwd=root,
        env=dict(os.environ, PYTHONPATH=root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = _children_of(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in workers if _alive(p)]
    for p in left:
        os.kill(p, signal.SIGKILL)
    assert len(workers) == 2 and not left


# ------------------------------------------------------------------ issue 22 item 4:
# python -m NAME

_MODULE_SELECTOR = """import json, sys
from solver.parse import parse_instance
from solver.reference import solve_reference
inst = parse_instance(json.load(sys.stdin))
sel = solve_reference(inst).to_json()
sel.pop("certificate", None)
if {buggy}:  # every node of every request: over the budget whenever it binds
    every = {{r.id: list(range(len(r.tree))) for r in inst.requests}}
    sel = {{"status": "OK", "selected": every}}
json.dump(sel, sys.stdout)
"""


def test_store_does_not_reuse_results_of_an_edited_python_m_module(
    tmp_path, monkeypatch, capsys
):
    from verify.commands import cli
    from verify.run.fingerprint import subject_fingerprint

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mysel.py").write_text(_MODULE_SELECTOR.format(buggy=False))
    cmd = f"{sys.executable} -m mysel"
    before = subject_fingerprint("cmd", cmd)
    assert str(tmp_path / "mysel.py") in before
    args = [
        "test-solver",
        "--cmd",
        cmd,
        "--claims",
        "RULE-BUDGET",
        "--examples",
        "10",
        "--store",
        "s",
    ]
    assert cli.main(args) == 0
    (tmp_path / "mysel.py").write_text(_MODULE_SELECTOR.format(buggy=True))
    assert subject_fingerprint("cmd", cmd) != before
    assert (
        cli.main(args) == 1
    )  # the edited solver is run, not the stored results of the old one
    assert "reused" not in capsys.readouterr().err


def test_an_unresolvable_python_m_module_is_never_reused_and_the_run_says_why(
    tmp_path, monkeypatch
):
    from verify.run.fingerprint import subject_fingerprint, subject_notes

    monkeypatch.chdir(tmp_path)
    cmd = f"{sys.executable} -m no_such_module_here"
    fp = subject_fingerprint("cmd", cmd)
    assert "not reused" in fp["python -m no_such_module_here"]
    assert subject_notes("cmd", cmd) == [
        "store: --cmd runs python -m no_such_module_here, whose file was not found: "
        "its results are never reused"
    ]
    assert subject_notes("cmd", f"{sys.executable} -m json") == []

"""verify/run on a real Dask: a LocalCluster of 2 workers, a scheduler and workers
started as separate processes on 127.0.0.1, a worker killed mid-run, a scheduler lost
mid-run and the run resumed.

Against what: every Dask run is compared with the same run on local processes (same
verdicts, same minimal counterexamples, same proof rows); faults are caused for real
(SIGKILL) and judged by what the command prints and returns.  Every cluster and process
started here is stopped by its fixture, also when a test fails.

distributed is part of the ``test`` extra (what CI installs), so these tests run in CI;
they skip, saying why, only where it is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason='distributed is not installed: pip install -e ".[test]"'
)

from tests.common import faulty_tasks as ft  # noqa: E402
from verify.run.dask_executor import DaskExecutor  # noqa: E402
from verify.run.executor import make_executor, run_tasks  # noqa: E402
from verify.run.seam import ExecutorUnavailable, Task, TaskFailed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = dict(
    os.environ, PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in sys.path if p])
)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes (one thread each) for the module's tests."""
    c = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=50,
    )
    try:
        yield c
    finally:
        c.close()


def test_results_in_task_order_on_a_local_cluster(cluster):
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert ex.workers == 2 and not ex.warnings()
        out = run_tasks(
            [Task(ft.slow_square, (i, 0.05 * (5 - i)), f"t{i}") for i in range(6)], ex
        )
    assert out.results == [i * i for i in range(6)]


def test_suite_on_dask_equals_local_processes(cluster):
    from verify.commands import suite

    jobs = suite.plan("smoke", claims=["RULE-BUDGET", "THM-P1", "ORACLES"])
    local = suite.run(jobs, 2)
    with DaskExecutor(cluster.scheduler_address) as ex:
        on_dask = suite.run(jobs, executor=ex)
    assert ft.without_seconds(on_dask) == ft.without_seconds(local)
    assert any(
        r.counterexample for r in local
    )  # a minimal counterexample is compared too


def test_test_solver_on_dask_equals_local_and_a_hang_still_times_out(cluster):
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    spec = SolverSpec("callable", "tests.quality.planted:float_target")
    options = Options(examples=60, claims=("LEM-C1", "THM-P1", "RULE-TARGET"))
    with make_executor(2, preload=("tests.quality.planted",)) as ex:
        local = run(spec, options, executor=ex)
    with DaskExecutor(
        cluster.scheduler_address, preload=("tests.quality.planted",)
    ) as ex:
        on_dask = run(spec, options, executor=ex)
        # Dask runs tasks in worker threads: the per-call timeout of a Python solver
        # must still
        # hold (it runs in a selector worker; hang_always itself would be a setup error)
        hang = run(
            SolverSpec("callable", "tests.common.faulty_tasks:hang_after_warmup", 0.2),
            Options(examples=5, claims=("RULE-FORMAT",)),
            executor=ex,
        )
    assert ft.without_seconds(on_dask.results) == ft.without_seconds(local.results)
    assert "within the timeout of 0.2 s" in hang.results[0].counterexample["condition"]


def test_a_worker_killed_mid_run_reruns_its_task_elsewhere(cluster, tmp_path):
    tasks = [Task(ft.slow_square, (i, 0.2), f"s{i}") for i in range(6)]
    tasks.insert(3, Task(ft.die_once, (7, str(tmp_path / "marker")), "dies once"))
    with DaskExecutor(cluster.scheduler_address) as ex:
        out = run_tasks(tasks, ex)
    assert (tmp_path / "marker").exists()  # the worker running it was killed
    assert out.results == [0, 1, 4, 49, 9, 16, 25] and not out.failed


def test_a_task_that_keeps_killing_workers_is_reported():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        c = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=50,
        )
    try:
        with DaskExecutor(c.scheduler_address) as ex:
            out = run_tasks(
                [
                    Task(ft.square, 3, "fine"),
                    Task(ft.die_always, 0, "killer"),
                    Task(ft.square, 4, "ok"),
                ],
                ex,
            )
    finally:
        c.close()
    assert out.results[0] == 9 and out.results[2] == 16
    assert isinstance(out.results[1], TaskFailed) and out.results[1].what == "killer"
    assert "died" in out.results[1].reason


def test_unreachable_scheduler_is_a_usage_error(monkeypatch):
    from verify.run import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    with pytest.raises(ExecutorUnavailable, match="cannot reach the Dask scheduler"):
        DaskExecutor(f"127.0.0.1:{port}")


# ------------------------------------------------------------------ separate processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Processes started in their own session, all killed (with their children) at the
    end."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, *argv, **kw) -> subprocess.Popen:
        p = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env=ENV,
            start_new_session=True,
            stdout=kw.pop("stdout", subprocess.DEVNULL),
            stderr=kw.pop("stderr", subprocess.DEVNULL),
            **kw,
        )
        self.procs.append(p)
        return p

    def kill(self, p: subprocess.Popen) -> None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=30)

    def scheduler_and_worker(
        self, workers: int = 2
    ) -> tuple[str, subprocess.Popen, subprocess.Popen]:
        port = _free_port()
        address = f"tcp://127.0.0.1:{port}"
        sched = self.start(
            "dask",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        )
        worker = self.start(
            "dask",
            "worker",
            address,
            "--nworkers",
            str(workers),
            "--nthreads",
            "1",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
        )
        return address, sched, worker

    def close(self) -> None:
        for p in self.procs:  # also the finished ones: their children may live on
            self.kill(p)


@pytest.fixture
def procs():
    ps = Processes()
    try:
        yield ps
    finally:
        ps.close()


def _rows(stdout: str) -> list[list[str]]:
    """The proofs table without the seconds column."""
    rows = []
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in (
            "RUN-PERM",
            "RUN",
            "APP-B",
            "LEM-C1",
            "LEM-C2",
            "RUN-PAIR",
            "THM-P1",
            "THM-P2",
        ):
            rows.append(parts[:-1])
    return rows


def _proofs(*args, timeout=180):
    return subprocess.run(
        [PY, "-m", "proofs", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_proofs_through_a_separately_started_scheduler_and_workers(procs, tmp_path):
    address, _, _ = procs.scheduler_and_worker()
    common = [
        "--max-nodes",
        "6",
        "--pair-max",
        "2",
        "--no-reports",
        "--out",
        str(tmp_path),
    ]
    on_dask = _proofs(*common, "--dask", address, "--json", "--quiet")
    local = _proofs(*common, "--jobs", "2", "--json", "--quiet")
    assert on_dask.returncode == local.returncode == 0, on_dask.stderr[-2000:]
    dask_out, local_out = json.loads(on_dask.stdout), json.loads(local.stdout)

    def strip(out):
        return [{k: v for k, v in r.items() if k != "seconds"} for r in out["rows"]]

    assert strip(dask_out) == strip(local_out) and len(local_out["rows"]) > 20
    assert (
        dask_out["settings"]["dask"] == address and "dask" not in local_out["settings"]
    )


def test_a_lost_scheduler_ends_the_run_and_the_store_resumes_it(procs, tmp_path):
    store = tmp_path / "store"
    common = [
        "--max-nodes",
        "6",
        "--pair-max",
        "0",
        "--no-reports",
        "--out",
        str(tmp_path / "o"),
        "--store",
        str(store),
    ]
    address, sched, worker = procs.scheduler_and_worker(workers=1)
    run = procs.start(
        PY,
        "-m",
        "proofs",
        *common,
        "--dask",
        address,
        "--quiet",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120

    def entries():
        return sum(len(files) for _, _, files in os.walk(store)) - 1  # store.json aside

    while entries() < 5 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    procs.kill(sched)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 3, (
        f"exit {run.returncode} after {entries()} stored tasks",
        err[-2000:],
    )
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    assert lines[0].startswith(
        "python -m proofs: inconclusive: lost the Dask scheduler"
    )
    assert (
        f"the store {store} keeps" in lines[0]
        and "rerun the same command to resume" in lines[0]
    )
    kept = entries()
    assert kept >= 5
    procs.kill(worker)

    address, _, _ = procs.scheduler_and_worker()
    again = _proofs(*common, "--dask", address)
    fresh = _proofs(
        "--max-nodes",
        "6",
        "--pair-max",
        "0",
        "--no-reports",
        "--out",
        str(tmp_path / "o2"),
        "--jobs",
        "2",
    )
    assert again.returncode == fresh.returncode == 0, again.stderr[-2000:]
    assert _rows(again.stdout) == _rows(fresh.stdout)
    assert f"store {store}: reused {kept} of " in again.stderr


def test_a_worker_with_other_code_is_refused(cluster):
    from verify.run import dask_executor

    with DaskExecutor(cluster.scheduler_address) as ex:
        ex.fingerprint = "0" * 64  # as if this checkout differed from the workers'
        with pytest.raises(dask_executor.OtherCode, match="runs other code"):
            run_tasks([Task(ft.square, 2, "sq")], ex)


def test_a_deadline_on_dask_returns_what_finished_and_the_executor_stays_usable(
    cluster,
):
    with DaskExecutor(cluster.scheduler_address) as ex:
        run_tasks(
            [Task(ft.square, i, f"warm {i}") for i in range(4)], ex
        )  # the workers have settled
        out = run_tasks(
            [
                Task(ft.slow_square, (i, 0.0 if i < 2 else 3.0), f"t{i}")
                for i in range(6)
            ],
            ex,
            deadline=time.monotonic() + 1.5,
        )
        assert (
            out.results[:2] == [0, 1]
            and out.results[2:] == [None] * 4
            and not out.complete
        )
        assert run_tasks([Task(ft.square, 5, "after")], ex).results == [
            25
        ]  # nothing of the first run mixes in

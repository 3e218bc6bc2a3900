"""Solvers die with the worker that started them (issue 22 items 11, 12, 13).

A ``--cmd`` solver that hangs, and a child it forked, are started by a worker: a
``--jobs`` process, a Dask ``local:N`` worker.  Whatever ends that worker (SIGTERM or
Ctrl-C to the run, the time budget, SIGKILL to the worker itself) ends the solver
and its child too, and no process of the run is left when the command returns.

Each test puts a word unique to it on the solver's command line and counts the live
processes whose command line carries it (``ps`` as a function: :func:`running`).
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

from tests.common.processes import live_processes

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="process containment uses /proc"
)

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SLEEPER = """
    import json, os, sys, time
    flag = sys.argv[1]
    inst = json.loads(sys.stdin.read())
    # the first call (the warm-up before the run) answers at once
    if not os.path.exists(flag):
        open(flag, "w").close()
        req = inst["requests"][0]
        root_only = {req["id"]: [req["parent"].index(-1)]}
        print(json.dumps({"status": "OK", "selected": root_only}))
        sys.exit(0)
    if os.fork() == 0:  # a child of the solver, sleeping too
        os.setsid()
        time.sleep(1000)
        os._exit(0)
    time.sleep(1000)
"""


def running(word: str) -> list[int]:
    """Live solver processes (``python .../sleeper.py FLAG``) whose command line carries
    ``word`` (zombies do not count; the run itself, whose --cmd names the sleeper too,
    does not)."""
    out = []
    for pid, cmd, _ in live_processes():
        argv = cmd.split(b"\0")
        if word.encode() in cmd and len(argv) > 1 and argv[1].endswith(b"sleeper.py"):
            out.append(pid)
    return out


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        return int(fh.read().rsplit(b")", 1)[1].split()[1])


@pytest.fixture
def word(tmp_path):
    """A word unique to the test, on the solver's command line; nothing carrying it may
    be left."""
    token = "contained" + secrets.token_hex(6)
    yield token
    deadline = time.monotonic() + 5  # a killed process may take a moment to go
    while running(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = running(token)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"processes left behind: {left}"


def sleeper(tmp_path, word: str) -> str:
    path = tmp_path / "sleeper.py"
    path.write_text(textwrap.dedent(SLEEPER))
    return f"{PY} {path} {tmp_path / ('first-' + word)}"


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "-m", "verify", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def wait_for(word: str, n: int, proc: subprocess.Popen, limit: float = 90) -> list[int]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and len(running(word)) < n:
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    found = running(word)
    assert len(found) >= n, (
        f"only {len(found)} solver processes ran: {proc.poll()}"
        f" {proc.stderr.read() if proc.poll() is not None else ''}"
    )
    return found


def run_args(cmd: str, *extra: str) -> list[str]:
    return [
        "test-solver",
        "--cmd",
        cmd,
        "--timeout",
        "60",
        "--profile",
        "smoke",
        "--examples",
        "2",
        "--claims",
        "APP-B,RULE-BUDGET",
        *extra,
    ]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_a_dask_local_run_leaves_no_solver(tmp_path, word, sig):
    """Item 11: SIGTERM or Ctrl-C ends a --dask local:2 run, its workers and their
    solvers."""
    proc = start(run_args(sleeper(tmp_path, word), "--dask", "local:2"))
    try:
        wait_for(word, 4, proc)  # two solvers, each with its child
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 3 and "Traceback" not in err, err


def test_time_budget_of_a_dask_local_campaign_leaves_no_solver(tmp_path, word):
    """Item 11: the time budget ends a campaign on --dask local:2 with solvers still
    running."""
    args = [
        "campaign",
        "--seeds",
        "0-",
        "--time-budget",
        "4",
        "--dask",
        "local:2",
        *run_args(sleeper(tmp_path, word)),
    ]
    proc = start(args)
    try:
        wait_for(word, 2, proc)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert "Traceback" not in err, err


def test_a_killed_local_worker_takes_its_solver_along(tmp_path, word):
    """Item 12: SIGKILL to a --jobs worker kills the solver it started, and the solver's
    child, at once (the run goes on; the task runs again on a fresh worker)."""
    proc = start(run_args(sleeper(tmp_path, word), "--jobs", "2"))
    try:
        found = wait_for(word, 4, proc)
        solvers = [
            p for p in found if parent_of(p) not in found
        ]  # not the sleeper's own child
        victim = parent_of(solvers[0])
        assert victim not in (1, os.getpid(), proc.pid)
        mine = {p for p in found if p == solvers[0] or _descends(p, solvers[0])}
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and set(running(word)) & mine:
            time.sleep(0.1)
        assert not set(running(word)) & mine, (
            "the killed worker's solver (or its child) still runs"
        )
        assert proc.poll() is None  # the run goes on
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        proc.kill()


def test_a_killed_dask_worker_takes_its_solver_along(tmp_path, word):
    """Item 13: SIGKILL to a Dask worker kills its task's solver; no BrokenPipeError
    traceback; nothing is left after the run."""
    proc = start(run_args(sleeper(tmp_path, word), "--dask", "local:2"))
    try:
        found = wait_for(word, 4, proc)
        solver = next(p for p in found if parent_of(p) not in found)
        assert parent_of(solver) not in (1, os.getpid(), proc.pid)
        os.kill(parent_of(solver), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and solver in running(word):
            time.sleep(0.1)
        assert solver not in running(word), "the killed Dask worker's solver still runs"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "BrokenPipeError" not in err and "Traceback" not in err, err


def _descends(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid > 1 and seen < 64:
        try:
            pid = parent_of(pid)
        except OSError:
            return False
        if pid == ancestor:
            return True
        seen += 1
    return False

"""Selector workers (issue 20 part 1): calls that cannot poison each other.

A Python selector runs in a worker process of its own; a call past its timeout kills
that worker and everything it started, the next call gets a fresh one, and the
search process never runs (nor interrupts) the selector's code.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

import pytest

from solver.errors import Inconclusive, SetupError, SolverFault
from solver.parse import parse_instance
from tests.common.processes import live_processes
from verify.search import properties as prop
from verify.subject.adapters import adapt_callable
from verify.subject.spec import SolverSpec, SpecError, preflight

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="selector workers fork (POSIX)"
)

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
OK = {"status": "OK", "selected": {"r": [0, 1]}}
STATE = {"model": None}


def fault(solver) -> SolverFault:
    with pytest.raises(SolverFault) as info:
        prop.run_solver(solver, INST)
    return info.value


def loads_slowly(obj):
    """Like a lazy ``import torch``: half-done state if interrupted, then every call
    fails."""
    if STATE["model"] == "loading":
        raise ImportError("partially initialized module 'model'")
    if STATE["model"] is None:
        STATE["model"] = "loading"
        time.sleep(1.5)
        STATE["model"] = "ready"
    return OK


def test_a_timed_out_call_poisons_nothing_the_next_call_gets_a_fresh_worker():
    solver = adapt_callable(loads_slowly, 0.5)  # no warm-up: the load itself is timed
    try:
        assert fault(solver).kind == "timeout"
        second = fault(
            solver
        )  # a fresh worker loads again: a timeout again, never the half-done state
        assert second.kind == "timeout" and "partially" not in str(second)
        assert STATE["model"] is None  # the search process never ran the selector
    finally:
        solver.close()


def test_the_warm_up_call_takes_the_slow_load_out_of_the_timed_calls():
    solver = adapt_callable(loads_slowly, 0.5, warmup=INST)
    try:
        assert prop.run_solver(solver, INST).selected == {"r": (0, 1)}
        assert prop.run_solver(solver, INST).ok and solver.starts == 1
    finally:
        solver.close()


def _marked(word: str) -> list[int]:
    return [pid for pid, cmd, _ in live_processes() if word.encode() in cmd]


def test_a_timeout_kills_the_worker_and_what_it_started():
    word = "selworker" + secrets.token_hex(5)

    def spawns_and_hangs(obj):
        subprocess.Popen(
            [sys.executable, "-c", f"import time; time.sleep(600)  # {word}"],
            start_new_session=True,
        )
        time.sleep(600)

    solver = adapt_callable(spawns_and_hangs, 1.0)
    try:
        deadline = time.monotonic() + 5
        assert fault(solver).kind == "timeout"
        while _marked(word) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _marked(word)
    finally:
        solver.close()
        for pid in _marked(word):
            os.kill(pid, signal.SIGKILL)


def test_sys_exit_and_a_killed_worker_are_findings_and_the_caller_goes_on():
    exits = adapt_callable(lambda obj: sys.exit(4), 10)
    dies = adapt_callable(lambda obj: os.kill(os.getpid(), signal.SIGKILL), 10)
    try:
        f = fault(exits)
        assert f.kind == "raised" and f.rule == "SystemExit"
        f = fault(dies)
        assert f.kind == "crashed" and "SIGKILL" in str(f)
    finally:
        exits.close()
        dies.close()


def test_a_selector_that_cannot_start_is_a_setup_error_naming_module_and_exception():
    def broken(obj):
        raise ModuleNotFoundError("No module named 'torch'")

    solver = adapt_callable(broken, 10, warmup=INST, module="my.selector")
    with pytest.raises(
        SetupError,
        match=r"module 'my.selector' cannot start: .*ModuleNotFoundError: No module",
    ):
        solver.start()
    with pytest.raises(
        Inconclusive
    ):  # during a run: that case undecided, never a finding
        solver(INST)
    solver.close()
    with pytest.raises(
        SpecError, match="cannot import 'no_such_module_xyz'"
    ):  # a usage error, exit 2
        preflight(SolverSpec("callable", "no_such_module_xyz:f"), INST)

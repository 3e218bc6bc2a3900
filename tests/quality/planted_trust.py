"""Planted selectors for findings you can trust (issue 20 parts 1, 2 and 7).

Each is written the way an external team hands one in (a callable on the instance
JSON dict, or a program); ``tests/quality/test_trust.py`` requires the exact outcome
in the table, and ``benchmarks/bench_trust.py`` runs them with 5 seeds, on a quiet
machine and with two busy loops.


``jsonl late_race``        correct, one line per instance,    one finding (rule
(--jsonl)                  but on budget 3 it prints its      protocol) about a budget-3
                           answer again 0.3 s later (one      instance, quoting the
                           thread: the next instance is sent  copy; exit 1
                           before that)
``jsonl late_thread``      the same copy, printed by a        the same
(--jsonl)                  background thread while the
                           program answers on
=========================  =================================  ===================

``PLANTED_LOAD_SECONDS`` (default 2) is the load time; ``PLANTED_COIN`` names a
file whose counter replaces the random coin of :func:`random_ties_orphan` (heads
on odd counts), so a test gets the same replays every time.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

from tests.quality.planted import _greedy, correct_other_ties, gettop_all

_LOADED = [False]  # the "model": set only once a load has finished


def _load_model() -> None:
    if not _LOADED[0]:
        time.sleep(float(os.environ.get("PLANTED_LOAD_SECONDS", "2")))
        _LOADED[0] = True


def slow_first_orphan(obj):
    """A slow first call (a model load), then GetTop over all unselected nodes (orphans
    on ties)."""
    _load_model()
    return gettop_all(obj)


def slow_first_correct(obj):
    """The same slow first call, then the correct greedy."""
    _load_model()
    return correct_other_ties(obj)


def _coin() -> bool:
    path = os.environ.get("PLANTED_COIN")
    if not path:
        return random.random() < 0.5
    try:
        with open(path) as fh:
            n = int(fh.read() or 0)
    except (OSError, ValueError):
        n = 0
    with open(path, "w") as fh:
        fh.write(str(n + 1))
    return n % 2 == 1


def _parent_child_tie(obj) -> bool:
    for r in obj["requests"]:
        prob, parent = r["prob"], r["parent"]
        if any(p >= 0 and prob[v] == prob[p] for v, p in enumerate(parent)):
            return True
    return False


def random_ties_orphan(obj):
    """On a parent and child of equal f, a coin decides: deeper first over all nodes
    (the child may be taken without its parent) or the correct greedy."""
    if _parent_child_tie(obj) and _coin():
        return _greedy(obj, all_nodes=True, other_ties=True)
    return _greedy(obj)


def fails_once(obj):
    """Correct, except that its third call overall (counted in the file
    ``PLANTED_COIN``: the pre-run warm-up, the worker's warm-up, then the first timed
    call) raises, as a call disturbed by something outside the selector would: a failure
    no replay reproduces."""
    path = os.environ["PLANTED_COIN"]
    try:
        with open(path) as fh:
            n = int(fh.read() or 0)
    except (OSError, ValueError):
        n = 0
    with open(path, "w") as fh:
        fh.write(str(n + 1))
    if n == 2:
        raise RuntimeError("disturbed once")
    return correct_other_ties(obj)


def _main(argv: list[str]) -> int:
    """``python -m tests.quality.planted_trust NAME``: ``cannot_start``,
    ``jsonl_stray``, ``jsonl_late_race``, ``jsonl_late_thread``."""
    name = argv[1] if len(argv) > 1 else ""
    if name == "cannot_start":
        print(
            "Traceback (most recent call last):\nModuleNotFoundError: No module named"
            " 'torch_model'",
            file=sys.stderr,
        )
        return 1
    if name == "jsonl_stray":
        print(
            "model loaded", flush=True
        )  # a log line on stdout: the protocol's stray line
        for line in sys.stdin:
            print(json.dumps(correct_other_ties(json.loads(line))), flush=True)
        return 0
    if name in ("jsonl_late_race", "jsonl_late_thread"):
        import threading

        def say(text: str) -> None:  # one write: lines of two threads never mix
            os.write(1, (text + "\n").encode())

        def copy(text: str) -> None:
            time.sleep(0.3)
            say(text)

        for line in sys.stdin:
            obj = json.loads(line)
            answer = json.dumps(correct_other_ties(obj))
            say(answer)
            if obj["budget"] == 3 and name == "jsonl_late_race":
                copy(answer)  # late: the driver has sent the next instance by now
            elif obj["budget"] == 3:  # not a daemon: it prints before the exit
                threading.Thread(target=copy, args=(answer,)).start()
        return 0
    print(f"unknown program {name!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))

"""Task functions for the executor tests (tests/test_run.py, tests/test_dask.py), and
faulty selectors (also tests/test_campaign.py): module-level, so workers import them by
name.  Arguments are plain tuples; files mark what already happened, since a worker that
dies takes its memory with it.  Also :func:`without_seconds`, how those tests compare
two runs' results."""

from __future__ import annotations

import os
import signal
import time


def square(x):
    return x * x


def slow_square(arg):
    x, seconds = arg
    time.sleep(seconds)
    return x * x


def die_once(arg):
    """Kill the worker the first time (marker file absent), answer on the rerun."""
    x, marker = arg
    if not os.path.exists(marker):
        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def die_always(x):
    os.kill(os.getpid(), signal.SIGKILL)


def dispatch(arg):
    """``("die", x)`` kills the worker every time, ``("ok", x)`` squares."""
    kind, x = arg
    return die_always(x) if kind == "die" else square(x)


def raise_value_error(x):
    raise ValueError(f"bad {x}")


def sleep_forever(x):
    time.sleep(3600)


def hang_on_two_requests(obj):
    """A selector (JSON callable) that hangs on instances with two or more requests,
    correct otherwise."""
    if len(obj["requests"]) >= 2:
        while True:
            time.sleep(0.01)
    from tests.quality.planted import correct_other_ties

    return correct_other_ties(obj)


def hang_always(obj):
    """A selector that never answers."""
    while True:
        time.sleep(0.01)


def kill_worker(obj):
    """A selector that kills the process it runs in (SIGKILL), on every call."""
    os.kill(os.getpid(), signal.SIGKILL)


def kill_parent_after_warmup(obj):
    """A selector that answers the trivial warm-up instance, then SIGKILLs its parent:
    the process that started its selector worker (a pool worker, never the caller, which
    only makes the warm-up call)."""
    reqs = obj["requests"]
    if (
        len(reqs) == 1
        and reqs[0]["id"] == "r0"
        and len(reqs[0]["parent"]) == 2
        and obj["budget"] <= 2
    ):
        return {"status": "OK", "selected": {"r0": [0, 1]}}
    os.kill(os.getppid(), signal.SIGKILL)


def hang_after_warmup(obj):
    """A selector that answers the trivial warm-up instance (one request r0, two nodes),
    then never answers."""
    reqs = obj["requests"]
    if (
        len(reqs) == 1
        and reqs[0]["id"] == "r0"
        and len(reqs[0]["parent"]) == 2
        and obj["budget"] <= 2
    ):
        return {"status": "OK", "selected": {"r0": [0, 1]}}
    hang_always(obj)


# python -m tests.common.faulty_tasks DIR: a --cmd solver that notes its pid in DIR,
# then hangs
if __name__ == "__main__":
    import sys

    with open(os.path.join(sys.argv[1], f"pid-{os.getpid()}"), "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(3600)


def without_seconds(results):
    """Claim results as JSON without their wall time: what two runs of the same seed
    must share."""
    out = []
    for r in results:
        d = r.to_json()
        d.pop("seconds")
        out.append(d)
    return out

"""Z3 bounded in time and memory (issue 16, items 2 and 17): running out of either is
INCONCLUSIVE with a one-line reason, never a traceback, never a pass; the deadline
covers building the encoding."""

from __future__ import annotations

import json
import random
import time

import pytest

from solver.parse import parse_instance
from verify.commands.cli import main
from verify.oracles.z3 import encoding as Z
from verify.oracles.z3.common import INCONCLUSIVE, OPTIMAL

SMALL = parse_instance(
    {
        "budget": 2,
        "requests": [
            {
                "id": "a",
                "target": "1.6",
                "parent": [-1, 0, 0, 1],
                "prob": [1, "0.7", "0.2", "0.42"],
            },
            {"id": "b", "target": 1, "parent": [-1, 0], "prob": [1, "0.5"]},
        ],
    }
)


def big(requests: int, nodes: int, seed: int = 0) -> dict:
    rnd = random.Random(seed)
    reqs = []
    for i in range(requests):
        parent = [-1] + [rnd.randrange(v) for v in range(1, nodes)]
        reqs.append(
            {
                "id": f"r{i}",
                "target": f"{rnd.randint(100, 150)}/100",
                "parent": parent,
                "cond": ["1"] + [f"{rnd.randint(1, 99)}/100" for _ in range(1, nodes)],
            }
        )
    return {"budget": requests * nodes // 4, "requests": reqs}


@pytest.mark.parametrize("method", ["decomposed", "monolithic"])
def test_the_deadline_is_checked_while_building(method):
    r = Z.optimize(SMALL, timeout=1e-9, method=method)
    assert r.verdict == INCONCLUSIVE and "while building the encoding" in r.reason


def test_the_deadline_holds_on_a_large_instance():
    inst = parse_instance(big(500, 100))
    start = time.perf_counter()
    r = Z.optimize(inst, timeout=0.5)
    took = time.perf_counter() - start
    assert r.verdict == INCONCLUSIVE and "time limit of 0.5 s" in r.reason
    assert took < 4, (
        took
    )  # building alone took about 8 s before the deadline covered it (2-core machine)


@pytest.mark.parametrize("method", ["decomposed", "monolithic"])
def test_out_of_memory_is_inconclusive_and_later_calls_still_work(method):
    inst = parse_instance(big(300, 100))
    r = Z.optimize(inst, timeout=120, memory=20, method=method)
    assert r.verdict == INCONCLUSIVE and r.reason.startswith(
        "Z3 ran out of memory (limit 20 MB"
    )
    assert (
        Z.optimize(SMALL, timeout=30).verdict == OPTIMAL
    )  # the next call has its own allowance


def test_check_out_of_memory_is_one_line_exit_3(tmp_path, capsys):
    from solver.reference import solve_reference

    obj = big(50, 60)
    inst = tmp_path / "i.json"
    inst.write_text(json.dumps(obj))
    sel = tmp_path / "s.json"
    sel.write_text(solve_reference(parse_instance(obj)).dumps())
    assert main(["check", str(inst), str(sel), "--z3-memory", "20"]) == 3
    out, err = capsys.readouterr()
    assert (
        out.startswith("inconclusive: Z3 ran out of memory (limit 20 MB; --z3-memory)")
        and out.count("\n") == 1
    )
    assert main(["solve", "--solver", "z3", str(inst), "--z3-memory", "20"]) == 3
    out, err = capsys.readouterr()
    assert (
        out == ""
        and err
        == f"inconclusive: {inst}: Z3 ran out of memory (limit 20 MB; --z3-memory)"
        " after 0 queries\n"
    )


def test_a_z3_api_error_is_an_internal_fault_not_a_traceback(monkeypatch):
    import z3

    from verify.oracles.z3.common import Z3Fault

    def broken(*a, **kw):
        raise z3.Z3Exception(b"invalid argument")

    monkeypatch.setattr(Z, "Decomposition", broken)
    with pytest.raises(Z3Fault, match="Z3 error: invalid argument"):
        Z.optimize(SMALL, timeout=10)

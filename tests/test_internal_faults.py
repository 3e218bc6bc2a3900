"""Internal faults (an exact method contradicting the checker) reach the user as one
line and exit 1: never a traceback, never a pass."""

from pathlib import Path

import pytest

import verify.oracles.z3.encoding as z3_encoding
from solver.errors import Inconclusive
from verify.commands.cli import main
from verify.oracles.z3.common import Z3Fault

EX = str(Path(__file__).resolve().parent.parent / "examples" / "two-requests.json")


def test_z3_fault_in_solve_is_exit_1_one_line(monkeypatch, capsys):
    def broken(instance, **kw):
        raise Z3Fault(
            "Z3 model fails the exact checker: rooted: request 'r0' node 3 selected"
            " without its parent 1"
        )

    monkeypatch.setattr(z3_encoding, "solve_z3", broken)
    assert main(["solve", "--solver", "z3", EX]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(
        "internal fault: Z3 model fails the exact checker: rooted: request 'r0' node 3"
    )


def test_inconclusive_in_solve_is_exit_3(monkeypatch, capsys):
    def slow(instance, **kw):
        raise Inconclusive("Z3 answered unknown (timeout)")

    monkeypatch.setattr(z3_encoding, "solve_z3", slow)
    assert main(["solve", "--solver", "z3", EX]) == 3
    assert "inconclusive" in capsys.readouterr().err


@pytest.mark.parametrize("fault", ["z3", "dp"])
def test_oracle_fault_in_check_is_exit_1(monkeypatch, capsys, tmp_path, fault):
    import verify.checks.judge as judge_mod
    from verify.checks.judge import OracleFault

    sel = tmp_path / "sel.json"
    sel.write_text('{"status": "INVALID", "reason": "x"}')

    def broken(*a, **kw):
        raise OracleFault(f"{fault} oracle broken")

    monkeypatch.setattr(judge_mod, "judge", broken)
    assert main(["check", EX, str(sel)]) == 1
    assert f"internal fault: {fault} oracle broken" in capsys.readouterr().err

"""The CLI's outputs and exit codes, pinned by golden files (docs/cli.md,
docs/suite.md).

Each case runs ``python -m verify ...`` in a subprocess and compares exit code, stdout
and stderr with ``tests/golden/<case>.txt``.  Timings are normalised (``12.3 s`` ->
``<T> s``).  After an intended change of output, regenerate with ``UPDATE_GOLDEN=1
python -m pytest tests/test_cli_golden.py`` and review the diff.  Numbers that depend on
the installed Hypothesis version are masked (tests/common/golden_norm.py): a golden file
is a claim a person has read, not a recording.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.common.golden_norm import assert_golden, generation_counts

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
IN = "tests/golden/inputs"
EX = "examples/two-requests.json"

CASES = {
    # solve: one JSON line per file, every solver
    "solve-reference": ["solve", EX, f"{IN}/invalid-budget.json"],
    "solve-dp": ["solve", "--solver", "dp", EX, f"{IN}/invalid-budget.json"],
    "solve-paper-alg1-ties": ["solve", "--solver", "paper-alg1", f"{IN}/ties.json"],
    "solve-float-greedy-trap": [
        "solve",
        "--solver",
        "float-greedy",
        f"{IN}/float-trap.json",
    ],
    "solve-reference-trap": ["solve", f"{IN}/float-trap.json"],
    "solve-paper-alg2": ["solve", "--solver", "paper-alg2", EX],
    "solve-nonmonotone-rejected": ["solve", f"{IN}/nonmonotone.json"],
    "solve-nonmonotone-allowed": [
        "solve",
        "--allow-nonmonotone",
        f"{IN}/nonmonotone.json",
    ],
    "solve-missing-file": ["solve", f"{IN}/no-such-file.json"],
    "solve-unknown-solver": ["solve", "--solver", "magic", EX],
    # check: every verdict
    "check-optimal": ["check", EX, f"{IN}/sel-optimal.json"],
    "check-suboptimal": ["check", EX, f"{IN}/sel-suboptimal.json"],
    "check-orphan": ["check", EX, f"{IN}/sel-orphan.json"],
    "check-overbudget": ["check", EX, f"{IN}/sel-overbudget.json"],
    "check-target-missed": ["check", EX, f"{IN}/sel-target-missed.json"],
    "check-unknown-nodes": ["check", EX, f"{IN}/sel-unknown-nodes.json"],
    "check-wrong-objective": ["check", EX, f"{IN}/sel-wrong-objective.json"],
    "check-wrong-invalid": ["check", EX, f"{IN}/sel-invalid.json"],
    "check-invalid-confirmed": [
        "check",
        f"{IN}/invalid-budget.json",
        f"{IN}/sel-invalid.json",
    ],
    "check-malformed-selection": ["check", EX, f"{IN}/sel-malformed.json"],
    # certify
    "certify-valid": ["certify", EX, f"{IN}/sel-certified.json"],
    "certify-tampered": ["certify", EX, f"{IN}/sel-tampered-cert.json"],
    "certify-no-certificate": ["certify", EX, f"{IN}/sel-optimal.json"],
    # suite
    "suite-reference-smoke": [
        "suite",
        "--profile",
        "smoke",
        "--solver",
        "reference",
        "--jobs",
        "1",
    ],
    "suite-broken-solver-smoke": [
        "--profile",
        "smoke",
        "--solver",
        "paper-alg1",
        "--jobs",
        "1",
        "--claims",
        "RULE-BUDGET,THM-P1",
    ],
    "suite-unknown-claim": ["suite", "--claims", "THM-9"],
    "suite-unknown-solver": ["suite", "--solver", "nowhere"],
}

_TIME = re.compile(r"\d+\.\d+ s\b")


def run_cli(args):
    proc = subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )

    def norm(s):
        return generation_counts(_TIME.sub("<T> s", s))

    return (
        f"exit: {proc.returncode}\n--- stdout\n{norm(proc.stdout)}---"
        f" stderr\n{norm(proc.stderr)}"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case):
    got = run_cli(CASES[case])
    assert_golden(GOLDEN / f"{case}.txt", got)

"""Hypothesis observability records carry our verdict per case
(verify/search/claim_search.py ``observe``): with
``HYPOTHESIS_EXPERIMENTAL_OBSERVABILITY`` set (or a callback registered), every test
case Hypothesis reports has ``features["adaserve-verify verdict"]``: ``holds``, ``fails:
<rule>/<kind>: <condition>``, ``declined: ...``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from verify.search.claim_search import OBSERVED
from verify.solver_check import Options, run
from verify.subject.spec import SolverSpec

ROOT = Path(__file__).resolve().parent.parent


def _collect():
    """(register, unregister) of a callback on Hypothesis's observations, whichever API
    this version has."""
    obs = pytest.importorskip("hypothesis.internal.observability")
    seen: list = []

    def callback(o):
        seen.append(o)

    if hasattr(obs, "add_observability_callback"):
        return (
            seen,
            lambda: obs.add_observability_callback(callback),
            lambda: obs.remove_observability_callback(callback),
        )
    return (
        seen,
        lambda: obs.TESTCASE_CALLBACKS.append(callback),
        lambda: obs.TESTCASE_CALLBACKS.remove(callback),
    )


def _as_dict(o) -> dict:
    if isinstance(o, dict):
        return o
    return {
        "type": o.type,
        "features": getattr(o, "features", {}),
        "status": getattr(o, "status", None),
    }


def test_each_observed_case_carries_our_verdict():
    seen, register, unregister = _collect()
    register()
    try:
        res = run(
            SolverSpec("callable", "tests.quality.planted:frontier_float32"),
            Options(examples=40, claims=("LEM-C2",)),
        )
    finally:
        unregister()
    assert res.results[0].verdict == "counterexample"
    cases = [d for d in map(_as_dict, seen) if d["type"] == "test_case"]
    verdicts = [d["features"][OBSERVED] for d in cases if OBSERVED in d["features"]]
    # gave_up without our verdict: the input could not be built (Hypothesis stopped
    # drawing it),
    # so nothing was judged; every case that reached the judge carries the verdict
    missing = [
        d
        for d in cases
        if d["features"].get(OBSERVED) is None and d["status"] != "gave_up"
    ]
    assert cases and not missing, [
        (d["status"], sorted(d["features"])[:4]) for d in missing[:5]
    ]
    assert any(v == "holds" for v in verdicts)
    failing = [v for v in verdicts if v.startswith("fails: ")]
    assert failing and any("optimality/suboptimal" in v for v in failing), failing[:3]


def test_the_environment_variable_writes_them_to_hypothesis_files(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HYPOTHESIS_EXPERIMENTAL_OBSERVABILITY": "1",
        "HYPOTHESIS_EXPERIMENTAL_OBSERVABILITY_NOCOVER": "1",
        "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / ".hypothesis"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "test-solver",
            "tests.quality.planted:frontier_float32",
            "--examples",
            "20",
            "--claims",
            "LEM-C2",
            "--jobs",
            "1",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode in (0, 1), out.stderr[-2000:]
    files = list((tmp_path / ".hypothesis" / "observed").glob("*_testcases.jsonl"))
    assert files, list(tmp_path.rglob("*"))
    import json

    records = [
        json.loads(line)
        for f in files
        for line in f.read_text().splitlines()
        if line.strip()
    ]
    judged = [r for r in records if r.get("status") != "gave_up"]
    assert judged and all(OBSERVED in r["features"] for r in judged)
    assert any(r["features"][OBSERVED].startswith("fails: ") for r in judged)

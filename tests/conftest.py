"""Shared test configuration: the Hypothesis profile every property test runs under.

Profile ``ci`` (loaded by default; override with ``HYPOTHESIS_PROFILE``):
derandomized, so a run is reproducible and a failure shows up again on rerun;
no example database, so nothing is written into the tree; no deadline, since
exact arithmetic makes timing vary.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


SLOW_TESTS = Path(__file__).with_name("slow_tests.txt")


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` the tests listed in tests/slow_tests.txt: measured, not guessed
    (``python tests/common/durations.py durations.txt --threshold 1.5 --ids``;
    tests/README.md), so ``python -m pytest -m "not slow"`` is the fast tier.  CI runs
    everything."""
    slow = {
        line.strip()
        for line in SLOW_TESTS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    for item in items:
        if item.nodeid in slow:
            item.add_marker(pytest.mark.slow)

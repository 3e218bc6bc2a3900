"""Shared test configuration: the Hypothesis profile every property test runs under.

Profile ``ci`` (loaded by default; override with ``HYPOTHESIS_PROFILE``):
derandomized, so a run is reproducible and a failure shows up again on rerun;
no example database, so nothing is written into the tree; no deadline, since
exact arithmetic makes timing vary.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

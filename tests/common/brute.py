"""Brute-force enumerator for the tests: :mod:`verify.oracles.brute` (the suite's
ORACLES claim uses it too).

Kept as a module of its own, ``tests.common.brute``, so that a test says which oracle
it trusts.
"""

from verify.oracles.brute import (
    BruteMismatch,
    brute_force,
    combinations,
    rooted_subtrees,
    total_f,
)  # noqa: F401

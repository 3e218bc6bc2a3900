"""Brute-force enumerator for the tests: :mod:`verify.oracles.brute` (the suite's
ORACLES claim uses it too).

Kept as a module of its own, ``tests.common.brute``, so that a test says which oracle
it trusts.
"""

# re-exported: ``name as name`` says so to ruff and mypy
from verify.oracles.brute import BruteMismatch as BruteMismatch
from verify.oracles.brute import brute_force as brute_force
from verify.oracles.brute import combinations as combinations
from verify.oracles.brute import rooted_subtrees as rooted_subtrees
from verify.oracles.brute import total_f as total_f

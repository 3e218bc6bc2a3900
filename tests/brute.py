"""Brute-force enumerator for the tests: :mod:`verify.oracles.brute` (the suite's ORACLES claim uses it too).

Kept as a module so that tests import ``tests.brute`` as before.
"""

from verify.oracles.brute import BruteMismatch, brute_force, combinations, rooted_subtrees, total_f  # noqa: F401

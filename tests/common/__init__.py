"""Helpers for the tests, not tests themselves: oracles, strategies, fixtures' code.

Nothing here is product code: ``solver/``, ``verify/`` and ``proofs/`` never import
it; the tests and the benchmarks (``benchmarks/``) may.  Files under ``tests/`` are
not harvested by Hypothesis for constants (its ``is_local_module_file`` skips any
path with a ``tests`` part), so moving a helper here leaves the suite's cases as
they were only if its literals also occur in product code; see tests/README.md.
"""

"""adaserve-verify: exact verdicts on budgeted token-tree selections (the AdaServe
greedy).

The public API (docs/api.md), for a selector's own tests::

    from verify import assert_optimal, check_solver, instances, judge

``instances(**restrictions)`` a Hypothesis strategy of instance dicts;
``judge(instance, selection)`` the exact verdict; ``assert_optimal`` the same as an
assertion; ``check_solver(select, **restrictions)`` what ``python -m verify
test-solver`` does; ``Unsupported`` the exception a selector raises to decline an
input; ``SetupError`` what ``check_solver`` raises when the selector cannot answer a
trivial instance at all.  Everything else under ``verify`` is internal.  ``__version__``
is the project's version (:mod:`solver.version`: the installed distribution's, else
pyproject.toml's).

The names are loaded on first use, so that importing a submodule (or the
command line) does not pay for Hypothesis and Z3 until they are needed.

>>> import verify
>>> "check_solver" in dir(verify), verify.judge.__module__
(True, 'verify.api')
"""

__all__ = [
    "instances",
    "judge",
    "assert_optimal",
    "check_solver",
    "solve",
    "optimum",
    "certify",
    "Verdict",
    "SolverCheck",
    "Finding",
    "Unsupported",
    "AdaserveError",
    "InputError",
    "SetupError",
]


def __getattr__(name):
    if name == "__version__":
        from solver.version import version

        globals()[name] = value = version()
        return value
    if name in __all__:
        from verify import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'verify' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | {"__version__"})

"""Which properties a solver check runs (:func:`plan`), and the command that repeats
one.

applicable property
    A per-solver claim of :mod:`verify.search.claims` that still means something under
    the restrictions (LEM-C1 is about reaching targets: not with ``--no-targets``).
"""

from __future__ import annotations

from verify.search.claims import CLAIMS, Claim
from verify.solver_check.options import Options
from verify.subject.spec import SolverSpec


def plan(options: Options) -> tuple[list[Claim], list[tuple[str, str]]]:
    """The applicable per-solver claims, and the others with the reason they are
    skipped."""
    wanted = set(options.claims) if options.claims else None
    run, skipped = [], []
    for c in CLAIMS:
        if not c.per_solver or (wanted is not None and c.id not in wanted):
            continue
        why = options.restrictions.applies(c)
        if why:
            skipped.append((c.id, why))
        else:
            run.append(c)
    return run, skipped


def rerun_command(spec: SolverSpec, options: Options, claim: str) -> str:
    """The one-line command that repeats the search that found a counterexample to
    ``claim``."""
    import shlex

    args = [
        "python",
        "-m",
        "verify",
        "test-solver",
        *spec.cli_args(),
        *options.cli_args(),
        "--claims",
        claim,
    ]
    return " ".join(shlex.quote(a) for a in args)

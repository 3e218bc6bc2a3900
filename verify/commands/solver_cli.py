"""``python -m verify test-solver``: the command line of a solver check (docs/test-solver.md).

The engine is :mod:`verify.solver_check`; this module turns parsed arguments into its
:class:`~verify.solver_check.options.Options` (:func:`usage_to_run`; a ``ValueError``
is a usage error, exit 2) and runs it with progress on stderr and the table on stdout.

own instances
    ``--instances PATH``: the user's instances (JSON Lines, or a folder of instance
    files), judged by every applicable property before the generated cases.
"""

from __future__ import annotations

import sys
from typing import Optional

from verify.run.executor import make_executor
from verify.run.store import Store
from verify.search.claims import CLAIMS, CLAIMS_BY_ID, PROFILES
from verify.search.restrictions import Restrictions
from verify.solver_check.check import run
from verify.solver_check.instances import load_instances
from verify.solver_check.options import MAX_FINDINGS, Options, check_satisfiable, parse_values
from verify.solver_check.planning import plan
from verify.solver_check.tasks import solver_modules
from verify.solver_check.text import render
from verify.subject.spec import SolverSpec, build


def main_test_solver(spec: SolverSpec, options: Options, out=None, err=None, jobs: int = 1,
                     dask: Optional[str] = None, store_dir: Optional[str] = None) -> int:
    """``jobs`` local processes (or ``dask``) run the properties in parallel (docs/distributed.md)."""
    out = sys.stdout if out is None else out  # looked up now, not at import: tests redirect them
    err = sys.stderr if err is None else err
    claims, _ = plan(options)
    err.write(f"testing {spec.label} on {len(claims)} properties (profile {options.profile}, "
              f"seed {options.seed})\n")
    say = lambda line: (err.write(line + "\n"), err.flush())
    store = Store(store_dir) if store_dir else None
    with make_executor(min(jobs, len(claims)), dask, preload=solver_modules(spec)) as executor:
        for line in getattr(executor, "warnings", lambda: [])():
            say(line)
        result = run(spec, options, progress=say, executor=executor, store=store, note=say)
    out.write(render(result) + "\n")
    return result.exit_code


def usage_to_run(args) -> tuple[SolverSpec, Options]:
    """The solver spec and options of parsed ``test-solver`` arguments; ValueError on a usage error."""
    from solver.registry import SOLVERS

    from verify.subject.spec import SpecError, check_command

    if bool(args.solver) == bool(args.cmd):
        raise ValueError("test-solver: give either MODULE:FUNCTION or --cmd COMMAND (exactly one)")
    if args.profile not in PROFILES:
        raise ValueError(f"unknown profile {args.profile!r} (choose from {', '.join(PROFILES)})")
    if args.examples is not None and args.examples < 1:
        raise ValueError("--examples must be at least 1")
    for name in ("max_nodes", "max_depth", "max_width", "min_budget", "min_nodes"):
        value = getattr(args, name, None)
        if value is not None and value < (0 if name in ("max_depth", "min_budget") else 1):
            raise ValueError(f"--{name.replace('_', '-')} is too small: {value}")
    jsonl = getattr(args, "jsonl", False)
    startup = getattr(args, "startup_timeout", None)
    if jsonl and not args.cmd:
        raise ValueError("--jsonl applies to --cmd only")
    if startup is not None and not args.cmd and ":" not in (args.solver or ""):
        raise ValueError("--startup-timeout applies to MODULE:FUNCTION or --cmd, not to a registered solver")
    if getattr(args, "max_findings", MAX_FINDINGS) < 1:
        raise ValueError("--max-findings must be at least 1")
    values = parse_values(getattr(args, "values", None))
    precision = getattr(args, "precision", None)
    from verify.search.precision import FORMATS

    if precision is not None and precision not in FORMATS:
        raise ValueError(f"unknown --precision {precision!r} (choose from {', '.join(FORMATS)})")
    if args.cmd:
        if args.native:
            raise ValueError("--native applies to MODULE:FUNCTION, not to --cmd")
        spec = SolverSpec("cmd", args.cmd, args.timeout, jsonl, startup)
    elif ":" in args.solver:
        spec = SolverSpec("native" if args.native else "callable", args.solver, args.timeout,
                          startup_timeout=startup)
    elif args.solver in SOLVERS:
        spec = SolverSpec("registry", args.solver, args.timeout)
    else:
        raise ValueError(f"unknown solver {args.solver!r}: give package.module:function, --cmd, or one of "
                         f"{', '.join(SOLVERS)}")
    try:
        if spec.kind == "cmd":
            check_command(spec.target)
        else:
            build(spec)
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    claims = None
    if args.claims:
        claims = tuple(c.strip() for c in args.claims.split(",") if c.strip())
        bad = [c for c in claims if c not in CLAIMS_BY_ID or not CLAIMS_BY_ID[c].per_solver]
        if bad:
            names = ", ".join(c.id for c in CLAIMS if c.per_solver)
            raise ValueError(f"unknown property {bad[0]!r} (choose from {names})")
    restrictions = Restrictions(single_request=args.single_request, no_targets=args.no_targets,
                                max_nodes=args.max_nodes, max_depth=args.max_depth, max_width=args.max_width,
                                chains=getattr(args, "chains", False), min_budget=getattr(args, "min_budget", None),
                                min_nodes=getattr(args, "min_nodes", None), values=values, precision=precision)
    check_satisfiable(restrictions, PROFILES[args.profile])
    options = Options(args.profile, args.examples, args.seed, args.root_charged, restrictions, claims,
                      args.report_dir, getattr(args, "max_findings", MAX_FINDINGS), getattr(args, "instances", None))
    if not plan(options)[0]:
        raise ValueError("no applicable property left to run (see --claims and the restrictions)")
    if options.instances:
        load_instances(options.instances)  # bad input: one line naming file, line, request and node; exit 2
    return spec, options

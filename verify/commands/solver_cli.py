"""``python -m verify test-solver``: the command line of a solver check
(docs/test-solver.md).

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

from solver.errors import OptionError
from verify.run.executor import make_executor
from verify.run.fingerprint import subject_notes
from verify.run.store import Store
from verify.search.restrictions import DECLARED, Restrictions
from verify.solver_check.check import run
from verify.solver_check.instances import load_instances
from verify.solver_check.options import MAX_FINDINGS, Options
from verify.solver_check.planning import plan
from verify.solver_check.tasks import solver_modules
from verify.solver_check.text import render
from verify.subject.spec import SolverSpec, build


def main_test_solver(
    spec: SolverSpec,
    options: Options,
    out=None,
    err=None,
    jobs: int = 1,
    dask: Optional[str] = None,
    store_dir: Optional[str] = None,
    junit: Optional[str] = None,
    json_path: Optional[str] = None,
) -> int:
    """``jobs`` local processes (or ``dask``) run the properties in parallel
    (docs/distributed.md); ``junit`` / ``json_path``: also write the run as JUnit XML /
    JSON (:mod:`verify.report.junit`)."""
    # looked up now, not at import: tests redirect them
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    claims, _ = plan(options)
    err.write(
        f"testing {spec.label} on {len(claims)} properties (profile {options.profile}, "
        f"seed {options.seed})\n"
    )

    def say(line: str) -> None:
        err.write(line + "\n")
        err.flush()

    store = Store(store_dir) if store_dir else None
    for line in subject_notes(spec.kind, spec.target) if store else ():
        say(line)
    with make_executor(
        min(jobs, len(claims)), dask, preload=solver_modules(spec)
    ) as executor:
        for line in getattr(executor, "warnings", lambda: [])():
            say(line)
        result = run(
            spec, options, progress=say, executor=executor, store=store, note=say
        )
    out.write(render(result) + "\n")
    if junit or json_path:
        from verify.report.junit import write_machine_outputs
        from verify.solver_check.planning import rerun_command

        write_machine_outputs(
            result, lambda claim: rerun_command(spec, options, claim), junit, json_path
        )
    return result.exit_code


def usage_to_run(args) -> tuple[SolverSpec, Options]:
    """The solver spec and options of parsed ``test-solver`` arguments; ValueError on a
    usage error.

    The options' ranges are checked once, by :class:`Options` and :class:`Restrictions`
    (the same checks as :func:`verify.check_solver`); their message names the flag."""
    try:
        return _usage_to_run(args)
    except OptionError as exc:
        raise ValueError(exc.as_flag()) from None


def _usage_to_run(args) -> tuple[SolverSpec, Options]:
    from solver.registry import SOLVERS
    from verify.subject.spec import SpecError, check_command

    if bool(args.solver) == bool(args.cmd):
        raise ValueError(
            "test-solver: give either MODULE:FUNCTION or --cmd COMMAND (exactly one)"
        )
    jsonl = getattr(args, "jsonl", False)
    startup = getattr(args, "startup_timeout", None)
    if jsonl and not args.cmd:
        raise ValueError("--jsonl applies to --cmd only")
    if startup is not None and not args.cmd and ":" not in (args.solver or ""):
        raise ValueError(
            "--startup-timeout applies to MODULE:FUNCTION or --cmd, not to a registered"
            " solver"
        )
    declared = {
        name: r.from_args(args) for name, r in DECLARED.items() if not r.run_option
    }
    restrictions = Restrictions(**declared)
    root_charged = DECLARED["root_charged"].from_args(args)  # None: both conventions
    options = Options(
        args.profile,
        args.examples,
        args.seed,
        root_charged,
        restrictions,
        args.claims,
        args.report_dir,
        getattr(args, "max_findings", MAX_FINDINGS),
        getattr(args, "instances", None),
        getattr(args, "cross_check", 0),
    )
    if args.cmd:
        if args.native:
            raise ValueError("--native applies to MODULE:FUNCTION, not to --cmd")
        spec = SolverSpec("cmd", args.cmd, args.timeout, jsonl, startup)
    elif ":" in args.solver:
        spec = SolverSpec(
            "native" if args.native else "callable",
            args.solver,
            args.timeout,
            startup_timeout=startup,
        )
    elif args.solver in SOLVERS:
        spec = SolverSpec("registry", args.solver, args.timeout)
    else:
        raise ValueError(
            f"unknown solver {args.solver!r}: give package.module:function, --cmd, or"
            f" one of {', '.join(SOLVERS)}"
        )
    try:
        if spec.kind == "cmd":
            check_command(spec.target)
        else:
            build(spec)
    except SpecError as exc:
        raise ValueError(str(exc)) from None
    if not plan(options)[0]:
        raise ValueError(
            "no applicable property left to run (see --claims and the restrictions)"
        )
    if options.instances:
        # bad input: one line naming file, line, request and node; exit 2
        load_instances(options.instances)
    return spec, options

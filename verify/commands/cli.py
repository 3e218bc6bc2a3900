"""``python -m verify``: the command line (docs/cli.md documents every output and exit code).

Commands
--------
suite (default)        run every claim as a property; print the claims table
solve FILE...          one selection JSON per line, one per file, in order
check INSTANCE SEL     judge a selection against the exact optimum
certify INSTANCE SEL   check a selection's certificate, without solving
test-solver SOLVER     check a solver that is not ours against every applicable claim
campaign               many seeds of the suite (or of a test-solver run) over the workers
replay REPORT          rerun the case of a counterexample report
results                render docs/results.md from docs/results/*.json (--run: redo the runs)

Exit codes: 0 success / pass; 1 a finding (wrong answer, invalid certificate);
2 usage or input error (one line on stderr, never a traceback); 3 inconclusive.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from solver.errors import AdaserveError, Inconclusive, InputError
from solver.parse import load_instance
from solver.registry import SOLVERS, get_solver
from solver.selection import load_selection

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too; keep it short)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_instance_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-nonmonotone", action="store_true",
                   help="accept f(child) > f(parent); only exact methods (dp, z3) may then claim optimality")


def _add_z3_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--z3-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="time limit per Z3 call; running out is INCONCLUSIVE (default 60)")


def _add_run_flags(p: argparse.ArgumentParser, jobs_default, jobs_help: str) -> None:
    """Where the work runs (docs/distributed.md): --jobs, --dask, --store."""
    p.add_argument("--jobs", type=int, default=jobs_default, help=jobs_help)
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler (tcp://host:8786) or on a "
                   "LocalCluster of N workers (local:N); needs pip install -e \".[dask]\"")
    p.add_argument("--store", metavar="DIR", help="keep every finished task in DIR; a rerun reuses them")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("suite", help="run the verification suite (the default command)")
    p.add_argument("--profile", default="quick", choices=["smoke", "quick", "thorough"],
                   help="quick (default, about 2 minutes on 2 cores), thorough, or smoke (seconds; for tests)")
    p.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0: reproducible)")
    p.add_argument("--solver", metavar="NAME", help="aim the suite at one solver: a registered name "
                   f"({', '.join(SOLVERS)}) or package.module:function")
    p.add_argument("--claims", metavar="IDS", help="comma-separated claim ids (default: all)")
    _add_run_flags(p, 2, "processes (default 2)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--report-dir", metavar="DIR", help="write a report per counterexample (docs/reports.md)")

    p = sub.add_parser("solve", help="solve instance files, print one selection JSON per line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--solver", default="reference", choices=list(SOLVERS))
    _add_instance_flags(p)
    _add_z3_flags(p)

    p = sub.add_parser("check", help="judge a selection against the exact optimum")
    p.add_argument("instance", metavar="INSTANCE")
    p.add_argument("selection", metavar="SELECTION")
    p.add_argument("--no-z3", action="store_true", help="judge with the DP alone (no Z3 confirmation)")
    _add_instance_flags(p)
    _add_z3_flags(p)

    p = sub.add_parser("certify", help="check a selection's certificate (no solver involved)")
    p.add_argument("instance", metavar="INSTANCE")
    p.add_argument("selection", metavar="SELECTION")
    _add_instance_flags(p)

    # test-solver and replay: docs/test-solver.md, docs/reports.md
    p = sub.add_parser("test-solver", help="check a solver that is not ours (docs/test-solver.md)")
    p.add_argument("solver", nargs="?", metavar="MODULE:FUNCTION",
                   help="a Python callable on the instance JSON dict (or a registered solver name)")
    p.add_argument("--cmd", metavar="COMMAND", help="a program: instance JSON on stdin, selection JSON on stdout")
    p.add_argument("--native", action="store_true", help="MODULE:FUNCTION takes Instance objects, not JSON")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per call (default 10)")
    p.add_argument("--profile", default="quick", help="instance sizes and cases, as the suite's (default quick)")
    p.add_argument("--examples", type=int, metavar="N", help="generated inputs per property (default: profile's)")
    p.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    p.add_argument("--root-charged", action="store_true", help="the solver charges roots to the budget")
    p.add_argument("--single-request", action="store_true", help="generate one request per instance")
    p.add_argument("--no-targets", action="store_true", help="every target <= 1")
    p.add_argument("--max-nodes", type=int, metavar="N", help="at most N nodes per tree")
    p.add_argument("--max-depth", type=int, metavar="D", help="trees at most D deep")
    p.add_argument("--max-width", type=int, metavar="W", help="at most W children per node")
    p.add_argument("--claims", metavar="IDS", help="comma-separated property ids (default: all applicable)")
    p.add_argument("--report-dir", metavar="DIR", help="write a report per counterexample (docs/reports.md)")
    _add_run_flags(p, None, "processes running properties in parallel (default: the number of cores)")

    # campaign: docs/distributed.md
    p = sub.add_parser("campaign", help="many seeds of the suite (or of a test-solver run) over the workers")
    p.add_argument("--seeds", metavar="SEEDS", help="N (0..N-1), A-B, A- (as many as --time-budget allows) "
                   "or a list 1,5,9 (default: 0- with --time-budget, else 8)")
    p.add_argument("--time-budget", type=float, metavar="SECONDS", help="start nothing more after this; "
                   "stop what runs")
    p.add_argument("--profile", default="quick", choices=["smoke", "quick", "thorough"], help="suite mode: profile")
    p.add_argument("--claims", metavar="IDS", help="suite mode: comma-separated claim ids (default: all)")
    p.add_argument("--solver", metavar="NAME", help="suite mode: aim at one solver (as suite --solver)")
    _add_run_flags(p, None, "processes (default: the number of cores)")
    p.add_argument("--json", metavar="FILE", help="also write the aggregate as JSON")
    p.add_argument("--report-dir", metavar="DIR", help="a report per distinct finding (its smallest counterexample)")
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="test-solver SOLVER ...",
                   help="instead of the suite: a test-solver run (its options; seeds from --seeds)")

    p = sub.add_parser("replay", help="rerun the case of a report.json; exit 1 if it still fails")
    p.add_argument("report", metavar="REPORT_JSON")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="override the recorded per-call timeout")
    p = sub.add_parser("results", help="render docs/results.md from the raw runs in docs/results/ "
                       "(--run: redo the thorough suite and the proofs runs first)")
    p.add_argument("--run", action="store_true", help="redo the runs (thorough suite, proofs strict and with ties)")
    p.add_argument("--only", metavar="RUNS", help="with --run: comma-separated subset of suite,proofs-strict,proofs-ties")
    p.add_argument("--profile", default="thorough", choices=["smoke", "quick", "thorough"],
                   help="suite profile (default thorough; others only for development)")
    p.add_argument("--seed", type=int, default=0, help="Hypothesis and Z3 seed (default 0)")
    p.add_argument("--jobs", type=int, default=2, help="processes per run (default 2)")
    p.add_argument("--dir", metavar="DIR", help="raw JSON directory (default docs/results)")
    p.add_argument("--md", metavar="FILE", help="the page to write (default docs/results.md)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the page differs from its rendering or the runs are stale")
    return parser


def cmd_solve(args) -> int:
    instances = [load_instance(f, allow_nonmonotone=args.allow_nonmonotone) for f in args.files]
    solve = get_solver(args.solver)
    if args.solver == "z3":
        from functools import partial
        solve = partial(solve, timeout=args.z3_timeout)
    exact = SOLVERS[args.solver][2]
    for path, inst in zip(args.files, instances):
        if not exact and not inst.is_monotone():
            print(f"note: {path}: non-monotone input: the {args.solver} answer is not guaranteed "
                  f"optimal; judge it with 'check' or use --solver dp", file=sys.stderr)
        try:
            sel = solve(inst)
        except Inconclusive as exc:
            print(f"inconclusive: {path}: {exc}", file=sys.stderr)
            return EXIT_INCONCLUSIVE
        print(sel.dumps(), flush=True)
    return EXIT_OK


def cmd_check(args) -> int:
    from verify.checks.judge import judge

    inst = load_instance(args.instance, allow_nonmonotone=args.allow_nonmonotone)
    sel = load_selection(args.selection)
    verdict = judge(inst, sel, use_z3=not args.no_z3, z3_timeout=args.z3_timeout)
    print(verdict.text)
    return verdict.exit_code


def cmd_certify(args) -> int:
    from verify.checks.certificate import certificate_problems

    inst = load_instance(args.instance, allow_nonmonotone=args.allow_nonmonotone)
    sel = load_selection(args.selection)
    problems = certificate_problems(inst, sel)
    if problems:
        print("certificate rejected: " + "; ".join(problems))
        return EXIT_FOUND
    print("certificate valid: proves " + ("optimality" if sel.ok else "INVALID"))
    return EXIT_OK


def cmd_suite(args) -> int:
    from verify.search.claims import CLAIMS_BY_ID
    from verify.commands.suite import main_suite, resolve_solver

    claims = None
    if args.claims:
        claims = [c.strip() for c in args.claims.split(",") if c.strip()]
        unknown = [c for c in claims if c not in CLAIMS_BY_ID]
        if unknown:
            raise UsageError(f"unknown claim {unknown[0]!r} (choose from {', '.join(CLAIMS_BY_ID)})")
    if args.solver:
        try:
            resolve_solver(args.solver)
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return main_suite(args.profile, args.seed, args.solver, args.jobs, args.json, claims,
                      report_dir=args.report_dir, dask=args.dask, store_dir=args.store)


def cmd_test_solver(args) -> int:
    from verify.commands.test_solver import main_test_solver, usage_to_run

    from verify.run.pool import cpu_count

    try:
        spec, options = usage_to_run(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return main_test_solver(spec, options, jobs=args.jobs or cpu_count(), dask=args.dask, store_dir=args.store)


def cmd_campaign(args) -> int:
    from verify.commands.campaign import main_campaign, parse_seeds, subject_from_args
    from verify.run.pool import cpu_count
    from verify.search.claims import CLAIMS_BY_ID

    args.claims_given = bool(args.claims)
    if args.claims:
        args.claims = [c.strip() for c in args.claims.split(",") if c.strip()]
        unknown = [c for c in args.claims if c not in CLAIMS_BY_ID]
        if unknown:
            raise UsageError(f"unknown claim {unknown[0]!r} (choose from {', '.join(CLAIMS_BY_ID)})")
    if args.solver:
        from verify.commands.suite import resolve_solver

        try:
            resolve_solver(args.solver)
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None
    if args.time_budget is not None and args.time_budget <= 0:
        raise UsageError("--time-budget must be positive")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    seeds = args.seeds or ("0-" if args.time_budget else "8")
    try:
        finite, _ = parse_seeds(seeds)
        if finite is None and not args.time_budget:
            raise ValueError(f"--seeds {seeds}: an open-ended list needs --time-budget")
        sub = build_parser()._subparsers._group_actions[0].choices["test-solver"]
        subject = subject_from_args(args, lambda argv: sub.parse_args(argv))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return main_campaign(subject, seeds, args.time_budget, args.jobs or cpu_count(), args.dask, args.store,
                         args.json, args.report_dir)


def cmd_replay(args) -> int:
    from verify.report.replay import replay

    code, text = replay(args.report, timeout=args.timeout)
    print(text)
    return code


def cmd_results(args) -> int:
    from verify.commands.results import RUNS, main_results

    only = None
    if args.only:
        only = [x.strip() for x in args.only.split(",") if x.strip()]
        unknown = [x for x in only if x not in RUNS]
        if unknown or not only:
            raise UsageError(f"unknown run {unknown[0] if unknown else args.only!r} (choose from {', '.join(RUNS)})")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return main_results(run=args.run, only=only, profile=args.profile, seed=args.seed, jobs=args.jobs,
                        directory=args.dir, md=args.md, check=args.check)


class UsageError(Exception):
    """A command-line mistake the parser cannot see (exit 2)."""


COMMANDS = {"suite": cmd_suite, "solve": cmd_solve, "check": cmd_check, "certify": cmd_certify,
            "test-solver": cmd_test_solver, "campaign": cmd_campaign, "replay": cmd_replay, "results": cmd_results}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "suite")  # the suite is the default command
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"python -m verify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Inconclusive as exc:
        print(f"inconclusive: {exc}", file=sys.stderr)
        return EXIT_INCONCLUSIVE
    except AdaserveError as exc:  # Z3Fault, OracleFault: our bug, reported as a finding, never a pass
        print(f"internal fault: {exc} (a bug of adaserve-verify; please report it with the input)",
              file=sys.stderr)
        return EXIT_FOUND
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INCONCLUSIVE

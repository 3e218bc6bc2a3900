"""``python -m verify``: the command line (docs/cli.md documents every output and exit
code).

Commands
--------
suite (default)        run every claim as a property; print the claims table
solve FILE...          one selection JSON per line, one per file, in order
check INSTANCE SEL     judge a selection against the exact optimum
certify INSTANCE SEL   check a selection's certificate, without solving
test-solver SOLVER     check a solver that is not ours against every applicable claim
campaign               many seeds of the suite or of a test-solver run, over the workers
replay REPORT          rerun the case of a counterexample report
html DIR...            (re)build the index.html of report directories from their JSON
audit TRACE            judge every iteration of a recorded trace (JSON Lines)
results                render docs/results.md from docs/results/*.json (--run: rerun)

Exit codes: 0 success / pass; 1 a finding (wrong answer, invalid certificate);
2 usage or input error (one line on stderr, never a traceback); 3 inconclusive.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
from typing import Any, Callable, Sequence

from solver.durations import RANGE as SECONDS_RANGE
from solver.durations import check_seconds
from solver.errors import (
    AdaserveError,
    Inconclusive,
    InputError,
    OptionError,
    UsageError,
)
from solver.exit_codes import ExitCode
from solver.messages import clip_line, join_some
from solver.parse import load_instance
from solver.registry import SOLVERS, get_solver
from solver.selection import load_selection
from verify.search.restrictions import DECLARED


class _Parser(argparse.ArgumentParser):
    # one line, exit 2 (argparse prints usage too; keep it short)
    def error(self, message):
        self.exit(ExitCode.USAGE_ERROR, f"{self.prog}: error: {message}\n")


def seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds up to ``MAX_SECONDS``
    (``nan``, ``inf``, 0, ``1e12`` are usage errors; solver/durations.py)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    try:
        return check_seconds(value, "seconds")
    except OptionError:
        raise argparse.ArgumentTypeError(
            f"must be {SECONDS_RANGE}, got {clip_line(text, 40)!r}"
        ) from None


def megabytes(text: str) -> int:
    """An argparse type: a positive whole number of megabytes."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a positive whole number of megabytes, got {text!r}"
        )
    return value


def _add_instance_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-nonmonotone",
        action="store_true",
        help=(
            "accept f(child) > f(parent); only exact methods (dp, z3) may then claim"
            " optimality"
        ),
    )


def _add_z3_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--z3-timeout",
        type=seconds,
        default=60.0,
        metavar="SECONDS",
        help=(
            "time limit of the whole Z3 stage, building the encoding included; running"
            " out is INCONCLUSIVE (default 60)"
        ),
    )
    p.add_argument(
        "--z3-memory",
        type=megabytes,
        default=None,
        metavar="MB",
        help="memory Z3 may use; running out is INCONCLUSIVE (default 4096)",
    )


def _add_cross_check_flag(p: argparse.ArgumentParser) -> None:
    """--cross-check N of the suite and test-solver (docs/cli.md, Exact numbers)."""
    p.add_argument(
        "--cross-check",
        type=int,
        default=0,
        metavar="N",
        help=(
            "judge 1 in N judged cases (the first included) again on the Fraction path"
            " and compare; a difference is an oracle fault (default 0: off)"
        ),
    )


def _add_run_flags(p: argparse.ArgumentParser, jobs_default, jobs_help: str) -> None:
    """Where the work runs (docs/distributed.md): --jobs, --dask, --store."""
    p.add_argument("--jobs", type=int, default=jobs_default, help=jobs_help)
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=(
            "run on a Dask scheduler (tcp://host:8786) or on a "
            'LocalCluster of N workers (local:N); needs pip install -e ".[dask]"'
        ),
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="keep every finished task in DIR; a rerun reuses them",
    )


class _Version(argparse.Action):
    """``--version``: the version is looked up only when asked (solver/version.py)."""

    def __init__(
        self,
        option_strings,
        dest=argparse.SUPPRESS,
        default=argparse.SUPPRESS,
        help=None,
    ):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from solver.version import version

        print(f"adaserve-verify {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("suite", help="run the verification suite (the default command)")
    p.add_argument(
        "--profile",
        default="quick",
        choices=["smoke", "quick", "thorough"],
        help=(
            "quick (default, about 2 minutes on 2 cores), thorough, or smoke (seconds;"
            " for tests)"
        ),
    )
    p.add_argument(
        "--seed", type=int, default=0, help="Hypothesis seed (default 0: reproducible)"
    )
    p.add_argument(
        "--solver",
        metavar="NAME",
        help=(
            "aim the suite at one solver: a registered name "
            f"({', '.join(SOLVERS)}) or package.module:function"
        ),
    )
    p.add_argument(
        "--claims", metavar="IDS", help="comma-separated claim ids (default: all)"
    )
    _add_run_flags(p, 2, "processes (default 2)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write a report per counterexample (docs/reports.md)",
    )
    flag, argument = DECLARED["values"].arguments[0]  # test-solver's --values
    p.add_argument(flag, **argument)
    _add_cross_check_flag(p)

    p = sub.add_parser(
        "solve", help="solve instance files, print one selection JSON per line"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--solver", default="reference", choices=list(SOLVERS))
    p.add_argument(
        "--cross-check",
        action="store_true",
        help=(
            "reference solver: solve again on the Fraction path and compare"
            " (docs/cli.md)"
        ),
    )
    _add_instance_flags(p)
    _add_z3_flags(p)

    p = sub.add_parser("check", help="judge a selection against the exact optimum")
    p.add_argument("instance", metavar="INSTANCE")
    p.add_argument("selection", metavar="SELECTION")
    p.add_argument(
        "--no-z3",
        action="store_true",
        help="judge with the DP alone (no Z3 confirmation)",
    )
    p.add_argument(
        "--cross-check",
        action="store_true",
        help=(
            "judge again on the Fraction path and compare; the path that ran goes to"
            " stderr"
        ),
    )
    _add_instance_flags(p)
    _add_z3_flags(p)

    p = sub.add_parser(
        "certify", help="check a selection's certificate (no solver involved)"
    )
    p.add_argument("instance", metavar="INSTANCE")
    p.add_argument("selection", metavar="SELECTION")
    p.add_argument(
        "--cross-check",
        action="store_true",
        help="check again on the Fraction path and compare",
    )
    _add_instance_flags(p)

    # test-solver and replay: docs/test-solver.md, docs/reports.md
    p = sub.add_parser(
        "test-solver", help="check a solver that is not ours (docs/test-solver.md)"
    )
    p.add_argument(
        "solver",
        nargs="?",
        metavar="MODULE:FUNCTION",
        help=(
            "a Python callable on the instance JSON dict (or a registered solver name)"
        ),
    )
    p.add_argument(
        "--cmd",
        metavar="COMMAND",
        help="a program: instance JSON on stdin, selection JSON on stdout",
    )
    p.add_argument(
        "--jsonl",
        action="store_true",
        help=(
            "with --cmd: start the program once; one instance JSON line in, one"
            " selection line out"
        ),
    )
    p.add_argument(
        "--startup-timeout",
        type=seconds,
        metavar="SECONDS",
        help=(
            "time for a start-up: a Python selector's import and warm-up call, the"
            " first answer of a --jsonl program (on top of --timeout), a --cmd"
            " program's answer to a trivial instance before the run (default 120)"
        ),
    )
    p.add_argument(
        "--native",
        action="store_true",
        help="MODULE:FUNCTION takes Instance objects, not JSON",
    )
    p.add_argument(
        "--timeout",
        type=seconds,
        default=10.0,
        metavar="SECONDS",
        help="per call (default 10)",
    )
    p.add_argument(
        "--profile",
        default="quick",
        help="instance sizes and cases, as the suite's (default quick)",
    )
    p.add_argument(
        "--examples",
        type=int,
        metavar="N",
        help="generated inputs per property (default: profile's)",
    )
    p.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    # the restrictions, as declared; the root convention (a run option) first
    for declared in sorted(DECLARED.values(), key=lambda r: not r.run_option):
        for flag, argument in declared.arguments:
            p.add_argument(flag, **argument)
    p.add_argument(
        "--max-findings",
        type=int,
        default=5,
        metavar="N",
        help="distinct failures reported per property (default 5)",
    )
    p.add_argument(
        "--instances",
        metavar="PATH",
        help=(
            "also judge these instances first (JSON Lines file, or a "
            "folder of instance files)"
        ),
    )
    _add_cross_check_flag(p)
    p.add_argument(
        "--claims",
        metavar="IDS",
        help="comma-separated property ids (default: all applicable)",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write a report per counterexample (docs/reports.md)",
    )
    p.add_argument(
        "--junit",
        metavar="FILE",
        help=(
            "also write JUnit XML: a test case per property, a failure "
            "per finding (docs/test-solver.md)"
        ),
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        help="also write the run as JSON (as run.json of --report-dir)",
    )
    _add_run_flags(
        p,
        None,
        "processes running properties in parallel (default: the number of cores)",
    )

    # campaign: docs/distributed.md
    p = sub.add_parser(
        "campaign",
        help="many seeds of the suite (or of a test-solver run) over the workers",
    )
    p.add_argument(
        "--seeds",
        metavar="SEEDS",
        help=(
            "N (0..N-1), A-B, A- (as many as --time-budget allows) "
            "or a list 1,5,9 (default: 0- with --time-budget, else 8)"
        ),
    )
    p.add_argument(
        "--time-budget",
        type=seconds,
        metavar="SECONDS",
        help="start nothing more after this; stop what runs",
    )
    p.add_argument(
        "--profile",
        default="quick",
        choices=["smoke", "quick", "thorough"],
        help="suite mode: profile",
    )
    p.add_argument(
        "--claims",
        metavar="IDS",
        help="suite mode: comma-separated claim ids (default: all)",
    )
    p.add_argument(
        "--solver",
        metavar="NAME",
        help="suite mode: aim at one solver (as suite --solver)",
    )
    _add_run_flags(p, None, "processes (default: the number of cores)")
    p.add_argument("--json", metavar="FILE", help="also write the aggregate as JSON")
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="a report per distinct finding (its smallest counterexample)",
    )
    p.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="test-solver SOLVER ...",
        help=(
            "instead of the suite: a test-solver run (its options; seeds from --seeds)"
        ),
    )

    p = sub.add_parser(
        "replay", help="rerun the case of a report.json; exit 1 if it still fails"
    )
    p.add_argument("report", metavar="REPORT_JSON")
    p.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="override the recorded per-call timeout",
    )
    p.add_argument(
        "--trust",
        action="store_true",
        help=(
            "run the report's solver even if it is a command or a module outside this"
            " project and the current directory (a report is data: see docs/reports.md)"
        ),
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help=(
            "also write DIR/<time>-replay-<property>/ with the outcome, the report and"
            " index.html"
        ),
    )
    p = sub.add_parser(
        "html",
        help=(
            "(re)build index.html in report directories from their JSON "
            "(docs/reports.md)"
        ),
    )
    p.add_argument(
        "dirs",
        nargs="+",
        metavar="DIR",
        help="a run directory or a finding's directory",
    )
    p = sub.add_parser(
        "audit",
        help=(
            "judge every iteration of a recorded trace, one JSON object per line "
            "(docs/audit.md)"
        ),
    )
    p.add_argument(
        "trace",
        metavar="TRACE",
        help='JSON Lines: {"instance": ..., "selection": ..., "id"?, "time"?}',
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        help="also write the summary and every iteration's verdict as JSON",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write a report for the worst iterations of each kind",
    )
    p.add_argument(
        "--reports",
        type=int,
        default=3,
        metavar="N",
        help="reports per kind of finding (default 3)",
    )
    p.add_argument(
        "--worst",
        type=int,
        default=5,
        metavar="N",
        help="worst iterations listed per kind of finding (default 5)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes (default: the number of cores)",
    )
    p.add_argument(
        "--z3",
        action="store_true",
        help="confirm every optimum with Z3 too (slower; off by default)",
    )
    p.add_argument(
        "--no-progress", action="store_true", help="no progress lines on stderr"
    )
    p.add_argument(
        "--cross-check",
        type=int,
        default=0,
        metavar="N",
        help=(
            "judge every N-th iteration again on the Fraction path and compare (default"
            " 0: off)"
        ),
    )
    _add_instance_flags(p)
    _add_z3_flags(p)

    p = sub.add_parser(
        "results",
        help=(
            "render docs/results.md from the raw runs in docs/results/ "
            "(--run: redo the thorough suite and the proofs runs first)"
        ),
    )
    p.add_argument(
        "--run",
        action="store_true",
        help="redo the runs (thorough suite, proofs strict and ties, Coq)",
    )
    p.add_argument(
        "--only",
        metavar="RUNS",
        help=(
            "with --run: a comma-separated subset of "
            "suite,proofs-strict,proofs-ties,coq"
        ),
    )
    p.add_argument(
        "--profile",
        default="thorough",
        choices=["smoke", "quick", "thorough"],
        help="suite profile (default thorough; others only for development)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="Hypothesis and Z3 seed (default 0)"
    )
    p.add_argument("--jobs", type=int, default=2, help="processes per run (default 2)")
    p.add_argument(
        "--dir", metavar="DIR", help="raw JSON directory (default docs/results)"
    )
    p.add_argument(
        "--md", metavar="FILE", help="the page to write (default docs/results.md)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help=(
            "write nothing; exit 1 if the page differs from its rendering or the runs"
            " are stale"
        ),
    )
    return parser


def cmd_solve(args) -> int:
    instances = [
        load_instance(f, allow_nonmonotone=args.allow_nonmonotone) for f in args.files
    ]
    solve: Callable[..., Any] = get_solver(args.solver)  # partial takes keywords
    if args.solver == "z3":
        from functools import partial

        solve = partial(solve, timeout=args.z3_timeout, memory=args.z3_memory)
    exact = SOLVERS[args.solver][2]
    for path, inst in zip(args.files, instances):
        if not exact and not inst.is_monotone():
            print(
                f"note: {path}: non-monotone input: the {args.solver} answer is not"
                " guaranteed optimal; judge it with 'check' or use --solver dp",
                file=sys.stderr,
            )
        try:
            sel = solve(inst)
        except Inconclusive as exc:
            print(f"inconclusive: {path}: {exc}", file=sys.stderr)
            return ExitCode.INCONCLUSIVE
        print(sel.dumps(), flush=True)
        if args.cross_check and args.solver == "reference":
            from verify.checks.cross_check import numbers_path, solve_mismatch

            mismatch = solve_mismatch(inst)
            if mismatch:
                print(f"oracle fault: {path}: {mismatch}", file=sys.stderr)
                return ExitCode.FOUND
            print(
                f"numbers: {path}: {numbers_path(inst)} path, cross-checked",
                file=sys.stderr,
            )
    return ExitCode.OK


def cmd_check(args) -> int:
    from verify.checks.judge import judge

    inst = load_instance(args.instance, allow_nonmonotone=args.allow_nonmonotone)
    sel = load_selection(args.selection)
    verdict = judge(
        inst,
        sel,
        use_z3=not args.no_z3,
        z3_timeout=args.z3_timeout,
        z3_memory=args.z3_memory,
    )
    if args.cross_check:
        from verify.checks.cross_check import cross_checked, numbers_path

        verdict = cross_checked(verdict, inst, sel)
        print(
            f"numbers: {numbers_path(inst)} path, cross-checked with the Fraction path",
            file=sys.stderr,
        )
    print(verdict.text)
    return verdict.exit_code


def cmd_certify(args) -> int:
    from verify.checks.certificate import certificate_problems

    inst = load_instance(args.instance, allow_nonmonotone=args.allow_nonmonotone)
    sel = load_selection(args.selection)
    problems = certificate_problems(inst, sel)
    if args.cross_check:
        from verify.checks.cross_check import certificate_mismatch, numbers_path

        mismatch = certificate_mismatch(inst, sel)
        if mismatch:
            print(f"oracle fault: {mismatch}")
            return ExitCode.FOUND
        print(
            f"numbers: {numbers_path(inst)} path, cross-checked with the Fraction path",
            file=sys.stderr,
        )
    if problems:
        print(clip_line("certificate rejected: " + join_some(problems)))
        return ExitCode.FOUND
    print("certificate valid: proves " + ("optimality" if sel.ok else "INVALID"))
    return ExitCode.OK


def _claim_ids(text):
    """``--claims A,B``: the claim ids, each known (a usage error otherwise); None when
    not given."""
    if not text:
        return None
    from verify.search.claims import CLAIMS_BY_ID

    claims = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in claims if c not in CLAIMS_BY_ID]
    if unknown:
        raise UsageError(
            f"unknown claim {unknown[0]!r} (choose from {', '.join(CLAIMS_BY_ID)})"
        )
    return claims


def _check_suite_solver(name) -> None:
    """``--solver NAME`` of the suite and campaign: a registered name or an importable
    module:function."""
    if name:
        from verify.commands.suite import resolve_solver

        try:
            resolve_solver(name)
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None


def cmd_suite(args) -> int:
    from verify.commands.suite import main_suite

    claims = _claim_ids(args.claims)
    _check_suite_solver(args.solver)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.cross_check < 0:
        raise UsageError("--cross-check must be at least 0")
    values = None
    if args.values is not None:
        from verify.solver_check.options import parse_values

        try:
            values = parse_values(args.values)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    _check_outputs(json_file=args.json, report_dir=args.report_dir)
    return main_suite(
        args.profile,
        args.seed,
        args.solver,
        args.jobs,
        args.json,
        claims,
        report_dir=args.report_dir,
        values=values,
        dask=args.dask,
        store_dir=args.store,
        cross_check=args.cross_check,
    )


def cmd_test_solver(args) -> int:
    from verify.commands.solver_cli import main_test_solver, usage_to_run
    from verify.run.pool import cpu_count

    try:
        spec, options = usage_to_run(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    _check_outputs(report_dir=options.report_dir)
    _check_outputs(json_file=args.junit, json_option="--junit")
    _check_outputs(json_file=args.json)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return main_test_solver(
        spec,
        options,
        jobs=args.jobs or cpu_count(),
        dask=args.dask,
        store_dir=args.store,
        junit=args.junit,
        json_path=args.json,
    )


def cmd_campaign(args) -> int:
    from verify.commands.campaign import main_campaign, parse_seeds, subject_from_args
    from verify.run.pool import cpu_count

    args.claims_given = bool(args.claims)
    if args.claims:
        args.claims = _claim_ids(args.claims)
    _check_suite_solver(args.solver)
    if args.time_budget is not None and args.time_budget <= 0:
        raise UsageError("--time-budget must be positive")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    seeds = args.seeds or ("0-" if args.time_budget else "8")
    try:
        finite, _ = parse_seeds(seeds)
        if finite is None and not args.time_budget:
            raise ValueError(f"--seeds {seeds}: an open-ended list needs --time-budget")
        commands = next(
            a
            for a in build_parser()._actions
            if isinstance(a, argparse._SubParsersAction)
        )
        sub = commands.choices["test-solver"]
        subject = subject_from_args(args, lambda argv: sub.parse_args(argv))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    _check_outputs(json_file=args.json, report_dir=args.report_dir)
    return main_campaign(
        subject,
        seeds,
        args.time_budget,
        args.jobs or cpu_count(),
        args.dask,
        args.store,
        args.json,
        args.report_dir,
    )


def cmd_replay(args) -> int:
    from verify.report.replay import replay

    if args.report_dir:
        _check_outputs(report_dir=args.report_dir)
    code, text = replay(args.report, timeout=args.timeout, trust=args.trust)
    print(clip_line(text))
    if args.report_dir:
        from verify.report.write import write_replay_run

        print(
            "page:"
            f" {write_replay_run(args.report_dir, args.report, code, text)}/index.html"
        )
    return code


def cmd_html(args) -> int:
    from verify.report.html import write_page

    for d in args.dirs:
        if not os.path.isdir(d):
            raise InputError("not a directory", source=d)
        path = write_page(d)
        if path is None:
            raise InputError(
                "no run.json, campaign.json or report.json here: nothing to show",
                source=d,
            )
        print(path)
    return ExitCode.OK


def cmd_results(args) -> int:
    from verify.commands.results import RUNS, main_results

    only = None
    if args.only:
        only = [x.strip() for x in args.only.split(",") if x.strip()]
        unknown = [x for x in only if x not in RUNS]
        if unknown or not only:
            raise UsageError(
                f"unknown run {unknown[0] if unknown else args.only!r} (choose from"
                f" {', '.join(RUNS)})"
            )
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if not args.check:
        _check_outputs(
            json_file=args.md,
            json_option="--md",
            report_dir=args.dir if args.run else None,
            dir_option="--dir",
        )
    from verify.commands.results_html import render_html

    return main_results(
        run=args.run,
        only=only,
        profile=args.profile,
        seed=args.seed,
        jobs=args.jobs,
        directory=args.dir,
        md=args.md,
        check=args.check,
        html=render_html,
    )


def cmd_audit(args) -> int:
    from verify.commands.audit import AuditOptions, main_audit

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    for flag, value in (("--reports", args.reports), ("--worst", args.worst)):
        if value < 0:
            raise UsageError(f"{flag} must be at least 0")
    if args.cross_check < 0:
        raise UsageError("--cross-check must be at least 0")
    options = AuditOptions(
        trace=args.trace,
        z3=args.z3,
        z3_timeout=args.z3_timeout,
        allow_nonmonotone=args.allow_nonmonotone,
        cross_check=args.cross_check,
    )
    return main_audit(
        args.trace,
        options,
        jobs=args.jobs,
        json_path=args.json,
        report_dir=args.report_dir,
        reports=args.reports,
        worst=args.worst,
        progress=not args.no_progress,
    )


def _check_outputs(
    json_file=None, report_dir=None, json_option="--json", dir_option="--report-dir"
) -> None:
    """Unwritable output paths fail now (exit 2), not with a traceback after the whole
    run."""
    from verify.report.write import (
        UnwritablePath,
        check_writable_dir,
        check_writable_file,
    )

    try:
        if json_file:
            check_writable_file(json_file, json_option)
        if report_dir:
            check_writable_dir(report_dir, dir_option)
    except UnwritablePath as exc:
        raise UsageError(str(exc)) from None


# the process that installed the handler (worker processes fork it: not theirs)
_MAIN_PID = [0]


def _terminated(signum, frame):
    """SIGTERM (and SIGHUP) end a command like Ctrl-C: solvers under test are killed,
    exit 3.

    In a forked worker (the suite's --jobs) the signal keeps its default meaning, so
    that a pool can still terminate its workers."""
    if os.getpid() != _MAIN_PID[0]:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise KeyboardInterrupt


COMMANDS = {
    "suite": cmd_suite,
    "solve": cmd_solve,
    "check": cmd_check,
    "certify": cmd_certify,
    "test-solver": cmd_test_solver,
    "campaign": cmd_campaign,
    "replay": cmd_replay,
    "results": cmd_results,
    "audit": cmd_audit,
    "html": cmd_html,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (
        argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")
    ):
        argv.insert(0, "suite")  # the suite is the default command
    args = parser.parse_args(argv)
    handlers = {}
    _MAIN_PID[0] = os.getpid()
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            handlers[sig] = signal.signal(sig, _terminated)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    from verify.subject.process import end_run, mark_run

    # whatever this run starts carries it; swept at the end (no process left)
    run_mark = mark_run()
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except UsageError as exc:
        print(clip_line(f"python -m verify: error: {exc}"), file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except Inconclusive as exc:
        print(clip_line(f"inconclusive: {exc}"), file=sys.stderr)
        return ExitCode.INCONCLUSIVE
    except (
        AdaserveError
    ) as exc:  # Z3Fault, OracleFault: our bug, reported as a finding, never a pass
        print(
            clip_line(
                f"internal fault: {exc} (a bug of adaserve-verify; please report it"
                " with the input)"
            ),
            file=sys.stderr,
        )
        return ExitCode.FOUND
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INCONCLUSIVE
    finally:
        end_run(*run_mark)
        for sig, old in handlers.items():
            signal.signal(sig, old)

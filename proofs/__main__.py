"""``python -m proofs``: bounded-exhaustive symbolic proofs of the greedy's claims.

Usage::

    python -m proofs [--max-nodes N] [--pair-max M] [--claims APP-B,LEM-C1,...]
                     [--greedy frontier,paper] [--allow-ties] [--jobs J | --dask ADDRESS]
                     [--store DIR]
                     [--timeout S] [--seed K] [--json] [--out DIR]
                     [--report-dir DIR | --no-reports] [--quiet]

For every rooted tree shape with 1..N nodes (APP-B, LEM-C1, LEM-C2) and every
ordered pair of shapes with 1..M nodes each (THM-P1, THM-P2), Z3 proves the
claim for *every* real probability assignment satisfying the premise (and every
labeling, tie-break, target and budget), or returns a counterexample.  The
smallest counterexample of each claim is written as an instance file to DIR,
replayed on the real code and, where the real code fails, written as a normal
counterexample report (report.json, report.md, tree.png; docs/reports.md) in a
run directory under the report directory, which ``python -m verify replay``
reruns (docs/proof.md).

``python -m proofs coq-greedy`` runs the greedy proven in Coq instead
(proofs/coq_bridge/coq_greedy.py; docs/proof.md, part 6).

Exit codes: 0 all proved, 1 some counterexample, 3 some query unknown (and no
counterexample), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from solver.errors import Inconclusive, InputError
from solver.exit_codes import ExitCode
from solver.verdicts import ProofResult
from verify.run.store import Store

from .bounded.claims_pair import PAIR_CLAIMS
from .bounded.claims_tree import TREE_CLAIMS
from .bounded.concrete import instance_json, validate, write
from .bounded.findings import write_run
from .bounded.report import table, to_json
from .bounded.run import Progress, aggregate, execute, make_tasks
from .bounded.shapes import rooted_shapes
from .bounded.smt import COUNTEREXAMPLE
from .bounded.tasks import Settings, refined_witness
from .bounded.tree_run import GREEDIES

ALL_CLAIMS = tuple(TREE_CLAIMS) + tuple(PAIR_CLAIMS)


def _csv(allowed):
    def parse(text):
        items = tuple(x.strip() for x in text.split(",") if x.strip())
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f"choose from {', '.join(allowed)} (got {text!r})"
            )
        return items

    return parse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m proofs", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=8,
        metavar="N",
        help="per-shape claims on every shape with 1..N nodes (default 8)",
    )
    p.add_argument(
        "--pair-max",
        type=int,
        default=4,
        metavar="M",
        help=(
            "two-request claims on every ordered pair of shapes with 1..M nodes each"
            " (default 4; 0: skip)"
        ),
    )
    p.add_argument(
        "--claims",
        type=_csv(ALL_CLAIMS),
        default=ALL_CLAIMS,
        help=f"comma-separated subset of {','.join(ALL_CLAIMS)} (default all)",
    )
    p.add_argument(
        "--greedy",
        type=_csv(GREEDIES),
        default=GREEDIES,
        help=(
            "frontier (reference GetTop, any tie-break) and/or paper (GetTop over all "
            "unselected nodes, index ties); default both"
        ),
    )
    p.add_argument(
        "--allow-ties",
        action="store_true",
        help="premise f(child) <= f(parent) instead of <",
    )
    p.add_argument(
        "--jobs", type=int, default=1, metavar="J", help="worker processes (default 1)"
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=(
            "run the tasks on a Dask scheduler (tcp://host:8786) "
            "or on a LocalCluster of N workers (local:N); docs/distributed.md"
        ),
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help=(
            "keep every finished task in DIR; a rerun reuses them (docs/distributed.md)"
        ),
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds per SMT query (default 120)",
    )
    p.add_argument("--seed", type=int, default=0, help="Z3 random seed (default 0)")
    p.add_argument(
        "--json", action="store_true", help="print JSON instead of the table"
    )
    p.add_argument(
        "--out",
        default="proofs-out",
        metavar="DIR",
        help="where counterexample instances go (default ./proofs-out)",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        default=None,
        help=(
            "where a run directory of counterexample reports goes (default: the --out"
            " directory)"
        ),
    )
    p.add_argument(
        "--no-reports", action="store_true", help="write no counterexample reports"
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--coq",
        action="store_true",
        help=(
            "instead: build the Coq proofs (proofs/coq) and print the theorems of the"
            " chosen claims with their assumptions (proved for every size;"
            " docs/proof.md part 6)"
        ),
    )
    return p


def _levels(name: str) -> tuple[int, ...]:
    return tuple(int(ch, 36) for ch in name)


def _smallest(records: list[dict]) -> list[dict]:
    """Per (claim, greedy): the counterexample with the fewest nodes, canonical shape
    order."""
    best: dict[tuple, dict] = {}
    for r in records:
        if r["status"] != COUNTEREXAMPLE:
            continue
        parts = r["shape"].split("+")
        key = (
            sum(len(p) for p in parts),
            r["n"],
            tuple(-int(c, 36) for p in parts for c in p),
        )
        cur = best.get((r["claim"], r["greedy"]))
        if cur is None or key < cur[0]:
            best[(r["claim"], r["greedy"])] = (key, r)
    return [r for _, r in sorted(best.values(), key=lambda kr: kr[0])]


def concretize(rec: dict, st: Settings, out_dir: str) -> dict:
    """Turn one symbolic counterexample into an instance file and replay it."""
    parts = rec["shape"].split("+")
    levels = [_levels(p) for p in parts]
    witness = refined_witness(rec["claim"], rec["greedy"], levels, st) or rec["witness"]
    from .bounded.shapes import Shape

    parents = [Shape.from_levels(lv).parent for lv in levels]
    summary = {
        "claim": rec["claim"],
        "greedy": rec["greedy"],
        "n": rec["n"],
        "shape": rec["shape"],
        "parents": [list(p) for p in parents],
        "witness": witness,
        "seconds": round(rec["seconds"], 3),
    }
    obj = instance_json(rec["claim"], parents, witness)
    if obj is None:
        summary["instance"] = None
        return summary
    check = validate(obj, rec["claim"], rec["greedy"], ties=st.ties)
    stem = (
        f"{rec['claim']}-{rec['greedy']}-n{rec['n']}-{rec['shape'].replace('+', '_')}"
    )
    paths = write(out_dir, stem, obj, {**summary, "instance": obj, "replay": check})
    summary.update(instance=obj, replay=check, files=paths)
    return summary


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == [
        "coq-greedy"
    ]:  # the Coq-proven greedy, extracted (proofs/coq_bridge/coq_greedy.py)
        from .coq_bridge.coq_greedy import main as coq_greedy_main

        return coq_greedy_main(argv[1:])
    args = parser().parse_args(argv)
    if args.coq:
        from .coq_bridge.coq_greedy import coq_report

        return coq_report(args.claims)
    if args.max_nodes < 1 or args.pair_max < 0 or args.jobs < 1 or args.timeout <= 0:
        print(
            "python -m proofs: --max-nodes >= 1, --pair-max >= 0, --jobs >= 1,"
            " --timeout > 0",
            file=sys.stderr,
        )
        return ExitCode.USAGE_ERROR
    from verify.report.write import UnwritablePath, check_writable_dir

    try:  # before the proofs run, not after them (issue 16, item 13)
        check_writable_dir(args.out, "--out")
        if args.report_dir and not args.no_reports:
            check_writable_dir(args.report_dir, "--report-dir")
    except UnwritablePath as exc:
        print(f"python -m proofs: {exc}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    st = Settings(
        ties=args.allow_ties,
        greedies=args.greedy,
        tree_claims=tuple(c for c in args.claims if c in TREE_CLAIMS),
        pair_claims=tuple(c for c in args.claims if c in PAIR_CLAIMS),
        timeout=args.timeout,
        seed=args.seed,
    )
    t0 = time.perf_counter()
    tasks = make_tasks(args.max_nodes, args.pair_max, st)
    note = (
        None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    )
    try:
        store = Store(args.store) if args.store else None
        records = execute(
            tasks,
            args.jobs,
            args.seed,
            None if args.quiet else Progress(),
            dask=args.dask,
            store=store,
            note=note,
        )
    except (
        InputError
    ) as exc:  # --dask without distributed, an unreachable scheduler, a bad --store
        print(f"python -m proofs: error: {exc.one_line()}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except Inconclusive as exc:  # the scheduler was lost mid-run
        print(f"python -m proofs: inconclusive: {exc}", file=sys.stderr)
        return ExitCode.INCONCLUSIVE
    except KeyboardInterrupt:
        print("python -m proofs: interrupted", file=sys.stderr)
        return ExitCode.INCONCLUSIVE
    rows = aggregate(records)
    cexs = [concretize(r, st, args.out) for r in _smallest(records)]
    code = (
        ExitCode.FOUND
        if any(r["result"] == ProofResult.COUNTEREXAMPLE for r in rows)
        else (
            ExitCode.INCONCLUSIVE
            if any(r["result"] == ProofResult.UNKNOWN for r in rows)
            else ExitCode.OK
        )
    )
    seconds = time.perf_counter() - t0
    premise = "f(child) <= f(parent)" if args.allow_ties else "f(child) < f(parent)"
    settings = {
        "max_nodes": args.max_nodes,
        "pair_max": args.pair_max if st.pair_claims else 0,
        "claims": list(args.claims),
        "greedies": list(args.greedy),
        "allow_ties": args.allow_ties,
        "premise": f"real f per node, 0 <= f <= 1, f(root) = 1, {premise}",
        "shapes_per_n": {
            n: sum(1 for _ in rooted_shapes(n)) for n in range(1, args.max_nodes + 1)
        },
        "jobs": args.jobs,
        "timeout": args.timeout,
        "seed": args.seed,
    }
    if args.dask:  # only then: the JSON of a local run stays as it was
        settings["dask"] = args.dask
    run_dir = None
    if not args.no_reports:
        run_dir = write_run(
            args.report_dir or args.out,
            cexs,
            settings,
            rows,
            ties=args.allow_ties,
            table_text=table(rows),
            exit_code=code,
            seconds=time.perf_counter() - t0,
        )
    if args.json:
        print(to_json(settings, rows, cexs, code, seconds, report_dir=run_dir))
        return code
    n_shapes = sum(settings["shapes_per_n"].values())
    bounds = (
        [f"every rooted tree shape with 1..{args.max_nodes} nodes ({n_shapes} shapes)"]
        if st.tree_claims
        else []
    ) + (
        [f"every ordered pair of shapes with 1..{args.pair_max} nodes each"]
        if st.pair_claims and args.pair_max
        else []
    )
    print(
        f"Bound: {'; '.join(bounds) or 'nothing selected'}"
        + f". Premise: {settings['premise']}. Greedies: {', '.join(args.greedy)}."
    )
    print(table(rows))
    for c in cexs:
        where = f"shape {c['shape']} (n = {c['n']})"
        if c.get("instance") is None:
            print(
                f"counterexample {c['claim']}[{c['greedy']}] smallest at {where}:"
                f" {c['witness']}"
            )
            continue
        rp = c["replay"]
        print(
            f"counterexample {c['claim']}[{c['greedy']}] smallest at {where}: instance"
            f" {c['files']['instance']}; replay"
            f" {'confirms' if rp['confirmed'] else 'does NOT reproduce'} it:"
            f" {rp['verdict']}"
        )
        for r in c.get("reports", []):
            print(
                f"  report ({r['property']} on {r['solver']}):"
                f" {os.path.join(r['dir'], 'report.md')}; python -m verify replay"
                f" {os.path.join(r['dir'], 'report.json')}"
            )
    for r in rows:
        for why in r.get("unknown_reasons", []):
            print(f"unknown {r['claim']}[{r['greedy']}] n={r['n']}: {why}")
    verdict = {
        ExitCode.OK: "all proved",
        ExitCode.FOUND: "counterexample(s) found",
        ExitCode.INCONCLUSIVE: "some queries unknown",
    }[code]
    if run_dir:
        print(f"reports: {run_dir}/index.md")
    print(f"{verdict}; {len(records)} records, wall {seconds:.1f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())

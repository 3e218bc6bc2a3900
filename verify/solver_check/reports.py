"""The reports of a solver check on disk: one per finding, and the run's index
(docs/reports.md)."""

from __future__ import annotations

import json
import os

from verify.report.facts import versions
from verify.report.finding import finding, slug
from verify.report.write import new_run_dir, write_finding, write_index
from verify.search.claim_search import COUNTEREXAMPLE
from verify.solver_check.planning import rerun_command


def write_run(report_dir: str, run) -> tuple[str, dict[int, list[str]]]:
    """Reports of a :class:`Run`: (run directory, result index -> a directory per
    finding)."""
    run_dir = new_run_dir(report_dir, run.spec.label)
    opts = {
        "profile": run.options.profile,
        "examples": run.options.examples,
        "seed": run.options.seed,
        "root_charged": run.options.root_charged,
        "restrictions": run.options.restrictions.to_json(),
        "max_findings": run.options.max_findings,
        "instances": run.options.instances,
    }
    dirs: dict[int, list[str]] = {}
    written: dict[
        tuple[str, int], str
    ] = {}  # (property, finding number) -> its directory
    n = 0
    for i, r in enumerate(run.results):
        if r.verdict != COUNTEREXAMPLE:
            continue
        for k, rec in enumerate(r.findings):
            # one defect, one report: the first property's, listing them all
            if rec.get("same_as"):
                dirs.setdefault(i, []).append(
                    written[rec["same_as"]["property"], rec["same_as"]["finding"]]
                )
                continue
            n += 1
            rep = finding(
                r,
                run.spec,
                rerun=rerun_command(run.spec, run.options, r.claim),
                options=opts,
                record=rec,
            )
            name = f"{n:02d}-{slug(r.claim)}"
            if len(r.findings) > 1:
                sig = rec.get("signature", {})
                name += f"-{slug(sig.get('kind', 'finding'))}"
                if (
                    sum(
                        f.get("signature", {}).get("kind") == sig.get("kind")
                        for f in r.findings
                    )
                    > 1
                ):
                    name += (  # two causes of one kind: two findings
                        f"-{slug(sig.get('cause', 'none'))}"
                    )
            dirs.setdefault(i, []).append(
                write_finding(os.path.join(run_dir, name), rep)
            )
            written[r.claim, k + 1] = dirs[i][-1]
    own = f"{run.own} from {run.options.instances}" if run.options.instances else "none"
    if run.own_outside:
        own += (
            f" ({len(run.own_outside)} outside the restrictions, not used: "
            + "; ".join(f"{o}: {w}" for o, w in run.own_outside)
            + ")"
        )
    header = [
        f"Solver: `{run.spec.label}` ({run.spec.describe}).",
        f"Options: {json.dumps(opts)}.",
        "",
        (
            "Skipped (not applicable):"
            f" {', '.join(f'{c} ({w})' for c, w in run.skipped) or 'none'}."
        ),
        "",
        f"Your instances (--instances): {own}.",
        "",
        (
            f"Exit code {run.exit_code}; {run.seconds:.1f} s; versions"
            f" {json.dumps(versions())}."
        ),
    ]
    write_index(
        run_dir,
        "test-solver run",
        header,
        run.results,
        dirs,
        {
            "command": "test-solver",
            "solver": run.spec.to_json(),
            "options": opts,
            "skipped": run.skipped,
            "exit_code": run.exit_code,
            "instances_outside": run.own_outside,
        },
    )
    return run_dir, dirs

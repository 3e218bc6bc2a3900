"""One report directory of each kind, with its index.html, for tests/test_html.py and
tests/test_browser.py: test-solver, suite, campaign, audit, assert_optimal (the pytest
plugin's writer) and replay --report-dir."""

from __future__ import annotations

import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("test-solver", "suite", "campaign", "audit", "assert-optimal", "replay")
RESULTS_HTML = ROOT / "docs" / "results.html"


def build_pages(base: Path) -> dict[str, Path]:
    """kind -> the run directory (each holds index.html)."""
    import contextlib

    from verify import api
    from verify.commands import campaign as C
    from verify.commands.audit import AuditOptions, main_audit
    from verify.commands.suite import main_suite
    from verify.report.replay import replay
    from verify.report.write import write_replay_run
    from verify.run.executor import make_executor
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    out: dict[str, Path] = {}
    res = run(
        SolverSpec("callable", "tests.quality.planted:frontier_float32"),
        Options(
            examples=40,
            claims=("THM-P2", "LEM-C2", "RULE-BUDGET"),
            report_dir=str(base / "ts"),
        ),
    )
    out["test-solver"] = Path(res.run_dir)
    main_suite(
        "quick",
        0,
        "paper-alg1",
        1,
        None,
        ["RULE-BUDGET"],
        out=io.StringIO(),
        err=io.StringIO(),
        report_dir=str(base / "suite"),
    )
    (out["suite"],) = (base / "suite").iterdir()
    with make_executor(1) as ex:
        camp = C.run_campaign(
            C.Subject(profile="smoke", claims=("RULE-BUDGET",), solver="paper-alg1"),
            [0, 1],
            0,
            None,
            ex,
            seeds_text="2",
        )
    out["campaign"] = Path(C.write_reports(str(base / "campaign"), camp)[0])
    with contextlib.redirect_stdout(io.StringIO()):
        main_audit(
            str(ROOT / "examples" / "trace.jsonl"),
            AuditOptions(trace="examples/trace.jsonl"),
            report_dir=str(base / "audit"),
            progress=False,
        )
    (out["audit"],) = (base / "audit").iterdir()
    inst = {
        "budget": 1,
        "requests": [
            {"id": "r", "target": 1, "parent": [-1, 0, 0], "prob": [1, "0.5", "0.3"]}
        ],
    }
    try:
        api.assert_optimal(
            inst,
            {"status": "OK", "selected": {"r": [0, 1, 2]}},
            report_dir=str(base / "api"),
        )
    except AssertionError:
        pass
    (out["assert-optimal"],) = (base / "api").iterdir()
    report = next(out["test-solver"].glob("*/report.json"))
    code, text = replay(str(report))
    out["replay"] = Path(
        write_replay_run(str(base / "replay"), str(report), code, text)
    )
    return out

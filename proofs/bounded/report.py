"""The output of ``python -m proofs``: a table claim x n, or JSON.

>>> print(table([{"claim": "APP-B", "greedy": "paper", "n": 3, "shapes": 2, "queries": 2,
...               "result": "proved", "seconds": 0.01}]))
claim     greedy     n  shapes  queries  result           seconds
APP-B     paper      3       2        2  proved              0.01
"""

from __future__ import annotations

import json

from solver.verdicts import ProofResult

SCHEMA = "adaserve-verify/proofs/1"


def table(rows: list[dict]) -> str:
    head = (
        f"{'claim':<9} {'greedy':<8} {'n':>3} {'shapes':>7} {'queries':>8} "
        f" {'result':<15} {'seconds':>8}"
    )
    lines = [head]
    for r in rows:
        result = r["result"]
        if result == ProofResult.COUNTEREXAMPLE:
            result = f"cex {r['counterexamples']}/{r['shapes']}"
        elif result == ProofResult.UNKNOWN:
            result = f"unknown {r['unknown']}/{r['shapes']}"
        lines.append(
            f"{r['claim']:<9} {r['greedy']:<8} {r['n']:>3} {r['shapes']:>7}"
            f" {r['queries']:>8}  {result:<15} {r['seconds']:>8.2f}"
        )
    return "\n".join(lines)


def to_json(
    settings: dict,
    rows: list[dict],
    counterexamples: list[dict],
    exit_code: int,
    seconds: float,
    report_dir: str | None = None,
) -> str:
    """``report_dir``: the run directory of counterexample reports (None: none
    written)."""
    return json.dumps(
        {
            "schema": SCHEMA,
            "settings": settings,
            "rows": rows,
            "counterexamples": counterexamples,
            "exit_code": exit_code,
            "wall_seconds": round(seconds, 3),
            "report_dir": report_dir,
        },
        indent=2,
    )

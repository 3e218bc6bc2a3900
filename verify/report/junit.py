"""Machine-readable results of a ``test-solver`` run: JUnit XML (``--junit FILE``) and
JSON (``--json FILE``).

JUnit XML, as CI systems (GitLab, Jenkins, GitHub test reporters) show it natively:

* one ``<testsuite>`` for the run (the solver's label), with ``<properties>``: seed,
  profile, restrictions, the rerun command;
* one ``<testcase>`` per property (``classname`` ``adaserve-verify.test-solver``,
  ``name`` the claim id), ``time`` its search time;
* a ``<failure>`` per finding (``message``: the failing condition; ``type``: the
  failure signature's kind; text: the cause, the minimal instance, the report
  directory and the rerun command).  A property with several distinct findings
  has several failures;
* ``<error>`` for an inconclusive verdict (never a pass), ``<skipped>`` for a
  property that does not apply (``skipped``, with the reason).

The JSON is the run's ``run.json`` content (docs/reports.md) without a report
directory: the solver, options, every property's result with its findings.

Text a solver produced can hold anything: characters XML 1.0 cannot carry are
replaced by U+FFFD, so the file always parses.
"""

from __future__ import annotations

import json
import re
import socket
import time
import xml.etree.ElementTree as ET
from typing import Any, Optional

SCHEMA = "adaserve-verify/test-solver/1"
_NOT_XML = re.compile(
    "[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def xml_text(x: Any) -> str:
    """``x`` as text that XML 1.0 can carry.

    >>> xml_text("a\\x00b\\x1bc")
    'a\\ufffdb\\ufffdc'
    """
    return _NOT_XML.sub("\ufffd", str(x))


def _findings(result) -> list[dict]:
    if result.findings:
        return list(result.findings)
    return [result.counterexample] if result.counterexample else []


def _failure_text(rec: dict, report_dir: Optional[str], rerun: str) -> str:
    lines = [f"condition: {rec.get('condition', '')}"]
    sig = rec.get("signature") or {}
    if sig:
        lines.append(
            f"signature: {sig.get('property')} / {sig.get('rule')} / {sig.get('kind')}"
        )
    for c in rec.get("cause") or []:
        lines.append(f"cause ({c.get('kind')}): {c.get('text')}")
    if rec.get("summary"):
        lines.append(f"instance: {rec['summary']}")
    if report_dir:
        lines.append(
            f"report: {report_dir}/report.json (python -m verify replay"
            f" {report_dir}/report.json)"
        )
    lines.append(f"rerun: {rerun}")
    return "\n".join(lines)


def junit_xml(run, rerun_command) -> str:
    """The JUnit XML of a :class:`verify.solver_check.check.Run`;
    ``rerun_command(claim_id)`` is the command that repeats one property's search."""
    from verify.search.claim_search import COUNTEREXAMPLE, INCONCLUSIVE

    failures = sum(
        len(_findings(r)) for r in run.results if r.verdict == COUNTEREXAMPLE
    )
    errors = sum(r.verdict == INCONCLUSIVE for r in run.results)
    tests = len(run.results) + len(run.skipped)
    attrs = {
        "name": xml_text(f"test-solver {run.spec.label}"),
        "tests": str(tests),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(len(run.skipped)),
        "time": f"{run.seconds:.3f}",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "hostname": xml_text(socket.gethostname()),
    }
    root = ET.Element(
        "testsuites",
        {k: attrs[k] for k in ("name", "tests", "failures", "errors", "time")},
    )
    suite = ET.SubElement(root, "testsuite", attrs)
    props = ET.SubElement(suite, "properties")
    opts = run.options
    for name, value in (
        ("solver", run.spec.label),
        ("profile", opts.profile),
        ("seed", opts.seed),
        ("examples", opts.examples),
        ("root_charged", opts.root_charged),
        ("restrictions", json.dumps(opts.restrictions.to_json())),
        ("report_dir", run.run_dir),
        ("exit_code", run.exit_code),
    ):
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": xml_text(value)})
    for i, r in enumerate(run.results):
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": "adaserve-verify.test-solver",
                "name": r.claim,
                "time": f"{r.seconds:.3f}",
            },
        )
        dirs = (run.reports or {}).get(i, [])
        if r.verdict == COUNTEREXAMPLE:
            for k, rec in enumerate(_findings(r)):
                sig = rec.get("signature") or {}
                fail = ET.SubElement(
                    case,
                    "failure",
                    {
                        "message": xml_text(rec.get("condition", ""))[:1000],
                        "type": xml_text(sig.get("kind") or "counterexample"),
                    },
                )
                fail.text = xml_text(
                    _failure_text(
                        rec, dirs[k] if k < len(dirs) else None, rerun_command(r.claim)
                    )
                )
        elif r.verdict == INCONCLUSIVE:
            err = ET.SubElement(
                case,
                "error",
                {"message": xml_text(r.note or "inconclusive"), "type": "inconclusive"},
            )
            err.text = xml_text(
                f"inconclusive: {r.note or ''}\nrerun: {rerun_command(r.claim)}"
            )
        out = [f"verdict: {r.verdict}; {r.cases} cases judged"]
        if r.declined:
            out.append(f"{r.declined} inputs declined (UNSUPPORTED), not judged")
        if r.note:
            out.append(f"note: {r.note}")
        ET.SubElement(case, "system-out").text = xml_text("\n".join(out))
    for claim, why in run.skipped:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": "adaserve-verify.test-solver", "name": claim, "time": "0"},
        )
        ET.SubElement(case, "skipped", {"message": xml_text(f"not applicable: {why}")})
    ET.indent(root)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ET.tostring(root, encoding="unicode")
        + "\n"
    )


def run_json(run) -> dict:
    """``--json``: the run as run.json has it (docs/reports.md), written with or without
    --report-dir."""
    from verify.report.html import run_facts

    opts = run.options
    return {
        "schema": SCHEMA,
        **run_facts(),
        "command": "test-solver",
        "solver": run.spec.to_json(),
        "options": {
            "profile": opts.profile,
            "examples": opts.examples,
            "seed": opts.seed,
            "root_charged": opts.root_charged,
            "restrictions": opts.restrictions.to_json(),
            "max_findings": opts.max_findings,
            "instances": opts.instances,
        },
        "skipped": run.skipped,
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 3),
        "report_dir": run.run_dir,
        "results": [r.to_json() for r in run.results],
        "reports": {str(i): d for i, d in (run.reports or {}).items()},
    }


def write_machine_outputs(
    run, rerun_command, junit: Optional[str] = None, json_path: Optional[str] = None
) -> None:
    """Write ``--junit`` and ``--json`` files of a run (each only if asked)."""
    if junit:
        with open(junit, "w", encoding="utf-8") as fh:
            fh.write(junit_xml(run, rerun_command))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(run_json(run), fh, indent=2)
            fh.write("\n")

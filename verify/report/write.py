"""Writing counterexample reports to disk: report.json, report.md, tree.png, run indexes
(docs/reports.md).

Layout: one directory per run, one sub-directory per finding::

    <report-dir>/<run-id>/                 run-id: <YYYYmmdd-HHMMSS>-<what ran>
        index.md     every property's verdict, declined inputs, links to the findings
        index.html   all of it on one self-contained page (verify/report/html.py)
        run.json     the same, machine-readable
        01-THM-P2/   one finding (numbered in table order; "/" in claim ids becomes "-")
            report.json   everything, machine-readable (fields below)
            report.md     the same for a person: what broke, the instance, both
                          answers, replay
            tree.png      the tree(s): node values, the solver's and an optimal
                          selection, offending nodes
            tree.svg      the same picture as SVG (index.html shows it)

The report dict itself (every field of report.json) is built by
:mod:`verify.report.finding`."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Mapping, Optional

from solver.errors import UnwritablePath
from solver.numbers import fraction_str
from solver.parse import parse_instance
from solver.selection import OK
from solver.verdicts import Confirmation
from verify.report.facts import used_budget
from verify.report.finding import read_selection, slug
from verify.search.claim_search import ClaimResult, declined_by_class, describe


def check_writable_dir(path: str, option: str = "--report-dir") -> None:
    """Create ``path`` if needed and prove a file can be written in it;
    :class:`UnwritablePath` if not.

    Tried for real (a file is created and removed), because permission bits say
    nothing for root and nothing about read-only or full file systems.
    """
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".adaserve-write-test-{os.getpid()}")
        with open(probe, "w", encoding="utf-8"):
            pass
        os.remove(probe)
    except OSError as exc:
        raise UnwritablePath(
            f"{option} {path}: cannot write there: {exc.strerror or exc}"
        ) from None


def check_writable_file(path: str, option: str = "--json") -> None:
    """Prove ``path`` can be written (opened for appending; a file created only for the
    test is removed)."""
    existed = os.path.lexists(path)
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(21, "Is a directory")
        with open(path, "a", encoding="utf-8"):
            pass
        if not existed:
            os.remove(path)
    except OSError as exc:
        raise UnwritablePath(
            f"{option} {path}: cannot write there: {exc.strerror or exc}"
        ) from None


def new_run_dir(report_dir: str, label: str) -> str:
    """Create ``report_dir/<timestamp>-<label>`` (suffix -2, -3 ... if taken) and return
    it."""
    os.makedirs(report_dir, exist_ok=True)
    base = os.path.join(report_dir, f"{time.strftime('%Y%m%d-%H%M%S')}-{slug(label)}")
    path, n = base, 1
    while True:
        try:
            os.makedirs(path)
            return path
        except FileExistsError:
            n += 1
            path = f"{base}-{n}"


def write_finding(directory: str, report: dict) -> str:
    """Write report.json, tree.png and report.md into ``directory``; return it."""
    os.makedirs(directory, exist_ok=True)
    json_path = os.path.join(directory, "report.json")
    report["replay"] = f"python -m verify replay {json_path}"
    picture = None
    if "instance" in report:
        picture = _picture(directory, report)
    report["picture"] = picture
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as fh:
        fh.write(markdown(report))
    return directory


def violation_marks(broken: dict) -> tuple[dict[str, set], dict[str, str]]:
    """From a report's ``broken``: the offending nodes per request (drawn in red) and,
    per request, the texts of its target and format violations (written under its
    tree)."""
    bad: dict[str, set] = {}
    notes: dict[str, str] = {}
    for v in broken.get("violations", []):
        if v["request"] is not None and v["node"] is not None:
            bad.setdefault(v["request"], set()).add(v["node"])
        if v["request"] is not None and v["rule"] in ("target", "format"):
            notes[v["request"]] = "; ".join(
                filter(None, [notes.get(v["request"]), v["text"]])
            )
    return bad, notes


def picture_args(report: dict) -> tuple[tuple, dict]:
    """The arguments :func:`verify.report.picture.draw` / ``figure`` take for a report's
    picture: ``((instance, solver sets, optimal sets), keyword arguments)``."""
    instance = parse_instance(report["instance"], allow_nonmonotone=True)
    output = read_selection(report.get("output"))
    optimal = read_selection(report.get("optimal"))
    bad, notes = violation_marks(report["broken"])
    solver_note = ""
    if output is None:
        solver_note = "no answer: " + report["broken"]["condition"]
    elif not output.ok:
        solver_note = f"answered {output.status}" + (
            f": {output.reason}" if output.reason else ""
        )
    optimal_note = (
        ""
        if optimal is None or optimal.ok
        else f"no feasible selection: {optimal.reason}"
    )
    b = report["broken"]
    beyond: dict[str, set] = {}
    for c in b.get("cause", []):
        for rid, nodes in (c.get("marked") or {}).items():
            beyond.setdefault(rid, set()).update(nodes)
    conv = "roots charged" if instance.root_charged else "roots free"
    values = ""
    if b.get("objective") is not None:
        values = (
            f"; solver's objective {b['objective']}, optimum"
            f" {report.get('optimum') or 'none (infeasible)'}"
        )
    title = (
        f"{report['property']} ({report['claim']['paper']}): {b['condition']}\n"
        f"budget {instance.budget} ({conv}){values}"
    )
    if b.get("cause"):
        title += "\ncause: " + b["cause"][0]["text"]
    return (
        (
            instance,
            output.selected if output is not None and output.ok else None,
            optimal.selected if optimal is not None and optimal.ok else None,
        ),
        dict(
            title=title,
            solver_note=solver_note,
            optimal_note=optimal_note,
            offending=bad,
            request_notes=notes,
            beyond=beyond,
            causes=b.get("cause", []),
        ),
    )


def _picture(directory: str, report: dict) -> Optional[str]:
    from verify.report.picture import draw

    args, kwargs = picture_args(report)
    try:
        draw(os.path.join(directory, "tree.png"), *args, **kwargs)
    except (
        ImportError
    ) as exc:  # Pillow or its font missing: the report stays useful without it
        report["picture_error"] = f"no picture: {exc}"
        return None
    report["picture_svg"] = "tree.svg"
    return "tree.png"


# ------------------------------------------------------------------ markdown


def _cell(x: Any) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


def _nodes(sel: Optional[dict], rid: str) -> str:
    if sel is None or sel.get("status") != OK:
        return "–"
    nodes = sel.get("selected", {}).get(rid)
    return (
        "(missing)"
        if nodes is None
        else "{"
        + ", ".join(
            str(v)
            for v in sorted(
                nodes, key=lambda v: (0, v) if isinstance(v, int) else (1, str(v))
            )
        )
        + "}"
    )


def markdown(report: dict) -> str:
    """report.md: what broke, the instance as a table, both answers side by side, the
    replay command."""
    b = report["broken"]
    claim = report["claim"]
    who = (
        report["solver"]["label"]
        if report.get("solver")
        else "(no solver: a claim about trees)"
    )
    lines = [
        f"# {report['property']} broken by `{who}`",
        "",
        f"**Claim** ({claim['paper']}): {claim['statement']}.",
        "",
        f"**What failed:** {b['condition']}",
        "",
    ]
    if b.get("rules"):
        lines += [f"**Rules broken:** {', '.join(b['rules'])}", ""]
    for v in b.get("violations", []):
        lines.append(f"* {v['text']}")
    if b.get("violations"):
        lines.append("")
    if b.get("cause"):
        lines += (
            ["**Cause:**", ""]
            + [f"* {c['kind']}: {c['text']}" for c in b["cause"]]
            + [""]
        )
    if report.get("signature"):
        sig = report["signature"]
        lines += [
            (
                f"**Failure signature:** property {sig['property']}, rule"
                f" `{sig['rule']}`, kind *{sig['kind']}* (shrinking and reduction kept"
                " only cases failing this way)"
            ),
            "",
        ]
    conf = report.get("confirmation")
    if isinstance(conf, dict) and conf.get("status"):
        line = (
            f"**Confirmed:** {conf['status']}, reproduced {conf.get('reproduced')} of"
            f" {conf.get('replays')} ({conf.get('how', 'replayed on fresh solvers')})"
        )
        if conf.get("otherwise") and conf["status"] != Confirmation.CONFIRMED:
            line += f"; otherwise: {conf['otherwise']}"
        lines += [line, ""]
    if "tree" in report.get("arguments", {}):
        t = report["arguments"]["tree"]
        lines += [
            "## The case",
            "",
            f"parent = {t['parent']}, cond = {t['cond']}, subtree = {t['subtree']}",
            "",
        ]
        lines += _footer(report)
        return "\n".join(lines) + "\n"

    inst = parse_instance(report["instance"], allow_nonmonotone=True)
    out, opt = report.get("output"), report.get("optimal")
    assert opt is not None, "every report shows an optimal answer (finding.py)"
    conv = (
        "roots charged: every selected node counts"
        if inst.root_charged
        else "roots free: only non-root nodes count"
    )
    lines += [
        "## The instance",
        "",
        (
            f"Budget **{inst.budget}** ({conv}); {len(inst.requests)}"
            f" request{'s' if len(inst.requests) != 1 else ''}. `S` = selected by the"
            " solver, `O` = in the optimal answer shown, `!` = breaks a rule, `+` ="
            " beyond the budget (the smallest-f leaves of the selection, as many as it"
            " overspends)."
        ),
        "",
    ]
    bad = {
        (v["request"], v["node"])
        for v in b.get("violations", [])
        if v["node"] is not None
    }
    over = {
        (rid, v)
        for c in b.get("cause", [])
        for rid, vs in (c.get("marked") or {}).items()
        for v in vs
    }
    lines += [
        "| request | target | node | parent | f | depth | solver | optimal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in inst.requests:
        mine = (
            set(out["selected"].get(r.id, []))
            if out and out.get("status") == OK
            else set()
        )
        best = (
            set(opt["selected"].get(r.id, []))
            if opt and opt.get("status") == OK
            else set()
        )
        for i, v in enumerate(r.tree.order):
            p = r.tree.parent[v]
            flag = (
                "S"
                + (" !" if (r.id, v) in bad else "")
                + (" +" if (r.id, v) in over else "")
                if v in mine
                else ""
            )
            lines.append(
                f"| {r.id if i == 0 else ''} |"
                f" {fraction_str(r.target) if i == 0 else ''} | {v} |"
                f" {'root' if p == -1 else p} | {fraction_str(r.tree.f[v])} |"
                f" {r.tree.depth[v]} | {flag} | {'O' if v in best else ''} |"
            )
    lines += [""]
    if out is not None and out.get("status") == OK:
        extra = sorted(
            {
                (rid, v)
                for rid, nodes in out["selected"].items()
                for v in nodes
                if rid not in inst.index
                or not (isinstance(v, int) and 0 <= v < len(inst.request(rid).tree))
            },
            key=str,
        )
        if extra:
            lines += [
                "The solver also named: "
                + ", ".join(f"request {rid!r} node {v}" for rid, v in extra),
                "",
            ]

    lines += [
        "## Both answers",
        "",
        "| | solver | optimal (exact oracle) |",
        "|---|---|---|",
    ]
    lines.append(
        f"| status | {_cell(out['status']) if out else 'no answer'} |"
        f" {_cell(opt['status'])} |"
    )
    for r in inst.requests:
        lines.append(f"| `{r.id}` nodes | {_nodes(out, r.id)} | {_nodes(opt, r.id)} |")
    if b.get("objective") is not None or report.get("optimum") is not None:
        lines.append(
            f"| objective | {b.get('objective', '–')} |"
            f" {report.get('optimum') or '–'} |"
        )
    if b.get("budget_used") is not None:
        opt_used = (
            used_budget(inst, opt["selected"])
            if opt and opt.get("status") == OK
            else "–"
        )
        lines.append(
            f"| budget used | {b['budget_used']} of {inst.budget} | {opt_used} of"
            f" {inst.budget} |"
        )
    reasons = [
        (s, x.get("reason"))
        for s, x in (("solver", out), ("optimal", opt))
        if x and x.get("reason")
    ]
    for side, why in reasons:
        lines.append(
            f"| reason ({side}) | {_cell(why) if side == 'solver' else ''} | "
            f"{_cell(why) if side == 'optimal' else ''} |"
        )
    if out is None:
        lines.append(f"| fault | {_cell(b['condition'])} | |")
    lines.append("")
    if report.get("picture"):
        lines += [
            "## Picture",
            "",
            f"![the tree(s)]({report['picture']})",
            "",
            (
                "Left: the solver's selection (orange); right: an optimal one (green)."
                " Red border: breaks a rule; dashed blue ring: selected in only one of"
                " the two answers; purple dashed border: beyond the budget."
            ),
            "",
        ]
    if report.get("derived_from"):
        derived = parse_instance(report["derived_from"], allow_nonmonotone=True)
        lines += [
            "## Where it came from",
            "",
            (
                f"{report['property']} derived the instance above (a probed budget of"
                " one request) from this "
                "generated case:"
                f" `{describe(derived)}`"
            ),
            "",
        ]
    lines += _footer(report)
    return "\n".join(lines) + "\n"


def _footer(report: dict) -> list[str]:
    meta = report["metadata"]
    vers = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    return [
        "## Replay",
        "",
        "```sh",
        report.get("replay", ""),
        "```",
        "",
        (
            "Reruns this property on this input with the same solver: exit 1 if it"
            " still fails, 0 if it passes now. The search that found it:"
        ),
        "",
        "```sh",
        report["rerun"],
        "```",
        "",
        (
            f"{report['how_generated']} ({report['timing']['search_seconds']} s)."
            f" Versions: {vers}."
        ),
        "",
    ]


def write_index(
    run_dir: str,
    title: str,
    header: list[str],
    results: list[ClaimResult],
    dirs: Mapping[int, str | list[str]],  # one directory or one per finding
    extra: dict,
) -> None:
    rows = [
        "| property | solver | verdict | judged | declined | report |",
        "|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(results):
        found = dirs.get(i, [])
        # one directory per finding
        found = [found] if isinstance(found, str) else found
        link = ", ".join(
            f"[{os.path.basename(d)}]({os.path.basename(d)}/report.md)" for d in found
        )
        rows.append(
            f"| {r.claim} | {_cell(r.solver or '-')} | {r.verdict} | {r.cases} |"
            f" {r.declined} | {link} |"
        )
        if r.note:
            rows.append(f"| | | note: {_cell(r.note)} | | | |")
    lines = [f"# {title}", ""] + header + [""] + rows + [""]
    declined = sum(r.declined for r in results)
    if declined:
        lines += [
            f"## Declined inputs ({declined}, not judged)",
            "",
            "| class | declined | generated | share |",
            "|---|---|---|---|",
        ]
        for c, n, g in declined_by_class(results):
            lines.append(f"| {c} | {n} | {g} | {100 * n // g}% |")
        reasons: dict[str, int] = {}
        for r in results:
            for why, n in r.declined_reasons.items():
                reasons[why] = reasons.get(why, 0) + n
        lines += [
            "",
            "Reasons given: "
            + "; ".join(
                f"{_cell(w)} ({n})"
                for w, n in sorted(reasons.items(), key=lambda x: -x[1])
            ),
            "",
        ]
    with open(os.path.join(run_dir, "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    from verify.report.html import run_facts, write_page

    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as fh:
        json.dump(
            {
                **run_facts(),
                **extra,
                "results": [r.to_json() for r in results],
                "reports": {
                    str(i): (
                        os.path.basename(d)
                        if isinstance(d, str)
                        else [os.path.basename(x) for x in d]
                    )
                    for i, d in dirs.items()
                },
            },
            fh,
            indent=2,
        )
        fh.write("\n")
    write_page(run_dir)


REPLAY_FILES = ("report.json", "report.md", "tree.png", "tree.svg")


def write_replay_run(report_dir: str, report_path: str, code: int, outcome: str) -> str:
    """``replay --report-dir``: a run directory with the outcome (replay.json), a copy
    of the report and its picture, and index.html; return the directory."""
    import shutil

    from verify.report.html import run_facts, write_page

    try:
        with open(report_path, encoding="utf-8") as fh:
            prop = json.load(fh).get("property", "report")
    except (OSError, ValueError, AttributeError):
        prop = "report"
    run_dir = new_run_dir(report_dir, f"replay-{prop}")
    for name in REPLAY_FILES:
        src = os.path.join(os.path.dirname(os.path.abspath(report_path)), name)
        if name == "report.json":
            src = report_path
        if os.path.isfile(src):
            shutil.copyfile(src, os.path.join(run_dir, name))
    with open(os.path.join(run_dir, "replay.json"), "w", encoding="utf-8") as fh:
        json.dump(
            {
                **run_facts(),
                "command": "replay",
                "report": os.path.abspath(report_path),
                "exit_code": code,
                "outcome": outcome,
            },
            fh,
            indent=2,
        )
        fh.write("\n")
    write_page(run_dir)
    return run_dir

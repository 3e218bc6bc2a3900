"""A solver check as text: the table of :func:`render`, and the restriction flags
suggested for what the solver declined (:func:`suggest_flags`)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Optional

from solver.messages import clip_line
from solver.verdicts import Confirmation
from verify.search.claim_search import (
    COUNTEREXAMPLE,
    INCONCLUSIVE,
    VERIFIED,
    ClaimResult,
    class_shares,
    declined_by_class,
)
from verify.search.claims import PROFILES
from verify.search.confirm import confirmation_text
from verify.search.defects import decline_like
from verify.search.restrictions import DECLARED, Restrictions
from verify.solver_check.check import Run
from verify.solver_check.options import roots_text


def _decline_like_lines(results: list[ClaimResult]) -> list[str]:
    """Findings whose exception reads like a decline, grouped (issue 20): still
    findings."""
    groups = decline_like(results)
    if not groups:
        return []
    return [
        "  raised like a decline (findings, not declines): "
        + "; ".join(f"{name} on {', '.join(props)}" for name, props in groups)
        + ". To decline an input, raise verify.Unsupported or answer UNSUPPORTED"
    ]


def _declined_lines(
    results: list[ClaimResult], restrictions: Restrictions = Restrictions()
) -> list[str]:
    total = sum(x.declined for x in results)
    if not total:
        like = _decline_like_lines(results)
        return ["", "declined inputs (not judged): 0"] + like if like else []
    reasons: Counter[str] = Counter()
    for x in results:
        reasons.update(x.declined_reasons)
    rows = declined_by_class(results)
    # classes of at least 10% of the declined inputs
    common = [r for r in rows if r[1] * 10 >= total]
    shown = [r for r in common if r[1] * 2 >= r[2]][:6] or common[:3] or rows[:3]
    out = [
        "",
        f"declined inputs (not judged): {total}",
        "  classes declined most often: "
        + ", ".join(f"{c} {100 * n // g}% ({n}/{g})" for c, n, g in shown),
    ]
    out += [
        f"  {what} declined {pct}%: add {flag}"
        for what, pct, flag in suggest_flags(results, restrictions)
    ]
    out.append(
        "  reasons: " + "; ".join(f"{why!r} x{n}" for why, n in reasons.most_common(3))
    )
    return out + _decline_like_lines(results)


def suggest_flags(
    results: list[ClaimResult], restrictions: Restrictions = Restrictions()
) -> list[tuple[str, int, str]]:
    """``(what, declined %, flag)``: restrictions that would keep out what was declined.

    Each candidate flag (``--single-request``, ``--no-targets``, ``--min-budget N``,
    ``--min-nodes N``, ``--max-nodes N``, ``--max-width W`` or ``--chains``,
    ``--max-depth D``, ``--values ...``) is scored on the generated cases it would have
    excluded (:func:`verify.search.claim_search.case_features`): it is suggested when at
    least 80 % of those were declined and they are at least 10 % of all declined
    inputs; the one excluding the most declined inputs first, then the next on what is
    left, up to three.  The percentage is the decline rate of what the flag excludes.

    >>> from collections import Counter
    >>> from verify.search.claim_search import ClaimResult
    >>> r = ClaimResult("X", "", "", None, True, "verified", 3, 0.0, 0,
    ...     declined_shapes=Counter({(1, 0, 3, 3, 2, 1, False, ("grid",)): 5}),
    ...     judged_shapes=Counter({(1, 2, 3, 3, 2, 1, False, ("grid",)): 9}),
    ...     declined=5)
    >>> suggest_flags([r])
    [('budget=0', 100, '--min-budget 1')]
    """
    declined: Counter[tuple] = Counter()  # by the features of a case
    judged: Counter[tuple] = Counter()
    for x in results:
        declined.update({k: n for k, n in x.declined_shapes.items() if k is not None})
        judged.update({k: n for k, n in x.judged_shapes.items() if k is not None})
    if not declined:
        return []
    shapes = set(declined) | set(judged)
    # (flag, what, excludes(features), preference): each declared restriction's
    # suggestions (verify.search.restrictions); on a tie the bluntest flags (node
    # counts) come last, and of one flag the least restrictive threshold first
    cands = [
        (" ".join(r.to_flags(value)), what, excludes, pref)
        for r in DECLARED.values()
        if r.suggest is not None
        for value, what, excludes, pref in r.suggest(shapes, restrictions)
    ]
    left = Counter(declined)
    total = sum(declined.values())
    out = []
    for _ in range(3):
        best = None
        for flag, what, excludes, pref in cands:
            d = sum(n for f, n in left.items() if excludes(f))
            j = sum(n for f, n in judged.items() if excludes(f))
            if d * 10 < total or d * 5 < (d + j) * 4:
                continue
            key = (d, -j, -pref[0], -pref[1])
            if best is None or key > best[0]:
                best = (key, flag, what, excludes, d, j)
        if best is None:
            break
        _, flag, what, excludes, d, j = best
        out.append((what, 100 * d // (d + j), flag))
        left = Counter({f: n for f, n in left.items() if not excludes(f)})
        cands = [c for c in cands if c[0] != flag]
    return out


def _finding_lines(rec: dict, report: Optional[str], pad: str) -> list[str]:
    same = rec.get("same_as")
    # one defect, one finding: shown (and reported) under the first property finding it
    if same:
        return [
            clip_line(
                f"{pad}same defect as {same['property']}"
                + (f" finding {same['finding']}" if same["finding"] > 1 else "")
                + f": {rec['summary']} ({rec.get('signature', {}).get('kind')})"
            )
        ]
    summary = rec["summary"]  # values abbreviated (describe); each line clipped too
    out = [
        clip_line(
            f"{pad}smallest: {summary}"
            + (
                ""
                if "|" in summary or summary.startswith("parent=")
                else " | no requests"
            )
        ),
        clip_line(f"{pad}fails:    {rec['condition']}"),
    ]
    if rec.get("cause"):
        out.append(f"{pad}cause:    {rec['cause'][0]['text']}")
    if len(rec.get("properties") or ()) > 1:
        out.append(
            f"{pad}breaks:   {', '.join(rec['properties'])} (one defect, one finding)"
        )
    if rec.get("origin") not in (None, "generated"):
        out.append(f"{pad}from:     {rec['origin']} (--instances), reduced")
    conf = rec.get("confirmation") or {}
    # (a confirmed finding reads as before)
    if conf.get("status") == Confirmation.INTERMITTENT:
        out.append(f"{pad}replayed: {confirmation_text(conf)}")
        out.append(
            f"{pad}answers:  {_answer(rec.get('output'))} (failing); "
            f"{_answer(conf.get('other_answer'))} (otherwise)"
        )
    if report:
        out.append(f"{pad}report:   {report}/report.md")
    return out


def _answer(answer) -> str:
    """An answer in a line: the selection JSON (clipped), or what happened instead."""
    if answer is None:
        return "no answer"
    text = answer if isinstance(answer, str) else json.dumps(answer, sort_keys=True)
    return clip_line(text, 200)


def budget_lines(results: list[ClaimResult]) -> list[str]:
    """The budget classes of the judged cases, and how often the budget cuts the
    trees."""
    axes = class_shares(results)
    if "budget" not in axes:
        return []
    from verify.search.generators import BUDGET_CLASSES

    budget = axes["budget"]
    out = [
        "",
        "budgets (share of judged cases): "
        + ", ".join(
            f"{c} {100 * budget[c]:.0f}%" for c in BUDGET_CLASSES if c in budget
        ),
    ]
    cuts = axes.get("cuts")
    if cuts:
        out.append(
            "  the budget cuts the trees (0 < node budget < all non-root nodes) in"
            f" {100 * cuts['some']:.0f}% (none fit: {100 * cuts['none']:.0f}%, all fit:"
            f" {100 * cuts['all']:.0f}%)"
        )
    return out


def render(run_: Run) -> str:
    spec, opt = run_.spec, run_.options
    profile = PROFILES[opt.profile]
    examples = opt.examples or profile.examples
    r = opt.restrictions
    nodes = min(profile.max_nodes, r.max_nodes) if r.max_nodes else profile.max_nodes
    reqs = 1 if r.single_request else profile.max_requests
    lines = [
        f"test-solver: {spec.label} ({spec.describe})",
        (
            f"profile {opt.profile}: {examples} examples per property, trees up to"
            f" {nodes} nodes, up to {reqs} request{'s' if reqs != 1 else ''}; seed"
            f" {opt.seed}; {roots_text(opt.root_charged)}"
        ),
        f"restrictions: {r.describe()}",
    ]
    if opt.instances:
        line = f"your instances: {run_.own} from {opt.instances}"
        if run_.own_outside:
            o, w = run_.own_outside[0]
            line += (
                f" ({len(run_.own_outside)} outside the restrictions, not used:"
                f" {o}: {w}" + (", ..." if len(run_.own_outside) > 1 else "") + ")"
            )
        lines.append(line)
    for cid, why in run_.skipped:
        lines.append(f"not applicable: {cid}: {why}")
    head = ("property", "paper", "verdict", "judged", "declined")
    rows = [
        (x.claim, x.paper, x.verdict, str(x.cases), str(x.declined))
        for x in run_.results
    ]
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(len(head))]

    def fmt(row: tuple) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    lines += ["", fmt(head), fmt(tuple("-" * w for w in widths))]
    for i, (x, row) in enumerate(zip(run_.results, rows)):
        lines.append(fmt(row))
        dirs = run_.reports.get(i, [])
        if len(x.findings) == 1:
            lines += _finding_lines(x.findings[0], dirs[0] if dirs else None, "    ")
        for k, rec in enumerate(x.findings if len(x.findings) > 1 else []):
            sig = rec.get("signature", {})
            cause = (
                f", cause: {sig['cause']}"
                if sig.get("cause") not in (None, "none")
                else ""
            )
            lines.append(
                f"    finding {k + 1} of {len(x.findings)}: {sig.get('kind')} (rule:"
                f" {sig.get('rule')}{cause})"
            )
            lines += _finding_lines(rec, dirs[k] if k < len(dirs) else None, "      ")
        for rec in x.unconfirmed:
            sig = rec.get("signature", {})
            lines.append(
                f"    not confirmed: {sig.get('kind')} (rule: {sig.get('rule')}) on"
                f" {rec['summary']}: seen once,"
                f" {confirmation_text(rec.get('confirmation'))}; not a finding"
            )
        if x.own.get("judged"):
            lines.append(
                f"    note:     {x.own['judged']} of your instances judged,"
                f" {x.own.get('failing', 0)} failing"
            )
        if x.note:
            lines.append(f"    note:     {x.note}")
    lines += budget_lines(run_.results)
    lines += _declined_lines(run_.results, r)
    found = sum(x.verdict == COUNTEREXAMPLE for x in run_.results)
    held = sum(x.verdict == VERIFIED for x in run_.results)
    unsure = sum(x.verdict == INCONCLUSIVE for x in run_.results)
    lines += [""]
    if run_.run_dir:
        lines.append(f"reports: {run_.run_dir}")
    n_findings = sum(
        1 for x in run_.results for rec in x.findings if not rec.get("same_as")
    )
    extra = (
        f", {n_findings} finding{'s' * (n_findings != 1)}"
        if n_findings != found
        else ""
    )
    lines.append(
        f"result: {found} broken{extra}, {held} hold, {unsure} inconclusive (of"
        f" {len(run_.results)} properties) in {run_.seconds:.1f} s; exit"
        f" {run_.exit_code}"
    )
    return "\n".join(lines)

"""``index.html``: one self-contained page per report directory (docs/reports.md, "The
page").

The page is built only from the JSON a run already wrote (``run.json``,
``campaign.json``, each finding's ``report.json``, a replay's ``replay.json``) and the
pictures beside it,
so :func:`write_page` can rebuild it at any time (``python -m verify html DIR``).

Terminology:

*page kind*
    What wrote the directory, told by its files: ``run`` (the suite and ``test-solver``:
    ``run.json`` with ``results``), ``campaign`` (``campaign.json``), ``audit``
    (``run.json`` with ``trace``), ``finding`` (a ``report.json`` in the directory
    itself: ``verify.assert_optimal`` and the pytest plugin; with ``replay.json`` beside
    it: ``replay --report-dir``) and ``results`` (docs/results.html,
    :mod:`verify.commands.results`).
*verdict table*
    One row per property (or finding, or audited iteration) with
    ``data-verdict``, ``data-property`` and ``data-kind``; the selects above it
    filter the rows and the finding sections with the same attributes.
*finding section*
    One counterexample: what failed, the cause, the instance as a table, both
    answers side by side, the picture and the replay command.

Self-contained and offline: no network, no external file; pictures are
embedded as ``data:`` URIs of their SVG (PNG when no SVG was written), so an
embedded picture cannot run script; a short vanilla script does the filtering
and writes its own errors into ``#js-errors`` (the browser test reads it).
Every text taken from the JSON is HTML-escaped: a report is data someone may
have sent you.
"""

from __future__ import annotations

import base64
import html
import json
import os
import time
import urllib.parse
from typing import Any, Iterable, Optional

PAGE = "index.html"
MAX_NODE_ROWS = 120  # rows of a finding's instance table (report.md lists every node)
MAX_VIOLATIONS = 40  # violations listed per finding

# a backslash at the end of a line of CSS or SCRIPT joins it to the next (the page's
# bytes stay as they were)
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;\
max-width:1200px;
padding:0 16px 48px;color:#1b1b1b}
h1{font-size:22px;margin:18px 0 6px}\
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;margin:6px 0 10px}\
td,th{border:1px solid #ccc;padding:2px 7px;
text-align:left;vertical-align:top}th{background:#f2f2f2}
code,pre{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f6f6;padding:6px 8px;overflow-x:auto;white-space:pre-wrap;\
word-break:break-all}
.head td:first-child{font-weight:600;white-space:nowrap}
.v-counterexample,.v-broken,.bad{color:#b00020;font-weight:600}.v-verified,.v-proved{color:#14701e}
.v-inconclusive,.v-error{color:#8a5a00;font-weight:600}
.finding{border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:14px 0}
.grid{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\
.grid>div{flex:1 1 420px;min-width:0;overflow-x:auto}
.picture img,.plot img{max-width:100%;height:auto;border:1px solid #eee}
.filters{margin:8px 0}.filters label{margin-right:14px}
#js-errors{color:#b00020;white-space:pre-wrap}
.num{font-variant-numeric:tabular-nums}
"""

SCRIPT = """
window.onerror = function (msg, src, line) {
  var e = document.getElementById('js-errors');
  e.hidden = false; e.textContent += 'script error: ' + msg + ' (line ' + line + ')\\n';
};
(function () {
  var selects = Array.prototype.slice.call(\
document.querySelectorAll('select[data-filter]'));
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-verdict]'));
  function apply() {
    var shown = 0;
    items.forEach(function (el) {
      var ok = selects.every(function (s) {
        var have = (el.getAttribute('data-' + s.getAttribute('data-filter')) || '')\
.split('|');
        return !s.value || have.indexOf(s.value) >= 0;
      });
      el.hidden = !ok;
      if (ok && el.tagName === 'TR') { shown += 1; }
    });
    var out = document.getElementById('shown');
    if (out) { out.textContent = String(shown); }
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
  document.body.setAttribute('data-ready', '1');
})();
window.addEventListener('load', function () {
  // for tests/test_browser.py: pictures decoded, and the time the page took to open
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; })\
.length;
  document.body.setAttribute('data-images', ok + '/' + imgs.length);
  document.body.setAttribute('data-load-ms', String(Math.round(performance.now())));
});
"""


def esc(x: Any) -> str:
    """HTML text of anything (None as an en dash)."""
    return "–" if x is None else html.escape(str(x), quote=True)


def _read_json(path: str) -> Optional[Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


# ------------------------------------------------------------------ pieces


# kept as they are in a data: URI's percent-encoding (RFC 3986 sub-delims and more;
# not '"', '&', '<', '>', '#', '%'): an SVG's text grows by ~16 %, base64 by 33 %
URI_SAFE = " !$'()*+,;=:@/?"
SVG, PNG = "image/svg+xml", "image/png"


def svg_data_uri(svg: str) -> str:
    """An SVG's text as a ``data:`` URI, percent-encoded (smaller than base64 for
    text, and safe inside a double-quoted HTML attribute)."""
    return f"data:{SVG},{urllib.parse.quote(svg, URI_SAFE)}"


def data_uri(path: str) -> Optional[str]:
    """The file as a ``data:`` URI (SVG or PNG), or None if it cannot be read."""
    mime = {".svg": SVG, ".png": PNG}.get(os.path.splitext(path)[1].lower())
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if mime == SVG:
        try:
            return svg_data_uri(data.decode("utf-8"))
        except UnicodeDecodeError:  # not an SVG of ours: embedded as it is
            pass
    return (
        f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}" if mime else None
    )


def picture(directory: str, names: Iterable[Optional[str]], alt: str) -> str:
    """An ``<img>`` of the first of ``names`` (file names in ``directory``) that can be
    read."""
    for name in names:
        # a report is data: only files beside it
        if not name or os.path.basename(name) != name:
            continue
        uri = data_uri(os.path.join(directory, name))
        if uri:
            return f'<img src="{uri}" alt="{esc(alt)}">'
    return ""


def table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table; cells are HTML already (escape them first)."""
    out = [
        f'<table class="{cls}">' if cls else "<table>",
        "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>",
    ]
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return "\n".join(out + ["</table>"])


def header_table(items: list[tuple[str, Any]]) -> str:
    return table(
        ["", ""],
        [
            [esc(k), v if isinstance(v, _Html) else esc(v)]
            for k, v in items
            if v not in (None, "")
        ],
        "head",
    ).replace("<tr><th></th><th></th></tr>\n", "")


class _Html(str):
    """A string that is HTML already (not escaped again by :func:`header_table`)."""


def code(text: Any) -> _Html:
    return _Html(f"<code>{esc(text)}</code>")


def verdict_cell(verdict: str) -> str:
    return (
        "<span"
        f' class="v-{esc(verdict.split()[0] if verdict else "")}">{esc(verdict)}</span>'
    )


def filters(
    rows_attrs: list[dict[str, str]],
    keys: tuple[str, ...] = ("verdict", "property", "kind"),
) -> str:
    """The filter selects for the values the rows carry."""
    parts = ['<div class="filters">']
    for key in keys:
        values = sorted({v for a in rows_attrs for v in a.get(key, "").split("|") if v})
        if not values:
            continue
        opts = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
        parts.append(
            f'<label>{esc(key)} <select data-filter="{esc(key)}"><option'
            f' value="">all</option>{opts}</select></label>'
        )
    parts.append(f'rows shown: <span id="shown">{len(rows_attrs)}</span></div>')
    return "".join(parts)


def attrs(a: dict[str, str]) -> str:
    return "".join(f' data-{k}="{esc(v)}"' for k, v in a.items())


def filtered_table(
    head: list[str], rows: list[tuple[dict[str, str], list[str]]]
) -> str:
    out = [
        filters([a for a, _ in rows]),
        '<table class="verdicts">',
        "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>",
    ]
    out += [
        f"<tr{attrs(a)}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        for a, cells in rows
    ]
    return "\n".join(out + ["</table>"])


def document(title: str, body: list[str], kind: str) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width,initial-scale=1">',
            f'<meta name="generator" content="adaserve-verify ({esc(kind)} page)">',
            f"<title>{esc(title)}</title><style>{CSS}</style></head>",
            f'<body data-page="{esc(kind)}"><div id="js-errors" hidden></div>',
            f"<h1>{esc(title)}</h1>",
            *body,
            f"<script>{SCRIPT}</script>",
            "</body></html>",
            "",
        ]
    )


# ------------------------------------------------------------------ one finding


def finding_kind(report: dict) -> str:
    """The kind a finding is filtered by: its failure signature's kind, else
    ``broken.kind``."""
    sig = report.get("signature") or {}
    return str(sig.get("kind") or (report.get("broken") or {}).get("kind") or "")


def _sorted_nodes(nodes: Iterable) -> list:
    return sorted(
        nodes, key=lambda v: (0, v, "") if isinstance(v, int) else (1, 0, str(v))
    )


def _node_set(sel: Optional[dict], rid: str) -> str:
    if not isinstance(sel, dict) or sel.get("status") != "OK":
        return "–"
    nodes = (sel.get("selected") or {}).get(rid)
    return (
        "(missing)"
        if nodes is None
        else "{" + ", ".join(esc(v) for v in _sorted_nodes(nodes)) + "}"
    )


def instance_table(report: dict) -> str:
    """The instance, a row per node: parent, f, depth, solver's mark, optimal's mark."""
    from solver.numbers import fraction_str
    from solver.parse import parse_instance

    inst = parse_instance(report["instance"], allow_nonmonotone=True)
    out, opt, b = (
        report.get("output"),
        report.get("optimal"),
        report.get("broken") or {},
    )
    bad = {
        (v.get("request"), v.get("node"))
        for v in b.get("violations", [])
        if v.get("node") is not None
    }
    over = {
        (rid, v)
        for c in b.get("cause", [])
        for rid, vs in (c.get("marked") or {}).items()
        for v in vs
    }
    rows, count = [], 0
    for r in inst.requests:
        mine = (
            set((out.get("selected") or {}).get(r.id, []))
            if out and out.get("status") == "OK"
            else set()
        )
        best = (
            set((opt.get("selected") or {}).get(r.id, []))
            if opt and opt.get("status") == "OK"
            else set()
        )
        for i, v in enumerate(r.tree.order):
            count += 1
            if count > MAX_NODE_ROWS:
                continue
            p = r.tree.parent[v]
            flag = ""
            if v in mine:
                flag = (
                    "S"
                    + (' <span class="bad">!</span>' if (r.id, v) in bad else "")
                    + (' <span class="bad">+</span>' if (r.id, v) in over else "")
                )
            rows.append(
                [
                    esc(r.id) if i == 0 else "",
                    esc(fraction_str(r.target)) if i == 0 else "",
                    esc(v),
                    "root" if p == -1 else esc(p),
                    f'<span class="num">{esc(fraction_str(r.tree.f[v]))}</span>',
                    esc(r.tree.depth[v]),
                    flag,
                    "O" if v in best else "",
                ]
            )
    conv = (
        "roots charged: every selected node counts"
        if inst.root_charged
        else "roots free: only non-root nodes count"
    )
    note = (
        f"<p>Budget <b>{esc(inst.budget)}</b> ({conv}); {len(inst.requests)}"
        f" request{'s' * (len(inst.requests) != 1)}. S = selected by the solver, O = in"
        " the optimal answer shown, ! = breaks a rule, + = beyond the budget.</p>"
    )
    more = (
        f"<p>… {count - MAX_NODE_ROWS} more nodes in report.md.</p>"
        if count > MAX_NODE_ROWS
        else ""
    )
    return (
        note
        + table(
            [
                "request",
                "target",
                "node",
                "parent",
                "f (exact)",
                "depth",
                "solver",
                "optimal",
            ],
            rows,
        )
        + more
    )


def answers_table(report: dict) -> str:
    """Both answers side by side: status, nodes per request, objective, budget used,
    reasons."""
    from solver.parse import parse_instance
    from verify.report.facts import used_budget

    inst = parse_instance(report["instance"], allow_nonmonotone=True)
    out, opt, b = (
        report.get("output"),
        report.get("optimal") or {},
        report.get("broken") or {},
    )
    rows = [
        [
            "status",
            esc(out.get("status") if out else "no answer"),
            esc(opt.get("status")),
        ]
    ]
    for r in inst.requests[:MAX_NODE_ROWS]:
        rows.append(
            [
                f"<code>{esc(r.id)}</code> nodes",
                _node_set(out, r.id),
                _node_set(opt, r.id),
            ]
        )
    if b.get("objective") is not None or report.get("optimum") is not None:
        rows.append(
            [
                "objective",
                f'<span class="num">{esc(b.get("objective"))}</span>',
                f'<span class="num">{esc(report.get("optimum"))}</span>',
            ]
        )
    if b.get("budget_used") is not None:
        used = used_budget(inst, opt["selected"]) if opt.get("status") == "OK" else "–"
        rows.append(
            [
                "budget used",
                f"{esc(b['budget_used'])} of {esc(inst.budget)}",
                f"{esc(used)} of {esc(inst.budget)}",
            ]
        )
    for side, x in (("solver", out), ("optimal", opt)):
        if x and x.get("reason"):
            rows.append(
                [
                    f"reason ({side})",
                    esc(x["reason"]) if side == "solver" else "",
                    esc(x["reason"]) if side == "optimal" else "",
                ]
            )
    return table(["", "solver", "optimal (exact oracle)"], rows)


def finding_section(
    report: dict,
    directory: str,
    anchor: str,
    number: int,
    link: str = "",
    picture_uri: Optional[str] = None,
    files: Optional[list[tuple[str, str]]] = None,
) -> str:
    """One finding as an HTML section (``link``: its directory relative to the page, ""
    if the same; ``picture_uri``: the picture, instead of the files beside the report;
    ``files``: (name, href) links instead of the report's files in ``link``)."""
    b = report.get("broken") or {}
    claim = report.get("claim") or {}
    solver = (report.get("solver") or {}).get(
        "label"
    ) or "(no solver: a claim about trees)"
    kind = finding_kind(report)
    a = {
        "verdict": "counterexample",
        "property": str(report.get("property", "")),
        "kind": kind,
    }
    parts = [
        f'<section class="finding" id="{esc(anchor)}"{attrs(a)}>',
        (
            f"<h3>{number}. {esc(report.get('property'))} broken by"
            f" <code>{esc(solver)}</code>{' · ' + esc(kind) if kind else ''}</h3>"
        ),
        (
            f"<p><b>Claim</b> ({esc(claim.get('paper'))}):"
            f" {esc(claim.get('statement'))}.</p>"
        ),
        (
            "<p><b>What failed:</b> <span"
            f' class="bad">{esc(report.get("status_reason") or b.get("condition"))}'
            "</span></p>"
        ),
    ]
    if b.get("rules"):
        parts.append(f"<p><b>Rules broken:</b> {esc(', '.join(b['rules']))}</p>")
    viol = b.get("violations") or []
    if viol:
        parts.append(
            "<ul>"
            + "".join(f"<li>{esc(v.get('text'))}</li>" for v in viol[:MAX_VIOLATIONS])
            + (
                f"<li>… {len(viol) - MAX_VIOLATIONS} more in report.md</li>"
                if len(viol) > MAX_VIOLATIONS
                else ""
            )
            + "</ul>"
        )
    if b.get("cause"):
        parts.append(
            '<p><b>Cause:</b></p><ul class="cause">'
            + "".join(
                f"<li><b>{esc(c.get('kind'))}</b>: {esc(c.get('text'))}</li>"
                for c in b["cause"]
            )
            + "</ul>"
        )
    if "instance" in report:
        try:
            left = (
                "<h4>The instance</h4>"
                + instance_table(report)
                + "<h4>Both answers</h4>"
                + answers_table(report)
            )
        except Exception as exc:  # a hand-edited report: the page still shows the rest
            left = f'<p class="bad">cannot show the instance: {esc(exc)}</p>'
        img = (
            f'<img src="{picture_uri}" alt="the tree(s) of {esc(anchor)}">'
            if picture_uri
            else picture(
                directory,
                (report.get("picture_svg"), report.get("picture")),
                f"the tree(s) of {anchor}",
            )
        )
        right = (
            f'<div class="picture">{img}</div>'
            if img
            else f"<p>{esc(report.get('picture_error') or 'no picture')}</p>"
        )
        parts.append(f'<div class="grid"><div>{left}</div><div>{right}</div></div>')
        args = (report.get("arguments") or {}).get("instance")
        if args is not None and args != report["instance"]:
            parts.append(
                f"<p>{esc(report.get('property'))} derives the instance above from this"
                f" case: <code>{esc(json.dumps(args)[:2000])}</code></p>"
            )
    elif "tree" in (report.get("arguments") or {}):
        t = report["arguments"]["tree"]
        parts.append(
            f"<p>The case: parent = <code>{esc(t.get('parent'))}</code>, cond ="
            f" <code>{esc(t.get('cond'))}</code>, subtree ="
            f" <code>{esc(t.get('subtree'))}</code></p>"
        )
    parts.append("<h4>Replay</h4><pre>" + esc(report.get("replay", "")) + "</pre>")
    if report.get("check"):
        parts.append(
            "<p>The same verdict by hand:</p><pre>" + esc(report["check"]) + "</pre>"
        )
    if report.get("rerun"):
        parts.append(
            "<p>The search that found it:</p><pre>" + esc(report["rerun"]) + "</pre>"
        )
    parts.append(
        f"<p>{esc(report.get('how_generated'))} "
        f"({esc((report.get('timing') or {}).get('search_seconds'))} s).</p>"
    )
    if files is None:
        prefix = f"{link}/" if link else ""
        files = [
            (n, prefix + n)
            for n in (
                "report.md",
                "report.json",
                report.get("picture"),
                report.get("picture_svg"),
            )
            if n
        ]
    parts.append(
        "<p>Files: "
        + " · ".join(f'<a href="{esc(h)}">{esc(n)}</a>' for n, h in files)
        + "</p>"
    )
    parts.append("</section>")
    return "\n".join(parts)


# ------------------------------------------------------------------ run headers


def _restrictions(options: dict) -> str:
    r = (options or {}).get("restrictions") or {}
    on = [
        f"{k}={v}" if v is not True else k
        for k, v in r.items()
        if v not in (None, False)
    ]
    return ", ".join(on) or "none"


def _when(data: dict, directory: str) -> str:
    if data.get("written"):
        return str(data["written"])
    stamp = os.path.basename(os.path.normpath(directory))[:15]  # <YYYYmmdd-HHMMSS>-...
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.strptime(stamp, "%Y%m%d-%H%M%S"))
    except ValueError:
        return ""


def _versions(data: dict, reports: list[dict]) -> str:
    v = data.get("versions") or next(
        (
            (r.get("metadata") or {}).get("versions")
            for r in reports
            if (r.get("metadata") or {}).get("versions")
        ),
        None,
    )
    return ", ".join(f"{k} {x}" for k, x in v.items()) if isinstance(v, dict) else ""


def _command(data: dict, reports: list[dict]) -> str:
    argv = data.get("argv") or next(
        ((r.get("metadata") or {}).get("sys.argv") for r in reports), None
    )
    if isinstance(argv, list) and argv:
        import shlex

        first = os.path.basename(str(argv[0]))
        head = "python -m verify" if first in ("__main__.py", "verify") else first
        return " ".join([head] + [shlex.quote(str(a)) for a in argv[1:]])
    return str(data.get("command") or "")


def _findings_of(directory: str, names: Iterable[str]) -> list[tuple[str, dict]]:
    out = []
    for name in names:
        if os.path.basename(name) != name:
            continue
        rep = _read_json(os.path.join(directory, name, "report.json"))
        if isinstance(rep, dict):
            out.append((name, rep))
    return out


def _finding_sections(directory: str, found: list[tuple[str, dict]]) -> list[str]:
    if not found:
        return ["<h2>Findings</h2><p>None.</p>"]
    return ["<h2>Findings</h2>"] + [
        finding_section(rep, os.path.join(directory, name), name, i, name)
        for i, (name, rep) in enumerate(found, start=1)
    ]


# ------------------------------------------------------------------ page kinds


def run_page(directory: str, data: dict) -> str:
    """The suite's and test-solver's page (``run.json`` with ``results``)."""
    reports = data.get("reports") or {}
    per_result: dict[int, list[str]] = {}
    for k, v in reports.items():
        per_result[int(k)] = [v] if isinstance(v, str) else list(v)
    found = _findings_of(
        directory, [n for i in sorted(per_result) for n in per_result[i]]
    )
    by_name = dict(found)
    rows = []
    for i, r in enumerate(data.get("results") or []):
        names = per_result.get(i, [])
        kinds = [finding_kind(by_name[n]) for n in names if n in by_name]
        links = ", ".join(f'<a href="#{esc(n)}">{esc(n)}</a>' for n in names)
        declined = (r.get("declined") or {}).get("cases", 0)
        shown = str(r.get("verdict", "")) + (
            " (finding)"
            if r.get("must_hold") is False and r.get("verdict") == "counterexample"
            else ""
        )
        cells = [
            esc(r.get("claim")),
            esc(r.get("solver") or "–"),
            verdict_cell(shown),
            esc(r.get("cases")),
            esc(declined),
            esc("; ".join(k for k in kinds if k)),
            links,
            esc(r.get("note") or ""),
        ]
        rows.append(
            (
                {
                    "verdict": str(r.get("verdict", "")),
                    "property": str(r.get("claim", "")),
                    "kind": "|".join(k for k in kinds if k),
                },
                cells,
            )
        )
    reps = [rep for _, rep in found]
    opts = data.get("options") or {}
    what = data.get("command") or "run"
    head = [
        ("command", code(_command(data, reps))),
        ("what ran", what),
        ("solver", (data.get("solver") or {}).get("target")),
        ("profile", opts.get("profile") or data.get("profile")),
        ("seed", opts.get("seed", data.get("seed"))),
        ("restrictions", _restrictions(opts)),
        ("skipped", "; ".join(f"{c} ({w})" for c, w in data.get("skipped") or [])),
        ("exit code", data.get("exit_code")),
        ("time", _when(data, directory)),
        ("seconds", data.get("seconds")),
        ("versions", _versions(data, reps)),
    ]
    title = f"{what} run" + (
        f": {(data.get('solver') or {}).get('target')}" if data.get("solver") else ""
    )
    body = [
        header_table(head),
        "<h2>Verdicts</h2>",
        filtered_table(
            [
                "property",
                "solver",
                "verdict",
                "judged",
                "declined",
                "kind",
                "finding",
                "note",
            ],
            rows,
        ),
    ]
    return document(title, body + _finding_sections(directory, found), "run")


def campaign_page(directory: str, data: dict) -> str:
    """``campaign``'s page: one row per distinct finding, its smallest counterexample's
    report."""
    subdirs = sorted(
        n
        for n in os.listdir(directory)
        if os.path.isfile(os.path.join(directory, n, "report.json"))
    )
    found = _findings_of(directory, subdirs)
    rows = []
    for i, f in enumerate(data.get("findings") or []):
        name = next((n for n in subdirs if n.startswith(f"{i + 1:02d}-")), "")
        verdict = "counterexample" if f.get("must_hold") else "broken variant"
        cells = [
            esc(", ".join(f.get("properties") or [f.get("claim")])),
            esc(f.get("solver") or "–"),
            verdict_cell(verdict),
            esc(f.get("kind")),
            esc(", ".join(map(str, f.get("seeds") or []))),
            esc(f.get("condition")),
            f'<a href="#{esc(name)}">{esc(name)}</a>' if name else "",
        ]
        rows.append(
            (
                {
                    "verdict": verdict,
                    "property": str(f.get("claim", "")),
                    "kind": str(f.get("kind", "")),
                },
                cells,
            )
        )
    reps = [rep for _, rep in found]
    head = [
        ("command", code(_command(data, reps))),
        ("subject", data.get("subject")),
        ("seeds", data.get("seeds")),
        ("executor", data.get("executor")),
        ("cases judged", data.get("cases")),
        ("exit code", data.get("exit_code")),
        ("time", _when(data, directory)),
        ("seconds", data.get("seconds")),
        ("versions", _versions(data, reps)),
    ]
    per_seed = [
        [esc(s.get("seed")), "yes" if s.get("complete") else "no"]
        + [esc(s.get(k, 0)) for k in ("verified", "counterexample", "inconclusive")]
        for s in data.get("per_seed") or []
    ]
    body = [
        header_table(head),
        "<h2>Distinct findings</h2>",
        filtered_table(
            ["property", "solver", "verdict", "kind", "seeds", "condition", "report"],
            rows,
        ),
        "<h2>Seeds</h2>",
        table(
            ["seed", "complete", "verified", "counterexample", "inconclusive"], per_seed
        ),
    ]
    return document(
        f"campaign: {data.get('subject', '')}",
        body + _finding_sections(directory, found),
        "campaign",
    )


def _near(exact: Any) -> str:
    """An exact fraction string, followed by its decimal value when the fraction is
    long.

    >>> _near("3/50"), _near("4327533322281/3125000000000")
    ('3/50', '4327533322281/3125000000000 (≈1.385)')
    """
    from fractions import Fraction

    text = str(exact)
    try:
        return text if len(text) <= 12 else f"{text} (≈{float(Fraction(text)):.4g})"
    except (ValueError, ZeroDivisionError):
        return text


def audit_page(directory: str, data: dict) -> str:
    """``audit``'s page: counts, the plots, rule breaks, the worst iterations'
    reports."""
    written = data.get("reports") or []
    found = _findings_of(
        directory, [w.get("dir", "") for w in written if isinstance(w, dict)]
    )
    by_name = dict(found)
    rows = []
    for w in written:
        rep = by_name.get(w.get("dir"), {})
        kind = finding_kind(rep) if rep else ""
        cells = [
            verdict_cell(str(w.get("kind"))),
            esc(w.get("line")),
            esc(w.get("id")),
            esc(kind),
            esc(w.get("verdict")),
            f'<a href="#{esc(w.get("dir"))}">{esc(w.get("dir"))}</a>',
        ]
        rows.append(
            (
                {
                    "verdict": str(w.get("kind", "")),
                    "property": f"audit/{w.get('kind', '')}",
                    "kind": kind,
                },
                cells,
            )
        )
    counts = [
        [verdict_cell(k), f'<span class="num">{esc(n)}</span>']
        for k, n in (data.get("verdicts") or {}).items()
        if n
    ]
    lost = data.get("value_lost") or {}
    worst = lost.get("worst") or {}
    reps = [rep for _, rep in found]
    opts = data.get("options") or {}
    head = [
        ("command", code(_command(data, reps))),
        ("trace", data.get("trace")),
        ("iterations", data.get("iterations")),
        ("findings", data.get("findings")),
        ("judge", "exact, with Z3" if opts.get("z3") else "exact (tree DP, no Z3)"),
        (
            "value lost",
            (
                f"{_near(lost.get('total'))} in total over {lost.get('iterations')}"
                f" iterations (mean {_near(lost.get('mean'))}; worst"
                f" {_near(worst.get('lost'))} at line {worst.get('line')})"
                if lost.get("iterations")
                else None
            ),
        ),
        ("time", _when(data, directory)),
        ("seconds", data.get("seconds")),
        ("versions", _versions(data, reps)),
    ]
    body = [
        header_table(head),
        "<h2>Verdicts</h2>",
        table(["verdict", "iterations"], counts),
    ]
    plots = data.get("plots") or []
    if plots:
        body.append("<h2>Plots</h2>")
        for p in plots:
            img = picture(directory, (p.get("svg"), p.get("png")), p.get("title", ""))
            files = " · ".join(
                f'<a href="{esc(f)}">{esc(f)}</a>'
                for f in (p.get("png"), p.get("svg"))
                if f  # no PNG without Pillow
            )
            body.append(
                "<div"
                f' class="plot"><h3>{esc(p.get("title"))}</h3>{img}'
                f"<p>{esc(p.get('caption', ''))} Files: {files}</p></div>"
            )
    rules = data.get("rules") or {}
    if rules:
        rrows = [
            [
                esc(r),
                esc(e.get("iterations")),
                esc(
                    ", ".join(
                        f"{rid} ({n})"
                        for rid, n in list((e.get("requests") or {}).items())[:20]
                    )
                ),
            ]
            for r, e in rules.items()
        ]
        body += [
            "<h2>Rule breaks</h2>",
            table(["rule", "iterations", "requests (most often first, top 20)"], rrows),
        ]
    dist = lost.get("distribution") or {}
    if dist:
        body += [
            "<h2>Value lost relative to the optimum</h2>",
            table(
                ["relative loss", "iterations"],
                [[esc(k), esc(v)] for k, v in dist.items()],
            ),
        ]
    mal = data.get("malformed_lines") or []
    if mal:
        body += [
            f"<h2>Malformed lines ({len(mal)})</h2>",
            table(
                ["line", "error"],
                [[esc(m.get("line")), esc(m.get("error"))] for m in mal[:100]],
            ),
        ]
    body += [
        "<h2>Worst iterations with a report</h2>",
        filtered_table(["verdict", "line", "id", "kind", "judged", "report"], rows),
    ]
    return document(
        f"audit of {data.get('trace', '')}",
        body + _finding_sections(directory, found),
        "audit",
    )


def proofs_page(directory: str, data: dict) -> str:
    """``python -m proofs``'s page: the claim x n rows, and the counterexamples
    confirmed on the real code."""
    names = [
        os.path.basename(str(r.get("dir", "")))
        for c in data.get("counterexamples") or []
        for r in c.get("reports") or []
    ]
    found = _findings_of(directory, names)
    rows = []
    for r in data.get("rows") or []:
        result = str(r.get("result", ""))
        cells = [
            esc(r.get("claim")),
            esc(r.get("greedy")),
            esc(r.get("n")),
            esc(r.get("shapes")),
            esc(r.get("queries")),
            verdict_cell(result),
            esc(r.get("counterexamples", "")),
            esc(r.get("seconds")),
        ]
        rows.append(
            (
                {
                    "verdict": result,
                    "property": str(r.get("claim", "")),
                    "kind": str(r.get("greedy", "")),
                },
                cells,
            )
        )
    st = data.get("settings") or {}
    reps = [rep for _, rep in found]
    head = [
        ("command", code(_command(data, reps))),
        ("premise", st.get("premise")),
        (
            "bounds",
            (
                f"shapes up to {st.get('max_nodes')} nodes, pairs up to"
                f" {st.get('pair_max')}"
            ),
        ),
        ("greedies", ", ".join(map(str, st.get("greedies") or []))),
        ("seed", st.get("seed")),
        ("exit code", data.get("exit_code")),
        ("time", _when(data, directory)),
        ("versions", _versions(data, reps)),
    ]
    body = [
        header_table(head),
        "<h2>Claim x n</h2>",
        filtered_table(
            [
                "claim",
                "greedy",
                "n",
                "shapes",
                "queries",
                "result",
                "counterexamples",
                "seconds",
            ],
            rows,
        ),
    ]
    return document(
        "python -m proofs", body + _finding_sections(directory, found), "proofs"
    )


def finding_page(directory: str, report: dict, replayed: Optional[dict] = None) -> str:
    """A directory that is one finding (``verify.assert_optimal``, the pytest plugin),
    or a replay's (``replayed``: its replay.json, the outcome)."""
    a = {
        "verdict": "counterexample",
        "property": str(report.get("property", "")),
        "kind": finding_kind(report),
    }
    meta = report.get("metadata") or {}
    head = [
        ("command", code(_command(replayed or {}, [] if replayed else [report]))),
        ("property", report.get("property")),
        ("seed", meta.get("seed")),
        ("restrictions", _restrictions(report.get("options") or {})),
        ("time", _when(replayed or {}, directory)),
        ("versions", _versions(replayed or {}, [report])),
    ]
    if replayed is not None:
        head[1:1] = [
            ("replayed", replayed.get("report")),
            (
                "outcome",
                _Html(
                    f'<b class="{"bad" if replayed.get("exit_code") == 1 else ""}">'
                    f"{esc(replayed.get('outcome'))}</b> (exit"
                    f" {esc(replayed.get('exit_code'))})"
                ),
            ),
        ]
        a["verdict"] = (
            "still fails"
            if replayed.get("exit_code") == 1
            else ("passes now" if replayed.get("exit_code") == 0 else "inconclusive")
        )
    row = [
        verdict_cell(a["verdict"]),
        esc(report.get("property")),
        esc(a["kind"]),
        esc(report.get("status_reason")),
        '<a href="#finding">the finding</a>',
    ]
    body = [
        header_table(head),
        "<h2>Verdict</h2>",
        filtered_table(
            ["verdict", "property", "kind", "what failed", "report"], [(a, row)]
        ),
        "<h2>Findings</h2>",
        finding_section(report, directory, "finding", 1),
    ]
    return document(
        f"{report.get('property')}: {report.get('status_reason', '')}"[:200],
        body,
        "finding",
    )


def page_for(directory: str) -> Optional[str]:
    """The page of a report directory, or None if it holds nothing a page is made
    from."""
    run = _read_json(os.path.join(directory, "run.json"))
    if isinstance(run, dict) and "trace" in run:
        return audit_page(directory, run)
    if isinstance(run, dict) and "results" in run:
        return run_page(directory, run)
    if isinstance(run, dict) and run.get("command") == "proofs" and "rows" in run:
        return proofs_page(directory, run)
    camp = _read_json(os.path.join(directory, "campaign.json"))
    if isinstance(camp, dict):
        return campaign_page(directory, camp)
    rep = _read_json(os.path.join(directory, "report.json"))
    if isinstance(rep, dict):
        replayed = _read_json(os.path.join(directory, "replay.json"))
        return finding_page(
            directory, rep, replayed if isinstance(replayed, dict) else None
        )
    return None


def write_page(directory: str) -> Optional[str]:
    """Write ``directory/index.html`` from the JSON there; return its path (None:
    nothing to show)."""
    text = page_for(directory)
    if text is None:
        return None
    path = os.path.join(directory, PAGE)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path


def run_facts() -> dict:
    """What a writer adds to run.json for the page's header: argv, versions, the time
    written."""
    import sys

    from verify.report.facts import versions

    return {
        "argv": list(sys.argv),
        "versions": versions(),
        "written": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }

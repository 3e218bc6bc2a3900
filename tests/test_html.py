"""index.html (verify/report/html.py): one self-contained page per report directory.

Each kind of report directory (tests/common/html_pages.py builds one of each) gets a
page with the run header, the filterable verdict table and a section per finding (cause,
instance, both answers, picture, replay command); nothing on it is fetched from
anywhere; it is rebuilt byte for byte from the JSON; text from a report is escaped.
tests/test_browser.py opens the same pages in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.common.html_pages import KINDS, build_pages
from verify.commands import cli
from verify.report.html import write_page

pytest.importorskip("PIL")  # the pictures (verify/report/chart.py)


class Elements(HTMLParser):
    """Every start tag with its attributes, in order; and the text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str, **want) -> list[dict]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k) == v for k, v in want.items())
        ]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return build_pages(tmp_path_factory.mktemp("pages"))


def _page(pages, kind) -> tuple[str, Elements]:
    text = (pages[kind] / "index.html").read_text(encoding="utf-8")
    return text, Elements(text)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_report_directory_has_a_self_contained_page(pages, kind):
    text, el = _page(pages, kind)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    # offline: no external resource of any kind
    for tag, attrs in el.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"(?i)\s*(https?:|//|ftp:)", value), (
                tag,
                key,
                value[:80],
            )
    assert (
        not el.all("link")
        and "@import" not in text
        and not re.search(r"url\(\s*['\"]?http", text)
    )
    assert el.all("script") and all("src" not in a for a in el.all("script"))
    # the header, the verdict table with its filters, a section per finding with a
    # picture
    head = "".join(el.text)
    assert "command" in head and "versions" in head and "python" in head
    assert {a["data-filter"] for a in el.all("select")} >= {"verdict", "property"}
    rows = [a for t, a in el.tags if t == "tr" and "data-verdict" in a]
    assert rows
    sections = el.all("section", **{"class": "finding"})
    assert sections, "no finding section"
    for s in sections:
        assert s["data-verdict"] and s["data-property"]
    imgs = [a["src"] for a in el.all("img")]
    assert imgs and all(
        src.startswith(("data:image/svg+xml,%3C", "data:image/png;base64,"))
        for src in imgs
    )
    assert "python -m verify replay " in head


def test_test_solver_page_links_each_finding_and_shows_its_parts(pages):
    text, el = _page(pages, "test-solver")
    run = json.loads((pages["test-solver"] / "run.json").read_text())
    names = [n for v in run["reports"].values() for n in v]
    anchors = {a["id"] for a in el.all("section", **{"class": "finding"})}
    assert set(names) == anchors
    assert {
        a["href"][1:] for a in el.all("a") if a.get("href", "").startswith("#")
    } == anchors
    rows = {
        a["data-property"]: a for t, a in el.tags if t == "tr" and "data-property" in a
    }
    assert set(rows) == {"THM-P2", "LEM-C2", "RULE-BUDGET"}
    assert (
        rows["RULE-BUDGET"]["data-verdict"] == "verified"
        and rows["LEM-C2"]["data-verdict"] == "counterexample"
    )
    for name in names:
        rep = json.loads((pages["test-solver"] / name / "report.json").read_text())
        assert rep["broken"]["cause"], name
        for piece in (
            rep["status_reason"],
            rep["broken"]["cause"][0]["text"],
            rep["replay"],
            rep["rerun"],
            rep["optimum"],
        ):
            assert __import__("html").escape(piece) in text, (name, piece)
        assert rep["signature"]["kind"] in rows[rep["property"]]["data-kind"].split("|")
    assert (
        "Both answers" in text
        and "f (exact)" in text
        and "optimal (exact oracle)" in text
    )
    assert text.count('src="data:image/svg+xml,%3C') == len(
        names
    )  # the SVG beside each tree.png


def test_audit_page_has_its_plots_and_the_plots_are_files(pages):
    text, el = _page(pages, "audit")
    run = json.loads((pages["audit"] / "run.json").read_text())
    assert [p["png"] for p in run["plots"]] == [
        "value-lost.png",
        "rule-breaks.png",
        "gap.png",
    ]
    for p in run["plots"]:
        assert (pages["audit"] / p["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (pages["audit"] / p["svg"]).read_text()
        assert p["title"] in text
    assert run["series"]["points"] and run["series"]["stride"] == 1
    # one point per iteration with a feasible answer to a feasible instance, in line
    # order
    assert len(run["series"]["points"]) == run["value_lost"]["iterations"]
    assert [p[0] for p in run["series"]["points"]] == sorted(
        p[0] for p in run["series"]["points"]
    )
    assert len(el.all("section", **{"class": "finding"})) == len(run["reports"])
    assert "Rule breaks" in text and "Malformed lines (1)" in text


def test_campaign_replay_and_assert_optimal_pages(pages):
    text, _ = _page(pages, "campaign")
    assert (
        "Distinct findings" in text and "RULE-BUDGET" in text and "paper-alg1" in text
    )
    text, el = _page(pages, "replay")
    assert "still fails: " in text and el.all("tr", **{"data-verdict": "still fails"})
    text, el = _page(pages, "assert-optimal")
    assert (
        el.all("section", id="finding")
        and "infeasible: budget: uses 2 non-root nodes" in text
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_is_rebuilt_from_the_json_alone(pages, kind, tmp_path):
    before = (pages[kind] / "index.html").read_text(encoding="utf-8")
    copy = tmp_path / pages[kind].name
    shutil.copytree(pages[kind], copy)
    (copy / "index.html").unlink()
    assert cli.main(["html", str(copy)]) == 0
    assert (copy / "index.html").read_text(encoding="utf-8") == before


def test_text_from_a_report_is_escaped_and_only_pictures_beside_it_are_read(
    pages, tmp_path
):
    d = tmp_path / "evil"
    shutil.copytree(pages["assert-optimal"], d)
    rep = json.loads((d / "report.json").read_text())
    rep["status_reason"] = '<script>alert("x")</script>'
    rep["picture_svg"] = "../../../etc/passwd"
    rep["picture"] = None
    (d / "report.json").write_text(json.dumps(rep))
    text = Path(write_page(str(d))).read_text()
    assert (
        '<script>alert("x")</script>' not in text
        and "&lt;script&gt;alert(&quot;x&quot;)" in text
    )
    assert "<img" not in text and "root:" not in text
    assert len(re.findall(r"<script>", text)) == 1  # ours only


def test_html_command_refuses_a_directory_without_json(tmp_path, capsys):
    assert cli.main(["html", str(tmp_path)]) == 2
    assert "nothing to show" in capsys.readouterr().err
    assert cli.main(["html", str(tmp_path / "missing")]) == 2


def test_a_run_directory_without_findings_still_gets_a_page(tmp_path):
    from verify.solver_check import Options, run
    from verify.subject.spec import SolverSpec

    res = run(
        SolverSpec("registry", "reference"),
        Options(examples=5, claims=("APP-B",), report_dir=str(tmp_path)),
    )
    text = (Path(res.run_dir) / "index.html").read_text()
    assert "<h2>Findings</h2><p>None.</p>" in text and 'data-verdict="verified"' in text


def test_results_html_is_rendered_from_the_same_json_as_results_md(tmp_path):
    import io

    from verify.commands import results as R
    from verify.commands.results_html import render_html

    assert (
        R.main_results(
            md=str(tmp_path / "results.md"), err=io.StringIO(), html=render_html
        )
        == 0
    )
    text = (tmp_path / "results.html").read_text(encoding="utf-8")
    el = Elements(text)
    runs = R.load_runs()
    suite = runs["suite"]
    # every verdict row of results.md: the suite's results, then the proofs' groups
    rows = [a for t, a in el.tags if t == "tr" and "data-verdict" in a]
    assert len(rows) == len(suite["output"]["results"]) + sum(
        len(R.proof_groups(runs[k])) for k in R.PROOF_RUNS
    )
    sections = el.all("section", **{"class": "finding"})
    found = [s for s in sections if not s["id"].startswith("proof-")]
    assert [s["id"] for s in found] == [Path(f["file"]).stem for f in suite["findings"]]
    assert text.count('<img src="data:image/svg+xml,%3C') == len(
        found
    )  # pictures drawn from the JSON
    for f in suite["findings"]:
        assert __import__("html").escape(f["replay"]) in text
    assert render_html(runs) == text  # a pure function of the raw JSON


def test_a_run_without_a_fingerprint_is_rendered():
    # sorting the fingerprints of None and a str raised TypeError
    from verify.commands import results as R
    from verify.commands.results_html import render_html

    runs = R.load_runs()
    first = sorted(runs)[0]
    runs[first] = {k: v for k, v in runs[first].items() if k != "fingerprint"}
    assert len({r.get("fingerprint") for r in runs.values()}) > 1
    assert "different code" in render_html(runs)


def test_the_committed_results_html_is_up_to_date():
    # pictures aside (their SVG bytes depend on the matplotlib version), the committed
    # page is
    # what python -m verify results renders from the committed JSON
    from tests.common.html_pages import RESULTS_HTML
    from verify.commands import results as R
    from verify.commands.results_html import render_html

    def strip(text):
        return re.sub(r'src="data:image/svg\+xml,[^"]*"', 'src="…"', text)

    assert strip(RESULTS_HTML.read_text(encoding="utf-8")) == strip(
        render_html(R.load_runs())
    ), "docs/results.html is stale: run python -m verify results"


def test_the_binned_value_lost_plot_keeps_every_peak_and_the_exact_total(tmp_path):
    from verify.report import audit_plots

    # 2,000 iterations; loss (i * 7919) % 1000 / 1000 at line i, one peak of 5 at 1234
    losses = {i: (i * 7919) % 1000 / 1000 for i in range(1, 2001)}
    losses[1234] = 5.0
    points = [[i, None, x, 0.0] for i, x in losses.items()]
    total = "123456789/1000"  # the tally's exact total, whatever the floats say
    data = {
        "series": {"stride": 1, "points": points},
        "value_lost": {"iterations": 2000, "total": total, "distribution": {"0": 1}},
        "rules": {},
    }
    per, shown = audit_plots.binned(points)
    assert per == 4 and len(shown) == 500 <= audit_plots.BINS
    # each shown point is the largest of its 4 consecutive lines
    assert [p[0] for p in shown] == [
        max(range(i, i + 4), key=lambda n: (losses[n], -n)) for i in range(1, 2001, 4)
    ]
    assert [1234, None, 5.0, 0.0] in shown
    plots = audit_plots.draw_audit_plots(str(tmp_path), data)
    caption = plots[0]["caption"]
    assert f"Total value lost (exact): {total}." in caption
    assert "500 points for 2000 iterations" in caption and "binned" in caption
    assert "largest of up to 4 iterations" in (tmp_path / "value-lost.svg").read_text()
    # a short series is drawn point by point, and says nothing of bins
    data["series"]["points"] = points[:10]
    plots = audit_plots.draw_audit_plots(str(tmp_path), data)
    assert "10 points for" in plots[0]["caption"]
    assert "binned" not in plots[0]["caption"]


def test_audit_plots_drawn_on_the_workers_are_the_plots_drawn_here(tmp_path):
    # the reports phase sends the plots to its mapper beside the reports: with --jobs
    # they are drawn on a worker; the index and the files are the same
    from verify.commands.audit import (
        AuditOptions,
        local_mapper,
        run_audit,
        write_reports,
    )

    trace = str(Path(__file__).resolve().parent.parent / "examples" / "trace.jsonl")
    options = AuditOptions(trace=trace)
    tally = run_audit(trace, options, progress=False, keep_lines=True).tally
    dirs = []
    for name, mapper in (("here", map), ("workers", local_mapper(2))):
        run_dir, written = write_reports(
            str(tmp_path / name), trace, options, tally, 3, "rerun", mapper=mapper
        )
        dirs.append(Path(run_dir))
        assert written  # the example trace has findings: reports were drawn too
    here, there = (json.loads((d / "run.json").read_text()) for d in dirs)
    assert here["plots"] == there["plots"] and len(here["plots"]) == 3
    assert here["reports"] == there["reports"]
    for p in here["plots"]:
        for f in (p["png"], p["svg"]):
            assert (dirs[1] / f).stat().st_size > 1000
        assert p["title"] in (dirs[1] / "index.html").read_text()

"""The report pages in a real browser: headless Chromium (tests/common/chromium.py)
opens each kind of index.html (tests/common/html_pages.py) and the page must run its
script without an error (none in the console, none caught by the page's own
``window.onerror``), decode every picture, and show the verdict table and the finding
sections.

Skipped with the install line when Chromium is missing; under CI (``CI=true``) that
fails instead (.ci/run installs Debian's ``chromium``).
"""

from __future__ import annotations

import re

import pytest

from tests.common import chromium
from tests.common.html_pages import KINDS, build_pages

pytest.importorskip("PIL")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    chromium.required()
    return build_pages(tmp_path_factory.mktemp("browser"))


@pytest.mark.parametrize("kind", KINDS)
def test_each_page_renders_without_errors_with_its_table_and_pictures(pages, kind):
    opened = chromium.open_page(pages[kind] / "index.html")
    body = opened.body()
    assert opened.console == [], opened.console
    assert opened.js_errors() == "" and 'id="js-errors" hidden' in opened.dom
    assert body.get("data-ready") == "1", "the page's script did not finish"
    loaded, total = map(int, body["data-images"].split("/"))
    assert total > 0 and loaded == total, body["data-images"]
    assert re.search(r'<table class="verdicts">.*?<tr data-verdict=', opened.dom, re.S)
    assert '<section class="finding"' in opened.dom


def test_the_check_sees_a_script_error_and_a_broken_picture(tmp_path, pages):
    page = (pages["assert-optimal"] / "index.html").read_text(encoding="utf-8")
    bad = tmp_path / "index.html"
    bad.write_text(
        page.replace(
            "</body>",
            '<img src="data:image/png;base64,AAAA">'
            "<script>console.error('boom'); noSuchFunction();</script></body>",
        )
    )
    opened = chromium.open_page(bad)
    assert any("noSuchFunction" in line for line in opened.console)
    assert "noSuchFunction" in opened.js_errors()
    loaded, total = map(int, opened.body()["data-images"].split("/"))
    assert loaded < total


def test_the_committed_results_page_renders(tmp_path):
    from tests.common.html_pages import RESULTS_HTML

    chromium.required()
    opened = chromium.open_page(RESULTS_HTML)
    body = opened.body()
    assert (
        opened.console == []
        and opened.js_errors() == ""
        and body.get("data-ready") == "1"
    )
    loaded, total = map(int, body["data-images"].split("/"))
    assert total > 0 and loaded == total


def test_the_audit_plots_labels_measured_in_the_browser_fit_and_do_not_overlap(
    tmp_path,
):
    # the plots' layout assumes each label's width from the monospace font's advance
    # (verify/report/chart.py); Chromium measures the real boxes (getBBox) of every
    # label of the three plots, on ordinary and on hostile data
    from tests.test_audit_plots import HOSTILE, ORDINARY
    from verify.report import audit_plots

    chromium.required()
    svgs = []
    for i, data in enumerate((ORDINARY, HOSTILE)):
        d = tmp_path / str(i)
        d.mkdir()
        for p in audit_plots.draw_audit_plots(str(d), data):
            svgs.append((d / p["svg"]).read_text(encoding="utf-8"))
    _no_label_problem_in_chromium(tmp_path, svgs, 50)


def test_the_tree_pictures_labels_measured_in_the_browser_fit_and_do_not_overlap(
    tmp_path,
):
    # the tree picture is laid out the same way (verify/report/picture.py): Chromium
    # measures its labels, on long fractions and on a hostile case (wide ids with
    # escapes, a wide and a deep tree, fractions of hundreds of digits)
    from tests.test_picture import _hostile_chart, _long_chart

    chromium.required()
    svgs = [_long_chart().svg(), _hostile_chart().svg()]
    _no_label_problem_in_chromium(tmp_path, svgs, 300)


def _no_label_problem_in_chromium(tmp_path, svgs: list[str], least: int) -> None:
    """Every text of ``svgs``, measured by Chromium: no wider than the layout assumed,
    inside its picture, overlapping no other; at least ``least`` texts."""
    from verify.report.chart import ADVANCE

    script = """
const problems = [];
let texts = 0;
document.querySelectorAll('svg').forEach((svg, i) => {
  const W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
  const boxes = [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    texts += 1;
    if (t.getComputedTextLength() > t.textContent.length * ADVANCE
        * +t.getAttribute('font-size') + 0.5)
      problems.push(i + ': ' + t.textContent + ' is wider than the layout assumed');
    return [b.x, b.y, b.x + b.width, b.y + b.height, t.textContent];
  });
  boxes.forEach((a, j) => {
    if (a[0] < -0.5 || a[1] < -0.5 || a[2] > W + 0.5 || a[3] > H + 0.5)
      problems.push(i + ': ' + a[4] + ' leaves the picture');
    boxes.slice(j + 1).forEach(b => {
      if (a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5
          && b[1] < a[3] - 0.5)
        problems.push(i + ': ' + a[4] + ' overlaps ' + b[4]);
    });
  });
});
document.getElementById('problems').textContent = problems.join('\\n');
document.body.setAttribute('data-texts', texts);
document.body.setAttribute('data-problems', problems.length);
""".replace("ADVANCE", repr(ADVANCE))
    page = tmp_path / "plots.html"
    page.write_text(
        "<!DOCTYPE html><html><body>"
        + "".join(svgs)
        + f'<pre id="problems"></pre><script>{script}</script></body></html>',
        encoding="utf-8",
    )
    opened = chromium.open_page(page)
    body = opened.body()
    assert opened.console == [], opened.console
    assert int(body.get("data-texts", "0")) > least
    problems = re.search(r'<pre id="problems">(.*?)</pre>', opened.dom, re.S)
    assert body.get("data-problems") == "0", problems and problems.group(1)

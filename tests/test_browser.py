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

pytest.importorskip("matplotlib")


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

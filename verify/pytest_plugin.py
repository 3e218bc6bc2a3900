"""The pytest plugin of adaserve-verify (entry point ``pytest11``; docs/api.md).

``--adaserve-report-dir DIR``: every failing :func:`verify.assert_optimal` writes a
counterexample report (report.md, index.html, tree.png, report.json, replayable with
``python -m verify replay``) under DIR, names it in the assertion message, and the
end of the run lists them.  Without the option the plugin does nothing; it imports
nothing heavy, so it costs a test run that does not use it nothing.
"""

from __future__ import annotations


def pytest_addoption(parser):
    group = parser.getgroup("adaserve-verify")
    group.addoption(
        "--adaserve-report-dir",
        metavar="DIR",
        default=None,
        help=(
            "write a counterexample report for every failing verify.assert_optimal"
            " under DIR"
        ),
    )


def pytest_configure(config):
    where = config.getoption("--adaserve-report-dir", default=None)
    if where:
        from verify import api

        api.default_report_dir = where


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.getoption("--adaserve-report-dir", default=None):
        return
    from verify import api

    written = [d for d in api.reports_written if d]
    if written:
        terminalreporter.section("adaserve-verify reports")
        for d in written:
            terminalreporter.write_line(f"{d}/report.md  (page: {d}/index.html)")

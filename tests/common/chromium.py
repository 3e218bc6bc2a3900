"""Headless Chromium for the page tests (tests/test_browser.py) and
benchmarks/bench_html.py.

Each call starts a fresh browser with its own throw-away profile, no network
services (no QUIC, no background networking, component updates or sync), and
logs the page's console on stderr (``--enable-logging=stderr``: lines
``INFO:CONSOLE``), so a script error shows twice: there, and in the page's own
``#js-errors`` (verify/report/html.py writes its errors into the DOM).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
INSTALL = "apt-get install chromium (Debian), as .ci/run does"


def find() -> Optional[str]:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class Opened:
    dom: str  # the DOM after the load event
    console: list[str]  # console lines Chromium logged (errors, warnings, console.log)
    seconds: float  # wall time of the whole browser run (start-up included)

    def body(self) -> dict[str, str]:
        """The attributes of <body> (data-ready, data-images, data-load-ms ...)."""
        tag = re.search(r"<body([^>]*)>", self.dom)
        return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(1))) if tag else {}

    def js_errors(self) -> str:
        m = re.search(r'<div id="js-errors"([^>]*)>(.*?)</div>', self.dom, re.S)
        return "" if m is None else m.group(2)


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="adaserve-chromium-") as profile:
        return subprocess.run(
            args + [f"--user-data-dir={profile}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def open_page(page: Path, *, timeout: float = 120) -> Opened:
    """Load ``page`` (a file) and return its DOM after load and the console lines."""
    import time

    exe = find()
    if exe is None:
        raise FileNotFoundError(f"no chromium: {INSTALL}")
    started = time.perf_counter()
    proc = _run([exe, *FLAGS, "--dump-dom", Path(page).resolve().as_uri()], timeout)
    seconds = time.perf_counter() - started
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return Opened(proc.stdout, console, seconds)


def screenshot(
    page: Path,
    out: Path,
    *,
    width: int = 1200,
    height: int = 1600,
    timeout: float = 120,
) -> Path:
    exe = find()
    if exe is None:
        raise FileNotFoundError(f"no chromium: {INSTALL}")
    out = Path(out).resolve()
    _run(
        [
            exe,
            *FLAGS,
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            Path(page).resolve().as_uri(),
        ],
        timeout,
    )
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot of {page}")
    return out


def required() -> str:
    """The chromium executable; under CI (``CI=true``) a missing one is an error, else a
    skip."""
    import pytest

    exe = find()
    if exe is None:
        msg = f"no chromium: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return exe

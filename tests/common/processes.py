"""Live processes, read from /proc, for the tests that check no process is left behind.

A *live* process is any but a zombie (an exited child its parent has not reaped yet
is gone for our purposes) and other than the test's own process.
"""

from __future__ import annotations

import os
from typing import Iterator


def live_processes(environ: bool = False) -> Iterator[tuple[int, bytes, bytes]]:
    """``(pid, cmdline, environ)`` of every live process (``environ`` is ``b""`` unless
    asked for); processes that vanish or cannot be read are skipped."""
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                if fh.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmd = fh.read()
            env = b""
            if environ:
                with open(f"/proc/{name}/environ", "rb") as fh:
                    env = fh.read()
        except OSError:
            continue
        yield int(name), cmd, env

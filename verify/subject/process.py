"""Running a solver program contained: a deadline on every read, capped output, nothing
left behind.

An external solver may crash, hang, flood its output or fork; whatever it does,
the call ends by its deadline, reads at most :data:`MAX_OUTPUT` bytes, and
leaves no process of the program running (docs/test-solver.md, "Containment").

Terminology
-----------
program
    One started solver process (:class:`Program`) with pipes to its stdin,
    stdout and stderr.  It runs in a *session of its own*
    (``start_new_session``), so every process it starts without ``setsid``
    shares its session and process group.
marker
    Every program is started with ``ADASERVE_VERIFY_SOLVER=<token>`` in its
    environment, a token unique to that program; its children inherit it
    unless they clear their environment.
sweep
    Killing everything that belongs to a program, repeated until nothing new
    turns up: (a) every process of its session; (b) its descendants by parent
    pid, also those that called ``setsid`` while their parent lives; (c) every
    process carrying its marker, also a double-forked daemon that init adopted;
    (d) on Linux this process is a *child subreaper*
    (``prctl(PR_SET_CHILD_SUBREAPER)``), so an orphan of the program is
    adopted by us instead of init, and our adopted children in another
    session, started after the program and not started by us, are swept with
    their descendants.  Victims are first stopped (SIGSTOP: none can fork while
    we look), then killed (SIGKILL) and, where they are our children, reaped.
    Every call of the one-process-per-call mode ends with a sweep, also a
    successful one; the persistent mode sweeps at each restart and at the end.
deadline
    Reads never wait for end-of-file: a child that keeps stdout open cannot
    hold a call past its deadline.  In the one-process-per-call mode the answer
    is what the program printed when it exited; in the line mode, the first line.

What could still escape, in principle: a process of another user, or one that
called ``setsid``, cleared its environment and was re-parented away from this
process before the sweep (only possible without the subreaper, i.e. not on Linux).

>>> import sys
>>> p = Program([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"])
>>> out, err, rc = p.run_once(b"hello", timeout=30)
>>> out, rc
(b'HELLO\\n', 0)
"""

from __future__ import annotations

import atexit
import errno
import os
import selectors
import signal
import subprocess
import sys
import time
from typing import IO, Iterable

from solver.durations import wait_slice

# bytes of stdout one call may print (more: "output too large", a finding)
MAX_OUTPUT = 16 * 2**20
STDERR_TAIL = 64 * 2**10  # bytes of stderr kept (the end: where the error message is)
MARKER = "ADASERVE_VERIFY_SOLVER"
_CHUNK = 2**16
_LIVE: set["Program"] = set()  # started and not yet swept
# pids of every program this process started (not adopted orphans)
_STARTED: set[int] = set()
_SUBREAPER = [False]


class Timeout(Exception):
    """The deadline passed before the program answered."""


class OutputTooLarge(Exception):
    """The program printed more than the cap."""


class Exited(Exception):
    """The program exited (or closed stdout) before it answered a line."""

    def __init__(self, returncode: int | None):
        super().__init__(returncode)
        self.returncode = returncode


def become_subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux); True if it
    is."""
    if _SUBREAPER[0] or not sys.platform.startswith("linux"):
        return _SUBREAPER[0]
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        _SUBREAPER[0] = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass
    return _SUBREAPER[0]


_PRCTL: list = []  # libc's prctl, once looked up


def _prctl():
    """libc's prctl (Linux), looked up once: a child calls it between fork and exec."""
    if not _PRCTL:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                fn = ctypes.CDLL(None, use_errno=True).prctl
            except (OSError, AttributeError):
                fn = None
        _PRCTL.append(fn)
    return _PRCTL[0]


def die_with_parent(parent: int | None = None) -> None:
    """In a child: SIGKILL when the thread that started it ends (Linux
    ``PR_SET_PDEATHSIG``), so a solver never outlives the worker that runs it (killed,
    out of memory, a Dask worker shut down).  ``parent``: the starter's pid; if it is
    gone already, exit now.
    """
    prctl = _prctl()
    if prctl is not None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if parent is not None and os.getppid() != parent:
        os._exit(1)


class Program:
    """A started solver program: its own session, a marker, non-blocking pipes (see
    module doc)."""

    def __init__(self, argv: list[str], max_output: int = MAX_OUTPUT):
        become_subreaper()
        self.argv, self.max_output = argv, max_output
        self.token = f"{os.getpid()}-{os.urandom(8).hex()}"
        env = dict(os.environ)
        env[MARKER] = self.token
        self.started = _boot_ticks_now()
        parent = os.getpid()
        # looked up here: the child must not load libraries between fork and exec
        _prctl()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
            bufsize=0,
            close_fds=True,
            preexec_fn=lambda: die_with_parent(parent),
        )
        _STARTED.add(self.proc.pid)
        _LIVE.add(self)
        for f in (self._stdout, self._stderr):
            os.set_blocking(f.fileno(), False)
        self.pidfd = None
        if hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(self.proc.pid)
            except OSError:
                self.pidfd = None
        self.out = bytearray()  # stdout not yet consumed
        self.err = bytearray()  # the tail of stderr
        self.out_eof = self.err_eof = False
        self.swept = False

    @property
    def _stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None, "started with a pipe"
        return self.proc.stdout

    @property
    def _stderr(self) -> IO[bytes]:
        assert self.proc.stderr is not None, "started with a pipe"
        return self.proc.stderr

    # -------------------------------------------------------------- I/O with a deadline
    def _pump(
        self,
        deadline: float,
        pending: bytes = b"",
        until_line: bool = False,
        close_stdin: bool = False,
    ) -> None:
        """Write ``pending``, read stdout/stderr, until exit (or a full line);
        :class:`Timeout` at the deadline."""
        sel = selectors.DefaultSelector()
        stdin = self.proc.stdin
        view = memoryview(pending)
        try:
            if view.nbytes and stdin is not None:
                os.set_blocking(stdin.fileno(), False)
                sel.register(stdin.fileno(), selectors.EVENT_WRITE, "in")
            elif close_stdin:
                self._close_stdin()
            if not self.out_eof:
                sel.register(self._stdout.fileno(), selectors.EVENT_READ, "out")
            if not self.err_eof:
                sel.register(self._stderr.fileno(), selectors.EVENT_READ, "err")
            if self.pidfd is not None:
                sel.register(self.pidfd, selectors.EVENT_READ, "exit")
            while True:
                if until_line and b"\n" in self.out:
                    return
                if self.proc.poll() is not None:
                    # what it wrote before exiting is in the pipes already
                    self._drain()
                    return
                if until_line and self.out_eof:
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout()
                for key, _ in sel.select(
                    timeout=wait_slice(min(left, 0.05 if self.pidfd is None else left))
                ):
                    what = key.data
                    if what == "in":
                        assert stdin is not None, "registered only with a pipe"
                        try:
                            n = os.write(stdin.fileno(), view[:_CHUNK])
                            view = view[n:]
                        except BlockingIOError:
                            continue
                        # it does not read its input: its business
                        except (
                            BrokenPipeError,
                            OSError,
                        ):
                            view = view[:0]
                        if not view.nbytes:
                            sel.unregister(stdin.fileno())
                            if close_stdin:
                                self._close_stdin()
                    elif what == "out":
                        if not self._read_out():
                            sel.unregister(self._stdout.fileno())
                    elif what == "err":
                        if not self._read_err():
                            sel.unregister(self._stderr.fileno())
                    # "exit": the loop's poll() sees it
        finally:
            sel.close()

    def _read_out(self) -> bool:
        """Read what stdout has; False at end of file.  :class:`OutputTooLarge` past the
        cap."""
        try:
            data = os.read(self._stdout.fileno(), _CHUNK)
        except BlockingIOError:
            return True
        if not data:
            self.out_eof = True
            return False
        self.out += data
        if len(self.out) > self.max_output:
            raise OutputTooLarge()
        return True

    def _read_err(self) -> bool:
        try:
            data = os.read(self._stderr.fileno(), _CHUNK)
        except BlockingIOError:
            return True
        if not data:
            self.err_eof = True
            return False
        self.err += data
        if len(self.err) > STDERR_TAIL:
            del self.err[: len(self.err) - STDERR_TAIL]
        return True

    def _drain(self) -> None:
        """After exit: read what is already in the pipes, without waiting for end of
        file."""
        while not self.out_eof:
            before = len(self.out)
            if not self._read_out() or len(self.out) == before:
                break
        while not self.err_eof:
            before = len(self.err)
            if not self._read_err() or len(self.err) == before:
                break

    def _close_stdin(self) -> None:
        stdin, self.proc.stdin = self.proc.stdin, None
        if stdin is not None:
            try:
                stdin.close()
            except OSError:
                pass

    # -------------------------------------------------------------- the two modes
    def run_once(self, data: bytes, timeout: float) -> tuple[bytes, bytes, int]:
        """Feed ``data``, close stdin, wait for the exit: (stdout, stderr tail, exit
        code); always sweeps."""
        try:
            self._pump(time.monotonic() + timeout, data, close_stdin=True)
            return bytes(self.out), bytes(self.err), self.proc.returncode
        finally:
            self.sweep()

    def ask_line(self, line: bytes, timeout: float) -> bytes:
        """Send one line, return the first line it prints (without the newline).

        :class:`Timeout`, :class:`Exited` (stdout closed or the program ended
        first) or :class:`OutputTooLarge`; the caller then sweeps and restarts.
        """
        self._pump(time.monotonic() + timeout, line, until_line=True)
        i = self.out.find(b"\n")
        if i < 0:
            if len(self.out) > self.max_output:
                raise OutputTooLarge()
            # end of file on stdout: usually the program is ending; say how, if it does
            # so soon
            try:
                self.proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
            raise Exited(self.proc.returncode)
        answer = bytes(self.out[:i])
        del self.out[: i + 1]
        return answer

    def pending_output(self) -> bool:
        """Whether the program printed something nobody asked for (read without
        waiting)."""
        if not self.out_eof:
            try:
                self._read_out()
            except OutputTooLarge:
                return True
        return bool(self.out)

    @property
    def alive(self) -> bool:
        return not self.swept and self.proc.poll() is None

    def close(self, grace: float = 1.0) -> None:
        """End of the run: close stdin (the program's cue to exit), wait ``grace``
        seconds, then sweep."""
        if self.swept:
            return
        self._close_stdin()
        try:
            self._pump(time.monotonic() + grace)
        except (Timeout, OutputTooLarge):
            pass
        finally:
            self.sweep()

    # -------------------------------------------------------------- containment
    def sweep(self) -> None:
        """Kill the program and everything that belongs to it (module doc); reap our
        children among them."""
        if self.swept:
            return
        self.swept = True
        try:
            sweep(self.proc.pid, self.token, self.started)
        finally:
            try:
                self.proc.kill()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            # pragma: no cover - SIGKILL is not ignorable
            except subprocess.TimeoutExpired:
                pass
            for f in (self._stdout, self._stderr):
                try:
                    f.close()
                except OSError:
                    pass
            self._close_stdin()
            if self.pidfd is not None:
                os.close(self.pidfd)
                self.pidfd = None
            _STARTED.discard(self.proc.pid)
            _LIVE.discard(self)


def close_all() -> None:
    """Sweep every program still running (at exit, on an interrupt)."""
    for program in list(_LIVE):
        program.sweep()


RUN_MARKER = "ADASERVE_VERIFY_RUN"


def mark_run() -> tuple[str, str | None]:
    """Mark this run: every process started from now on (workers of a Dask ``local:N``
    cluster, ``--jobs`` workers, solver programs and what they start) inherits
    ``ADASERVE_VERIFY_RUN=<token>``.  Returns ``(token, the value it replaced)`` for
    :func:`end_run`."""
    old = os.environ.get(RUN_MARKER)
    token = f"{os.getpid()}-{os.urandom(8).hex()}"
    os.environ[RUN_MARKER] = token
    return token, old


def end_run(token: str, old: str | None) -> set[int]:
    """At the end of a run (also on Ctrl-C, SIGTERM, a time budget): kill whatever still
    carries the run's marker, e.g. a solver whose worker was killed (SIGKILL, out of
    memory, a Dask worker shut down) and what it forked; then restore the environment.
    """
    try:
        return sweep_marked(RUN_MARKER, lambda value: value == token)
    finally:
        if old is None:
            os.environ.pop(RUN_MARKER, None)
        else:
            os.environ[RUN_MARKER] = old


def sweep_started_by(pid: int) -> set[int]:
    """Kill every program (and what it started) that the process ``pid`` started: called
    when a worker process died, so that its solvers die with it (their markers begin
    with the starter's pid, :class:`Program`)."""
    prefix = f"{pid}-"
    return sweep_marked(MARKER, lambda value: value.startswith(prefix))


def sweep_marked(name: str, match) -> set[int]:
    """Stop, then kill, every process (not this one) whose environment variable ``name``
    satisfies ``match``, with its descendants; reap those that are our children."""
    if not os.path.isdir("/proc"):
        return set()
    me = os.getpid()
    stopped: set[int] = set()
    # until a look finds nothing new (stopped processes cannot fork)
    for _ in range(20):
        procs = _processes()
        found = set()
        for pid in procs:
            if pid != me and pid not in stopped:
                value = _env_value(pid, name)
                if value is not None and match(value):
                    found.add(pid)
        children: dict[int, list[int]] = {}
        for pid, (ppid, *_rest) in procs.items():
            children.setdefault(ppid, []).append(pid)
        stack = list(found)
        while stack:
            for c in children.get(stack.pop(), ()):
                if c not in found and c != me:
                    found.add(c)
                    stack.append(c)
        new = found - stopped
        if not new:
            break
        _signal_all(new, signal.SIGSTOP)
        stopped |= new
    _signal_all(stopped, signal.SIGKILL)
    _reap(stopped)
    return stopped


atexit.register(close_all)


# ------------------------------------------------------------------ /proc


def _boot_ticks_now() -> int:
    """Now, in the clock ticks since boot that /proc/<pid>/stat uses for start times."""
    try:
        with open("/proc/uptime", "rb") as fh:
            return int(float(fh.read().split()[0]) * os.sysconf("SC_CLK_TCK")) - 1
    except (OSError, ValueError, IndexError):
        return 0


def _processes() -> dict[int, tuple[int, int, int, str]]:
    """pid -> (parent pid, session id, start time in ticks, state) of every process
    /proc shows."""
    out: dict[int, tuple[int, int, int, str]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return out
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2 :].split()
        try:
            out[int(name)] = (
                int(rest[1]),
                int(rest[3]),
                int(rest[19]),
                rest[0].decode(),
            )
        except (IndexError, ValueError):
            continue
    return out


def _marker_of(pid: int) -> str | None:
    """The program token in a process's environment (None: none, or not readable)."""
    return _env_value(pid, MARKER)


def _env_value(pid: int, name: str) -> str | None:
    """The value of ``name`` in a process's environment as it was started (None: not
    there)."""
    prefix = f"{name}=".encode()
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            for item in fh.read().split(b"\0"):
                if item.startswith(prefix):
                    return item[len(prefix) :].decode(errors="replace")
    except OSError:
        pass
    return None


def _victims(
    root: int, token: str, started: int, procs: dict, known: set[int]
) -> set[int]:
    me, my_sid = os.getpid(), os.getsid(0)
    found = {root} if root in procs else set()
    for pid, (ppid, sid, start, _) in procs.items():
        if pid == me:
            continue
        if sid == root:  # (a) its session
            found.add(pid)
            continue
        # older than the program: not its descendant (and no environ to read)
        if start < started:
            continue
        marker = _marker_of(pid)
        if marker == token:  # (c) its marker
            found.add(pid)
        # (d) an orphan adopted by us, of no other program
        elif (
            marker is None
            and _SUBREAPER[0]
            and ppid == me
            and sid != my_sid
            and pid not in known
        ):
            found.add(pid)
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in procs.items():
        children.setdefault(ppid, []).append(pid)
    stack = list(found)
    while stack:  # (b) descendants of all of the above
        for c in children.get(stack.pop(), ()):
            if c not in found and c != me:
                found.add(c)
                stack.append(c)
    return found


def sweep(root: int, token: str, started: int = 0) -> set[int]:
    """Stop, then kill, every process belonging to the program ``root`` (module doc);
    return their pids."""
    if not os.path.isdir("/proc"):  # not Linux: the session is all we can name
        _signal_group(root, signal.SIGKILL)
        return set()
    known = set(_STARTED) - {root}
    try:
        import multiprocessing

        known |= {p.pid for p in multiprocessing.active_children() if p.pid is not None}
    except Exception:  # pragma: no cover - best effort
        pass
    stopped: set[int] = set()
    # until a look finds nothing new (stopped processes cannot fork)
    for _ in range(20):
        new = _victims(root, token, started, _processes(), known) - stopped
        if not new:
            break
        _signal_all(new, signal.SIGSTOP)
        stopped |= new
    _signal_group(root, signal.SIGKILL)
    _signal_all(stopped, signal.SIGKILL)
    _reap(stopped - {root})
    return stopped


def _signal_all(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except OSError:
        pass


def _reap(pids: set[int], wait: float = 2.0) -> None:
    """waitpid those of ``pids`` that are our (adopted) children, so no zombie is
    left."""
    end = time.monotonic() + wait
    left = set(pids)
    while left and time.monotonic() < end:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                left.discard(pid)  # not our child: its own parent (or init) reaps it
                continue
            except OSError as exc:  # pragma: no cover
                if exc.errno != errno.EINTR:
                    left.discard(pid)
                continue
            if done:
                left.discard(pid)
        if left:
            time.sleep(0.005)

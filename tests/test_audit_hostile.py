"""``audit`` on hostile traces, paths and workers (issue 22 items 7, 8, 14, 16, 17, 18,
22).

Against what: the summary of a trace whose exact losses would need unbounded numbers
still prints, with totals computed here independently; memory is bounded (lines beyond
the per-line limit are refused with a clear message, malformed lines and request ids are
tallied in bounded space); a trace is read once, so a pipe or FIFO works like a file; an
output that is an input is refused before anything is written; a killed worker's chunk
is judged again; Ctrl-C is one line and leaves no process; record ids are clipped and
escaped in every printed line."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest

from verify.commands import audit as A

ROOT = Path(__file__).resolve().parent.parent
TRACE = ROOT / "examples" / "trace.jsonl"
GOOD = TRACE.read_bytes().splitlines()[0]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run_cli(args, **kw):
    proc = subprocess.run(
        [sys.executable, "-m", "verify", "audit", *args],
        capture_output=True,
        timeout=120,
        env=ENV,
        **kw,
    )
    return (
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def _lost_line(i: int, p: int) -> str:
    inst = {
        "budget": 1,
        "root_charged": False,
        "requests": [
            {"id": "r", "target": "0", "parent": [-1, 0], "prob": ["1", f"1/{p}"]}
        ],
    }
    return json.dumps(
        {
            "id": i,
            "instance": inst,
            "selection": {"status": "OK", "selected": {"r": [0]}},
        }
    )


# ------------------------------------------------------------------ item 7: long exact
# losses


def test_long_exact_losses_are_summarised_with_bounded_numbers(tmp_path):
    rng = random.Random(7)
    ps = [rng.randrange(10**79, 10**80) for _ in range(300)]
    trace = tmp_path / "t.jsonl"
    trace.write_text("".join(_lost_line(i, p) + "\n" for i, p in enumerate(ps)))
    out_json = tmp_path / "out.json"
    code, out, err = run_cli(
        [str(trace), "--jobs", "1", "--json", str(out_json), "--no-progress"]
    )
    assert code == 1 and "Traceback" not in err, err[-2000:]
    assert not (tmp_path / "out.json.part").exists()
    total = sum(
        Fraction(1, p) for p in ps
    )  # exact, here: the reference the summary must agree with
    data = json.loads(out_json.read_text())
    lost = data["value_lost"]
    assert (
        lost["iterations"] == 300 and lost["exact"] is False and lost["total"] is None
    )
    assert abs(Fraction(lost["approx"]["total"]) / total - 1) < Fraction(1, 10**15)
    assert abs(Fraction(lost["approx"]["mean"]) / (total / 300) - 1) < Fraction(
        1, 10**15
    )
    assert f"total ≈{float(total):.4g}, mean ≈{float(total / 300):.4g}" in out
    assert all(
        r["lost"] == f"1/{ps[r['line'] - 1]}" for r in data["details"]
    )  # each loss stays exact


def test_short_losses_stay_exact():
    t = A.Tally(5)
    for i, lost in enumerate(("1/3", "1/6", "1/2")):
        t.add(
            {
                "line": i + 1,
                "offset": 0,
                "verdict": "suboptimal",
                "text": "x",
                "lost": lost,
                "optimum": "1",
                "relative": "> 10%",
            }
        )
    v = t.value_lost()
    assert (v["total"], v["mean"], v["exact"]) == ("1", "1/3", True)


def test_a_crash_after_the_run_leaves_no_part_file(tmp_path, monkeypatch):
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(GOOD + b"\n")
    monkeypatch.setattr(A, "render", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        A.main_audit(
            str(trace),
            A.AuditOptions(trace=str(trace)),
            json_path=str(tmp_path / "o.json"),
            progress=False,
        )
    assert sorted(os.listdir(tmp_path)) == ["t.jsonl"]


# ------------------------------------------------------------------ item 8: an output
# that is an input


@pytest.mark.parametrize("how", ["same", "part", "link"])
def test_an_output_that_is_the_trace_is_refused(tmp_path, how):
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(TRACE.read_bytes())
    out = {"same": trace, "part": tmp_path / "t", "link": tmp_path / "alias.jsonl"}[how]
    if how == "part":
        trace.rename(tmp_path / "t.part")
        trace = tmp_path / "t.part"
    if how == "link":
        os.link(trace, out)
    code, stdout, err = run_cli([str(trace), "--json", str(out)])
    assert code == 2 and stdout == "" and len(err.strip().splitlines()) == 1, err
    assert "is the trace" in err and trace.read_bytes() == TRACE.read_bytes()


# ------------------------------------------------------------------ items 14, 17: read
# once


def _feed_fifo(path, data: bytes):
    with open(path, "wb") as fh:
        fh.write(data)


def test_a_fifo_is_read_once_every_time(tmp_path):
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    for _ in range(4):
        writer = threading.Thread(
            target=_feed_fifo, args=(fifo, TRACE.read_bytes()), daemon=True
        )
        writer.start()
        code, out, err = run_cli([str(fifo), "--jobs", "1", "--no-progress"])
        writer.join(10)
        assert code == 1 and "11 iterations" in out and not writer.is_alive(), err


def test_stdin_pipe_with_report_dir(tmp_path):
    code, out, err = run_cli(
        [
            "/dev/stdin",
            "--jobs",
            "1",
            "--report-dir",
            str(tmp_path / "r"),
            "--no-progress",
        ],
        input=TRACE.read_bytes(),
    )
    assert code == 1 and "Traceback" not in err and "reports: " in out, err
    (run,) = (tmp_path / "r").iterdir()
    assert len(list(run.glob("*/report.json"))) >= 6
    reps = [json.loads(p.read_text()) for p in run.glob("*/report.json")]
    assert {r["recorded"]["line"] for r in reps} >= {2, 3, 4, 7, 8, 10, 11}


# ------------------------------------------------------------------ item 16: bounded
# memory


def test_a_line_beyond_the_limit_is_refused_and_the_run_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(A, "MAX_LINE_BYTES", 4096)
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(
        GOOD + b"\n" + b"x" * 100_000 + b"\n" + GOOD + b"\n" + b"y" * 5000
    )
    seen = []
    res = A.run_audit(
        str(trace), A.AuditOptions(trace="t"), details=seen.append, progress=False
    )
    assert [(r["line"], r["verdict"]) for r in seen] == [
        (1, "optimal"),
        (2, "malformed"),
        (3, "optimal"),
        (4, "malformed"),
    ]
    assert (
        seen[1]["text"]
        == "t line 2: longer than the limit of 4096 bytes per line (100000 bytes): not"
        " read"
    )
    assert (
        seen[3]["text"]
        == "t line 4: longer than the limit of 4096 bytes per line (5000 bytes): not"
        " read"
    )
    assert res.exit_code == 1


def test_chunks_never_hold_a_line_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(A, "MAX_LINE_BYTES", 1000)
    trace = tmp_path / "t.jsonl"
    trace.write_bytes((b"z" * 300_000 + b"\n") * 3)
    with open(trace, "rb") as fh:
        chunks = list(A.read_chunks(fh, A.AuditOptions()))
    lines = [x for _, c in chunks for x in c]
    assert [n for n, _, _ in lines] == [1, 2, 3] and all(
        not isinstance(t, bytes) for _, _, t in lines
    )


def test_malformed_lines_and_request_ids_are_tallied_in_bounded_space():
    t = A.Tally(5)
    n = A.MALFORMED_LISTED + 5000
    for i in range(n):
        t.add(
            {
                "line": i,
                "offset": 0,
                "verdict": "malformed",
                "text": f"t line {i}: invalid JSON",
            }
        )
    for i in range(A.REQUEST_IDS_TALLIED + 5000):
        t.add(
            {
                "line": i,
                "offset": 0,
                "verdict": "infeasible",
                "text": "x",
                "violations": [["rooted", f"req-{i}", 1]],
            }
        )
    js = t.to_json()
    assert (
        len(js["malformed_lines"]) == A.MALFORMED_LISTED
        and js["malformed_lines_not_listed"] == 5000
    )
    assert t.verdicts["malformed"] == n
    rooted = js["rules"]["rooted"]
    assert len(rooted["requests"]) == A.REQUEST_IDS_TALLIED
    assert (
        rooted["iterations"] == A.REQUEST_IDS_TALLIED + 5000
        and rooted["requests_not_tallied"] == 5000
    )


# ------------------------------------------------------------------ item 22: ids
# clipped and escaped


def test_record_ids_are_clipped_and_escaped(tmp_path):
    spoiled = GOOD.replace(
        b'"r0":[0,1,3],"r1":[1,2]},"objective":"181/50"', b'"r0":[0,1],"r1":[1,2]}'
    )
    obj = json.loads(spoiled)
    forged = "x\n8 findings... FORGED\x1b[2J\r"
    lines = []
    for rid in (forged, "L" * 1_000_000):
        obj["id"] = rid
        lines.append(json.dumps(obj))
    obj["id"] = "ok"
    obj["instance"]["requests"][0]["id"] = "q\x1b[31m\n" + "Q" * 100_000
    lines.append(json.dumps(obj))
    trace = tmp_path / "t.jsonl"
    trace.write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(
        [
            str(trace),
            "--jobs",
            "1",
            "--no-progress",
            "--report-dir",
            str(tmp_path / "r"),
        ]
    )
    assert code == 1, err
    assert "\x1b" not in out + err and "\r" not in out + err
    assert not any(line.startswith("8 findings... FORGED") for line in out.splitlines())
    assert max(len(line) for line in (out + err).splitlines()) <= 2000
    assert "'x\\n8 findings... FORGED\\x1b[2J\\r'" in out
    (run,) = (tmp_path / "r").iterdir()
    index = (run / "index.md").read_text()
    assert "\x1b" not in index and max(len(line) for line in index.splitlines()) <= 2000


# ------------------------------------------------------------------ item 18: workers


def _session_processes(sid: int) -> list[int]:
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                out.append(int(pid))
    return out


def test_a_killed_worker_has_its_chunk_judged_again(tmp_path, monkeypatch):
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(
        b"".join(line + b"\n" for line in TRACE.read_bytes().splitlines() * 6)
    )
    marker = tmp_path / "killed-once"
    real = A.judge
    calls = {"n": 0}

    def killer(
        *a, **k
    ):  # in a forked worker: the first to reach its 20th line dies there
        calls["n"] += 1
        if calls["n"] == 20 and not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*a, **k)

    one = A.run_audit(str(trace), A.AuditOptions(trace="t"), progress=False)
    monkeypatch.setattr(A, "judge", killer)
    seen = []
    two = A.run_audit(
        str(trace),
        A.AuditOptions(trace="t"),
        mapper=A.local_mapper(2),
        details=seen.append,
        progress=False,
    )
    assert marker.exists() and int(marker.read_text()) != os.getpid()
    assert two.tally.to_json() == one.tally.to_json()
    assert [r["line"] for r in seen] == sorted(r["line"] for r in seen) and len(
        seen
    ) == 66


def test_ctrl_c_is_one_line_and_leaves_no_process(tmp_path):
    # The trace is a pipe that stays open, so the run cannot end before the signal
    # (a file of cheap malformed lines was judged to the end first on a loaded
    # machine); workers wait for work.
    proc = subprocess.Popen(
        [sys.executable, "-m", "verify", "audit", "/dev/stdin", "--jobs", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
    )
    assert proc.stdin is not None

    def feed() -> None:
        try:
            proc.stdin.write(b"[1]\n" * 100_000)
        except BrokenPipeError:  # the run ended on the signal: its stdin is closed
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_session_processes(proc.pid)) < 3:
        time.sleep(0.1)  # the command and its two workers
    time.sleep(1.0)
    assert proc.poll() is None, "the run ended before the signal"
    os.killpg(
        proc.pid, signal.SIGINT
    )  # what a terminal's Ctrl-C does: the whole foreground group
    writer.join(timeout=60)
    out, err = proc.communicate(timeout=60)
    err = err.decode()
    assert (
        proc.returncode == 3
        and "Traceback" not in err
        and "KeyboardInterrupt" not in err
    ), err[-3000:]
    assert err.strip().splitlines()[-1] == "interrupted"
    time.sleep(0.5)
    assert _session_processes(proc.pid) == []

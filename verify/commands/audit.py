"""``python -m verify audit TRACE``: judge every recorded iteration of a selector, exactly (docs/audit.md).

Terminology
-----------
trace
    A JSON Lines file, one *iteration* per line:
    ``{"instance": {...}, "selection": {...}}`` (docs/format.md), with an
    optional ``"id"`` (string or integer) and ``"time"`` (number or string)
    that are kept in the output.  Blank lines are skipped; any other field is
    an error, as everywhere in docs/format.md.
verdict
    What ``python -m verify check`` says about the line's selection
    (:mod:`verify.checks.judge`; its ``kind`` names the verdict), without Z3
    unless ``--z3``.
malformed line
    A line that is not such an object, or whose instance or selection is
    invalid.  It is reported on stderr with its line number, counted as
    ``malformed`` and the run goes on.
finding
    Any verdict but ``optimal``, ``invalid-confirmed`` and ``inconclusive``,
    and every malformed line.
value lost
    optimum minus the exact value of the answer, for every iteration whose
    answer is a feasible selection of a feasible instance (verdicts
    ``optimal``, ``suboptimal``, ``wrong-objective``); *relative* to the optimum
    in the distribution.  Infeasible answers and wrong INVALIDs are counted by
    rule and verdict instead: their value means nothing.

Exit codes: 0 every iteration optimal or a confirmed INVALID; 1 a finding
(including malformed lines); 3 nothing found but some verdict inconclusive
(``--z3`` only); 2 unreadable trace, no iteration in it, unwritable output, or
a usage error.

Parallelism: the trace is read in chunks of lines; :func:`judge_chunk` (a
plain module-level function of picklable arguments) judges one chunk, and
:func:`run_audit` maps it over the chunks with any ``mapper(fn, tasks)`` that
yields results in order: :func:`local_mapper` (``--jobs``: the built-in map or
a process pool with a bounded number of chunks in flight), or another
executor's.
"""

from __future__ import annotations

import heapq
import json
import os
import sys
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Callable, Iterable, Iterator, Optional

from solver.errors import AdaserveError, InputError
from solver.exit_codes import ExitCode
from solver.numbers import fraction_str, loads_exact
from solver.parse import parse_instance
from solver.selection import parse_selection

from verify.checks.judge import (DECLINED, INCONCLUSIVE, INFEASIBLE, INVALID_CONFIRMED, KINDS, OPTIMAL,
                                 ORACLE_FAULT, SUBOPTIMAL, WRONG_INVALID, WRONG_OBJECTIVE, judge)

SCHEMA = "adaserve-verify/audit/1"
MALFORMED = "malformed"
VERDICTS = KINDS + (MALFORMED,)
FINDINGS = (SUBOPTIMAL, INFEASIBLE, WRONG_INVALID, WRONG_OBJECTIVE, DECLINED, ORACLE_FAULT, MALFORMED)
PASSING = (OPTIMAL, INVALID_CONFIRMED)
LOST_KINDS = (OPTIMAL, SUBOPTIMAL, WRONG_OBJECTIVE)  # a feasible answer to a feasible instance
TRACE_FIELDS = ("instance", "selection", "id", "time")
BUCKETS = ("0", "(0, 0.1%]", "(0.1%, 1%]", "(1%, 10%]", "> 10%")
TEXT_LIMIT = 1000        # characters of a verdict text kept per iteration in --json (reports keep it whole)
SHOWN_MALFORMED = 20     # malformed lines printed on stderr (all are in --json)
LINES_PER_CHUNK, BYTES_PER_CHUNK = 16, 1 << 22
PROGRESS_SECONDS = 2.0


@dataclass(frozen=True)
class AuditOptions:
    """How every line is judged (picklable: sent to the workers with each chunk)."""
    trace: str = "trace"             # the trace's name in messages
    z3: bool = False
    z3_timeout: float = 60.0
    allow_nonmonotone: bool = False


# ------------------------------------------------------------------ one line

def _bucket(relative: Fraction) -> str:
    if relative == 0:
        return BUCKETS[0]
    for limit, name in ((Fraction(1, 1000), BUCKETS[1]), (Fraction(1, 100), BUCKETS[2]),
                        (Fraction(1, 10), BUCKETS[3])):
        if relative <= limit:
            return name
    return BUCKETS[4]


def _plain(value: Any) -> Any:
    """A value read by :func:`solver.numbers.loads_exact` as plain JSON (numbers as doubles)."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def read_record(text: bytes | str, line: int, options: AuditOptions) -> dict:
    """The JSON object of one trace line, its fields checked; :class:`InputError` naming the line if bad."""
    where = f"{options.trace} line {line}"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", source=where) from None
    try:
        obj = loads_exact(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"invalid JSON: {exc}", source=where) from None
    if not isinstance(obj, dict):
        raise InputError("a trace line must be a JSON object with 'instance' and 'selection'", source=where)
    extra = [k for k in obj if k not in TRACE_FIELDS]
    if extra:
        raise InputError(f"unknown field {extra[0]!r} (allowed: {', '.join(TRACE_FIELDS)})", source=where)
    for key in ("instance", "selection"):
        if key not in obj:
            raise InputError(f"missing field {key!r}", source=where)
    rid, rtime = obj.get("id"), obj.get("time")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
        raise InputError("id: must be a string or an integer", source=where)
    if rtime is not None and (isinstance(rtime, bool) or not isinstance(rtime, (str, int, Fraction))):
        raise InputError("time: must be a number or a string", source=where)
    return obj


def build(obj: dict, line: int, options: AuditOptions):
    """``(instance, selection)`` of a checked record; :class:`InputError` naming line, request and node."""
    where = f"{options.trace} line {line}"
    instance = parse_instance(obj["instance"], source=f"{where}: instance",
                              allow_nonmonotone=options.allow_nonmonotone)
    selection = parse_selection(obj["selection"], source=f"{where}: selection")
    return instance, selection


def parse_line(text: bytes | str, line: int, options: AuditOptions):
    """``(instance, selection, id, time)`` of one trace line (id and time as plain JSON values)."""
    obj = read_record(text, line, options)
    instance, selection = build(obj, line, options)
    return instance, selection, _plain(obj.get("id")), _plain(obj.get("time"))


def judge_line(line: int, offset: int, text: bytes | str, options: AuditOptions) -> dict:
    """The record of one line: its verdict with the numbers, or why it is malformed."""
    rec: dict[str, Any] = {"line": line, "offset": offset}
    started = time.perf_counter()
    try:
        obj = read_record(text, line, options)
        for key in ("id", "time"):  # kept even if the instance or the selection is malformed
            if obj.get(key) is not None:
                rec[key] = _plain(obj[key])
        instance, selection = build(obj, line, options)
    except InputError as exc:
        rec.update(verdict=MALFORMED, text=exc.one_line()[:TEXT_LIMIT])
        return rec
    except Exception as exc:  # a bug of ours on this line: a finding, and the run goes on
        rec.update(verdict=ORACLE_FAULT, text=_fault(exc))
        return rec
    try:
        v = judge(instance, selection, use_z3=options.z3, z3_timeout=options.z3_timeout)
    except Exception as exc:  # Z3Fault or any bug of ours: a finding, never a pass, and the run goes on
        rec.update(verdict=ORACLE_FAULT, text=_fault(exc))
        return rec
    rec.update(verdict=v.kind, text=v.text[:TEXT_LIMIT], method=v.method)
    if v.objective is not None:
        rec["objective"] = fraction_str(v.objective)
    if v.optimum is not None:
        rec["optimum"] = fraction_str(v.optimum)
    if v.kind in LOST_KINDS:
        lost = v.optimum - v.objective
        rec["lost"] = fraction_str(lost)
        rec["relative"] = _bucket(lost / v.optimum if v.optimum else Fraction(0))
    if v.violations:
        rec["violations"] = [[x.rule, x.request, x.node] for x in v.violations]
    rec["requests"] = len(instance.requests)
    rec["seconds"] = round(time.perf_counter() - started, 6)
    return rec


def _fault(exc: Exception) -> str:
    what = str(exc) if isinstance(exc, AdaserveError) else f"{type(exc).__name__}: {exc}"
    return f"oracle fault: internal fault: {what} (a bug of adaserve-verify; please report it with the line)"[:TEXT_LIMIT]


def judge_chunk(task: tuple[AuditOptions, list]) -> list[dict]:
    """Judge one chunk of ``(line, offset, text)``: the unit of work an executor runs."""
    options, lines = task
    return [judge_line(n, off, text, options) for n, off, text in lines]


# ------------------------------------------------------------------ reading and mapping

def read_chunks(path: str, options: AuditOptions) -> Iterator[tuple[AuditOptions, list]]:
    """Tasks for :func:`judge_chunk`: non-blank lines with their numbers and byte offsets."""
    with open(path, "rb") as fh:
        chunk, size, offset = [], 0, 0
        for n, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            chunk.append((n, start, raw))
            size += len(raw)
            if len(chunk) >= LINES_PER_CHUNK or size >= BYTES_PER_CHUNK:
                yield options, chunk
                chunk, size = [], 0
        if chunk:
            yield options, chunk


Mapper = Callable[[Callable, Iterable], Iterable]


def local_mapper(jobs: int) -> Mapper:
    """``map`` for one job; else a process pool keeping at most ``2 * jobs`` chunks in flight, in order."""
    if jobs <= 1:
        return map

    def run(fn: Callable, tasks: Iterable) -> Iterator:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            window: deque = deque()
            for task in tasks:
                window.append(pool.submit(fn, task))
                if len(window) >= 2 * jobs:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
    return run


# ------------------------------------------------------------------ the tally

class Tally:
    """Everything the summary and --json need, gathered line by line in memory independent of the trace."""

    def __init__(self, worst: int):
        self.keep = worst
        self.verdicts: Counter = Counter({k: 0 for k in VERDICTS})
        self.rules: dict[str, dict] = {}
        self.lost_total = Fraction(0)
        self.lost_count = 0
        self.lost_worst: Optional[dict] = None
        self.buckets: Counter = Counter({b: 0 for b in BUCKETS})
        self.worst: dict[str, list] = {k: [] for k in FINDINGS + (INCONCLUSIVE,)}
        self.malformed: list[dict] = []
        self.seconds_judging = 0.0

    def add(self, rec: dict) -> None:
        kind = rec["verdict"]
        self.verdicts[kind] += 1
        self.seconds_judging += rec.get("seconds", 0.0)
        if kind == MALFORMED:
            self.malformed.append({"line": rec["line"], "error": rec["text"]})
        for rule in sorted({v[0] for v in rec.get("violations", [])}):
            entry = self.rules.setdefault(rule, {"iterations": 0, "requests": Counter()})
            entry["iterations"] += 1
            for rid in {v[1] for v in rec["violations"] if v[0] == rule and v[1] is not None}:
                entry["requests"][rid] += 1
        if "lost" in rec:
            lost = Fraction(rec["lost"])
            self.lost_total += lost
            self.lost_count += 1
            self.buckets[rec["relative"]] += 1
            if self.lost_worst is None or lost > Fraction(self.lost_worst["lost"]):
                self.lost_worst = rec
        if kind in self.worst:
            heap = self.worst[kind]
            # worst first: the most value lost (suboptimal, wrong objective), else the earliest lines
            key = (Fraction(rec["lost"]) if "lost" in rec else Fraction(0), -rec["line"])
            item = (key, rec["line"], rec)
            if len(heap) < self.keep:
                heapq.heappush(heap, item)
            elif self.keep and item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)

    def worst_of(self, kind: str) -> list[dict]:
        return [rec for _, _, rec in sorted(self.worst[kind], key=lambda t: t[:2], reverse=True)]

    @property
    def iterations(self) -> int:
        return sum(self.verdicts.values())

    def exit_code(self) -> int:
        if any(self.verdicts[k] for k in FINDINGS):
            return ExitCode.FOUND
        return ExitCode.INCONCLUSIVE if self.verdicts[INCONCLUSIVE] else ExitCode.OK

    def value_lost(self) -> dict:
        out: dict[str, Any] = {"iterations": self.lost_count, "total": fraction_str(self.lost_total),
                               "mean": fraction_str(self.lost_total / self.lost_count) if self.lost_count else None,
                               "worst": None, "distribution": dict(self.buckets)}
        if self.lost_worst is not None:
            w = self.lost_worst
            out["worst"] = {"lost": w["lost"], "line": w["line"], "id": w.get("id"), "optimum": w["optimum"]}
        return out

    def to_json(self) -> dict:
        return {
            "iterations": self.iterations,
            "verdicts": dict(self.verdicts),
            "findings": sum(self.verdicts[k] for k in FINDINGS),
            "rules": {r: {"iterations": e["iterations"], "requests": dict(e["requests"].most_common())}
                      for r, e in sorted(self.rules.items())},
            "value_lost": self.value_lost(),
            "worst": {k: [_public(r) for r in self.worst_of(k)] for k in self.worst if self.worst[k]},
            "malformed_lines": self.malformed,
        }


def _public(rec: dict) -> dict:
    """A record as --json shows it (no byte offset, no timing)."""
    return {k: v for k, v in rec.items() if k not in ("offset", "seconds")}


# ------------------------------------------------------------------ rendering

def approx(x: Fraction) -> str:
    """A short exact fraction as is, a long one as a decimal with 4 significant digits (never 0 for x != 0).

    >>> approx(Fraction(3, 50)), approx(Fraction(1, 3 * 10 ** 20)), approx(Fraction(0))
    ('3/50', '≈3.333e-21', '0')
    """
    s = fraction_str(x)
    return s if len(s) <= 12 else f"≈{float(x):.4g}"


def _rate(n: int, seconds: float) -> str:
    r = n / seconds if seconds > 0 else 0.0
    return f"{r:.0f}" if r >= 10 else f"{r:.2g}"


def _pct(x: Fraction) -> str:
    return f"{float(100 * x):.3g}%"


def render(tally: Tally, trace: str, options: AuditOptions, seconds: float, jobs: int) -> str:
    n = tally.iterations
    lines = [f"audit of {trace}: {n} iteration{'s' if n != 1 else ''} "
             f"(exact judge{', confirmed by Z3' if options.z3 else ', no Z3'})", "", "verdicts:"]
    for k in VERDICTS:
        lines.append(f"  {k:18s} {tally.verdicts[k]:>7d}")
    lines += ["", "rule breaks (iterations breaking the rule; the requests most often involved):"]
    if not tally.rules:
        lines.append("  none")
    for rule, e in sorted(tally.rules.items()):
        top = e["requests"].most_common(5)
        who = ", ".join(f"{rid!r} x{c}" for rid, c in top)
        more = f", {len(e['requests']) - len(top)} more" if len(e["requests"]) > len(top) else ""
        lines.append(f"  {rule:10s} {e['iterations']:>7d}" + (f"   requests: {who}{more}" if who else ""))
    lost = tally.value_lost()
    lines += ["", f"value lost (optimum - answer, exact, over the {lost['iterations']} feasible answers to "
                  f"feasible instances):"]
    if lost["iterations"]:
        lines.append(f"  total {approx(tally.lost_total)}, mean {approx(Fraction(lost['mean']))}"
                     + (f", worst {approx(Fraction(lost['worst']['lost']))} at line {lost['worst']['line']}"
                        if tally.lost_total else ", worst 0"))
        dist = ", ".join(f"{b}: {c}" for b, c in tally.buckets.items())
        lines.append(f"  relative to the optimum: {dist}")
    else:
        lines.append("  none judged")
    shown = [(k, r) for k in FINDINGS + (INCONCLUSIVE,) for r in tally.worst_of(k)]
    lines += ["", "worst iterations (per verdict: most value lost first, else earliest):"]
    if not shown:
        lines.append("  none")
    for kind, r in shown:
        ident = f" id {r['id']}" if "id" in r else ""
        extra = ""
        if "lost" in r and r["verdict"] != OPTIMAL:
            rel = Fraction(r["lost"]) / Fraction(r["optimum"]) if Fraction(r["optimum"]) else Fraction(0)
            extra = f"  (lost {approx(Fraction(r['lost']))}, {_pct(rel)})"
        text = r["text"]
        if kind == MALFORMED:
            text = "malformed: " + text.removeprefix(f"{options.trace} line {r['line']}: ")
        text = text if len(text) <= 160 else text[:157] + "..."
        lines.append(f"  line {r['line']}{ident}: {text}{extra}")
    found = sum(tally.verdicts[k] for k in FINDINGS)
    lines += ["", f"{found} finding{'s' if found != 1 else ''} in {n} iteration{'s' if n != 1 else ''}; "
                  f"judged in {seconds:.2f} s ({_rate(n, seconds)} iterations/s, "
                  f"{jobs} job{'s' if jobs != 1 else ''})"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the run

@dataclass
class AuditResult:
    tally: Tally
    seconds: float
    exit_code: int


def run_audit(path: str, options: AuditOptions, *, mapper: Mapper = map, worst: int = 5,
              details: Optional[Callable[[dict], None]] = None, progress: bool = True,
              err=None) -> AuditResult:
    """Judge every line of ``path``; ``details(record)`` is called for each line, in order."""
    err = err or sys.stderr
    tally = Tally(worst)
    total = max(os.path.getsize(path), 1)
    started = last = time.perf_counter()
    done_bytes = 0
    for records in mapper(judge_chunk, read_chunks(path, options)):
        for rec in records:
            tally.add(rec)
            if rec["verdict"] == MALFORMED:
                count = tally.verdicts[MALFORMED]
                if count <= SHOWN_MALFORMED:
                    print(f"malformed: {rec['text']}", file=err)
                elif count == SHOWN_MALFORMED + 1:
                    print(f"malformed: more lines; every one is counted (and listed with --json)", file=err)
            if details is not None:
                details(rec)
            done_bytes = rec["offset"]
        now = time.perf_counter()
        if progress and now - last >= PROGRESS_SECONDS:
            last = now
            print(f"audit: {tally.iterations} iterations judged ({100 * done_bytes // total}% of {path}), "
                  f"{_rate(tally.iterations, now - started)}/s", file=err, flush=True)
    seconds = time.perf_counter() - started
    return AuditResult(tally, seconds, tally.exit_code())


def _check_writable(path: str, what: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"{what}: is a directory", source=path)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise InputError(f"{what}: cannot write here (no such directory or no permission)", source=path)


def _reread(path: str, offset: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.readline()


def write_reports(report_dir: str, path: str, options: AuditOptions, tally: Tally, per_kind: int,
                  rerun: str) -> tuple[str, list[dict]]:
    """Reports for the worst iterations of each finding kind; returns the run directory and the index."""
    from verify.report.iteration import iteration_report, write_iteration_report
    from verify.report.write import new_run_dir

    run_dir = new_run_dir(report_dir, f"audit-{os.path.basename(path)}")
    written = []
    n = 0
    for kind in FINDINGS:
        if kind == MALFORMED:
            continue  # nothing to judge: the lines are listed in the summary and --json
        for rec in tally.worst_of(kind)[:per_kind]:
            instance, selection, rid, rtime = parse_line(_reread(path, rec["offset"]), rec["line"], options)
            started = time.perf_counter()
            verdict = judge(instance, selection, use_z3=options.z3, z3_timeout=options.z3_timeout)
            seconds = time.perf_counter() - started
            n += 1
            report = iteration_report(trace=path, line=rec["line"], instance_json=instance.to_json(),
                                      selection_json=selection.to_json(), verdict=verdict, record_id=rid,
                                      record_time=rtime, seconds=seconds, options=asdict(options), rerun=rerun)
            if "kind" not in report["broken"]:  # declined: an UNSUPPORTED answer
                report["broken"]["kind"] = "claim"
            d = write_iteration_report(os.path.join(run_dir, f"{n:02d}-{kind}-line-{rec['line']}"), report)
            written.append({"kind": kind, "line": rec["line"], "id": rid, "dir": os.path.basename(d),
                            "verdict": verdict.text})
    rows = ["| # | verdict | line | id | report |", "|---|---|---|---|---|"]
    for i, w in enumerate(written, start=1):
        rows.append(f"| {i} | {w['kind']} | {w['line']} | {'' if w['id'] is None else w['id']} | "
                    f"[{w['dir']}]({w['dir']}/report.md) |")
    counts = ", ".join(f"{k} {tally.verdicts[k]}" for k in VERDICTS if tally.verdicts[k])
    with open(os.path.join(run_dir, "index.md"), "w", encoding="utf-8") as fh:
        fh.write(f"# Audit of `{path}`\n\n{tally.iterations} iterations: {counts}.\n\n"
                 f"Reports for the worst {per_kind} iterations of each kind of finding "
                 f"(most value lost first, else the earliest lines):\n\n" + "\n".join(rows) + "\n")
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as fh:
        json.dump({"schema": SCHEMA, "trace": path, **tally.to_json(), "reports": written}, fh, indent=2)
        fh.write("\n")
    return run_dir, written


def main_audit(path: str, options: AuditOptions, *, jobs: int = 1, json_path: Optional[str] = None,
               report_dir: Optional[str] = None, reports: int = 3, worst: int = 5,
               progress: bool = True, mapper: Optional[Mapper] = None) -> int:
    """The command: summary on stdout, progress and malformed lines on stderr; returns the exit code."""
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=path) from None
    if os.path.isdir(path):
        raise InputError("cannot read file: is a directory", source=path)
    if json_path:
        _check_writable(json_path, "--json")
    if report_dir:
        try:
            os.makedirs(report_dir, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--report-dir: cannot create: {exc.strerror or exc}", source=report_dir) from None
        if not os.access(report_dir, os.W_OK):
            raise InputError("--report-dir: not writable", source=report_dir)

    part = None
    details = None
    if json_path:
        part = open(json_path + ".part", "w", encoding="utf-8")
        first = [True]

        def details(rec):
            part.write(("" if first[0] else ",\n") + json.dumps(_public(rec)))
            first[0] = False
    try:
        result = run_audit(path, options, mapper=mapper or local_mapper(jobs), worst=worst, details=details,
                           progress=progress)
    except BaseException:  # interrupted or failed: leave no half-written file behind
        if part is not None:
            part.close()
            os.remove(json_path + ".part")
        raise
    if part is not None:
        part.close()
    tally = result.tally
    if tally.iterations == 0:
        if part is not None:
            os.remove(json_path + ".part")
        raise InputError("no iterations: the trace has no non-blank line", source=path)

    rerun = "python -m verify audit " + " ".join(a for a in _rerun_args(path, options))
    written: list[dict] = []
    run_dir = None
    if report_dir:
        run_dir, written = write_reports(report_dir, path, options, tally, reports, rerun)
    print(render(tally, path, options, result.seconds, jobs), end="")
    if run_dir:
        print(f"reports: {len(written)} written to {run_dir}/ (index.md)")
    if json_path:
        head = {"schema": SCHEMA, "trace": path, "options": asdict(options), **tally.to_json(),
                "exit": result.exit_code, "seconds": round(result.seconds, 3), "jobs": jobs,
                "reports": {"dir": run_dir, "written": written} if run_dir else None}
        with open(json_path, "w", encoding="utf-8") as out, open(json_path + ".part", encoding="utf-8") as src:
            text = json.dumps(head, indent=1)
            out.write(text[:-2] + ',\n "details": [\n')  # the object without its closing brace
            while True:
                block = src.read(1 << 20)
                if not block:
                    break
                out.write(block)
            out.write("\n ]\n}\n")
        os.remove(json_path + ".part")
    return result.exit_code


def _rerun_args(path: str, options: AuditOptions) -> list[str]:
    import shlex

    args = [shlex.quote(path)]
    if options.z3:
        args += ["--z3", "--z3-timeout", f"{options.z3_timeout:g}"]
    if options.allow_nonmonotone:
        args.append("--allow-nonmonotone")
    return args

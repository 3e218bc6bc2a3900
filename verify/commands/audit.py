"""``python -m verify audit TRACE``: judge every recorded iteration of a selector,
exactly (docs/audit.md).

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
import stat
import sys
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Callable, Iterable, Iterator, Optional

from solver.errors import AdaserveError, InputError
from solver.exit_codes import ExitCode
from solver.files import open_input
from solver.messages import abbreviate, show
from solver.numbers import fraction_str, int_str, loads_exact, to_fraction
from solver.parse import parse_instance
from solver.scaled import exact_values
from solver.selection import parse_selection
from verify.checks.judge import (
    DECLINED,
    INCONCLUSIVE,
    INFEASIBLE,
    KINDS,
    OPTIMAL,
    ORACLE_FAULT,
    SUBOPTIMAL,
    WRONG_INVALID,
    WRONG_OBJECTIVE,
    judge,
)

SCHEMA = "adaserve-verify/audit/1"
MALFORMED = "malformed"
VERDICTS = KINDS + (MALFORMED,)
FINDINGS = (
    SUBOPTIMAL,
    INFEASIBLE,
    WRONG_INVALID,
    WRONG_OBJECTIVE,
    DECLINED,
    ORACLE_FAULT,
    MALFORMED,
)
# a feasible answer to a feasible instance
LOST_KINDS = (
    OPTIMAL,
    SUBOPTIMAL,
    WRONG_OBJECTIVE,
)
TRACE_FIELDS = ("instance", "selection", "id", "time")
BUCKETS = ("0", "(0, 0.1%]", "(0.1%, 1%]", "(1%, 10%]", "> 10%")
# characters of a verdict text kept per iteration in --json (reports keep it whole)
TEXT_LIMIT = 1000
SHOWN_MALFORMED = 20  # malformed lines printed on stderr (all are in --json)
LINES_PER_CHUNK, BYTES_PER_CHUNK = 16, 1 << 22
# one trace line; a longer one is malformed, skipped without being held
MAX_LINE_BYTES = 16 << 20
MALFORMED_LISTED = (
    1000  # malformed lines listed in the summary's malformed_lines (details has all)
)
REQUEST_IDS_TALLIED = (
    10_000  # distinct request ids counted per rule; later ones only counted as a number
)
ID_KEY_CHARS = 1000  # a longer request id is tallied under its clipped text and a hash
EXACT_TOTAL_BITS = (
    8192  # the exact total of value lost, numerator and denominator together
)
APPROX_BITS = 256  # beyond it, the total is kept between two numbers of this many bits
PROGRESS_SECONDS = 2.0


@dataclass(frozen=True)
class AuditOptions:
    """How every line is judged (picklable: sent to the workers with each chunk)."""

    trace: str = "trace"  # the trace's name in messages
    z3: bool = False
    z3_timeout: float = 60.0
    allow_nonmonotone: bool = False
    cross_check: int = 0  # every N-th line judged again on the Fraction path (0: none)


# ------------------------------------------------------------------ one line


def _bucket(relative: Fraction) -> str:
    if relative == 0:
        return BUCKETS[0]
    for limit, name in (
        (Fraction(1, 1000), BUCKETS[1]),
        (Fraction(1, 100), BUCKETS[2]),
        (Fraction(1, 10), BUCKETS[3]),
    ):
        if relative <= limit:
            return name
    return BUCKETS[4]


def _plain(value: Any) -> Any:
    """A value read by :func:`solver.numbers.loads_exact` as plain JSON (numbers as
    doubles)."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def read_record(text: bytes | str, line: int, options: AuditOptions) -> dict:
    """The JSON object of one trace line, its fields checked; :class:`InputError` naming
    the line if bad."""
    where = f"{options.trace} line {line}"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not UTF-8 text (byte {exc.start})", source=where
            ) from None
    try:
        obj = loads_exact(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"invalid JSON: {exc}", source=where) from None
    if not isinstance(obj, dict):
        raise InputError(
            "a trace line must be a JSON object with 'instance' and 'selection'",
            source=where,
        )
    extra = [k for k in obj if k not in TRACE_FIELDS]
    if extra:
        raise InputError(
            f"unknown field {extra[0]!r} (allowed: {', '.join(TRACE_FIELDS)})",
            source=where,
        )
    for key in ("instance", "selection"):
        if key not in obj:
            raise InputError(f"missing field {key!r}", source=where)
    rid, rtime = obj.get("id"), obj.get("time")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
        raise InputError("id: must be a string or an integer", source=where)
    if rtime is not None and (
        isinstance(rtime, bool) or not isinstance(rtime, (str, int, Fraction))
    ):
        raise InputError("time: must be a number or a string", source=where)
    return obj


def build(obj: dict, line: int, options: AuditOptions):
    """``(instance, selection)`` of a checked record; :class:`InputError` naming line,
    request and node."""
    where = f"{options.trace} line {line}"
    instance = parse_instance(
        obj["instance"],
        source=f"{where}: instance",
        allow_nonmonotone=options.allow_nonmonotone,
    )
    selection = parse_selection(obj["selection"], source=f"{where}: selection")
    return instance, selection


def parse_line(text: bytes | str, line: int, options: AuditOptions):
    """``(instance, selection, id, time)`` of one trace line (id and time as plain JSON
    values)."""
    obj = read_record(text, line, options)
    instance, selection = build(obj, line, options)
    return instance, selection, _plain(obj.get("id")), _plain(obj.get("time"))


@dataclass(frozen=True)
class LineTooLong:
    """In place of a line longer than the limit: its size, never its bytes."""

    size: int
    limit: int


def judge_line(
    line: int, offset: int, text: bytes | str | LineTooLong, options: AuditOptions
) -> dict:
    """The record of one line: its verdict with the numbers, or why it is malformed."""
    rec: dict[str, Any] = {"line": line, "offset": offset}
    started = time.perf_counter()
    if isinstance(text, LineTooLong):
        rec.update(
            verdict=MALFORMED,
            text=(
                f"{options.trace} line {line}: longer than the limit of "
                f"{text.limit} bytes per line ({text.size} bytes): not read"
            ),
        )
        return rec
    try:
        obj = read_record(text, line, options)
        # kept even if the instance or the selection is malformed
        for key in (
            "id",
            "time",
        ):
            if obj.get(key) is not None:
                rec[key] = _plain(obj[key])
        instance, selection = build(obj, line, options)
    except InputError as exc:
        rec.update(verdict=MALFORMED, text=exc.one_line()[:TEXT_LIMIT])
        return rec
    except (
        Exception
    ) as exc:  # a bug of ours on this line: a finding, and the run goes on
        rec.update(verdict=ORACLE_FAULT, text=_fault(exc))
        return rec
    try:
        v = judge(instance, selection, use_z3=options.z3, z3_timeout=options.z3_timeout)
        # the numeric core vs Fractions
        if options.cross_check and line % options.cross_check == 0:
            from verify.checks.cross_check import cross_checked

            v = cross_checked(v, instance, selection)
            rec["cross_checked"] = True
    # Z3Fault or any bug of ours: a finding, never a pass, and the run goes on
    except Exception as exc:
        rec.update(verdict=ORACLE_FAULT, text=_fault(exc))
        return rec
    rec.update(
        verdict=v.kind,
        text=v.text[:TEXT_LIMIT],
        method=v.method,
        numbers=exact_values(instance).path,
    )
    if v.objective is not None:
        rec["objective"] = fraction_str(v.objective)
    if v.optimum is not None:
        rec["optimum"] = fraction_str(v.optimum)
    if v.kind in LOST_KINDS:
        assert v.optimum is not None and v.objective is not None, "judge sets both"
        lost = v.optimum - v.objective
        rec["lost"] = fraction_str(lost)
        rec["relative"] = _bucket(lost / v.optimum if v.optimum else Fraction(0))
    if v.violations:
        rec["violations"] = [[x.rule, x.request, x.node] for x in v.violations]
    # why, as test-solver names it
    if v.kind in (
        SUBOPTIMAL,
        INFEASIBLE,
        WRONG_INVALID,
    ):
        from verify.search.cause import explain_verdict

        why = explain_verdict(instance, selection, v.kind, v.optimal_selection)
        if why:
            rec["cause"] = why[0]["text"][:TEXT_LIMIT]
    rec["requests"] = len(instance.requests)
    rec["seconds"] = round(time.perf_counter() - started, 6)
    return rec


def _fault(exc: Exception) -> str:
    what = (
        str(exc) if isinstance(exc, AdaserveError) else f"{type(exc).__name__}: {exc}"
    )
    return (
        f"oracle fault: internal fault: {what} (a bug of adaserve-verify; please report"
        " it with the line)"
    )[:TEXT_LIMIT]


def judge_chunk(task: tuple[AuditOptions, list]) -> list[dict]:
    """Judge one chunk of ``(line, offset, text)``: the unit of work an executor
    runs."""
    options, lines = task
    return [judge_line(n, off, text, options) for n, off, text in lines]


# ------------------------------------------------------------------ reading and mapping


def read_chunks(fh, options: AuditOptions) -> Iterator[tuple[AuditOptions, list]]:
    """Tasks for :func:`judge_chunk`: non-blank lines of the open binary file ``fh``
    (read once, front to back: a pipe or FIFO works) with their numbers and byte
    offsets.  A line longer than :data:`MAX_LINE_BYTES` is passed on as a
    :class:`LineTooLong`, skipped block by block.
    """
    if isinstance(fh, (str, os.PathLike)):
        with open(fh, "rb") as opened:
            yield from read_chunks(opened, options)
        return
    limit = MAX_LINE_BYTES
    chunk, size, offset, n = [], 0, 0, 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            break
        n += 1
        start = offset
        offset += len(raw)
        if len(raw) > limit and not (len(raw) == limit + 1 and raw.endswith(b"\n")):
            total, ended = len(raw), raw.endswith(b"\n")
            while not ended:
                more = fh.readline(1 << 20)
                if not more:
                    break
                total += len(more)
                ended = more.endswith(b"\n")
            offset = start + total
            item: Any = LineTooLong(total - ended, limit)
            raw_size = 0
        elif not raw.strip():
            continue
        else:
            item, raw_size = raw, len(raw)
        chunk.append((n, start, item))
        size += raw_size
        if len(chunk) >= LINES_PER_CHUNK or size >= BYTES_PER_CHUNK:
            yield options, chunk
            chunk, size = [], 0
    if chunk:
        yield options, chunk


Mapper = Callable[[Callable, Iterable], Iterable]


def local_mapper(jobs: int) -> Mapper:
    """``map`` for one job; else :class:`verify.run.pool.ProcessPool` workers, results
    in order.

    Chunks go out in windows of ``4 * jobs`` (memory stays bounded however the trace
    ends).  A worker that dies (killed, out of memory) has its chunk judged again on a
    fresh worker, as every pool task is; a chunk that kills ``ALLOWED_FAILURES + 1``
    workers is judged again line by line, and a line that still kills its workers is an
    ``oracle-fault`` finding, never dropped.  Workers ignore Ctrl-C: the caller stops
    them (one line, no tracebacks).
    """
    if jobs <= 1:
        return map

    def run(fn: Callable, tasks: Iterable) -> Iterator:
        from verify.run.pool import ProcessPool

        with ProcessPool(
            jobs, preload=None
        ) as pool:  # judging needs no settled imports (verify/run/imports.py)
            window: list = []
            for task in tasks:
                window.append(task)
                if len(window) >= 4 * jobs:
                    yield from _in_order(pool, fn, window)
                    window = []
            yield from _in_order(pool, fn, window)

    return run


def _in_order(pool, fn: Callable, window: list) -> Iterator:
    from verify.run.seam import TaskFailed

    done: dict[int, Any] = dict(pool.imap(fn, window))
    for i, task in enumerate(window):
        out = done.get(i)
        # a report: nothing to split
        if isinstance(out, TaskFailed) and fn is not judge_chunk:
            from solver.errors import ExecutorLost

            raise ExecutorLost(f"writing an audit report: {out.reason}")
        if isinstance(out, TaskFailed):
            options, lines = task
            if len(lines) > 1:  # find the line that kills: each on its own
                singles = dict(pool.imap(fn, [(options, [x]) for x in lines]))
                out = []
                for j, x in enumerate(lines):
                    one = singles.get(j)
                    out += (
                        _killed(x, options, one)
                        if isinstance(one, TaskFailed) or one is None
                        else one
                    )
            else:
                out = _killed(lines[0], options, out)
        if out is None:
            # the pool returns every task
            raise RuntimeError("a chunk of the trace got no result")
        yield out


def _killed(item, options: AuditOptions, failed) -> list[dict]:
    n, offset, _ = item
    why = failed.reason if failed is not None else "its worker was lost"
    return [
        {
            "line": n,
            "offset": offset,
            "verdict": ORACLE_FAULT,
            "text": (
                f"oracle fault: judging this line {why} (out of memory? a bug of"
                " adaserve-verify; please report it with the line)"
            )[:TEXT_LIMIT],
        }
    ]


# ------------------------------------------------------------------ the tally


def exact(text: str) -> Fraction:
    """A record's exact number (``"p/q"`` of any length: Python's 4,300-digit limit does
    not apply)."""
    return to_fraction(text, max_digits=len(text))


def _round(x: Fraction, up: bool) -> Fraction:
    """``x`` rounded down (or up) to :data:`APPROX_BITS` significant bits: a number of
    bounded size."""
    if x == 0:
        return x
    k = APPROX_BITS - (x.numerator.bit_length() - x.denominator.bit_length())
    num, den = (
        (x.numerator << k, x.denominator)
        if k >= 0
        else (x.numerator, x.denominator << -k)
    )
    q = -((-num) // den) if up else num // den
    return Fraction(q, 1 << k) if k >= 0 else Fraction(q << -k)


def decimal_text(x: Fraction, digits: int) -> str:
    """``x`` in decimal to ``digits`` significant digits (any magnitude; a float would
    underflow).

    >>> decimal_text(Fraction(1, 3 * 10 ** 400), 4), decimal_text(Fraction(2, 3), 20)
    ('3.333e-401', '0.66666666666666666667')
    """
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec, ctx.Emin, ctx.Emax = digits + 15, decimal.MIN_EMIN, decimal.MAX_EMAX
        # x = (num * 2**k / den) / 2**k, the quotient exact enough
        k = x.denominator.bit_length()
        q = (x.numerator << (k + 4 * digits + 8)) // x.denominator
        value = decimal.Decimal(q) / (decimal.Decimal(2) ** (k + 4 * digits + 8))
        return f"{value:.{digits}g}"


class LostTotal:
    """The sum of the exact losses: exact while it fits :data:`EXACT_TOTAL_BITS`, else
    kept between two numbers of :data:`APPROX_BITS` bits (``lo <= sum <= hi``): each
    addition then costs the size of one loss, not of the lcm of every denominator so
    far."""

    def __init__(self):
        self.value = Fraction(0)  # the sum, while exact
        self.bounds: Optional[tuple[Fraction, Fraction]] = None

    def add(self, x: Fraction) -> None:
        if self.bounds is None:
            total = self.value + x
            if (
                total.numerator.bit_length() + total.denominator.bit_length()
                <= EXACT_TOTAL_BITS
            ):
                self.value = total
                return
            self.bounds = (_round(total, False), _round(total, True))
            return
        lo, hi = self.bounds
        self.bounds = (_round(lo + x, False), _round(hi + x, True))

    @property
    def exact(self) -> bool:
        return self.bounds is None

    def approx(self, divide: int = 1) -> Fraction:
        """The sum (over ``divide``), exact when :attr:`exact`, else the middle of the
        bounds."""
        mid = (
            self.value if self.bounds is None else (self.bounds[0] + self.bounds[1]) / 2
        )
        return mid / divide


def _id_key(rid: Any) -> Any:
    """A request id as the rule tally keys it: itself, or when longer than
    :data:`ID_KEY_CHARS` its first characters, its length and a hash (two long ids stay
    apart)."""
    if not isinstance(rid, str) or len(rid) <= ID_KEY_CHARS:
        return rid
    import hashlib

    digest = hashlib.sha256(rid.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{rid[:64]}... ({len(rid)} characters, sha256 {digest})"


class LossSeries:
    """Value lost per iteration in trace order, for the plots: ``[line, time, lost,
    relative]``.

    At most ``cap`` points, whatever the trace's length: when full, neighbouring
    points merge pairwise into the one that lost more (a peak is never dropped),
    and from then on each point stands for ``stride`` iterations (the largest loss
    among them).  ``lost`` and ``relative`` are floats: a plot's coordinates;
    the exact figures are in the tally.

    >>> s = LossSeries(cap=4)
    >>> for i, x in enumerate([0, 3, 1, 0, 2, 5, 0]):
    ...     s.add(i + 1, None, x, 0.0)
    >>> s.stride, [p[:3] for p in s.points()]
    (2, [[2, None, 3], [3, None, 1], [6, None, 5], [7, None, 0]])
    """

    def __init__(self, cap: int = 4096):
        self.cap = cap - cap % 2
        self.stride = 1
        self.done: list[list] = []
        self.group: Optional[list] = None
        self.in_group = 0

    def add(self, line: int, when: Any, lost: float, relative: float) -> None:
        point = [line, when, lost, relative]
        if self.group is None or lost > self.group[2]:
            self.group = point
        self.in_group += 1
        if self.in_group == self.stride:
            self.done.append(self.group)
            self.group, self.in_group = None, 0
            if len(self.done) >= self.cap:
                self.done = [
                    a if a[2] >= b[2] else b
                    for a, b in zip(self.done[::2], self.done[1::2])
                ]
                self.stride *= 2

    def points(self) -> list[list]:
        return self.done + ([self.group] if self.group is not None else [])


class Tally:
    """Everything the summary and --json need, gathered line by line in memory
    independent of the trace: counts, at most :data:`MALFORMED_LISTED` malformed lines,
    at most :data:`REQUEST_IDS_TALLIED` request ids per rule, ``worst`` records per
    kind, a bounded total."""

    def __init__(self, worst: int):
        self.series = LossSeries()
        self.keep = worst
        self.verdicts: Counter = Counter({k: 0 for k in VERDICTS})
        self.rules: dict[str, dict] = {}
        self.lost = LostTotal()
        self.lost_count = 0
        self.lost_worst: Optional[dict] = None
        self.lost_worst_value = Fraction(0)
        self.buckets: Counter = Counter({b: 0 for b in BUCKETS})
        self.worst: dict[str, list] = {k: [] for k in FINDINGS + (INCONCLUSIVE,)}
        self.malformed: list[dict] = []
        self.malformed_not_listed = 0

    def add(self, rec: dict) -> None:
        kind = rec["verdict"]
        self.verdicts[kind] += 1
        if kind == MALFORMED:
            if len(self.malformed) < MALFORMED_LISTED:
                self.malformed.append({"line": rec["line"], "error": rec["text"]})
            else:
                self.malformed_not_listed += 1
        for rule in sorted({v[0] for v in rec.get("violations", [])}):
            entry = self.rules.setdefault(
                rule, {"iterations": 0, "requests": Counter(), "not_tallied": 0}
            )
            entry["iterations"] += 1
            for rid in {
                _id_key(v[1])
                for v in rec["violations"]
                if v[0] == rule and v[1] is not None
            }:
                if (
                    rid in entry["requests"]
                    or len(entry["requests"]) < REQUEST_IDS_TALLIED
                ):
                    entry["requests"][rid] += 1
                else:
                    entry["not_tallied"] += 1
        lost = exact(rec["lost"]) if "lost" in rec else Fraction(0)
        if "lost" in rec:
            self.lost.add(lost)
            self.lost_count += 1
            self.buckets[rec["relative"]] += 1
            optimum = exact(rec["optimum"])
            self.series.add(
                rec["line"],
                rec.get("time"),
                float(lost),
                float(lost / optimum) if optimum else 0.0,
            )
            if self.lost_worst is None or lost > self.lost_worst_value:
                self.lost_worst, self.lost_worst_value = rec, lost
        if kind in self.worst:
            heap = self.worst[kind]
            # worst first: the most value lost (suboptimal, wrong objective), else the
            # earliest lines
            key = (lost, -rec["line"])
            item = (key, rec["line"], rec)
            if len(heap) < self.keep:
                heapq.heappush(heap, item)
            elif self.keep and item[:2] > heap[0][:2]:
                heapq.heapreplace(heap, item)

    def worst_of(self, kind: str) -> list[dict]:
        return [
            rec
            for _, _, rec in sorted(self.worst[kind], key=lambda t: t[:2], reverse=True)
        ]

    @property
    def iterations(self) -> int:
        return sum(self.verdicts.values())

    def exit_code(self) -> int:
        if any(self.verdicts[k] for k in FINDINGS):
            return ExitCode.FOUND
        return ExitCode.INCONCLUSIVE if self.verdicts[INCONCLUSIVE] else ExitCode.OK

    def value_lost(self) -> dict:
        n, total = self.lost_count, self.lost
        out: dict[str, Any] = {
            "iterations": n,
            "exact": total.exact,
            "total": fraction_str(total.value) if total.exact else None,
            "mean": fraction_str(total.value / n) if total.exact and n else None,
            "worst": None,
            "distribution": dict(self.buckets),
        }
        # the exact sum would need unbounded numbers: 20 significant digits
        if not total.exact:
            out["approx"] = {
                "total": decimal_text(total.approx(), 20),
                "mean": decimal_text(total.approx(n), 20),
            }
        if self.lost_worst is not None:
            w = self.lost_worst
            out["worst"] = {
                "lost": w["lost"],
                "line": w["line"],
                "id": w.get("id"),
                "optimum": w["optimum"],
            }
        return out

    def to_json(self) -> dict:
        out = {
            "iterations": self.iterations,
            "verdicts": dict(self.verdicts),
            "findings": sum(self.verdicts[k] for k in FINDINGS),
            "rules": {
                r: {
                    "iterations": e["iterations"],
                    "requests": dict(e["requests"].most_common()),
                    **(
                        {"requests_not_tallied": e["not_tallied"]}
                        if e["not_tallied"]
                        else {}
                    ),
                }
                for r, e in sorted(self.rules.items())
            },
            "value_lost": self.value_lost(),
            "worst": {
                k: [_public(r) for r in self.worst_of(k)]
                for k in self.worst
                if self.worst[k]
            },
            "malformed_lines": self.malformed,
        }
        if self.malformed_not_listed:
            out["malformed_lines_not_listed"] = self.malformed_not_listed
        return out


def _public(rec: dict) -> dict:
    """A record as --json shows it (no byte offset, no timing)."""
    return {k: v for k, v in rec.items() if k not in ("offset", "seconds", "raw")}


# ------------------------------------------------------------------ rendering


def approx(x: Fraction) -> str:
    """A short exact fraction as is, a long one as a decimal with 4 significant digits
    (never 0 for x != 0).

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


def shown_id(rid: Any) -> str:
    """A record id in a printed line: as is when short and printable, else quoted,
    escaped and clipped (an id may not forge a line of the summary nor fill the
    terminal).

    >>> shown_id("it-11"), shown_id("x\\n2 findings"), shown_id(7)
    ('it-11', "'x\\\\n2 findings'", '7')
    """
    if isinstance(rid, int) and not isinstance(rid, bool):
        return abbreviate(int_str(rid))
    text = str(rid)
    return text if text.isprintable() and len(text) <= 40 else show(text)


def _shown_request(rid: Any) -> str:
    return show(rid) if isinstance(rid, str) else shown_id(rid)


def render(
    tally: Tally, trace: str, options: AuditOptions, seconds: float, jobs: int
) -> str:
    n = tally.iterations
    lines = [
        (
            f"audit of {trace}: {n} iteration{'s' if n != 1 else ''} "
            f"(exact judge{', confirmed by Z3' if options.z3 else ', no Z3'})"
        ),
        "",
        "verdicts:",
    ]
    for k in VERDICTS:
        lines.append(f"  {k:18s} {tally.verdicts[k]:>7d}")
    lines += [
        "",
        "rule breaks (iterations breaking the rule; the requests most often involved):",
    ]
    if not tally.rules:
        lines.append("  none")
    for rule, e in sorted(tally.rules.items()):
        top = e["requests"].most_common(5)
        who = ", ".join(f"{_shown_request(rid)} x{c}" for rid, c in top)
        more = (
            f", {len(e['requests']) - len(top)} more"
            if len(e["requests"]) > len(top)
            else ""
        )
        if e["not_tallied"]:
            more += (
                f" (and {e['not_tallied']} beyond the first {REQUEST_IDS_TALLIED}"
                " distinct ids)"
            )
        lines.append(
            f"  {rule:10s} {e['iterations']:>7d}"
            + (f"   requests: {who}{more}" if who else "")
        )
    lost = tally.value_lost()
    lines += [
        "",
        (
            f"value lost (optimum - answer, exact, over the {lost['iterations']}"
            " feasible answers to feasible instances):"
        ),
    ]
    if lost["iterations"]:
        total = tally.lost
        if total.exact:
            sums = (
                f"total {approx(total.value)}, mean"
                f" {approx(total.value / lost['iterations'])}"
            )
        # bounded numbers: the exact sum is in no output (each loss is: --json details)
        else:
            sums = (
                f"total ≈{decimal_text(total.approx(), 4)}, "
                f"mean ≈{decimal_text(total.approx(lost['iterations']), 4)}"
            )
        lines.append(
            f"  {sums}"
            + (
                f", worst {approx(tally.lost_worst_value)} at line"
                f" {lost['worst']['line']}"
                if tally.lost_worst_value
                else ", worst 0"
            )
        )
        dist = ", ".join(f"{b}: {c}" for b, c in tally.buckets.items())
        lines.append(f"  relative to the optimum: {dist}")
    else:
        lines.append("  none judged")
    shown = [(k, r) for k in FINDINGS + (INCONCLUSIVE,) for r in tally.worst_of(k)]
    lines += [
        "",
        "worst iterations (per verdict: most value lost first, else earliest):",
    ]
    if not shown:
        lines.append("  none")
    for kind, r in shown:
        ident = f" id {shown_id(r['id'])}" if "id" in r else ""
        extra = ""
        if "lost" in r and r["verdict"] != OPTIMAL:
            lost_r, optimum = exact(r["lost"]), exact(r["optimum"])
            rel = lost_r / optimum if optimum else Fraction(0)
            extra = f"  (lost {approx(lost_r)}, {_pct(rel)})"
        text = r["text"]
        if kind == MALFORMED:
            text = "malformed: " + text.removeprefix(
                f"{options.trace} line {r['line']}: "
            )
        text = text if len(text) <= 160 else text[:157] + "..."
        lines.append(f"  line {r['line']}{ident}: {text}{extra}")
        if r.get("cause"):
            cause = r["cause"] if len(r["cause"]) <= 160 else r["cause"][:157] + "..."
            lines.append(f"    cause: {cause}")
    found = sum(tally.verdicts[k] for k in FINDINGS)
    lines += [
        "",
        (
            f"{found} finding{'s' if found != 1 else ''} in {n}"
            f" iteration{'s' if n != 1 else ''}; judged in {seconds:.2f} s"
            f" ({_rate(n, seconds)} iterations/s, {jobs} job{'s' if jobs != 1 else ''})"
        ),
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the run


@dataclass
class AuditResult:
    tally: Tally
    seconds: float
    exit_code: int


def run_audit(
    path: str,
    options: AuditOptions,
    *,
    mapper: Mapper = map,
    worst: int = 5,
    details: Optional[Callable[[dict], None]] = None,
    progress: bool = True,
    err=None,
    source=None,
    keep_lines: bool = False,
) -> AuditResult:
    """Judge every line of ``path`` (read from ``source``, an open binary file, when
    given: the trace is read once, front to back); ``details(record)`` is called for
    each line, in order. ``keep_lines``: the worst records of each finding keep their
    line's bytes (``raw``), for the reports (a pipe cannot be read twice)."""
    if source is None:
        with open(path, "rb") as fh:
            return run_audit(
                path,
                options,
                mapper=mapper,
                worst=worst,
                details=details,
                progress=progress,
                err=err,
                source=fh,
                keep_lines=keep_lines,
            )
    err = err or sys.stderr
    tally = Tally(worst)
    st = os.fstat(source.fileno()) if hasattr(source, "fileno") else None
    # a pipe has no size
    total = st.st_size if st is not None and stat.S_ISREG(st.st_mode) else None
    started = last = time.perf_counter()
    done_bytes = 0
    # the lines of the chunks in flight, when their bytes are kept
    sent: deque = deque()

    def tasks():
        for task in read_chunks(source, options):
            if keep_lines:
                sent.append({n: raw for n, _, raw in task[1]})
            yield task

    for records in mapper(judge_chunk, tasks()):
        raws = sent.popleft() if keep_lines else {}
        for rec in records:
            if (
                keep_lines
                and rec["verdict"] in FINDINGS
                and isinstance(raws.get(rec["line"]), bytes)
            ):
                # dropped with the record unless it is among the worst
                rec["raw"] = raws[rec["line"]]
            tally.add(rec)
            if rec["verdict"] == MALFORMED:
                count = tally.verdicts[MALFORMED]
                if count <= SHOWN_MALFORMED:
                    print(f"malformed: {rec['text']}", file=err)
                elif count == SHOWN_MALFORMED + 1:
                    print(
                        "malformed: more lines; every one is counted (and listed with"
                        " --json)",
                        file=err,
                    )
            if details is not None:
                details(rec)
            done_bytes = rec["offset"]
        now = time.perf_counter()
        if progress and now - last >= PROGRESS_SECONDS:
            last = now
            share = (
                f"{100 * done_bytes // max(total, 1)}% of {path}"
                if total is not None
                else f"of {path}"
            )
            print(
                f"audit: {tally.iterations} iterations judged ({share}), "
                f"{_rate(tally.iterations, now - started)}/s",
                file=err,
                flush=True,
            )
    seconds = time.perf_counter() - started
    return AuditResult(tally, seconds, tally.exit_code())


def _check_writable(path: str, what: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"{what}: is a directory", source=path)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise InputError(
            f"{what}: cannot write here (no such directory or no permission)",
            source=path,
        )


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_overwriting_the_trace(path: str, json_path: Optional[str]) -> None:
    """An output that is the trace would destroy it: exit 2 before anything is opened
    for writing."""
    if not json_path:
        return
    for written in (json_path, json_path + ".part"):
        if _same_file(written, path):
            which = "" if written == json_path else f" (its partial file {written})"
            raise InputError(
                f"--json {json_path}{which} is the trace itself: an output may not"
                " overwrite its input",
                source=path,
            )


def write_one_report(task: tuple) -> dict:
    """Judge one reported iteration again and write its report (a plain module-level
    function of picklable arguments, so the workers of ``--jobs`` can draw the pictures
    in parallel)."""
    from verify.report.iteration import iteration_report, write_iteration_report

    directory, path, options, rerun, kind, line, raw = task
    instance, selection, rid, rtime = parse_line(raw, line, options)
    started = time.perf_counter()
    verdict = judge(
        instance, selection, use_z3=options.z3, z3_timeout=options.z3_timeout
    )
    seconds = time.perf_counter() - started
    report = iteration_report(
        trace=path,
        line=line,
        instance_json=instance.to_json(),
        selection_json=selection.to_json(),
        verdict=verdict,
        record_id=rid,
        record_time=rtime,
        seconds=seconds,
        options=asdict(options),
        rerun=rerun,
    )
    if "kind" not in report["broken"]:  # declined: an UNSUPPORTED answer
        report["broken"]["kind"] = "claim"
    d = write_iteration_report(directory, report)
    return {
        "kind": kind,
        "line": line,
        "id": rid,
        "dir": os.path.basename(d),
        "verdict": verdict.text,
    }


PLOTS = "plots"  # the task of :func:`write_one_part` that draws the audit's plots


def write_one_part(task: tuple) -> Any:
    """One task of the reports phase: ``(PLOTS, run_dir, data)`` draws the plots
    (verify/report/audit_plots.py) and returns their index; any other task is a
    report's (:func:`write_one_report`)."""
    if task[0] == PLOTS:
        from verify.report import audit_plots

        return audit_plots.draw_audit_plots(task[1], task[2])
    return write_one_report(task)


def write_reports(
    report_dir: str,
    path: str,
    options: AuditOptions,
    tally: Tally,
    per_kind: int,
    rerun: str,
    mapper: Mapper = map,
) -> tuple[str, list[dict]]:
    """Reports for the worst iterations of each finding kind; returns the run directory
    and the index.

    ``mapper`` writes them (:func:`local_mapper`: in parallel on the local workers; the
    results come back in order, so the numbering and the index do not depend on it).
    """
    from verify.report.write import new_run_dir

    run_dir = new_run_dir(report_dir, f"audit-{os.path.basename(path)}")
    tasks: list[tuple] = []
    for kind in FINDINGS:
        if kind == MALFORMED:
            continue  # nothing to judge: the lines are listed in the summary and --json
        for rec in tally.worst_of(kind)[:per_kind]:
            if "raw" not in rec:
                continue  # a line that killed its workers: no answer to show
            name = f"{len(tasks) + 1:02d}-{kind}-line-{rec['line']}"
            tasks.append(
                (
                    os.path.join(run_dir, name),
                    path,
                    options,
                    rerun,
                    kind,
                    rec["line"],
                    rec["raw"],
                )
            )
    tallied = tally.to_json()
    series = {"stride": tally.series.stride, "points": tally.series.points()}
    plots = {"series": series, **{k: tallied.get(k) for k in ("value_lost", "rules")}}
    # the plots first, so that with --jobs they are drawn on a worker while the others
    # draw the reports' pictures (and this process never imports matplotlib for them)
    done = list(mapper(write_one_part, [(PLOTS, run_dir, plots)] + tasks))
    written: list[dict] = done[1:]
    rows = ["| # | verdict | line | id | report |", "|---|---|---|---|---|"]
    for i, w in enumerate(written, start=1):
        rid = "" if w["id"] is None else shown_id(w["id"]).replace("|", "\\|")
        rows.append(
            f"| {i} | {w['kind']} | {w['line']} | {rid} |"
            f" [{w['dir']}]({w['dir']}/report.md) |"
        )
    counts = ", ".join(
        f"{k} {tally.verdicts[k]}" for k in VERDICTS if tally.verdicts[k]
    )
    with open(os.path.join(run_dir, "index.md"), "w", encoding="utf-8") as fh:
        fh.write(
            f"# Audit of `{path}`\n\n{tally.iterations} iterations: {counts}.\n\n"
            f"Reports for the worst {per_kind} iterations of each kind of finding "
            "(most value lost first, else the earliest lines):\n\n"
            + "\n".join(rows)
            + "\n"
        )
    from verify.report.html import run_facts, write_page

    data = {
        **run_facts(),
        "schema": SCHEMA,
        "trace": path,
        "options": asdict(options),
        **tallied,
        "reports": written,
        "series": series,
        "plots": done[0],
    }
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
    write_page(run_dir)
    return run_dir, written


def main_audit(
    path: str,
    options: AuditOptions,
    *,
    jobs: int = 1,
    json_path: Optional[str] = None,
    report_dir: Optional[str] = None,
    reports: int = 3,
    worst: int = 5,
    progress: bool = True,
    mapper: Optional[Mapper] = None,
) -> int:
    """The command: summary on stdout, progress and malformed lines on stderr; returns
    the exit code.

    The trace is opened once and read once, front to back (a FIFO or ``/dev/stdin``
    works)."""
    _refuse_overwriting_the_trace(path, json_path)
    if os.path.isdir(path):
        raise InputError("cannot read file: is a directory", source=path)
    if json_path:
        _check_writable(json_path, "--json")
    if report_dir:
        try:
            os.makedirs(report_dir, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"--report-dir: cannot create: {exc.strerror or exc}", source=report_dir
            ) from None
        if not os.access(report_dir, os.W_OK):
            raise InputError("--report-dir: not writable", source=report_dir)
    source = open_input(path)
    part_path = json_path + ".part" if json_path else None
    part = None
    try:
        with source:
            details = None
            if part_path:
                part = open(part_path, "w", encoding="utf-8")
                first = [True]

                def details(rec):
                    part.write(("" if first[0] else ",\n") + json.dumps(_public(rec)))
                    first[0] = False

            result = run_audit(
                path,
                options,
                mapper=mapper or local_mapper(jobs),
                worst=worst,
                details=details,
                progress=progress,
                source=source,
                keep_lines=bool(report_dir),
            )
        if part is not None:
            part.close()
        return _finish(
            result,
            path,
            options,
            jobs,
            json_path,
            part_path,
            report_dir,
            reports,
            mapper,
        )
    finally:  # interrupted, failed or done: leave no half-written file behind
        if part is not None:
            part.close()
        if part_path and os.path.exists(part_path):
            os.remove(part_path)


def _finish(
    result: AuditResult,
    path: str,
    options: AuditOptions,
    jobs: int,
    json_path: Optional[str],
    part_path: Optional[str],
    report_dir: Optional[str],
    reports: int,
    mapper: Optional[Mapper] = None,
) -> int:
    tally = result.tally
    if tally.iterations == 0:
        raise InputError("no iterations: the trace has no non-blank line", source=path)
    rerun = "python -m verify audit " + " ".join(a for a in _rerun_args(path, options))
    written: list[dict] = []
    run_dir = None
    if report_dir:
        # the pictures in parallel on the local workers; another executor's workers may
        # not share
        # this file system, so with one (``mapper``) they are drawn here
        run_dir, written = write_reports(
            report_dir,
            path,
            options,
            tally,
            reports,
            rerun,
            mapper=local_mapper(jobs) if mapper is None else map,
        )
    print(render(tally, path, options, result.seconds, jobs), end="")
    if run_dir:
        print(f"reports: {len(written)} written to {run_dir}/ (index.md)")
    if json_path:
        assert part_path is not None, "set whenever json_path is"
        head = {
            "schema": SCHEMA,
            "trace": path,
            "options": asdict(options),
            **tally.to_json(),
            "exit": result.exit_code,
            "seconds": round(result.seconds, 3),
            "jobs": jobs,
            "reports": {"dir": run_dir, "written": written} if run_dir else None,
        }
        try:
            with (
                open(json_path, "w", encoding="utf-8") as out,
                open(part_path, encoding="utf-8") as src,
            ):
                text = json.dumps(head, indent=1)
                # the object without its closing brace
                out.write(text[:-2] + ',\n "details": [\n')
                while True:
                    block = src.read(1 << 20)
                    if not block:
                        break
                    out.write(block)
                out.write("\n ]\n}\n")
        except BaseException:
            os.remove(json_path)  # half a file is no output
            raise
    return result.exit_code


def _rerun_args(path: str, options: AuditOptions) -> list[str]:
    import shlex

    args = [shlex.quote(path)]
    if options.z3:
        args += ["--z3", "--z3-timeout", f"{options.z3_timeout:g}"]
    if options.allow_nonmonotone:
        args.append("--allow-nonmonotone")
    if options.cross_check:
        args += ["--cross-check", str(options.cross_check)]
    return args

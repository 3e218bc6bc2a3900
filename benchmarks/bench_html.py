"""Benchmark of the report pages (verify/report/html.py, docs/reports.md "The page").

Measures, in one process:

1. the suite (``--profile quick --jobs 2 --report-dir``: a finding per counterexample on
   the paper variants): the size of its index.html, and the time the page adds to the
   run, twice: its parts timed inside the run (every SVG written, then write_page), and
   the same run (same seed, so the same cases) once without the page (no index.html, no
   SVG beside tree.png) and once with it, alternated ``--repeat`` times (noisy on a
   loaded machine);
2. an audit of a generated trace of ``--iterations`` iterations
   (benchmarks/bench_audit.py's trace, ``--requests`` requests each, ``--jobs 2``): the
   size of its index.html, and the time the page (SVGs, plots, index.html) adds: the
   judging is timed once (keeping the lines, as ``--report-dir`` does), then the reports
   phase (``write_reports``, 3 reports per kind, pictures drawn on the 2 workers) on the
   same tally, each time in a fresh interpreter (so the imports the page needs are
   paid, as in a real run): without the page in ``--old-tree`` if given (the run as it
   was before issue 24), without the page, without it but with the SVG beside each
   tree.png (so the page proper, plots and index.html, is told apart from the SVGs),
   with the page of ``--old-tree`` (the code a change started from) if given, and with
   the page now, alternated ``--repeat`` times; then the page's parts alone (CPU of the
   plots and of write_page, each tree in a fresh process: less noisy than the
   difference of whole runs);
3. how long each page takes to open in headless Chromium: ``performance.now()`` at the
   load event, as the page itself records it (``data-load-ms``; browser start-up not
   included), and the wall time of the whole browser run.

With ``--screenshots DIR`` it also saves one screenshot per page kind (a run: the
suite's, the audit's, and docs/results.html) into DIR (docs/images).

Goals (issue 24): page under 2 MB, opens in under 1 s, writing it adds under 5 % to a
run.

Run:  python benchmarks/bench_html.py [--iterations 10000] [--requests 2] [--repeat 2]
          [--old-tree DIR] [--only suite|audit] [--screenshots DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
# the tree whose verify is measured (the children of --old-tree import theirs)
sys.path.insert(0, os.environ.get("BENCH_HTML_TREE", str(ROOT)))

from tests.common import chromium  # noqa: E402
from verify.commands.audit import AuditOptions  # noqa: E402
from verify.report import audit_plots, html  # noqa: E402


def _svg_writers() -> list[tuple[Any, str, Callable]]:
    """Where the SVG beside each tree.png is written, as (owner, attribute, the
    function there): the hand-drawn picture's ``write_svg`` (this tree), or, in an
    --old-tree whose picture is drawn with matplotlib, its ``draw``, replaced by one
    that saves the PNG only. Nothing is imported here that the workers would then
    inherit: matplotlib imported once before the clock starts, and shared by the
    forked workers, made the runs without the page look 0.45 s faster than they are
    (each worker of a real run imports it)."""
    from verify.report import picture

    if hasattr(picture, "write_svg"):
        return [(picture, "write_svg", picture.write_svg)]
    return [(picture, "draw", picture.draw)]


def _png_only(path: str, *args, **kwargs) -> str:
    """An --old-tree's ``picture.draw`` without its SVG (matplotlib imported when a
    picture is drawn, as there)."""
    import matplotlib.pyplot as plt

    from verify.report import picture

    fig = picture.figure(*args, **kwargs)  # type: ignore[attr-defined]
    try:
        fig.savefig(path, dpi=110)
    finally:
        plt.close(fig)
    return path


def _is_svg(name: str, args: tuple, kwargs: dict) -> bool:
    return name == "write_svg" or kwargs.get("format") == "svg"


@contextlib.contextmanager
def without_page(keep_svg: bool = False):
    """The code as it was before the page: no index.html, no SVG beside tree.png, no
    audit plots (the writers import these at call time, so patching the modules is
    enough). ``keep_svg``: the SVG beside each tree.png is written (issue 24 asks for it
    beside every picture, page or not): what the page proper costs is the rest."""
    saved = (html.write_page, audit_plots.draw_audit_plots)
    writers = _svg_writers()

    def skipping(name, real):
        if name == "draw":
            return _png_only

        def write(*a, **kw):
            if _is_svg(name, a, kw) and not keep_svg:
                return None
            return real(*a, **kw)

        return write

    html.write_page = lambda d: None
    audit_plots.draw_audit_plots = lambda run_dir, data: []
    for owner, name, real in writers if not keep_svg else ():
        setattr(owner, name, skipping(name, real))
    try:
        yield
    finally:
        html.write_page, audit_plots.draw_audit_plots = saved
        for owner, name, real in writers:
            setattr(owner, name, real)


class SvgClock:
    """Seconds spent writing SVG pictures (the part of the page cost paid inside the
    run)."""

    def __init__(self):
        self.seconds = 0.0

    @contextlib.contextmanager
    def counting(self):
        writers = _svg_writers()

        def timing(name, real):
            def write(*a, **kw):
                t0 = time.perf_counter()
                try:
                    return real(*a, **kw)
                finally:
                    if _is_svg(name, a, kw):
                        self.seconds += time.perf_counter() - t0

            return write

        for owner, name, real in writers:
            setattr(owner, name, timing(name, real))
        try:
            yield self
        finally:
            for owner, name, real in writers:
                setattr(owner, name, real)


def suite_run(report_dir: str) -> float:
    from verify.commands.suite import main_suite

    t0 = time.perf_counter()
    main_suite(
        "quick",
        0,
        None,
        2,
        None,
        out=io.StringIO(),
        err=io.StringIO(),
        report_dir=report_dir,
    )
    return time.perf_counter() - t0


def newest(d: str) -> Path:
    return max(Path(d).iterdir(), key=lambda p: p.stat().st_mtime)


def opened(page: Path) -> str:
    if chromium.find() is None:
        return "no chromium"
    o = chromium.open_page(page)
    body = o.body()
    return (
        f"load event at {body.get('data-load-ms')} ms (browser run {o.seconds:.1f} s),"
        f" pictures {body.get('data-images')}, console errors {len(o.console)}"
    )


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children waited for (the workers)."""
    me, kids = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def reports_in_fresh_process(
    mode: str, tree: str, tmp: str, trace: str, out_dir: str
) -> tuple[float, float]:
    """Seconds of audit's reports phase (``write_reports``: 3 reports per kind on 2
    workers, then the plots and the page) on the pickled tally, in a fresh interpreter
    importing ``verify`` from ``tree``: what a real run pays, lazy imports included.
    ``mode`` "before": the code as it was before the page (:func:`without_page`);
    "svg": the same with the SVG beside each tree.png.
    Returns (wall seconds of the phase, CPU seconds of the whole child and its workers:
    less noisy under load, but blind to what the workers do in parallel)."""
    env = {**os.environ, "BENCH_HTML_TREE": tree}
    env["PYTHONPATH"] = os.pathsep.join(
        [tree] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, __file__, "--reports-child", mode, tmp, trace, out_dir],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return float(done.stdout.split()[-1]), used


def reports_child(mode: str, tmp: str, trace: str, out_dir: str) -> None:
    from verify.commands.audit import local_mapper, write_reports

    with open(f"{tmp}/tally.pickle", "rb") as fh:
        tally = pickle.load(fh)
    options = AuditOptions(trace=trace)
    with (
        without_page(keep_svg=mode == "svg")
        if mode in ("before", "svg")
        else contextlib.nullcontext()
    ):
        t0 = time.perf_counter()
        write_reports(out_dir, trace, options, tally, 3, "rerun", local_mapper(2))
        print(time.perf_counter() - t0)


def parts_child(run_dir: str, out_dir: str, runs: str) -> None:
    """CPU seconds (best of ``runs``) of the page's two parts in this interpreter:
    the plots (``draw_audit_plots`` on ``run_dir``'s run.json, into ``out_dir``) and
    ``write_page(run_dir)``; the first run pays the imports they need. matplotlib and
    the audit are imported first: the worker that draws the plots draws tree pictures
    too, and the page is written by the audit's process."""
    import json

    from verify.report import picture

    if hasattr(picture, "write_svg"):  # drawn by hand: the worker has Pillow
        import PIL.ImageDraw  # noqa: F401
    else:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.figure  # noqa: F401

    import verify.commands.audit  # noqa: F401  (the audit's process has it)

    with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    plots, page = [], []
    for _ in range(int(runs)):
        t0 = time.process_time()
        audit_plots.draw_audit_plots(out_dir, data)
        plots.append(time.process_time() - t0)
        t0 = time.process_time()
        html.write_page(run_dir)
        page.append(time.process_time() - t0)
    print(plots[0], min(plots), page[0], min(page))


def parts_in_fresh_process(tree: str, run_dir: str, out_dir: str, runs: int) -> list:
    env = {**os.environ, "BENCH_HTML_TREE": tree}
    env["PYTHONPATH"] = os.pathsep.join(
        [tree] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    os.makedirs(out_dir, exist_ok=True)
    done = subprocess.run(
        [sys.executable, __file__, "--parts-child", run_dir, out_dir, str(runs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in done.stdout.split()[-4:]]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iterations", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--screenshots", metavar="DIR")
    ap.add_argument("--only", choices=("suite", "audit"), help="measure only this run")
    ap.add_argument(
        "--old-tree",
        metavar="DIR",
        help="also time the audit page of the code in DIR (e.g. `git archive COMMIT"
        " | tar -x -C DIR`): the code a change started from",
    )
    ap.add_argument(
        "--trace",
        metavar="FILE",
        help="the audit's trace: written here if missing, else reused (it must be"
        " the one --iterations and --requests make)",
    )
    ap.add_argument("--reports-child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--parts-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.reports_child:
        reports_child(*args.reports_child)
        return 0
    if args.parts_child:
        parts_child(*args.parts_child)
        return 0
    page = apage = None
    with tempfile.TemporaryDirectory() as tmp:
        old, new = [], []
        for i in range(args.repeat if args.only != "audit" else 0):
            with without_page():
                old.append(suite_run(f"{tmp}/old{i}"))
            with SvgClock().counting() as svg:
                new.append(suite_run(f"{tmp}/new{i}"))
        run_dir = newest(f"{tmp}/new{args.repeat - 1}") if new else None
        if run_dir is not None:
            page = run_dir / "index.html"
            findings = sum(1 for p in run_dir.iterdir() if (p / "report.json").exists())
            t0 = time.perf_counter()
            html.write_page(str(run_dir))
            alone = time.perf_counter() - t0
            print(
                f"suite --profile quick --jobs 2 --report-dir: {findings} findings;"
                f" index.html {page.stat().st_size / 1e6:.2f} MB"
                f" ({page.stat().st_size / 1e3 / max(findings, 1):.0f} kB per finding);"
                f" the page costs {svg.seconds:.2f} s of SVG + {alone:.2f} s write_page"
                f" = {100 * (svg.seconds + alone) / new[-1]:.1f} % of the run"
                f" ({new[-1]:.1f} s); whole run without / with the page: {min(old):.1f}"
                f" s / {min(new):.1f} s ({100 * (min(new) - min(old)) / min(old):+.1f}"
                f" %, best of {args.repeat})"
            )
            print(f"  opens: {opened(page)}")

        if args.only != "suite":
            trace = args.trace or f"{tmp}/trace.jsonl"
            t0 = time.perf_counter()
            if not os.path.exists(trace):
                # imported here: bench_audit puts this tree first on sys.path and
                # imports verify, which must come from BENCH_HTML_TREE in a child
                from bench_audit import trace_lines

                with open(trace, "w") as fh:
                    for line in trace_lines(args.requests, args.iterations, 0):
                        fh.write(line + "\n")
            print(
                f"trace: {args.iterations} iterations x {args.requests} requests,"
                f" {os.path.getsize(trace) / 1e6:.1f} MB (written in"
                f" {time.perf_counter() - t0:.1f} s)"
            )
            from verify.commands.audit import local_mapper, run_audit

            options = AuditOptions(trace=trace)
            t0 = time.perf_counter()
            cpu0 = cpu_seconds()
            tally = run_audit(
                trace,
                options,
                mapper=local_mapper(2),
                progress=False,
                keep_lines=True,  # as --report-dir does: the reports need the lines
            ).tally
            judging = time.perf_counter() - t0
            judging_cpu = cpu_seconds() - cpu0
            with open(f"{tmp}/tally.pickle", "wb") as fh:
                pickle.dump(tally, fh)
            variants = []
            if args.old_tree:  # the run as it was before issue 24's page and SVGs
                variants.append(
                    (f"before the page, {args.old_tree}", "before", args.old_tree)
                )
            variants += [
                ("before the page", "before", str(ROOT)),
                ("no page, SVG beside tree.png", "svg", str(ROOT)),
            ]
            if args.old_tree:
                variants.append((f"page of {args.old_tree}", "page", args.old_tree))
            variants.append(("page now", "page", str(ROOT)))
            seconds: dict[str, list[float]] = {v[0]: [] for v in variants}
            cpu: dict[str, list[float]] = {v[0]: [] for v in variants}
            for i in range(args.repeat):  # alternated: the load drifts
                for j, (name, mode, tree) in enumerate(variants):
                    out_dir = f"{tmp}/a{j}-{i}"
                    wall, used = reports_in_fresh_process(
                        mode, tree, tmp, trace, out_dir
                    )
                    seconds[name].append(wall)
                    cpu[name].append(used)
                    if name == "page now":
                        arun = newest(out_dir)
            apage = arun / "index.html"
            reports = sum(1 for p in arun.iterdir() if (p / "report.json").exists())
            base = min(seconds["before the page"])
            base_cpu = min(cpu["before the page"])
            audit_cpu = judging_cpu + base_cpu
            print(
                f"audit --jobs 2 --report-dir: {reports} reports; index.html"
                f" {apage.stat().st_size / 1e6:.2f} MB; judging {judging:.1f} s"
                f" (CPU {judging_cpu:.2f} s);"
                " writing the reports, each in a fresh process (imports counted),"
                f" best of {args.repeat}:"
            )
            svg_cpu = min(cpu["no page, SVG beside tree.png"])
            for name, _, _ in variants:
                best = min(seconds[name])
                added = best - base
                print(
                    f"  {name}: {best:.2f} s"
                    f" ({', '.join(f'{s:.2f}' for s in seconds[name])})"
                    + (
                        f": the page adds {added:.2f} s ="
                        f" {100 * added / (judging + base):.1f} % of the audit"
                        if name != "before the page"
                        else ""
                    )
                    + f"; CPU {min(cpu[name]):.2f} s"
                    + (
                        f" ({min(cpu[name]) - base_cpu:+.2f} s ="
                        f" {100 * (min(cpu[name]) - base_cpu) / audit_cpu:+.1f} % of"
                        " the audit's CPU)"
                        if name != "before the page"
                        else " (the child, its imports and its 2 workers)"
                    )
                    + (
                        f"; the page alone (plots, index.html) +"
                        f"{min(cpu[name]) - svg_cpu:.2f} s ="
                        f" {100 * (min(cpu[name]) - svg_cpu) / audit_cpu:.1f} %"
                        if name.startswith("page")
                        else ""
                    )
                )
            if args.old_tree:
                old_name = f"before the page, {args.old_tree}"
                old_wall, old_cpu = min(seconds[old_name]), min(cpu[old_name])
                now_wall, now_cpu = min(seconds["page now"]), min(cpu["page now"])
                print(
                    f"  page now against the run before the page ({args.old_tree}:"
                    f" matplotlib's tree.png, no SVG, no plots, no index.html):"
                    f" {now_wall - old_wall:+.2f} s ="
                    f" {100 * (now_wall - old_wall) / (judging + old_wall):+.1f} % of"
                    f" that audit; CPU {now_cpu - old_cpu:+.2f} s ="
                    f" {100 * (now_cpu - old_cpu) / (judging_cpu + old_cpu):+.1f} %"
                )
            for name, _, tree in variants:
                if not name.startswith("page"):
                    continue
                first_plots, plots, first_page, page_s = parts_in_fresh_process(
                    tree, str(arun), f"{tmp}/parts-{abs(hash(tree))}", args.repeat
                )
                print(
                    f"  {name}, its parts alone (CPU, a fresh process importing what a"
                    f" worker drawing trees has): plots {first_plots:.3f}"
                    f" s (again: {plots:.3f} s), write_page {first_page:.3f} s (again:"
                    f" {page_s:.3f} s): {first_plots + first_page:.2f} s ="
                    f" {100 * (first_plots + first_page) / audit_cpu:.1f} % of the"
                    " audit's CPU"
                )
            print(f"  opens: {opened(apage)}")
        results = ROOT / "docs" / "results.html"
        print(
            f"docs/results.html: {results.stat().st_size / 1e6:.2f} MB; opens:"
            f" {opened(results)}"
        )
        if args.screenshots:
            out = Path(args.screenshots)
            for name, p in (
                ("page-run.png", page),
                ("page-audit.png", apage),
                ("page-results.png", results),
            ):
                if p is not None:
                    chromium.screenshot(p, out / name, width=1200, height=1500)
                print(f"screenshot: {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which tests are slow: from pytest's ``--durations=0`` report, those over a threshold.

    python -m pytest --durations=0 -q > durations.txt
    python tests/common/durations.py durations.txt --threshold 5

Terms: a *phase* is one line of the report (``setup``, ``call`` or ``teardown`` of one
test); a test's *time* is the sum of its phases; a *file*'s time is the sum of its
tests'.
Tests whose time reaches the threshold are the candidates for ``@pytest.mark.slow``
(tests/README.md); the files are listed with how many of their tests are slow and how
much time those take.  Lines that are not phases are ignored, so the whole output of a
run may be given.

>>> report = '''
... ============================= slowest durations ==============================
... 12.50s call     tests/test_z3.py::test_big[3]
... 0.40s setup    tests/test_z3.py::test_big[3]
... 1.00s call     tests/test_z3.py::test_small
... 6.00s call     verify/oracles/dp.py::verify.oracles.dp
... '''
>>> for line in render(parse(report), 5.0):
...     print(line)
tests over 5.0 s: 2, 18.9 s in all
   12.9 s  tests/test_z3.py::test_big[3]
    6.0 s  verify/oracles/dp.py::verify.oracles.dp
files with tests over 5.0 s (slow tests, their time, the file's time):
  tests/test_z3.py  1 of 2 tests  12.9 s of 13.9 s
  verify/oracles/dp.py  1 of 1 tests  6.0 s of 6.0 s
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict

PHASE = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s+(setup|call|teardown)\s+(\S.*?)\s*$")


def parse(text: str) -> dict[str, float]:
    """Each test's time (seconds, its phases summed), in the order first seen."""
    times: dict[str, float] = {}
    for line in text.splitlines():
        m = PHASE.match(line)
        if m:
            times[m.group(3)] = times.get(m.group(3), 0.0) + float(m.group(1))
    return times


def slow_tests(times: dict[str, float], threshold: float) -> list[tuple[float, str]]:
    """The tests whose time reaches ``threshold``: (seconds, test), slowest first."""
    slow = [(seconds, test) for test, seconds in times.items() if seconds >= threshold]
    return sorted(slow, key=lambda row: -row[0])


def slow_files(times: dict[str, float], threshold: float) -> list[tuple]:
    """Each file with a slow test: (file, slow tests' time, file's time, slow tests,
    tests), the most slow time first."""
    files: dict[str, list] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for test, seconds in times.items():
        entry = files[test.split("::")[0]]
        entry[1] += seconds
        entry[3] += 1
        if seconds >= threshold:
            entry[0] += seconds
            entry[2] += 1
    rows = [(name, *entry) for name, entry in files.items() if entry[2]]
    return sorted(rows, key=lambda row: -row[1])


def render(times: dict[str, float], threshold: float) -> list[str]:
    """The report: the slow tests, then their files."""
    tests = slow_tests(times, threshold)
    total = sum(s for s, _ in tests)
    lines = [f"tests over {threshold} s: {len(tests)}, {total:.1f} s in all"]
    lines += [f"  {s:5.1f} s  {t}" for s, t in tests]
    lines.append(
        f"files with tests over {threshold} s "
        "(slow tests, their time, the file's time):"
    )
    lines += [
        f"  {name}  {n} of {total} tests  {slow:.1f} s of {whole:.1f} s"
        for name, slow, whole, n, total in slow_files(times, threshold)
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", help="pytest's --durations=0 output ('-': stdin)")
    ap.add_argument("--threshold", type=float, default=5.0, help="seconds (default 5)")
    ap.add_argument(
        "--ids",
        action="store_true",
        help="print only the slow tests' ids, one per line (tests/slow_tests.txt)",
    )
    args = ap.parse_args(argv)
    try:
        if args.report == "-":
            text = sys.stdin.read()
        else:
            with open(args.report, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        print(f"durations: cannot read {args.report}: {exc.strerror}", file=sys.stderr)
        return 2
    times = parse(text)
    if not times:
        print(
            f"durations: {args.report} holds no --durations lines "
            "(run pytest with --durations=0)",
            file=sys.stderr,
        )
        return 2
    if args.ids:
        print("\n".join(sorted(test for _, test in slow_tests(times, args.threshold))))
    else:
        print("\n".join(render(times, args.threshold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

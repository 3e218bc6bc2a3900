#!/usr/bin/env python3
"""The EAGLE-style reranker of eagle_topk.py as a program, for ``test-solver --cmd``.

One process per call (the default): reads one instance JSON on stdin, writes one
selection JSON on stdout.  Inputs it cannot handle are declined by exit code 3 (a
reason on stderr), the other way ``--cmd`` programs may decline besides printing
``{"status": "UNSUPPORTED", ...}``.

    python -m verify test-solver --cmd "python examples/selectors/eagle_topk_cmd.py" \\
        --single-request --no-targets
    ... --cmd "python examples/selectors/eagle_topk_cmd.py --topk-ties"   # the tie bug

Persistent (``--jsonl``, docs/test-solver.md): started once, it reads one instance
per line and writes one selection per line, in order, flushing after each; it
declines by answering the UNSUPPORTED object (exiting would be a crash) and ends
at end of input.  ``--startup SECONDS`` sleeps before reading anything, as a
selector that imports torch does (benchmarks/bench_jsonl.py uses 1 s).

    python -m verify test-solver --cmd "python examples/selectors/eagle_topk_cmd.py
    --jsonl" --jsonl \\
        --single-request --no-targets
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eagle_topk import select, select_topk_ties  # noqa: E402


def _option(name: str, default: float) -> float:
    args = sys.argv[1:]
    return float(args[args.index(name) + 1]) if name in args else default


def main() -> int:
    time.sleep(_option("--startup", 0.0))
    choose = select_topk_ties if "--topk-ties" in sys.argv[1:] else select
    if "--jsonl" in sys.argv[1:]:
        for line in sys.stdin:  # one instance per line, one answer per line, in order
            if line.strip():
                sys.stdout.write(json.dumps(choose(json.loads(line))) + "\n")
                # the checker waits for this line: never leave it in a buffer
                sys.stdout.flush()
        return 0
    answer = choose(json.load(sys.stdin))
    if answer["status"] == "UNSUPPORTED":
        print(answer["reason"], file=sys.stderr)
        return 3
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The EAGLE-style reranker of eagle_topk.py as a program, for ``test-solver --cmd``.

Reads one instance JSON on stdin, writes one selection JSON on stdout.  Inputs it
cannot handle are declined by exit code 3 (a reason on stderr), the other way
``--cmd`` programs may decline besides printing ``{"status": "UNSUPPORTED", ...}``.

    python -m verify test-solver --cmd "python examples/selectors/eagle_topk_cmd.py" \\
        --single-request --no-targets
    ... --cmd "python examples/selectors/eagle_topk_cmd.py --topk-ties"   # the tie bug
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eagle_topk import select, select_topk_ties  # noqa: E402


def main() -> int:
    instance = json.load(sys.stdin)
    answer = (select_topk_ties if "--topk-ties" in sys.argv[1:] else select)(instance)
    if answer["status"] == "UNSUPPORTED":
        print(answer["reason"], file=sys.stderr)
        return 3
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

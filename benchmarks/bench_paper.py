"""paper-alg1 and paper-alg2 on many requests: the heap GetTop against the old scan
(issue 16, item 18).

    python benchmarks/bench_paper.py             # 10,000 requests (fast variants);
                                                 # old scan on 1,000 and 2,000
    python benchmarks/bench_paper.py --old-full  # the old scan on 10,000 too (minutes)

Instances: random trees of 2-10 nodes, conditionals from a grid (ties across requests),
budget half of all nodes.  Both implementations must select the same sets (checked here
too); tests/test_hostile_inputs.py checks it on generated instances.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solver.paper import solve_paper_alg1, solve_paper_alg2  # noqa: E402
from solver.parse import parse_instance  # noqa: E402
from solver.reference import solve_reference  # noqa: E402
from tests.common import paper_slow  # noqa: E402


def instance(requests: int, seed: int = 0):
    rnd = random.Random(seed)
    reqs, total = [], 0
    for i in range(requests):
        n = rnd.randint(2, 10)
        total += n
        reqs.append(
            {
                "id": f"q{i}",
                "target": rnd.choice(["1", "1", "1", "1.2"]),
                "parent": [-1] + [rnd.randrange(v) for v in range(1, n)],
                "cond": (
                    ["1"]
                    + [rnd.choice(["1/2", "3/4", "9/10", "1/4"]) for _ in range(1, n)]
                ),
            }
        )
    return parse_instance({"budget": total // 2, "requests": reqs})


def timed(fn, inst):
    t = time.perf_counter()
    sel = fn(inst)
    return sel, time.perf_counter() - t


def main() -> int:
    sizes = [1000, 2000, 10000]
    for n in sizes:
        inst = instance(n)
        row = [f"{n:>6} requests, {inst.total_nodes} nodes:"]
        ref, t = timed(solve_reference, inst)
        row.append(f"reference {t:.2f} s")
        for name, fast, slow in (
            ("paper-alg1", solve_paper_alg1, paper_slow.solve_paper_alg1),
            ("paper-alg2", solve_paper_alg2, paper_slow.solve_paper_alg2),
        ):
            sel, t = timed(fast, inst)
            row.append(f"{name} {t:.2f} s ({sel.status})")
            if n < 10000 or "--old-full" in sys.argv:
                old, t_old = timed(slow, inst)
                assert old == sel, (
                    f"{name}: the heap and the scan disagree on {n} requests"
                )
                row.append(f"(old scan {t_old:.1f} s, same selection)")
        print("  ".join(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

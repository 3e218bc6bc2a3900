"""Small random instances for the exact methods' tests: Hypothesis strategies.

Used by tests/test_dp.py (DP against brute force and the greedy),
tests/test_dp_vs_quadratic.py (fast DP against the quadratic one) and
tests/test_judge.py.  Scores come from two
grids: *conditional* probabilities (``COND_GRID``, monotone instances: a child's path
probability is its parent's times a conditional) and *path* probabilities
(``PROB_GRID``, non-monotone instances: any value, a child may exceed its parent).
"""

from fractions import Fraction as F

from hypothesis import strategies as st

from solver.numbers import fraction_str
from solver.parse import parse_instance

COND_GRID = [F(1), F(1, 2), F(1, 4), F(3, 4), F(0)]  # 1 and 0 make ties common
PROB_GRID = [F(0), F(1, 4), F(1, 2), F(3, 4), F(1)]  # non-monotone scores


def make_instance(budget, requests, root_charged=False, allow_nonmonotone=False):
    """An instance parsed from its parts (the JSON format of docs/format.md)."""
    data = {"budget": budget, "root_charged": root_charged, "requests": requests}
    return parse_instance(data, allow_nonmonotone=allow_nonmonotone)


@st.composite
def shapes(draw, max_nodes):
    """A random tree: (parent array with shuffled labels, canonical parents, labels)."""
    n = draw(st.integers(1, max_nodes))
    canon = [-1] + [
        draw(st.integers(0, i - 1)) for i in range(1, n)
    ]  # parent before child
    label = draw(st.permutations(range(n)))  # canonical node i is called label[i]
    parent = [0] * n
    for i, p in enumerate(canon):
        parent[label[i]] = -1 if p == -1 else label[p]
    return parent, canon, label


@st.composite
def targets(draw, f):
    """Targets near the interesting thresholds of a tree with path probabilities f."""
    ranked = sorted((x for x in f), reverse=True)  # root's 1 is among the largest
    prefix = [sum(ranked[: k + 1], F(0)) for k in range(len(ranked))]
    mass = prefix[-1]
    # weighted so that most instances stay feasible: an unreachable target sinks the
    # whole instance
    kind = draw(
        st.sampled_from(
            ["const"] * 3 + ["prefix"] * 3 + ["near"] * 3 + ["mass", "beyond"]
        )
    )
    if kind == "const":
        return draw(st.sampled_from([F(-1), F(0), F(1, 2), F(1)]))
    if kind == "prefix":
        return draw(st.sampled_from(prefix))
    if kind == "near":
        return draw(st.sampled_from(prefix)) + draw(
            st.sampled_from([F(-1, 8), F(1, 8)])
        )
    if kind == "mass":
        return mass
    return mass + draw(st.sampled_from([F(1, 8), F(1)]))


@st.composite
def instances(draw, monotone=True, max_requests=3, max_nodes=6):
    k = draw(st.integers(0, max_requests))
    requests, total = [], 0
    for i in range(k):
        parent, canon, label = draw(shapes(max_nodes))
        n = len(parent)
        total += n
        f = [F(0)] * n
        cond = [F(1)] * n
        for c in range(n):  # canonical order: parents first
            v = label[c]
            if canon[c] == -1:
                f[v] = F(1)
            elif monotone:
                cond[v] = draw(st.sampled_from(COND_GRID))
                f[v] = f[label[canon[c]]] * cond[v]
            else:
                f[v] = draw(st.sampled_from(PROB_GRID))
        req = {
            "id": f"r{i}",
            "target": fraction_str(draw(targets(f))),
            "parent": parent,
        }
        if monotone and draw(st.booleans()):
            req["cond"] = [fraction_str(x) for x in cond]
        else:
            req["prob"] = [fraction_str(x) for x in f]
        requests.append(req)
    budget = draw(st.integers(0, total + 2))
    root_charged = draw(st.booleans())
    return make_instance(budget, requests, root_charged, allow_nonmonotone=not monotone)

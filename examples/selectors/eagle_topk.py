"""An EAGLE-style dynamic-tree reranker, wrapped for ``python -m verify test-solver``.

The worked example of docs/test-solver.md.  Two layers:

1. :func:`rerank` is the selector in its *native* form, the way EAGLE-2-style
   dynamic draft trees hand it over: the draft tree as layers (depth 1, 2, ...),
   each layer a list of candidates ``(parent position in the previous layer, score)``
   where the score is the path probability (EAGLE keeps the cumulative log-prob;
   the order is the same).  Each layer expands at most ``top_k`` of its nodes and
   each expanded node has at most ``top_k`` children.  It keeps the best
   ``total_tokens`` candidates by score.  It knows nothing of requests, targets or
   JSON.
2. :func:`select` wraps it into the form ``test-solver`` calls: the instance JSON
   dict in (docs/format.md), a selection dict out.  It declines (``UNSUPPORTED``)
   what the native selector cannot express: several requests, targets above 1,
   trees wider than ``top_k``.

Run it (single request, no targets: the sub-problem it solves)::

    python -m verify test-solver examples.selectors.eagle_topk:select \
        --single-request --no-targets
    python -m verify test-solver --cmd "python examples/selectors/eagle_topk_cmd.py" \
        --single-request --no-targets

:func:`select_topk_ties` is the same reranker with the tie order of an unstable
top-k (``torch.topk`` does not specify which of equal scores it returns): on a
tie between a node and its child (a conditional probability of exactly 1, common
in bf16 softmax) it can return the child without its parent.  ``test-solver``
finds that in seconds (APP-B/ties); docs/test-solver.md shows the report.

>>> inst = {"budget": 2, "root_charged": False, "requests": [{"id": "r0", "target": "1",
...         "parent": [-1, 0, 0, 1], "prob": ["1", "3/5", "2/5", "1/2"]}]}
>>> select(inst)
{'status': 'OK', 'selected': {'r0': [0, 1, 3]}}
>>> rerank([[(-1, 0.6), (-1, 0.4)], [(0, 0.5)]], total_tokens=2)
[(0, 0), (1, 0)]
"""

from __future__ import annotations

from fractions import Fraction

TOP_K = 4  # EAGLE-2's default draft width


# ------------------------------------------------------------------ the native selector


def rerank(
    layers: list[list[tuple[int, object]]], total_tokens: int, stable: bool = True
) -> list[tuple[int, int]]:
    """The best ``total_tokens`` candidates of a layered draft tree, as (layer,
    position) pairs.

    ``layers[d]`` holds depth d + 1; its entries are ``(parent, score)`` with
    ``parent`` the position in ``layers[d - 1]`` (-1 in layer 0: the root).  Scores
    must not increase along a path (path probabilities, or cumulative log-probs),
    so the best-scored set contains the parents of its members; ties go to the
    earlier layer, then the earlier position, which keeps parents first.
    ``stable=False`` breaks ties the other way, as an unstable top-k may.
    """
    flat = [
        (score, d, i)
        for d, layer in enumerate(layers)
        for i, (_, score) in enumerate(layer)
    ]
    if stable:
        # stable: equal scores keep layer order
        flat.sort(key=lambda x: x[0], reverse=True)
    else:
        flat.sort(reverse=True)  # equal scores: deeper layer first
    return sorted((d, i) for _, d, i in flat[: max(total_tokens, 0)])


# ------------------------------------------------------------------ the wrapper


def to_layers(request: dict, top_k: int = TOP_K):
    """Instance request -> ((layers, node of each (layer, position)), None), or (None,
    reason) if unsupported.

    Scores are the exact path probabilities: the JSON's fraction strings read
    with ``Fraction`` (``float(Fraction(s))`` if your selector wants floats).
    """
    parent = request["parent"]
    n = len(parent)
    if "prob" in request:
        f = [Fraction(x) for x in request["prob"]]
    else:  # conditional probabilities: multiply down the tree (parents first, by depth)
        f = [None] * n
    kids: dict[int, list[int]] = {}
    root = parent.index(-1)
    for v, p in enumerate(parent):
        if p != -1:
            kids.setdefault(p, []).append(v)
    layers, where, pos_of = [], {}, {root: -1}
    frontier = [root]
    if "cond" in request:
        f[root] = Fraction(1)
    while frontier:
        layer, nxt = [], []
        expanded = [u for u in frontier if kids.get(u)]
        if len(expanded) > top_k:
            return (
                None,
                f"layer {len(layers)} expands {len(expanded)} nodes > top_k {top_k}",
            )
        for u in expanded:
            if len(kids[u]) > top_k:
                return None, f"node {u} has {len(kids[u])} children > top_k {top_k}"
            for c in kids[u]:
                if "cond" in request:
                    f[c] = f[u] * Fraction(request["cond"][c])
                where[(len(layers), len(layer))] = c
                pos_of[c] = len(layer)
                layer.append((pos_of[u], f[c]))
                nxt.append(c)
        if layer:
            layers.append(layer)
        frontier = nxt
    return (layers, where), None


def _select(instance: dict, stable: bool = True) -> dict:
    reqs = instance["requests"]
    if len(reqs) != 1:
        return {
            "status": "UNSUPPORTED",
            "reason": "one request per call (EAGLE reranks one draft tree)",
        }
    req = reqs[0]
    if Fraction(req["target"]) > 1:
        return {
            "status": "UNSUPPORTED",
            "reason": "no SLO targets: the reranker only maximises",
        }
    total_tokens = instance["budget"] - (1 if instance.get("root_charged") else 0)
    if total_tokens < 0:
        return {"status": "INVALID", "reason": "the budget cannot pay for the root"}
    converted, why = to_layers(req, TOP_K)
    if converted is None:
        return {"status": "UNSUPPORTED", "reason": why}
    layers, where = converted
    root = req["parent"].index(-1)
    chosen = [root] + [where[pos] for pos in rerank(layers, total_tokens, stable)]
    return {"status": "OK", "selected": {req["id"]: sorted(chosen)}}


def select(instance: dict) -> dict:
    """test-solver's callable form: the reranker on exact path probabilities."""
    return _select(instance)


def select_topk_ties(instance: dict) -> dict:
    """The same with an unstable top-k's tie order (deeper candidates first): orphans on
    ties."""
    return _select(instance, stable=False)

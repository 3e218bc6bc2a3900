"""Tests of the bounded-exhaustive proofs (python -m proofs, docs/proof.md).

What is checked, and against what:
* shapes: counts against the published sequence (OEIS A000081), pairwise
  non-isomorphism with networkx, completeness against random labeled trees;
* the symbolic runs admit the real code's runs (solver.reference,
  solver.paper) and, for the paper-literal GetTop, *only* that run;
* the two-request encoding reaches the reference greedy's verdict and value;
* python -m proofs: strict premise proves everything; with ties the
  paper-literal GetTop has its smallest APP-B counterexample at 3 nodes on
  exactly the non-star shapes, which the real code reproduces, while the
  frontier greedy is proven; exit codes; JSON shape;
* a deliberately broken encoding yields counterexamples (the proofs can fail).
"""

from __future__ import annotations

import json
import random
from fractions import Fraction

import networkx as nx
import pytest
import z3
from networkx.algorithms.isomorphism import rooted_tree_isomorphism

from proofs import __main__ as cli
from proofs.bounded import tasks as tasks_mod
from proofs.bounded.claims_tree import neg_app_b, neg_lem_c1, neg_lem_c2
from proofs.bounded.pair_run import PairRun
from proofs.bounded.shapes import Shape, rooted_shapes, shapes_up_to
from proofs.bounded.smt import PROVED, UNKNOWN, Outcome, new_solver, refute
from proofs.bounded.tree_run import TreeRun
from solver.feasibility import violations
from solver.parse import parse_instance
from solver.reference import greedy_run, solve_reference

A000081 = [1, 1, 2, 4, 9, 20, 48, 115, 286, 719]  # rooted trees with n nodes, n = 1..10


# ------------------------------------------------------------------ shapes


def _ahu(children, v) -> str:
    """AHU canonical code, written here independently of proofs.bounded.shapes."""
    return "(" + "".join(sorted(_ahu(children, c) for c in children[v])) + ")"


def _children(parent):
    kids = {v: [] for v in range(len(parent))}
    for v, p in enumerate(parent):
        if p >= 0:
            kids[p].append(v)
    return kids


def test_shape_counts_match_the_known_sequence():
    assert [sum(1 for _ in rooted_shapes(n)) for n in range(1, 11)] == A000081


@pytest.mark.parametrize("n", range(1, 8))
def test_shapes_are_trees_and_pairwise_non_isomorphic(n):
    shapes = list(rooted_shapes(n))
    graphs = []
    for s in shapes:
        assert len(s.parent) == n and s.parent[0] == -1
        assert all(0 <= p < v for v, p in enumerate(s.parent) if v)  # preorder labels
        g = nx.Graph([(v, p) for v, p in enumerate(s.parent) if p >= 0])
        g.add_nodes_from(range(n))
        assert nx.is_tree(g)
        graphs.append(g)
    for i in range(len(graphs)):
        for j in range(i + 1, len(graphs)):
            assert not rooted_tree_isomorphism(graphs[i], 0, graphs[j], 0), (
                shapes[i],
                shapes[j],
            )
    assert len({_ahu(_children(s.parent), 0) for s in shapes}) == len(shapes)


def test_every_random_rooted_tree_has_its_shape_listed():
    rng = random.Random(7)
    codes = {
        n: {_ahu(_children(s.parent), 0) for s in rooted_shapes(n)} for n in range(1, 9)
    }
    for _ in range(300):
        n = rng.randint(1, 8)
        order = list(range(n))
        rng.shuffle(order)  # random labels, random attachment
        parent = [-1] * n
        for k in range(1, n):
            parent[order[k]] = order[rng.randrange(k)]
        root = order[0]
        assert _ahu(_children(parent), root) in codes[n]


# ------------------------------------------------------------------ the encodings
# follow the code


def _fixed(run: TreeRun, f):
    return [run.f[v] == z3.RealVal(str(x)) for v, x in enumerate(f)]


def _random_f(shape, rng, ties):
    """Monotone path probabilities; with ties, equal values and zeros are common."""
    f = [Fraction(1)] * shape.n
    for v in shape.non_root:  # preorder: parents first
        p = f[shape.parent[v]]
        choices = (
            [p, p * Fraction(1, 2), Fraction(0)]
            if ties
            else [p * Fraction(rng.randint(1, 9), 10)]
        )
        f[v] = rng.choice(choices) if ties else choices[0]
        if ties and rng.random() < 0.4:
            f[v] = p * Fraction(rng.randint(0, 10), 10)
    return f


def _instance(parent, f, budget, target=1):
    return parse_instance(
        {
            "budget": budget,
            "requests": [
                {
                    "id": "r",
                    "target": str(target),
                    "parent": list(parent),
                    "prob": [str(x) for x in f],
                }
            ],
        }
    )


@pytest.mark.parametrize("ties", [False, True])
def test_frontier_encoding_admits_the_reference_run(ties):
    rng = random.Random(11 + ties)
    shapes = list(shapes_up_to(6))
    for _ in range(40):
        shape = rng.choice(shapes)
        f = _random_f(shape, rng, ties)
        _, _, order = greedy_run(_instance(shape.parent, f, shape.n - 1))
        picks = [v for _, v in order]
        assert len(picks) == shape.n - 1
        run = TreeRun(shape, "frontier", ties=ties)
        s = new_solver(0, 30)
        s.add(*run.base, *_fixed(run, f), *run.fix_order(picks))
        assert s.check() == z3.sat, (shape.parent, f, picks)


@pytest.mark.parametrize("ties", [False, True])
def test_paper_encoding_has_exactly_the_paper_alg1_run(ties):
    from solver.paper import solve_paper_alg1

    rng = random.Random(5 + ties)
    shapes = list(shapes_up_to(6))
    for _ in range(30):
        shape = rng.choice(shapes)
        f = _random_f(shape, rng, ties)
        label = list(range(shape.n))
        rng.shuffle(label)  # node v of the shape is node label[v] of the instance
        parent, prob = [0] * shape.n, [Fraction(0)] * shape.n
        for v in range(shape.n):
            parent[label[v]] = -1 if v == 0 else label[shape.parent[v]]
            prob[label[v]] = f[v]
        back = {label[v]: v for v in range(shape.n)}
        picks, before = [], {label[0]}
        for budget in range(shape.n - 1):  # the printed loop takes budget + 1 nodes
            now = set(solve_paper_alg1(_instance(parent, prob, budget)).selected["r"])
            (new,) = now - before
            picks.append(back[new])
            before = now
        run = TreeRun(shape, "paper", ties=ties)
        s = new_solver(0, 30)
        s.add(
            *run.base,
            *_fixed(run, f),
            *[run.idx[v] == label[v] for v in range(shape.n)],
        )
        assert s.check(*run.fix_order(picks)) == z3.sat
        # deterministic: no other run is admitted for this input and labeling
        assert (
            s.check(z3.Not(z3.And(run.fix_order(picks) or [z3.BoolVal(True)])))
            == z3.unsat
        )


def test_pair_encoding_reaches_the_reference_verdict_and_value():
    rng = random.Random(3)
    shapes = list(shapes_up_to(4))
    for _ in range(25):
        a, b = rng.choice(shapes), rng.choice(shapes)
        fa, fb = _random_f(a, rng, True), _random_f(b, rng, True)
        targets = [Fraction(rng.randint(0, 30), 10) for _ in range(2)]
        budget = rng.randint(0, a.n + b.n)
        inst = parse_instance(
            {
                "budget": budget,
                "requests": [
                    {
                        "id": "a",
                        "target": str(targets[0]),
                        "parent": list(a.parent),
                        "prob": [str(x) for x in fa],
                    },
                    {
                        "id": "b",
                        "target": str(targets[1]),
                        "parent": list(b.parent),
                        "prob": [str(x) for x in fb],
                    },
                ],
            }
        )
        ref = solve_reference(inst)
        p = PairRun(a, b, "frontier", ties=True)
        s = new_solver(0, 30)
        s.add(
            *p.constraints,
            *_fixed(p.trees[0], fa),
            *_fixed(p.trees[1], fb),
            p.nb == budget,
            *[p.A[i] == z3.RealVal(str(t)) for i, t in enumerate(targets)],
        )
        assert s.check() == z3.sat
        is_invalid = ref.status == "INVALID"
        assert s.check(p.invalid != is_invalid) == z3.unsat
        if not is_invalid:
            total = p.value(0, p.chosen) + p.value(1, p.chosen)
            assert s.check(total != z3.RealVal(str(ref.objective))) == z3.unsat


@pytest.mark.parametrize("n", [1, 4, 6])
def test_every_run_contains_the_same_skeleton(n):
    """RUN-ALL-PICKED is proven once per n on the skeleton: it must be every run's."""
    ref = [
        c.sexpr()
        for c in TreeRun(next(rooted_shapes(n)), "frontier", ties=False).skeleton
    ]
    assert len(ref) == (n - 1) * (1 + 2 * (n - 1))
    for shape in rooted_shapes(n):
        for greedy in ("frontier", "paper"):
            for ties in (False, True):
                run = TreeRun(shape, greedy, ties=ties)
                assert [c.sexpr() for c in run.skeleton] == ref
                body = {c.sexpr() for c in run.run}
                assert all(c in body for c in ref)


# ------------------------------------------------------------------ the proofs can fail


class _NoMaximality(TreeRun):
    """A wrong greedy: picks any candidate (drops 'largest f')."""

    def _loop(self):
        return [
            c
            for c in super()._loop()
            if not (
                z3.is_app_of(c, z3.Z3_OP_IMPLIES)
                and z3.is_app_of(c.arg(1), z3.Z3_OP_GE)
            )
        ]


def test_a_broken_greedy_is_refuted():
    shape = Shape.from_levels((0, 1, 1))
    run = _NoMaximality(shape, "frontier", ties=False)
    s = new_solver(0, 30)
    s.add(run.base)
    assert refute(s, neg_lem_c2(run)[0]).status == "counterexample"
    assert refute(s, neg_lem_c1(run)[0]).status == "counterexample"
    assert (
        refute(s, neg_app_b(run)[0]).status == PROVED
    )  # still frontier-only, so still rooted


# ------------------------------------------------------------------ python -m proofs


def _run(capsys, *args):
    code = cli.main(list(args) + ["--json", "--quiet"])
    return code, json.loads(capsys.readouterr().out)


def test_strict_premise_proves_everything(capsys, tmp_path):
    code, out = _run(
        capsys, "--max-nodes", "6", "--pair-max", "3", "--out", str(tmp_path)
    )
    assert code == 0 and out["exit_code"] == 0
    rows = out["rows"]
    assert {r["result"] for r in rows} == {"proved"}
    for claim in ("APP-B", "LEM-C1", "LEM-C2"):
        for greedy in ("frontier", "paper"):
            got = {
                r["n"]: r["shapes"]
                for r in rows
                if r["claim"] == claim and r["greedy"] == greedy
            }
            assert got == {n: A000081[n - 1] for n in range(1, 7)}
    small = A000081[:3]
    for claim in ("THM-P1", "THM-P2"):
        pairs = sum(
            r["shapes"]
            for r in rows
            if r["claim"] == claim and r["greedy"] == "frontier"
        )
        assert pairs == sum(small) ** 2
    assert out["counterexamples"] == [] and not any(tmp_path.iterdir())


def test_ties_break_paper_gettop_smallest_at_three_nodes(capsys, tmp_path):
    code, out = _run(
        capsys,
        "--max-nodes",
        "5",
        "--pair-max",
        "3",
        "--allow-ties",
        "--out",
        str(tmp_path),
    )
    assert code == 1
    rows = {(r["claim"], r["greedy"], r["n"]): r for r in out["rows"]}
    for n in range(1, 6):
        app_b = rows["APP-B", "paper", n]
        # an orphan needs a node at depth 2: every shape but the star (and n <= 2)
        assert app_b["counterexamples"] == (A000081[n - 1] - 1 if n >= 3 else 0)
        for claim in ("APP-B", "LEM-C1", "LEM-C2"):
            assert rows[claim, "frontier", n]["result"] == "proved"
        for claim in ("LEM-C1", "LEM-C2"):
            assert rows[claim, "paper", n]["result"] == "proved"
    for claim in ("THM-P1", "THM-P2"):
        assert all(
            r["result"] == "proved"
            for r in out["rows"]
            if r["claim"] == claim and r["greedy"] == "frontier"
        )
    assert rows["THM-P2", "paper", 3]["result"] == "counterexample"

    (cex,) = [c for c in out["counterexamples"] if c["claim"] == "APP-B"]
    assert cex["n"] == 3 and cex["greedy"] == "paper" and cex["replay"]["confirmed"]
    obj = json.loads(open(cex["files"]["instance"]).read())
    inst = parse_instance(obj)
    (req,) = inst.requests
    tree = req.tree
    assert len(tree) == 3 and tree.height == 2
    # the orphan is a tie: a child with its parent's f and a smaller index
    assert any(
        tree.parent[v] != -1
        and tree.parent[tree.parent[v]] != -1
        and tree.f[v] == tree.f[tree.parent[v]]
        and v < tree.parent[v]
        for v in range(3)
    )
    from solver.paper import solve_paper_alg1

    literal = parse_instance(
        {**obj, "budget": obj["budget"] - 1}
    )  # its `while B >= 0` takes one more
    rules = {v.rule for v in violations(literal, solve_paper_alg1(literal).selected)}
    assert "rooted" in rules
    assert solve_reference(inst).ok and not violations(
        inst, solve_reference(inst).selected
    )


def test_unknown_is_never_proved(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(
        tasks_mod, "refute", lambda *a, **k: Outcome(UNKNOWN, 0.0, reason="timeout")
    )
    code, out = _run(
        capsys,
        "--max-nodes",
        "3",
        "--pair-max",
        "0",
        "--claims",
        "LEM-C2",
        "--out",
        str(tmp_path),
    )
    assert code == 3
    assert {r["result"] for r in out["rows"] if r["claim"] == "LEM-C2"} == {"unknown"}


def test_json_and_table_output(capsys, tmp_path):
    code, out = _run(
        capsys,
        "--max-nodes",
        "3",
        "--pair-max",
        "2",
        "--claims",
        "APP-B,THM-P1",
        "--greedy",
        "paper",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    assert set(out) == {
        "schema",
        "settings",
        "rows",
        "counterexamples",
        "exit_code",
        "wall_seconds",
        "report_dir",
    }
    assert out["report_dir"] is None  # nothing to report
    assert (
        out["settings"]["greedies"] == ["paper"] and out["settings"]["max_nodes"] == 3
    )
    for row in out["rows"]:
        assert {
            "claim",
            "greedy",
            "n",
            "shapes",
            "queries",
            "result",
            "seconds",
        } <= set(row)
    assert {r["claim"] for r in out["rows"]} == {
        "RUN-PERM",
        "RUN",
        "APP-B",
        "RUN-PAIR",
        "THM-P1",
    }
    assert (
        cli.main(
            ["--max-nodes", "3", "--pair-max", "0", "--quiet", "--out", str(tmp_path)]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert text.splitlines()[1].split() == [
        "claim",
        "greedy",
        "n",
        "shapes",
        "queries",
        "result",
        "seconds",
    ]
    assert "every rooted tree shape with 1..3 nodes (4 shapes)" in text


def test_jobs_give_the_same_rows(capsys, tmp_path):
    args = [
        "--max-nodes",
        "4",
        "--pair-max",
        "2",
        "--allow-ties",
        "--out",
        str(tmp_path),
    ]
    _, one = _run(capsys, *args)
    _, two = _run(capsys, *args, "--jobs", "2")
    strip = lambda rows: [
        {
            k: r[k]
            for k in (
                "claim",
                "greedy",
                "n",
                "shapes",
                "queries",
                "result",
                "counterexamples",
            )
        }
        for r in rows
    ]
    assert strip(one["rows"]) == strip(two["rows"])


def test_usage_errors():
    with pytest.raises(SystemExit) as exc:
        cli.main(["--claims", "NOPE"])
    assert exc.value.code == 2
    assert cli.main(["--max-nodes", "0", "--quiet"]) == 2

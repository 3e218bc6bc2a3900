"""The Coq development (proofs/coq) and the greedy extracted from it.

* the proof builds (``make -C proofs/coq``, once per session, skipped when up to
  date), no file contains Admitted/admit/Axiom/Parameter/Conjecture, and
  ``Print Assumptions`` of every theorem prints "Closed under the global context";
* the extracted greedy (``python -m proofs coq-greedy``) answers exactly what
  solver/reference.py answers — status, sets, objective and certificate — on
  2,000 instances from the project's generators (ties, zeros, both root
  conventions, INVALID, targets beyond the tree's mass) and 400 larger seeded
  ones; the expected answers come from the reference, never from Coq;
* the extracted checker agrees with verify/checks/certificate.py on the real
  certificates and on tampered ones;
* the command line keeps the ``test-solver --cmd`` contract.

Without ``coqc`` the tests are skipped with the install line; under CI
(``CI=true``) a missing ``coqc`` fails them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from solver.feasibility import violations
from solver.parse import parse_instance
from solver.reference import solve_reference
from verify.checks.certificate import certificate_problems
from verify.search import generators

# one worker of pytest-xdist runs them all (one build, no two makes at once)
pytestmark = pytest.mark.xdist_group("coq")

ROOT = Path(__file__).resolve().parent.parent
COQ = ROOT / "proofs" / "coq"
INSTALL = "apt-get install coq libcoq-mathcomp-ssreflect ocaml"
THEOREMS = {  # Theorems.v / Defects.v name -> the Statement.v Prop it must prove
    "app_b_rooted": "APP_B_rooted",
    "lem_c1_minimal": "LEM_C1_minimal",
    "lem_c2_topk": "LEM_C2_topk",
    "thm_p1_invalid_sound": "THM_P1_invalid_sound",
    "thm_p2_optimal": "THM_P2_optimal",
    "certificate_sound": "Certificate_sound",
    "greedy_certified": "Greedy_certified",
    "paper_app_b_rooted": "PAPER_APP_B_rooted",
    "paper_thm_p1_invalid_sound": "PAPER_THM_P1_invalid_sound",
    "paper_thm_p2_optimal": "PAPER_THM_P2_optimal",
    "paper_choices_exist": "PAPER_choices_exist",
    "thm_3_1_expected_acceptance": "THM_3_1_expected_acceptance",
    "thm_4_1_counterexample": "THM_4_1_counterexample",
    "thm_4_1_as_printed_is_false": "THM_4_1_as_printed_is_false",
    "thm_4_1_corrected": "THM_4_1_corrected",
}
EXAMPLES = (
    "printed_loop_overspends",
    "printed_get_top_orphans",
    "printed_alg1_both",
    "paper_greedy_orphans_with_ties",
    "thm_3_1_worked",
    "beam_of_siblings",
)


@pytest.fixture(scope="session")
def coq():
    """proofs/coq built (once per session; nothing to do when up to date)."""
    if shutil.which("coqc") is None:
        msg = f"coqc not found; install with: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from proofs.coq_bridge import coq_greedy

    seconds = coq_greedy.build()
    print(f"\n[coq] build: {'%.1f s' % seconds if seconds else 'up to date'}")
    return coq_greedy


# ------------------------------------------------------------------ the proof


def test_no_file_admits_or_assumes_anything():
    files = sorted(COQ.glob("*.v"))
    assert {p.name for p in files} >= {
        "Statement.v",
        "Theorems.v",
        "Assumptions.v",
        "Extract.v",
    }
    bad = re.compile(
        r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture|Admit)\b"
    )
    found = [
        f"{p.name}:{i}: {line.strip()}"
        for p in files
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if bad.search(line)
    ]
    assert not found, found


def test_the_statement_file_defines_every_theorem_statement():
    text = (COQ / "Statement.v").read_text()
    for prop in THEOREMS.values():
        assert re.search(rf"^Definition {prop} : Prop :=", text, re.M), prop
    proofs = (COQ / "Theorems.v").read_text()
    for name, prop in THEOREMS.items():
        assert re.search(rf"^Theorem {name} : {prop}\.", proofs, re.M), name


def test_every_theorem_is_closed_under_the_global_context(coq):
    found = coq.assumptions()
    for name, prop in THEOREMS.items():
        assert name in found, name
        assert found[name]["prop"] == prop, (name, found[name]["prop"])
        assert found[name]["closed"], (name, found[name]["text"])
    for name in EXAMPLES:
        assert found[name]["closed"], (name, found[name]["text"])


def test_every_named_theorem_and_example_is_checked():
    """Each Theorem / Example of the development is in THEOREMS or EXAMPLES, so the
    test above checks its assumptions; Assumptions.v prints every one of them."""
    named = {
        m.group(1)
        for name in ("Theorems.v", "Defects.v", "Paper.v", "Acceptance.v", "Beam.v")
        for m in re.finditer(
            r"^(?:Theorem|Example) (\w+)", (COQ / name).read_text(), re.M
        )
    }
    assert named == set(THEOREMS) | set(EXAMPLES), named ^ (
        set(THEOREMS) | set(EXAMPLES)
    )
    printed = re.findall(
        r"^Print Assumptions (\w+)\.", (COQ / "Assumptions.v").read_text(), re.M
    )
    assert sorted(printed) == sorted(named)


def test_coqchk_rechecks_every_module_without_axioms(coq):
    proc = subprocess.run(
        ["make", "-s", "-C", str(COQ), "check"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    modules = re.findall(r"^(\w+)\.v$", (COQ / "_CoqProject").read_text(), re.M)
    assert "Paper" in modules and "Statement" in modules
    named = proc.stdout.splitlines()[0].split()
    assert named[0] == "coqchk" and named[1:] == [f"AdaServe.{m}" for m in modules], (
        named
    )
    assert proc.stdout.rstrip().endswith("coqchk: every module checked")
    summary = proc.stdout[proc.stdout.index("CONTEXT SUMMARY") :]
    for item in (
        "Axioms",
        "Constants/Inductives relying on type-in-type",
        "Constants/Inductives relying on unsafe (co)fixpoints",
        "Inductives whose positivity is assumed",
    ):
        assert re.search(rf"^\* {re.escape(item)}: <none>$", summary, re.M), (
            item,
            summary,
        )


def test_coqdoc_html_has_every_statement_and_theorem(coq):
    proc = subprocess.run(
        ["make", "-s", "-C", str(COQ), "html"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    html = COQ / "html"
    toc = (html / "toc.html").read_text()
    assert toc.index("AdaServe.Statement") < toc.index("AdaServe.Theorems")
    statement = (html / "AdaServe.Statement.html").read_text()
    theorems = (html / "AdaServe.Theorems.html").read_text()
    for name, prop in THEOREMS.items():
        assert f'id="{prop}"' in statement, prop
    for name in THEOREMS:
        assert f'id="{name}"' in theorems, name


def test_the_build_is_up_to_date_and_not_rebuilt(coq):
    assert coq.is_up_to_date()
    assert coq.build() == 0.0


# ------------------------------------------------------------------ instances


def _hypothesis_instances(n: int) -> list:
    out = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(generators.instances(max_requests=4, max_nodes=9))
    def collect(inst):
        out.append(inst)

    collect()
    return out


GRID = [
    Fraction(1),
    Fraction(1),
    Fraction(1, 2),
    Fraction(1, 4),
    Fraction(3, 4),
    Fraction(0),
    Fraction(9, 10),
]


def _seeded_instance(rng: random.Random):
    """Larger trees than the Hypothesis profile: up to 6 requests of up to 25 nodes,
    conditionals from a grid with 1 and 0 (ties, zero subtrees), shuffled labels."""
    requests = []
    for i in range(rng.randint(0, 6)):
        n = rng.randint(1, 25)
        par = [-1] + [rng.randrange(v) for v in range(1, n)]
        f = [Fraction(1)]
        for v in range(1, n):
            f.append(f[par[v]] * rng.choice(GRID))
        perm = list(range(n))
        rng.shuffle(perm)
        parent, prob = [0] * n, [Fraction(0)] * n
        for v in range(n):
            parent[perm[v]] = -1 if par[v] == -1 else perm[par[v]]
            prob[perm[v]] = f[v]
        mass = sum(f)
        target = rng.choice(
            [
                Fraction(1, 2),
                Fraction(1),
                mass,
                mass + Fraction(1, 1000),
                Fraction(rng.randint(0, 40), 8),
                1 + sum(sorted(f[1:], reverse=True)[: rng.randint(0, n)]),
            ]
        )
        requests.append(
            {
                "id": f"q{i}",
                "target": str(target),
                "parent": parent,
                "prob": [str(x) for x in prob],
            }
        )
    charged = rng.random() < 0.5
    total = sum(len(r["parent"]) - 1 for r in requests)
    budget = rng.randint(0, total + 3) + (
        len(requests) if charged and rng.random() < 0.8 else 0
    )
    return parse_instance(
        {"budget": budget, "root_charged": charged, "requests": requests}
    )


@pytest.fixture(scope="session")
def instances():
    t0 = time.perf_counter()
    rng = random.Random(12)
    out = _hypothesis_instances(2000) + [_seeded_instance(rng) for _ in range(400)]
    print(f"\n[coq] generated {len(out)} instances in {time.perf_counter() - t0:.1f} s")
    return out


def _classes(inst, status) -> set[str]:
    c = {"roots charged" if inst.root_charged else "roots free", status}
    for req in inst.requests:
        t = req.tree
        if any(p != -1 and t.f[v] == t.f[p] for v, p in enumerate(t.parent)):
            c.add("ties")
        if any(x == 0 for x in t.f):
            c.add("zeros")
        if req.target > t.mass:
            c.add("beyond mass")
    return c


# ------------------------------------------------------------------ differential: the
# greedy


def test_extracted_greedy_answers_what_the_reference_answers(coq, instances):
    refs = [solve_reference(inst).to_json() for inst in instances]
    t0 = time.perf_counter()
    mine = coq.solve_many(instances)
    seconds = time.perf_counter() - t0
    print(
        f"\n[coq] greedy: {len(instances)} instances in {seconds:.2f} s "
        f"({len(instances) / seconds:.0f} cases/s, one process)"
    )
    seen: dict[str, int] = {}
    for inst, ref, got in zip(instances, refs, mine):
        for c in _classes(inst, ref["status"]):
            seen[c] = seen.get(c, 0) + 1
        assert got["status"] == ref["status"], inst.to_json()
        assert got.get("selected") == ref.get("selected"), inst.to_json()
        assert got.get("objective") == ref.get("objective"), inst.to_json()
        assert got == ref, inst.to_json()  # certificate and reason too
        if got["status"] == "OK":  # an independent judge of the Coq answer
            assert violations(inst, got["selected"], Fraction(got["objective"])) == []
    for c in (
        "ties",
        "zeros",
        "roots free",
        "roots charged",
        "OK",
        "INVALID",
        "beyond mass",
    ):
        assert seen.get(c, 0) >= 100, (c, seen)


# ------------------------------------------------------------------ differential: the
# checker


def _tampered(inst, sel, rng):
    """The real answer and tampered ones, as (label, Selection)."""
    out = [("real", sel)]
    cert = sel.certificate
    ids = [r.id for r in inst.requests]
    rid = rng.choice(ids) if ids else None

    def with_cert(label, c, **kw):
        out.append(
            (label, dataclasses.replace(sel, certificate=_mathematical(c), **kw))
        )

    if sel.status == "OK" and cert is not None:
        lam = Fraction(cert["lambda"])
        for label, x in (
            ("lambda+", lam + Fraction(1, 1000)),
            ("lambda-", lam - Fraction(1, 1000)),
            ("lambda0", Fraction(0)),
        ):
            with_cert(label, dict(cert, **{"lambda": str(x)}))
        if rid is not None:
            for key in ("counts", "quotas"):
                for d in (1, -1):
                    if cert[key][rid] + d >= 0:
                        with_cert(
                            f"{key}{d:+d}",
                            dict(
                                cert,
                                **{key: dict(cert[key], **{rid: cert[key][rid] + d})},
                            ),
                        )
            if rid in cert["quota_witness"]:
                w = dict(
                    cert["quota_witness"],
                    **{rid: str(Fraction(cert["quota_witness"][rid]) + Fraction(1, 7))},
                )
                with_cert("witness changed", dict(cert, quota_witness=w))
                w = {k: v for k, v in cert["quota_witness"].items() if k != rid}
                with_cert("witness dropped", dict(cert, quota_witness=w))
            tree, chosen = inst.request(rid).tree, set(sel.selected[rid])
            leaves = sorted(
                v
                for v in chosen
                if v != tree.root and not set(tree.children[v]) & chosen
            )
            front = sorted(
                v for v in tree.non_root if v not in chosen and tree.parent[v] in chosen
            )

            def moved(nodes):
                s = dict(sel.selected, **{rid: tuple(sorted(nodes))})
                return s, sum(
                    (inst.request(i).tree.value(s[i]) for i in ids), Fraction(0)
                )

            if leaves and front:
                s, obj = moved((chosen - {rng.choice(leaves)}) | {rng.choice(front)})
                with_cert("node swapped", cert, selected=s, objective=obj)
            if front:
                s, obj = moved(chosen | {rng.choice(front)})
                with_cert(
                    "node added",
                    dict(
                        cert,
                        counts=dict(cert["counts"], **{rid: cert["counts"][rid] + 1}),
                    ),
                    selected=s,
                    objective=obj,
                )
            if leaves:
                s, obj = moved(chosen - {rng.choice(leaves)})
                with_cert(
                    "node dropped",
                    dict(
                        cert,
                        counts=dict(cert["counts"], **{rid: cert["counts"][rid] - 1}),
                    ),
                    selected=s,
                    objective=obj,
                )
            with_cert("objective off", cert, objective=sel.objective + Fraction(1, 100))
        with_cert("kind invalid", dict(cert, kind="invalid"))
        inv = {
            "kind": "invalid",
            "min_counts": dict(cert["quotas"]),
            "witness": {
                r: {"best_with_one_less": w} for r, w in cert["quota_witness"].items()
            },
        }
        with_cert(
            "claims INVALID", inv, status="INVALID", selected=None, objective=None
        )
        with_cert("no certificate", None)
    if sel.status == "INVALID":
        mc, wit = cert["min_counts"], cert["witness"]
        if rid is not None:
            k = mc[rid]
            if k == "unreachable":
                with_cert(
                    "unreachable -> 0", dict(cert, min_counts=dict(mc, **{rid: 0}))
                )
            else:
                with_cert("count+1", dict(cert, min_counts=dict(mc, **{rid: k + 1})))
                if k > 0:
                    with_cert(
                        "count-1", dict(cert, min_counts=dict(mc, **{rid: k - 1}))
                    )
                with_cert(
                    "-> unreachable",
                    dict(cert, min_counts=dict(mc, **{rid: "unreachable"})),
                )
                if "best_with_one_less" in wit.get(rid, {}):
                    x = Fraction(wit[rid]["best_with_one_less"]) - Fraction(1, 9)
                    with_cert(
                        "witness changed",
                        dict(
                            cert,
                            witness=dict(wit, **{rid: {"best_with_one_less": str(x)}}),
                        ),
                    )
        roots = {r.id: (r.tree.root,) for r in inst.requests}
        oc = {
            "kind": "optimal",
            "counts": {i: 0 for i in ids},
            "quotas": {i: 0 for i in ids},
            "quota_witness": {},
            "lambda": "0",
        }
        with_cert(
            "claims OK (roots)",
            oc,
            status="OK",
            selected=roots,
            objective=sum((r.tree.f[r.tree.root] for r in inst.requests), Fraction(0)),
        )
    return out


INFORMATIONAL = ("node_budget", "sum_min_counts", "budget_spent", "all_nodes_selected")


def _mathematical(cert):
    """A tampered certificate without what only verify/checks/certificate.py reads.

    The Coq checker decides the mathematical conditions (counts, witnesses, lambda);
    the Python checker also rejects informational fields that lie and witnesses a
    count of 0 does not need (docs/certificates.md; tests/test_hostile_inputs.py).
    Tampering a count leaves those stale, so they are dropped here and the two
    checkers are compared on what both decide.
    """
    if not isinstance(cert, dict):
        return cert
    cert = {k: v for k, v in cert.items() if k not in INFORMATIONAL}
    if cert.get("kind") == "invalid" and isinstance(cert.get("witness"), dict):
        cert["witness"] = {
            r: w for r, w in cert["witness"].items() if cert["min_counts"].get(r) != 0
        }
    if cert.get("kind") == "optimal" and isinstance(cert.get("quota_witness"), dict):
        cert["quota_witness"] = {
            r: w for r, w in cert["quota_witness"].items() if cert["quotas"].get(r) != 0
        }
    return cert


def test_extracted_checker_agrees_with_verify_certificate(coq, instances):
    rng = random.Random(7)
    cases = [
        (inst, label, s)
        for inst in instances
        for label, s in _tampered(inst, solve_reference(inst), rng)
    ]
    expected = [certificate_problems(inst, s) == [] for inst, _, s in cases]
    payload = [(inst, s.to_json()) for inst, _, s in cases]
    t0 = time.perf_counter()
    got = coq.check_many(payload)
    seconds = time.perf_counter() - t0
    reached = sum(
        1
        for inst, s in payload
        if (line := coq.check_line(inst, s)) and not line.endswith(" NONE")
    )
    print(
        f"\n[coq] checker: {len(cases)} certificates in {seconds:.2f} s"
        f" ({len(cases) / seconds:.0f}/s); {reached} reached the extracted checker with"
        " a certificate"
    )
    wrong = [
        (label, e, g, inst.to_json())
        for (inst, label, _), e, g in zip(cases, expected, got)
        if e != g
    ]
    assert not wrong, wrong[:3]
    assert (
        sum(expected) >= 2000 and len(expected) - sum(expected) >= 8000
    )  # both verdicts, many times
    assert all(e for (_, label, _), e in zip(cases, expected) if label == "real")
    assert reached >= 0.8 * len(cases)


# ------------------------------------------------------------------ the command line


def _cli(*args, stdin: str, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "proofs", "coq-greedy", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def test_cli_prints_the_selection_json_that_verify_solve_prints(coq):
    example = (ROOT / "examples" / "two-requests.json").read_text()
    proc = _cli(stdin=example)
    assert proc.returncode == 0, proc.stderr
    ref = solve_reference(parse_instance(json.loads(example))).to_json()
    assert json.loads(proc.stdout) == ref
    lines = [
        json.dumps(inst)
        for inst in (
            json.loads(example),
            {"budget": 0, "requests": []},
            dict(json.loads(example), budget=0),
        )
    ]
    proc = _cli("--jsonl", stdin="\n".join(lines))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["status"] for x in proc.stdout.splitlines()] == [
        "OK",
        "OK",
        "INVALID",
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "invalid JSON"),
        ('{"budget": 1.5, "requests": []}', "budget: must be an integer >= 0"),
        (
            (
                '{"budget": 1, "requests": [{"id": "r", "target": 1, "parent": [-1, 0],'
                ' "prob": [1, "0.5", 1]}]}'
            ),
            "has 3 values but parent has 2 nodes",
        ),
        (
            (
                '{"budget": 1, "requests": [{"id": "r", "target": 1, "parent": [-1, 0],'
                ' "prob": [1, 2]}]}'
            ),
            "outside [0, 1]",
        ),
    ],
)
def test_cli_rejects_bad_input_with_one_line_and_exit_2(coq, text, message):
    proc = _cli(stdin=text)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr, (
        proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_test_solver_accepts_the_extracted_greedy(coq):
    # one process per call (the plain --cmd contract), a few cases
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "test-solver",
            "--cmd",
            f"{sys.executable} -m proofs coq-greedy",
            "--examples",
            "8",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_test_solver_accepts_the_extracted_greedy_on_the_default_profile_over_jsonl(
    coq,
):
    # the whole default profile (300 cases per property), one program per property
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "test-solver",
            "--cmd",
            f"{sys.executable} -m proofs coq-greedy --jsonl",
            "--jsonl",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "0 broken, 9 hold, 0 inconclusive (of 9 properties)" in proc.stdout

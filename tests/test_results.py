"""docs/results.md is what ``python -m verify results`` renders, from runs of the
committed code.

(i)   rendering the committed raw JSON (docs/results/*.json) gives docs/results.md byte
      for byte;
(ii)  the runs were made with the current code (same fingerprint), else the page is
      stale;
(iii) the renderer on a small hand-written run gives the rows written out by hand below.
"""

from __future__ import annotations

import copy
import json

import pytest

from verify.commands import results as R
from verify.commands.cli import main as cli_main


def committed_runs() -> dict:
    runs = R.load_runs(R.RESULTS_DIR, "thorough")
    if not runs:
        pytest.fail(
            "docs/results/ holds no raw results: run python -m verify results --run"
        )
    return runs


# ------------------------------------------------------------------ (i) and (ii): the
# committed files


def test_committed_page_is_the_rendering_of_the_committed_runs():
    assert set(committed_runs()) == set(R.RUNS), "a run is missing: " + R.STALE
    text = R.render(committed_runs())
    if R.RESULTS_MD.read_text(encoding="utf-8") != text:
        pytest.fail(
            "docs/results.md differs from the rendering of docs/results/*.json: "
            "run python -m verify results (and never edit docs/results.md by hand)"
        )


def test_committed_runs_were_made_with_the_current_code():
    stale = R.stale_runs(committed_runs())
    if stale:
        pytest.fail(R.STALE, pytrace=False)


def test_committed_suite_run_is_thorough_and_replayable():
    suite = committed_runs()["suite"]
    assert (suite["profile"], suite["seed"]) == ("thorough", 0)
    files = {f["file"] for f in suite["findings"]}
    on_disk = {f"docs/results/{p.name}" for p in R.RESULTS_DIR.glob("finding-*.json")}
    assert files == on_disk  # no report of an older run left behind, none missing
    n_cex = sum(r["verdict"] == "counterexample" for r in suite["output"]["results"])
    assert len(files) == n_cex


# ------------------------------------------------------------------ (iii): a
# hand-written run

FP = "0" * 64


def tiny_runs() -> dict:
    """Three raw runs written by hand (not produced by the code under test)."""
    common = {
        "schema": R.SCHEMA,
        "seed": 0,
        "jobs": 1,
        "fingerprint": FP,
        "platform": "Linux x86_64",
        "cpus": 2,
        "started": "2026-01-02 03:04 UTC",
        "versions": {"python": "3.11.7", "z3-solver": "4.12.0"},
    }
    suite = {
        **common,
        "run": "suite",
        "profile": "thorough",
        "wall_seconds": 125.0,
        "exit_code": 0,
        "command": (
            "python -m verify suite --profile thorough --seed 0 --jobs 1 --json FILE"
        ),
        "findings": [
            {
                "claim": "RULE-BUDGET",
                "solver": "paper-alg1",
                "file": "docs/results/finding-01-x.json",
                "replay": "python -m verify replay docs/results/finding-01-x.json",
                "rerun": "python -m verify suite --claims RULE-BUDGET",
            }
        ],
        "output": {
            "profile": "thorough",
            "seed": 0,
            "seconds": 124.5,
            "exit_code": 0,
            "class_shares": {"prob": {"grid": 0.25, "strict": 0.75}},
            "results": [
                {
                    "claim": "THM-P2",
                    "paper": "App. C part 2",
                    "method": "sampled, vs tree DP",
                    "solver": "reference",
                    "must_hold": True,
                    "verdict": "verified",
                    "cases": 1500,
                    "seed": 0,
                    "seconds": 7.25,
                    "classes": {},
                    "counterexample": None,
                    "note": None,
                },
                {
                    "claim": "RULE-BUDGET",
                    "paper": "Sec. 3 (budget)",
                    "method": "sampled, exact count",
                    "solver": "paper-alg1",
                    "must_hold": False,
                    "verdict": "counterexample",
                    "cases": 8,
                    "seed": 0,
                    "seconds": 0.5,
                    "classes": {},
                    "note": None,
                    "counterexample": {
                        "condition": (
                            "budget: uses 1 non-root nodes (roots free) of budget 0"
                        ),
                        "summary": "B=0 roots free | r0: A=1 parent=[-1,0] f=[1,1]",
                        "instance": {
                            "budget": 0,
                            "requests": [
                                {
                                    "id": "r0",
                                    "target": "1",
                                    "parent": [-1, 0, 1],
                                    "cond": ["1", "1/2", "0.5"],
                                }
                            ],
                        },
                        "output": {
                            "status": "OK",
                            "selected": {"r0": [0, 1]},
                            "objective": "3/2",
                        },
                    },
                },
                {
                    "claim": "THM-4.1/ties",
                    "paper": "Thm 4.1, premise dropped",
                    "method": "sampled",
                    "solver": None,
                    "must_hold": False,
                    "verdict": "verified",
                    "cases": 1500,
                    "seed": 0,
                    "seconds": 2.0,
                    "classes": {},
                    "counterexample": None,
                    "note": None,
                },
            ],
        },
    }

    def proofs(ties: bool, rows: list, cexs: list) -> dict:
        premise = "f(child) <= f(parent)" if ties else "f(child) < f(parent)"
        return {
            **common,
            "run": "proofs-ties" if ties else "proofs-strict",
            "profile": "ties" if ties else "strict",
            "command": (
                "python -m proofs --max-nodes 3"
                + (" --allow-ties" if ties else "")
                + " --json"
            ),
            "wall_seconds": 3.0,
            "exit_code": 1 if cexs else 0,
            "output": {
                "schema": "adaserve-verify/proofs/1",
                "exit_code": 1 if cexs else 0,
                "wall_seconds": 2.9,
                "settings": {
                    "max_nodes": 3,
                    "pair_max": 0,
                    "claims": ["APP-B"],
                    "greedies": ["paper"],
                    "allow_ties": ties,
                    "premise": f"real f, {premise}",
                    "shapes_per_n": {"1": 1, "2": 1, "3": 2},
                    "jobs": 1,
                    "timeout": 120.0,
                    "seed": 0,
                },
                "rows": rows,
                "counterexamples": cexs,
            },
        }

    def row(n, shapes, cex, result):
        return {
            "claim": "APP-B",
            "greedy": "paper",
            "n": n,
            "shapes": shapes,
            "queries": shapes,
            "counterexamples": cex,
            "unknown": 0,
            "seconds": 0.25,
            "result": result,
        }

    strict = proofs(False, [row(2, 1, 0, "proved"), row(3, 2, 0, "proved")], [])
    ties = proofs(
        True,
        [row(2, 1, 0, "proved"), row(3, 2, 1, "counterexample")],
        [
            {
                "claim": "APP-B",
                "greedy": "paper",
                "n": 3,
                "shape": "012",
                "instance": {
                    "budget": 1,
                    "root_charged": True,
                    "requests": [
                        {
                            "id": "r0",
                            "target": "1",
                            "parent": [-1, 2, 0],
                            "prob": ["1", "0.5", "1/2"],
                        }
                    ],
                },
                "replay": {
                    "algorithm": "Algorithm 1",
                    "verdict": "infeasible: rooted",
                    "confirmed": True,
                },
            }
        ],
    )
    coq = {
        **common,
        "run": "coq",
        "command": "make -C proofs/coq clean all check; coqc Assumptions.v",
        "versions": {"coq": "8.16.1", "mathcomp": "1.15.0", "ocaml": "4.13.1"},
        "wall_seconds": 40.0,
        "exit_code": 0,
        "output": {
            "build_seconds": 25.0,
            "coqchk_seconds": 15.0,
            "coqchk_summary": ["* Theory: Set is predicative", "* Axioms: <none>"],
            "theorems": [
                {
                    "theorem": "thm_p2_optimal",
                    "statement": "THM_P2_optimal",
                    "assumptions": "Closed under the global context",
                }
            ],
        },
    }
    return {"suite": suite, "proofs-strict": strict, "proofs-ties": ties, "coq": coq}


def test_renderer_on_a_hand_written_run_gives_the_expected_rows():
    page = R.render(tiny_runs()).splitlines()
    expected = [
        (
            "| suite | `python -m verify suite --profile thorough --seed 0 --jobs 1"
            " --json FILE` | 2026-01-02 03:04 UTC | 2 min 05 s | 0 |"
        ),
        (
            "| THM-P2 | App. C part 2 | reference | sampled, vs tree DP | 1500 cases |"
            " verified | 7.2 s |"
        ),
        (
            "| RULE-BUDGET | Sec. 3 (budget) | paper-alg1 | sampled, exact count | 8"
            " cases | counterexample (finding) | 0.5 s |"
        ),
        (
            "| THM-4.1/ties | Thm 4.1, premise dropped | – | sampled | 1500 cases |"
            " verified (no finding) | 2.0 s |"
        ),
        (
            "| APP-B | App. B | paper GetTop (all unselected) | bounded-exhaustive, Z3,"
            " f(child) < f(parent) | 3 shapes, 2..3 nodes | proved | 0.5 s |"
        ),
        (
            "| APP-B | App. B | paper GetTop (all unselected) | bounded-exhaustive, Z3,"
            " f(child) <= f(parent) | 3 shapes, 2..3 nodes | counterexample on 1 of 3"
            " (finding) | 0.5 s |"
        ),
        # the finding's minimal instance: f from the conditionals 1, 1/2, 0.5
        "| r0 | 1 | [-1,0,1] | [1,1/2,1/4] | 0 | roots free |",
        "python -m verify replay docs/results/finding-01-x.json",
        "| r0 | 1 | [-1,2,0] | [1,1/2,1/2] | 1 | roots charged |",
        "python -m proofs --allow-ties --claims APP-B --greedy paper --max-nodes 3",
        "| APP-B | paper | 3 | 2 | 2 | cex 1/2 | 0.25 |",
        "| prob | grid 25%, strict 75% |",
        "## Coq: every size",
        "| thm_p2_optimal | THM_P2_optimal | Closed under the global context |",
        "coqchk context summary: Theory: Set is predicative; Axioms: <none>.",
    ]
    for line in expected:
        assert line in page, line
    assert page[0] == "# Results"
    assert any(
        "Generated by `python -m verify results`" in x and "Never edit by hand" in x
        for x in page
    )
    assert (
        sum(x.startswith("### ") and "RULE-BUDGET on paper-alg1" in x for x in page)
        == 1
    )
    assert f"`{FP}`" in "\n".join(page)


def test_renderer_reacts_to_every_input_it_shows():
    base = R.render(tiny_runs())
    for edit in (
        lambda r: r["suite"]["output"]["results"][0].update(verdict="counterexample"),
        lambda r: r["suite"]["output"]["results"][1]["counterexample"][
            "instance"
        ].update(budget=5),
        lambda r: r["proofs-ties"]["output"]["rows"][1].update(
            result="proved", counterexamples=0
        ),
        lambda r: r["proofs-strict"].update(fingerprint="1" * 64),
        lambda r: r["coq"]["output"]["theorems"][0].update(assumptions="Axioms: foo"),
        lambda r: r["coq"]["versions"].update(mathcomp="2.2.0"),
    ):
        runs = copy.deepcopy(tiny_runs())
        edit(runs)
        assert R.render(runs) != base


def test_stale_runs_are_detected():
    runs = tiny_runs()
    assert R.stale_runs(runs, current=FP, current_coq=FP) == []
    runs["proofs-ties"]["fingerprint"] = "f" * 64
    assert R.stale_runs(runs, current=FP, current_coq=FP) == ["proofs-ties"]
    assert R.stale_runs(runs, current=FP, current_coq="c" * 64) == [
        "proofs-ties",
        "coq",
    ]


def test_fingerprint_covers_code_and_pyproject(tmp_path):
    for d in R.FINGERPRINT_DIRS:
        (tmp_path / d / "sub").mkdir(parents=True)
        (tmp_path / d / "sub" / "m.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text('version = "1"\n')
    (tmp_path / "notes.txt").write_text("not code")
    before = R.fingerprint(tmp_path)
    (tmp_path / "notes.txt").write_text("still not code")
    assert R.fingerprint(tmp_path) == before
    (tmp_path / "proofs" / "sub" / "m.py").write_text("x = 2\n")
    assert R.fingerprint(tmp_path) != before
    after = R.fingerprint(tmp_path)
    (tmp_path / "pyproject.toml").write_text('version = "2"\n')
    assert R.fingerprint(tmp_path) != after


def test_check_mode_and_rerender(tmp_path, capsys):
    runs = tiny_runs()
    for key, raw in runs.items():
        name = R.suite_file("thorough") if key == "suite" else f"{key}.json"
        (tmp_path / name).write_text(json.dumps(raw))
    md = tmp_path / "results.md"
    assert cli_main(["results", "--dir", str(tmp_path), "--md", str(md)]) == 0
    assert md.read_text(encoding="utf-8") == R.render(runs)
    # hand-written runs carry a fake fingerprint: --check calls the page stale
    assert (
        cli_main(["results", "--check", "--dir", str(tmp_path), "--md", str(md)]) == 1
    )
    assert R.STALE in capsys.readouterr().err
    for key, raw in runs.items():
        raw["fingerprint"] = R.coq_fingerprint() if key == "coq" else R.fingerprint()
    for key, raw in runs.items():
        name = R.suite_file("thorough") if key == "suite" else f"{key}.json"
        (tmp_path / name).write_text(json.dumps(raw))
    md.write_text(R.render(runs), encoding="utf-8")
    assert (
        cli_main(["results", "--check", "--dir", str(tmp_path), "--md", str(md)]) == 0
    )
    md.write_text(R.render(runs) + "edited by hand\n", encoding="utf-8")
    assert (
        cli_main(["results", "--check", "--dir", str(tmp_path), "--md", str(md)]) == 1
    )
    # the Coq run missing, or made with other Coq sources: stale
    (tmp_path / "coq.json").unlink()
    md.write_text(
        R.render({k: r for k, r in runs.items() if k != "coq"}), encoding="utf-8"
    )
    assert (
        cli_main(["results", "--check", "--dir", str(tmp_path), "--md", str(md)]) == 1
    )
    assert "coq (missing)" in capsys.readouterr().err
    runs["coq"]["fingerprint"] = "c" * 64
    (tmp_path / "coq.json").write_text(json.dumps(runs["coq"]))
    md.write_text(R.render(runs), encoding="utf-8")
    assert (
        cli_main(["results", "--check", "--dir", str(tmp_path), "--md", str(md)]) == 1
    )
    assert "coq" in capsys.readouterr().err


def test_coq_fingerprint_covers_the_coq_sources(tmp_path):
    for name in ("A.v", "_CoqProject", "Makefile", "driver.ml", "notes.txt"):
        (tmp_path / name).write_text("x\n")
    before = R.coq_fingerprint(tmp_path)
    (tmp_path / "notes.txt").write_text("y\n")
    assert R.coq_fingerprint(tmp_path) == before
    for name in ("A.v", "_CoqProject", "Makefile", "driver.ml"):
        (tmp_path / name).write_text("changed\n")
        assert R.coq_fingerprint(tmp_path) != before, name
        before = R.coq_fingerprint(tmp_path)


def test_usage_errors(tmp_path, capsys):
    assert cli_main(["results", "--run", "--only", "nonsense"]) == 2
    assert "unknown run" in capsys.readouterr().err
    assert (
        cli_main(
            [
                "results",
                "--dir",
                str(tmp_path / "empty"),
                "--md",
                str(tmp_path / "x.md"),
            ]
        )
        == 2
    )


# ------------------------------------------------------------------ the documents
# around the results


def test_docs_index_links_every_document():
    import re

    docs = R.ROOT / "docs"
    index = (docs / "index.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(([^)#]+)\)", index))
    missing = sorted(
        p.name
        for p in docs.glob("*.md")
        if p.name != "index.md" and p.name not in links
    )
    assert not missing, f"docs/index.md does not link {', '.join(missing)}"
    broken = sorted(link for link in links if not (docs / link).exists())
    assert not broken, f"docs/index.md links missing files: {', '.join(broken)}"

"""docs/results.md: the generated record of a thorough suite run and the proofs runs.

Terminology
-----------
*run*          one of the four measured runs: the thorough suite, the strict
               proofs run, the proofs run with ties, the Coq run (build from
               clean, coqchk, each theorem's Print Assumptions) (:data:`RUNS`).
*raw JSON*     what a run wrote to ``docs/results/<run>.json``: the tool's own JSON
               (``verify.commands.suite.to_json`` or ``python -m proofs --json``) under
               ``output``, wrapped with the command, seed, profile, library
               versions, wall time and the code *fingerprint*.
*fingerprint*  sha256 over every ``.py`` file of ``solver/``, ``verify/``,
               ``proofs/`` and over ``pyproject.toml``, in path order (path and
               bytes of each): the code a run measured.  The Coq run's is
               :func:`coq_fingerprint`, over the Coq sources.
*finding*      a counterexample (on a paper-literal variant, an exploratory claim,
               or a must-hold claim); each gets a replayable report
               ``docs/results/finding-NN-....json`` (docs/reports.md).

``python -m verify results --run`` redoes the runs and renders; without ``--run`` it
only renders docs/results.md (and docs/results.html,
:mod:`verify.commands.results_html`) from the committed raw JSON (seconds). ``--check``
renders in memory and exits 1 if docs/results.md differs or the runs were made with
other code (tests/test_results.py does the same). The page is a pure function of the raw
JSON: the same files give the same bytes."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from solver.exit_codes import ExitCode
from solver.verdicts import ClaimVerdict

# re-exported (``name as name``): results.FINGERPRINT_DIRS
from verify.run.fingerprint import FINGERPRINT_DIRS as FINGERPRINT_DIRS
from verify.run.fingerprint import fingerprint

# verify/commands/results.py -> the project root
ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "docs" / "results"
RESULTS_MD = ROOT / "docs" / "results.md"
SCHEMA = "adaserve-verify/results-run/1"
STALE = "docs/results.md is stale: run python -m verify results --run"

# The proofs runs the README cites: every shape up to 10 nodes, every ordered pair up to
# 4.
PROOF_BOUNDS = ("--max-nodes", "10", "--pair-max", "4")
COQ_RUN = "coq"  # make -C proofs/coq from clean, coqchk, Print Assumptions (every size)
RUNS = ("suite", "proofs-strict", "proofs-ties", COQ_RUN)
PROOF_RUNS = ("proofs-strict", "proofs-ties")
COQ_DIR = ROOT / "proofs" / "coq"
COQ_SOURCES = ("*.v", "_CoqProject", "Makefile", "driver.ml")
PROOF_PAPER = {
    "APP-B": "App. B",
    "LEM-C1": "Lemma C.1",
    "LEM-C2": "Lemma C.2",
    "THM-P1": "App. C part 1",
    "THM-P2": "App. C part 2",
    "RUN-PERM": "(encoding: one pick per step)",
    "RUN": "(encoding: a run exists, picks sorted)",
    "RUN-PAIR": "(encoding: two-request run)",
}
PAIR_CLAIMS = ("RUN-PAIR", "THM-P1", "THM-P2")
GREEDY_LABEL = {
    "frontier": "frontier greedy (reference GetTop)",
    "paper": "paper GetTop (all unselected)",
    "any": "loop skeleton (both greedies)",
}


# ------------------------------------------------------------------ recording


def suite_file(profile: str) -> str:
    """The raw JSON file name of a suite run: ``suite-thorough.json`` for the committed
    one."""
    return f"suite-{profile}.json"


def _environment() -> dict:
    from verify.report.facts import versions

    return {
        "versions": versions(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "started": (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        ),
    }


def _write_json(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=2)
        fh.write("\n")


def _shown(path: Path) -> str:
    """A path as the page shows it: relative to the project root when inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def run_suite(
    profile: str,
    seed: int,
    jobs: int,
    out_dir: Path,
    progress: Callable[[str], object] | None = None,
) -> dict:
    """Run the suite in-process; write its raw JSON and one replayable report per
    finding."""
    from verify.commands import suite
    from verify.report.finding import finding, slug
    from verify.subject.spec import SolverSpec

    env, fp = _environment(), fingerprint()
    start = time.perf_counter()
    results = suite.run(suite.plan(profile, seed), jobs, progress=progress)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("finding-*.json"):  # findings of an earlier run
        old.unlink()
    replays, n = [], 0
    for r in results:
        if r.verdict != ClaimVerdict.COUNTEREXAMPLE:
            continue
        n += 1
        name = (
            f"finding-{n:02d}-{slug(r.claim)}"
            + (f"-{slug(r.solver)}" if r.solver else "")
            + ".json"
        )
        who = f" --solver {r.solver}" if r.solver else ""
        rep = finding(
            r,
            SolverSpec.for_suite(r.solver) if r.solver else None,
            rerun=(
                f"python -m verify suite --profile {profile} --seed {seed}{who}"
                f" --claims {r.claim}"
            ),
            options={"profile": profile, "seed": seed},
        )
        shown = _shown(out_dir / name)
        rep["replay"] = f"python -m verify replay {shown}"
        _write_json(out_dir / name, rep)
        replays.append(
            {
                "claim": r.claim,
                "solver": r.solver,
                "file": shown,
                "replay": rep["replay"],
                "rerun": rep["rerun"],
            }
        )
    raw = {
        "schema": SCHEMA,
        "run": "suite",
        "command": (
            f"python -m verify suite --profile {profile} --seed {seed} --jobs {jobs}"
            " --json FILE"
        ),
        "profile": profile,
        "seed": seed,
        "jobs": jobs,
        **env,
        "wall_seconds": round(seconds, 1),
        "fingerprint": fp,
        "exit_code": suite.exit_code(results),
        "findings": replays,
        "output": suite.to_json(results, profile, seed, seconds),
    }
    _write_json(out_dir / suite_file(profile), raw)
    return raw


def run_proofs(name: str, seed: int, jobs: int, out_dir: Path) -> dict:
    """Run ``python -m proofs`` (strict or with ties) in a subprocess; write its raw
    JSON."""
    ties = name == "proofs-ties"
    args = [*PROOF_BOUNDS, "--jobs", str(jobs), "--seed", str(seed)] + (
        ["--allow-ties"] if ties else []
    )
    env, fp = _environment(), fingerprint()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "proofs", *args, "--json", "--out", tmp],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        raise RuntimeError(
            f"python -m proofs {' '.join(args)} failed with exit {proc.returncode}"
        )
    output = json.loads(proc.stdout)
    for c in output.get("counterexamples", []):
        c.pop("files", None)  # written to a temporary directory; the instance is inline
    raw = {
        "schema": SCHEMA,
        "run": name,
        "command": "python -m proofs " + " ".join(args) + " --json",
        "profile": "ties" if ties else "strict",
        "seed": seed,
        "jobs": jobs,
        **env,
        "wall_seconds": round(seconds, 1),
        "fingerprint": fp,
        "exit_code": proc.returncode,
        "output": output,
    }
    _write_json(out_dir / f"{name}.json", raw)
    return raw


def coq_fingerprint(coq_dir: Path = COQ_DIR) -> str:
    """sha256 over the Coq development: its ``.v`` files, _CoqProject, Makefile and
    driver.ml (name and bytes of each, in name order)."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted({p for pat in COQ_SOURCES for p in coq_dir.glob(pat)}):
        data = p.read_bytes()
        h.update(p.name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def _coq_versions() -> dict:
    """Coq and OCaml from ``coqc --version``; MathComp from dpkg or opam."""
    words = subprocess.run(
        ["coqc", "--version"], capture_output=True, text=True
    ).stdout.split()
    coq = words[words.index("version") + 1] if "version" in words else None
    versions = {
        "coq": coq,
        "mathcomp": None,
        "ocaml": words[-1] if "OCaml" in words else None,
    }
    for cmd in (
        ["dpkg-query", "-W", "-f", "${Version}", "libcoq-mathcomp-ssreflect"],
        ["opam", "show", "-f", "version", "coq-mathcomp-ssreflect"],
    ):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if proc.returncode == 0 and proc.stdout.strip():
            versions["mathcomp"] = proc.stdout.strip().split("-")[0]
            break
    return versions


def parse_assumptions(names: list[str], text: str) -> list[dict]:
    r"""coqc's output for ``Check n. Print Assumptions n.``: each theorem's type and
    what it depends on (a concrete example's type is shown as such).

    >>> parse_assumptions(["t"], "t\n     : T_prop\nClosed under the global context\n")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'theorem': 't', 'statement': 'T_prop',
      'assumptions': 'Closed under the global context'}]
    """
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln in names]
    out = []
    for k, i in enumerate(starts):
        block = lines[i + 1 : starts[k + 1] if k + 1 < len(starts) else len(lines)]
        typ = [ln.strip() for ln in block if ln.startswith(" ")]
        rest = [ln.strip() for ln in block if ln.strip() and not ln.startswith(" ")]
        statement = typ[0].lstrip(":").strip() if typ else ""
        if statement == "is_true":  # an Example: a boolean computed on an instance
            statement = "(a concrete instance, by computation)"
        out.append(
            {"theorem": lines[i], "statement": statement, "assumptions": " ".join(rest)}
        )
    return out


def run_coq(out_dir: Path) -> dict:
    """Build proofs/coq from clean, re-check it with coqchk, print every theorem's
    assumptions; write the raw JSON of the ``coq`` run."""

    def make(*args: str) -> tuple[float, subprocess.CompletedProcess]:
        start = time.perf_counter()
        proc = subprocess.run(
            ["make", "-s", "-C", str(COQ_DIR), *args], capture_output=True, text=True
        )
        return time.perf_counter() - start, proc

    env = {**_environment(), "versions": _coq_versions()}
    make("clean")
    build_seconds, build = make()
    check_seconds, check = make("check") if build.returncode == 0 else (None, build)
    src = (COQ_DIR / "Assumptions.v").read_text(encoding="utf-8")
    names = [
        ln.split()[2].rstrip(".")
        for ln in src.splitlines()
        if ln.startswith("Print Assumptions ")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "Assumptions.v").write_text(src, encoding="utf-8")
        proc = subprocess.run(
            [
                "coqc",
                "-q",
                "-Q",
                str(COQ_DIR),
                "AdaServe",
                str(Path(tmp) / "Assumptions.v"),
            ],
            capture_output=True,
            text=True,
        )
    start = check.stdout.find("CONTEXT SUMMARY")
    summary = check.stdout[start:].splitlines() if start >= 0 else []
    output = {
        "build_seconds": round(build_seconds, 1),
        "coqchk_seconds": check_seconds and round(check_seconds, 1),
        "coqchk_summary": [ln.strip() for ln in summary if ln.startswith("* ")],
        "theorems": parse_assumptions(names, proc.stdout),
    }
    raw = {
        "schema": SCHEMA,
        "run": COQ_RUN,
        "command": "make -C proofs/coq clean all check; coqc Assumptions.v",
        **env,
        "wall_seconds": round(build_seconds + (check_seconds or 0), 1),
        "fingerprint": coq_fingerprint(),
        "exit_code": build.returncode or check.returncode or proc.returncode,
        "output": output,
    }
    _write_json(out_dir / f"{COQ_RUN}.json", raw)
    return raw


# ------------------------------------------------------------------ rendering helpers


def cell(x) -> str:
    """A value as a markdown table cell: ``|`` escaped, lists comma-separated.

    >>> cell("B=0 roots free | r0"), cell([-1, 0, 1]), cell(None)
    ('B=0 roots free \\\\| r0', '[-1,0,1]', '–')
    """
    if x is None:
        return "–"
    if isinstance(x, list):
        return "[" + ",".join(str(v) for v in x) + "]"
    return str(x).replace("|", "\\|").replace("\n", " ")


def secs(x: Optional[float]) -> str:
    """``12.3 s`` (one decimal), ``4 min 05 s`` from 100 s on.

    >>> secs(0.04), secs(12.34), secs(245.2)
    ('0.0 s', '12.3 s', '4 min 05 s')
    """
    if x is None:
        return "–"
    if x < 100:
        return f"{x:.1f} s"
    m, s = divmod(int(round(x)), 60)
    return f"{m} min {s:02d} s"


def table(head: Iterable[str], rows: Iterable[Iterable], align: str = "") -> list[str]:
    """A markdown table; ``align`` has one letter per column (``l`` or ``r``).

    >>> print("\\n".join(table(["a", "n"], [["x", 1]], "lr")))
    | a | n |
    |---|--:|
    | x | 1 |
    """
    head = list(head)
    align = align or "l" * len(head)
    out = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|",
    ]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out


def instance_table(instance: dict) -> list[str]:
    """One row per request: request, target, parent, f per node, budget, convention."""
    from solver.numbers import fraction_str
    from solver.parse import parse_instance

    conv = "roots charged" if instance.get("root_charged") else "roots free"
    # f from prob, or products of cond
    parsed = parse_instance(instance, allow_nonmonotone=True)
    rows = [
        [
            r["id"],
            r.get("target", 0),
            r["parent"],
            [fraction_str(x) for x in p.tree.f],
            instance["budget"],
            conv,
        ]
        for r, p in zip(instance["requests"], parsed.requests)
    ]
    return table(
        ["request", "target", "parent", "f per node", "budget", "convention"],
        rows,
        "llllrl",
    )


def suite_verdict(r: dict) -> str:
    """The verdict as the suite's table shows it (findings marked on non-must-hold
    rows)."""
    if not r["must_hold"] and r["verdict"] == ClaimVerdict.COUNTEREXAMPLE:
        return "counterexample (finding)"
    if not r["must_hold"] and r["verdict"] == ClaimVerdict.VERIFIED:
        return "verified (no finding)"
    return r["verdict"]


def proof_groups(raw: dict) -> list[dict]:
    """The proofs rows grouped per (claim, greedy): bound, queries, verdict, solver
    seconds."""
    out = raw["output"]
    ties = out["settings"].get("allow_ties", False)
    groups: dict[tuple, dict] = {}
    for r in out["rows"]:
        g = groups.setdefault(
            (r["claim"], r["greedy"]),
            {
                "claim": r["claim"],
                "greedy": r["greedy"],
                "shapes": 0,
                "queries": 0,
                "cex": 0,
                "unknown": 0,
                "seconds": 0.0,
                "n": [],
            },
        )
        g["shapes"] += r["shapes"]
        g["queries"] += r["queries"]
        g["cex"] += r.get("counterexamples", 0)
        g["unknown"] += r.get("unknown", 0)
        g["seconds"] += r["seconds"]
        g["n"].append(r["n"])
    for g in groups.values():
        pair = g["claim"] in PAIR_CLAIMS
        lo, hi = min(g["n"]), max(g["n"])
        what = (
            "ordered pairs of shapes"
            if pair
            else ("node counts" if g["greedy"] == "any" else "shapes")
        )
        g["bound"] = f"{g['shapes']} {what}, {lo}..{hi} nodes{' each' if pair else ''}"
        if g["cex"]:
            g["verdict"] = f"counterexample on {g['cex']} of {g['shapes']}" + (
                " (finding)" if ties else ""
            )
        elif g["unknown"]:
            g["verdict"] = f"inconclusive: unknown on {g['unknown']} of {g['shapes']}"
        else:
            g["verdict"] = "proved"
        premise = "f(child) <= f(parent)" if ties else "f(child) < f(parent)"
        g["method"] = f"bounded-exhaustive, Z3, {premise}"
    return list(groups.values())


def proof_replay_command(c: dict, ties: bool) -> str:
    """The command that finds this smallest counterexample again and replays it on the
    real code.

    >>> row = {"claim": "APP-B", "greedy": "paper", "n": 3, "shape": "012"}
    >>> proof_replay_command(row, True)
    'python -m proofs --allow-ties --claims APP-B --greedy paper --max-nodes 3'
    """
    bound = (
        f"--pair-max {max(len(p) for p in c['shape'].split('+'))}"
        if c["claim"] in PAIR_CLAIMS
        else f"--max-nodes {c['n']}"
    )
    return (
        f"python -m proofs{' --allow-ties' if ties else ''} --claims {c['claim']}"
        f" --greedy {c['greedy']} {bound}"
    )


# ------------------------------------------------------------------ rendering


def render(runs: dict[str, dict]) -> str:
    """docs/results.md from the raw JSON of the runs (keys of :data:`RUNS`; missing runs
    are skipped)."""
    L: list[str] = []
    suite = runs.get("suite")
    proofs = [(k, runs[k]) for k in PROOF_RUNS if k in runs]
    L += [
        "# Results",
        "",
        (
            "<!-- Generated by `python -m verify results` from docs/results/*.json."
            " Never edit by hand. -->"
        ),
        "",
        (
            "This page is **generated**: `python -m verify results --run` redoes the"
            " runs below and writes their raw JSON to `docs/results/`; `python -m"
            " verify results` renders this page from that JSON. Do not edit it by hand:"
            " `tests/test_results.py` checks that it is exactly what the command"
            " renders from the committed JSON, and that the JSON was produced by the"
            " committed code (same fingerprint)."
        ),
        "",
    ]

    L += ["## Runs", ""]
    L += table(
        ["run", "command", "started", "wall", "exit"],
        [
            [
                k,
                f"`{r['command']}`",
                r.get("started"),
                secs(r.get("wall_seconds")),
                r.get("exit_code"),
            ]
            for k, r in runs.items()
        ],
        "lllrr",
    )
    fps = sorted({r["fingerprint"] for k, r in runs.items() if k != COQ_RUN})
    L += [
        "",
        "Code fingerprint (sha256 over every `.py` file of `solver/`, `verify/`,"
        " `proofs/` and `pyproject.toml`): "
        + ", ".join(f"`{f}`" for f in fps)
        + (" — **the runs measured different code**" if len(fps) > 1 else "")
        + ".",
        "",
    ]
    keys = []
    for r in runs.values():
        keys += [k for k in r.get("versions", {}) if k not in keys]
    L += table(
        ["run", "platform", "CPUs", *keys],
        [
            [
                k,
                r.get("platform"),
                r.get("cpus"),
                *[r.get("versions", {}).get(v) for v in keys],
            ]
            for k, r in runs.items()
        ],
    )
    L += [""]

    L += [
        "## Every verdict",
        "",
        (
            "Sampled rows (`cases`) come from the suite: no counterexample in that many"
            " generated cases is evidence, not proof (docs/suite.md). Proved rows"
            " (`bound`) hold for every input up to the stated size (docs/proof.md)."
            " `(finding)`: a defect of the paper's printed pseudocode or of a claim"
            " without its premise, expected and reported; must-hold rows have no such"
            " mark. Time: seconds of that check (proofs: solver seconds summed over"
            " workers)."
        ),
        "",
    ]
    rows = []
    if suite:
        for r in suite["output"]["results"]:
            rows.append(
                [
                    r["claim"],
                    r["paper"],
                    r["solver"] or "–",
                    r["method"],
                    f"{r['cases']} cases",
                    suite_verdict(r),
                    secs(r["seconds"]),
                ]
            )
    for _, raw in proofs:
        for g in proof_groups(raw):
            rows.append(
                [
                    g["claim"],
                    PROOF_PAPER.get(g["claim"], "–"),
                    GREEDY_LABEL.get(g["greedy"], g["greedy"]),
                    g["method"],
                    g["bound"],
                    g["verdict"],
                    secs(g["seconds"]),
                ]
            )
    L += table(
        ["claim", "paper", "solver", "method", "cases or bound", "verdict", "time"],
        rows,
        "llllrll",
    )
    if suite:
        out = suite["output"]
        must = [r for r in out["results"] if r["must_hold"]]
        L += [
            "",
            (
                "Must-hold claims of the suite:"
                f" {sum(r['verdict'] == 'verified' for r in must)} verified,"
                f" {sum(r['verdict'] == 'counterexample' for r in must)}"
                f" counterexample, {sum(r['verdict'] == 'inconclusive' for r in must)}"
                f" inconclusive (of {len(must)});"
                f" {sum(r['cases'] for r in out['results'])} cases in"
                f" {secs(out['seconds'])}; exit {out['exit_code']}."
            ),
        ]
        notes = [r for r in out["results"] if r.get("note")]
        if notes:
            L += ["", "Notes:", ""] + [
                f"* {r['claim']} on {r['solver'] or '–'}: {cell(r['note'])}"
                for r in notes
            ]
        shares = out.get("class_shares") or {}
        if shares:
            L += [
                "",
                "Generated classes (share of the labels drawn, all checks together):",
                "",
            ]
            L += table(
                ["axis", "classes"],
                [
                    [axis, ", ".join(f"{c} {100 * x:.0f}%" for c, x in cls.items())]
                    for axis, cls in shares.items()
                ],
            )
    L += [""]

    L += [
        "## Findings: the minimal counterexamples",
        "",
        (
            "Each is the smallest case found (suite: after Hypothesis's shrinking,"
            " which is not guaranteed to be globally minimal; proofs: the fewest nodes"
            " of all shapes). f is the path probability, exact fractions; node order as"
            " in the instance (node i has parent `parent[i]`, -1 for the root)."
        ),
        "",
    ]
    n = 0
    if suite:
        replay = {(f["claim"], f["solver"]): f for f in suite.get("findings", [])}
        for r in suite["output"]["results"]:
            c = r.get("counterexample")
            if r["verdict"] != ClaimVerdict.COUNTEREXAMPLE or not c:
                continue
            n += 1
            who = f" on {r['solver']}" if r["solver"] else ""
            L += [
                f"### {n}. {r['claim']}{who} ({r['paper']})",
                "",
                (
                    f"Fails: `{c['condition']}` — found after {r['cases']} cases "
                    f"({'must hold: a bug' if r['must_hold'] else 'finding'})."
                ),
                "",
            ]
            if "instance" in c:
                if "case" in c:
                    L += [
                        (
                            "The one-request instance the failing answer is about"
                            " (derived from the generated input at the probed budget):"
                        ),
                        "",
                    ]
                L += instance_table(c["instance"])
            elif "tree" in c:
                t = c["tree"]
                L += table(
                    ["parent", "cond per node", "subtree"],
                    [[t["parent"], t["cond"], t["subtree"]]],
                )
            if c.get("output"):
                L += [
                    "",
                    f"Answer: `{json.dumps(c['output'], separators=(',', ':'))}`"
                    + (f"; exact optimum {c['optimum']}" if c.get("optimum") else "")
                    + ".",
                ]
            f = replay.get((r["claim"], r["solver"]))
            if f:
                L += [
                    "",
                    (
                        "Replay (exit 1 while it still fails) and the search that"
                        " found it:"
                    ),
                    "",
                    "```sh",
                    f["replay"],
                    f["rerun"],
                    "```",
                ]
            L += [""]
    for name, raw in proofs:
        ties = raw["output"]["settings"].get("allow_ties", False)
        for c in raw["output"].get("counterexamples", []):
            n += 1
            rp = c.get("replay") or {}
            L += [
                (
                    f"### {n}. {c['claim']},"
                    f" {GREEDY_LABEL.get(c['greedy'], c['greedy'])}, proofs {name[7:]}"
                    f" ({PROOF_PAPER.get(c['claim'], '–')})"
                ),
                "",
                f"Smallest at shape `{c['shape']}` (n = {c['n']}). "
                + (
                    f"Replayed on the real code ({rp.get('algorithm', '?')}):"
                    f" `{rp.get('verdict')}`"
                    + (
                        ""
                        if rp.get("confirmed")
                        else " — **the replay does not reproduce it**"
                    )
                    + "."
                    if rp
                    else (
                        "Witness:"
                        f" `{json.dumps(c.get('witness'), separators=(',', ':'))}`."
                    )
                ),
                "",
            ]
            if c.get("instance"):
                L += instance_table(c["instance"]) + [""]
            L += [
                "Find it again and replay it:",
                "",
                "```sh",
                proof_replay_command(c, ties),
                "```",
                "",
            ]
    if n == 0:
        L += ["None.", ""]

    coq = runs.get(COQ_RUN)
    if coq:
        out, v = coq["output"], coq.get("versions", {})
        L += [
            "## Coq: every size",
            "",
            (
                f"`{coq['command']}` (docs/proof.md section 6): "
                f"Coq {cell(v.get('coq'))}, "
                f"MathComp {cell(v.get('mathcomp'))}, OCaml {cell(v.get('ocaml'))}. "
                f"Build from clean {secs(out['build_seconds'])}, coqchk "
                f"{secs(out['coqchk_seconds'])}, exit {coq['exit_code']}. "
                f"Coq sources fingerprint `{coq['fingerprint']}`."
            ),
            "",
            "coqchk context summary: "
            + (
                "; ".join(x.lstrip("* ") for x in out["coqchk_summary"])
                or "**missing**"
            )
            + ".",
            "",
        ]
        L += table(
            ["theorem", "statement (Statement.v)", "Print Assumptions"],
            [[t["theorem"], t["statement"], t["assumptions"]] for t in out["theorems"]],
        ) + [""]

    L += ["## Proofs, claim x n", ""]
    for name, raw in proofs:
        st = raw["output"]["settings"]
        L += [
            f"### {name}: `{raw['command']}`",
            "",
            f"Premise: {st['premise']}. Every shape with 1..{st['max_nodes']} nodes "
            f"({sum(st['shapes_per_n'].values())} shapes)"
            + (
                f"; every ordered pair of shapes with 1..{st['pair_max']} nodes each"
                if st.get("pair_max")
                else ""
            )
            + f". Greedies: {', '.join(st['greedies'])}. Timeout {st['timeout']:g} s"
            f" per query, seed {st['seed']}. Wall"
            f" {secs(raw['output']['wall_seconds'])}, exit"
            f" {raw['output']['exit_code']}.",
            "",
        ]
        rows = []
        for r in raw["output"]["rows"]:
            res = r["result"]
            if res == "counterexample":
                res = f"cex {r['counterexamples']}/{r['shapes']}"
            elif res == "unknown":
                res = f"unknown {r['unknown']}/{r['shapes']}"
            rows.append(
                [
                    r["claim"],
                    r["greedy"],
                    r["n"],
                    r["shapes"],
                    r["queries"],
                    res,
                    f"{r['seconds']:.2f}",
                ]
            )
        L += table(
            ["claim", "greedy", "n", "shapes", "queries", "result", "seconds"],
            rows,
            "llrrrlr",
        ) + [""]
    return "\n".join(L).rstrip("\n") + "\n"


# ------------------------------------------------------------------ files and the
# command


def load_runs(
    directory: Path = RESULTS_DIR, profile: str = "thorough"
) -> dict[str, dict]:
    """The raw JSON of every run present in ``directory``."""
    files = {
        "suite": suite_file(profile),
        "proofs-strict": "proofs-strict.json",
        "proofs-ties": "proofs-ties.json",
    }
    files[COQ_RUN] = f"{COQ_RUN}.json"
    out = {}
    for key, name in files.items():
        path = directory / name
        if path.exists():
            out[key] = json.loads(path.read_text(encoding="utf-8"))
    return out


def stale_runs(
    runs: dict[str, dict],
    current: Optional[str] = None,
    current_coq: Optional[str] = None,
) -> list[str]:
    """The runs whose fingerprint is not the current code's (the Coq run's: not the
    current Coq sources')."""
    current, current_coq = current or fingerprint(), current_coq or coq_fingerprint()
    return [
        k
        for k, r in runs.items()
        if r.get("fingerprint") != (current_coq if k == COQ_RUN else current)
    ]


def main_results(
    *,
    run: bool = False,
    only: Optional[list[str]] = None,
    profile: str = "thorough",
    seed: int = 0,
    jobs: int = 2,
    directory: Optional[str] = None,
    md: Optional[str] = None,
    check: bool = False,
    err=None,
    html: Optional[Callable[[dict, Path], str]] = None,
) -> int:
    """Render (after the runs, with ``run``) results.md, and with ``html`` (a renderer
    such as :func:`verify.commands.results_html.render_html`) results.html beside it."""
    err = err or sys.stderr
    out_dir = Path(directory) if directory else RESULTS_DIR
    md_path = Path(md) if md else RESULTS_MD
    code = ExitCode.OK
    if run:
        wanted = only or list(RUNS)
        fp = fingerprint()
        t0 = time.perf_counter()
        if "suite" in wanted:
            err.write(f"suite: profile {profile}, seed {seed}, {jobs} processes\n")
            run_suite(
                profile,
                seed,
                jobs,
                out_dir,
                progress=lambda line: (err.write(line + "\n"), err.flush()),
            )
        for name in PROOF_RUNS:
            if name in wanted:
                err.write(f"{name}: python -m proofs ({jobs} processes)\n")
                err.flush()
                run_proofs(name, seed, jobs, out_dir)
        if COQ_RUN in wanted:
            err.write("coq: make -C proofs/coq from clean, coqchk, Print Assumptions\n")
            err.flush()
            run_coq(out_dir)
        err.write(f"runs done in {secs(time.perf_counter() - t0)}\n")
        if fingerprint() != fp:
            err.write(
                "warning: the code changed during the run; the results are stale, run"
                " again\n"
            )
            code = ExitCode.FOUND
    runs = load_runs(out_dir, profile)
    if not runs:
        err.write(f"no raw results in {out_dir} (run python -m verify results --run)\n")
        return ExitCode.USAGE_ERROR
    text = render(runs)
    if check:
        bad = stale_runs(runs) + [f"{k} (missing)" for k in RUNS if k not in runs]
        if bad or not md_path.exists() or md_path.read_text(encoding="utf-8") != text:
            err.write(
                STALE
                + (
                    f" (runs made with other code: {', '.join(bad)})"
                    if bad
                    else f" ({md_path} differs from its rendering)"
                )
                + "\n"
            )
            return ExitCode.FOUND
        err.write(f"{md_path} is up to date\n")
        return ExitCode.OK
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(text, encoding="utf-8")
    err.write(f"wrote {md_path} from {len(runs)} run(s)\n")
    if html is not None:  # the same data as one page (docs/reports.md)
        html_path = md_path.with_suffix(".html")
        html_path.write_text(html(runs, out_dir), encoding="utf-8")
        err.write(f"wrote {html_path}\n")
    bad = stale_runs(runs)
    if bad and not run:
        err.write(
            f"note: {', '.join(bad)} measured other code than the current one: "
            + STALE
            + "\n"
        )
    return code

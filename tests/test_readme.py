"""What README.md promises is run here, so it cannot silently rot.

The README is short (at most 10 KB); what it used to hold lives in the docs page it
belongs to, and each promise is checked where it now lives:

* the install and test commands of README.md are exactly what ``.ci/run`` runs;
* the suite command's output contains every line of the excerpt in docs/suite.md
  ("Output"; the suite runs once, profile quick, as a reviewer would run it);
* the example session of docs/cli.md (solve, certify, check) prints what it shows;
* every command of the claims table of docs/claims.md is accepted by the CLI it names,
  and each row's expected verdict agrees with docs/results.md (which
  tests/test_results.py ties to the committed code);
* README.md's table at a glance lists every row of docs/claims.md, in the same order,
  with the same verdict and the same kinds of check;
* every relative link of README.md, CONTRIBUTING.md, tests/README.md and docs/*.md
  points to an existing file, and its anchor to a heading of that file.
"""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.common.golden_norm import generation_counts

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CLAIMS_PAGE = (ROOT / "docs" / "claims.md").read_text()
SUITE_PAGE = (ROOT / "docs" / "suite.md").read_text()
CLI_PAGE = (ROOT / "docs" / "cli.md").read_text()


def block_after(marker: str, text: str) -> list[str]:
    """The lines of the first fenced block after an HTML comment marker."""
    rest = text[text.index(marker) :]
    start = rest.index("```")
    body = rest[rest.index("\n", start) + 1 :]
    return body[: body.index("```")].rstrip("\n").split("\n")


def table_after(marker: str, text: str = README) -> list[dict]:
    rest = text[text.index(marker) :].split("\n")
    rows: list[list[str]] = []
    for line in rest:
        if not line.startswith("|"):
            if rows:
                break
            continue
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    header, _, *body = rows
    return [dict(zip(header, r)) for r in body]


def commands(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


# ------------------------------------------------------------- the README itself


def test_the_readme_is_at_most_10_kb():
    size = len(README.encode("utf-8"))
    assert size <= 10 * 1024, f"README.md is {size} bytes: move details to docs/"


def test_the_readme_says_how_style_and_types_are_checked_beside_the_test_command():
    section = README[
        README.index("| run the tests |") : README.index("## The claims at a glance")
    ]
    for words in ("tests/test_style.py", "`ruff format --check .`", "`ruff check .`"):
        assert words in section, words
    assert "`mypy`" in section and "pyproject.toml" in section


# ------------------------------------------------------------- the two commands


def test_ci_runs_exactly_the_readme_install_and_test_commands():
    section = README[
        README.index("## Getting started") : README.index("## The claims at a glance")
    ]
    install = [
        line.strip()
        for line in re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).splitlines()
        if line.strip() and not line.startswith("#")
    ]
    test_row = next(
        r for r in table_after("| what | command |") if r["what"] == "run the tests"
    )
    (test_cmd,) = commands(test_row["command"])
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip()
        and not line.startswith("#")
        and not line.startswith(("set ", "cd "))
    ]
    assert ci == install + [test_cmd]


def test_the_suite_output_contains_the_excerpt_of_suite_md():
    suite_row = next(
        r
        for r in table_after("| what | command |")
        if r["what"] == "run the verification suite"
    )
    (cmd,) = commands(suite_row["command"])
    assert cmd == "python -m verify"
    proc = subprocess.run(
        [sys.executable, "-m", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # case counts before a finding depend on the installed Hypothesis version: masked on
    # both sides
    out = {generation_counts(line.rstrip()) for line in proc.stdout.splitlines()}
    missing = [
        line
        for line in block_after("README-SUITE-EXCERPT", SUITE_PAGE)
        if line.strip() and generation_counts(line.rstrip()) not in out
    ]
    assert not missing, (
        "docs/suite.md excerpt lines not in the suite output:\n" + "\n".join(missing)
    )


def test_the_example_session_of_cli_md_prints_what_it_shows(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    lines = block_after("README-SESSION", CLI_PAGE)
    expected: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("$ "):
            expected.append((line[2:], []))
        else:
            expected[-1][1].append(line)
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    for cmd, out in expected:
        assert cmd.startswith("python -m verify ")
        proc = subprocess.run(
            shlex.quote(sys.executable) + cmd[len("python") :],
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, (cmd, proc.stderr)
        assert proc.stdout.splitlines() == out, cmd


# ------------------------------------------------------------- the claims table

CLAIM_ROWS = table_after("README-CLAIMS", CLAIMS_PAGE)


def results_rows() -> list[dict]:
    text = (ROOT / "docs" / "results.md").read_text()
    section = text[text.index("## Every verdict") :]
    section = section[: section.index("\n## ", 5)]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if (
            line.startswith("|")
            and len(cells) == 7
            and cells[0] not in ("claim", "---")
        ):
            rows.append(
                dict(
                    zip(
                        (
                            "claim",
                            "paper",
                            "solver",
                            "method",
                            "bound",
                            "verdict",
                            "time",
                        ),
                        cells,
                    )
                )
            )
    return rows


def verify_args(cmd: str):
    from verify.commands.cli import build_parser

    argv = shlex.split(cmd)[3:]
    if not argv or argv[0].startswith("-"):
        argv.insert(0, "suite")
    return build_parser().parse_args(argv)


def proofs_args(cmd: str):
    from proofs.__main__ import parser

    return parser().parse_args(shlex.split(cmd)[3:])


def test_the_claims_table_covers_every_claim_and_every_defect_of_the_spec():
    ids = [r["id"] for r in CLAIM_ROWS]
    assert ids[:8] == [
        "APP-B",
        "LEM-C1",
        "LEM-C2",
        "THM-P1",
        "THM-P2",
        "THM-3.1",
        "THM-4.1",
        "ORACLES",
    ]
    assert ids[8:] == [f"§3.{k}" for k in range(1, 10)]


@pytest.mark.parametrize("row", CLAIM_ROWS, ids=[r["id"] for r in CLAIM_ROWS])
def test_each_command_of_the_claims_table_is_valid_and_its_verdict_matches_results(row):
    from verify.search.claims import CLAIMS_BY_ID

    results = results_rows()
    expected = row["expected"]
    cmds = commands(row["reproduce"])
    assert cmds, row
    for cmd in cmds:
        if cmd.startswith("python -m verify"):
            args = verify_args(cmd)
            claims = args.claims.split(",")
            assert all(c in CLAIMS_BY_ID for c in claims), cmd
            for claim in claims:
                if (
                    args.solver
                ):  # aimed at a paper variant: the finding is the expected result
                    (r,) = [
                        r
                        for r in results
                        if r["claim"] == claim and r["solver"] == args.solver
                    ]
                    assert "counterexample" in expected and r["verdict"].startswith(
                        "counterexample"
                    ), (cmd, r)
                    continue
                mine = [
                    r
                    for r in results
                    if r["claim"] == claim
                    and r["method"].startswith("sampled")
                    and r["solver"] in ("reference", "–")
                ]
                assert len(mine) == 1, (claim, mine)
                (r,) = mine
                if r["verdict"].startswith("counterexample"):
                    assert (
                        "counterexample (finding)" in expected
                        and r["verdict"] == "counterexample (finding)"
                    )
                else:
                    assert (
                        r["verdict"].startswith("verified") and "verified" in expected
                    ), (cmd, r)
        elif cmd.startswith("python -m proofs"):
            args = proofs_args(cmd)
            premise = (
                "f(child) <= f(parent)" if args.allow_ties else "f(child) < f(parent)"
            )
            for claim in args.claims:
                mine = [
                    r
                    for r in results
                    if r["claim"] == claim and r["method"].endswith(premise)
                ]
                assert len(mine) == 2, (
                    claim,
                    mine,
                )  # frontier greedy and the paper's GetTop
                for r in mine:
                    if args.allow_ties and r["solver"].startswith("paper"):
                        assert (
                            r["verdict"].startswith("counterexample")
                            and "counterexample" in expected
                        )
                    else:
                        assert r["verdict"] == "proved" and "proved" in expected, (
                            cmd,
                            r,
                        )
        elif cmd.startswith("python -m pytest"):
            path = shlex.split(cmd)[3]
            assert (ROOT / path).exists(), cmd
            assert expected == "passed"
        else:
            pytest.fail(f"unknown command in the claims table: {cmd}")


# ------------------------------------------------------------- the table at a glance

GLANCE_ROWS = table_after("README-GLANCE")
VERDICT_WORDS = ("proved", "verified", "counterexample", "passed", "false")


def verdict_words(cell: str) -> set[str]:
    return {word for word in VERDICT_WORDS if word in cell}


def kinds_of_check(how: str) -> set[str]:
    """The kinds of check a row of docs/claims.md names in its "how" cell."""
    kinds = set()
    if "Coq" in how:
        kinds.add("Coq")
    if re.search(r"proved up to|proved for two requests|proof with ties", how):
        kinds.add("Z3")
    if "sampled" in how:
        kinds.add("sampled")
    return kinds


def test_the_readme_glance_lists_every_claim_of_claims_md_with_the_same_verdict():
    assert [r["id"] for r in GLANCE_ROWS] == [r["id"] for r in CLAIM_ROWS]
    for glance, row in zip(GLANCE_ROWS, CLAIM_ROWS):
        assert verdict_words(glance["verdict"]) == verdict_words(row["expected"]), (
            glance,
            row["expected"],
        )
        checked_by = {k.split(" ")[0] for k in glance["checked by"].split(", ")}
        assert checked_by == kinds_of_check(row["how"]), (glance, row["how"])


# ------------------------------------------------------------- links

DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "tests" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
# Built, not committed (make -C proofs/coq html): an anchor there is a Coq name, checked
# against the .v file the page is made from.
COQ_HTML = ROOT / "proofs" / "coq" / "html"
COQ_VERNACULAR = "Definition|Fixpoint|Inductive|Record|Theorem|Lemma|Corollary|Notation"


def without_blocks(text: str) -> str:
    """The text without fenced blocks and HTML comments."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def prose(text: str) -> str:
    """The text without fenced blocks, HTML comments and inline code."""
    return re.sub(r"`[^`\n]*`", "", without_blocks(text))


def anchors(path: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings (duplicates get -1, -2, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for line in without_blocks(path.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#{1,6} (.+)", line)
        if not heading:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def coq_names(page: Path) -> str:
    source = ROOT / "proofs" / "coq" / (page.stem.split(".")[-1] + ".v")
    return source.read_text(encoding="utf-8") if source.exists() else ""


def broken_links(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    broken = []
    # the code spans are removed first, so that link-like code is not taken for a link
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(text)):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        file, _, anchor = target.partition("#")
        path = (document.parent / file).resolve() if file else document
        if path.is_relative_to(COQ_HTML):
            name = re.escape(anchor)
            if not re.search(rf"\b({COQ_VERNACULAR})\s+{name}\b", coq_names(path)):
                broken.append(target)
            continue
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(target)
    return broken


@pytest.mark.parametrize(
    "document", DOCUMENTS, ids=[str(d.relative_to(ROOT)) for d in DOCUMENTS]
)
def test_every_relative_link_points_to_an_existing_file_and_anchor(document):
    assert not broken_links(document), broken_links(document)

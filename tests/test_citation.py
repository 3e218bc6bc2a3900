"""CITATION.cff: valid Citation File Format 1.2.0, same version as pyproject.toml.

Validation uses ``jsonschema`` and the official CFF 1.2.0 schema, vendored as
``tests/cff-schema-1.2.0.json``: its ``$id`` is
https://citation-file-format.github.io/1.2.0/schema.json, and the file is
byte-identical to ``cffconvert/schemas/1.2.0/schema.json`` of cffconvert 2.0.0
(the schema ``cffconvert --validate`` uses).  cffconvert itself is not a test
dependency: its last release (2.0.0, 2021) pins ``jsonschema<4``, so installing it
downgrades jsonschema in any environment that has 4.x.  ``cffconvert --validate``
accepts the committed file (checked by hand with cffconvert 2.0.0 in a fresh venv).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "cff-schema-1.2.0.json"


def _stringify_dates(x):
    # The schema's own note: YAML dates must be cast to strings before validating.
    if isinstance(x, (datetime.date, datetime.datetime)):
        return x.isoformat()
    if isinstance(x, dict):
        return {k: _stringify_dates(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_stringify_dates(v) for v in x]
    return x


def cff_problems(path: Path) -> list[str]:
    """Every schema violation of the CFF file at ``path`` (empty: valid 1.2.0)."""
    data = _stringify_dates(yaml.safe_load(path.read_text(encoding="utf-8")))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )
    problems = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(data)
    ]
    if isinstance(data, dict) and data.get("cff-version") != "1.2.0":
        problems.append(f"cff-version is {data.get('cff-version')!r}, not '1.2.0'")
    return problems


def pyproject_version(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10: the [project] table's version line
        section = re.search(
            r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S
        ).group(1)
        return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)
    return tomllib.loads(text)["project"]["version"]


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_schema_is_the_official_one():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    assert (
        "preferred-citation" in schema["properties"]
        and "reference" in schema["definitions"]
    )


def test_citation_file_is_valid_cff_1_2_0():
    assert cff_problems(ROOT / "CITATION.cff") == []


def test_citation_version_matches_pyproject():
    assert str(cff()["version"]) == pyproject_version(ROOT / "pyproject.toml")


def test_citation_names_the_paper_and_the_artifact():
    refs = {r["doi"]: r for r in cff()["references"]}
    paper = refs["10.1145/3767295.3769315"]
    assert (
        paper["type"] == "conference-paper"
        and "EuroSys 2026" in paper["conference"]["name"]
    )
    assert any("2501.12162" in str(i["value"]) for i in paper["identifiers"])
    assert paper["authors"][0] == {"given-names": "Zikun", "family-names": "Li"}
    assert refs["10.5281/zenodo.17052619"]["type"] == "software"


def test_license_is_stated_consistently():
    assert cff()["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert re.search(
        r'^license\s*=\s*\{\s*text\s*=\s*"MIT"\s*\}',
        (ROOT / "pyproject.toml").read_text(),
        re.M,
    )


# ------------------------------------------------------------ the checks can fail


@pytest.mark.parametrize(
    "edit, expect",
    [
        (
            lambda t: t.replace("cff-version: 1.2.0", "cff-version: 1.1.0"),
            "cff-version",
        ),
        (
            lambda t: t.replace(
                "doi: 10.1145/3767295.3769315", "doi: https://doi.org/10.1145/x", 1
            ),
            "does not match",
        ),
        (
            lambda t: t.replace("type: conference-paper", "type: paper"),
            "references/0/type",
        ),
        (
            lambda t: re.sub(r"^authors:\n  - name: .*\n", "", t, flags=re.M),
            "'authors' is a required property",
        ),
        (lambda t: t.replace("license: MIT", "license: MIT-ish"), "license"),
    ],
)
def test_validator_rejects_broken_copies(tmp_path, edit, expect):
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken = edit(text)
    assert broken != text
    path = tmp_path / "CITATION.cff"
    path.write_text(broken, encoding="utf-8")
    problems = cff_problems(path)
    assert problems and any(expect in p for p in problems), problems


def test_version_check_detects_a_mismatch(tmp_path):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    path = tmp_path / "pyproject.toml"
    path.write_text(text.replace('version = "', 'version = "9.', 1), encoding="utf-8")
    assert pyproject_version(path) != str(cff()["version"])


# ------------------------------------------------------------ what the converters
# render


def readme_bibtex() -> dict[str, str]:
    """The README's BibTeX entry as {field: value}, plus its key under 'key'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = re.search(r"```bibtex\n(@\w+\{([^,]+),\n.*?)\n```", text, re.S)
    assert body, "README.md has no ```bibtex block"
    fields = dict(re.findall(r"^\s+(\w+)\s*=\s*\{+(.*?)\}+,?$", body.group(1), re.M))
    return {"key": body.group(2), **fields}


def test_citation_has_what_bibtex_and_apalike_need():
    # cffconvert 2.0.0 takes the year and month from date-released, the version from
    # version (apalike only), the title and authors as they are
    data = cff()
    released = data["date-released"]
    assert isinstance(released, datetime.date) and released <= datetime.date.today()
    assert data["title"] and data["authors"] and str(data["version"])
    assert "Coq" in data["abstract"] and "Z3" in data["abstract"]


def test_readme_bibtex_agrees_with_citation_cff():
    data, bib = cff(), readme_bibtex()
    assert bib["key"] == "adaserve_verify"  # stable: no version or year in it
    assert bib["title"] == data["title"]
    assert bib["version"] == str(data["version"])
    assert bib["year"] == str(data["date-released"].year)
    assert bib["month"] == str(data["date-released"].month)
    assert bib["author"] == data["authors"][0]["name"]


@pytest.mark.skipif(
    not __import__("shutil").which("cffconvert"), reason="cffconvert not installed"
)
def test_cffconvert_renders_year_version_and_title():
    import subprocess

    def render(fmt: str) -> str:
        return subprocess.run(
            ["cffconvert", "-i", str(ROOT / "CITATION.cff"), "-f", fmt],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

    bib, apa = render("bibtex"), render("apalike")
    year = str(cff()["date-released"].year)
    assert "title = {adaserve-verify}" in bib and f"year = {{{year}}}" in bib
    assert f"({year}). adaserve-verify (version {cff()['version']})." in apa

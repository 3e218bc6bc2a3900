"""The layout of docs/architecture.md, enforced: which package may import which, no
import cycle.

Every import counts, also one inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("solver", "verify", "proofs")

# The layers, lowest first: a module may import its own layer and the layers before it
# (docs/architecture.md).  proofs/ stands beside verify/commands: it may import what
# the commands may, but not the commands themselves.
ORDER = (
    "solver",
    "verify.oracles",
    "verify.checks",
    "verify.subject",
    "verify.run",
    "verify.search",
    "verify.report",
    "verify.solver_check",
    "verify.commands",
    "verify",
)
ALLOWED = {name: set(ORDER[:i]) for i, name in enumerate(ORDER)}
ALLOWED["proofs"] = set(ORDER[: ORDER.index("verify.commands")])


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports (resolved to the longest known module)."""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = (
                ".".join(
                    base[: len(base) - node.level + 1] + [node.module or ""]
                ).strip(".")
                if node.level
                else node.module
            )
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    out = set()
    for dep in found:
        while dep and dep not in MODULES:
            dep = dep.rpartition(".")[0]
        if (
            dep and dep != name and not name.startswith(dep + ".")
        ):  # a package's own __init__ is no edge
            out.add(dep)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(module: str) -> str:
    """The layer of a module: its subpackage of verify, or its top-level package.

    >>> layer("verify.oracles.z3.common"), layer("verify.__main__")
    ('verify.oracles', 'verify')
    >>> layer("solver.model")
    'solver'
    """
    parts = module.split(".")
    if parts[0] == "verify" and len(parts) > 1 and f"verify.{parts[1]}" in ALLOWED:
        return f"verify.{parts[1]}"
    return parts[0]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_lower_layers(module):
    mine = layer(module)
    bad = sorted(
        d for d in GRAPH[module] if layer(d) != mine and layer(d) not in ALLOWED[mine]
    )
    assert not bad, (
        f"{module} ({mine}) imports {bad}; docs/architecture.md allows"
        f" {sorted(ALLOWED[mine])}"
    )


def test_every_layer_is_documented():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    layers = {layer(m) for m in MODULES}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)
    for name in layers:
        assert f"`{name.replace('.', '/')}/`" in text, (
            f"docs/architecture.md does not describe {name}"
        )


def unmapped(text: str, modules: dict[str, Path]) -> list[str]:
    """The modules docs/architecture.md does not name: neither their path
    (``solver/model.py``) nor their dotted name in backquotes (`` `solver.model` ``).

    >>> names = ("solver.model", "solver.parse", "solver.paper")
    >>> text = "`solver/model.py`, `solver.parse`, solver.paper, `solver.paper.x`"
    >>> unmapped(text, {m: ROOT / f"solver/{m[7:]}.py" for m in names})
    ['solver/paper.py']
    """
    missing = []
    for name, path in sorted(modules.items()):
        rel = path.relative_to(ROOT).as_posix()
        if rel not in text and f"`{name}`" not in text:
            missing.append(rel)
    return missing


def test_every_module_is_mapped():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = unmapped(text, MODULES)
    assert not missing, (
        f"docs/architecture.md does not map {', '.join(missing)}: "
        "add each to its layer's list under 'Every module'"
    )


def test_no_import_cycle():
    state: dict[str, int] = {}

    def visit(m, path):
        state[m] = 1
        for d in sorted(GRAPH[m]):
            if state.get(d) == 1:
                cycle = path[path.index(d) :] + [d]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])


def test_the_check_can_fail():
    # a module of the lowest layer importing the top one must be caught
    assert layer("verify.commands.cli") not in ALLOWED["solver"]
    assert "verify.search" not in ALLOWED["verify.oracles"]


# Exceptions that never reach a user: each is caught in its module and turned into one
# of solver/errors.py (an InputError, a SolverFault, a finding, a skipped case).
INTERNAL_EXCEPTIONS = {
    "solver.numbers": {"NotANumber", "DuplicateKey"},  # -> InputError while parsing
    "verify.subject.process": {"Timeout", "OutputTooLarge", "Exited"},  # -> SolverFault
    "verify.search.properties": {"Outside"},  # a case outside the restrictions
    "verify.run.pool": {"RemoteTraceback"},  # the worker's traceback, as a cause
}


def test_every_exception_is_defined_in_solver_errors():
    """One error hierarchy, defined in one place (solver/errors.py): no other module
    defines a public exception class, apart from the internal ones listed above."""
    import builtins

    errors = {
        node.name
        for node in ast.walk(
            ast.parse((ROOT / "solver" / "errors.py").read_text(encoding="utf-8"))
        )
        if isinstance(node, ast.ClassDef)
    }
    builtin_errors = {
        n
        for n in dir(builtins)
        if n.endswith(("Error", "Exception", "Exit", "Interrupt"))
    }
    bad = []
    for name, path in MODULES.items():
        if name == "solver.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = {
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                for b in node.bases
            }
            if bases & (
                errors | builtin_errors
            ) and node.name not in INTERNAL_EXCEPTIONS.get(name, ()):
                bad.append(f"{name}.{node.name}")
    assert not bad, f"exceptions defined outside solver/errors.py: {bad}"

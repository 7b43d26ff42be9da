"""The set-up contract and the one-way flow of imports, checked by the suite."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "clinrules"


def _readme_commands() -> list[str]:
    return [line for line in (ROOT / "README.md").read_text().splitlines()
            if line.startswith(("python3 -m venv", ".ci/system-packages && python3 -m venv"))]


def test_readme_gives_the_two_one_line_commands():
    main, tests = _readme_commands()
    assert main.endswith("clinrules build")
    assert "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when `path` is imported (not those inside functions)."""
    found = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


# package -> packages it must never import (DEVELOPERS.md: dsl -> compiler -> lint;
# runtime reads only compiled JSON and schemas; cli sits on top of all).
FORBIDDEN = {
    "dsl": ("clinrules.compiler", "clinrules.lint", "clinrules.runtime", "clinrules.testing", "clinrules.cli"),
    "compiler": ("clinrules.lint", "clinrules.runtime", "clinrules.testing", "clinrules.cli"),
    "lint": ("clinrules.runtime", "clinrules.testing", "clinrules.cli", "lark"),
    "runtime": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.lint", "clinrules.testing", "clinrules.cli"),
    "testing": ("clinrules.cli",),
    # the region space reads compiled JSON only: lint, runtime and backends share it
    "space": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.lint", "clinrules.runtime",
              "clinrules.testing", "clinrules.cli"),
    # the CDS Hooks service evaluates through the runtime only
    "service": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.lint", "clinrules.testing",
                "clinrules.cli", "clinrules.space"),
    # the SQL backends and the diff read compiled JSON through the runtime and the space
    "cohort": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.lint", "clinrules.testing", "clinrules.cli"),
    "diff": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.testing", "clinrules.cli"),
    "schemas": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.runtime", "clinrules.lint"),
    # the cache answers a hit without the parser: compiler and linter are imported on a miss only
    "cache": ("lark", "clinrules.dsl", "clinrules.compiler", "clinrules.lint", "clinrules.runtime",
              "clinrules.testing", "clinrules.cli"),
    # editor support sits on the checker, linter and runtime; the commands sit on it
    "lsp": ("clinrules.cli", "clinrules.workbench", "clinrules.testing"),
    "workbench": ("clinrules.cli",),
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    offenders = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for module in _top_level_imports(path):
            if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_package_version_is_pyprojects():
    import tomllib

    import clinrules

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert clinrules.__version__ == project["version"]

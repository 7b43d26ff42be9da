"""Per-project lint configuration: `[tool.clinrules.lint]` in the nearest
`pyproject.toml` above the ruleset that has that table.

    [tool.clinrules.lint]
    severity = {unnamed-rule = "warning", CR002 = "error"}
    disable = ["unused-source"]

Precedence: an inline `# lint: allow CODE -- reason` beats the project
configuration, which beats the defaults of `registry.CODES`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from clinrules.errors import Diagnostic, RulesError
from clinrules.lint.registry import SEVERITIES, lookup


@dataclass(frozen=True)
class Config:
    severity: Mapping[str, str] = field(default_factory=dict)  # code -> severity
    disable: frozenset = frozenset()  # codes
    path: str | None = None


def _bad(message: str, path: str | None) -> RulesError:
    return RulesError([Diagnostic("bad-lint-config", message, file=path)])


def from_table(table: Mapping, path: str | None = None) -> Config:
    """Validate a `[tool.clinrules.lint]` table (names or codes accepted)."""
    if not isinstance(table, Mapping):
        raise _bad("[tool.clinrules.lint] must be a table", path)
    unknown = sorted(set(table) - {"severity", "disable"})
    if unknown:
        raise _bad(f"[tool.clinrules.lint] has unknown setting(s) {', '.join(unknown)}; "
                   "expected `severity` and `disable`", path)
    severity: dict[str, str] = {}
    raw = table.get("severity", {})
    if not isinstance(raw, Mapping):
        raise _bad("`severity` must be a table such as {unnamed-rule = \"warning\"}", path)
    for name, level in raw.items():
        code = lookup(str(name))
        if code is None:
            raise _bad(f"`severity` names unknown lint code `{name}`", path)
        if level not in SEVERITIES:
            raise _bad(f"severity of `{name}` must be one of {', '.join(SEVERITIES)}, not `{level}`", path)
        severity[code.code] = level
    disable = table.get("disable", [])
    if not isinstance(disable, list):
        raise _bad("`disable` must be a list of lint codes or names", path)
    codes = set()
    for name in disable:
        code = lookup(str(name))
        if code is None:
            raise _bad(f"`disable` names unknown lint code `{name}`", path)
        codes.add(code.code)
    return Config(severity, frozenset(codes), path)


def project_table(start: str | Path, *keys: str) -> tuple[dict, str] | None:
    """The nearest pyproject.toml above `start` (a file or folder) holding
    the table `[tool.clinrules.<keys...>]`, as (table, path); None if none.
    Shared by the lint configuration and the build policy, so both find
    the project the same way."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in [here, *here.parents]:
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise RulesError([Diagnostic("bad-project-config", f"cannot read {candidate}: {exc}",
                                         file=str(candidate), hint="fix the TOML of pyproject.toml")]) from None
        table = data.get("tool", {}).get("clinrules")
        for key in keys:
            table = table.get(key) if isinstance(table, dict) else None
        if table is not None:
            return table, str(candidate)
    return None


def find_config(start: str | Path) -> Config:
    """The [tool.clinrules.lint] table of the nearest pyproject.toml above
    `start`; defaults if there is none."""
    found = project_table(start, "lint")
    return from_table(*found) if found is not None else Config()

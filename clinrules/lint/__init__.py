"""The exact linter: conflicts, gaps, dead, masked and redundant rules and
style findings over the compiled ruleset (the same JSON the runtime runs).

Public API: `lint(doc, *, config=None) -> list[Finding]`,
`find_patient(doc, condition) -> dict | None`, `CODES` (the registry).
"""

from clinrules.lint.config import Config, find_config
from clinrules.lint.driver import lint
from clinrules.lint.findings import Finding
from clinrules.lint.patients import find_patient
from clinrules.lint.registry import CODES, lookup

__all__ = ["CODES", "Config", "Finding", "find_config", "find_patient", "lint", "lookup"]

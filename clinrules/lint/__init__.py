"""The exact linter: conflicts, gaps, dead, masked and redundant rules and
style findings over the compiled ruleset (the same JSON the runtime runs).

Public API: `lint(doc, *, config=None) -> list[Finding]`,
`find_patient(doc, condition) -> dict | None`, `CODES` (the registry).
"""

from clinrules.lint.config import Config, find_config
from clinrules.lint.findings import Finding
from clinrules.lint.registry import CODES, lookup

__all__ = ["CODES", "Config", "Finding", "find_config", "find_patient", "lint", "lookup"]

# The analysis is imported on first use: `clinrules lint` answered from the
# cache (clinrules/cache) needs the registry and the findings, not the solver.
_LAZY = {"lint": "clinrules.lint.driver", "find_patient": "clinrules.lint.patients"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'clinrules.lint' has no attribute {name!r}")

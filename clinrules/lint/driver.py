"""Runs every finding family over one compiled document, then applies
inline suppressions and the project configuration.

The families run in a fixed order (a tuple, easy to read and reorder);
each is a plain function of the shared `Analysis`.
"""

from __future__ import annotations

from typing import Mapping

from clinrules.collector import paused
from clinrules.lint import conflicts, dead, gaps, masking, redundancy, style, unused
from clinrules.lint.analysis import Analysis
from clinrules.lint.config import Config, from_table
from clinrules.lint.findings import Finding
from clinrules.lint.registry import lookup


def _masked(an: Analysis) -> list[Finding]:
    an.cache["masked"] = masking.masked(an)
    return an.cache["masked"]


def _redundant(an: Analysis) -> list[Finding]:
    """Rules already reported as masked are not reported again."""
    masked = an.cache.get("masked")
    if masked is None:
        masked = masking.masked(an)
    return redundancy.redundant(an, skip={f.rules[0] for f in masked})


FAMILIES = (
    conflicts.conflicts,
    gaps.gaps,
    dead.dead,
    _masked,
    _redundant,
    unused.unused,
    style.missing_rationale,
    style.mixed_and_or,
    style.unnamed,
    style.suppression_without_reason,
    style.unknown_lint_code,
)


def _allowed(finding: Finding) -> bool:
    for subject in finding.subjects:
        for sup in (subject or {}).get("suppressions", []) or []:
            if not (sup.get("reason") or "").strip():
                continue
            for text in sup.get("codes", []):
                code = lookup(text)
                if code is not None and code.code == finding.code:
                    return True
    return False


def lint(doc: dict, *, config: Config | Mapping | None = None, file: str | None = None) -> list[Finding]:
    """Every finding for one compiled ruleset, sorted by position.

    `file` replaces the document's `source_file` in findings (the CLI passes
    the path the user gave)."""
    if config is None:
        config = Config()
    elif not isinstance(config, Config):
        config = from_table(config)
    with paused():  # see clinrules.collector
        an = Analysis(doc)
        found: list[Finding] = []
        for family in FAMILIES:
            for finding in family(an):
                if finding.code in config.disable or _allowed(finding):
                    continue
                if finding.code in config.severity:
                    finding = finding.with_severity(config.severity[finding.code])
                if file is not None:
                    finding = finding.with_file(file)
                found.append(finding)
    found.sort(key=Finding.sort_key)
    return found


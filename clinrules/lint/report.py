"""Findings rendered for people (text with carets and witness tables) and
for code-scanning tools (SARIF 2.1.0).

The findings are computed once by `lint()`; these only render them, so every
format says the same thing.
"""

from __future__ import annotations

import json
from pathlib import Path

from clinrules.errors import Diagnostic
from clinrules.lint.findings import Finding
from clinrules.lint.registry import CODES

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _witness_table(witness: dict) -> str:
    width = max(len(k) for k in witness)
    rows = []
    for key, value in witness.items():
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        rows.append(f"      {key.ljust(width)}  {shown}")
    return "    witness:\n" + "\n".join(rows) + "\n"


def _regions(finding: Finding, verbose: bool) -> str:
    """The regions behind a finding said in the editor's terms: listed
    under --verbose, else counted."""
    regions = finding.extra.get("regions")
    if not regions:
        return ""
    total = finding.extra.get("regions_total", len(regions))
    if not verbose:
        return f"    ({total} regions of the inputs; --verbose lists them)\n"
    out = [f"    regions of the inputs ({total}):\n"]
    for n, item in enumerate(regions, start=1):
        out.append(f"      {n}. {item['region']}\n")
    if total > len(regions):
        out.append(f"      ... {total - len(regions)} more not listed\n")
    return "".join(out)


def render_text(findings: list[tuple[Finding, str | None]], verbose: bool = False) -> str:
    out = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding, source in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
        where = f"{finding.file}:{finding.line}:{finding.column}"
        out.append(f"{where}: {finding.severity}[{finding.code} {finding.name}]: {finding.message}\n")
        lines = source.splitlines() if source else []
        if finding.line and 0 < finding.line <= len(lines):
            line = lines[finding.line - 1].expandtabs(1)
            out.append(f"    {line}\n    {' ' * ((finding.column or 1) - 1)}^\n")
        if finding.witness:
            out.append(_witness_table(finding.witness))
        out.append(_regions(finding, verbose))
    total = sum(counts.values())
    out.append(f"{_count(total, 'finding')} ({_count(counts['error'], 'error')}, "
               f"{_count(counts['warning'], 'warning')}, {counts['info']} info)\n")
    return "".join(out)


INPUT_ERROR = "input-error"  # the rule id of a file that could not be linted at all


def input_error(diagnostic: Diagnostic) -> dict:
    """A file that does not compile (or cannot be read) as a finding of
    JSON output: the same keys as every finding, so a program reading
    `findings` sees why a file has none. `code` is the diagnostic's own
    code (`undeclared-name`), `name` says it stopped the linting."""
    out = diagnostic.as_dict()
    out.update({"name": INPUT_ERROR, "severity": "error", "rules": [], "witness": None})
    return out


def render_sarif(findings: list[Finding], diagnostics: list[Diagnostic] = ()) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("clinrules")
    except PackageNotFoundError:
        tool_version = "0"
    index = {c.code: i for i, c in enumerate(CODES)}
    rules = [{
        "id": c.code,
        "name": c.name,
        "shortDescription": {"text": c.summary},
        "helpUri": c.help_uri,
        "defaultConfiguration": {"level": _LEVEL[c.severity]},
        "properties": {"family": c.family},
    } for c in CODES]
    results = []
    for f in findings:
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": Path(f.file or "ruleset").as_posix()},
                "region": {"startLine": f.line or 1, "startColumn": f.column or 1},
            }}],
            "properties": {"name": f.name, "rules": list(f.rules), "witness": f.witness,
                           **{k: f.extra[k] for k in ("region", "regions") if k in f.extra}},
        }
        results.append(result)
    if diagnostics:
        rules.append({
            "id": INPUT_ERROR,
            "name": INPUT_ERROR,
            "shortDescription": {"text": "The file could not be linted: it does not compile or cannot be read."},
            "defaultConfiguration": {"level": "error"},
        })
    for d in diagnostics:
        region = {"startLine": d.location.line, "startColumn": d.location.column} if d.location else None
        location = {"artifactLocation": {"uri": Path(d.file or "ruleset").as_posix()}}
        if region:
            location["region"] = region
        results.append({
            "ruleId": INPUT_ERROR,
            "ruleIndex": len(rules) - 1,
            "level": "error",
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": location}],
            "properties": {"name": INPUT_ERROR, "code": d.code},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "clinrules", "version": tool_version,
                                "informationUri": "https://github.com/clinrules/clinrules",
                                "rules": rules}},
            "results": results,
        }],
    }

"""Lint findings from the cache: a second `clinrules lint` of an unchanged file.

The key adds the lint configuration in force (`[tool.clinrules.lint]`) to
the compiled document's key. Findings are stored as their JSON output
(`Finding.as_dict`) and rebuilt; an entry is used only when every rebuilt
finding gives back exactly the stored dictionary. On a miss the document
comes from the IR cache (or the compiler) and the linter runs as usual.
"""

from __future__ import annotations

import json

from clinrules.cache import ir, store
from clinrules.cache.fingerprint import fingerprint

KIND = "lint"
_FIELDS = ("code", "name", "severity", "message", "file", "line", "column", "rules", "witness")


def lint_file(path, config) -> list:
    """`clinrules.lint.lint` of the compiled `.rules` file at `path`, findings naming `path`."""
    shown = str(path)
    raw = ir.read_source(path)
    if raw is None or not store.enabled():
        from clinrules.lint import lint

        return lint(ir.compile_file(path), config=config, file=shown)
    key = store.key_of(KIND, fingerprint(), shown, _config_key(config), raw)
    payload = store.read(KIND, key)
    if payload is not None:
        findings = _trusted(payload)
        if findings is not None:
            return findings
    from clinrules.lint import lint

    findings = lint(ir.compile_raw(raw, shown), config=config, file=shown)
    store.write(KIND, key, json.dumps([f.as_dict() for f in findings], ensure_ascii=False,
                                      separators=(",", ":")).encode("utf-8"))
    return findings


def _config_key(config) -> str:
    severity = sorted((config.severity or {}).items())
    return json.dumps({"severity": severity, "disable": sorted(config.disable or ())})


def _trusted(payload: bytes) -> list | None:
    from clinrules.lint.findings import Finding

    try:
        stored = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(stored, list):
        return None
    findings = []
    for item in stored:
        if not isinstance(item, dict) or any(name not in item for name in _FIELDS):
            return None
        try:
            finding = Finding(
                code=item["code"], name=item["name"], severity=item["severity"], message=item["message"],
                file=item["file"], line=item["line"], column=item["column"], rules=tuple(item["rules"]),
                witness=item["witness"], extra={k: v for k, v in item.items() if k not in _FIELDS},
            )
        except TypeError:
            return None
        if finding.as_dict() != item:
            return None
        findings.append(finding)
    return findings

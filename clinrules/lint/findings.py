"""The one shape every finding has, and the one helper that builds it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from clinrules.lint.registry import BY_NAME


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    message: str
    file: str | None
    line: int | None
    column: int | None
    rules: tuple[str, ...] = ()
    witness: dict | None = None
    extra: dict = field(default_factory=dict, compare=False)
    # IR objects (rules, definitions, decisions) whose `# lint: allow` may
    # suppress this finding; not part of the output.
    subjects: tuple = field(default=(), compare=False, repr=False)

    def sort_key(self) -> tuple:
        """By place, then code; a stable sort keeps each family's own order
        (gap regions in reading order) among findings at one place."""
        return (self.file or "", self.line or 0, self.column or 0, self.code)

    def with_severity(self, severity: str) -> "Finding":
        return replace(self, severity=severity)

    def with_file(self, file: str) -> "Finding":
        return replace(self, file=file)

    def as_dict(self) -> dict:
        out = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rules": list(self.rules),
            "witness": self.witness,
        }
        out.update(self.extra)
        return out


def make(name: str, message: str, doc: dict, at: dict | None, *, rules=(), witness=None,
         subjects=(), **extra) -> Finding:
    """Build a finding of code `name` at `at` (an IR `{"line", "column"}`)."""
    code = BY_NAME[name]
    at = at or {}
    return Finding(
        code=code.code,
        name=code.name,
        severity=code.severity,
        message=message,
        file=doc.get("source_file"),
        line=at.get("line"),
        column=at.get("column"),
        rules=tuple(rules),
        witness=witness,
        extra=extra,
        subjects=tuple(subjects),
    )

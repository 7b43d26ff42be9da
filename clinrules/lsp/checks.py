"""The problems of one `.rules` text, as an editor shows them.

`check_text` runs the real parser and compiler (the errors of `clinrules
check`, same codes and messages) and `lint_checked` the real linter (the
findings of `clinrules lint`). They only reshape the results into `Problem`s
with editor positions: 0-based lines and columns, an end, and related places
(the other rule of a conflict). The language server and the workbench both
show these, so a clinical editor sees the same thing in either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from clinrules.errors import Diagnostic, RulesError


@dataclass(frozen=True)
class Related:
    """Another place a problem is about (0-based, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "message": self.message}


@dataclass(frozen=True)
class Problem:
    """One error or lint finding at a range of the text (0-based, end exclusive).

    `origin` is "check" (the compiler: the file cannot be used until it is
    fixed) or "lint" (the linter: conflicts, gaps, dead rules, style).
    """

    code: str
    severity: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    origin: str
    hint: str | None = None
    name: str | None = None
    related: tuple[Related, ...] = ()
    witness: dict | None = None

    @property
    def label(self) -> str:
        """The code as the CLI prints it: `CR002 conflict` for lint, the code for errors."""
        return f"{self.code} {self.name}" if self.name else self.code

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "severity": self.severity, "message": self.message,
            "hint": self.hint, "origin": self.origin,
            "line": self.line, "column": self.column, "end_line": self.end_line, "end_column": self.end_column,
            "related": [r.as_dict() for r in self.related], "witness": self.witness,
        }


@dataclass
class Checked:
    """One version of a document: its syntax tree (None on a syntax error),
    its compiled document (None on any error), its errors, and its lint
    findings once `lint_checked` has run (None before)."""

    path: str
    text: str
    tree: object | None
    doc: dict | None
    errors: list[Problem]
    findings: list[Problem] | None = None
    lines: list[str] = field(default_factory=list)
    content: object | None = None  # what the text says, when the parser told (`StatementCache.content`)

    @property
    def problems(self) -> list[Problem]:
        return self.errors + (self.findings or [])


Parser = Callable[[str, str], object]


def _default_parse(text: str, path: str):
    from clinrules.dsl import parse

    return parse(text, path)


def check_text(text: str, path: str, parse: Parser | None = None, validate: bool = True) -> Checked:
    """Parse and compile `text` as the file `path`; never raises for bad input.

    `parse` may be an incremental parser (`incremental.StatementCache.parse`)
    that returns the same tree as `clinrules.dsl.parse`; `validate=False`
    skips the compiled document's schema check (see `compile_tree`).
    """
    from clinrules.compiler import compile_tree

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tree = doc = None
    try:
        tree = (parse or _default_parse)(text, path)
        doc = compile_tree(tree, path, validate=validate)
        errors: list[Problem] = []
    except RulesError as exc:
        errors = [from_diagnostic(d, lines) for d in exc.diagnostics]
    return Checked(path=path, text=text, tree=tree, doc=doc, errors=errors, lines=lines)


def lint_checked(checked: Checked, config=None, memo=None) -> list[Problem]:
    """Lint a document that compiled (`[]` when it did not: errors come first).

    `config` defaults to the project configuration found above the file,
    as `clinrules lint` finds it. `memo` (a `relint.LintMemo`, one per
    document) moves the last findings when only positions changed."""
    if checked.doc is None:
        checked.findings = []
        return checked.findings
    from clinrules.lint import find_config, lint

    try:
        if config is None:
            config = find_config(Path(checked.path))
        if memo is not None:
            found = memo.lint(checked.doc, config, checked.path, checked.content)
        else:
            found = lint(checked.doc, config=config, file=checked.path)
    except RulesError as exc:  # a bad pyproject lint table
        checked.findings = [from_diagnostic(d, checked.lines) for d in exc.diagnostics]
        return checked.findings
    rules = {r.get("name"): r.get("at") for r in checked.doc.get("rules", [])}
    checked.findings = [from_finding(f, checked.lines, rules) for f in found]
    return checked.findings


def from_diagnostic(d: Diagnostic, lines: list[str]) -> Problem:
    loc = d.location
    if loc is None:
        line, column, end_line, end_column = 0, 0, 0, len(lines[0]) if lines else 0
    else:
        line, column = loc.line - 1, loc.column - 1
        if loc.end_line is not None and loc.end_column is not None:
            end_line, end_column = loc.end_line - 1, loc.end_column - 1
        else:
            end_line, end_column = line, _line_end(lines, line, column)
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
    return Problem(code=d.code, severity=d.severity, message=d.message, hint=d.hint, origin="check",
                   line=line, column=column, end_line=end_line, end_column=end_column)


def from_finding(f, lines: list[str], rules: dict) -> Problem:
    line = (f.line or 1) - 1
    column = (f.column or 1) - 1
    related = []
    for name in f.rules:
        at = rules.get(name)
        if at and (at["line"] - 1, at["column"] - 1) != (line, column):
            at_line, at_col = at["line"] - 1, at["column"] - 1
            related.append(Related(at_line, at_col, at_line, _line_end(lines, at_line, at_col),
                                   f"rule `{name}`"))
    return Problem(code=f.code, name=f.name, severity=f.severity, message=f.message, origin="lint",
                   line=line, column=column, end_line=line, end_column=_line_end(lines, line, column),
                   related=tuple(related), witness=f.witness)


def _line_end(lines: list[str], line: int, column: int) -> int:
    """The end of the words on a line (at least one character past `column`)."""
    text = lines[line] if 0 <= line < len(lines) else ""
    return max(len(text.rstrip()), column + 1)

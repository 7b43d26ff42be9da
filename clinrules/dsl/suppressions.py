"""`# lint: allow CODE[, CODE] -- reason` comments become ast.Suppression.

An editor silences a lint finding where it is written: in a comment on a line
of the statement itself, or in comment lines directly above it (no blank line
in between). Only inputs, definitions, decisions and rules take suppressions.
A `# lint:` comment that is malformed, or that sits where it silences
nothing, is an error: a suppression that silently does nothing would let a
reviewer believe a finding was looked at when it never was.
"""

from __future__ import annotations

import bisect
import dataclasses
import re

from clinrules.dsl import ast
from clinrules.errors import Diagnostic, Location, RulesError

_LINT = re.compile(r"#\s*lint\s*:\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_ALLOW = re.compile(r"allow\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_REASON_SPLIT = re.compile(r"\s*(?:--|—|–)\s*")
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_FORM = "`# lint: allow CODE[, CODE] -- reason`"

_TAKES_SUPPRESSIONS = (ast.Input, ast.Define, ast.Decision, ast.Rule)


def attach_suppressions(statements, comments, source: str, path: str) -> list:
    """Return `statements` with each lint comment attached to its statement."""
    statements = list(statements)
    lint = [c for c in comments if _LINT.match(c.value)]
    if not lint:
        return statements
    lines = source.split("\n")
    starts = [s.loc.line for s in statements]
    found: dict[int, list[ast.Suppression]] = {}
    problems: list[Diagnostic] = []
    for comment in lint:
        loc = Location(comment.line, comment.column, comment.end_line, comment.end_column)
        line_text = lines[comment.line - 1] if comment.line - 1 < len(lines) else ""
        try:
            suppression = _read(comment.value, loc)
            index = _target(statements, starts, lines, comment.line, line_text[: comment.column - 1].strip() == "")
        except _Problem as problem:
            problems.append(Diagnostic(problem.code, problem.message, file=path, location=loc,
                                       hint=problem.hint, source_line=line_text))
            continue
        found.setdefault(index, []).append(suppression)
    if problems:
        raise RulesError(problems)
    for index, items in found.items():
        stmt = statements[index]
        statements[index] = dataclasses.replace(stmt, suppressions=stmt.suppressions + tuple(items))
    return statements


class _Problem(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _read(text: str, loc: Location) -> ast.Suppression:
    rest = _LINT.match(text).group("rest").strip()
    allow = _ALLOW.match(rest)
    if not allow:
        raise _Problem("bad-suppression", f"a `# lint:` comment must read {_FORM}",
                       hint="for example `# lint: allow gap -- the guideline leaves 6 weeks open`")
    parts = _REASON_SPLIT.split(allow.group("rest").strip(), maxsplit=1)
    codes = [c for c in re.split(r"[\s,]+", parts[0]) if c]
    reason = parts[1].strip() if len(parts) > 1 else ""
    if not codes:
        raise _Problem("bad-suppression", "`# lint: allow` names no finding code to allow",
                       hint="for example `# lint: allow gap -- the guideline leaves 6 weeks open`")
    for code in codes:
        if not _CODE.match(code):
            raise _Problem("bad-suppression", f"`{code}` is not a finding code; a `# lint:` comment must read {_FORM}")
    return ast.Suppression(tuple(codes), reason, loc)


def _target(statements, starts, lines, line: int, alone: bool) -> int:
    """The statement a lint comment on `line` belongs to."""
    i = bisect.bisect_right(starts, line) - 1
    if i >= 0 and statements[i].loc.end_line >= line:
        return _check(statements, i)
    if alone:
        below = line + 1
        while below <= len(lines) and lines[below - 1].lstrip().startswith("#"):
            below += 1
        j = bisect.bisect_left(starts, below)
        if j < len(statements) and starts[j] == below:
            return _check(statements, j)
    raise _Problem(
        "misplaced-suppression",
        "this `# lint: allow` comment silences nothing: put it on the line of a rule, definition, "
        "input or decision, or on the comment lines directly above it",
    )


def _check(statements, index: int) -> int:
    stmt = statements[index]
    if not isinstance(stmt, _TAKES_SUPPRESSIONS):
        kind = "source" if isinstance(stmt, ast.Source) else "code"
        raise _Problem(
            "misplaced-suppression",
            f"a `{kind}` statement has no lint findings to allow: put `# lint: allow` on a rule, "
            "definition, input or decision",
        )
    return index

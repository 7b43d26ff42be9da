"""`format_source(text, path)`: the canonical layout of a `.rules` file.

What an editor would be happy to commit: the header first with `applies
when` on an indented line, statements in the order written, one blank line
between groups of different statements and between rules, `IF`/`THEN`/
`BECAUSE`/`AND`/`OR`/`NOT`/`OTHERWISE` in capitals and every other keyword in
lower case, names, numbers, units and strings exactly as written, the
editor's parentheses kept, long lists one item per line (layout.py).

Every comment is kept, beside the words it was written beside: comments
between statements stay above the statement that follows (with the editor's
blank lines, at most one in a row), a comment inside a statement stays on the
line of the words it followed or above the words it preceded. A `# lint:
allow` comment therefore stays with the statement it silences.

Formatting must never change what a ruleset means, so the result is checked
before it is returned: it must parse to the same syntax tree (locations
aside, lint suppressions included) and hold the same comments in the same
order. The compiler reads nothing but that tree, so the compiled document is
the same too (the tests check it), and the dsl package need not import the
compiler that sits above it. If any check fails the file is refused with
`format-unsafe` rather than rewritten.
"""

from __future__ import annotations

import bisect
import dataclasses

from clinrules.dsl import ast
from clinrules.dsl.comments import Comment
from clinrules.dsl.layout import STEP, Layout
from clinrules.dsl.parser import parse_with_comments
from clinrules.errors import Diagnostic, RulesError

__all__ = ["format_source"]

_BOM = "\ufeff"


def format_source(text: str, path: str) -> str:
    """The formatted text of one `.rules` file; RulesError if it has syntax errors.

    Line endings follow the file's first line break (CRLF stays CRLF) and a
    byte order mark is kept; everything else is canonical.
    """
    rules_file, comments = parse_with_comments(text, path)
    bom = _BOM if text.startswith(_BOM) else ""
    source = text[len(bom):].replace("\r\n", "\n").replace("\r", "\n")
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    try:
        body = _Formatter(source, rules_file, comments).text()
    except Exception as exc:  # noqa: BLE001 - a layout bug must not become a traceback
        raise RulesError([Diagnostic(
            "internal-error", f"the formatter could not lay out this file ({type(exc).__name__}: {exc})",
            file=path, hint="this is a bug in clinrules; please report it with the rules file",
        )]) from None
    _check_safe(text, rules_file, comments, bom + body, path)
    return bom + body.replace("\n", newline)


class _Formatter:
    def __init__(self, source: str, rules_file: ast.RulesFile, comments: tuple[Comment, ...]):
        self.src = source
        self.file = rules_file
        self.lines = source.split("\n")
        self.layout = Layout(source, [])
        seen, unique = set(), []
        for c in comments:  # one comment per place, in source order
            key = (c.loc.line, c.loc.column)
            if key not in seen:
                seen.add(key)
                unique.append(c)
        unique.sort(key=lambda c: (c.loc.line, c.loc.column))
        self.comments = unique
        self.offsets = [self.layout.offset(c.loc.line, c.loc.column) for c in unique]
        self.layout.comments = self.offsets
        self.by_line = {c.loc.line: c.text for c in unique}  # one comment at most per line
        self.out: list[str] = []

    def text(self) -> str:
        statements = [self.file.header, *self.file.statements]
        starts = [self.layout.start(s) for s in statements]
        inside: dict[int, list[tuple[int, Comment]]] = {}
        for off, c in zip(self.offsets, self.comments):
            i = bisect.bisect_right(starts, off) - 1
            if i >= 0 and c.loc.line <= statements[i].loc.end_line:
                inside.setdefault(i, []).append((off, c))
        prev_end = 0  # the last source line already written
        previous = None
        for i, stmt in enumerate(statements):
            items, before, after = self._region(prev_end, stmt.loc.line)
            if previous is not None and self._separated(previous, stmt, before):
                self._blank()
            self.out.extend(items)
            if items and after:
                self._blank()
            self._emit(self.layout.statement(stmt), inside.get(i, []))
            prev_end = stmt.loc.end_line
            previous = stmt
        items, before, _ = self._region(prev_end, len(self.lines) + 1)
        if items and before:
            self._blank()
        self.out.extend(items)
        return "\n".join(self.out) + "\n"

    def _blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def _region(self, after_line: int, before_line: int) -> tuple[list[str], bool, bool]:
        """The comment lines strictly between two source lines, the editor's blank
        lines among them kept (one at most), and whether a blank line came
        before the first comment and after the last."""
        raw: list[str | None] = []
        for line in range(after_line + 1, min(before_line, len(self.lines) + 1)):
            if line in self.by_line:
                raw.append(self.by_line[line])
            elif not self.lines[line - 1].strip():
                raw.append(None)
        if not any(r is not None for r in raw):
            blank = bool(raw)
            return [], blank, blank
        before = raw[0] is None
        after = raw[-1] is None
        items: list[str] = []
        for r in raw:
            if r is None:
                if items and items[-1] != "":
                    items.append("")
            else:
                items.append(r)
        while items and items[-1] == "":
            items.pop()
        return items, before, after

    @staticmethod
    def _separated(previous, stmt, blank_before: bool) -> bool:
        """Does a blank line go between two consecutive statements?"""
        if isinstance(previous, ast.Header):
            return True
        if isinstance(previous, ast.Rule) and isinstance(stmt, ast.Rule):
            return True
        if type(previous) is not type(stmt):
            # A `code` written right under what it codes stays with it.
            attached = isinstance(stmt, ast.Code) and isinstance(previous, (ast.Input, ast.Define, ast.Decision))
            return blank_before or not attached
        return blank_before

    def _emit(self, lines: list, comments: list[tuple[int, Comment]]) -> None:
        """Write a statement's lines with its own comments put back beside them."""
        anchors, top = [], 0
        for line in lines:
            top = max(top, line[2])
            anchors.append(top)
        placed: dict[int, list[tuple[int, Comment, bool]]] = {}
        for off, c in comments:
            own_line = not self.lines[c.loc.line - 1][: c.loc.column - 1].strip()
            if own_line:  # it speaks about what follows it
                i = bisect.bisect_right(anchors, off)
                i = i if i < len(lines) else len(lines) - 1
            else:  # it speaks about what it follows
                i = max(0, bisect.bisect_right(anchors, off) - 1)
            placed.setdefault(i, []).append((off, c, own_line))
        for i, (indent, text, _) in enumerate(lines):
            pad = " " * indent
            mine = sorted(placed.get(i, []), key=lambda p: p[0])
            trailing = None
            if mine and not mine[-1][2]:
                trailing = mine.pop()[1].text
            # Comments above a closing bracket belong with the items it closes.
            above = pad + " " * STEP if text[:1] in "])" else pad
            self.out.extend(above + c.text for _, c, _ in mine)
            self.out.append(pad + text + (f"  {trailing}" if trailing else ""))


# --- the safety check ------------------------------------------------------------


def _check_safe(original: str, rules_file, comments, formatted: str, path: str) -> None:
    """Refuse (format-unsafe) unless `formatted` means exactly what `original` does."""
    try:
        again, again_comments = parse_with_comments(formatted, path)
    except RulesError as exc:
        _unsafe(path, None, f"the formatted text does not parse ({exc.diagnostics[0].message})")
    old, new = _shape(rules_file.header), _shape(again.header)
    if old != new:
        _unsafe(path, rules_file.header.loc, "the header would change")
    if len(rules_file.statements) != len(again.statements):
        _unsafe(path, None, "the number of statements would change")
    for before, after in zip(rules_file.statements, again.statements):
        if _shape(before) != _shape(after):
            _unsafe(path, before.loc, "this statement would change")
    if [c.text for c in comments] != [c.text for c in again_comments]:
        _unsafe(path, None, "a comment would be lost or moved out of order")
    # The same syntax tree (suppressions included) compiles to the same
    # document: the compiler reads nothing else. The tests check that too.


def _shape(node):
    """A syntax tree with its locations (and the file's own text) left out."""
    if isinstance(node, (tuple, list)):
        return tuple(_shape(n) for n in node)
    if dataclasses.is_dataclass(node):
        skip = {"loc", "path", "text"} if isinstance(node, ast.RulesFile) else {"loc"}
        return (type(node).__name__,) + tuple(
            (f.name, _shape(getattr(node, f.name))) for f in dataclasses.fields(node) if f.name not in skip
        )
    return node


def _unsafe(path: str, loc, why: str):
    raise RulesError([Diagnostic(
        "format-unsafe",
        f"the file was not formatted: {why}; formatting must never change what a ruleset means",
        file=path,
        location=loc,
        hint="this is a bug in clinrules; please report it with the rules file, and keep the file as it is",
    )])

"""Every syntax error of a file in one run, without cascades.

`parse` stops at the first syntax error: that is what the formatter and the
language server want. An editor running `clinrules check` wants them all, so
`parse_all` recovers and goes on. Recovery works on the text, statement by
statement, not inside Lark's LALR stack: a statement starts on a line whose
first word is a statement keyword (`rule`, `IF`, `define`, `input`,
`decision`, `code`, `source`, `ruleset`) outside a quoted text. After an
error, the broken statement (from its start up to the next statement start)
is blanked out with spaces, keeping every line break, so positions do not
move, and the file is parsed again from the top. Blanking the whole statement
is what prevents cascades: no half-read statement is left to confuse the
next one, and statements never depend on each other's syntax. A broken
header is replaced by a minimal one of the same length so the rest can
still be read.

Each new parse also blanks everything already read, so it starts where the
previous one stopped: a file with errors costs about one parse in all, plus
a regular-expression pass per error (at most `MAX_ERRORS`). A clean file is
parsed exactly once, by `parse`.
"""

from __future__ import annotations

import re

from clinrules.dsl import ast
from clinrules.dsl.parser import parse
from clinrules.errors import Diagnostic, RulesError

MAX_ERRORS = 50

# Errors after which the rest of the file can still be read.
_RECOVERABLE = frozenset({
    "syntax-error", "duplicate-header", "unclosed-bracket", "unterminated-string",
    "unexpected-character", "not-utf8",
})
_KEYWORD = r"(?:ruleset|source|input|define|decision|code|rule|if)(?![\w'’/-])"
_STATEMENT_STARTS = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*"|“[^”]*”)|(?P<comment>#[^\n]*)|(?P<start>^[ \t]*' + _KEYWORD + ")",
    re.MULTILINE | re.IGNORECASE,
)
# After an unterminated text, quotes are only trusted within one line.
_STATEMENT_STARTS_ONE_LINE = re.compile(
    r'(?P<string>"(?:[^"\\\n]|\\.)*"|“[^”\n]*”)|(?P<comment>#[^\n]*)|(?P<start>^[ \t]*' + _KEYWORD + ")",
    re.MULTILINE | re.IGNORECASE,
)
_MINIMAL_HEADER = 'ruleset "x"'


def parse_all(text: str, path: str) -> ast.RulesFile:
    """`parse`, but a file with syntax errors raises a RulesError listing every
    one of them (each with its line, column, caret and hint), in file order."""
    try:
        return parse(text, path)
    except RulesError as exc:
        first = exc.diagnostics
    raise RulesError(_collect(text, path, first))


def syntax_errors(text: str, path: str) -> list[Diagnostic]:
    """Every syntax error of `text` (empty when it parses)."""
    try:
        parse_all(text, path)
    except RulesError as exc:
        return list(exc.diagnostics)
    return []


def _collect(text: str, path: str, first: list[Diagnostic]) -> list[Diagnostic]:
    found = list(first)
    source = text[1:] if text.startswith("\ufeff") else text
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    lines = source.split("\n")
    starts = _Starts(source)
    while len(found) < MAX_ERRORS:
        last = found[-1]
        if last.code not in _RECOVERABLE or last.location is None:
            break
        blanked = _blank_broken_statement(source, last, starts)
        if blanked is None or blanked == source:
            break
        source = blanked
        try:
            parse(source, path)
            break
        except RulesError as exc:
            new = [_with_line(d, lines) for d in exc.diagnostics]
        if not new or new[0].location is None or _key(new[0]) <= _key(last):
            break  # no progress: stop rather than repeat ourselves
        found.extend(new)
    return found[:MAX_ERRORS]


class _Starts:
    """Where statements start, found once in the file as written (blanking
    only ever removes whole statements, so later starts stay where they are)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.done = 0  # everything before this, but the header, is blanked
        self._found: dict[bool, list[int]] = {}
        self._lines = [0] + [m.end() for m in re.finditer("\n", source)]

    def offset(self, line: int, column: int) -> int:
        """The text offset of a 1-based line and column."""
        if line > len(self._lines):
            return len(self.source)
        return min(self._lines[line - 1] + column - 1, len(self.source))

    def get(self, one_line_strings: bool) -> list[int]:
        if one_line_strings not in self._found:
            self._found[one_line_strings] = _starts(self.source, one_line_strings)
        found = self._found[one_line_strings]
        return found[:1] + [s for s in found[1:] if s >= self.done]


def _key(d: Diagnostic) -> tuple[int, int]:
    return d.location.line, d.location.column


def _with_line(d: Diagnostic, lines: list[str]) -> Diagnostic:
    """The diagnostic showing the file's own line (the parsed text had blanks)."""
    loc = d.location
    if loc is None or not 0 < loc.line <= len(lines) or d.source_line is None:
        return d
    return Diagnostic(d.code, d.message, file=d.file, location=loc, hint=d.hint, source_line=lines[loc.line - 1])


def _starts(source: str, one_line_strings: bool) -> list[int]:
    pattern = _STATEMENT_STARTS_ONE_LINE if one_line_strings else _STATEMENT_STARTS
    out = []
    for match in pattern.finditer(source):
        if match.lastgroup == "start":
            text = match.group(0)
            out.append(match.start() + len(text) - len(text.lstrip()))
    return out


def _blank(source: str, start: int, end: int, replacement: str = "") -> str:
    middle = re.sub(r"[^\n]", " ", source[start:end])
    if replacement:
        middle = replacement + middle[len(replacement):]
    return source[:start] + middle + source[end:]


def _blank_broken_statement(source: str, d: Diagnostic, known: _Starts) -> str | None:
    """`source` with the statement holding `d` blanked out, or None when the
    rest of the file cannot be read (the header itself is beyond repair)."""
    at = known.offset(d.location.line, d.location.column)
    starts = known.get(one_line_strings=d.code == "unterminated-string")
    if not starts:
        return None
    if d.code == "duplicate-header":  # the second `ruleset` line is the broken statement
        begin = at
    elif at in starts and starts.index(at) > 0:  # the statement before ended too early
        begin = starts[starts.index(at) - 1]
    else:
        before = [s for s in starts if s <= at]
        if not before:
            return None
        begin = before[-1]
    end = next((s for s in starts if s > begin and (s > at or (s == at and d.code != "duplicate-header"))),
               len(source))
    if begin == starts[0]:  # the header: keep one so the statements can still be read
        if end - begin < len(_MINIMAL_HEADER) or "\n" in source[begin:begin + len(_MINIMAL_HEADER)]:
            return None
        known.done = end
        return _blank(source, begin, end, _MINIMAL_HEADER)
    known.done = end
    # Everything between the header and the broken statement has been read
    # without error: blank it too, so the next parse starts where this one
    # stopped (a run of blanks is one token) and k errors cost one parse.
    return _blank(source, starts[1] if len(starts) > 1 else begin, end)

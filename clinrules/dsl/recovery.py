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

Only a file with errors pays for this (one parse per error, at most
`MAX_ERRORS`); a clean file is parsed exactly once, by `parse`.
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
    while len(found) < MAX_ERRORS:
        last = found[-1]
        if last.code not in _RECOVERABLE or last.location is None:
            break
        blanked = _blank_broken_statement(source, last)
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


def _key(d: Diagnostic) -> tuple[int, int]:
    return d.location.line, d.location.column


def _with_line(d: Diagnostic, lines: list[str]) -> Diagnostic:
    """The diagnostic showing the file's own line (the parsed text had blanks)."""
    loc = d.location
    if loc is None or not 0 < loc.line <= len(lines) or d.source_line is None:
        return d
    return Diagnostic(d.code, d.message, file=d.file, location=loc, hint=d.hint, source_line=lines[loc.line - 1])


def _offset(source: str, line: int, column: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nxt = source.find("\n", pos)
        if nxt < 0:
            return len(source)
        pos = nxt + 1
    return min(pos + column - 1, len(source))


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


def _blank_broken_statement(source: str, d: Diagnostic) -> str | None:
    """`source` with the statement holding `d` blanked out, or None when the
    rest of the file cannot be read (the header itself is beyond repair)."""
    at = _offset(source, d.location.line, d.location.column)
    starts = _starts(source, one_line_strings=d.code == "unterminated-string")
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
        return _blank(source, begin, end, _MINIMAL_HEADER)
    return _blank(source, begin, end)

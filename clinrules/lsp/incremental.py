"""Re-parse only the statements an edit touched.

Parsing dominates the check of a large ruleset (three quarters of the time
for 1,500 rules), and an editor changes one statement at a time. The text is
cut into chunks, one per top-level statement (a line starting with `rule`,
`input`, `define`, `decision`, `code` or `source`, with the comment lines
directly above it, which may hold its `# lint: allow`); the header is
everything before the first. Each chunk is parsed by the real parser
(`clinrules.dsl.parser.parse_with_comments`) as the file's header followed by
blank lines and the chunk, so every location comes out where it is in the
file. Chunks seen before, at the same or another line, are reused (moved by
the number of lines inserted above them). The tree is the one
`clinrules.dsl.parse` returns for the whole text; the tests compare them
after random edits.

Short files, a changed header, and text the chunking cannot vouch for
(carriage returns, a byte order mark) are parsed whole.

Each parse also tells what the text says (`content`): the words of its
statements, white space and comments aside, in any order. The linter's memo
compares it with the last linted version's to tell at once an edit that
changed a rule from one that may only have moved things (`relint`).
"""

from __future__ import annotations

import dataclasses
import re

from clinrules.dsl import ast
from clinrules.errors import Location

WHOLE_BELOW = 200  # lines: shorter files are parsed whole, it costs nothing
# A statement keyword ends any unquoted name (LANGUAGE.md, Names), so at the
# start of a line, outside a string, it can only start a statement.
_START = re.compile(r"(?:rule|input|define|decision|code|source)(?=[ \t\"“]|$)", re.IGNORECASE)
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|“[^”]*”|#[^\n]*')
_FIELDS: dict[type, tuple[str, ...]] = {}


class StatementCache:
    """Parses successive versions of one document, reusing unchanged statements."""

    def __init__(self) -> None:
        self.header: str | None = None
        self.header_tree = None
        # chunk text -> [line it is at now, its statements, their Location objects, its words]
        self.chunks: dict[str, list] = {}
        self.reparsed = 0  # chunks parsed by the last call (for tests and the benchmark)
        # What the last parsed text says: equal for two texts that differ only
        # in white space, comments and the order of statements; None when
        # the text was parsed whole and not cut into statements.
        self.content: tuple | None = None

    def parse(self, text: str, path: str) -> ast.RulesFile:
        from clinrules.dsl.parser import parse_with_comments

        self.content = None
        lines = text.split("\n")
        if len(lines) < WHOLE_BELOW or "\r" in text or text.startswith("\ufeff"):
            return self._whole(text, path, lines, seed=False)
        starts = _chunk_starts(lines, text)
        if not starts:
            return self._whole(text, path, lines, seed=False)
        header = "\n".join(lines[: starts[0]])
        if header != self.header:
            return self._whole(text, path, lines, seed=True)
        statements: list = []
        fresh: dict[str, list] = {}
        self.reparsed = 0
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            chunk = "\n".join(lines[start:end])
            entry = self.chunks.get(chunk) if chunk not in fresh else None  # a repeated chunk gets its own tree
            if entry is None:
                padded = header + "\n" * (start - starts[0] + 1) + chunk
                found = parse_with_comments(padded, path)[0].statements
                self.reparsed += 1
                entry = [start, found, _locations(found), _words(chunk)]
            elif entry[0] != start:
                _move(entry, start)
            fresh[chunk] = entry
            statements.extend(entry[1])
        self.chunks = fresh
        self._said()
        return ast.RulesFile(path=path, text=text, header=self.header_tree, statements=tuple(statements))

    def _whole(self, text: str, path: str, lines: list[str], seed: bool) -> ast.RulesFile:
        from clinrules.dsl import parse

        self.header, self.header_tree, self.chunks = None, None, {}
        tree = parse(text, path)
        self.reparsed = -1  # the whole text
        if seed:
            self._seed(tree, lines)
        return tree

    def _seed(self, tree: ast.RulesFile, lines: list[str]) -> None:
        """Remember the statements of a whole parse chunk by chunk."""
        starts = _chunk_starts(lines, tree.text)
        by_chunk: dict[int, list] = {i: [] for i in range(len(starts))}
        for stmt in tree.statements:
            i = _chunk_of(starts, stmt.loc.line - 1)
            if i < 0:
                return  # a statement before the first chunk: the chunking cannot vouch for this text
            by_chunk[i].append(stmt)
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            if not by_chunk[i]:
                return  # a chunk with no statement: parse chunk by chunk from scratch next time
            found = tuple(by_chunk[i])
            chunk = "\n".join(lines[start:end])
            self.chunks[chunk] = [start, found, _locations(found), _words(chunk)]
        self.header = "\n".join(lines[: starts[0]])
        self.header_tree = tree.header
        self._said()

    def _said(self) -> None:
        self.content = (_words(self.header), *sorted(entry[3] for entry in self.chunks.values()))


def _words(text: str) -> str:
    """The text without its comments and white space (strings stay, but
    for their white space): equal for texts an edit only re-spaced or
    re-commented. Nothing is decided on it alone; see `content`."""
    kept = _STRING_OR_COMMENT.sub(lambda m: "" if m.group().startswith("#") else m.group(), text)
    return "".join(kept.split())


def _chunk_starts(lines: list[str], text: str) -> list[int]:
    """0-based first lines of the chunks: each statement keyword at the start
    of a line (not inside a string that spans lines), moved up over the
    comment lines directly above it."""
    inside: set[int] = set()
    line_starts = None
    for m in _STRING_OR_COMMENT.finditer(text):
        if "\n" in m.group():
            if line_starts is None:
                line_starts = [0] + [m2.end() for m2 in re.finditer("\n", text)]
            first = _chunk_of(line_starts, m.start())
            last = _chunk_of(line_starts, m.end() - 1)
            inside.update(range(first + 1, last + 1))
    starts = []
    for i, line in enumerate(lines):
        if i not in inside and _START.match(line):
            j = i
            while j > 0 and lines[j - 1].startswith("#") and (not starts or j - 1 > starts[-1]):
                j -= 1
            starts.append(j)
    return starts


def _chunk_of(starts: list[int], line: int) -> int:
    import bisect

    return bisect.bisect_right(starts, line) - 1


def _locations(statements: tuple) -> list[Location]:
    """Every Location object in these statements, each once."""
    seen: dict[int, Location] = {}
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, Location):
            seen[id(node)] = node
        elif isinstance(node, tuple):
            stack.extend(node)
        elif dataclasses.is_dataclass(node):
            names = _FIELDS.get(type(node))
            if names is None:
                names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
            stack.extend(getattr(node, n) for n in names)
    return list(seen.values())


def _move(entry: list, start: int) -> None:
    """Move a cached chunk's statements to the line `start`, in place.

    The cache owns these trees (a tree it returned is superseded by the
    next call), so their frozen Locations are moved where they are rather
    than copied: an Enter near the top of a 1,500-rule file moves every
    statement below it, and copying every node costs more than the whole
    parse it saves. The entry records its new line at once, so a syntax
    error later in the same call leaves the cache consistent.
    """
    delta = start - entry[0]
    for loc in entry[2]:
        values = loc.__dict__
        values["line"] += delta
        if values["end_line"] is not None:
            values["end_line"] += delta
    entry[0] = start

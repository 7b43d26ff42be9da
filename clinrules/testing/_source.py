"""Read a YAML or JSON fixture file into plain data, remembering where each
value was written.

Fixture errors must point at the line of the case an editor got wrong, so the
reader keeps, for every path into the data (`("cases", 3, "expect",
"imaging")`), the line and column where it was written: for a mapping entry,
where its key is; for a list item, where the item starts. YAML goes through
PyYAML's composer (whose nodes carry marks); JSON through a small reader of
our own, since the standard library's parser forgets positions.

Numbers are kept exact: a written `1.5` becomes `Decimal("1.5")`, never a
binary float, so a threshold test at `20.1 mm/h` means exactly 20.1.

YAML reads `yes`, `no`, `on`, `off` as booleans, yet an option may be called
`yes` (`decision admit: one of [yes, no]`): the reader keeps the text of
every boolean as written (`booleans`), so the fixture layer can take it as a
name where a name is expected.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from clinrules.errors import Diagnostic, Location, RulesError

Mark = tuple[int, int]  # (line, column), both from 1


@dataclass(frozen=True)
class SourceData:
    """The data of one file and where each part of it was written."""

    path: Path
    text: str
    data: Any
    marks: dict[tuple, Mark]
    booleans: dict[tuple, str] = field(default_factory=dict)  # path -> a boolean's text as written

    def mark(self, path: tuple) -> Mark | None:
        """The place of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.marks:
                return self.marks[path]
            if not path:
                return None
            path = path[:-1]

    def written(self, path: tuple, value: Any) -> Any:
        """`value` at `path`, a boolean replaced by its text as written (`yes`)."""
        if isinstance(value, bool):
            return self.booleans.get(tuple(path), "yes" if value else "no")
        return value

    def line_text(self, line: int) -> str | None:
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def diagnostic(self, code: str, message: str, path: tuple = (), hint: str | None = None) -> Diagnostic:
        """A diagnostic that points at where `path` was written in this file."""
        mark = self.mark(path)
        location = Location(*mark) if mark else None
        return Diagnostic(
            code,
            message,
            file=str(self.path),
            location=location,
            hint=hint,
            source_line=self.line_text(mark[0]) if mark else None,
        )


def read_text(path: Path) -> str:
    """The file's text; unreadable or non-UTF-8 files are fixture errors."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError.single(
            "fixture-unreadable", f"cannot read the fixture file: {exc.strerror or exc}", file=str(path)
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError.single(
            "fixture-unreadable",
            f"the fixture file is not UTF-8 text (byte {exc.start} cannot be decoded)",
            file=str(path),
        ) from None


def load_source(path: Path, text: str | None = None) -> SourceData:
    """Parse a `.json` file as JSON and anything else as YAML."""
    if text is None:
        text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            data, marks, booleans = _JsonReader(text, path).read()
        else:
            data, marks, booleans = _read_yaml(text, path)
    except RecursionError:
        # Both readers (and PyYAML's composer) follow nesting recursively; a
        # YAML alias that contains itself (`a: &a [*a]`) nests without end.
        alias = "" if path.suffix.lower() == ".json" else " (or a YAML alias contains itself)"
        raise RulesError.single(
            "fixture-syntax",
            f"the fixture file is nested too deeply to read{alias}",
            file=str(path),
            hint="a fixture holds cases a few levels deep: `cases` > case > `given` > value",
        ) from None
    return SourceData(path=path, text=text, data=data, marks=marks, booleans=booleans)


# --- YAML ----------------------------------------------------------------------

_YAML_FLOAT = "tag:yaml.org,2002:float"
_YAML_MERGE = "tag:yaml.org,2002:merge"


def _read_yaml(text: str, path: Path) -> tuple[Any, dict[tuple, Mark], dict[tuple, str]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = {"location": Location(mark.line + 1, mark.column + 1)} if mark else {}
        problem = exc.problem or exc.context or "not valid YAML"
        raise RulesError.single(
            "fixture-syntax", f"the fixture file is not valid YAML: {problem}", file=str(path), **where
        ) from None
    except yaml.YAMLError as exc:
        raise RulesError.single("fixture-syntax", f"the fixture file is not valid YAML: {exc}", file=str(path)) from None
    if node is None:
        raise RulesError.single("fixture-empty", "the fixture file is empty", file=str(path))
    marks: dict[tuple, Mark] = {}
    booleans: dict[tuple, str] = {}
    constructor = yaml.SafeLoader("")
    data = _yaml_value(node, (), marks, constructor, path, booleans)
    return data, marks, booleans


def _node_mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _yaml_value(
    node: yaml.Node, path: tuple, marks: dict, constructor: yaml.SafeLoader, file: Path, booleans: dict
) -> Any:
    marks.setdefault(path, _node_mark(node))
    if isinstance(node, yaml.MappingNode):
        written: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RulesError.single(
                    "fixture-syntax",
                    "a key must be a plain name, not a list or mapping",
                    file=str(file),
                    location=Location(*_node_mark(key_node)),
                )
            if key_node.tag == _YAML_MERGE:
                continue
            if key_node.value in written:
                raise RulesError.single(
                    "fixture-duplicate-key",
                    f"`{key_node.value}` is written twice in the same mapping",
                    file=str(file),
                    location=Location(*_node_mark(key_node)),
                    hint="keep one of them: YAML would silently use the last",
                )
            written.add(key_node.value)
        # `<<: *base` merge keys: the merged entries come first, so the ones
        # written in this mapping override them.
        try:
            constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            raise RulesError.single(
                "fixture-syntax", f"cannot merge into this mapping: {exc}", file=str(file), location=Location(*_node_mark(node))
            ) from None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # Keys are names as written: `no:` is the name "no", not false.
            key = key_node.value
            marks[path + (key,)] = _node_mark(key_node)
            out[key] = _yaml_value(value_node, path + (key,), marks, constructor, file, booleans)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _yaml_value(item, path + (i,), marks, constructor, file, booleans) for i, item in enumerate(node.value)
        ]
    if node.tag == _YAML_FLOAT:
        exact = _exact_decimal(node.value)
        if exact is not None:
            return exact
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise RulesError.single(
            "fixture-syntax", f"cannot read this value: {exc}", file=str(file), location=Location(*_node_mark(node))
        ) from None
    if isinstance(value, bool):
        booleans[path] = node.value
    if not isinstance(value, (str, bool, int, float, type(None))):
        # Dates, timestamps and binary data have no meaning as facts: keep the
        # text as written so the schema or the runtime can name the problem.
        return node.value
    return value


def _exact_decimal(text: str) -> Decimal | None:
    cleaned = text.replace("_", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", cleaned):
        return None  # .inf, .nan, sexagesimal: leave them to PyYAML
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


# --- JSON ----------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _JsonReader:
    """A strict JSON reader (RFC 8259) that records the position of every value."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.marks: dict[tuple, Mark] = {}
        self.booleans: dict[tuple, str] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def read(self) -> tuple[Any, dict[tuple, Mark], dict[tuple, str]]:
        i = self._skip(0)
        if i == len(self.text):
            raise RulesError.single("fixture-empty", "the fixture file is empty", file=str(self.path))
        value, i = self._value(i, ())
        i = self._skip(i)
        if i != len(self.text):
            self._fail(i, "unexpected text after the end of the JSON document")
        return value, self.marks, self.booleans

    def _mark(self, i: int) -> Mark:
        line = bisect.bisect_right(self._line_starts, i)
        return (line, i - self._line_starts[line - 1] + 1)

    def _fail(self, i: int, message: str):
        raise RulesError.single(
            "fixture-syntax",
            f"the fixture file is not valid JSON: {message}",
            file=str(self.path),
            location=Location(*self._mark(i)),
        )

    def _skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def _value(self, i: int, path: tuple) -> tuple[Any, int]:
        i = self._skip(i)
        self.marks.setdefault(path, self._mark(i))
        if i >= len(self.text):
            self._fail(i, "the document ends where a value was expected")
        ch = self.text[i]
        if ch == "{":
            return self._object(i + 1, path)
        if ch == "[":
            return self._array(i + 1, path)
        if ch == '"':
            return self._string(i)
        number = _NUMBER.match(self.text, i)
        if number and number.end() > i:
            literal = number.group(0)
            if number.group(1) or number.group(2):
                return Decimal(literal), number.end()
            return int(literal), number.end()
        for word, value in _LITERALS.items():
            if self.text.startswith(word, i):
                if isinstance(value, bool):
                    self.booleans[path] = word
                return value, i + len(word)
        self._fail(i, f"unexpected character {self.text[i]!r}")

    def _string(self, i: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, i + 1, True)
        except json.JSONDecodeError as exc:
            self._fail(exc.pos, exc.msg.lower())

    def _object(self, i: int, path: tuple) -> tuple[dict, int]:
        out: dict[str, Any] = {}
        i = self._skip(i)
        if self.text.startswith("}", i):
            return out, i + 1
        while True:
            i = self._skip(i)
            if not self.text.startswith('"', i):
                self._fail(i, "expected a quoted key")
            key_at = i
            key, i = self._string(i)
            if key in out:
                raise RulesError.single(
                    "fixture-duplicate-key",
                    f"`{key}` is written twice in the same object",
                    file=str(self.path),
                    location=Location(*self._mark(key_at)),
                )
            self.marks[path + (key,)] = self._mark(key_at)
            i = self._skip(i)
            if not self.text.startswith(":", i):
                self._fail(i, "expected `:` after the key")
            out[key], i = self._value(i + 1, path + (key,))
            i = self._skip(i)
            if self.text.startswith(",", i):
                i += 1
                continue
            if self.text.startswith("}", i):
                return out, i + 1
            self._fail(i, "expected `,` or `}`")

    def _array(self, i: int, path: tuple) -> tuple[list, int]:
        out: list[Any] = []
        i = self._skip(i)
        if self.text.startswith("]", i):
            return out, i + 1
        while True:
            value, i = self._value(i, path + (len(out),))
            out.append(value)
            i = self._skip(i)
            if self.text.startswith(",", i):
                i += 1
                continue
            if self.text.startswith("]", i):
                return out, i + 1
            self._fail(i, "expected `,` or `]`")

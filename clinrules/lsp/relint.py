"""Lint findings of an edit that moved things but changed nothing.

Most edits in an editor change no rule: a new line, a comment, a typo
typed and fixed again. The compiled document is then the last linted one
but for its positions (`"at"`, and the digest of the text), so the
findings are the last ones, moved: each finding's place is the `"at"` of
an object of the document, and that object's new `"at"` is where it is now.

The document is compared with the last one, value by value but for every
`"at"` (the last positions were taken when it was linted, so a document
whose positions are later moved in place cannot mislead it): any other
difference, an `"at"` not of the usual `{"line", "column"}` shape, two
objects that were at one place and are now at two, or a finding at a place
no object is at, and the linter runs as usual. Moved findings are sorted again as the linter sorts
them (a `define` moved below a rule changes their order).
"""

from __future__ import annotations

import copy


def _place(value) -> tuple[int, int] | None:
    """An `"at"` value as (line, column), when it is just that."""
    if value.__class__ is dict and len(value) == 2:
        line, column = value.get("line"), value.get("column")
        if line.__class__ is int and column.__class__ is int:
            return line, column
    return None


def positions(doc: dict) -> list[tuple[int, int]]:
    """Every plain `"at"` of the document, in a fixed walk order."""
    out: list[tuple[int, int]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            for key, value in node.items():
                if key == "at" and _place(value) is not None:
                    out.append(_place(value))
                elif value.__class__ is dict or value.__class__ is list:
                    stack.append(value)
        elif node.__class__ is list:
            stack.extend(v for v in node if v.__class__ is dict or v.__class__ is list)
    return out


def moved(old: dict, new: dict) -> list[tuple[int, int]] | None:
    """`positions(new)` when `new` is `old` but for its positions (and the
    digest of its text), else None. Walks both as `positions` walks one."""
    out: list[tuple[int, int]] = []
    stack = [(old, new, True)]
    while stack:
        a, b, top = stack.pop()
        if a.__class__ is not b.__class__:
            return None
        if a.__class__ is dict:
            if a.keys() != b.keys():
                return None
            for key, value in a.items():
                other = b[key]
                if key == "at" and value.__class__ is dict and len(value) == 2:
                    place = _place(other)
                    if place is None or _place(value) is None:
                        return None
                    out.append(place)
                elif top and key == "source_sha256":
                    continue
                elif value.__class__ is dict or value.__class__ is list:
                    stack.append((value, other, False))
                elif value.__class__ is not other.__class__ or value != other:
                    return None
        else:
            if len(a) != len(b):
                return None
            pairs = [(v, w, False) for v, w in zip(a, b) if v.__class__ is dict or v.__class__ is list]
            for v, w in zip(a, b):
                if not (v.__class__ is dict or v.__class__ is list) and (
                        v.__class__ is not w.__class__ or v != w):
                    return None
            stack.extend(pairs)
    return out


class LintMemo:
    """The last lint of one document, to move rather than recompute."""

    def __init__(self) -> None:
        self.key: tuple | None = None  # (path, configuration) it was linted with
        self.doc: dict | None = None
        self.positions: list[tuple[int, int]] = []  # taken when it was linted
        self.findings: list = []
        self.reused = False  # whether the last call moved the last findings (for tests)

    def lint(self, doc: dict, config, file: str) -> list:
        """`clinrules.lint.lint(doc, config=config, file=file)`, moved from
        the last result when only positions changed."""
        from clinrules.lint import lint
        from clinrules.lint.findings import Finding

        key = (file, tuple(sorted((config.severity or {}).items())), tuple(sorted(config.disable or ())))
        self.reused = False
        if key == self.key and self.doc is not None:
            now = moved(self.doc, doc)
            if now is not None and len(now) == len(self.positions):
                found = _move(self.findings, self.positions, now)
                if found is not None:
                    found.sort(key=Finding.sort_key)
                    self.doc, self.positions, self.findings, self.reused = doc, now, found, True
                    return list(found)
        found = lint(doc, config=config, file=file)
        self.key, self.doc, self.positions, self.findings = key, doc, positions(doc), list(found)
        return found

def _move(findings: list, old: list[tuple[int, int]], new: list[tuple[int, int]]) -> list | None:
    where: dict[tuple[int, int], tuple[int, int]] = {}
    for a, b in zip(old, new):
        if where.setdefault(a, b) != b:
            return None  # two objects at one place have parted
    out = []
    for finding in findings:
        if finding.line is None and finding.column is None:
            out.append(finding)
            continue
        to = where.get((finding.line, finding.column))
        if to is None:
            return None
        if to != (finding.line, finding.column):
            finding = copy.copy(finding)  # a frozen dataclass: set the two fields of the copy
            object.__setattr__(finding, "line", to[0])
            object.__setattr__(finding, "column", to[1])
        out.append(finding)
    return out

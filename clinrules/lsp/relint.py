"""Lint findings of an edit that moved things but changed nothing.

Most edits in an editor change no rule: a new line, a comment, a typo
typed and fixed again. The compiled document is then the last linted one
but for its positions (`"at"`, and the digest of the text), so the
findings are the last ones, moved: each finding's place is the `"at"` of
an object of the document, and that object's new `"at"` is where it is now.

The document is compared with the last one, value by value but for every
`"at"`: any other difference, an `"at"` not of the usual `{"line", "column"}`
shape, two objects that were at one place and are now at two, or a finding
at a place no object is at, and the linter runs as usual. The old places are
read from the last document during that comparison: compiled documents are
values, built afresh by every compile and never changed afterwards (the
incremental parser moves syntax-tree locations in place, never a compiled
document's). Moved findings are sorted again as the linter sorts them (a
`define` moved below a rule changes their order).

Walking two large documents costs a few tens of milliseconds, which an edit
that changed a threshold would spend only to learn it must lint. When the
caller knows what the text says (its words, white space and comments aside:
`incremental.StatementCache.content`), a change there goes straight to the
linter, and the walk is left for edits that may have moved things only.
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


def moved(old: dict, new: dict) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """Each plain `"at"` of `old` paired with the same object's in `new`,
    when `new` is `old` but for its positions (and the digest of its text),
    else None."""
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
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
                    was, now = _place(value), _place(other)
                    if was is None or now is None:
                        return None
                    out.append((was, now))
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
        self.content: object | None = None  # what its text said, when the caller knew
        self.findings: list = []
        self.reused = False  # whether the last call moved the last findings (for tests)

    def lint(self, doc: dict, config, file: str, content: object | None = None) -> list:
        """`clinrules.lint.lint(doc, config=config, file=file)`, moved from
        the last result when only positions changed. `content`, when given,
        is what the text says (any value that is equal for texts that differ
        only in white space and comments): when it differs from the last
        lint's, the document is not compared, it is linted."""
        from clinrules.lint import lint
        from clinrules.lint.findings import Finding

        key = (file, tuple(sorted((config.severity or {}).items())), tuple(sorted(config.disable or ())))
        self.reused = False
        said_else = content is not None and self.content is not None and content != self.content
        if key == self.key and self.doc is not None and not said_else:
            places = moved(self.doc, doc)
            if places is not None:
                found = _move(self.findings, places)
                if found is not None:
                    found.sort(key=Finding.sort_key)
                    self.doc, self.content, self.findings, self.reused = doc, content, found, True
                    return list(found)
        found = lint(doc, config=config, file=file)
        self.key, self.doc, self.content, self.findings = key, doc, content, list(found)
        return found


def _move(findings: list, places: list[tuple[tuple[int, int], tuple[int, int]]]) -> list | None:
    where: dict[tuple[int, int], tuple[int, int]] = {}
    for a, b in places:
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

"""Columns as the editor counts them.

clinrules counts columns in characters (Python string indices). LSP counts
them in the code units of the position encoding agreed at initialisation:
UTF-16 unless the client offers another (pygls picks it and applies
incoming edits with it), so a character outside the Basic Multilingual
Plane (an emoji in a BECAUSE text or a comment) is two units in UTF-16 and
four in UTF-8. Every position going out is converted here, and every
position coming in (hover, completion, code actions) converted back. A line
of plain ASCII, nearly every line of a ruleset, costs one `isascii` check.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _width(ch: str, encoding: str) -> int:
    code = ord(ch)
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 2 if code > 0xFFFF else 1


class Columns:
    """Converts columns of one encoding (`utf-8`, `utf-16` or `utf-32`)."""

    def __init__(self, encoding: str | None = None):
        encoding = str(getattr(encoding, "value", encoding) or UTF16).lower()
        self.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16

    def to_client(self, text: str, column: int) -> int:
        """Character column `column` of the line `text`, in client units (a
        column past the end counts one unit per missing character)."""
        if self.encoding == UTF32:
            return column
        head = text[:column]
        if head.isascii():
            return column
        return sum(_width(ch, self.encoding) for ch in head) + max(0, column - len(text))

    def from_client(self, text: str, units: int) -> int:
        """Client column `units` of the line `text`, in characters (a unit
        inside a character counts as that character's end)."""
        if self.encoding == UTF32 or text.isascii():
            return units
        count = 0
        for i, ch in enumerate(text):
            if count >= units:
                return i
            count += _width(ch, self.encoding)
        return len(text) + max(0, units - count)


def line_of(lines: list[str], line: int) -> str:
    return lines[line] if 0 <= line < len(lines) else ""

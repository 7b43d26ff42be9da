"""The text of quoted strings and numbers as the syntax tree keeps them.

Shared by the Lark tree builder and the fast reader (which must not import
Lark), so both turn the same token text into the same node text.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(.)", re.S)
_NEWLINE_RUN = re.compile(r"\s*\n\s*")


def string_text(raw: str) -> str:
    """The text inside a quoted string as written (`raw`, quotes included):
    escapes undone, line breaks folded.

    A string may run over several lines (the language is free-form); the
    line break and the indentation around it read as one space.
    """
    raw = raw[1:-1]
    if "\\" in raw:
        raw = _ESCAPE.sub(r"\1", raw)
    if "\n" in raw:
        raw = _NEWLINE_RUN.sub(" ", raw)
    return raw


def number_text(raw: str) -> str:
    """A number as the tree keeps it: as written, without a leading `+`."""
    return raw[1:] if raw[0] == "+" else raw

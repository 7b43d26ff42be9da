"""Comments as the parser saw them, for the tools that must keep them.

The grammar ignores comments, so the syntax tree holds none; the formatter
must still put every one back. The parser's lexer hands each comment token
over (`parse_with_comments`), and it arrives here as a plain `Comment`: the
text and where it was, with no Lark type leaking out of the parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinrules.errors import Location


@dataclass(frozen=True)
class Comment:
    """`# ...` up to the end of its line, as written (trailing blanks removed)."""

    text: str
    loc: Location


def from_token(token) -> Comment:
    return Comment(token.value.rstrip(), Location(token.line, token.column, token.end_line, token.end_column))

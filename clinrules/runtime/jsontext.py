"""JSON text to data, with every way it can be bad worded for people.

Compiled rulesets and patient facts both arrive as JSON files (or standard
input). Whatever is wrong with the bytes (not UTF-8, not JSON, nested
deeper than the parser can follow, a number too long to read) is a
RulesError naming the file and, where the parser knows it, the line and
column; never a Python exception. Facts keep their numbers exact: a
written `60.0000000000000000001` is that number, not the float 60.0.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from clinrules.errors import Diagnostic, Location, RulesError


def parse_json(data: bytes, *, file: str, what: str, code: str, exact: bool = False):
    """The data of a JSON document; `what` names it in messages ("the facts")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RulesError([Diagnostic(
            code, f"{what} is not UTF-8 text (bad byte at line {line})", file=file,
            hint="save the file as UTF-8",
        )]) from None
    if not text.strip():
        raise RulesError([Diagnostic(code, f"{what} is empty: expected a JSON object", file=file)])
    try:
        return json.loads(text, parse_float=Decimal if exact else None)
    except json.JSONDecodeError as exc:
        raise RulesError([Diagnostic(
            code, f"{what} is not valid JSON: {exc.msg}", file=file, location=Location(exc.lineno, exc.colno),
            source_line=_line(text, exc.lineno),
        )]) from None
    except RecursionError:
        raise RulesError([Diagnostic(code, f"{what} is nested too deeply to read", file=file)]) from None
    except ValueError:  # an integer with more digits than Python will convert
        raise RulesError([Diagnostic(
            code, f"{what} holds a number too long to read (more than {sys.get_int_max_str_digits()} digits)",
            file=file,
        )]) from None


def _line(text: str, lineno: int) -> str | None:
    lines = text.split("\n")
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else None
    return line if line is not None and len(line) <= 200 else None

"""What may be typed next, from the words before the cursor.

Three cases an editor meets all the time: after THEN (or a comma after it),
the options of the declared decisions; after a number that follows an input
with a unit, the spellings of units of that input's kind (weeks, days,
hours for a duration); otherwise the declared inputs and definitions (and,
after `is`, the values of a `one of` input). Names that need quotes are
offered quoted (`clinrules.compiler.names.spell`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clinrules.lsp.symbols import Index

_AFTER_THEN = re.compile(r"\bTHEN\b(?P<rest>[^\n]*)$", re.IGNORECASE)
_AFTER_NUMBER = re.compile(r"(?:^|[\s(\[,])[+-]?\d+(?:\.\d+)?\s*(?P<partial>[^\s\d,\])]*)$")
_AFTER_IS = re.compile(r"\bis\s+(?:not\s+)?(?:one\s+of\s*\[[^\]]*)?(?P<partial>[\w' -]*)$", re.IGNORECASE)
_STATEMENT = re.compile(r"^(?:rule|define|input|decision|code|source|ruleset)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Completion:
    label: str  # what is inserted
    kind: str  # input, definition, option, unit, input option
    detail: str


def complete(index: Index, lines: list[str], line: int, column: int) -> list[Completion]:
    before = _statement_before(lines, line, column)
    if _in_text(before):
        return []  # inside a BECAUSE string or a comment: prose, not names
    then = _AFTER_THEN.search(before)
    if then and "BECAUSE" not in then.group("rest").upper():
        return _options(index)
    number = _AFTER_NUMBER.search(before)
    if number:
        units = _units(index, before[: number.start()])
        if units is not None:
            return units
    is_ = _AFTER_IS.search(before)
    if is_:
        values = _input_values(index, before[: is_.start()])
        if values:
            return values
    return _names(index)


def _in_text(before: str) -> bool:
    """Whether the cursor stands inside a string or a comment."""
    in_string = False
    i = 0
    while i < len(before):
        c = before[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "#":
            newline = before.find("\n", i)
            if newline < 0:
                return True
            i = newline
        i += 1
    return in_string


def _statement_before(lines: list[str], line: int, column: int) -> str:
    """The text of the statement from its first line up to the cursor."""
    text = lines[line][:column] if line < len(lines) else ""
    first = line
    while first > 0 and not _STATEMENT.match(lines[first]) and lines[first - 1].strip():
        first -= 1
        if _STATEMENT.match(lines[first]):
            break
    return "\n".join(lines[first:line] + [text]) if first < line else text


def _spelled(name: str, context: str = "condition") -> str:
    from clinrules.compiler.names import spell

    return spell(name, context)


def _options(index: Index) -> list[Completion]:
    return [Completion(_spelled(s.name, "option"), "option", f"option of `{s.node.name.text}`")
            for s in index.options()]


def _names(index: Index) -> list[Completion]:
    out = []
    for s in index.input_names():
        detail = s.kind
        if s.kind == "input":
            t = s.node.type
            detail = f"input: {t.kind}" + (f" in {t.unit}" if t.unit else "")
        out.append(Completion(_spelled(s.name), s.kind, detail))
    return out


def _last_input(index: Index, text: str):
    """The declared input written last in `text` (the subject of a comparison)."""
    folded = " ".join(text.replace('"', " ").split()).casefold()
    best, where = None, -1
    for s in index.names.values():
        if s.kind != "input":
            continue
        at = folded.rfind(s.key)
        if at > where or (at == where and best is not None and len(s.key) > len(best.key)):
            best, where = s, at
    return best if where >= 0 else None


def _units(index: Index, text: str) -> list[Completion] | None:
    from clinrules.compiler.units import lookup, units_of

    sym = _last_input(index, text)
    if sym is None or not sym.node.type.unit:
        return None
    unit = lookup(sym.node.type.unit)
    if unit is None:
        return None
    out, seen = [], set()
    for u in units_of(unit.dimension):
        for alias in u.aliases:
            if alias not in seen:
                seen.add(alias)
                out.append(Completion(alias, "unit", f"unit of `{sym.name}` ({u.code})"))
    return out


def _input_values(index: Index, text: str) -> list[Completion]:
    sym = _last_input(index, text)
    if sym is None or sym.node.type.kind != "one of":
        return []
    return [Completion(_spelled(o.text, "option"), "input option", f"a value of `{sym.name}`")
            for o in sym.node.type.options]

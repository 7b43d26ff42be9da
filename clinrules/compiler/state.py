"""What the compiler stages share: the parsed file, what has been resolved so
far, and every diagnostic found.

Stages add to `diagnostics` and keep going, so one run reports every problem
of a file; only a clean run is emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from clinrules.compiler.names import Symbol
from clinrules.compiler.units import Unit
from clinrules.dsl import ast
from clinrules.errors import Diagnostic, Location


@dataclass(frozen=True)
class InputInfo:
    """An input with its type resolved: what conditions and facts may do with it."""

    decl: ast.Input
    type: str  # "yes/no" | "number" | "quantity" | "one of"
    unit: Unit | None  # for quantities (None also when the unit was unknown)
    options: dict[str, ast.Name]  # key -> declaration, for "one of"
    low: Fraction | None
    high: Fraction | None
    molar_mass: Fraction | None = None  # g/mol, for a mass or substance concentration
    typical: Fraction | None = None  # `typical V`, in the input's unit

    @property
    def key(self) -> str:
        return self.decl.name.key

    @property
    def display(self) -> str:
        return self.decl.name.text


@dataclass
class Compilation:
    file: ast.RulesFile
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    symbols: dict[str, Symbol] = field(default_factory=dict)
    sources: dict[int, ast.Source] = field(default_factory=dict)
    inputs: dict[str, InputInfo] = field(default_factory=dict)
    codes: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (kind, key) -> codes
    scope: dict | None = None
    definitions: dict[str, dict] = field(default_factory=dict)  # key -> compiled body parts
    references: dict[str, list[tuple[str, Location]]] = field(default_factory=dict)  # definition -> refs
    rules: list[dict] = field(default_factory=list)
    doc: dict | None = None
    measures: dict = field(default_factory=dict)  # input key -> values.Measure, made once per input
    # (form, input key, operator, values as written) -> the comparison's IR node
    # without its place, once lowered without a problem: a table repeats its
    # thresholds, and the same comparison lowers the same way wherever it stands
    lowered: dict = field(default_factory=dict)
    # rule index -> (levels, definition keys): its condition nests at most that
    # many levels plus those of the deepest of these definitions (stage
    # `conditions` knows); stage `nesting` walks only the rules it must
    nesting_bounds: dict[int, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    by_kind: dict[type, list] | None = field(default=None, repr=False)  # see `statements`

    def error(self, code: str, message: str, loc: Location | None, hint: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                code=code,
                message=message,
                file=self.path,
                location=loc,
                hint=hint,
                source_line=self.source_line(loc),
            )
        )

    def source_line(self, loc: Location | None) -> str | None:
        if loc is None:
            return None
        text = self.file.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if 1 <= loc.line <= len(lines):
            return lines[loc.line - 1]
        return None

    def find_after(self, loc: Location, lead: re.Pattern, text: str) -> Location | None:
        """Where `text` is written after `lead` (e.g. `version `) at or after `loc`.

        The syntax tree keeps one location per statement; this finds the part
        of it an error is about (the version, the unit), so the caret points
        at the exact text. None when it cannot be found.
        """
        source = self.file.text.replace("\r\n", "\n").replace("\r", "\n")
        lines = source.split("\n")
        if not 1 <= loc.line <= len(lines):
            return None
        start = sum(len(line) + 1 for line in lines[: loc.line - 1]) + loc.column - 1
        pattern = re.compile(lead.pattern + re.escape(text), lead.flags)
        found = pattern.search(source, start)
        if found is None:
            return None
        at = found.end() - len(text)
        line = source.count("\n", 0, at) + 1
        column = at - (source.rfind("\n", 0, at) + 1) + 1
        return Location(line, column, line, column + len(text))

    def statements(self, kind: type) -> list:
        """The statements of this kind (an `ast` statement class), in file order."""
        if self.by_kind is None:  # sorted once: every stage asks
            self.by_kind = {}
            for stmt in self.file.statements:
                self.by_kind.setdefault(type(stmt), []).append(stmt)
        return list(self.by_kind.get(kind, ()))

    def symbol(self, key: str, kind: str | None = None) -> Symbol | None:
        sym = self.symbols.get(key)
        if sym is not None and kind is not None and sym.kind != kind:
            return None
        return sym

    def names_of(self, *kinds: str) -> dict[str, str]:
        """key -> display of every declared name of these kinds (for suggestions)."""
        return {k: s.display for k, s in self.symbols.items() if s.kind in kinds}

"""What every name in a `.rules` file refers to, read from its syntax tree.

The parser already records where each name is written (`ast.Name.loc`), so
the index is a walk of the tree: declarations (inputs, definitions,
decisions and their options, rules, sources) and every place a name is used
(in conditions, after THEN, in `code` lines, citation numbers). Names are
matched as the compiler matches them (`ast.name_key`: case and spacing
folded). Positions here are 0-based, ends exclusive, as editors count.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field

from clinrules.dsl import ast

DECLARING = {
    (ast.Input, "name"): "input",
    (ast.InputType, "options"): "input option",
    (ast.Define, "name"): "definition",
    (ast.Decision, "name"): "decision",
    (ast.Decision, "options"): "option",
    (ast.Rule, "name"): "rule",
}


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, loc) -> "Span":
        end_line = loc.end_line if loc.end_line is not None else loc.line
        end_column = loc.end_column if loc.end_column is not None else loc.column + 1
        return cls(loc.line - 1, loc.column - 1, end_line - 1, end_column - 1)

    def holds(self, line: int, column: int) -> bool:
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)


@dataclass
class Symbol:
    """One declaration: `kind` is input, input option, definition, decision,
    option, rule or source; `node` the statement that declares it."""

    kind: str
    name: str
    key: str
    span: Span  # the name as written in the declaration
    statement: Span  # the whole statement
    node: object
    owner: str | None = None  # the input of an input option, the decision of an option
    uses: list = field(default_factory=list)  # Spans where the name is used


@dataclass(frozen=True)
class Occurrence:
    """A name written somewhere: `role` is "declaration", "subject" (a
    condition names an input or definition), "option" (after THEN), "decision",
    "input option" (after `is`), "code" or "citation"."""

    span: Span
    key: str
    role: str
    owner: str | None = None  # the input/decision a written option belongs to, when known


class Index:
    """Declarations by kind and key, and every occurrence in reading order."""

    def __init__(self, tree: ast.RulesFile):
        self.tree = tree
        self.names: dict[str, Symbol] = {}  # inputs, definitions, decisions, options: one namespace
        self.rules: dict[str, Symbol] = {}
        self.input_options: dict[tuple[str, str], Symbol] = {}
        self.sources: dict[int, Symbol] = {}
        self.options_of: dict[str, list[Symbol]] = {}  # decision key -> its options
        self.occurrences: list[Occurrence] = []
        self.declarations: list[Symbol] = []  # in reading order
        self.rule_of_span: list[tuple[Span, Symbol]] = []
        if tree.header is not None:
            self._walk(tree.header.scope)
        for stmt in tree.statements:
            self._statement(stmt)
        self.occurrences.sort(key=lambda o: (o.span.line, o.span.column))
        self._starts = [(o.span.line, o.span.column) for o in self.occurrences]
        for occ in self.occurrences:
            target = self.resolve(occ)
            if target is not None and occ.role != "declaration":
                target.uses.append(occ.span)

    # --- building -------------------------------------------------------------------

    def _declare(self, kind: str, name: ast.Name, stmt, owner: str | None = None) -> Symbol:
        sym = Symbol(kind, name.text, name.key, Span.of(name.loc), Span.of(stmt.loc), stmt, owner)
        if kind == "rule":
            self.rules.setdefault(sym.key, sym)
        elif kind == "input option":
            self.input_options.setdefault((owner, sym.key), sym)
        else:
            self.names.setdefault(sym.key, sym)
            if kind == "option":
                self.options_of.setdefault(owner, []).append(sym)
        self.declarations.append(sym)
        self.occurrences.append(Occurrence(sym.span, sym.key, "declaration", owner if kind != "rule" else "rule"))
        return sym

    def _statement(self, stmt) -> None:
        if isinstance(stmt, ast.Source):
            sym = Symbol("source", f"source {stmt.number}", str(stmt.number), Span.of(stmt.loc),
                         Span.of(stmt.loc), stmt)
            self.sources[stmt.number] = sym
            self.declarations.append(sym)
            return
        if isinstance(stmt, ast.Input):
            self._declare("input", stmt.name, stmt)
            for option in stmt.type.options:
                self._declare("input option", option, stmt, stmt.name.key)
            return
        if isinstance(stmt, ast.Define):
            self._declare("definition", stmt.name, stmt)
            self._walk(stmt.body)
            return
        if isinstance(stmt, ast.Decision):
            self._declare("decision", stmt.name, stmt)
            for option in stmt.options:
                self._declare("option", option, stmt, stmt.name.key)
            return
        if isinstance(stmt, ast.Code):
            self.occurrences.append(Occurrence(Span.of(stmt.name.loc), stmt.name.key, "code"))
            return
        if isinstance(stmt, ast.Rule):
            if stmt.name is not None:
                self.rule_of_span.append((Span.of(stmt.loc), self._declare("rule", stmt.name, stmt)))
            self._walk(stmt.condition)
            for action in stmt.actions:
                decision = action.decision.key if action.decision else None
                if action.decision is not None:
                    self.occurrences.append(Occurrence(Span.of(action.decision.loc), decision, "decision"))
                self.occurrences.append(Occurrence(Span.of(action.option.loc), action.option.key, "option", decision))
            if stmt.because is not None:
                for cite in stmt.because.citations:
                    self.occurrences.append(Occurrence(Span.of(cite.loc), str(cite.number), "citation"))

    def _walk(self, node, subject: str | None = None) -> None:
        """Every name used in a condition (or score)."""
        if node is None:
            return
        if isinstance(node, ast.Name):
            self.occurrences.append(Occurrence(Span.of(node.loc), node.key, "subject"))
            return
        if isinstance(node, ast.IsOption):
            self._walk(node.subject)
            for option in node.options:
                self.occurrences.append(Occurrence(Span.of(option.loc), option.key, "input option", node.subject.key))
            return
        if isinstance(node, (tuple, list)):
            for item in node:
                self._walk(item)
            return
        if dataclasses.is_dataclass(node):
            for f in dataclasses.fields(node):
                if f.name not in ("loc", "value", "low", "high"):
                    self._walk(getattr(node, f.name))

    # --- questions ------------------------------------------------------------------

    def at(self, line: int, column: int) -> Occurrence | None:
        """The name written at a position (0-based), if any."""
        i = bisect.bisect_right(self._starts, (line, column)) - 1
        while i >= 0:
            occ = self.occurrences[i]
            if occ.span.line < line - 1:
                break
            if occ.span.holds(line, column):
                return occ
            i -= 1
        return None

    def resolve(self, occ: Occurrence) -> Symbol | None:
        """The declaration an occurrence refers to."""
        if occ.role == "citation":
            return self.sources.get(int(occ.key))
        if occ.role == "declaration":
            if occ.owner == "rule":
                return self.rules.get(occ.key)
            if occ.owner is not None and (occ.owner, occ.key) in self.input_options:
                return self.input_options[(occ.owner, occ.key)]
            return self.names.get(occ.key)
        if occ.role == "input option":
            return self.input_options.get((occ.owner, occ.key)) or self.names.get(occ.key)
        if occ.role == "option" and occ.owner is not None:
            for sym in self.options_of.get(occ.owner, []):
                if sym.key == occ.key:
                    return sym
        return self.names.get(occ.key)

    def symbol_at(self, line: int, column: int) -> Symbol | None:
        occ = self.at(line, column)
        return self.resolve(occ) if occ else None

    def rule_at(self, line: int) -> Symbol | None:
        """The named rule whose statement holds `line`."""
        for span, sym in self.rule_of_span:
            if span.line <= line <= span.end_line:
                return sym
        return None

    def rules_choosing(self, option: Symbol) -> list[Symbol]:
        """Named rules whose THEN chooses `option`."""
        out = []
        for sym in self.rules.values():
            for action in sym.node.actions:
                if action.option.key == option.key and (
                    action.decision is None or action.decision.key == option.owner
                ):
                    out.append(sym)
                    break
        return out

    def input_names(self) -> list[Symbol]:
        return [s for s in self.names.values() if s.kind in ("input", "definition")]

    def options(self) -> list[Symbol]:
        return [s for s in self.names.values() if s.kind == "option"]

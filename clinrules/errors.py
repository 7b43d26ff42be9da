"""The one error type of clinrules.

Every problem an editor, QA engineer or downstream app can cause, a syntax
error in a `.rules` file, an undeclared name, a bad fact in a patient record,
a malformed fixture, is a `Diagnostic`: a stable code, a message in clinical
words, where it is, and what to do about it. A `RulesError` carries one or
more of them, so a checker can report every problem of a file in one run.

This module imports nothing from the rest of the package: the runtime (which
must not pull in the parser) and the compiler share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file. Lines and columns count from 1."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column}


@dataclass(frozen=True)
class Diagnostic:
    """One problem, shaped the same everywhere it is reported.

    `code` is stable (tests and tools match on it); `message` is for people;
    `hint` is the suggested fix ("did you mean `red flags`?"); `file` and
    `location` say where, `source_line` is the text of that line so a caret
    can be drawn under it without re-reading the file.
    """

    code: str
    message: str
    file: str | None = None
    location: Location | None = None
    hint: str | None = None
    source_line: str | None = None
    severity: str = "error"

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            self.file or "",
            loc.line if loc else 0,
            loc.column if loc else 0,
            self.code,
            self.message,
        )

    def render(self) -> str:
        """The conventional `FILE:LINE:COL: error: message` form, with the
        offending line and a caret under the column."""
        where = self.file or "<input>"
        if self.location:
            where += f":{self.location.line}:{self.location.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.source_line is not None and self.location:
            line, caret = _clip(self.source_line.rstrip("\n").expandtabs(1), self.location.column - 1)
            width = 1
            if self.location.end_line == self.location.line and self.location.end_column:
                width = max(1, min(self.location.end_column - self.location.column, len(line) - caret))
            text += f"\n    {line}\n    {' ' * caret}{'^' * width}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        out: dict = {"code": self.code, "severity": self.severity, "message": self.message}
        out["file"] = self.file
        out["line"] = self.location.line if self.location else None
        out["column"] = self.location.column if self.location else None
        if self.location and self.location.end_line is not None:
            out["end_line"] = self.location.end_line
            out["end_column"] = self.location.end_column
        out["hint"] = self.hint
        return out


SHOWN_LINE = 100  # characters of a source line shown under an error


def _clip(line: str, caret: int) -> tuple[str, int]:
    """A window of a long line around the caret, so a 100,000-character line
    (a minified file, a pasted document) does not flood the terminal."""
    if len(line) <= SHOWN_LINE:
        return line, caret
    start = max(0, min(caret - SHOWN_LINE // 2, len(line) - SHOWN_LINE))
    shown = line[start:start + SHOWN_LINE]
    if start > 0:
        shown = "..." + shown[3:]
    if start + SHOWN_LINE < len(line):
        shown = shown[:-3] + "..."
    return shown, caret - start


@dataclass
class RulesError(Exception):
    """Raised with every diagnostic found, sorted by position."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.diagnostics = sorted(self.diagnostics, key=Diagnostic.sort_key)
        super().__init__(self.__str__())

    @classmethod
    def single(cls, code: str, message: str, **where) -> "RulesError":
        return cls([Diagnostic(code, message, **where)])

    def __str__(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

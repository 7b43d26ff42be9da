"""The compiler's entry points: parse, run the stages in order, validate.

The stages are an ordered tuple of named functions (as sqlglot's optimizer
and OPA's compiler): each reads what earlier ones resolved and adds its own
diagnostics; the document is emitted only when none of them found a problem.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Callable

from clinrules import dsl
from clinrules.collector import paused
from clinrules.compiler.codes import attach_codes
from clinrules.compiler.conditions import compile_conditions
from clinrules.compiler.cycles import check_cycles
from clinrules.compiler.declare import declare
from clinrules.compiler.emit import dumps, emit
from clinrules.compiler.header import check_header
from clinrules.compiler.inputs import resolve_inputs
from clinrules.compiler.nesting import check_nesting
from clinrules.compiler.rules import check_rules
from clinrules.compiler.state import Compilation
from clinrules.errors import Diagnostic, RulesError
from clinrules.files import os_reason
from clinrules.limits import HINT
from clinrules.schemas import problems as schema_problems

STAGES: tuple[tuple[str, Callable[[Compilation], None]], ...] = (
    ("header", check_header),
    ("declare", declare),
    ("inputs", resolve_inputs),
    ("codes", attach_codes),
    ("conditions", compile_conditions),
    ("cycles", check_cycles),
    ("nesting", check_nesting),
    ("rules", check_rules),
)

SCHEMA = "compiled-ruleset"

__all__ = ["STAGES", "compile_source", "compile_file", "compile_bytes", "compile_tree", "dumps"]


def compile_source(text: str, path: str) -> dict:
    """Compile the text of one `.rules` file; raise RulesError with every problem found."""
    return _compile(text, path, None)


def compile_tree(tree, path: str, *, validate: bool = True) -> dict:
    """Compile a file already parsed by `clinrules.dsl.parse` (an editor that
    re-parses only the statements it changed); the same stages and errors as
    `compile_source` of the tree's text. `validate=False` skips checking the
    emitted document against its JSON Schema (a guard against compiler bugs,
    not against editors' mistakes), for an editor checking on every key."""
    return _compile(tree.text, path, None, tree, validate)


def compile_file(path) -> dict:
    """Read and compile one `.rules` file; unreadable, empty, binary or non-UTF-8 files are RulesErrors."""
    shown = str(path)
    try:
        if Path(path).is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", shown)
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _unreadable(shown, f"cannot read `{shown}`: {os_reason(exc)}") from None
    return compile_bytes(raw, shown)


def compile_bytes(raw: bytes, shown: str) -> dict:
    """Compile the bytes of a `.rules` file read from `shown` (what `compile_file` does
    after reading; the IR cache hashes and compiles the very same bytes)."""
    if not raw.strip():
        raise _unreadable(shown, f"`{shown}` is empty", hint="a rules file starts with `ruleset \"TITLE\"`")
    if b"\x00" in raw:
        raise _unreadable(shown, f"`{shown}` is a binary file, not a rules file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _unreadable(shown, f"`{shown}` is not UTF-8 text (bad byte at line {line})",
                          hint="save the file as UTF-8") from None
    return _compile(text.removeprefix("\ufeff"), shown, raw)


def _unreadable(path: str, message: str, hint: str | None = None) -> RulesError:
    return RulesError([Diagnostic("unreadable-file", message, file=path, hint=hint)])


def _compile(text: str, path: str, raw: bytes | None, tree=None, validate: bool = True) -> dict:
    try:
        with paused():  # the tree and the document hold no cycles: see clinrules.collector
            return _compile_stages(text, path, raw, tree, validate)
    except RecursionError:
        # The parser and stage `nesting` hold conditions to MAX_NESTING
        # levels; this is the last guard, so no input ever ends in a traceback.
        raise RulesError([Diagnostic(
            "nested-too-deeply", "the rules are nested too deeply to compile", file=path, hint=HINT,
        )]) from None


def _compile_stages(text: str, path: str, raw: bytes | None, tree=None, validate: bool = True) -> dict:
    comp = Compilation(tree if tree is not None else dsl.parse_all(text, path), path)
    for _name, stage in STAGES:
        stage(comp)
    if comp.diagnostics:
        raise RulesError(comp.diagnostics)
    emit(comp, raw)
    found = schema_problems(SCHEMA, comp.doc) if validate else None
    if found:
        first = found[0]
        where = first.path or "(top)"
        raise RulesError([Diagnostic(
            "internal-error",
            f"the compiled document does not match its schema at {where}: {first.message}",
            file=path,
            hint="this is a bug in clinrules; please report it with the rules file",
        )])
    return comp.doc

"""Loading a compiled ruleset: from a dict or a `.json` file, checked first.

The runtime reads only the compiled JSON (never `.rules` text: it imports
no parser). A document is checked against the shipped JSON Schema before
anything else, so a hand-edited or truncated file fails with a message
naming the bad field, not with a KeyError deep in evaluation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from clinrules.errors import Diagnostic, RulesError
from clinrules.runtime.ruleset import CompiledRuleset

FORMAT = "clinrules-compiled-ruleset"
FORMAT_VERSION = 1


def _error(code: str, message: str, source: str | None, hint: str | None = None) -> RulesError:
    return RulesError([Diagnostic(code, message, file=source, hint=hint)])


def load(path_or_dict, *, source: str | None = None) -> CompiledRuleset:
    """A CompiledRuleset from a compiled document (dict) or a compiled `.json` path."""
    if isinstance(path_or_dict, Mapping):
        doc = dict(path_or_dict)
    elif isinstance(path_or_dict, (str, os.PathLike)):
        source = source or os.fspath(path_or_dict)
        doc = _read(source)
    else:
        raise _error(
            "bad-compiled-ruleset",
            f"a compiled ruleset is a dict or the path of a .json file, not {type(path_or_dict).__name__}",
            source,
        )
    check(doc, source)
    return CompiledRuleset(doc, source)


def _read(path: str) -> dict:
    if path.endswith(".rules"):
        raise _error(
            "not-compiled",
            "the runtime loads compiled rulesets (.json); this is rules source",
            path,
            "compile it first: `clinrules compile` or clinrules.compiler.compile_file",
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise _error("unreadable-file", f"cannot read the compiled ruleset: {exc.strerror or exc}", path) from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _error("bad-compiled-json", "the compiled ruleset is not UTF-8 text", path) from None
    except json.JSONDecodeError as exc:
        raise RulesError(
            [
                Diagnostic(
                    "bad-compiled-json",
                    f"the compiled ruleset is not valid JSON: {exc.msg}",
                    file=path,
                    location=_location(exc.lineno, exc.colno),
                )
            ]
        ) from None
    if not isinstance(doc, dict):
        raise _error("bad-compiled-ruleset", "a compiled ruleset is a JSON object", path)
    return doc


def _location(line: int, column: int):
    from clinrules.errors import Location

    return Location(line, column)


def check(doc: dict, source: str | None) -> None:
    """Format and version first (for a clear message), then the JSON Schema."""
    if doc.get("format") != FORMAT:
        raise _error(
            "bad-compiled-ruleset",
            f"not a compiled clinrules ruleset (format is {doc.get('format')!r}, expected {FORMAT!r})",
            source,
        )
    version = doc.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise _error(
            "unsupported-format-version",
            f"compiled format version {version!r} is not supported; this clinrules reads version {FORMAT_VERSION}",
            source,
            "recompile the .rules file with this version of clinrules",
        )
    from clinrules.schemas import problems

    errors = problems("compiled-ruleset", doc)
    if errors:
        raise RulesError(
            [
                Diagnostic(
                    "bad-compiled-ruleset",
                    f"compiled ruleset does not match the format at `/{e.path}`: {e.message}",
                    file=source,
                )
                for e in errors[:20]
            ]
        )

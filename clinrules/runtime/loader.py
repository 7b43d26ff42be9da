"""Loading a compiled ruleset: from a dict or a `.json` file, checked first.

The runtime reads only the compiled JSON (never `.rules` text: it imports
no parser). A document is checked against the shipped JSON Schema before
anything else, so a hand-edited or truncated file fails with a message
naming the bad field, not with a KeyError deep in evaluation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from clinrules.errors import Diagnostic, RulesError
from clinrules.files import read_bytes
from clinrules.limits import HINT, too_deep
from clinrules.runtime.jsontext import parse_json
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
    data = read_bytes(path, what="the compiled ruleset")
    doc = parse_json(data, file=path, what="the compiled ruleset", code="bad-compiled-json")
    if not isinstance(doc, dict):
        raise _error("bad-compiled-ruleset", "a compiled ruleset is a JSON object", path)
    return doc


def check(doc: dict, source: str | None) -> None:
    """Format and version first (for a clear message), then the JSON Schema."""
    if doc.get("format") != FORMAT:
        found = "it has no `format`" if "format" not in doc else f"its `format` is {doc.get('format')!r}"
        raise _error(
            "bad-compiled-ruleset",
            f"not a compiled clinrules ruleset: {found}, expected {FORMAT!r}",
            source,
            "compile the .rules file with `clinrules compile`",
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

    try:
        errors = problems("compiled-ruleset", doc)
    except RecursionError:
        raise _error("bad-compiled-ruleset", "the compiled ruleset is nested too deeply to check", source,
                     HINT) from None
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
    _check_nesting(doc, source)


def _check_nesting(doc: dict, source: str | None) -> None:
    """Conditions nested deeper than the compiler allows (a hand-made file)
    would exhaust the stack of the evaluator: refuse them here, by place."""
    definitions = {d["key"]: (d["name"], d) for d in doc["definitions"]}
    rules = [(r["name"], r["condition"]) for r in doc["rules"]]
    found = too_deep(doc["scope"], definitions, rules)
    if found:
        raise RulesError([
            Diagnostic("bad-compiled-ruleset", f"at `/{p.pointer}`: {p.message()}", file=source, hint=HINT)
            for p in found
        ])

"""Stage `emit`: assemble the compiled document of docs/compiled-format.md.

Everything downstream reads only this dict, so it carries all it needs:
resolved keys, exact number strings, the unit table for the dimensions in
use, each condition's editor text and a document-wide node id.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import PurePath, PureWindowsPath

from clinrules.compiler import units
from clinrules.compiler.codes import codes_of
from clinrules.compiler.numbers import exact_str
from clinrules.compiler.rules import suppressions
from clinrules.compiler.state import Compilation
from clinrules.dsl import ast

FORMAT = "clinrules-compiled-ruleset"
FORMAT_VERSION = 1


def emit(comp: Compilation, source_bytes: bytes | None = None) -> None:
    header = comp.file.header
    raw = source_bytes if source_bytes is not None else comp.file.text.encode("utf-8")
    comp.doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": header.title,
        "version": header.version,
        "source_file": base_name(comp.path),
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "scope": comp.scope,
        "sources": [
            {"number": s.number, "citation": s.citation, "at": s.loc.as_dict()} for s in comp.sources.values()
        ],
        "units": _unit_table(comp),
        "inputs": [_input(comp, key) for key in comp.inputs],
        "definitions": [_definition(comp, s) for s in comp.statements(ast.Define)],
        "decisions": [_decision(comp, s) for s in comp.statements(ast.Decision)],
        "rules": comp.rules,
    }
    number_nodes(comp.doc)


def base_name(path: str) -> str:
    return PureWindowsPath(PurePath(path).name).name


def _unit_table(comp: Compilation) -> dict:
    used = {i.unit.dimension for i in comp.inputs.values() if i.unit is not None}
    # An input with a molar mass also reads the other concentration family.
    used |= {units.molar_partner(i.unit.dimension) for i in comp.inputs.values() if i.molar_mass is not None}
    used = sorted(used)
    table = {}
    for name in used:
        table[name] = {
            "base": units.DIMENSIONS[name].base,
            "units": {
                u.code: {"factor": exact_str(u.factor), "offset": exact_str(u.offset), "aliases": list(u.aliases)}
                for u in units.units_of(name)
            },
        }
    return table


def _input(comp: Compilation, key: str) -> dict:
    info = comp.inputs[key]
    decl = info.decl
    has_range = info.low is not None or info.high is not None
    return {
        "name": decl.name.text,
        "key": key,
        "type": info.type,
        "unit": info.unit.code if info.unit else None,
        "unit_written": decl.type.unit if info.type == "quantity" else None,
        "dimension": info.unit.dimension if info.unit else None,
        "range": {"min": _opt(info.low), "max": _opt(info.high)} if has_range else None,
        "options": [o.text for o in info.options.values()] if info.type == "one of" else None,
        "codes": codes_of(comp, "input", key),
        "at": decl.loc.as_dict(),
        "suppressions": suppressions(decl.suppressions),
        "molar_mass": _opt(info.molar_mass),
        "typical": _opt(info.typical),
    }


def _opt(value: Fraction | None) -> str | None:
    return None if value is None else exact_str(value)


def _definition(comp: Compilation, stmt: ast.Define) -> dict:
    key = stmt.name.key
    body = comp.definitions[key]
    out = {
        "name": stmt.name.text,
        "key": key,
        "kind": body["kind"],
        "codes": codes_of(comp, "definition", key),
        "at": stmt.loc.as_dict(),
        "suppressions": suppressions(stmt.suppressions),
    }
    if body["kind"] == "condition":
        out["condition"] = body["condition"]
        return out
    points = [Fraction(item["points"]) for item in body["items"]]
    out.update(
        items=body["items"],
        min=exact_str(sum((p for p in points if p < 0), Fraction(0))),
        max=exact_str(sum((p for p in points if p > 0), Fraction(0))),
        integer=all(p.denominator == 1 for p in points),
    )
    return out


def _decision(comp: Compilation, stmt: ast.Decision) -> dict:
    key = stmt.name.key
    seen: dict[str, ast.Name] = {}
    for option in stmt.options:
        seen.setdefault(option.key, option)
    return {
        "name": stmt.name.text,
        "key": key,
        "kind": stmt.kind,
        "policy": stmt.policy if stmt.kind == "one of" else None,
        "options": [
            {"name": o.text, "key": k, "codes": codes_of(comp, "option", k), "at": o.loc.as_dict()}
            for k, o in seen.items()
        ],
        "codes": codes_of(comp, "decision", key),
        "at": stmt.loc.as_dict(),
        "suppressions": suppressions(stmt.suppressions),
    }


def number_nodes(doc: dict) -> None:
    """Give every condition node its id: scope, definitions, rules; parent before children."""
    counter = iter(range(1, 1 << 62))

    def walk(node: dict | None) -> None:
        if node is None:
            return
        node["id"] = next(counter)
        if "arg" in node:
            walk(node["arg"])
        for child in node.get("args", ()):
            walk(child)

    walk(doc["scope"])
    for definition in doc["definitions"]:
        if definition["kind"] == "condition":
            walk(definition["condition"])
        else:
            for item in definition["items"]:
                walk(item["condition"])
    for rule in doc["rules"]:
        walk(rule["condition"])


def dumps(doc: dict) -> str:
    """The canonical text of a compiled document: same document, same bytes."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

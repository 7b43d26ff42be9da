"""JSON Schemas shipped as package data, and checks against them.

The runtime and the fixture runner validate compiled documents too, and must
not import the parser, so this module depends only on the standard library
and the two JSON Schema libraries. Every document is checked with
`jsonschema_rs` (compiled, linear in the size of the document: an 8,000-rule
ruleset checks in milliseconds where the pure-Python validator takes
minutes); only a document that fails is walked again with `jsonschema` to
word each problem, so messages are the same whichever library found them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_SUFFIX = ".schema.json"


def _file_name(name: str) -> str:
    return name if name.endswith(".json") else name + _SUFFIX


@lru_cache(maxsize=None)
def _load_text(name: str) -> str:
    return resources.files(__name__).joinpath(_file_name(name)).read_text(encoding="utf-8")


def load_schema(name: str) -> dict:
    """The schema called `name` (e.g. "compiled-ruleset"), as a fresh dict."""
    return json.loads(_load_text(name))


@lru_cache(maxsize=None)
def validator(name: str):
    """A checked, reusable `jsonschema` validator for the schema called `name`.

    Slow on large documents: use `problems()` to check one; this is for
    walking the errors of a document already known to be invalid."""
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=None)
def _fast(name: str):
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(load_schema(name))


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document departs from its schema."""

    path: str  # JSON pointer-like, "rules/3/condition", "" for the top
    message: str


def problems(name: str, doc) -> list[SchemaProblem]:
    """Every problem of `doc` against the schema called `name`, sorted by place."""
    if _fast(name).is_valid(doc):
        return []
    errors = sorted(validator(name).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    return [SchemaProblem("/".join(str(p) for p in e.absolute_path), e.message) for e in errors]

"""JSON Schemas shipped as package data, and cached validators for them.

The runtime and the fixture runner validate compiled documents too, and must
not import the parser, so this module depends only on the standard library
and jsonschema.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from jsonschema import Draft202012Validator

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
def validator(name: str) -> Draft202012Validator:
    """A checked, reusable validator for the schema called `name`."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)

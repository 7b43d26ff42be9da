"""The shipped schema is draft 2020-12, strict, and agrees with the compiler."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from clinrules.compiler import compile_source
from clinrules.schemas import load_schema, problems, validator


def shipped() -> dict:
    text = resources.files("clinrules.schemas").joinpath("compiled-ruleset.schema.json").read_text("utf-8")
    return json.loads(text)


def test_schema_identity_and_draft():
    schema = shipped()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://clinrules.org/schemas/compiled-ruleset/1.json"
    Draft202012Validator.check_schema(schema)
    assert load_schema("compiled-ruleset") == schema


def _objects(node, path="#"):
    if isinstance(node, dict):
        if "properties" in node and "if" not in node:
            yield path, node
        for key, value in node.items():
            if key not in ("if", "then", "else"):
                yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}/{i}")


def test_every_object_is_closed_and_lists_its_required_fields():
    for path, node in _objects(shipped()):
        if path == "#/$defs/condition":
            # the dispatcher: it picks the closed branch by `op`
            assert {"if", "then"} == set(node["allOf"][0]), node
            continue
        assert node.get("additionalProperties") is False, path
        optional = set(node["properties"]) - set(node.get("required", ()))
        # compare and between have either `input` or `score`
        assert optional <= {"input", "score"}, (path, optional)


def test_compiled_documents_validate(example, build):
    for doc in (compile_source(example, "x.rules"),
                build("rule r: IF wells between 0 and 1 OR side is not one of [left] OR ESR is missing "
                      "OR at least 1 of [fever] OR none of [fever] THEN physio\n"
                      "rule d: OTHERWISE imaging: no imaging\n")):
        assert list(validator("compiled-ruleset").iter_errors(doc)) == []


def _broken(doc: dict, change) -> list:
    doc = copy.deepcopy(doc)
    change(doc)
    found = list(validator("compiled-ruleset").iter_errors(doc))
    # the fast check used in compile and load agrees with the reference validator
    assert bool(problems("compiled-ruleset", doc)) == bool(found)
    return found


MUTATIONS = {
    "extra top-level key": lambda d: d.update(extra=1),
    "float threshold": lambda d: d["definitions"][0]["condition"].update(value=20.0),
    "exponent threshold": lambda d: d["definitions"][0]["condition"].update(value="2e1"),
    "non-canonical decimal": lambda d: d["definitions"][0]["condition"].update(value="20.0"),
    "unknown op": lambda d: d["definitions"][0]["condition"].update(op="nand"),
    "compare without subject": lambda d: d["definitions"][0]["condition"].pop("input"),
    "compare with input and score": lambda d: d["definitions"][0]["condition"].update(score="x"),
    "missing node id": lambda d: d["definitions"][0]["condition"].pop("id"),
    "bad format version": lambda d: d.update(format_version=2),
    "non-semver version": lambda d: d.update(version="1.0"),
    "bad sha": lambda d: d.update(source_sha256="xyz"),
    "unknown input type": lambda d: d["inputs"][0].update(type="text"),
    "quantity without unit": lambda d: d["inputs"][2].update(unit=None),
    "yes/no with a unit": lambda d: d["inputs"][0].update(unit="wk"),
    "one of without options": lambda d: d["inputs"][6].update(options=None),
    "yes/no with a range": lambda d: d["inputs"][0].update(range={"min": "0", "max": "1"}),
    "any of with a policy": lambda d: d["decisions"][0].update(kind="any of", policy="priority"),
    "otherwise with a condition": lambda d: d["rules"][0].update(otherwise=True),
    "rule without condition": lambda d: d["rules"][0].update(condition=None),
    "bare rule with a free name": lambda d: d["rules"][1].update(name="whatever"),
    "rule without actions": lambda d: d["rules"][0].update(actions=[]),
    "citation as string": lambda d: d["rules"][0]["because"].update(citations=["1"]),
    "at least with k 0": lambda d: d["rules"][0].update(condition={
        "op": "at least", "k": 0, "args": [d["scope"]["args"][0]], "grouped": False,
        "id": 99, "at": {"line": 1, "column": 1}, "text": "x"}),
    "column 0": lambda d: d["inputs"][0]["at"].update(column=0),
    "unit without aliases": lambda d: d["units"]["time"]["units"]["wk"].update(aliases=[]),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_schema_rejects_damaged_documents(example, name):
    doc = compile_source(example, "x.rules")
    assert _broken(doc, MUTATIONS[name]), name

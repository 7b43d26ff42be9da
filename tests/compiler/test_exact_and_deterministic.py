"""Thresholds are exact after unit conversion, and the output is canonical:
the same source always gives the same bytes."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction

import pytest

from clinrules.compiler import compile_file, compile_source, dumps


def value_of(text: str, declared: str) -> str:
    doc = compile_source(
        f'ruleset "T"\ninput x: number in {declared}\ndecision d: one of [a]\nrule r: IF x > {text} THEN a\n',
        "t.rules")
    return doc["rules"][0]["condition"]["value"]


@pytest.mark.parametrize(
    "written, declared, exact",
    [
        ("12 mg/L", "mg/dL", "1.2"),
        ("1.2 mg/dL", "mg/L", "12"),
        ("1.5 months", "days", "45.65625"),
        ("10 days", "weeks", "10/7"),
        ("6 weeks", "days", "42"),
        ("1 year", "days", "365.25"),
        ("2 y", "months", "24"),
        ("90 min", "h", "1.5"),
        ("1 d", "h", "24"),
        ("100.4 °F", "Cel", "38"),
        ("38 °C", "°F", "100.4"),
        ("12 g/dL", "g/L", "120"),
        ("100 umol/L", "mmol/L", "0.1"),
        ("1 lb", "kg", "0.45359237"),
        ("1 kg", "lb", "100000000/45359237"),
        ("150 cm", "m", "1.5"),
        ("5 mm", "cm", "0.5"),
        ("250 mL", "L", "0.25"),
        ("500 g", "kg", "0.5"),
        ("12 10*9/L", "10^9/L", "12"),
        ("95 %", "%", "95"),
        ("100 /min", "/min", "100"),
        ("140 mmHg", "mmHg", "140"),
        ("20 mm/h", "mm/h", "20"),
    ],
)
def test_thresholds_are_converted_exactly(written, declared, exact):
    assert value_of(written, declared) == exact


def test_point_one_plus_point_two_stays_exact():
    doc = compile_source(
        'ruleset "T"\ninput a: yes/no\ninput b: yes/no\ndefine s: score of [a: 0.1, b: 0.2]\n', "t.rules")
    assert doc["definitions"][0]["max"] == "0.3"
    assert Fraction(doc["definitions"][0]["max"]) == Fraction(3, 10)


def test_no_float_anywhere_in_the_document(build):
    doc = build("rule r: IF duration > 1.5 months AND ESR < 0.1 mm/h THEN physio\n")

    def walk(node):
        assert not isinstance(node, float)
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)


def test_compiling_twice_gives_identical_bytes(example):
    first = dumps(compile_source(example, "x.rules"))
    second = dumps(compile_source(example, "x.rules"))
    assert first == second
    assert first.endswith("}\n") and not first.endswith("\n\n")


def test_output_is_canonical_json(example):
    text = dumps(compile_source(example, "x.rules"))
    doc = json.loads(text)
    assert text == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_non_ascii_is_kept(build):
    text = dumps(compile_source('ruleset "Fièvre"\ninput température: number in °C\n', "t.rules"))
    assert '"title": "Fièvre"' in text and '"°C"' in text and "\\u" not in text


def test_source_sha256_is_of_the_exact_source_bytes(tmp_path, example):
    path = tmp_path / "example.rules"
    raw = example.encode("utf-8")
    path.write_bytes(raw)
    doc = compile_file(path)
    assert doc["source_sha256"] == hashlib.sha256(raw).hexdigest()
    assert compile_source(example, "example.rules")["source_sha256"] == doc["source_sha256"]
    assert doc["source_file"] == "example.rules"


def test_different_sources_give_different_hashes(example):
    a = compile_source(example, "x.rules")["source_sha256"]
    b = compile_source(example + "\n# a comment\n", "x.rules")["source_sha256"]
    assert a != b


def test_source_file_is_the_base_name_only(example):
    assert compile_source(example, "/some/dir/x.rules")["source_file"] == "x.rules"
    assert compile_source(example, "C:\\rules\\y.rules")["source_file"] == "y.rules"


def test_no_timestamps_or_paths_leak(tmp_path, example):
    one = tmp_path / "a" / "same.rules"
    two = tmp_path / "b" / "same.rules"
    for p in (one, two):
        p.parent.mkdir()
        p.write_text(example, encoding="utf-8")
    assert dumps(compile_file(one)) == dumps(compile_file(two))

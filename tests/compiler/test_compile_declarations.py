"""Inputs, sources, codes, definitions and decisions compile to the IR fields
of docs/compiled-format.md."""

from __future__ import annotations

from fractions import Fraction


from clinrules.compiler import compile_source


def by_key(items: list[dict], key: str) -> dict:
    return next(item for item in items if item["key"] == key)


# --- header and sources -------------------------------------------------------


def test_header_fields_and_sources(example):
    doc = compile_source(example, "rulesets/cervicogenic-upper-back-pain.rules")
    assert doc["format"] == "clinrules-compiled-ruleset"
    assert doc["format_version"] == 1
    assert doc["title"] == "Upper back pain in cervicogenic dizziness"
    assert doc["version"] == "1.0.0"
    assert doc["source_file"] == "cervicogenic-upper-back-pain.rules"
    assert [s["number"] for s in doc["sources"]] == [1, 2]
    assert doc["sources"][1]["citation"].startswith("Causes of Right-Sided Neck Pain")
    assert doc["sources"][0]["at"] == {"line": 5, "column": 1}
    assert doc["scope"]["op"] == "and"
    assert doc["scope"]["text"] == "upper back pain AND cervicogenic dizziness"


def test_header_without_version_or_scope():
    doc = compile_source('ruleset "Bare"\ninput fever: yes/no\n', "bare.rules")
    assert doc["version"] is None
    assert doc["scope"] is None
    assert doc["sources"] == [] and doc["definitions"] == [] and doc["rules"] == []


def test_semver_with_prerelease_and_build_is_kept():
    doc = compile_source('ruleset "T" version 2.1.0-rc.1+build.7\n', "t.rules")
    assert doc["version"] == "2.1.0-rc.1+build.7"


# --- inputs -------------------------------------------------------------------


def test_yes_no_input(build):
    fever = by_key(build()["inputs"], "fever")
    assert fever == {
        "name": "fever", "key": "fever", "type": "yes/no", "unit": None, "unit_written": None,
        "dimension": None, "range": None, "options": None, "codes": [],
        "at": {"line": 3, "column": 1}, "suppressions": [], "molar_mass": None, "typical": None,
    }


def test_quantity_input_keeps_ucum_code_and_written_unit(build):
    duration = by_key(build()["inputs"], "duration")
    assert duration["type"] == "quantity"
    assert duration["unit"] == "wk"
    assert duration["unit_written"] == "weeks"
    assert duration["dimension"] == "time"
    assert duration["range"] == {"min": "0", "max": "520"}
    assert duration["options"] is None


def test_plain_number_input(build):
    age = by_key(build()["inputs"], "age")
    assert (age["type"], age["unit"], age["dimension"]) == ("number", None, None)
    assert age["range"] == {"min": "0", "max": "120"}


def test_number_input_without_range():
    doc = compile_source('ruleset "T"\ninput count: number\n', "t.rules")
    assert doc["inputs"][0]["range"] is None


def test_one_of_input_lists_options_as_written(build):
    side = by_key(build()["inputs"], "side")
    assert side["type"] == "one of"
    assert side["options"] == ["left", "right", "both"]
    assert side["range"] is None and side["unit"] is None


def test_input_name_spelling_and_key():
    doc = compile_source('ruleset "T"\ninput  History   Of\n  Malignancy : yes/no\n', "t.rules")
    assert doc["inputs"][0]["name"] == "History Of Malignancy"
    assert doc["inputs"][0]["key"] == "history of malignancy"


def test_quoted_input_name():
    doc = compile_source('ruleset "T"\ninput "nausea and vomiting": yes/no\n', "t.rules")
    assert doc["inputs"][0]["name"] == "nausea and vomiting"


def test_range_with_units_is_converted_to_the_input_unit():
    doc = compile_source('ruleset "T"\ninput age: number in years from 0 days to 1461 days\n', "t.rules")
    assert doc["inputs"][0]["range"] == {"min": "0", "max": "4"}


def test_range_in_another_unit_is_exact_ratio():
    doc = compile_source('ruleset "T"\ninput duration: number in weeks from 0 to 10 days\n', "t.rules")
    assert doc["inputs"][0]["range"]["max"] == "10/7"


def test_decimal_and_negative_range():
    doc = compile_source('ruleset "T"\ninput base excess: number in mmol/L from -30 to 30.5\n', "t.rules")
    assert doc["inputs"][0]["range"] == {"min": "-30", "max": "30.5"}


# --- units table --------------------------------------------------------------


def test_unit_table_lists_only_dimensions_inputs_use(build):
    units = build()["units"]
    assert sorted(units) == ["length per time", "time"]
    time = units["time"]
    assert time["base"] == "s"
    assert time["units"]["wk"] == {"factor": "604800", "offset": "0",
                                   "aliases": sorted(["wk", "wks", "week", "weeks"])}
    assert time["units"]["mo"]["factor"] == "2629800"
    assert time["units"]["a"]["factor"] == "31557600"
    assert {"y", "year", "years"} <= set(time["units"]["a"]["aliases"])
    assert set(time["units"]) == {"s", "min", "h", "d", "wk", "mo", "a"}


def test_unit_table_temperature_is_affine():
    doc = compile_source('ruleset "T"\ninput temperature: number in °C\n', "t.rules")
    temp = doc["units"]["temperature"]
    assert temp["base"] == "K"
    assert temp["units"]["Cel"] == {"factor": "1", "offset": "273.15",
                                    "aliases": temp["units"]["Cel"]["aliases"]}
    assert "°C" in temp["units"]["Cel"]["aliases"]
    f = temp["units"]["[degF]"]
    assert Fraction(f["factor"]) == Fraction(5, 9)
    # 98.6 °F is exactly 37 °C through the table's formula
    v = Fraction("98.6") * Fraction(f["factor"]) + Fraction(f["offset"])
    assert v - Fraction(temp["units"]["Cel"]["offset"]) == 37
    assert doc["inputs"][0]["unit"] == "Cel" and doc["inputs"][0]["unit_written"] == "°C"


def test_no_units_without_quantity_inputs():
    assert compile_source('ruleset "T"\ninput n: number\n', "t.rules")["units"] == {}


# --- codes --------------------------------------------------------------------


def test_codes_attach_to_inputs_definitions_decisions_and_options(build):
    doc = build(
        "code ESR: LOINC 4537-7\n"
        "code ESR: SNOMED 416838001\n"
        "code red flags: SNOMED 1234\n"
        "code imaging: CPT 7000\n"
        'code MRI: CPT "72141"\n'
    )
    assert by_key(doc["inputs"], "esr")["codes"] == [
        {"system": "LOINC", "code": "4537-7"}, {"system": "SNOMED", "code": "416838001"}]
    assert by_key(doc["definitions"], "red flags")["codes"] == [{"system": "SNOMED", "code": "1234"}]
    imaging = by_key(doc["decisions"], "imaging")
    assert imaging["codes"] == [{"system": "CPT", "code": "7000"}]
    assert by_key(imaging["options"], "mri")["codes"] == [{"system": "CPT", "code": "72141"}]
    # an option shared by two decisions carries its codes in both
    referral = by_key(doc["decisions"], "referral")
    assert by_key(referral["options"], "mri")["codes"] == [{"system": "CPT", "code": "72141"}]
    assert by_key(referral["options"], "physio")["codes"] == [{"system": "SNOMED", "code": "91251008"}]


def test_language_example_cpt_code(example):
    doc = compile_source(example, "x.rules")
    mri = doc["decisions"][0]["options"][1]
    assert mri["name"] == "MRI cervical spine without contrast"
    assert mri["codes"] == [{"system": "CPT", "code": "72141"}]


# --- definitions --------------------------------------------------------------


def test_condition_definition(build, strip):
    red = build()["definitions"][0]
    assert (red["name"], red["key"], red["kind"]) == ("red flags", "red flags", "condition")
    assert red["at"] == {"line": 8, "column": 1}
    assert strip(red["condition"]) == {
        "op": "or", "form": "any of", "grouped": False, "text": "any of [fever, ESR > 20 mm/h]",
        "args": [
            {"op": "input", "input": "fever", "text": "fever"},
            {"op": "compare", "input": "esr", "cmp": ">", "value": "20", "written": "20 mm/h",
             "text": "ESR > 20 mm/h"},
        ],
    }


def test_score_definition_min_max_integer(build):
    wells = build()["definitions"][1]
    assert wells["kind"] == "score"
    assert "condition" not in wells
    assert [i["points"] for i in wells["items"]] == ["1.5", "1", "-1"]
    assert [i["condition"]["text"] for i in wells["items"]] == [
        "fever", "duration > 4 weeks", "side is left"]
    assert wells["items"][0]["at"] == {"line": 9, "column": 25}
    assert (wells["min"], wells["max"], wells["integer"]) == ("-1", "2.5", False)


def test_integer_score():
    doc = compile_source(
        'ruleset "T"\ninput a: yes/no\ninput b: yes/no\n'
        "define s: score of [a: 2, b: 3, a AND b: 1]\n", "t.rules")
    s = doc["definitions"][0]
    assert (s["min"], s["max"], s["integer"]) == ("0", "6", True)


def test_definition_may_use_one_declared_later():
    doc = compile_source(
        'ruleset "T"\ninput a: yes/no\ndefine first: second\ndefine second: a\n', "t.rules")
    assert [d["key"] for d in doc["definitions"]] == ["first", "second"]
    assert doc["definitions"][0]["condition"] == {
        "op": "ref", "definition": "second", "text": "second", "at": {"line": 3, "column": 15}, "id": 1}


# --- decisions ----------------------------------------------------------------


def test_decision_kinds_and_policies():
    doc = compile_source(
        'ruleset "T"\n'
        "decision a: one of [x1, y1]\n"
        "decision b: one of [x2, y2] with priority\n"
        "decision c: one of [x3, y3] first match\n"
        "decision d: one of [x4, y4] with first match\n"
        "decision e: any of [x5, y5]\n",
        "t.rules",
    )
    got = [(d["key"], d["kind"], d["policy"]) for d in doc["decisions"]]
    assert got == [
        ("a", "one of", None), ("b", "one of", "priority"), ("c", "one of", "first match"),
        ("d", "one of", "first match"), ("e", "any of", None)]
    assert doc["decisions"][1]["options"] == [
        {"name": "x2", "key": "x2", "codes": [], "at": {"line": 3, "column": 21}},
        {"name": "y2", "key": "y2", "codes": [], "at": {"line": 3, "column": 25}},
    ]


def test_option_shared_by_two_decisions_appears_in_both(build):
    doc = build()
    assert [o["key"] for o in by_key(doc["decisions"], "imaging")["options"]] == ["no imaging", "mri"]
    assert [o["key"] for o in by_key(doc["decisions"], "referral")["options"]] == ["mri", "physio"]
    assert by_key(doc["decisions"], "referral")["options"][0]["name"] == "MRI"


def test_suppressions_are_carried_on_every_statement_kind():
    doc = compile_source(
        'ruleset "T"\n'
        "# lint: allow unused-input -- kept for the export\n"
        "input spare: yes/no\n"
        "input a: yes/no\n"
        "define d: a  # lint: allow unused-definition -- documented\n"
        "decision x: one of [p, q]  # lint: allow gap -- q is chosen elsewhere\n"
        "# lint: allow missing-rationale, redundant-rule -- obvious\n"
        "rule r: IF d THEN p\n",
        "t.rules",
    )
    assert doc["inputs"][0]["suppressions"] == [
        {"codes": ["unused-input"], "reason": "kept for the export", "at": {"line": 2, "column": 1}}]
    assert doc["inputs"][1]["suppressions"] == []
    assert doc["definitions"][0]["suppressions"][0]["codes"] == ["unused-definition"]
    assert doc["decisions"][0]["suppressions"][0]["reason"] == "q is chosen elsewhere"
    assert doc["rules"][0]["suppressions"][0]["codes"] == ["missing-rationale", "redundant-rule"]

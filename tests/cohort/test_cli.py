"""`clinrules cohort` and `clinrules diff --data` on the shipped sample."""

import json

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.runtime import load
from clinrules.compiler import compile_file

pytest.importorskip("duckdb")

SEED = "rulesets/cervicogenic-upper-back-pain.rules"
DATA = ["--data", "examples/patients.csv", "--mapping", "examples/patients.mapping.yaml"]


def test_cohort_sample(tmp_path):
    out = tmp_path / "results.csv"
    result = CliRunner().invoke(cli, ["cohort", SEED, *DATA, "--out", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output  # the sample holds two bad rows
    summary = json.loads(result.output)
    assert summary["patients"] == 10 and summary["bad_rows"] == 2
    assert summary["bad_values"] == {"duration": 1, "ESR": 1}
    import csv

    rows = {r["patient"]: r for r in csv.DictReader(out.open())}
    assert rows["p07"]["imaging__status"] == "not evaluated"
    # every evaluated row agrees with the runtime (units converted: days, mg/dL)
    rs = load(compile_file(SEED))
    mapping = {"upper back pain": "upper_back_pain", "cervicogenic dizziness": "dizziness", "duration": "duration_days",
               "unexplained weight loss": "weight_loss", "night sweats": "night_sweats", "ESR": "esr",
               "CRP": "crp_mg_dl", "WBC count": "wbc", "history of malignancy": "malignancy", "IV drug use": "ivdu",
               "intractable pain despite conservative therapy": "intractable",
               "progressive neurological deficit": "neuro_deficit", "myelopathic signs": "myelopathy",
               "vertebral body tenderness": "tenderness"}
    units = {"duration": " days", "CRP": " mg/dL", "ESR": " mm/h", "WBC count": " 10*9/L"}
    for pid, row in rows.items():
        if row["bad_inputs"]:
            continue
        facts = {}
        for spec in rs.doc["inputs"]:
            raw = row[mapping.get(spec["name"], spec["name"])]
            if raw == "":
                facts[spec["name"]] = None
            elif spec["type"] == "yes/no":
                facts[spec["name"]] = raw == "yes"
            else:
                facts[spec["name"]] = raw + units[spec["name"]]
        got = rs.evaluate(facts).decisions
        assert row["imaging__status"] == got["imaging"].status, pid
        assert (row["imaging__value"] or None) == got["imaging"].value, pid
        assert row["imaging__needs"] == "; ".join(got["imaging"].needs), pid
        assert row["imaging__fired"] == "; ".join(got["imaging"].fired), pid


def test_cohort_summary_counts_each_set_of_options_in_conflict(tmp_path):
    rules = tmp_path / "conflict.rules"
    rules.write_text('ruleset "Antibiotics" version 1.0.0\n\n'
                     "input fever: yes/no\ninput CRP: number in mg/L from 0 to 500\n\n"
                     "decision antibiotic: one of [amoxicillin, doxycycline, none]\n\n"
                     "rule a: IF fever THEN amoxicillin\n"
                     "rule b: IF fever AND CRP > 100 mg/L THEN doxycycline\n"
                     "rule c: IF NOT fever THEN none\n")
    data = tmp_path / "patients.csv"
    data.write_text("id,fever,CRP\np1,yes,150\np2,yes,200\np3,yes,20\np4,no,\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["cohort", str(rules), "--data", str(data), "--out", str(out),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["decisions"]["antibiotic"]
    assert {"status": "conflict", "value": None, "patients": 2,
            "conflicting": "amoxicillin; doxycycline"} in rows
    import csv

    by_id = {r["id"]: r for r in csv.DictReader(out.open())}
    assert by_id["p1"]["antibiotic__conflicting"] == "amoxicillin; doxycycline"
    assert by_id["p3"]["antibiotic__conflicting"] == "" and by_id["p3"]["antibiotic__value"] == "amoxicillin"
    text = CliRunner().invoke(cli, ["cohort", str(rules), "--data", str(data)])
    assert "2  conflict between amoxicillin; doxycycline" in text.output


def test_cohort_bad_mapping_and_data(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  duration: {column: duration_days, unit: litres}\n  nothing: x\n")
    result = CliRunner().invoke(cli, ["cohort", SEED, "--data", "examples/patients.csv", "--mapping", str(mapping)])
    assert result.exit_code == 2
    assert "`litres` is not a unit of time" in result.output
    assert "`nothing`, which is not an input" in result.output
    assert "column `upper back pain`, which the data does not have" in result.output
    missing = CliRunner().invoke(cli, ["cohort", SEED, "--data", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_diff_with_data_counts_and_plots(tmp_path):
    plot = tmp_path / "changed.png"
    result = CliRunner().invoke(cli, ["diff", SEED, "examples/cervicogenic-upper-back-pain-1.1.rules", *DATA,
                                      "--plot", str(plot), "--format", "json"])
    assert result.exit_code == 1, result.output
    got = json.loads(result.output)
    assert got["patients"] == {"total": 10, "bad_rows": 2, "evaluated": 8, "changed": 1}
    changed = [r for r in got["regions"] if r["kind"] == "changed"]
    assert [r["patients"] for r in changed] == [1]  # p02: 49 days, no red flags
    assert changed[0]["when"] == ("upper back pain, cervicogenic dizziness, duration at least 6 weeks and less "
                                  "than 8 weeks, no red flags")
    assert (changed[0]["old"], changed[0]["new"]) == ("MRI cervical spine without contrast", "undecided")
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = CliRunner().invoke(cli, ["diff", SEED, "examples/cervicogenic-upper-back-pain-1.1.rules", *DATA])
    assert "patients: 10, evaluated: 8, bad rows: 2, changed: 1" in text.output

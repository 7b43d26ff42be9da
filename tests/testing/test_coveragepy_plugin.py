"""`.rules` files in coverage.py's own reports (xml, lcov, json, html)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import coverage
import pytest

from clinrules.testing.coverage import coverage_of_paths
from clinrules.testing.coveragepy_plugin import PLUGIN_NAME, write_coverage_data

RULES = """\
ruleset "Fever advice" version 1.0.0
source 1: "A guideline, 2025"
input temperature: number in Cel from 30 to 45
input cough: yes/no
decision advice: one of [rest, see doctor]
rule high fever:
  IF temperature > 38 Cel
  THEN see doctor
  BECAUSE "x" [1]
rule cough care:
  IF cough AND temperature <= 38 Cel
  THEN rest
  BECAUSE "y" [1]
"""

FIXTURE = """\
ruleset: fever.rules
defaults: {cough: no}
cases:
  - {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}
  - {name: coughing, given: {temperature: 37 Cel, cough: yes}, expect: {advice: rest}}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "fever.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "fever.yaml").write_text(FIXTURE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.coverage.run]
        plugins = ["clinrules.testing.coveragepy_plugin"]
        """), encoding="utf-8")
    return tmp_path


def _coverage_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coverage", *args], cwd=project,
                          capture_output=True, text=True, timeout=120)


def test_data_file_holds_lines_branches_and_case_contexts(project):
    run = coverage_of_paths([project / "fever.yaml"])
    write_coverage_data(run, project / ".coverage")
    data = coverage.CoverageData(basename=str(project / ".coverage"))
    data.read()
    filename = str((project / "fever.rules").resolve())
    assert data.measured_files() == {filename}
    assert data.file_tracer(filename) == PLUGIN_NAME
    assert data.has_arcs()
    # line 11 (`cough AND temperature <= 38 Cel`) is reached by both cases:
    # `hot` saw both conditions no, `coughing` both yes
    contexts = data.contexts_by_lineno(filename)
    assert sorted(contexts[11]) == ["coughing", "hot"]
    assert contexts[6] == ["hot"]  # rule `high fever` fired only for `hot`
    assert (11, -1) in data.arcs(filename) and (11, -2) in data.arcs(filename)


def test_coverage_xml_and_lcov_include_the_rules_file(project):
    subprocess.run([sys.executable, "-m", "clinrules", "coverage", "fever.yaml",
                    "--coverage-data", ".coverage"], cwd=project, check=True,
                   capture_output=True, timeout=120)
    xml = _coverage_cli(project, "xml", "-o", "coverage.xml")
    assert xml.returncode == 0, xml.stderr
    root = ET.parse(project / "coverage.xml").getroot()
    (cls,) = root.iter("class")
    assert cls.get("filename") == "fever.rules"
    lines = {int(e.get("number")): e for e in cls.iter("line")}
    assert lines[11].get("hits") == "1"
    assert lines[11].get("condition-coverage") == "100% (2/2)"
    # `temperature > 38 Cel` (line 7) was seen yes (hot) and no (coughing)
    assert lines[7].get("condition-coverage") == "100% (2/2)"
    # `rest` and `see doctor` are both chosen; `cough` never unknown: line 4 missed
    assert lines[4].get("hits") == "0"

    lcov = _coverage_cli(project, "lcov", "-o", "coverage.lcov")
    assert lcov.returncode == 0, lcov.stderr
    text = (project / "coverage.lcov").read_text()
    assert "SF:fever.rules" in text
    assert "DA:11,1" in text and "DA:4,0" in text
    assert "BRDA:11,0,every condition on line 11 seen yes,1" in text

    html = _coverage_cli(project, "html", "--show-contexts", "-d", "htmlcov")
    assert html.returncode == 0, html.stderr
    assert (project / "htmlcov" / "fever_rules.html").exists()

    report = _coverage_cli(project, "json", "--show-contexts", "-o", "coverage.json")
    assert report.returncode == 0, report.stderr
    data = json.loads((project / "coverage.json").read_text())
    assert data["files"]["fever.rules"]["contexts"]["6"] == ["hot"]


def test_a_missing_outcome_is_described_in_the_clinical_words(project):
    (project / "fever.yaml").write_text(FIXTURE.split("  - {name: coughing")[0], encoding="utf-8")
    subprocess.run([sys.executable, "-m", "clinrules", "coverage", "fever.yaml",
                    "--coverage-data", ".coverage"], cwd=project, check=True,
                   capture_output=True, timeout=120)
    report = _coverage_cli(project, "report", "-m")
    assert report.returncode == 0, report.stderr
    assert "fever.rules" in report.stdout
    lcov = _coverage_cli(project, "lcov", "-o", "coverage.lcov")
    assert lcov.returncode == 0, lcov.stderr
    # only `hot` ran: nothing on line 7 was seen no
    assert "BRDA:7,0,every condition on line 7 seen no,0" in (project / "coverage.lcov").read_text()

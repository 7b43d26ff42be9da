"""Text, JSON and JUnit reports of one fixture session."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from clinrules.testing import run_paths
from clinrules.testing.reporters import render, summary_line

FIXTURE = """\
ruleset: ../rulesets/imaging.rules
defaults: {back pain: yes, fever: no, ESR: 10 mm/h, side: right}
cases:
  - name: early care
    given: {duration: 2 weeks}
    expect: {imaging: no imaging}
  - name: wrong expectation
    given: {duration: 7 weeks}
    expect: {imaging: no imaging, laboratory tests: [ESR test]}
  - name: out of range
    given: {duration: 900 weeks}
    expect: {imaging: MRI}
"""


@pytest.fixture
def session(project, fixture_file, monkeypatch):
    fixture_file(FIXTURE, "a.yaml")
    fixture_file("ruleset: ../rulesets/imaging.rules\ncases: [{name: x, expect: {imagin: MRI}}]\n", "b.yaml")
    monkeypatch.chdir(project)
    return run_paths()


def test_text_report(session):
    text = render(session, "text")
    lines = text.splitlines()
    assert lines[0] == "fixtures/a.yaml (ruleset rulesets/imaging.rules)"
    assert lines[1] == "  PASS  early care"
    assert lines[2] == "  FAIL  wrong expectation  [line 7]"
    assert lines[3] == "        imaging: expected no imaging, got MRI"
    assert lines[4] == "        laboratory tests: expected [ESR test], got []"
    assert "        given:" in lines
    assert "          duration: 7 weeks" in lines
    assert "        trace:" in lines
    assert any("rule `persistent pain` fired" in line for line in lines)
    error_at = lines.index("  ERROR out of range  [line 10]")
    assert lines[error_at + 1] == "        the runtime rejected the facts:"
    assert "duration" in lines[error_at + 2]
    assert "fixtures/b.yaml: could not be run" in lines
    assert any("the ruleset has no decision `imagin`" in line for line in lines)
    assert lines[-1] == (
        "3 cases in 2 fixture files (1 file could not be run; 1 case with bad facts): 1 passed, 2 failed"
    )
    assert text.endswith("1 passed, 2 failed\n")


def test_summary_line_for_a_clean_run(project, fixture_file):
    path = fixture_file(FIXTURE.split("  - name: wrong")[0])
    assert summary_line(run_paths([path])) == "1 case in 1 fixture file: 1 passed, 0 failed"


def test_json_report(session):
    data = json.loads(render(session, "json"))
    assert data["summary"] == {
        "files": 2,
        "files_not_run": 1,
        "cases": 3,
        "passed": 1,
        "failed": 2,
        "errors": 1,
        "exit_code": 2,
    }
    a, b = data["files"]
    assert a["path"] == "fixtures/a.yaml" and a["ruleset"] == "rulesets/imaging.rules"
    assert [c["status"] for c in a["cases"]] == ["passed", "failed", "error"]
    assert a["cases"][1]["failures"][0] == "imaging: expected no imaging, got MRI"
    assert a["cases"][1]["result"]["decisions"]["imaging"]["value"] == "MRI"
    assert a["cases"][2]["result"] is None and "duration" in a["cases"][2]["error"]
    (problem,) = a["cases"][2]["diagnostics"]
    assert problem["code"] == "bad-fact-range" and problem["message"] in a["cases"][2]["error"]
    assert set(problem) == {"code", "severity", "message", "file", "line", "column", "hint"}
    assert a["cases"][0]["diagnostics"] == [] and a["cases"][1]["diagnostics"] == []
    assert b["cases"] == []
    (diag,) = b["error"]["diagnostics"]
    assert diag["code"] == "fixture-unknown-decision" and diag["line"] == 2


def test_junit_report_is_xml_with_the_right_counts(session):
    root = ET.fromstring(render(session, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "2")
    a, b = root.findall("testsuite")
    assert (a.get("name"), a.get("tests"), a.get("failures"), a.get("errors")) == ("fixtures/a.yaml", "3", "1", "1")
    cases = a.findall("testcase")
    assert [c.get("name") for c in cases] == ["early care", "wrong expectation", "out of range"]
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    failure = cases[1].find("failure")
    assert failure.get("message") == "imaging: expected no imaging, got MRI; laboratory tests: expected [ESR test], got []"
    assert "trace:" in failure.text
    assert cases[1].get("line") == "7" and cases[1].get("classname") == "fixtures.a"
    assert cases[2].find("error").get("type") == "bad-fact"
    assert (b.get("tests"), b.get("errors")) == ("1", "1")
    assert b.find("testcase/error").get("type") == "fixture-unknown-decision"


def test_reports_are_deterministic(session, project, monkeypatch):
    for fmt in ("text", "json", "junit"):
        assert render(session, fmt) == render(run_paths(), fmt)


def test_control_characters_do_not_break_junit(project, fixture_file):
    path = fixture_file(
        json.dumps(
            {
                "ruleset": "../rulesets/imaging.rules",
                "cases": [{"name": "bell\u0007case", "given": {"back pain": False}, "expect": {"imaging": "MRI"}}],
            }
        ),
        "c.json",
    )
    root = ET.fromstring(render(run_paths([path]), "junit"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "bell\ufffdcase"
    assert case.find("failure").get("message") == "imaging: expected MRI, got not applicable"


def test_unknown_format():
    from clinrules.testing.runner import Session

    with pytest.raises(ValueError, match="unknown report format 'html'"):
        render(Session(files=[]), "html")

"""The HTML report marks each source line and names the cases that reached it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from clinrules.testing.coverage import coverage_of_paths
from clinrules.testing.html_report import write_html

RULES = """\
ruleset "Fever advice" version 1.0.0
source 1: "A guideline, 2025"
# a comment: nothing to cover
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
  - {name: mild <fever>, given: {temperature: 38 Cel}, expect: {advice: undecided}}
  - {name: cough unknown, given: {temperature: 40 Cel, cough: null}, expect: {advice: see doctor}}
"""


class Rows(HTMLParser):
    """Collects each source row: its class, its cells' text."""

    def __init__(self):
        super().__init__()
        self.rows: dict[int, dict] = {}
        self.legend: list[str] = []
        self._row = None
        self._cell = None
        self._in_legend = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-line" in a:
            self._row = {"class": a["class"], "cells": {}, "cases": []}
            self.rows[int(a["data-line"])] = self._row
        elif tag == "td" and self._row is not None:
            self._cell = a.get("class")
            self._row["cells"][self._cell] = ""
        elif tag == "p" and a.get("class") == "legend":
            self._in_legend = True
        elif tag == "span" and self._in_legend:
            self.legend.append(a.get("class"))
        elif tag == "span" and a.get("class") == "case" and self._row is not None:
            self._row["cases"].append("")

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        if tag == "p":
            self._in_legend = False

    def handle_data(self, data):
        if self._row is not None and self._cell:
            self._row["cells"][self._cell] += data
            if self._cell == "cases" and self._row["cases"]:
                self._row["cases"][-1] += data


@pytest.fixture
def report(tmp_path: Path) -> Path:
    (tmp_path / "fever.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "fever.yaml").write_text(FIXTURE, encoding="utf-8")
    run = coverage_of_paths([tmp_path / "fever.yaml"])
    return write_html(run, tmp_path / "html")


def _rows(path: Path) -> Rows:
    parser = Rows()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_each_line_is_marked_with_the_cases_that_reached_it(report):
    page = report.parent / "fever.html"
    rows = _rows(page)
    assert rows.legend == ["covered", "partial", "uncovered", "plain"]
    assert len(rows.rows) == len(RULES.splitlines())
    # comments and sources have nothing to cover
    assert rows.rows[2]["class"] == "plain" and rows.rows[3]["class"] == "plain"
    assert rows.rows[3]["cells"]["src"] == "# a comment: nothing to cover"
    # rule `high fever` fired (hot, cough unknown)
    assert rows.rows[7]["class"] == "covered"
    assert rows.rows[7]["cases"] == ["hot", "cough unknown"]
    # `temperature > 38 Cel`: yes (hot, cough unknown) and no (mild), at/above
    # the boundary but never below it: partly covered
    assert rows.rows[8]["class"] == "partial"
    assert rows.rows[8]["cases"] == ["hot", "mild <fever>", "cough unknown"]
    assert "tested below 38 Cel" in rows.rows[8]["cells"]["todo"]
    # rule `cough care` never fired, and `rest` never chosen
    assert rows.rows[11]["class"] == "uncovered" and rows.rows[11]["cases"] == []
    assert rows.rows[6]["class"] == "partial"
    assert "decision `advice` chooses `rest`" in rows.rows[6]["cells"]["todo"]
    # `cough` left unknown in one case: the input line is covered
    assert rows.rows[5]["class"] == "covered" and rows.rows[5]["cases"] == ["cough unknown"]


def test_case_names_are_escaped_and_output_is_deterministic(report, tmp_path):
    text = (report.parent / "fever.html").read_text(encoding="utf-8")
    assert "mild &lt;fever&gt;" in text and "mild <fever>" not in text
    again = write_html(coverage_of_paths([tmp_path / "fever.yaml"]), tmp_path / "again")
    for name in ("index.html", "fever.html", "report.css"):
        assert (again.parent / name).read_bytes() == (report.parent / name).read_bytes()


def test_index_links_every_ruleset_with_its_percentages(report):
    text = report.read_text(encoding="utf-8")
    assert '<a href="fever.html">' in text
    assert "50.0% (1/2)" in text  # rules fired

"""A small real ruleset and helpers to write fixture files next to it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

RULES = """\
ruleset "Imaging for back pain" version 1.0.0
  applies when back pain

source 1: "Back pain guideline, 2025"

input back pain: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
input ESR: number in mm/h from 0 to 200
input side: one of [left, right]

define red flags: any of [fever, ESR > 20 mm/h]

decision imaging: one of [no imaging, MRI]
decision laboratory tests: any of [ESR test, CRP test]
decision referral: one of [physiotherapy, spine clinic] first match

rule early care:
  IF duration < 6 weeks AND no red flags THEN no imaging
  BECAUSE "Acute pain settles without imaging." [1]

rule persistent pain:
  IF duration >= 6 weeks AND no red flags THEN MRI
  BECAUSE "Persistent pain warrants MRI." [1]

rule red flags need imaging:
  IF red flags THEN MRI
  BECAUSE "Red flags warrant MRI now." [1]

rule fever labs:
  IF fever THEN ESR test, CRP test
  BECAUSE "Fever suggests infection." [1]

rule left side referral:
  IF side is left THEN spine clinic
  BECAUSE "Example." [1]

rule usual referral:
  OTHERWISE physiotherapy
  BECAUSE "Example." [1]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp_path with rulesets/imaging.rules in it."""
    write(tmp_path / "rulesets" / "imaging.rules", RULES)
    return tmp_path


@pytest.fixture
def fixture_file(project: Path):
    """Write fixtures/NAME with the given text (dedented); returns its path."""

    def make(text: str, name: str = "imaging.yaml") -> Path:
        return write(project / "fixtures" / name, text)

    return make

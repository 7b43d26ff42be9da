"""README's downstream example says what the runtime really answers."""

from pathlib import Path

from clinrules.compiler import compile_file
from clinrules.runtime import load

ROOT = Path(__file__).resolve().parents[2]


def test_readme_downstream_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'acute.decisions["imaging"].possible[1].when' in readme
    ruleset = load(compile_file(ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"))
    patient = {"upper back pain": True, "cervicogenic dizziness": True, "fever": False, "ESR": None}
    persistent = ruleset.evaluate({**patient, "duration": "7 weeks"})
    assert persistent.decisions["imaging"].value == "MRI cervical spine without contrast"
    assert persistent.decisions["imaging"].needs == []
    acute = ruleset.evaluate({**patient, "duration": "2 weeks"}, explain=True)
    imaging = acute.decisions["imaging"]
    assert imaging.status == "undecided"
    assert imaging.needs[:3] == ["unexplained weight loss", "night sweats", "ESR"]
    assert imaging.possible[1].value == "MRI cervical spine without contrast"
    assert imaging.possible[1].when[:3] == ("unexplained weight loss", "night sweats", "ESR more than 20 mm/h")

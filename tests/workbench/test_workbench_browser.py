"""The workbench in a real headless Chromium: live diagnostics while typing,
the patient form that evaluates as it is filled, fixtures and coverage.

Set CLINRULES_SCREENSHOTS=docs to refresh the screenshots in docs/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("starlette")

ROOT = Path(__file__).resolve().parents[2]
RULES = "rulesets/cervicogenic-upper-back-pain.rules"


def _shoot(page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000  # a real picture, not an empty page
    target = os.environ.get("CLINRULES_SCREENSHOTS")
    if target:
        (ROOT / target).mkdir(exist_ok=True)
        (ROOT / target / name).write_bytes(shot.read_bytes())
    return shot


def _ready(page, workbench) -> None:
    page.goto(workbench.url + f"?file={RULES}")
    page.wait_for_selector("body[data-ready='yes'][data-checked][data-fixtures]")


def _checked_after(page, before: str) -> None:
    page.wait_for_function(f"document.body.dataset.checked && document.body.dataset.checked !== '{before}'")


def test_diagnostics_show_live_while_typing(page, workbench, tmp_path):
    _ready(page, workbench)
    assert page.locator("#problems li").count() == 0  # the shipped ruleset is clean
    # type a misspelling into the editor, as an editor would
    lines = (workbench.folder / RULES).read_text().split("\n")
    line = next(i for i, text in enumerate(lines) if "IF duration < 6 weeks AND no red flags" in text)
    end = lines[line].index("no red flags") + len("no red flags")
    page.evaluate(f"document.querySelector('.CodeMirror').CodeMirror.setCursor({{line: {line}, ch: {end}}})")
    before = page.evaluate("document.body.dataset.checked")
    page.locator(".CodeMirror textarea").press("Backspace")  # `red flags` -> `red flag`
    _checked_after(page, before)
    item = page.locator("#problems li.error")
    assert item.count() == 1
    # the same message as `clinrules check` for the same text
    broken = tmp_path / "broken.rules"
    broken.write_text(page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))
    cli = json.loads(subprocess.run([sys.executable, "-m", "clinrules", "check", str(broken), "--format", "json"],
                                    capture_output=True, text=True, timeout=120).stdout)["diagnostics"]
    assert cli[0]["message"] in item.inner_text()
    assert item.get_attribute("data-line") == str(cli[0]["line"])
    assert page.locator(".cm-problem-error").count() >= 1  # underlined in the editor
    assert page.locator("#status").inner_text() == "1 error"
    _shoot(page, tmp_path, "workbench-error.png")
    # type the letter back: clean again, and a lint finding appears when a rule conflicts
    before = page.evaluate("document.body.dataset.checked")
    page.keyboard.type("s")
    _checked_after(page, before)
    assert page.locator("#problems li").count() == 0, page.locator("#problems").inner_text()
    assert not page.errors


def test_patient_form_evaluates_as_it_is_filled(page, workbench, tmp_path):
    _ready(page, workbench)
    fields = page.locator("[data-fact]")
    schema = json.loads(subprocess.run([sys.executable, "-m", "clinrules", "schema", str(workbench.folder / RULES)],
                                       capture_output=True, text=True, timeout=120).stdout)
    assert fields.count() == len(schema["properties"])  # one field per input of the facts schema
    imaging = page.locator("[data-decision='imaging']")
    assert imaging.get_attribute("data-status") == "undecided"

    def fill(name: str, value: str) -> None:
        before = page.evaluate("document.body.dataset.evaluated")
        control = page.locator(f"[data-fact='{name}']")
        if control.evaluate("node => node.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
        page.wait_for_function(f"document.body.dataset.evaluated !== '{before}'")

    for name in ("upper back pain", "cervicogenic dizziness"):
        fill(name, "yes")
    fill("duration", "2")
    # acute pain, red flags unknown: undecided, and the form says what is needed
    assert imaging.get_attribute("data-status") == "undecided"
    assert "still needed: fever" in imaging.inner_text()
    for name in ("fever", "unexplained weight loss", "night sweats", "history of malignancy", "immunosuppression",
                 "IV drug use", "intractable pain despite conservative therapy", "progressive neurological deficit",
                 "myelopathic signs", "vertebral body tenderness"):
        fill(name, "no")
    fill("ESR", "10")
    fill("CRP", "3")
    assert imaging.get_attribute("data-status") == "undecided"
    assert "still needed: WBC count" in imaging.inner_text()
    fill("WBC count", "7")
    assert imaging.get_attribute("data-status") == "decided"
    assert "rule acute pain without red flags" in imaging.inner_text()
    # persistent pain: MRI
    fill("duration", "7")
    assert imaging.get_attribute("data-status") == "decided"
    text = imaging.inner_text()
    assert "MRI cervical spine without contrast" in text
    assert "rule persistent pain without red flags" in text
    assert "[2] Causes of Right-Sided Neck Pain." in text
    # the unit of an input can be changed: 7 days is acute
    page.locator("[data-unit-for='duration']").select_option("days")
    page.wait_for_function("document.querySelector(\"[data-decision='imaging']\").innerText.includes('no imaging')")
    assert "rule acute pain without red flags" in imaging.inner_text()
    # the same decision as `clinrules eval` for the same facts
    facts = page.evaluate("""() => { const f = {}; document.querySelectorAll('[data-fact]').forEach(c => {
        if (!c.value) return; const u = document.querySelector(`[data-unit-for="${c.dataset.fact}"]`);
        f[c.dataset.fact] = c.dataset.kind === 'yes/no' ? c.value === 'yes' : (u ? `${c.value} ${u.value}` : c.value); });
        return f; }""")
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(facts))
    cli = json.loads(subprocess.run([sys.executable, "-m", "clinrules", "eval", str(workbench.folder / RULES),
                                     "--facts", str(facts_file), "--format", "json"],
                                    capture_output=True, text=True, timeout=120).stdout)
    assert cli["decisions"]["imaging"]["value"] == "no imaging"
    rule = next(i for i, text in enumerate((workbench.folder / RULES).read_text().split("\n"))
                if text.startswith("rule acute pain without red flags"))
    page.evaluate(f"(() => {{ const cm = document.querySelector('.CodeMirror').CodeMirror;"
                  f" cm.scrollTo(0, cm.heightAtLine({rule - 2}, 'local')); }})()")
    _shoot(page, tmp_path, "workbench.png")
    assert not page.errors


def test_fixtures_and_coverage(page, workbench, tmp_path):
    _ready(page, workbench)
    cases = page.locator("#cases tr")
    assert cases.count() == 75
    assert page.locator("#cases tr[data-status='passed']").count() == 75
    assert "75 passed, 0 failed" in page.locator("#fixtures-note").inner_text()
    rows = page.locator("#coverage-table tbody tr")
    assert rows.count() == 6
    assert page.locator("#coverage-table tr[data-metric='mcdc'] td").nth(3).inner_text() == "100.0"
    # change a threshold, save: a fixture case fails and the page says so
    cm = "document.querySelector('.CodeMirror').CodeMirror"
    page.evaluate(f"{cm}.setValue({cm}.getValue().replace('duration >= 6 weeks AND', 'duration >= 7 weeks AND')"
                  ".replace('duration < 6 weeks AND', 'duration < 7 weeks AND'))")
    before = page.evaluate("document.body.dataset.fixtures")
    page.locator("#save").click()
    page.wait_for_function(f"document.body.dataset.fixtures !== '{before}'")
    assert "duration >= 7 weeks" in (workbench.folder / RULES).read_text()
    failed = page.locator("#cases tr[data-status='failed']")
    assert failed.count() > 0
    assert "exactly 6 weeks counts as persistent" in page.locator("#cases").inner_text()
    assert not page.errors


def test_rules_text_is_shown_never_run(browser, tmp_path):
    """A BECAUSE or a name holding HTML or script is shown as text."""
    from tests.workbench.conftest import Workbench

    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "x.rules").write_text(
        'ruleset "<img src=x onerror=\\"window.pwned=1\\">" version 1.0.0\n\n'
        'source 1: "<script>window.pwned=2</script>"\n\n'
        'input "<b onmouseover=alert(1)>fever</b>": yes/no\n\n'
        'decision plan: one of [rest, "<img src=y onerror=window.pwned=3>"]\n\n'
        'rule hostile:\n  IF "<b onmouseover=alert(1)>fever</b>"\n  THEN "<img src=y onerror=window.pwned=3>"\n'
        '  BECAUSE "<img src=z onerror=window.pwned=4>" [1]\n\n'
        'rule calm:\n  IF NOT "<b onmouseover=alert(1)>fever</b>"\n  THEN rest\n  BECAUSE "Rest." [1]\n'
    )
    bench = Workbench(folder)
    context = browser.new_context()  # the page's own Content-Security-Policy applies
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(bench.url)
        page.wait_for_selector("body[data-ready='yes'][data-checked]")
        page.locator("[data-fact]").first.select_option("yes")
        page.wait_for_selector("[data-decision='plan'][data-status='decided']")
        text = page.locator("#result").inner_text()
        assert "<img src=z onerror=window.pwned=4>" in text
        assert "<script>window.pwned=2</script>" in text
        assert "<b onmouseover=alert(1)>fever</b>" in page.locator("#patient").inner_text()
        assert page.evaluate("window.pwned") is None
        assert page.locator("#result img, #patient b, #problems img").count() == 0
    finally:
        context.close()
        bench.stop()

"""What the workbench page shows, as JSON: the problems of the text being
edited, the facts schema for the patient form, one patient's result, and
the fixture cases with their coverage.

Each is one call into the existing package (the checks of the language
server, `clinrules.runtime`, `clinrules.testing`); the rules text is only
ever parsed and compiled, never run as code.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from clinrules.errors import RulesError
from clinrules.lsp.checks import Checked, check_text, lint_checked


class _LastText:
    """The last text checked and the ruleset loaded from it.

    The page posts the same text again for every field of the patient form
    (and for the schema after each check): for a large ruleset, compiling
    and loading it each time is most of a second per keystroke. Checking is
    a function of the text and its path alone, and a loaded ruleset of its
    document, so the last of each is kept and reused while they match. The
    kept `Checked` is never handed out to be changed: lint findings go on a
    copy."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[str, str] | None = None
        self.checked: Checked | None = None
        self.ruleset = None

    def checked_of(self, text: str, path: str) -> Checked:
        with self.lock:
            if self.key == (text, path) and self.checked is not None:
                return self.checked
        checked = check_text(text, path)
        with self.lock:
            self.key, self.checked, self.ruleset = (text, path), checked, None
        return checked

    def ruleset_of(self, checked: Checked, path: str):
        from clinrules.runtime import load

        with self.lock:
            if self.checked is checked and self.ruleset is not None:
                return self.ruleset
        ruleset = load(checked.doc, source=path)
        with self.lock:
            if self.checked is checked:
                self.ruleset = ruleset
        return ruleset


_last = _LastText()


def problems(text: str, path: str) -> dict:
    """The errors (or, when it compiles, the lint findings) of `text`."""
    checked = dataclasses.replace(_last.checked_of(text, path), findings=None)  # the kept one stays unlinted
    lint_checked(checked)
    return {
        "compiled": checked.doc is not None,
        "problems": [dict(p.as_dict(), label=p.label) for p in checked.problems],
    }


def schema(text: str, path: str) -> dict:
    """The facts JSON Schema of the ruleset being edited (`clinrules schema`)."""
    from clinrules.runtime import facts_schema

    checked = _last.checked_of(text, path)
    if checked.doc is None:
        return {"schema": None, "problems": [p.as_dict() for p in checked.errors]}
    return {"schema": facts_schema(checked.doc), "title": checked.doc.get("title"), "problems": []}


def evaluate(text: str, path: str, facts: dict) -> dict:
    """One patient's result: each decision, the fired rules with their
    reasons and citations, what is still needed, and why (the trace)."""
    checked = _last.checked_of(text, path)
    if checked.doc is None:
        return {"result": None, "problems": [p.as_dict() for p in checked.errors]}
    if not isinstance(facts, dict):
        return {"result": None, "problems": [{"code": "bad-facts", "message": "the facts must be an object"}]}
    ruleset = _last.ruleset_of(checked, path)
    try:
        result = ruleset.evaluate(facts, explain=True)
    except RulesError as exc:
        return {"result": None, "problems": [d.as_dict() for d in exc.diagnostics]}
    data = result.to_json()
    sources = {s["number"]: s["citation"] for s in checked.doc.get("sources", [])}
    rules = {r["name"]: r for r in checked.doc.get("rules", [])}
    data["fired_rules"] = []
    for name in result.fired:
        because = (rules.get(name) or {}).get("because") or {}
        data["fired_rules"].append({
            "name": name,
            "line": ((rules.get(name) or {}).get("at") or {}).get("line"),
            "because": because.get("text"),
            "citations": [{"number": n, "citation": sources.get(n)} for n in because.get("citations", [])],
        })
    return {"result": data, "problems": []}


def fixtures(folder, relative: str) -> dict:
    """The fixture cases of the saved ruleset file, pass or fail, and its coverage."""
    from clinrules.testing import run_file
    from clinrules.testing.coverage import coverage_of_session

    target = folder.resolve(relative, {".rules"})
    files, cases, problems_found = [], [], []
    runs = []
    for path in folder.fixtures_for(target):
        shown = folder.relative(path)
        try:
            run = run_file(path)
        except RulesError as exc:
            problems_found.extend(dict(d.as_dict(), file=shown) for d in exc.diagnostics)
            continue
        runs.append(run)
        files.append(shown)
        for case in run.cases:
            cases.append({
                "fixture": shown, "name": case.name, "line": case.line, "status": case.status,
                "failures": list(case.failures), "error": case.error,
            })

    class _Session:
        files = runs

    coverage = None
    if runs:
        measured = coverage_of_session(_Session)
        if measured.rulesets:
            coverage = _coverage(measured.rulesets[0].as_dict())
    return {
        "fixtures": files,
        "cases": cases,
        "passed": sum(c["status"] == "passed" for c in cases),
        "failed": sum(c["status"] != "passed" for c in cases),
        "coverage": coverage,
        "problems": problems_found,
    }


def _coverage(data: dict) -> dict:
    from clinrules.testing.coverage_model import METRIC_TITLES

    return {
        "cases": data.get("cases"),
        "metrics": [
            {"metric": name, "label": METRIC_TITLES.get(name, name), "covered": m["covered"], "total": m["total"],
             "percent": m["percent"],
             "missing": [f"line {item.get('line')}: {item.get('what')} {item.get('text')}"
                         for item in m.get("missing", [])][:20]}
            for name, m in data["metrics"].items()
        ],
    }


def listing(folder) -> dict:
    from clinrules.workbench.files import FIXTURE_SUFFIXES

    return {
        "rulesets": [folder.relative(p) for p in folder.walk({".rules"})],
        "root": Path(folder.root).name,
        "fixture_suffixes": sorted(FIXTURE_SUFFIXES),
    }

"""Render a fixture `Session`: text for people, JSON for machines, JUnit XML
for CI systems.

The session is computed once by the runner; reporters only render it, and
are interchangeable. Output is deterministic (no times, no absolute paths
when the file is under the working directory), so two runs of the same
fixtures give byte-identical reports.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from clinrules.exact import exact_str
from clinrules.testing.runner import CaseRun, FileRun, Session

FORMATS = ("text", "json", "junit")


def display_path(path: Path | str | None) -> str | None:
    """Relative to the working directory when under it, else as given."""
    if path is None:
        return None
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return Path(text).as_posix()
    return Path(text if rel.startswith("..") else rel).as_posix()


def render(session: Session, fmt: str = "text") -> str:
    if fmt == "text":
        return render_text(session)
    if fmt == "json":
        return render_json(session)
    if fmt == "junit":
        return render_junit(session)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --- shared pieces ----------------------------------------------------------------


def fact_text(value: Any) -> str:
    """A fact as a fixture would write it."""
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, Fraction):
        return exact_str(value)
    return str(value)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line.rstrip() for line in text.rstrip("\n").split("\n"))


def case_detail(case: CaseRun) -> str:
    """Why a case did not pass: the mismatches (or the runtime's message),
    the facts it was given, and the trace of which rules fired and why."""
    parts = []
    if case.error is not None:
        parts.append("the runtime rejected the facts:\n" + _indent(case.error, "  "))
    else:
        parts.append("\n".join(case.failures))
    if case.facts:
        parts.append("given:\n" + "\n".join(f"  {name}: {fact_text(v)}" for name, v in case.facts.items()))
    if case.result is not None:
        explanation = case.result.explain_text()
        if explanation.strip():
            parts.append("trace:\n" + _indent(explanation, "  "))
    return "\n".join(parts)


def summary_line(session: Session) -> str:
    """Ends with exactly `N passed, M failed` (errored cases count as failed)."""
    files = len(session.files)
    text = f"{session.total} case{'s' if session.total != 1 else ''} in {files} fixture file{'s' if files != 1 else ''}"
    extras = []
    if session.file_errors:
        n = len(session.file_errors)
        extras.append(f"{n} file{'s' if n != 1 else ''} could not be run")
    if session.errored:
        extras.append(f"{session.errored} case{'s' if session.errored != 1 else ''} with bad facts")
    if extras:
        text += " (" + "; ".join(extras) + ")"
    return f"{text}: {session.passed} passed, {session.failed} failed"


# --- text ------------------------------------------------------------------------------

_LABELS = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR"}


def render_text(session: Session) -> str:
    blocks = []
    for file in session.files:
        lines = []
        if file.error is not None:
            lines.append(f"{display_path(file.path)}: could not be run")
            lines.append(str(file.error))
        else:
            lines.append(f"{display_path(file.path)} (ruleset {display_path(file.ruleset_path)})")
            for case in file.cases:
                where = f"  [line {case.line}]" if case.line else ""
                lines.append(f"  {_LABELS[case.status]} {case.name}{where if case.status != 'passed' else ''}")
                if case.status != "passed":
                    lines.append(_indent(case_detail(case), "        "))
        blocks.append("\n".join(lines))
    blocks.append(summary_line(session))
    return "\n\n".join(blocks) + "\n"


# --- JSON -------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def session_dict(session: Session) -> dict:
    files = []
    for file in session.files:
        entry: dict[str, Any] = {
            "path": display_path(file.path),
            "ruleset": display_path(file.ruleset_path),
            "error": None,
            "cases": [],
        }
        if file.error is not None:
            entry["error"] = {"diagnostics": [d.as_dict() for d in file.error.diagnostics]}
        for case in file.cases:
            entry["cases"].append(
                {
                    "name": case.name,
                    "line": case.line,
                    "status": case.status,
                    "failures": list(case.failures),
                    "error": case.error,
                    "diagnostics": [d.as_dict() for d in case.diagnostics],
                    "facts": _jsonable(case.facts),
                    "result": _jsonable(case.result.to_json()) if case.result is not None else None,
                }
            )
        files.append(entry)
    return {
        "summary": {
            "files": len(session.files),
            "files_not_run": len(session.file_errors),
            "cases": session.total,
            "passed": session.passed,
            "failed": session.failed,
            "errors": session.errored,
            "exit_code": session.exit_code,
        },
        "files": files,
    }


def render_json(session: Session) -> str:
    return json.dumps(session_dict(session), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- JUnit XML ----------------------------------------------------------------------------

# XML 1.0 cannot hold most control characters, even escaped.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_BAD.sub("\ufffd", text)


def _classname(path: Path) -> str:
    shown = display_path(path) or ""
    stem = shown.rsplit(".", 1)[0] if "." in Path(shown).name else shown
    return stem.replace("/", ".")


def _suite(file: FileRun) -> ET.Element:
    shown = display_path(file.path)
    suite = ET.Element("testsuite")
    suite.set("name", shown)
    if file.error is not None:
        suite.set("tests", "1")
        suite.set("failures", "0")
        suite.set("errors", "1")
        suite.set("skipped", "0")
        suite.set("file", shown)
        case = ET.SubElement(suite, "testcase", {"name": "(fixture file)", "classname": _classname(file.path), "file": shown})
        first = file.error.diagnostics[0] if file.error.diagnostics else None
        error = ET.SubElement(
            case,
            "error",
            {"message": _xml_text(first.message if first else "could not be run"), "type": first.code if first else "error"},
        )
        error.text = _xml_text(str(file.error))
        return suite
    suite.set("tests", str(len(file.cases)))
    suite.set("failures", str(file.failed))
    suite.set("errors", str(file.errored))
    suite.set("skipped", "0")
    suite.set("file", shown)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "ruleset", "value": display_path(file.ruleset_path) or ""})
    for case in file.cases:
        attrs = {"name": _xml_text(case.name), "classname": _classname(file.path), "file": shown}
        if case.line:
            attrs["line"] = str(case.line)
        element = ET.SubElement(suite, "testcase", attrs)
        if case.status == "failed":
            failure = ET.SubElement(element, "failure", {"message": _xml_text("; ".join(case.failures)), "type": "mismatch"})
            failure.text = _xml_text(case_detail(case))
        elif case.status == "error":
            error = ET.SubElement(element, "error", {"message": _xml_text(case.error.split("\n")[0]), "type": "bad-fact"})
            error.text = _xml_text(case_detail(case))
    return suite


def render_junit(session: Session) -> str:
    root = ET.Element("testsuites")
    root.set("name", "clinrules")
    root.set("tests", str(sum(len(f.cases) if f.error is None else 1 for f in session.files)))
    root.set("failures", str(sum(f.failed for f in session.files)))
    root.set("errors", str(session.errored + len(session.file_errors)))
    for file in session.files:
        root.append(_suite(file))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

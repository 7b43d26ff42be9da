"""`clinrules lsp` in a real client session over stdio (a subprocess).

One session per test, each bounded in time. The diagnostics are compared
with what `clinrules check` and `clinrules lint` say for the same text, so
the editor can never show something the CLI would not.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t  # noqa: E402

from tests.lsp.session import Session, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

SMALL = """\
ruleset "Neck imaging" version 1.0.0

source 1: "Guideline Directed Topic Overview, 2025"
source 2: "Causes of Right-Sided Neck Pain, 2026"

input duration: number in weeks from 0 to 520
input fever: yes/no
input side: one of [left, right, both]

define red flags: any of [fever, duration > 52 weeks]

decision imaging: one of [no imaging, MRI]

rule early care:
  IF duration < 6 weeks AND no red flags
  THEN no imaging
  BECAUSE "Acute symptoms resolve with conservative care." [1]

rule persistent pain:
  IF duration >= 4 weeks
  THEN MRI
  BECAUSE "Persistent symptoms warrant MRI." [2]
"""


def cli_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "clinrules", *args, "--format", "json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    return json.loads(done.stdout)


def _line(text: str, needle: str) -> tuple[int, int]:
    for i, line in enumerate(text.split("\n")):
        if needle in line:
            return i, line.index(needle)
    raise AssertionError(needle)


def test_a_document_edited_in_several_steps(tmp_path):
    """Open a clean-but-conflicting file, break it, fix it by the quick fix,
    resolve the conflict: after each step the diagnostics are the CLI's."""
    path = tmp_path / "neck.rules"
    path.write_text(SMALL)

    async def body():
        async with Session() as s:
            uri = s.open(path)
            # step 1: the lint findings, same codes, messages and places as `clinrules lint`
            found = await s.linted(uri, 1)
            cli = cli_json("lint", str(path))["findings"]
            assert sorted((d.code, d.message, d.range.start.line + 1) for d in found) == sorted(
                (f["code"], f["message"], f["line"]) for f in cli)
            conflict = next(d for d in found if d.code == "CR001")
            assert conflict.severity == t.DiagnosticSeverity.Error
            # the other rule of the conflict is a related location
            related = [(r.location.range.start.line, r.message) for r in conflict.related_information]
            assert related == [(_line(SMALL, "rule early care")[0], "rule `early care`")]

            # step 2: misspell a name (an incremental edit of one range)
            line, col = _line(SMALL, "no red flags")
            s.edit(uri, line, col + len("no red flag"), line, col + len("no red flags"), "")
            broken = await s.linted(uri, 2)
            path.write_text(SMALL.replace("no red flags", "no red flag"))
            cli = cli_json("check", str(path))["diagnostics"]
            assert [(d.code, d.message.split("\n")[0]) for d in broken] == [(c["code"], c["message"]) for c in cli]
            (error,) = broken
            assert ("checked", 2, 1) in s.notes[uri]  # the server says when a version is checked
            assert ("linted", 1, 3) in s.notes[uri]  # and linted (3 findings)
            assert (error.range.start.line, error.range.start.character) == (line, col + 3)
            assert error.range.end.character == col + len("no red flag")
            assert "hint: declare it" in error.message

            # step 3: the quick fix from "did you mean"
            (action,) = await s.code_actions(uri, error)
            assert action.title == "Change to `red flags`" and action.kind == t.CodeActionKind.QuickFix
            (edit,) = action.edit.changes[uri]
            assert edit.new_text == "red flags"
            s.edit(uri, edit.range.start.line, edit.range.start.character,
                   edit.range.end.line, edit.range.end.character, edit.new_text)
            fixed = await s.linted(uri, 3)
            assert "CR001" in {d.code for d in fixed}

            # step 4: resolve the conflict (persistent from 6 weeks): the conflict goes
            line, col = _line(SMALL, ">= 4 weeks")
            s.edit(uri, line, col + 3, line, col + 4, "6")
            clean = await s.linted(uri, 4)
            path.write_text(SMALL.replace(">= 4 weeks", ">= 6 weeks"))
            cli = cli_json("lint", str(path))["findings"]
            assert sorted(d.code for d in clean) == sorted(f["code"] for f in cli)
            assert "CR001" not in {d.code for d in clean}

            # step 5: a whole-document replacement with a syntax error
            v = s.replace(uri, SMALL.replace("THEN MRI", "THEN"))
            (syntax,) = await s.diagnostics(uri, v)
            assert syntax.code == "syntax-error" and syntax.severity == t.DiagnosticSeverity.Error

    run(body)


def test_hover_definition_completion_symbols(tmp_path):
    path = tmp_path / "neck.rules"
    path.write_text(SMALL)

    async def body():
        async with Session() as s:
            uri = s.open(path)
            await s.diagnostics(uri, 1)
            # hover on an input where a rule uses it: declaration, unit, range
            line, col = _line(SMALL, "duration < 6")
            hover = await s.hover(uri, line, col + 2)
            text = hover.contents.value
            assert "**input** `duration`" in text
            assert "input duration: number in weeks from 0 to 520" in text
            assert "unit: `weeks` (a time; UCUM `wk`)" in text
            assert "range: from 0 to 520" in text
            # hover on an option after THEN: its decision and the citations of the rules choosing it
            line, col = _line(SMALL, "THEN MRI")
            text = (await s.hover(uri, line, col + 6)).contents.value
            assert "**option** `MRI`" in text and "chosen by `persistent pain`" in text
            assert "[2] Causes of Right-Sided Neck Pain, 2026" in text
            assert "[1]" not in text
            # hover on a rule name: its BECAUSE and citations
            line, col = _line(SMALL, "rule early care")
            text = (await s.hover(uri, line, col + 7)).contents.value
            assert 'BECAUSE "Acute symptoms resolve with conservative care."' in text
            assert "[1] Guideline Directed Topic Overview, 2025" in text
            # hover on a definition used in a rule
            line, col = _line(SMALL, "no red flags")
            text = (await s.hover(uri, line, col + 5)).contents.value
            assert "**definition** `red flags`" in text and "any of [fever, duration > 52 weeks]" in text
            # nothing under the cursor: no hover
            assert await s.hover(uri, 1, 0) is None

            # go to definition: from the use in a rule to the declaration
            line, col = _line(SMALL, "no red flags")
            where = await s.definition(uri, line, col + 5)
            assert where.range.start.line == _line(SMALL, "define red flags")[0]
            assert where.range.start.character == len("define ")

            # completion: option names after THEN
            line, col = _line(SMALL, "THEN no imaging")
            assert sorted(await s.completion(uri, line, col + 5)) == ["MRI", "no imaging"]
            # units valid for the input after a number
            line, col = _line(SMALL, "duration < 6 weeks")
            units = await s.completion(uri, line, col + len("duration < 6 "))
            assert {"weeks", "days", "hours"} <= set(units) and "mm/h" not in units
            # declared names in a condition
            names = await s.completion(uri, line, col)
            assert {"duration", "fever", "side", "red flags"} <= set(names) and "MRI" not in names

            # document symbols: decisions hold their options
            symbols = await s.symbols(uri)
            by_name = {sym.name: sym for sym in symbols}
            assert [c.name for c in by_name["imaging"].children] == ["no imaging", "MRI"]
            assert by_name["early care"].kind == t.SymbolKind.Event
            assert by_name["duration"].kind == t.SymbolKind.Variable
            assert [c.name for c in by_name["side"].children] == ["left", "right", "both"]

    run(body)


def test_formatting_is_clinrules_fmt(tmp_path):
    messy = SMALL.replace("rule early care:\n  IF", "rule early care: if").replace("THEN no imaging", "then no imaging")
    path = tmp_path / "messy.rules"
    path.write_text(messy)

    async def body():
        async with Session() as s:
            uri = s.open(path)
            await s.diagnostics(uri, 1)
            (edit,) = await s.formatting(uri)
            subprocess.run([sys.executable, "-m", "clinrules", "fmt", str(path)], check=True, timeout=120,
                           capture_output=True)
            assert edit.new_text == path.read_text()
            assert edit.range.start == t.Position(line=0, character=0)
            # a file with a syntax error is not formatted
            v = s.replace(uri, "ruleset \"x\"\ninput : yes/no\n")
            await s.diagnostics(uri, v)
            assert await s.formatting(uri) is None

    run(body)


def test_completion_and_hover_survive_an_unfinished_line(tmp_path):
    """While a line is being typed the file does not parse; the last tree serves."""
    path = tmp_path / "neck.rules"
    path.write_text(SMALL)

    async def body():
        async with Session() as s:
            uri = s.open(path)
            await s.diagnostics(uri, 1)
            text = SMALL + "\nrule third:\n  IF fever\n  THEN "
            v = s.replace(uri, text)
            (syntax,) = await s.diagnostics(uri, v)
            assert syntax.code == "syntax-error"
            last = len(text.split("\n")) - 1
            assert sorted(await s.completion(uri, last, len("  THEN "))) == ["MRI", "no imaging"]
            line, col = _line(text, "input fever")
            assert "**input** `fever`" in (await s.hover(uri, line, col + 7)).contents.value

    run(body)


def test_lsp_without_the_editor_extra_says_how_to_install(tmp_path):
    """A Python without pygls gets a clear message and exit 2, not a traceback."""
    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('blocked for this test', name='pygls')\n")
    done = subprocess.run([sys.executable, "-c",
                           "import sys; sys.path.insert(0, sys.argv[1]); sys.argv = ['clinrules', 'lsp'];"
                           "from clinrules.cli.main import main; main()", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "pip install 'clinrules[editor]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_other_text_files_are_left_alone_and_references_are_found(tmp_path):
    """An editor that maps .rules to plain text also opens other text files:
    the server checks only .rules (or clinrules) documents."""
    notes = tmp_path / "notes.txt"
    notes.write_text("IF this were checked it would be a syntax error\n")
    path = tmp_path / "neck.rules"
    path.write_text(SMALL)

    async def body():
        async with Session() as s:
            s.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
                uri=notes.as_uri(), language_id="plaintext", version=1, text=notes.read_text())))
            uri = s.open(path)
            await s.diagnostics(uri, 1)
            assert notes.as_uri() not in s.published
            line, col = _line(SMALL, "input duration")
            found = await asyncio.wait_for(s.client.text_document_references_async(t.ReferenceParams(
                text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=line, character=col + 7),
                context=t.ReferenceContext(include_declaration=False))), 60)
            assert sorted(r.range.start.line for r in found) == [
                _line(SMALL, "define red flags")[0], _line(SMALL, "duration < 6")[0], _line(SMALL, "duration >= 4")[0]]

    run(body)

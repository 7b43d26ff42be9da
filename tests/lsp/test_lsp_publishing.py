"""What `clinrules lsp` publishes: columns in the client's units, nothing
sent twice, and after any series of edits exactly what `check_text` and
`lint_checked` (the CLI's checker and linter) find for the same text."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t  # noqa: E402

from clinrules.lsp.checks import check_text, lint_checked  # noqa: E402
from clinrules.lsp.positions import Columns  # noqa: E402
from tests.lsp.session import Session, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

WIDE = '''ruleset "Imaging" version 1.0.0
source 1: "Example guideline, 2025"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule r1: IF fever THEN MRI BECAUSE "see 🙂 here" [9] # 🙂 ok
rule r2: IF fever THEN no imaging BECAUSE "𝔸 x" [1]
'''


def test_columns_convert_both_ways():
    line = 'a "🙂é" b'
    utf16, utf8, utf32 = Columns("utf-16"), Columns("utf-8"), Columns("utf-32")
    # the `b` is character 7: two units for the emoji in UTF-16, four bytes (+2 for é) in UTF-8
    assert (utf16.to_client(line, 7), utf8.to_client(line, 7), utf32.to_client(line, 7)) == (8, 11, 7)
    assert (utf16.from_client(line, 8), utf8.from_client(line, 11), utf32.from_client(line, 7)) == (7, 7, 7)
    assert utf16.to_client("plain", 3) == 3 and utf16.to_client("🙂", 3) == 4  # past the end: one per character
    assert utf16.from_client("🙂x", 1) == 1  # inside the emoji: its end
    assert Columns(None).encoding == "utf-16" and Columns("latin-1").encoding == "utf-16"


def _wide_positions(text: str, needle: str) -> tuple[int, int]:
    for i, line in enumerate(text.split("\n")):
        if needle in line:
            return i, line.index(needle)
    raise AssertionError(needle)


@pytest.mark.parametrize("encodings, unit", [(None, "utf-16"), (["utf-32"], "utf-32"), (["utf-8", "utf-16"], "utf-8")])
def test_columns_are_in_the_agreed_encoding(tmp_path, encodings, unit):
    """An error after an emoji, an edit sent in the client's units, and lint
    findings whose ranges end after wide characters: every column is in
    the encoding the client offered first (UTF-16 when it offers none)."""
    path = tmp_path / "wide.rules"
    path.write_text(WIDE, encoding="utf-8")
    columns = Columns(unit)
    lines = WIDE.split("\n")

    async def body():
        async with Session(encodings) as s:
            uri = s.open(path)
            (error,) = await s.linted(uri, 1)
            line, col = _wide_positions(WIDE, "[9]")
            assert error.code == "unknown-source"
            assert (error.range.start.line, error.range.start.character) == (line, columns.to_client(lines[line], col + 1))
            assert error.range.start.character != col + 1 or unit == "utf-32"
            # replace the 9 by a 1, the position given in the client's units
            start = columns.to_client(lines[line], col + 1)
            s.edit(uri, line, start, line, start + 1, "1")
            found = await s.linted(uri, 2)
            fixed = WIDE.replace("[9]", "[1]")
            expected = lint_checked(check_text(fixed, str(path)))
            fixed_lines = fixed.split("\n")
            got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.character,
                          [(r.location.range.end.line, r.location.range.end.character)
                           for r in d.related_information or []]) for d in found)
            want = sorted((p.code, p.line, columns.to_client(fixed_lines[p.line], p.column),
                           columns.to_client(fixed_lines[p.end_line], p.end_column),
                           [(r.end_line, columns.to_client(fixed_lines[r.end_line], r.end_column)) for r in p.related])
                          for p in expected)
            assert got == want
            conflict = next(d for d in found if d.code == "CR001")
            if unit != "utf-32":  # the line holds a character outside the BMP
                assert conflict.range.end.character > len(fixed_lines[conflict.range.end.line].rstrip())

    run(body)


def test_an_unchanged_set_is_not_sent_again(tmp_path):
    """A comment edit changes no finding: the server lints it and says so,
    but sends nothing. Breaking and fixing the file shows the errors, then
    the findings again."""
    text = WIDE.replace("[9]", "[1]")
    path = tmp_path / "same.rules"
    path.write_text(text, encoding="utf-8")

    async def body():
        async with Session() as s:
            uri = s.open(path)
            first = await s.linted(uri, 1)
            assert s.sent[uri][1] is True and first
            line = len(text.split("\n")) - 1
            s.edit(uri, line, 0, line, 0, "# a comment\n")
            again = await s.linted(uri, 2)
            assert s.sent[uri][2] is False
            assert [e[1] for e in s.published[uri]] == [1]
            assert again == first
            # break it (errors replace the findings), then mend it: the findings come back at once
            line, col = _wide_positions(text, "IF fever THEN MRI")
            s.edit(uri, line, col + 3, line, col + 8, "fevr")
            (error,) = await s.linted(uri, 3)
            assert error.severity == t.DiagnosticSeverity.Error
            s.edit(uri, line, col + 3, line, col + 7, "fever")
            back = await s.diagnostics(uri, 4)
            assert back == first

    run(body)


def test_findings_after_random_edits_are_the_full_lint(tmp_path):
    """Random edits to a ruleset long enough for the statement-by-statement
    parser: after each, what is shown is exactly what the checker and the
    linter find for the whole current text."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from compile import generate

    text = generate(60)
    path = tmp_path / "random.rules"
    path.write_text(text, encoding="utf-8")
    rng = random.Random(5)

    def expected(current: str) -> list:
        checked = check_text(current, str(path))
        problems = checked.errors or lint_checked(checked)
        return sorted((p.code, p.message + (f"\nhint: {p.hint}" if p.hint else ""), p.line, p.column,
                       p.end_line, p.end_column) for p in problems)

    def shown(diagnostics) -> list:
        return sorted((d.code, d.message, d.range.start.line, d.range.start.character,
                       d.range.end.line, d.range.end.character) for d in diagnostics)

    async def body():
        nonlocal text
        async with Session() as s:
            uri = s.open(path)
            assert shown(await s.linted(uri, 1)) == expected(text)
            version = 1
            for _ in range(10):
                lines = text.split("\n")
                rule_lines = [i for i, line in enumerate(lines) if line.startswith("rule ")]
                i = rng.choice(rule_lines)
                kind = rng.choice(["digit", "blank", "typo", "delete", "comment"])
                if kind == "digit" and any(ch.isdigit() for ch in lines[i][5:]):
                    col = next(c for c in range(5, len(lines[i])) if lines[i][c].isdigit())
                    change = (i, col, i, col + 1, str((int(lines[i][col]) + 3) % 10))
                elif kind == "typo" and "THEN" in lines[i + 1]:
                    col = lines[i + 1].index("THEN")
                    change = (i + 1, col, i + 1, col + 4, "THN")
                elif kind == "delete":  # the whole rule statement (up to the blank line after it)
                    end = next(j for j in range(i + 1, len(lines)) if not lines[j].strip())
                    change = (i, 0, end + 1, 0, "")
                elif kind == "comment":  # a note above the rule: what the text says is unchanged
                    change = (i, 0, i, 0, "# reviewed by the panel\n")
                else:
                    change = (i, 0, i, 0, "\n")
                l0, c0, l1, c1, new = change
                offsets = [0]
                for line in lines:
                    offsets.append(offsets[-1] + len(line) + 1)
                text = text[:offsets[l0] + c0] + new + text[offsets[l1] + c1:]
                version = s.edit(uri, l0, c0, l1, c1, new)
                assert shown(await s.linted(uri, version)) == expected(text), kind

    run(body)

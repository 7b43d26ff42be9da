"""The one error type renders the conventional form editors and tools read."""

from clinrules.errors import Diagnostic, Location, RulesError


def test_render_shows_file_line_column_text_caret_and_hint():
    d = Diagnostic(
        "undeclared-name", "`red flag` is not declared", file="neck.rules",
        location=Location(3, 6, 3, 14), hint="did you mean `red flags`?",
        source_line="  IF red flag THEN MRI\n",
    )
    assert d.render().splitlines() == [
        "neck.rules:3:6: error: `red flag` is not declared",
        "      IF red flag THEN MRI",
        "         ^^^^^^^^",
        "  hint: did you mean `red flags`?",
    ]


def test_a_very_long_line_is_shown_as_a_window_around_the_caret():
    line = "x" * 50_000 + " BAD " + "y" * 50_000
    d = Diagnostic("syntax-error", "unexpected", file="f.rules", location=Location(1, 50_002),
                   source_line=line)
    shown, caret = d.render().splitlines()[1:3]
    assert len(shown) <= 4 + 100
    assert shown.startswith("    ...") and shown.endswith("...")
    assert "BAD" in shown
    assert shown[caret.index("^")] == "B"


def test_errors_are_sorted_by_file_and_position():
    late = Diagnostic("a", "late", file="f.rules", location=Location(9, 1))
    early = Diagnostic("b", "early", file="f.rules", location=Location(2, 5))
    assert [d.message for d in RulesError([late, early]).diagnostics] == ["early", "late"]

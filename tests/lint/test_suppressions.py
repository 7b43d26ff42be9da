"""Inline `# lint: allow` on inputs, definitions, decisions and rules: by
name or code, reason required, unknown codes reported with a suggestion."""

from __future__ import annotations

from tests.lint.conftest import HEAD, lint_text

GAP = HEAD + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''


def test_unused_input_is_allowed_on_the_input_by_name_or_code():
    text = HEAD.replace("input fever: yes/no",
                        "# lint: allow unused-input -- collected for the audit, not for decisions\n"
                        "input fever: yes/no") + '''
rule a: IF duration <= 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"unused-input"}) == []
    by_code = text.replace("allow unused-input", "allow cr006")
    assert lint_text(by_code, codes={"unused-input", "unknown-lint-code"}) == []
    # the same comment on the line of the input works too
    same_line = text.replace("# lint: allow unused-input -- collected for the audit, not for decisions\n"
                             "input fever: yes/no",
                             "input fever: yes/no  # lint: allow unused-input -- audit only")
    assert lint_text(same_line, codes={"unused-input"}) == []
    # allowing another code leaves the finding in place
    other = text.replace("allow unused-input", "allow unused-option")
    (finding,) = lint_text(other, codes={"unused-input"})
    assert finding.message == "input `fever` is declared but no condition reads it"
    assert (finding.line, finding.column) == (5, 1)


def test_input_suppression_without_reason_is_reported_and_allows_nothing():
    text = HEAD.replace("input fever: yes/no", "input fever: yes/no  # lint: allow unused-input") + '''
rule a: IF duration <= 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''
    found = lint_text(text, codes={"unused-input", "suppression-without-reason"})
    assert sorted(f.name for f in found) == ["suppression-without-reason", "unused-input"]
    sup = next(f for f in found if f.name == "suppression-without-reason")
    assert sup.message.startswith("`# lint: allow unused-input` on `fever` gives no reason")
    assert (sup.line, sup.column) == (4, 22)


def test_gap_is_allowed_on_its_decision_by_name_or_code():
    for code in ("gap", "CR002", "Gap"):
        text = GAP.replace("decision imaging",
                           f"# lint: allow {code} -- exactly 6 weeks goes to a clinician\ndecision imaging")
        assert lint_text(text, codes={"gap", "unknown-lint-code"}) == [], code
    (gap,) = lint_text(GAP, codes={"gap"})
    assert "duration exactly 6 weeks" in gap.message


def test_unknown_code_is_reported_with_a_suggestion_and_allows_nothing():
    text = GAP.replace("decision imaging", "# lint: allow gpa -- 6 weeks goes to a clinician\ndecision imaging")
    found = lint_text(text, codes={"gap", "unknown-lint-code"})
    assert sorted(f.name for f in found) == ["gap", "unknown-lint-code"]
    unknown = next(f for f in found if f.name == "unknown-lint-code")
    assert unknown.code == "CR014" and unknown.severity == "warning"
    assert unknown.message == ("`# lint: allow gpa` on `imaging` names no lint code, so it allows "
                               "nothing; did you mean `gap` (CR002)?")
    assert (unknown.line, unknown.column) == (5, 1)  # the comment
    assert unknown.extra["suggestion"] == "gap"


def test_unknown_code_spelt_as_a_code_and_one_with_no_close_match():
    text = GAP.replace("rule a:", "# lint: allow CR0011, frobnicate -- reviewed\nrule a:")
    found = lint_text(text, codes={"unknown-lint-code"})
    assert [f.message for f in found] == [
        "`# lint: allow CR0011` on `a` names no lint code, so it allows nothing; "
        "did you mean `mixed-and-or` (CR011)?",
        "`# lint: allow frobnicate` on `a` names no lint code, so it allows nothing; "
        "`clinrules lint --explain CODE` lists the codes",
    ]


def test_a_known_code_next_to_an_unknown_one_still_allows():
    text = HEAD.replace("input fever: yes/no",
                        "# lint: allow unused-inptu, unused-input -- audit only\ninput fever: yes/no") + '''
rule a: IF duration <= 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''
    found = lint_text(text, codes={"unused-input", "unknown-lint-code"})
    assert [f.name for f in found] == ["unknown-lint-code"]
    assert found[0].message.endswith("did you mean `unused-input` (CR006)?")

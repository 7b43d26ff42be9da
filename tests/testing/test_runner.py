"""Running fixture cases through the runtime and comparing what it decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinrules.compiler import compile_file, dumps
from clinrules.errors import RulesError
from clinrules.testing import discover, run_file, run_paths

HEAD = """\
ruleset: ../rulesets/imaging.rules
defaults:
  back pain: yes
  fever: no
  ESR: 10 mm/h
  side: right
cases:
"""


def one_case(fixture_file, case: str):
    """Run a fixture of HEAD plus one case; return its CaseRun."""
    run = run_file(fixture_file(HEAD + case))
    (case_run,) = run.cases
    return case_run


def test_a_passing_file(fixture_file, project):
    run = run_file(
        fixture_file(
            HEAD
            + """\
  - name: early
    given: {duration: 2 weeks}
    expect: {imaging: no imaging, laboratory tests: [], referral: physiotherapy}
    fired: [early care, usual referral]
    needs: []
  - name: fever
    given: {duration: 2 days, fever: yes}
    expect: {imaging: MRI, laboratory tests: [CRP test, ESR test]}
    fired: [red flags need imaging]
"""
        )
    )
    assert run.path == project / "fixtures" / "imaging.yaml"
    assert run.ruleset_path == project / "rulesets" / "imaging.rules"
    assert run.doc["title"] == "Imaging for back pain"
    assert [c.name for c in run.cases] == ["early", "fever"]
    assert [c.line for c in run.cases] == [8, 13]
    assert all(c.passed and c.error is None and c.failures == [] for c in run.cases)
    assert run.cases[0].result.decisions["imaging"].value == "no imaging"
    assert run.cases[0].result.condition_values  # evaluated with explain=True


def test_defaults_merge_under_given_and_null_overrides(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: unknown ESR
    given: {duration: 2 weeks, esr: null}
    expect: {imaging: undecided}
    needs: [ESR]
""",
    )
    assert case.passed, case.failures
    assert case.facts == {"back pain": True, "duration": "2 weeks", "fever": False, "ESR": None, "side": "right"}
    assert case.result.facts["esr"] is None


def test_given_overrides_a_default(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: high ESR
    given: {duration: 1 week, ESR: 21 mm/h}
    expect: {imaging: MRI}
""",
    )
    assert case.passed
    assert case.facts["ESR"] == "21 mm/h"


def test_decision_mismatch_is_a_readable_failure(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: wrong
    given: {duration: 7 weeks}
    expect: {imaging: no imaging, referral: spine clinic}
""",
    )
    assert not case.passed and case.status == "failed"
    assert case.failures == [
        "imaging: expected no imaging, got MRI",
        "referral: expected spine clinic, got physiotherapy",
    ]


def test_undecided_actual_shows_what_it_needs(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: wrong
    given: {duration: null}
    expect: {imaging: no imaging}
""",
    )
    assert case.failures == ["imaging: expected no imaging, got undecided (needs duration)"]


def test_status_words_match_case_insensitively(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: out of scope
    given: {back pain: no, duration: 2 weeks}
    expect: {imaging: Not Applicable, laboratory tests: not applicable}
""",
    )
    assert case.passed, case.failures


def test_any_of_is_compared_as_a_set(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: wrong set
    given: {duration: 2 weeks, fever: yes}
    expect: {laboratory tests: [ESR test]}
""",
    )
    assert case.failures == ["laboratory tests: expected [ESR test], got [ESR test, CRP test]"]
    case = one_case(
        fixture_file,
        """\
  - name: none expected, none chosen
    given: {duration: 2 weeks}
    expect: {laboratory tests: []}
""",
    )
    assert case.passed
    case = one_case(
        fixture_file,
        """\
  - name: none expected, some chosen
    given: {duration: 2 weeks, fever: yes}
    expect: {laboratory tests: []}
""",
    )
    assert case.failures == ["laboratory tests: expected [], got [ESR test, CRP test]"]


def test_fired_lists_rules_that_must_fire(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: missing rule
    given: {duration: 2 weeks}
    fired: [early care, Persistent  Pain]
""",
    )
    assert case.failures == ["fired: expected persistent pain to fire; fired: early care, usual referral"]


def test_needs_must_match_exactly(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: too few
    given: {duration: null, ESR: null}
    needs: [ESR]
""",
    )
    assert case.failures == ["needs: expected [ESR], got [duration, ESR]"]
    case = one_case(
        fixture_file,
        """\
  - name: as a set, any case and spacing
    given: {duration: null, ESR: null}
    needs: [esr, DURATION]
""",
    )
    assert case.passed
    case = one_case(
        fixture_file,
        """\
  - name: none needed but some are
    given: {duration: null}
    needs: []
""",
    )
    assert case.failures == ["needs: expected [], got [duration]"]


def test_bad_facts_make_an_error_case_with_the_runtime_message(fixture_file):
    case = one_case(
        fixture_file,
        """\
  - name: too long
    given: {duration: 600 weeks}
    expect: {imaging: MRI}
""",
    )
    assert case.status == "error" and not case.passed
    assert case.result is None
    assert "duration" in case.error and "520" in case.error
    (problem,) = case.diagnostics
    assert problem.code == "bad-fact-range" and "520" in problem.message
    assert problem.message in case.error


def test_every_rejected_fact_is_its_own_diagnostic(fixture_file):
    case = one_case(
        fixture_file,
        """  - name: two bad facts
    given: {duration: 2 kg, side: middle}
    expect: {imaging: MRI}
""",
    )
    assert sorted(d.code for d in case.diagnostics) == ["bad-fact-option", "bad-fact-unit"]
    assert case.error.count("\n") == 1


def test_passing_and_failing_cases_have_no_diagnostics(fixture_file):
    passing = one_case(fixture_file, "  - {name: a, given: {back pain: no}, expect: {imaging: not applicable}}\n")
    failing = one_case(fixture_file, "  - {name: b, given: {back pain: no}, expect: {imaging: MRI}}\n")
    assert (passing.status, passing.diagnostics) == ("passed", ())
    assert (failing.status, failing.diagnostics) == ("failed", ())


def fixture_problems(fixture_file, case: str, head: str = HEAD):
    with pytest.raises(RulesError) as info:
        run_file(fixture_file(head + case))
    return info.value.diagnostics


def test_unknown_decision_is_a_fixture_error_with_a_suggestion(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: typo
    given: {duration: 2 weeks}
    expect: {imagin: MRI}
""",
    )
    assert d.code == "fixture-unknown-decision"
    assert d.message == 'in case "typo": the ruleset has no decision `imagin`'
    assert d.hint == "did you mean `imaging`?"
    assert (d.location.line, d.location.column) == (10, 14)


def test_unknown_option(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: typo
    expect: {imaging: MRl}
""",
    )
    assert d.code == "fixture-unknown-option"
    assert d.message == 'in case "typo": `MRl` is not an option of the decision `imaging`'
    assert d.hint == "did you mean `MRI`?"
    assert d.location.line == 9


def test_unknown_option_far_from_any_lists_them(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: far off
    expect: {imaging: CT}
""",
    )
    assert d.hint == "options: `no imaging`, `MRI`; or `undecided`, `conflict`, `not applicable`"


def test_unknown_option_in_an_any_of_list_points_at_the_item(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: typo
    expect:
      laboratory tests:
        - ESR test
        - CRP tset
""",
    )
    assert d.message == 'in case "typo": `CRP tset` is not an option of the decision `laboratory tests`'
    assert d.hint == "did you mean `CRP test` or `ESR test`?"
    assert d.location.line == 12


def test_expect_shape_must_fit_the_decision_kind(fixture_file):
    ds = fixture_problems(
        fixture_file,
        """\
  - name: shapes
    expect: {laboratory tests: ESR test, imaging: [MRI]}
""",
    )
    assert [d.code for d in ds] == ["fixture-expect-shape", "fixture-expect-shape"]
    assert ds[0].message == 'in case "shapes": `laboratory tests` is an `any of` decision: expect a list of options'
    assert ds[0].hint == "write [ESR test], or [] for none"
    assert ds[1].message == 'in case "shapes": `imaging` is a `one of` decision: expect one option, not a list'


def test_unknown_rule_in_fired(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: typo
    fired: [early cares]
""",
    )
    assert d.code == "fixture-unknown-rule"
    assert d.message == 'in case "typo": the ruleset has no rule `early cares`'
    assert d.hint == "did you mean `early care`?"
    assert d.location.line == 9


def test_unknown_inputs_in_given_needs_and_defaults(fixture_file):
    ds = fixture_problems(
        fixture_file,
        """\
  - name: typos
    given: {durration: 2 weeks, red flags: no}
    needs: [fevr]
""",
        head=HEAD.replace("  fever: no\n", "  fever: no\n  feverr: no\n"),
    )
    assert [(d.code, d.location.line) for d in ds] == [
        ("fixture-unknown-input", 5),
        ("fixture-unknown-input", 10),
        ("fixture-unknown-input", 10),
        ("fixture-unknown-input", 11),
    ]
    assert ds[0].message == "in `defaults`: the ruleset has no input `feverr`"
    assert ds[0].hint == "did you mean `fever`?"
    assert ds[1].message == 'in case "typos": the ruleset has no input `durration`'
    assert ds[2].message == 'in case "typos": `red flags` is a definition, not an input: the ruleset works it out'
    assert ds[3].message == 'in case "typos": the ruleset has no input `fevr`'


def test_duplicate_case_names(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        """\
  - name: same
    expect: {imaging: MRI}
  - name: Same
    expect: {imaging: MRI}
""",
    )
    assert d.code == "fixture-duplicate-case"
    assert d.message == 'two cases are named "Same"'
    assert d.location.line == 10


def test_missing_ruleset_file(fixture_file):
    (d,) = fixture_problems(
        fixture_file,
        "  - {name: a, expect: {imaging: MRI}}\n",
        head=HEAD.replace("imaging.rules", "nope.rules"),
    )
    assert d.code == "fixture-ruleset-missing"
    assert d.message.startswith("the ruleset `../rulesets/nope.rules` does not exist")
    assert d.location.line == 1


def test_broken_ruleset_reports_the_compiler_errors(fixture_file, project):
    (project / "rulesets" / "imaging.rules").write_text('ruleset "x"\ninput a: yes/no\nrule r: IF b THEN c\n')
    ds = fixture_problems(fixture_file, "  - {name: a, expect: {imaging: MRI}}\n")
    assert ds and all(d.file.endswith("imaging.rules") for d in ds)


def test_compiled_json_ruleset_and_json_fixture(project, fixture_file):
    compiled = project / "build" / "imaging.json"
    compiled.parent.mkdir()
    compiled.write_text(dumps(compile_file(project / "rulesets" / "imaging.rules")))
    path = fixture_file(
        json.dumps(
            {
                "ruleset": "../build/imaging.json",
                "defaults": {"back pain": True, "fever": False, "ESR": "10 mm/h"},
                "cases": [
                    {"name": "exact decimal", "given": {"duration": 5.99}, "expect": {"imaging": "no imaging"}},
                    {"name": "weeks", "given": {"duration": "6 weeks"}, "expect": {"imaging": "MRI"}},
                ],
            },
            indent=2,
        ),
        name="imaging.json",
    )
    run = run_file(path)
    assert [c.status for c in run.cases] == ["passed", "passed"]
    assert run.ruleset_path == project / "build" / "imaging.json"
    assert run.cases[1].line == path.read_text().splitlines().index("    {", 10) + 1


def test_bad_compiled_json_ruleset(project, fixture_file):
    (project / "rulesets" / "bad.json").write_text("{not json")
    with pytest.raises(RulesError) as info:
        run_file(fixture_file("ruleset: ../rulesets/bad.json\ncases: [{name: a, needs: []}]\n"))
    (d,) = info.value.diagnostics
    assert d.code == "ruleset-unreadable"
    assert d.message.startswith("the compiled ruleset is not valid JSON")


# --- discovery and sessions -----------------------------------------------------------


def test_discover_finds_fixtures_and_skips_other_files(project, fixture_file):
    a = fixture_file(HEAD + "  - {name: a, needs: []}\n", "a.yaml")
    b = fixture_file(HEAD + "  - {name: b, needs: []}\n", "sub/b.yml")
    fixture_file("name: a workflow\njobs: {}\n", "ci.yaml")
    fixture_file('{"format": "not a fixture"}', "other.json")
    broken = fixture_file("cases: [\n", "broken.yaml")
    assert discover([project / "fixtures"]) == [a, broken, b]


def test_discover_default_is_fixtures_dir(project, fixture_file, monkeypatch):
    fixture_file(HEAD + "  - {name: a, needs: []}\n", "a.yaml")
    monkeypatch.chdir(project)
    assert discover() == [Path("fixtures/a.yaml")]
    assert discover([]) == [Path("fixtures/a.yaml")]


def test_discover_missing_path(project, monkeypatch):
    monkeypatch.chdir(project)
    with pytest.raises(RulesError) as info:
        discover()
    (d,) = info.value.diagnostics
    assert d.code == "fixture-not-found"
    assert d.message == "no such file or directory: `fixtures`"
    assert "the default is `fixtures/`" in d.hint


def test_explicit_non_fixture_file_is_an_error(project, fixture_file):
    path = fixture_file("name: a workflow\n", "ci.yaml")
    session = run_paths([path])
    (file_run,) = session.files
    assert file_run.doc is None and file_run.cases == []
    assert file_run.error.diagnostics[0].code == "fixture-not-fixture"
    assert session.exit_code == 2


def test_session_counts_and_exit_codes(project, fixture_file):
    good = fixture_file(HEAD + "  - {name: a, given: {duration: 1 week}, expect: {imaging: no imaging}}\n", "good.yaml")
    bad = fixture_file(
        HEAD
        + "  - {name: a, given: {duration: 1 week}, expect: {imaging: MRI}}\n"
        + "  - {name: b, given: {duration: 999 weeks}, expect: {imaging: MRI}}\n",
        "bad.yaml",
    )
    broken = fixture_file("ruleset: ../rulesets/imaging.rules\ncases: [{name: a, expect: {nope: MRI}}]\n", "broken.yaml")
    assert run_paths([good]).exit_code == 0
    session = run_paths([good, bad])
    assert (session.total, session.passed, session.failed, session.errored) == (3, 1, 2, 1)
    assert session.exit_code == 1
    session = run_paths([good, bad, broken])
    assert session.exit_code == 2
    assert [f.path for f in session.file_errors] == [broken]


def test_a_ruleset_is_compiled_once_per_session(project, fixture_file):
    fixture_file(HEAD + "  - {name: a, needs: []}\n", "a.yaml")
    fixture_file(HEAD + "  - {name: b, needs: []}\n", "b.yaml")
    session = run_paths([project / "fixtures"])
    assert session.files[0].doc is session.files[1].doc
    assert session.files[0].ruleset is session.files[1].ruleset


def test_a_runtime_bug_is_an_error_case_not_a_crash(project, fixture_file):
    from dataclasses import replace

    from clinrules.testing import load_fixture, run_case

    class Broken:
        def evaluate(self, facts, *, explain=False):
            raise KeyError("oops")

    loaded = load_fixture(fixture_file(HEAD + "  - {name: a, expect: {imaging: MRI}}\n"))
    run = run_case(replace(loaded, ruleset=Broken()), loaded.fixture.cases[0])
    assert run.status == "error"
    assert run.error.startswith("internal error in the runtime (KeyError: 'oops')")
    (problem,) = run.diagnostics
    assert problem.code == "internal-error" and "KeyError: 'oops'" in problem.message
    assert problem.hint == "please report it with this case"


def test_the_same_name_twice_in_other_spelling(fixture_file):
    ds = fixture_problems(
        fixture_file,
        """\
  - name: twice
    given: {ESR: 10 mm/h, esr: 30 mm/h}
    expect: {imaging: MRI, Imaging: MRI}
""",
    )
    assert [(d.code, d.location.line) for d in ds] == [("fixture-duplicate-key", 9), ("fixture-duplicate-key", 10)]
    assert ds[0].message == 'in case "twice": `esr` names `ESR` again (names match whatever their case and spacing)'
    assert ds[1].message == 'in case "twice": `Imaging` names `imaging` again (names match whatever their case and spacing)'


def test_a_rules_file_given_as_fixture(project):
    session = run_paths([project / "rulesets" / "imaging.rules"])
    (d,) = session.files[0].error.diagnostics
    assert d.code == "fixture-not-fixture"
    assert d.message.endswith("is not a fixture file: fixture files end in .yaml, .yml or .json")
    assert session.exit_code == 2

"""The formatter: golden pairs (as OPA's `x.rego` / `x.rego.formatted`), idempotence,
comments kept, meaning kept, and the refusal when meaning would change."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.compiler import compile_source
from clinrules.dsl import ast, parse
from clinrules.dsl import layout as layout_module
from clinrules.dsl.format import format_source
from clinrules.dsl.parser import parse_with_comments
from clinrules.errors import RulesError

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
GOLDEN = sorted((HERE / "format").glob("*.rules"))
SHIPPED = sorted((ROOT / "rulesets").glob("*.rules")) + sorted((ROOT / "tests/conformance/rulesets").glob("*.rules"))


def _stripped(doc):
    if isinstance(doc, dict):
        return {k: (" ".join(v.split()) if k == "text" else _stripped(v))
                for k, v in doc.items() if k not in ("at", "source_sha256")}
    if isinstance(doc, list):
        return [_stripped(v) for v in doc]
    return doc


def same_meaning(a: str, b: str) -> bool:
    return _stripped(compile_source(a, "x.rules")) == _stripped(compile_source(b, "x.rules"))


# --- golden pairs ------------------------------------------------------------------


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_pair(path):
    expected = path.with_name(path.name + ".formatted").read_text(encoding="utf-8")
    source = path.read_text(encoding="utf-8")
    assert format_source(source, path.name) == expected
    assert same_meaning(source, expected)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_output_is_a_fixed_point(path):
    expected = path.with_name(path.name + ".formatted").read_text(encoding="utf-8")
    assert format_source(expected, path.name) == expected


def test_every_golden_input_has_its_formatted_pair():
    assert len(GOLDEN) >= 12
    for path in GOLDEN:
        assert path.with_name(path.name + ".formatted").is_file(), path


def _walk(node):
    yield node
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            yield from _walk(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _walk(item)


def _construct(node) -> str | None:
    """A label for each language construct the goldens must exercise."""
    kind = type(node).__name__
    if isinstance(node, ast.Not):
        return f"not:{node.form}"
    if isinstance(node, ast.Compare):
        return f"compare:{'words' if node.words else 'symbol'}"
    if isinstance(node, ast.IsOption):
        return f"is:{'not ' if node.negated else ''}{'one of' if node.one_of else 'option'}"
    if isinstance(node, ast.Presence):
        return f"presence:{node.known}"
    if isinstance(node, ast.Count):
        return f"count:{node.kind}"
    if isinstance(node, ast.Decision):
        return f"decision:{node.kind}:{node.policy}"
    if isinstance(node, ast.InputType):
        return f"type:{node.kind}:{'unit' if node.unit else 'plain'}:{'range' if node.low else 'open'}"
    if isinstance(node, ast.Rule):
        return f"rule:{'named' if node.name else 'bare'}:{'otherwise' if node.otherwise else 'if'}"
    if isinstance(node, ast.Action):
        return f"action:{'qualified' if node.decision else 'plain'}"
    if isinstance(node, ast.Name) and node.quoted:
        return "name:quoted"
    if isinstance(node, ast.Header):
        return f"header:{node.version is not None}:{node.scope is not None}"
    if isinstance(node, ast.Suppression):
        return "suppression"
    return kind


def test_goldens_cover_every_construct_of_the_language():
    seen = set()
    for path in GOLDEN:
        rules_file = parse(path.read_text(encoding="utf-8"), path.name)
        seen |= {_construct(n) for n in _walk(rules_file)}
    required = {
        "Source", "Code", "Define", "Score", "ScoreItem", "Because", "Citation", "Ref", "And", "Or", "Group",
        "Between", "not:not", "not:no", "compare:words", "compare:symbol", "is:option", "is:not option",
        "is:one of", "is:not one of", "presence:True", "presence:False", "count:any", "count:all",
        "count:none", "count:at least", "decision:one of:None", "decision:one of:priority",
        "decision:one of:first match", "decision:any of:None", "type:yes/no:plain:open",
        "type:number:plain:range", "type:number:unit:range", "type:number:unit:open", "type:one of:plain:open",
        "rule:named:if", "rule:bare:if", "rule:named:otherwise", "action:qualified", "action:plain",
        "name:quoted", "header:True:True", "header:False:False", "header:True:False", "suppression",
    }
    assert required <= seen, sorted(required - seen)


# --- layout details ------------------------------------------------------------------------

HEADER = 'ruleset "T"\n'


def fmt(body: str) -> str:
    return format_source(HEADER + body, "t.rules")


def test_keywords_take_one_case_and_names_keep_their_spelling():
    out = fmt("input Fever: YES/NO\ndecision Plan: ONE OF [Treat]\nif FEVER then TREAT\n")
    assert out == (HEADER + "\ninput Fever: yes/no\n\ndecision Plan: one of [Treat]\n\n"
                   "IF FEVER\n  THEN TREAT\n")


def test_a_code_written_under_its_declaration_stays_with_it():
    out = fmt("input fever: yes/no\ncode fever: SNOMED 386661006\ninput cough: yes/no\n")
    assert "input fever: yes/no\ncode fever: SNOMED 386661006\n\ninput cough: yes/no\n" in out


def test_the_editors_blank_lines_between_statements_of_one_kind_are_kept_once():
    out = fmt("input a: yes/no\n\n\n\ninput b: yes/no\ninput c: yes/no\n")
    assert "input a: yes/no\n\ninput b: yes/no\ninput c: yes/no\n" in out


def test_long_lists_go_one_item_per_line_short_ones_stay():
    short = fmt("input a: yes/no\ninput b: yes/no\ndefine x: any of [\n a,\n b\n]\n")
    assert "define x: any of [a, b]\n" in short
    names = ", ".join(f"finding number {i}" for i in range(1, 8))
    decls = "".join(f"input finding number {i}: yes/no\n" for i in range(1, 8))
    long = fmt(decls + f"define x: any of [{names}]\n")
    assert "define x: any of [\n  finding number 1,\n" in long
    assert "  finding number 7\n]\n" in long
    assert all(len(line) <= 88 for line in long.splitlines())


def test_parentheses_are_never_added_or_removed():
    out = fmt("input a: yes/no\ninput b: yes/no\ninput c: yes/no\n"
              "define p: ((a AND b)) OR c\ndefine q: a AND b OR c\ndefine r: NOT (a) AND (b)\n")
    assert "define p: ((a AND b)) OR c\n" in out
    assert "define q: a AND b OR c\n" in out
    assert "define r: NOT (a) AND (b)\n" in out


def test_values_and_units_stay_as_written():
    out = fmt("input d: number in weeks\ndefine x: d > 42days AND d<=+6 weeks AND d >= 1.50 months\n")
    assert "define x: d > 42 days AND d <= +6 weeks AND d >= 1.50 months\n" in out


def test_crlf_input_keeps_crlf_line_endings():
    path = HERE / "format" / "whole_example.rules"
    expected = path.with_name(path.name + ".formatted").read_text(encoding="utf-8")
    crlf = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    out = format_source(crlf, "whole_example.rules")
    assert out == expected.replace("\n", "\r\n")
    assert format_source(out, "whole_example.rules") == out


def test_a_byte_order_mark_is_kept():
    out = format_source("\ufeff" + HEADER + "input a:yes/no\n", "t.rules")
    assert out == "\ufeff" + HEADER + "\ninput a: yes/no\n"


def test_the_result_ends_with_exactly_one_line_break():
    assert fmt("input a: yes/no").endswith("yes/no\n")
    assert fmt("input a: yes/no\n\n\n").endswith("yes/no\n")


def test_a_string_over_several_lines_is_joined_without_changing_its_text():
    out = fmt('source 1: "Guideline,\n      2025"\n')
    assert 'source 1: "Guideline, 2025"\n' in out


# --- comments ----------------------------------------------------------------------------


def _comment_texts(text: str) -> list[str]:
    return [c.text for c in parse_with_comments(text, "t.rules")[1]]


@pytest.mark.parametrize("path", GOLDEN + SHIPPED, ids=lambda p: p.stem)
def test_every_comment_is_kept_in_order(path):
    source = path.read_text(encoding="utf-8")
    assert _comment_texts(format_source(source, path.name)) == _comment_texts(source)


def test_a_comment_stays_beside_the_words_it_followed():
    out = fmt("input a: yes/no\ninput b: yes/no\ndefine x: any of [a, # why a\n b]\n")
    assert "define x: any of [\n  a,  # why a\n  b\n]\n" in out


def test_an_own_line_comment_stays_above_the_words_it_preceded():
    out = fmt("input a: yes/no\ninput b: yes/no\ndecision d: one of [x]\n"
              "rule r: IF a\n  # b matters because...\n  AND b THEN x\n")
    assert "rule r:\n  IF a\n    # b matters because...\n    AND b\n  THEN x\n" in out


def test_lint_suppressions_stay_on_their_statements():
    source = (HEADER + "input a: yes/no # lint: allow unused-input -- kept for version 2\n"
              "decision d: one of [x, y]\n"
              "# lint: allow gap -- reviewed\n# plain comment\n"
              "rule r: IF a # lint: allow missing-because\n THEN x\n")
    out = format_source(source, "t.rules")
    before = [s.suppressions for s in parse(source, "t.rules").statements]
    after = [s.suppressions for s in parse(out, "t.rules").statements]
    assert [[(x.codes, x.reason) for x in s] for s in before] == [[(x.codes, x.reason) for x in s] for s in after]
    assert "rule r:\n  IF a  # lint: allow missing-because\n  THEN x\n" in out


def test_two_comments_for_one_line_keep_their_order():
    out = fmt('source 1: "a" # first\n # second\n')
    # both follow the only line of the statement: the first goes above it.
    assert _comment_texts(out) == ["# first", "# second"]
    assert fmt(out.removeprefix(HEADER).lstrip("\n")) == out


# --- errors and safety ----------------------------------------------------------------------


def test_a_syntax_error_is_the_parsers_error_not_a_formatting():
    with pytest.raises(RulesError) as info:
        format_source(HEADER + "input a yes/no\n", "bad.rules")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code != "format-unsafe"
    assert (diagnostic.file, diagnostic.location.line) == ("bad.rules", 2)


def test_a_file_with_semantic_errors_is_formatted_and_keeps_them():
    source = HEADER + "input a: yes/no\ndefine x:   undeclared thing\n"
    out = format_source(source, "t.rules")
    assert "define x: undeclared thing\n" in out
    with pytest.raises(RulesError) as info:
        compile_source(out, "t.rules")
    assert [d.code for d in info.value.diagnostics] == ["undeclared-name"]


def test_a_layout_that_changes_the_meaning_is_refused(monkeypatch):
    # Simulate a formatter bug: `none of` written as `any of`.
    original = layout_module.Layout._count_head
    monkeypatch.setattr(layout_module.Layout, "_count_head",
                        staticmethod(lambda c: original(c).replace("none of", "any of")))
    with pytest.raises(RulesError) as info:
        fmt("input a: yes/no\ndefine x: none of [a]\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "format-unsafe"
    assert "never change what a ruleset means" in diagnostic.message
    assert diagnostic.location.line == 3  # the statement that would change


def test_a_lost_comment_is_refused(monkeypatch):
    from clinrules.dsl import format as format_module

    real = format_module._Formatter._region

    def forgetful(self, after_line, before_line):
        items, before, after = real(self, after_line, before_line)
        return [i for i in items if "keep me" not in i], before, after

    monkeypatch.setattr(format_module._Formatter, "_region", forgetful)
    with pytest.raises(RulesError) as info:
        fmt("# keep me\ninput a: yes/no\n")
    assert info.value.diagnostics[0].code == "format-unsafe"
    assert "comment" in info.value.diagnostics[0].message


# --- idempotence and meaning over real rulesets ----------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_real_rulesets_format_idempotently_and_keep_their_meaning(path):
    source = path.read_text(encoding="utf-8")
    once = format_source(source, path.name)
    assert format_source(once, path.name) == once
    assert same_meaning(source, once)
    assert all(len(line) <= 88 or "BECAUSE" in line or "source" in line for line in once.splitlines())


# --- property: mutated but valid sources --------------------------------------------------------

_TOKEN = re.compile(r'(?:"(?:[^"\\]|\\.)*"|“[^”]*”|[^\s"“])+')
_BASES = [p.with_name(p.name + ".formatted").read_text(encoding="utf-8") for p in GOLDEN if p.stem != "comments"]


def _tokens(text: str) -> list[str]:
    tokens = []
    for line in text.splitlines():
        tokens += _TOKEN.findall(line.split(" #")[0] if not line.lstrip().startswith("#") else "")
    return tokens


_SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n    ", "\t", " # note\n", "\n\n", " # lint-free comment\n  "])
_CASE = st.sampled_from(["same", "upper", "lower", "title"])
# Keywords are case-insensitive; units and codes are not, so only keywords change case.
_KEYWORDS = frozenset(
    "ruleset version applies when source input define decision code rule if then because otherwise and or "
    "not no is between at least most more less than missing known one of any all none with priority first "
    "match number in from to score yes/no".split()
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_formatting_mutated_sources_keeps_meaning_and_is_idempotent(data):
    base = data.draw(st.sampled_from(_BASES), label="base")
    tokens = _tokens(base)
    out = [tokens[0]]
    for token in tokens[1:]:
        case = data.draw(_CASE)
        if case != "same" and token.lower() in _KEYWORDS:
            token = getattr(token, case)()
        out += [data.draw(_SEPARATORS), token]
    source = "".join(out) + "\n"
    formatted = format_source(source, "x.rules")
    assert same_meaning(source, formatted)
    assert format_source(formatted, "x.rules") == formatted
    assert _comment_texts(formatted) == _comment_texts(source)


def test_a_layout_crash_is_a_diagnostic_not_a_traceback(monkeypatch):
    def broken(self, s):
        raise ValueError("boom")

    monkeypatch.setattr(layout_module.Layout, "statement", broken)
    with pytest.raises(RulesError) as info:
        fmt("input a: yes/no\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "internal-error"
    assert "ValueError: boom" in diagnostic.message

"""The fast reader (clinrules/dsl/fastread.py) reads every text as Lark does.

Lark is the definition of the language; the hand-written reader may only
read faster. For every text tried here, either the reader gives up (and Lark
reads the text, errors included), or it returns exactly the tree and the
comments Lark returns, positions included. Texts tried: every `.rules` file
of the repository, every string in the test suite (as a file and as a body
under a header), every keyword put in every word slot of the shipped
rulesets, mutated texts, and a large generated table; under both Lark
engines (lark-cython and pure Lark).
"""

from __future__ import annotations

import ast as pyast
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from clinrules.compiler import compile_source
from clinrules.dsl import fastread, parser
from clinrules.dsl.parser import parse_with_comments
from clinrules.errors import RulesError
from dsl_helpers import HEADER, mutated, tokens_of

ROOT = Path(__file__).resolve().parents[2]
RULES_FILES = sorted(p for p in ROOT.rglob("*.rules") if ".venv" not in p.parts)
EXAMPLE = (ROOT / "tests" / "dsl" / "data" / "cervicogenic-upper-back-pain.rules").read_text("utf-8")
EXTRA = (
    'define s: score of [fever: 1, ESR > 20 mm/h: -1.5,] # lint: allow unused-definition -- x\n'
    'decision tests: any of [ESR test, "CRP (mg/L)"]\n'
    'decision plan: one of [a, b] with first match\n'
    'input glucose: number in mmol/L from 0 to 50, molar mass 180.16 g/mol, typical 5\n'
    'code "x ray": "SNOMED CT" "123"\n'
    'rule d: OTHERWISE imaging: no imaging BECAUSE [1, 2,]\n'
    'IF (side is not left OR side is one of [right,]) AND at least 2 of [fever, ESR is missing,] '
    'AND duration between 2 and 6 weeks AND first known of [ESR, CRP] is at most 5 '
    'AND any bleeding AND at risk is not known AND NOT no fever AND side is at risk '
    'THEN ESR test, "CRP (mg/L)" AND radiograph\n'
)
SOURCE = EXAMPLE + EXTRA
# every statement form, small enough to put every keyword in every word slot
SLOTS_TEXT = ('ruleset "x" version 1.2 applies when a\n' + EXTRA
              + 'input a: number in mg/L from 0 to 9 typical 2\nIF a is at least 2 AND no b THEN x\n')
TOKENS = tokens_of(SOURCE)
SPARE = ["IF", "THEN", "AND", "OR", "NOT", "no", "is", "[", "]", "(", ")", ":", ",", '"', "6", "weeks",
         "rule", "define", "between", "at least", "of", "\n", "# lint: allow gap -- x", "-", "°C", "\t",
         "any", "at", "first known of [a]", "one of", "with priority", "score", "typical", "to", "1.5",
         "ſource", "Kode", "yes/no", "mg/L", "\u00a0", "“q”", "because"]
KEYWORDS = sorted(fastread._KEYWORDS)


def _reference(text: str, monkeypatch, pure: bool):
    """What Lark alone makes of `text`: (tree, comments), or the diagnostics."""
    with monkeypatch.context() as m:
        m.setenv("CLINRULES_FAST_READER", "0")
        if pure:
            m.setenv("CLINRULES_PURE_LARK", "1")
        try:
            return parse_with_comments(text, "x.rules")
        except RulesError as exc:
            return ("error", exc.diagnostics)


def _lark_read(source: str, monkeypatch, pure: bool):
    with monkeypatch.context() as m:
        if pure:
            m.setenv("CLINRULES_PURE_LARK", "1")
        else:
            m.delenv("CLINRULES_PURE_LARK", raising=False)
        return parser._lark_read(source, "x.rules")


def _token(t) -> tuple:
    return (t.type, t.value, t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos)


def _fast(text: str, monkeypatch):
    with monkeypatch.context() as m:
        m.delenv("CLINRULES_FAST_READER", raising=False)
        assert parser.fast_reader()
        try:
            return parse_with_comments(text, "x.rules")
        except RulesError as exc:
            return ("error", exc.diagnostics)


def _check(text: str, monkeypatch, pure: bool = True, always: bool = True) -> bool:
    """Assert the reader agrees with Lark on `text`; True if the reader read it itself.

    When the reader gives up, `parse` is Lark's by construction (the same
    call), so `always=False` compares whole outcomes only when it did not.
    """
    source = text[1:] if text.startswith("\ufeff") else text
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    try:
        header, statements, comments = fastread.read(source)
        read_itself = True
    except Exception:  # noqa: BLE001 - giving up is always allowed
        read_itself = False
    if read_itself:  # before any later check: exactly Lark's reading
        try:
            lark_header, lark_statements, lark_comments = _lark_read(source, monkeypatch, pure)
        except RulesError as exc:
            raise AssertionError(f"the reader read a text Lark rejects: {exc}") from None
        assert (header, statements) == (lark_header, lark_statements)
        assert [_token(c) for c in comments] == [_token(c) for c in lark_comments]
    if read_itself or always:
        assert _fast(text, monkeypatch) == _reference(text, monkeypatch, pure)
    return read_itself


def test_the_reader_is_on_for_the_shipped_grammar():
    # Failing here means rules.lark changed: mirror the change in fastread.py,
    # run these tests, then record the new grammar's sha256 as GRAMMAR_SHA256.
    assert fastread.enabled()
    assert parser.fast_reader()


def test_the_reader_knows_every_keyword_of_the_grammar():
    keywords = re.findall(r"^([A-Z_]+)\.2:", parser.grammar_text(), re.M)
    assert sorted(keywords) == sorted(fastread._KEYWORDS.values())


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("pure", [True, False], ids=["lark", "lark-cython"])
def test_every_rules_file_reads_the_same(path, pure, monkeypatch):
    if not pure:
        pytest.importorskip("lark_cython")
    text = path.read_text("utf-8")
    read_itself = _check(text, monkeypatch, pure)
    if _reference(text, monkeypatch, True)[0] != "error":
        assert read_itself, "a well-formed shipped file should not need Lark"


def _test_strings() -> list[str]:
    found = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        try:
            tree = pyast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in pyast.walk(tree):
            if isinstance(node, pyast.Constant) and isinstance(node.value, str) and len(node.value) < 5000:
                text = node.value
                if re.search(r"\b(?:ruleset|input|define|decision|rule|IF|code|source)\b", text, re.I):
                    found.add(text)
    return sorted(found)


def test_every_snippet_of_the_test_suite_reads_the_same(monkeypatch):
    strings = _test_strings()
    assert len(strings) > 200
    read = 0
    for text in strings:
        for candidate in (text, HEADER + text):
            read += _check(candidate, monkeypatch, parser.engine() == "lark", always=False)
    assert read > 100  # the reader does read most well-formed snippets itself


def _word_slots(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\W\d_][\w'’/-]*", text)]


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_each_keyword_in_each_word_slot_reads_the_same(keyword, monkeypatch):
    """The contextual lexer's choices: a keyword where a word stands."""
    text = SLOTS_TEXT
    slots = _word_slots(text)
    spellings = [keyword, keyword.upper(), keyword.title()]
    engine_pure = parser.engine() == "lark"  # the other engine is proven equal elsewhere
    for i, (start, end) in enumerate(slots):
        spelled = spellings[i % len(spellings)]
        _check(text[:start] + spelled + text[end:], monkeypatch, engine_pure, always=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(mutated(TOKENS, SPARE))
def test_mutated_texts_read_the_same(monkeypatch, text):
    _check(text, monkeypatch, parser.engine() == "lark", always=False)


def test_a_large_generated_table_reads_and_compiles_the_same(monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import compile as compile_bench
        import table
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for text in (table.generate(rules=200), compile_bench.generate(200)):
        assert _check(text, monkeypatch)
        with monkeypatch.context() as m:
            m.setenv("CLINRULES_FAST_READER", "0")
            reference = compile_source(text, "x.rules")
        assert compile_source(text, "x.rules") == reference


def test_positions_over_several_lines_and_comments(monkeypatch):
    text = ('# heading\nruleset "x"  # title\n  version "1.0"\ninput a: yes/no\n'
            'input b: number in mg/L\n  from 0\n  to 10 # range\n'
            'decision d: one of [p,\n  "q\n   r"]\n'
            'rule r:\n  IF a\n  AND\n  b >\n  5\n  mg/L # x\n  THEN p\n  BECAUSE "long\n  reason"\n  [1]\n'
            'IF\n  any\n  bleeding\n  THEN\n  "q r"\n')
    assert _check(text, monkeypatch)


def test_the_reader_gives_up_on_what_it_is_not_sure_of():
    # a unit spelled like a keyword is Lark's to read (the reader is not certain)
    with pytest.raises(fastread.Bail):
        fastread.read('ruleset "x"\ninput a: number\nIF a > 5 in THEN b\n')
    with pytest.raises(fastread.Bail):  # a syntax error: Lark tells it
        fastread.read('ruleset "x"\nIF THEN x\n')


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("CLINRULES_FAST_READER", "0")
    assert not parser.fast_reader()
    monkeypatch.setenv("CLINRULES_FAST_READER", "1")
    assert parser.fast_reader() == fastread.enabled()


# The one-match paths (`_NAMED_CONDITION`, `_RULE_HEAD`, `_BECAUSE_TAIL`): what
# they read, and near misses they must leave to the step-by-step reading.
ONE_MATCH = [
    'rule cell 0: IF a >= 12 mg/L AND b < 3 THEN x BECAUSE "c" [1]\n',
    'RULE Cell 12abc: If a>=12mg/L and b<3 then x because "c" [ 1 , 2 ]\n',
    "rule r: ıf a > 1 THEN x\n",
    "rule r: İF a > 1 THEN x\n",
    "rule r # c\n: IF a > 1 THEN x\n",
    "rule r: # c\n IF a > 1 THEN x\n",
    'rule r:\n  IF\n  heart\n  rate\n  >=\n  12\n  /min\n  THEN x\n  BECAUSE\n  "a\n  b"\n  [\n1\n,\n2\n]\n',
    "rule r: IF a > 5 # c\n mg/L THEN x\n",
    "rule r: IF a # c\n > 5 THEN x\n",
    "rule r: IF a > 5 in THEN x\n",
    'rule r: IF a ≥ +5 AND b == 2 AND c ≠ 3 AND d ≤ .5 THEN x BECAUSE "q" [1,]\n',
    "rule r: IF a > 5 weeks OR b THEN x because “smart” [3]\n",
    "rule r: IF a > 1e4 THEN x\n",
    "rule r: IF a 2 b > 5 AND c's-d/e > 1 THEN x\n",
    "rule r: IF not a > 5 AND no b AND (c > 1) THEN x\n",
    "rule r: IF a is at least 5 AND a between 1 and 2 AND a is not b THEN x\n",
    "rule r: IF a > 5 and THEN x\n",
    "rule r: IF a >= THEN x\n",
    "rule r: IF a > ( THEN x\n",
    'rule r: IF a > 5 mg/L because "x" [1]\n',
    "rule any: IF a > 1 THEN x\n",
    "rule at risk: IF a > 1 THEN x\n",
    '"rule" r: IF a > 1 THEN x\n',
    "rule r: OTHERWISE x\n",
    "rule because: IF a THEN x\n",
    "rule r: IF a > 1 THEN x BECAUSE \"a\" [1] [2]\n",
    "rule r: IF a > 1 THEN x BECAUSE \"a\" [1.5]\n",
    'rule r: IF a > 1 THEN x BECAUSE "a \\" b" [1] # c\n',
    'rule r: IF a > 1 THEN x BECAUSE "a" # c\n [1]\n',
    "rule r: IF ſide > 1 AND ſ > 2 THEN x\n",
    "rule r: IF a > 1 Kg THEN x\n",
    "rule r: IF a is > 1 THEN x\n",
    "rule r: IF a.b > 1 THEN x\n",
    "rule r: IF a == 1 and b OR c > 2 mm[Hg] THEN x\n",
    "rule r: IF (a) AND any of [b, c,] AND d OR e THEN x\n",
    "rule r: IF a ANDy b Or c\n  and d then x\n",
    "rule r: IF a ᴀnd b THEN x\n",
    "rule r: IF a and\n",
]


@pytest.mark.parametrize("text", ONE_MATCH)
def test_the_one_match_paths_read_the_same(text, monkeypatch):
    _check(HEADER + "input a: number\n" + text, monkeypatch)
    _check(HEADER + text, monkeypatch)


def _nested(shape: str, depth: int) -> str:
    if shape == "parens":
        return "(" * depth + "a" + ")" * depth
    if shape == "not":
        return "NOT " * depth + "a > 1"
    if shape == "any of":
        return "any of [" * depth + "a, b" + "]" * depth
    if shape == "mixed":
        return "(b OR NOT " * depth + "no a" + ")" * depth
    return "(b AND " * depth + "c" + ")" * depth


@pytest.mark.parametrize("shape", ["parens", "not", "any of", "mixed", "and"])
def test_conditions_near_the_reader_s_depth_read_and_fail_the_same(shape, monkeypatch):
    """The reader reads conditions up to `_LEVELS` deep and leaves deeper ones,
    and the parser's nesting check with them, to Lark."""
    for depth in (1, fastread._LEVELS - 1, fastread._LEVELS, fastread._LEVELS + 1, 40, 99, 100, 101):
        _check(f"{HEADER}IF {_nested(shape, depth)} THEN x\n", monkeypatch, parser.engine() == "lark")


def test_nodes_made_without_their_init_hold_every_field():
    """The reader fills some nodes' `__dict__` directly (`fastread._make`): each
    holds exactly its dataclass fields (a Name also its cached `key`)."""
    import dataclasses

    header, statements, _ = fastread.read(SOURCE)
    seen = set()
    stack = [header, *statements]
    while stack:
        node = stack.pop()
        if isinstance(node, (tuple, list)):
            stack.extend(node)
            continue
        if not dataclasses.is_dataclass(node):
            continue
        seen.add(type(node).__name__)
        names = {f.name for f in dataclasses.fields(node)}
        assert set(vars(node)) - {"key"} == names, type(node).__name__
        stack.extend(getattr(node, name) for name in names)
    assert {"Rule", "Action", "Because", "Citation", "And", "Or", "Not", "Ref", "Group", "Count",
            "Between", "Compare", "Name", "Value"} <= seen


def test_the_one_match_regexes_agree_with_the_steps_on_random_text():
    """`_NAMED_CONDITION` and `_RULE_HEAD` against the step-by-step regexes they
    stand for, on random runs of keywords (in every case), words, numbers, units,
    operators and letters that fold onto ASCII ones."""
    import random

    pieces = [*KEYWORDS, *(k.upper() for k in KEYWORDS), "ſ", "K", "ı", "İ", "a", "b1", "12", "3.5", "+4",
              ".5", "mg/L", "/min", "mm[Hg]", "\n", "-", "'", "é", "#", ",", "[", "]", "(", ")", ">", ">=",
              "≥", "==", "!=", "Kg", "µg", "1e4", "ıf", "anḍ"]
    rng = random.Random(7)

    def after_blanks(s, pos):
        m = fastread._WS(s, pos)
        return m.end() if m else pos

    def text():
        return "".join(rng.choice(pieces) + rng.choice(["", " ", " "]) for _ in range(rng.randrange(1, 7)))

    def keyword(word):
        try:
            return fastread._keyword(word)
        except fastread.Bail:  # spelled like a keyword in other letters
            return "?"

    for _ in range(20000):
        s = text()
        m = fastread._NAMED_CONDITION(s, 0)
        first = fastread._PURE_FIRST(s, 0)
        if first is None or keyword(first.group()) in ("NOT", "NO"):
            assert m is None, s
            continue
        end = fastread._NAME_REST(s, first.end()).end()
        assert m.span(1) == (0, end), s
        op = fastread._CMP(s, after_blanks(s, end))
        value = op and fastread._VALUE_RE(s, after_blanks(s, op.end()))
        if value:
            assert (m.group(2), m.span(3), m.span(4)) == (op.group(), value.span(1), value.span(2)), s
        else:
            assert m.group(2) is None, s
            if m.group(5) is not None:  # a Ref for `comparison`: not compared, no `is`, no `between`
                after = after_blanks(s, end)
                word = fastread._WORD(s, after)
                assert s[after:after + 1] in (",", "]", ")") or keyword(word.group()) in ("AND", "OR", "THEN")

        head = "rule " + s + rng.choice([":", " :", ""]) + rng.choice([" IF", " if x", " ıf x", " If(", " OTHERWISE"])
        m = fastread._RULE_HEAD(head, 0)
        name = fastread._PURE_FIRST(head, 5)
        expect = None
        if name:
            end = fastread._NAME_REST(head, name.end()).end()
            colon = after_blanks(head, end)
            word = head.startswith(":", colon) and fastread._WORD(head, after_blanks(head, colon + 1))
            if word and keyword(word.group()) == "IF":
                expect = ((5, end), after_blanks(head, word.end()))
        assert (m and (m.span(2), m.end())) == expect, head

"""Lark's parse failures, told in the editor's words.

Lark says "Unexpected token Token('WORD', 'weeks'), expected NUMBER"; an
editor needs "a quantity needs a number before its unit" with the line, the
column and a caret. Two sources of wording, tried in order:

1. `UnexpectedInput.match_examples` against a table of known bad snippets:
   an error in the same parser state (and with the same acceptable next
   words) as one of them gets that snippet's message.
2. A fallback that reads the parser's stack (what statement we are in, what
   came just before) and the set of words it could accept next.

Positions are the offending token's; at the end of the file, just after the
last thing written.
"""

from __future__ import annotations

import difflib
import re

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from clinrules.dsl import ast
from clinrules.errors import Diagnostic, Location, RulesError

_STATEMENT_KEYWORDS = ("RULE", "IF", "DEFINE", "INPUT", "DECISION", "CODE", "SOURCE")
_STATEMENT_TYPES = frozenset(_STATEMENT_KEYWORDS) | {"RULESET"}
_CONDITION_START = frozenset({"NOT", "NO", "ANY", "ALL", "NONE", "AT", "LPAR"})
# Acceptable only where a condition starts: `any`, `all`, `none`, `at` may
# also start a name (`at risk of falls`), so they do not tell the two apart.
_CONDITION_ONLY = frozenset({"NOT", "NO", "LPAR"})
_SHOWN_UPPER = frozenset({"IF", "THEN", "AND", "OR", "NOT", "BECAUSE", "OTHERWISE"})

_TERMINAL_WORDS = {
    "WORD": "a name",
    "STRING": "a text in double quotes",
    "INT": "a whole number",
    "NUMBER": "a number",
    "UNIT": "a unit",
    "VERSION": "a version number such as `1.0.0`",
    "CODE_VALUE": "the code value",
    "CMP": "a comparison such as `>`",
    "COLON": "`:`",
    "COMMA": "`,`",
    "MOLAR": "`molar mass`",
    "MOLAR_OPTION": "`, molar mass M g/mol`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "YESNO": "`yes/no`",
    "NUMBER_KW": "`number`",
    "VERSION_KW": "`version`",
    "$END": "the end of the file",
}

_KEYWORDS = {
    "RULESET": "ruleset", "VERSION_KW": "version", "APPLIES": "applies", "WHEN": "when",
    "SOURCE": "source", "INPUT": "input", "DEFINE": "define", "DECISION": "decision",
    "CODE": "code", "RULE": "rule", "IF": "IF", "THEN": "THEN", "BECAUSE": "BECAUSE",
    "OTHERWISE": "OTHERWISE", "AND": "AND", "OR": "OR", "NOT": "NOT", "NO": "no", "IS": "is",
    "BETWEEN": "between", "AT": "at", "LEAST": "least", "MOST": "most", "MORE": "more",
    "LESS": "less", "THAN": "than", "MISSING": "missing", "KNOWN": "known", "ONE": "one",
    "OF": "of", "ANY": "any", "ALL": "all", "NONE": "none", "WITH": "with",
    "PRIORITY": "priority", "FIRST": "first", "MATCH": "match", "NUMBER_KW": "number",
    "IN": "in", "FROM": "from", "TO": "to", "TYPICAL": "typical", "SCORE": "score", "YESNO": "yes/no",
    "MASS": "mass",
}

# Spellings an editor would recognise as units (for "a quantity needs a number").
_UNIT_WORDS = frozenset(
    """s sec second seconds min mins minute minutes h hr hrs hour hours d day days wk wks week
    weeks mo mos month months a y yr yrs year years mmhg kg g mg mcg ug l ml dl cm mm m km
    cel degc degrees mmol umol iu u bpm""".split()
)

_SURROGATES = re.compile("[\ud800-\udfff]")

_EXAMPLE_HEADER = 'ruleset "t"\n'
_EXAMPLES: list[tuple[str, list[str]]] = [
    ("title", ["ruleset", "ruleset x", "ruleset 1"]),
    ("version", ['ruleset "t" version', 'ruleset "t" version x']),
    ("applies", ['ruleset "t" applies', 'ruleset "t" applies x']),
    ("source-number", [_EXAMPLE_HEADER + "source", _EXAMPLE_HEADER + "source x"]),
    ("source-citation", [_EXAMPLE_HEADER + "source 1:", _EXAMPLE_HEADER + "source 1: x"]),
    ("input-type", [_EXAMPLE_HEADER + "input x:", _EXAMPLE_HEADER + "input x: y"]),
    ("number-in", [_EXAMPLE_HEADER + "input x: number in"]),
    ("decision-kind", [_EXAMPLE_HEADER + "decision x:", _EXAMPLE_HEADER + "decision x: y"]),
    ("policy-with", [_EXAMPLE_HEADER + "decision d: one of [a] with", _EXAMPLE_HEADER + "decision d: one of [a] with x"]),
    ("policy-first", [_EXAMPLE_HEADER + "decision d: one of [a] first", _EXAMPLE_HEADER + "decision d: one of [a] first x"]),
    ("code-system", [_EXAMPLE_HEADER + "code x:", _EXAMPLE_HEADER + "code x: 1"]),
    ("code-value", [_EXAMPLE_HEADER + "code x: CPT"]),
    ("rule-body", [_EXAMPLE_HEADER + "rule x:", _EXAMPLE_HEADER + "rule x: y"]),
    ("because-text", [_EXAMPLE_HEADER + "IF a THEN b BECAUSE", _EXAMPLE_HEADER + "IF a THEN b BECAUSE x"]),
    ("is-at", [_EXAMPLE_HEADER + "define x: a is at", _EXAMPLE_HEADER + "define x: a is at 5"]),
    ("count-at", [_EXAMPLE_HEADER + "define x: at", _EXAMPLE_HEADER + "define x: at 5"]),
    ("count-k", [_EXAMPLE_HEADER + "define x: at least", _EXAMPLE_HEADER + "define x: at least x"]),
    ("than", [_EXAMPLE_HEADER + "define x: a is more", _EXAMPLE_HEADER + "define x: a is less",
              _EXAMPLE_HEADER + "define x: a is more 5"]),
    ("score-points", [_EXAMPLE_HEADER + "define x: score of [a:", _EXAMPLE_HEADER + "define x: score of [a: x"]),
    ("count-of", [_EXAMPLE_HEADER + "define x: any", _EXAMPLE_HEADER + "define x: all",
                  _EXAMPLE_HEADER + "define x: none", _EXAMPLE_HEADER + "define x: at least 2"]),
]

_TEMPLATES = {
    "title": 'expected the title in double quotes after `ruleset`, as in `ruleset "Low back pain imaging"`',
    "version": "expected a version number such as `1.0.0` after `version`",
    "applies": "expected `when` after `applies`",
    "source-number": 'expected the source number after `source`, as in `source 1: "Citation"`',
    "source-citation": "expected the citation in double quotes after `{context}:`",
    "input-type": "expected the type of input `{name}` after `:`: `yes/no`, `number`, `number in UNIT` or `one of [...]`",
    "number-in": "expected a unit after `number in`, such as `weeks` or `mm/h`",
    "decision-kind": "expected `one of [...]` or `any of [...]` after `decision {name}:`",
    "policy-with": "expected `priority` or `first match` after `with`",
    "policy-first": "expected `match` after `first`",
    "code-system": "expected the code system and value after `code {name}:`, such as `CPT 72141`",
    "code-value": "expected the code value after `{prev}`, such as `72141`",
    "rule-body": "expected `IF` or `OTHERWISE` after `rule {name}:`",
    "because-text": "expected the reason in double quotes after `BECAUSE`",
    "is-at": "expected `least` or `most` after `is at`",
    "count-at": "expected `least` after `at`, as in `at least 2 of [...]`",
    "count-k": "expected how many, as a whole number, after `at least`, as in `at least 2 of [...]`",
    "than": "expected `than` after `{prev}`",
    "score-points": "expected the points (a number) after `:` in the score",
    "count-of": "expected `of [` after `{prev}`",
}


def _diagnostic(code, message, path, source, line, column, end_line=None, end_column=None, hint=None):
    lines = source.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    if source_line is not None:
        source_line = _SURROGATES.sub("\ufffd", source_line)  # printable whatever the file held
    if end_line is None:
        end_line, end_column = line, column
    return Diagnostic(code, message, file=path, location=Location(line, column, end_line, end_column),
                      hint=hint, source_line=source_line)


def empty_file_error(path: str) -> RulesError:
    return RulesError([Diagnostic(
        "missing-header",
        'the file has no rules: a rules file starts with `ruleset "TITLE"`',
        file=path, location=Location(1, 1, 1, 1),
        hint='start the file with a header such as `ruleset "Low back pain imaging" version 1.0.0`',
    )])


def internal_error(path: str, exc: BaseException) -> RulesError:
    return RulesError([Diagnostic(
        "internal-error",
        f"clinrules could not read this file because of an internal error ({type(exc).__name__}: {exc})",
        file=path, hint="please report this file to the clinrules maintainers",
    )])


def build_error(exc, source: str, path: str) -> RulesError:
    """A BuildError from the tree builder; a missing name gets its wording here."""
    tok = exc.token
    message = exc.message
    if not message:  # a name that starts with and/or/then/because
        word = tok.value
        prev, prev_start = _previous_word(source, tok.start_pos)
        before, _ = _previous_word(source, prev_start)
        if prev.casefold() == "is" or (prev.casefold() == "not" and before.casefold() == "is"):
            shown = "is" if prev.casefold() == "is" else f"{before} {prev}"
            message = f"expected an option after `{shown}`, found `{word}`"
        elif prev.casefold() in {"if", "and", "or", "not", "when", "("}:
            message = f"expected a condition after `{prev}`, found `{word}`"
        elif prev.casefold() in {"then", ",", "otherwise"}:
            message = f"expected an option after `{prev}`, found `{word}`"
        else:
            message = f"expected a name before `{word}`"
    end_line = getattr(tok, "end_line", None)
    end_column = getattr(tok, "end_column", None)
    return RulesError([_diagnostic(exc.code, message, path, source, tok.line, tok.column,
                                   end_line, end_column, exc.hint)])


def _previous_word(source: str, pos: int) -> tuple[str, int]:
    """The word (or punctuation mark) written before `pos`, and where it starts."""
    offset = max(0, pos - 200)
    before = source[offset:pos].rstrip()
    match = re.search(r"([^\W\d_][\w'/-]*|\S)$", before)
    return (match.group(1), offset + match.start(1)) if match else ("", offset)


def from_lark_error(exc, source: str, path: str, lark) -> RulesError:
    if isinstance(exc, UnexpectedCharacters):
        return RulesError([_unexpected_character(exc, source, path)])
    if isinstance(exc, UnexpectedToken):
        return RulesError([_unexpected_token(exc, source, path, lark)])
    if isinstance(exc, UnexpectedInput):  # UnexpectedEOF: not raised by LALR, kept for safety
        line = getattr(exc, "line", 1) or 1
        column = getattr(exc, "column", 1) or 1
        return RulesError([_diagnostic("syntax-error", "the file ends too early", path, source, line, column)])
    return internal_error(path, exc)


def bad_character_error(source: str, path: str, pos: int) -> RulesError:
    line = source.count("\n", 0, pos) + 1
    column = pos - (source.rfind("\n", 0, pos) + 1) + 1
    fake = UnexpectedCharacters(source, pos, line, column)
    return RulesError([_unexpected_character(fake, source, path)])


def _unexpected_character(exc: UnexpectedCharacters, source: str, path: str) -> Diagnostic:
    char = exc.char
    line, column = exc.line, exc.column
    if char in '"“':
        closing = "”" if char == "“" else '"'
        return _diagnostic(
            "unterminated-string", f"this text has no closing `{closing}`", path, source, line, column,
            line, column + 1, hint=f"add `{closing}` at the end of the text",
        )
    if not char.isprintable() or char in "\ufffd\ufeff":
        shown = f"U+{ord(char):04X}"
        if "\ud800" <= char <= "\udfff":
            return _diagnostic(
                "not-utf8", "the file holds bytes that are not UTF-8 text", path, source, line, column,
                line, column + 1, hint="save the file as UTF-8")
        return _diagnostic(
            "unexpected-character",
            f"the file contains a character that cannot appear in rules ({shown}); is it a text file?",
            path, source, line, column, line, column + 1,
            hint="save the file as plain UTF-8 text",
        )
    pos = exc.pos_in_stream
    written = source[pos - 1:pos + 1] if pos > 0 else ""
    if written in _SWAPPED_COMPARISONS:
        meant = _SWAPPED_COMPARISONS[written]
        return _diagnostic(
            "syntax-error", f"`{written}` is not a comparison; did you mean `{meant}`?", path, source,
            line, column - 1, line, column + 1, hint=f"write `{meant}`",
        )
    return _diagnostic(
        "unexpected-character", f"`{char}` cannot appear here", path, source, line, column, line, column + 1,
        hint='put names that hold unusual characters in double quotes, e.g. "CRP (mg/L)"',
    )


# Comparisons written the other way round, as editors do: `=>` for `>=`.
_SWAPPED_COMPARISONS = {"=>": ">=", "=<": "<=", "<>": "!="}


# --- unexpected tokens ----------------------------------------------------------


class _Context:
    """Where in which statement the parser stopped, read from its value stack."""

    def __init__(self, stack: list):
        self.stack = stack
        self.prev = stack[-1] if stack else None
        self.kind = None  # "ruleset" | "source" | "input" | "define" | "decision" | "code" | "rule" | "if"
        self.keyword: Token | None = None
        self.name: str | None = None
        for i in range(len(stack) - 1, -1, -1):
            value = stack[i]
            if isinstance(value, Token) and value.type in _STATEMENT_TYPES:
                if (value.type == "IF" and i >= 3 and isinstance(stack[i - 3], Token)
                        and stack[i - 3].type == "RULE"):
                    i -= 3
                    value = stack[i]
                self.kind = value.type.lower()
                self.keyword = value
                if i + 1 < len(stack):
                    self.name = _name_text(stack[i + 1])
                break

    def describe(self) -> str:
        if self.kind == "rule" and self.name:
            return f"rule `{self.name}`"
        if self.kind == "if" and self.keyword is not None:
            return f"the rule at line {self.keyword.line}"
        if self.kind == "ruleset":
            return "the `applies when` condition"
        if self.kind == "define" and self.name:
            return f"definition `{self.name}`"
        return "the rule"

    def label(self) -> str:
        if self.kind == "source" and self.name:
            return f"source {self.name}"
        return f"{self.kind} {self.name}" if self.name else str(self.kind)


def _name_text(value) -> str | None:
    if isinstance(value, ast.Name):
        return value.text
    if isinstance(value, Token):
        return value.value if value.type != "STRING" else value.value.strip('"“”')
    if isinstance(value, list) and value and all(isinstance(v, Token) for v in value):
        return " ".join(value)
    return None


def _state_number(state):
    return getattr(state, "position", state)


def _accepts(exc: UnexpectedToken) -> set[str]:
    try:
        accepts = exc.accepts
    except Exception:  # the simulation itself failed: fall back to the parse table
        accepts = None
    return set(accepts or exc.expected or ())


def _match_example(exc: UnexpectedToken, lark) -> str | None:
    def parse_fn(text):
        try:
            lark.parse(text)
        except UnexpectedInput as ut:
            ut.state = _state_number(ut.state)
            raise
        except Exception:
            return None  # not a parse failure in a comparable state

    original = exc.state
    exc.state = _state_number(original)
    try:
        return exc.match_examples(parse_fn, _EXAMPLES, use_accepts=True)
    except Exception:
        return None
    finally:
        exc.state = original


def _describe_token(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "STRING":
        text = tok.value if len(tok.value) <= 32 else tok.value[:29] + '..."'
        return f"the text {text}"
    if tok.type in ("NUMBER", "INT"):
        return f"the number `{tok.value}`"
    return f"`{tok.value}`"


def _describe_prev(prev) -> str:
    if isinstance(prev, Token):
        return f"`{prev.value}`"
    if isinstance(prev, ast.Name):
        return f"`{prev.text}`"
    text = _name_text(prev)
    if text:
        return f"`{text}`"
    if isinstance(prev, ast.Value):
        return f"`{prev.number}{' ' + prev.unit if prev.unit else ''}`"
    if isinstance(prev, (ast.Ref, ast.Not, ast.And, ast.Or, ast.Group, ast.Compare, ast.Between,
                         ast.IsOption, ast.Presence, ast.Count)):
        return "the condition"
    return "this"


def _describe_expected(accepts: set[str]) -> str:
    accepts = set(accepts)
    if "TYPICAL" in accepts:
        accepts.discard("COMMA")  # the comma of `, typical 16` says nothing on its own
    words: list[str] = []
    if set(_STATEMENT_KEYWORDS) <= accepts:
        accepts -= set(_STATEMENT_KEYWORDS) | {"RULESET"}
        accepts.discard("$END")
        statement = "a new statement (`rule`, `IF`, `define`, `input`, `decision`, `code` or `source`)"
    else:
        statement = None
    if "WORD" in accepts and accepts & _CONDITION_ONLY:
        words.append("a condition")
        accepts -= _CONDITION_START | {"WORD", "STRING"}
    elif "WORD" in accepts:
        words.append("a name")
        accepts -= {"WORD", "STRING", "INT"}
    for terminal in sorted(accepts, key=_terminal_order):
        if terminal in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[terminal])
        elif terminal in _KEYWORDS:
            words.append(f"`{_KEYWORDS[terminal]}`")
    if statement:
        words.append(statement)
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _terminal_order(terminal: str):
    order = ["THEN", "AND", "OR", "COLON", "COMMA", "RSQB", "RPAR", "IS", "BETWEEN", "CMP"]
    return (order.index(terminal) if terminal in order else len(order), terminal)


def _looks_like_unit(tok: Token) -> bool:
    text = tok.value
    if tok.type in ("UNIT",):
        return True
    return text.casefold() in _UNIT_WORDS or any(ch in text for ch in "/%°*")


def _open_bracket(stack: list) -> Token | None:
    """The innermost `[` or `(` on the stack that is not closed yet."""
    depth = 0
    for value in reversed(stack):
        if isinstance(value, Token):
            if value.type in ("RSQB", "RPAR"):
                depth += 1
            elif value.type in ("LSQB", "LPAR"):
                if depth == 0:
                    return value
                depth -= 1
    return None


def _keyword_hint(tok: Token, accepts: set[str]) -> str | None:
    if tok.type in ("$END", "STRING", "NUMBER", "INT"):
        return None
    candidates = {_KEYWORDS[t].casefold(): _KEYWORDS[t] for t in accepts if t in _KEYWORDS}
    if set(_STATEMENT_KEYWORDS) <= accepts or "RULESET" in accepts:
        candidates.update({k.casefold(): k for k in ("rule", "define", "input", "decision", "code", "source", "IF", "ruleset")})
    close = difflib.get_close_matches(tok.value.casefold(), list(candidates), n=1, cutoff=0.75)
    if close and close[0] != tok.value.casefold():
        return f"did you mean `{candidates[close[0]]}`?"
    return None


def _then_hint(source: str, ctx: _Context, tok: Token) -> str | None:
    """`IF fever THN x`: THN was read as part of a name; say so."""
    if ctx.keyword is None:
        return None
    start = ctx.keyword.start_pos
    end = tok.start_pos if tok.type != "$END" else len(source)
    for word in re.findall(r"[^\W\d_][\w'/-]*", source[start:end]):
        if word.casefold() in ("then",):
            continue
        if difflib.get_close_matches(word.casefold(), ["then"], n=1, cutoff=0.75):
            return f"`{word}` was read as part of a name: did you mean `THEN`?"
    return None


def _because_hint(stack: list) -> str:
    """`THEN MRI BECUASE "..."`: the misspelt keyword became part of the option."""
    words: list[str] = []
    for value in reversed(stack):  # the option's words, the last one maybe not reduced yet
        if isinstance(value, Token) and value.type in ("WORD", "INT"):
            words.insert(0, value.value)
        elif isinstance(value, list) and value and all(isinstance(v, Token) for v in value):
            words[:0] = [v.value for v in value]
            break
        else:
            break
    text = " ".join(words)
    if len(words) > 1 and difflib.get_close_matches(words[-1].casefold(), ["because"], n=1, cutoff=0.7):
        return f"`{words[-1]}` was read as part of the option `{text}`: did you mean `BECAUSE`?"
    return 'write `BECAUSE "..."` after the options'


def _one_name_hint(prev) -> str | None:
    """`IF fever no imaging`: the option was swallowed into the condition's name."""
    if isinstance(prev, (ast.Ref, ast.Compare, ast.Between, ast.IsOption)):
        name = prev.name if isinstance(prev, ast.Ref) else None
        if isinstance(prev, ast.IsOption):
            name = prev.options[-1]
        if name is not None and not name.quoted and " " in name.text:
            return f"`{name.text}` was read as one name: is `THEN` missing?"
    return None


def _position(tok: Token):
    if tok.type == "$END":
        line = tok.end_line or tok.line or 1
        column = tok.end_column or tok.column or 1
        return line, column, line, column
    return tok.line, tok.column, tok.end_line, tok.end_column


def _unexpected_token(exc: UnexpectedToken, source: str, path: str, lark) -> Diagnostic:
    tok = exc.token
    stack = list(exc.interactive_parser.parser_state.value_stack) if exc.interactive_parser else []
    ctx = _Context(stack)
    line, column, end_line, end_column = _position(tok)
    found = _describe_token(tok)

    def diag(code, message, hint=None, at=None):
        if at is not None:
            return _diagnostic(code, message, path, source, at.line, at.column, at.end_line, at.end_column, hint)
        return _diagnostic(code, message, path, source, line, column, end_line, end_column, hint)

    # Nothing read yet: the header is missing.
    if not stack:
        if tok.type == "$END":
            return empty_file_error(path).diagnostics[0]
        return diag(
            "missing-header", '`ruleset "TITLE"` must be the first statement',
            hint=_keyword_hint(tok, {"RULESET"}) or 'start the file with a header such as `ruleset "Low back pain imaging"`',
        )
    if tok.type == "RULESET":
        return diag("duplicate-header", 'only one `ruleset "TITLE"` header is allowed, and it must be the first statement')

    # Characters no terminal of this place can start with.
    if tok.type != "$END" and (not tok.value.isprintable() or tok.type in ("UNIT", "CODE_VALUE", "VERSION")) \
            and tok.type not in _accepts(exc):
        bad = next((ch for ch in tok.value if not ch.isprintable()), None)
        if bad is not None or not tok.value[0].isalnum():
            char = bad or tok.value[0]
            offset = tok.value.index(char)
            fake = UnexpectedCharacters(source, tok.start_pos + offset, tok.line, tok.column + offset)
            return _unexpected_character(fake, source, path)

    # A text that ran on over several lines probably lost its closing quote.
    prev = ctx.prev
    if isinstance(prev, Token) and prev.type == "STRING" and "\n" in prev.value and prev.value[0] == '"':
        return diag("unterminated-string", 'this text has no closing `"` on its line', at=Token(
            "STRING", '"', line=prev.line, column=prev.column, end_line=prev.line, end_column=prev.column + 1),
            hint=f'add `"` at the end of the text; as written it runs on to line {prev.end_line}')

    opener = _open_bracket(stack)
    closer_of = {"LSQB": "]", "LPAR": ")"}
    if tok.type in ("RSQB", "RPAR"):
        if opener is None:
            return diag("syntax-error", f"this `{tok.value}` has no matching `{'[' if tok.type == 'RSQB' else '('}`")
        if closer_of[opener.type] != tok.value:
            return diag("syntax-error",
                        f"expected `{closer_of[opener.type]}` to close the `{opener.value}` at line {opener.line}, "
                        f"column {opener.column}, found `{tok.value}`")
    if opener is not None and (tok.type == "$END" or tok.type in _STATEMENT_TYPES
                               or tok.type in ("THEN", "BECAUSE", "OTHERWISE")):
        where = "the end of the file" if tok.type == "$END" else f"`{tok.value}` at line {tok.line}"
        return diag("unclosed-bracket", f"unclosed `{opener.value}`",
                    hint=f"close it with `{closer_of[opener.type]}` before {where}", at=opener)

    label = _match_example(exc, lark)
    accepts = _accepts(exc)
    if ctx.kind == "input" and "COMMA" in accepts and "MOLAR" not in accepts:
        accepts.discard("COMMA")  # the comma only starts `, molar mass`, after `number in UNIT`
        if _after_unit(prev):
            accepts.add("MOLAR_OPTION")
    if label is not None:
        message = _TEMPLATES[label].format(name=ctx.name or "", prev=_describe_prev_raw(prev), context=ctx.label())
        if tok.type != "$END" or label not in ("title",):
            message += f", found {found}"
        return diag("syntax-error", message, hint=_keyword_hint(tok, accepts))

    if "NUMBER" in accepts and tok.type not in ("NUMBER",):
        if tok.type != "$END" and _looks_like_unit(tok):
            return diag("syntax-error", "a quantity needs a number before its unit",
                        hint=f"write the amount before `{tok.value}`, as in `6 {tok.value}`")
        return diag("syntax-error", f"expected a number after {_describe_prev(prev)}, found {found}")

    if "THEN" in accepts and ctx.kind in ("rule", "if"):
        return diag("syntax-error", f"expected `THEN` after the condition of {ctx.describe()}, found {found}",
                    hint=_then_hint(source, ctx, tok) or _keyword_hint(tok, {"THEN"}) or _one_name_hint(prev)
                    or (f"is `THEN` missing before `{tok.value}`?" if tok.type == "WORD" else None))

    if tok.type == "STRING" and "BECAUSE" in accepts and ctx.kind in ("rule", "if"):
        return diag("syntax-error", f"expected `BECAUSE` before the reason, found {found}",
                    hint=_because_hint(stack))

    if "COLON" in accepts and ctx.kind in ("input", "define", "decision", "code", "rule") and _name_text(prev):
        kind = {"define": "definition"}.get(ctx.kind, ctx.kind)
        return diag("syntax-error", f"expected `:` after the {kind} name `{_name_text(prev)}`, found {found}",
                    hint=_quote_hint(tok, prev) or _colon_hint(ctx, tok))
    if "COLON" in accepts and ctx.kind == "source" and isinstance(prev, Token) and prev.type == "INT":
        return diag("syntax-error", f"expected `:` after `source {prev.value}`, found {found}")

    if isinstance(prev, Token):
        message = _after_token_message(prev, ctx, accepts)
        if message:
            return diag("syntax-error", f"{message}, found {found}", hint=_keyword_hint(tok, accepts))

    quote_hint = _quote_hint(tok, prev)
    if quote_hint:
        return diag("syntax-error",
                    f"expected {_describe_expected(accepts)} after {_describe_prev(prev)}, found {found}",
                    hint=quote_hint)
    if tok.type == "OTHERWISE":
        return diag("syntax-error", "`OTHERWISE` needs a named rule",
                    hint="write `rule NAME: OTHERWISE option`")
    if set(_STATEMENT_KEYWORDS) <= accepts and tok.type in ("WORD", "UNIT", "CODE_VALUE"):
        hint = _keyword_hint(tok, accepts)
        return diag("syntax-error",
                    f"expected {_describe_expected(accepts)} after {_describe_prev(prev)}, found {found}", hint=hint)
    return diag("syntax-error", f"expected {_describe_expected(accepts)} after {_describe_prev(prev)}, found {found}",
                hint=_keyword_hint(tok, accepts))


def _after_unit(prev) -> bool:
    """Whether an input's type so far ends in a unit: `number in mmol/L [from A to B]`."""
    if isinstance(prev, Token):
        return prev.type == "UNIT"
    return isinstance(prev, tuple) and len(prev) == 5 and prev[1] is not None or (
        isinstance(prev, tuple) and len(prev) == 2 and all(isinstance(v, ast.Value) for v in prev))


def _describe_prev_raw(prev) -> str:
    return prev.value if isinstance(prev, Token) else (_name_text(prev) or "")


_ENDS_A_NAME = frozenset({"AND", "OR", "THEN", "BECAUSE", "IS", "BETWEEN"}) | _STATEMENT_TYPES


def _quote_hint(tok: Token, prev) -> str | None:
    """`[nausea and vomiting]`: the name stopped at a word that ends names."""
    if tok.type not in _ENDS_A_NAME:
        return None
    if isinstance(prev, ast.Name):
        if prev.quoted:
            return None
    elif isinstance(prev, Token):
        if prev.type != "WORD":
            return None
    elif not (isinstance(prev, list) and prev and all(isinstance(v, Token) for v in prev)):
        return None
    return (f"a name that holds `{tok.value}` must be written in double quotes, "
            f'e.g. "{_name_text(prev)} {tok.value} ..."')


def _colon_hint(ctx: _Context, tok: Token) -> str | None:
    if ctx.kind == "input":
        return "write `input NAME: TYPE`, e.g. `input fever: yes/no`"
    if ctx.kind == "rule":
        return "write `rule NAME: IF ...`; a name holding `is`, `and` or `or` must be in double quotes"
    return "a name holding `is`, `and`, `or`, `then` or `between` must be in double quotes"


def _after_token_message(prev: Token, ctx: _Context, accepts: set[str]) -> str | None:
    kind = prev.type
    if kind in ("IF", "WHEN", "NOT") or (kind in ("AND", "OR") and "WORD" in accepts and accepts & _CONDITION_ONLY):
        return f"expected a condition after `{prev.value}`"
    if kind == "LPAR":
        return "expected a condition after `(`"
    if kind == "NO":
        return "expected a name after `no`"
    if kind in ("INPUT", "DEFINE", "DECISION", "CODE", "RULE"):
        what = {"define": "definition"}.get(kind.lower(), kind.lower())
        return f"expected the {what} name after `{prev.value}`"
    if kind in ("THEN", "OTHERWISE"):
        return f"expected an option after `{prev.value}`"
    if kind in ("COMMA", "AND") and ctx.kind in ("rule", "if") and "WORD" in accepts and not accepts & _CONDITION_ONLY:
        return f"expected an option after `{prev.value}`"
    if kind == "COLON" and "WORD" in accepts and not accepts & _CONDITION_ONLY:
        return f"expected an option after `{prev.value}`"
    if kind == "COLON" and ctx.kind == "define":
        return f"expected a condition or `score of [...]` after `define {ctx.name}:`"
    if kind == "IS":
        return ("expected an option, `one of [...]`, `missing`, `known`, `at least`, `at most`, "
                "`more than` or `less than` after `is`")
    if kind == "NOT" and ctx.kind:
        return "expected an option after `is not`"
    if kind in ("ONE", "ANY", "ALL", "NONE") and "OF" in accepts:
        return f"expected `of` after `{prev.value}`"
    if kind == "OF" and "LSQB" in accepts:
        return "expected `[` after `of`"
    if kind == "LSQB" and "INT" in accepts and "WORD" not in accepts:
        return "expected a source number after `[`"
    if kind == "LSQB" and accepts & _CONDITION_ONLY:
        return "expected a condition after `[`"
    if kind == "LSQB" and "WORD" in accepts:
        return "expected a name after `[`"
    if kind == "COMMA" and "WORD" in accepts and accepts & _CONDITION_ONLY:
        return "expected a condition after `,`"
    if kind == "COMMA" and "WORD" in accepts:
        return "expected a name after `,`"
    if kind == "COMMA" and "INT" in accepts:
        return "expected a source number after `,`"
    return None

"""Builds the syntax tree while Lark parses: one callback per grammar alias.

The builder is passed to Lark as its inline `transformer`, so the LALR parser
calls these methods on every reduction and no intermediate parse tree is ever
made (parsing a 1 MB ruleset is dominated by Lark's own loop, not by us).
Callbacks receive the full list of children, tokens included, because the
locations of keywords and brackets are what later errors point at.

A problem that the grammar cannot express (a name that starts with `THEN`,
a policy on an `any of` decision) is raised as `BuildError`; the parser turns
it into a RulesError.
"""

from __future__ import annotations

from lark import Token, Transformer

from clinrules.dsl import ast, strings
from clinrules.errors import Location

# Words that can never begin an unquoted name: seeing one where a name should
# start means the name is missing (`IF fever AND THEN x`).
_CANNOT_START_NAME = frozenset({"and", "or", "then", "because"})

_CMP = {"==": "=", "≥": ">=", "≤": "<=", "≠": "!="}



class BuildError(Exception):
    """A syntax problem found while building the tree, with its place."""

    def __init__(self, code: str, message: str, token, hint: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.token = token  # a Token or a Location: anything with line/column
        self.hint = hint


def span(first, last) -> Location:
    """From the start of `first` to the end of `last` (tokens or Locations)."""
    return Location(first.line, first.column, last.end_line, last.end_column)


def string_text(token: Token) -> str:
    """The text inside a quoted string token (see clinrules.dsl.strings)."""
    return strings.string_text(token.value)


def number_text(token: Token) -> str:
    return strings.number_text(token.value)


class _Typical:
    """The `typical V` option of an input, told apart from its range."""

    def __init__(self, value):
        self.value = value


class AstBuilder(Transformer):
    """Grammar callbacks. Each returns an ast node, a list, or a small tuple."""

    # --- file and header ----------------------------------------------------

    def start(self, c):
        return c[0], c[1] if len(c) == 2 else []

    def more_statements(self, c):
        c[0].append(c[1])
        return c[0]

    def header(self, c):
        title = string_text(c[1])
        if not title.strip():
            raise BuildError("syntax-error", "the ruleset title is empty", c[1],
                             hint='write the title between the quotes: ruleset "Low back pain imaging"')
        version = None
        scope = None
        last = c[1]
        for part in c[2:]:
            if isinstance(part, tuple):
                version, last = part
            else:
                scope = part
                last = part.loc
        return ast.Header(" ".join(title.split()), version, scope, span(c[0], last))

    def duplicate_header(self, c):
        raise BuildError("duplicate-header",
                         'only one `ruleset "TITLE"` header is allowed, and it must be the first statement', c[0])

    def header_version(self, c):
        tok = c[1]
        text = string_text(tok).strip() if tok.type == "STRING" else tok.value
        return text, tok

    def header_scope(self, c):
        return c[2]

    # --- statements -----------------------------------------------------------

    def source(self, c):
        return ast.Source(int(c[1].value), string_text(c[3]), span(c[0], c[3]))

    def input(self, c):
        kind, unit, options, first, last = c[3]
        low = high = molar_mass = typical = None
        end = last
        for part in c[4:]:
            if isinstance(part, _Typical):
                typical = part.value
                end = typical.loc
            elif isinstance(part, ast.Value):  # `, molar mass M g/mol`
                molar_mass = part
                last = end = part.loc
            else:
                low, high = part
                last = end = high.loc
        itype = ast.InputType(kind, unit, options, low, high, span(first, last), molar_mass)
        return ast.Input(c[1], itype, span(c[0], end), typical=typical)

    def input_typical(self, c):
        return _Typical(c[-1])

    def type_yesno(self, c):
        return "yes/no", None, (), c[0], c[0]

    def type_number(self, c):
        return "number", None, (), c[0], c[0]

    def type_quantity(self, c):
        return "number", c[2].value, (), c[0], c[2]

    def type_options(self, c):
        return "one of", None, tuple(c[3]), c[0], c[-1]

    def input_range(self, c):
        return c[1], c[3]

    def input_molar_mass(self, c):
        return c[3]

    def define(self, c):
        return ast.Define(c[1], c[3], span(c[0], c[3].loc))

    def define_score(self, c):
        score = ast.Score(tuple(c[6]), span(c[3], c[-1]))
        return ast.Define(c[1], score, span(c[0], c[-1]))

    def score_item(self, c):
        return ast.ScoreItem(c[0], number_text(c[2]), span(c[0].loc, c[2]))

    def decision_one(self, c):
        return self._decision(c, "one of")

    def decision_any(self, c):
        return self._decision(c, "any of")

    def _decision(self, c, kind):
        policy = None
        last = c[-1]
        if isinstance(last, tuple):
            policy, policy_first, last = last
            if kind == "any of":
                raise BuildError(
                    "syntax-error",
                    f"an `any of` decision chooses every option its rules name, so `{policy}` does not apply",
                    policy_first,
                    hint="remove it, or make the decision `one of [...]`",
                )
        return ast.Decision(c[1], kind, tuple(c[6]), policy, span(c[0], last))

    def policy_priority(self, c):
        return "priority", c[0], c[-1]

    def policy_first_match(self, c):
        return "first match", c[0], c[-1]

    def code(self, c):
        system, value = c[3], c[4]
        system_text = string_text(system).strip() if system.type == "STRING" else system.value
        value_text = string_text(value).strip() if value.type == "STRING" else value.value
        return ast.Code(c[1], system_text, value_text, span(c[0], value))

    def named_rule(self, c):
        because = c[7] if len(c) == 8 else None
        last = because.loc if because else c[6][-1].loc
        return ast.Rule(c[1], c[4], tuple(c[6]), because, span(c[0], last))

    def default_rule(self, c):
        because = c[5] if len(c) == 6 else None
        last = because.loc if because else c[4][-1].loc
        return ast.Rule(c[1], None, tuple(c[4]), because, span(c[0], last))

    def bare_rule(self, c):
        because = c[4] if len(c) == 5 else None
        last = because.loc if because else c[3][-1].loc
        return ast.Rule(None, c[1], tuple(c[3]), because, span(c[0], last))

    def more_actions(self, c):
        c[0].append(c[2])
        return c[0]

    def action(self, c):
        return ast.Action(None, c[0], c[0].loc)

    def qualified_action(self, c):
        return ast.Action(c[0], c[2], span(c[0].loc, c[2].loc))

    def because(self, c):
        text = ""
        citations = ()
        last = c[-1]
        for part in c[1:]:
            if isinstance(part, tuple):
                citations, last = part
            else:
                text = string_text(part)
        return ast.Because(text, citations, span(c[0], last))

    def citations(self, c):
        return tuple(ast.Citation(int(t.value), span(t, t)) for t in c[1]), c[-1]

    # --- lists ----------------------------------------------------------------

    def first_item(self, c):
        return [c[0]]

    def more_items(self, c):
        c[0].append(c[2])
        return c[0]

    # --- conditions -------------------------------------------------------------

    def or_start(self, c):
        return ast.Or((c[0], c[2]), span(c[0].loc, c[2].loc))

    def or_more(self, c):
        return ast.Or(c[0].args + (c[2],), span(c[0].loc, c[2].loc))

    def and_start(self, c):
        return ast.And((c[0], c[2]), span(c[0].loc, c[2].loc))

    def and_more(self, c):
        return ast.And(c[0].args + (c[2],), span(c[0].loc, c[2].loc))

    def not_(self, c):
        return ast.Not(c[1], "not", span(c[0], c[1].loc))

    def no_(self, c):
        name = c[1]
        return ast.Not(ast.Ref(name, name.loc), "no", span(c[0], name.loc))

    def ref(self, c):
        return ast.Ref(c[0], c[0].loc)

    def compare(self, c):
        op = c[1].value
        return ast.Compare(c[0], _CMP.get(op, op), c[2], False, span(c[0].loc, c[2].loc))

    def _words_compare(self, c, op):
        return ast.Compare(c[0], op, c[-1], True, span(c[0].loc, c[-1].loc))

    def is_at_least(self, c):
        return self._words_compare(c, ">=")

    def is_at_most(self, c):
        return self._words_compare(c, "<=")

    def is_more_than(self, c):
        return self._words_compare(c, ">")

    def is_less_than(self, c):
        return self._words_compare(c, "<")

    def between(self, c):
        return ast.Between(c[0], c[2], c[4], span(c[0].loc, c[4].loc))

    def is_option(self, c):
        return ast.IsOption(c[0], (c[2],), False, False, span(c[0].loc, c[2].loc))

    def is_not_option(self, c):
        return ast.IsOption(c[0], (c[3],), True, False, span(c[0].loc, c[3].loc))

    def is_one_of(self, c):
        return ast.IsOption(c[0], tuple(c[5]), False, True, span(c[0].loc, c[-1]))

    def is_not_one_of(self, c):
        return ast.IsOption(c[0], tuple(c[6]), True, True, span(c[0].loc, c[-1]))

    def is_missing(self, c):
        return ast.Presence(c[0], False, span(c[0].loc, c[-1]))

    def is_known(self, c):
        return ast.Presence(c[0], True, span(c[0].loc, c[-1]))

    def first_known(self, c):
        return ast.FirstKnown(tuple(c[4]), span(c[0], c[-1]))

    def group(self, c):
        return ast.Group(c[1], span(c[0], c[2]))

    def count(self, c):
        kind = c[0].type
        if kind == "AT":
            k = int(c[2].value)
            args = c[5]
            kind = "at least"
        else:
            k = None
            args = c[3]
            kind = kind.lower()
        return ast.Count(kind, k, tuple(args), span(c[0], c[-1]))

    # --- values and names -----------------------------------------------------------

    def value(self, c):
        num = c[0]
        if len(c) == 1:
            return ast.Value(number_text(num), None, span(num, num))
        return ast.Value(number_text(num), c[1].value, span(num, c[1]))

    def first_word(self, c):
        word = c[0]
        if word.value.casefold() in _CANNOT_START_NAME:
            raise BuildError("syntax-error", "", word)  # message filled in by the parser
        return c

    def more_words(self, c):
        words = c[0]
        words.append(c[1])
        return words

    def name(self, c):
        words = c[0]
        first = words[0]
        if len(words) == 1:
            return ast.Name(first.value, span(first, first))
        last = words[-1]
        return ast.Name(" ".join([w.value for w in words]), span(first, last))

    def lead_word(self, c):
        return c[0]

    def name_led(self, c):
        lead, words = c[0], (c[1] if len(c) > 1 else [])
        last = words[-1] if words else lead
        return ast.Name(" ".join([lead.value, *[w.value for w in words]]), span(lead, last))

    def quoted_name(self, c):
        tok = c[0]
        text = " ".join(string_text(tok).split())
        if not text:
            raise BuildError("syntax-error", "a quoted name cannot be empty", tok)
        return ast.Name(text, span(tok, tok), quoted=True)

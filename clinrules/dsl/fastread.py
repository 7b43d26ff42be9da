"""A hand-written reader for well-formed `.rules` files: Lark's tree, read faster.

Lark (`parser.py`) defines how a `.rules` text reads; this module only reads
the same texts faster. It is a recursive-descent reader that mirrors
`rules.lark` rule by rule and builds the very same syntax tree, positions
included, with the terminals' regular expressions taken from the grammar
file itself. It knows only well-formed texts: on any doubt at all (anything
the grammar would reject, a builder error, a keyword in a place where the
contextual lexer's choice is not certain, a spelling it does not know) it
gives up with `Bail` and the caller parses the text with Lark, which is the
only source of syntax errors. So a text that reads here reads the same with
Lark, and every error is Lark's own.

Why: Lark calls back into Python for every token and every reduction; a
1,500-rule table cost about a second to read. Reading it here is several
times faster.

How the contextual lexer is mirrored: Lark lexes each token with only the
terminals the current LALR state accepts, keywords (priority 2) before WORD.
So a word such as `of` is a keyword in `any of [` but a plain word in
`history of malignancy`. Each reading function below knows its state:
- where a name starts, only `any`, `all`, `none`, `at`, `first` are keywords
  (besides the keywords the caller itself looks for first);
- inside a name, exactly the words that can follow a name end it
  (`_ENDS_NAME`: and, or, then, because, is, between and the statement
  words), every other word continues it;
- after a number, the words that can follow a value end it (`_ENDS_VALUE`);
  any other keyword there gives up (Lark would read it as a unit).
`tests/dsl/test_dsl_fastread.py` proves the reader equal to Lark on every
`.rules` file of the repository, on every keyword put in every word slot of
the shipped rulesets, and on mutated texts.

It also gives up on conditions nested more than `_LEVELS` deep, so a tree
it reads is always within `clinrules.limits.MAX_NESTING` and the parser
checks the nesting of Lark's trees only. The usual statements and conditions
(`rule NAME: IF`, `NAME CMP value`, `because "TEXT" [1]`) are read in one
regex match each, built from the same pieces as the step-by-step reading;
a failed match only sends the text down the steps.

The reader only runs while the grammar is the one it was written for
(`GRAMMAR_SHA256`); after any change to `rules.lark` it switches itself off
(and a test fails) until it has been checked against the new grammar.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left as _bisect
from importlib import resources

from clinrules.dsl import ast
from clinrules.dsl.ast import name_key as _name_key
from clinrules.dsl.strings import number_text, string_text
from clinrules.errors import Location
from clinrules.limits import MAX_NESTING

# sha256 of rules.lark this reader mirrors (see the module docstring).
GRAMMAR_SHA256 = "3f1336f466d9f95d13ccad2d3b41ee1c7e1ee50764c5ad2f9f4040d4aed78f07"


class Bail(Exception):
    """The fast reader is not certain: let Lark read the text."""


# Nodes and Locations are made as their frozen dataclasses' `__init__` makes
# them, field by field with `object.__setattr__`, without the call to
# `__init__`. (Not by assigning `__dict__`: an instance with its own dict takes
# twice the memory, and the many thousands of a large file cost more to free.)
_new = object.__new__
_set = object.__setattr__


def _make(cls, fields: dict):
    """The node of (frozen dataclass) `cls` with these fields, every one of them."""
    node = _new(cls)
    for name, value in fields.items():
        _set(node, name, value)
    return node


def _name_node(text: str, loc: Location, quoted: bool = False) -> ast.Name:
    """With its `key` already in place (what the cached property would compute on first use)."""
    node = _new(ast.Name)
    _set(node, "text", text)
    _set(node, "loc", loc)
    _set(node, "quoted", quoted)
    _set(node, "key", _name_key(text))
    return node


def _value_node(number: str, unit, loc: Location) -> ast.Value:
    node = _new(ast.Value)
    _set(node, "number", number)
    _set(node, "unit", unit)
    _set(node, "loc", loc)
    return node


def _compare_node(subject, op: str, value, words: bool, loc: Location) -> ast.Compare:
    node = _new(ast.Compare)
    _set(node, "subject", subject)
    _set(node, "op", op)
    _set(node, "value", value)
    _set(node, "words", words)
    _set(node, "loc", loc)
    return node


def _joined(src: str, start: int, end: int, matched: str) -> str:
    """The text of the name matched from `start` to `end`: its words and
    numbers one space apart (a name of letters only is one word)."""
    return matched if matched.isalpha() else " ".join(_PIECES(src, start, end))


def _span(a: Location, b: Location) -> Location:
    loc = _new(Location)
    _set(loc, "line", a.line)
    _set(loc, "column", a.column)
    _set(loc, "end_line", b.end_line)
    _set(loc, "end_column", b.end_column)
    return loc


# --- the terminals, from the grammar -------------------------------------------------

def _grammar() -> str:
    return resources.files("clinrules.dsl").joinpath("rules.lark").read_text(encoding="utf-8")


_TERMINAL_LINE = re.compile(r"^([A-Z_]+)(?:\.(\d+))?:\s*(.*)$", re.M)
_REGEX = re.compile(r"/((?:[^/\\\n]|\\.)*)/([imsux]*)")
_KEYWORD_REGEX = re.compile(r"^([a-z]+(?:\\/[a-z]+)?)\(\?!\[\\w'’\\/-\]\)$")


def _terminals(grammar: str) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for name, _prio, rest in _TERMINAL_LINE.findall(grammar):
        found = _REGEX.findall(rest)
        if found:
            out[name] = found
    return out


def _compiled(found: list[tuple[str, str]]) -> re.Pattern:
    parts = [f"(?{flags}:{pattern})" if flags else f"(?:{pattern})" for pattern, flags in found]
    return re.compile("|".join(parts))


def _load():
    grammar = _grammar()
    terminals = _terminals(grammar)
    regexes = {name: _compiled(terminals[name]) for name in
               ("WORD", "INT", "NUMBER", "UNIT", "VERSION", "CODE_VALUE", "STRING", "CMP", "WS", "COMMENT")}
    keywords = {}
    for name, found in terminals.items():
        m = _KEYWORD_REGEX.match(found[0][0])
        if m and len(found) == 1 and found[0][1] == "i":
            keywords[m.group(1).replace("\\/", "/")] = name
    return hashlib.sha256(grammar.encode()).hexdigest(), regexes, keywords


_SHA, _RE, _KEYWORDS = _load()
_WORD = _RE["WORD"].match
_INT = _RE["INT"].match
_NUMBER = _RE["NUMBER"].match
_UNIT = _RE["UNIT"].match
_VERSION = _RE["VERSION"].match
_CODE_VALUE = _RE["CODE_VALUE"].match
_STRING = _RE["STRING"].match
_CMP = _RE["CMP"].match
_WS = _RE["WS"].match
_COMMENT = _RE["COMMENT"].match
# Python's re folds a few non-ASCII letters onto ASCII ones (ſ, K): a word that
# is not ASCII but still matches a keyword is left to Lark.
_ANY_KEYWORD = re.compile("(?:" + "|".join(re.escape(k) for k in _KEYWORDS) + r")\Z", re.I).match

_B = r"(?![\w'’/-])"  # a keyword is a whole word (as in the grammar's keyword regexes)


def _trie(words) -> str:
    """An alternation of `words` nested by common prefix (a regex engine tries
    alternatives in turn; this way each fails at its first letter)."""
    heads: dict[str, list[str]] = {}
    for word in sorted(words):
        heads.setdefault(word[:1], []).append(word[1:])
    parts = []
    for head, rests in heads.items():
        if head == "":
            continue
        inner = _trie(rests)
        optional = "" in rests
        if inner == "(?:)":
            parts.append(re.escape(head))
        else:
            parts.append(re.escape(head) + inner + ("?" if optional else ""))
    return "(?:" + "|".join(parts) + ")"


def _words_alt(names) -> str:
    return "(?i:" + _trie([k for k, v in _KEYWORDS.items() if v in names]) + ")" + _B


def _keyword_p(name: str) -> str:
    """The grammar's regex for keyword `name`."""
    (word,) = [w for w, n in _KEYWORDS.items() if n == name]
    return f"(?i:{re.escape(word)}){_B}"


class _KeywordRegexes(dict):
    """Keyword name -> the grammar's regex for it, compiled on first use (import stays cheap)."""

    def __missing__(self, name: str):
        match = self[name] = re.compile(_keyword_p(name)).match
        return match


_KW_RE = _KeywordRegexes()
_NEWLINE = re.compile("\n")
# `and`, `or` with the blanks after them (see `_Reader._at_token`)
_AND = re.compile(_keyword_p("AND") + r"\s*").match
_OR = re.compile(_keyword_p("OR") + r"\s*").match

_STATEMENT_WORDS = frozenset({"RULESET", "SOURCE", "INPUT", "DEFINE", "DECISION", "CODE", "RULE", "IF"})
# The keywords that can follow a name somewhere: the LALR state inside a name
# is shared by every place a name stands, so these end every name.
_ENDS_NAME = frozenset({"AND", "OR", "THEN", "BECAUSE", "IS", "BETWEEN"}) | _STATEMENT_WORDS
# The keywords that can follow a value (the state after a number is shared too).
_ENDS_VALUE = frozenset({"AND", "OR", "THEN", "TO", "TYPICAL"}) | _STATEMENT_WORDS
_LEAD = frozenset({"ANY", "ALL", "NONE", "AT", "FIRST"})
_CANNOT_START_NAME = frozenset({"and", "or", "then", "because"})
_CMP_OPS = {"==": "=", "≥": ">=", "≤": "<=", "≠": "!="}
_WORD_OPS = {"LEAST": ">=", "MOST": "<=", "MORE": ">", "LESS": "<"}
_QUOTES = ('"', "“")
# How many conditions (`condition`) and NOTs the reader opens one inside another
# before it gives up. Each adds at most three nested nodes (the Group or Count
# around it, an Or, an And) or one (a Not), and a `no NAME` one more: so a tree
# read here nests at most 3 * _LEVELS + 1 <= MAX_NESTING levels, and never needs
# the parser's nesting check (a deeper text is Lark's, and checked).
_LEVELS = (MAX_NESTING - 1) // 3

# Fast paths, each the same reading as the step-by-step code below for the
# texts it matches (and nothing is concluded from a failed match). Only the
# keywords and the grammar's own case-insensitive terminals (WORD, UNIT) match
# either case (`(?i:...)`): matching the rest case-sensitively is the same, and faster.
_WORD_P = _RE["WORD"].pattern
_NOT_TAKEN = _words_alt(_LEAD | {"AND", "OR", "THEN", "BECAUSE"})
# the first word of a name where only the lead words are keywords
_PURE_FIRST_P = f"(?!{_NOT_TAKEN}){_WORD_P}"
_PURE_FIRST = re.compile(_PURE_FIRST_P).match
# the first word of a name where a condition starts (`not`, `no` start a negation)
_COND_FIRST_P = f"(?!{_words_alt({'NOT', 'NO'})}){_PURE_FIRST_P}"
# the rest of a name: words that do not end it, and whole numbers
_NAME_REST_P = f"(?:\\s*(?:(?!{_words_alt(_ENDS_NAME)}){_WORD_P}|\\d+))*"
_NAME_REST = re.compile(_NAME_REST_P).match
_PIECES = re.compile(f"{_WORD_P}|\\d+").findall
# `NUMBER UNIT?`, the unit taken only when it is not spelled like a keyword
_VALUE_P = (f"({_RE['NUMBER'].pattern})(?:\\s*(?!{_words_alt(set(_KEYWORDS.values()))})"
            f"({_RE['UNIT'].pattern}))?")
_VALUE_RE = re.compile(_VALUE_P).match
# a name where a condition starts (`_COND_FIRST_P`, `_NAME_REST_P`; atomic: the
# whole name, as there), and `CMP value` after it if written so: the usual
# condition; else group 5 is set when what follows the name makes it a Ref for
# `comparison` (a `,`, `]`, `)`, or `and`, `or`, `then` in ASCII letters)
_NAMED_CONDITION = re.compile(
    f"((?>{_COND_FIRST_P}{_NAME_REST_P}))(?:\\s*({_RE['CMP'].pattern})\\s*{_VALUE_P})?\\s*"
    f"((?=[,\\])]|(?-i:[aA][nN][dD]|[oO][rR]|[tT][hH][eE][nN]){_B}))?").match
# `rule NAME: IF`, the usual head of a rule: `IF` spelled in ASCII letters only
# (as `_keyword` requires), the name's first word as in `name`
_RULE_HEAD = re.compile(
    f"({_keyword_p('RULE')})\\s*((?>{_PURE_FIRST_P}{_NAME_REST_P}))"
    f"\\s*:\\s*(?-i:[iI][fF]){_B}\\s*").match
# `then NAME` after a rule's condition: its first option, as `name` reads it
_THEN_NAME = re.compile(
    f"{_keyword_p('THEN')}\\s*((?>{_PURE_FIRST_P}{_NAME_REST_P}))\\s*").match
# `because "TEXT" [1, 2]`, the usual reason: the string and the citations (no
# comments in between, no trailing comma)
_BECAUSE_TAIL = re.compile(
    f"{_keyword_p('BECAUSE')}\\s*((?:{_RE['STRING'].pattern}))\\s*\\[((?:\\s*\\d+\\s*,)*\\s*\\d+)\\s*\\](\\s*)").match
_DIGITS = re.compile(r"\d+").finditer


def _keyword(word: str):
    if word.isascii():
        return _KEYWORDS.get(word.lower())
    if _ANY_KEYWORD(word):
        raise Bail
    return None


class _Comment:
    """A comment as the parser's lexer callback hands it over (a Token's fields)."""

    __slots__ = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")

    def __init__(self, value, start_pos, line, column):
        self.type = "COMMENT"
        self.value = value
        self.start_pos = start_pos
        self.line = self.end_line = line
        self.column = column
        self.end_column = column + len(value)
        self.end_pos = start_pos + len(value)


class _Reader:
    """One text. `pos` is always at a token (blanks and comments skipped);
    lines and columns are worked out from offsets only for the Locations made."""

    def __init__(self, src: str):
        self.src = src
        self.n = len(src)
        self.nls = [m.start() for m in _NEWLINE.finditer(src)]  # offsets of the line breaks
        self.comments: list[_Comment] = []
        # the line `where` found last: offsets [line_first, line_stop] and its number
        # (most tokens are on the line of the one before: no search for those)
        self.line_first, self.line_stop, self.line_no = self.n + 1, -1, 0
        self.level = 0  # conditions (and NOTs) open around `pos`: see `_LEVELS`
        self.pos = 0
        self._skip(0)

    # --- tokens -----------------------------------------------------------------

    def where(self, start: int, end: int) -> Location:
        """The Location of the text from offset `start` to `end` (as Lark's tokens count)."""
        loc = _new(Location)  # made field by field (see `_new`): the reader's most frequent step
        first = self.line_first
        if first <= start and end <= self.line_stop:  # on the line found last
            line = self.line_no
            _set(loc, "line", line)
            _set(loc, "column", start - first + 1)
            _set(loc, "end_line", line)
            _set(loc, "end_column", end - first + 1)
            return loc
        nls = self.nls
        i = _bisect(nls, start)
        first = nls[i - 1] + 1 if i else 0
        stop = nls[i] if i < len(nls) else self.n
        self.line_first, self.line_stop, self.line_no = first, stop, i + 1
        _set(loc, "line", i + 1)
        _set(loc, "column", start - first + 1)
        if end <= stop:
            _set(loc, "end_line", i + 1)
            _set(loc, "end_column", end - first + 1)
        else:
            j = _bisect(nls, end, i)
            _set(loc, "end_line", j + 1)
            _set(loc, "end_column", end - nls[j - 1])
        return loc

    def _skip(self, pos: int) -> None:
        """Move to the next token at or after `pos`, past blanks and comments."""
        src = self.src
        while True:
            m = _WS(src, pos)
            if m is not None:
                pos = m.end()
            if src.startswith("#", pos):
                m = _COMMENT(src, pos)
                loc = self.where(pos, pos)
                self.comments.append(_Comment(m.group(), pos, loc.line, loc.column))
                pos = m.end()
                continue
            self.pos = pos
            return

    def _at_token(self, pos: int) -> None:
        """`_skip(pos)` after a match that took the blanks after its token already."""
        if self.src.startswith("#", pos):
            self._skip(pos)
        else:
            self.pos = pos

    def _fixed(self, end: int) -> Location:
        """The token from `pos` to `end`, and move past it."""
        loc = self.where(self.pos, end)
        src = self.src
        m = _WS(src, end)  # `_skip(end)`, its usual case inline
        pos = end if m is None else m.end()
        if src.startswith("#", pos):
            self._skip(pos)
        else:
            self.pos = pos
        return loc

    def word(self):
        """(keyword or None, word, end) of the word at `pos`, or (None, None, pos)."""
        m = _WORD(self.src, self.pos)
        if m is None:
            return None, None, self.pos
        w = m.group()
        return _keyword(w), w, m.end()

    def keyword(self):
        """The keyword at `pos` (None for a plain word or anything else)."""
        m = _WORD(self.src, self.pos)
        if m is None:
            return None
        return _keyword(m.group())

    def expect_keyword(self, kw: str) -> Location:
        m = _KW_RE[kw](self.src, self.pos)
        if m is None:
            raise Bail
        return self._fixed(m.end())

    def skip_keyword(self, kw: str) -> None:
        """`expect_keyword` where the keyword's place is not wanted."""
        m = _KW_RE[kw](self.src, self.pos)
        if m is None:
            raise Bail
        self._skip(m.end())

    def char(self, ch: str) -> Location:
        if not self.src.startswith(ch, self.pos):
            raise Bail
        return self._fixed(self.pos + 1)

    def skip_char(self, ch: str) -> None:
        """`char` where the character's place is not wanted."""
        if not self.src.startswith(ch, self.pos):
            raise Bail
        self._skip(self.pos + 1)

    def at(self, ch: str) -> bool:
        return self.src.startswith(ch, self.pos)

    def string(self):
        """(token text, Location) of the quoted text at `pos` (may span lines)."""
        m = _STRING(self.src, self.pos)
        if m is None:
            raise Bail
        return m.group(), self._fixed(m.end())

    def regex(self, match):
        """(text, Location) of the terminal read by `match` at `pos`."""
        m = match(self.src, self.pos)
        if m is None:
            raise Bail
        return m.group(), self._fixed(m.end())

    # --- names ------------------------------------------------------------------------

    def name(self) -> ast.Name:
        """A name where only the lead words are keywords (the caller has looked
        for its own keywords first)."""
        src, pos = self.src, self.pos
        m = _PURE_FIRST(src, pos)
        if m is not None:
            return self._rest(m)
        if src.startswith(_QUOTES, pos):
            return self.quoted_name()
        kw, w, end = self.word()
        if kw in _LEAD:
            self._skip(end)
            return self.led_name(w, pos, end, False)
        raise Bail  # `and`, `or`, `then`, `because` cannot start a name; Lark says so

    def _rest(self, first) -> ast.Name:
        """The name whose first word `first` matched: the words after it too."""
        start = first.start()
        end = _NAME_REST(self.src, first.end()).end()
        if end == first.end():
            text = first.group()
        else:
            text = " ".join(_PIECES(self.src, start, end))
        loc = self.where(start, end)
        self._skip(end)
        return _name_node(text, loc)

    def led_name(self, lead: str, start: int, end: int, in_condition: bool) -> ast.Name:
        """`any bleeding`, `at risk of falls`, or the lead word alone (from offset
        `start` to `end`; the reader is past it already)."""
        m = _WORD(self.src, self.pos)
        if m is not None:
            w = m.group()
            kw = _keyword(w)
            if kw is None or kw not in _ENDS_NAME:
                if w.casefold() in _CANNOT_START_NAME:
                    raise Bail
                stop = _NAME_REST(self.src, m.end()).end()
                loc = self.where(start, stop)
                text = " ".join([lead, *_PIECES(self.src, self.pos, stop)])
                self._skip(stop)
                return _name_node(text, loc)
            if kw == "BECAUSE" and in_condition:
                raise Bail  # a plain word there, which cannot start a name
        return _name_node(lead, self.where(start, end))

    def quoted_name(self) -> ast.Name:
        raw, loc = self.string()
        text = " ".join(string_text(raw).split())
        if not text:
            raise Bail
        return _name_node(text, loc, True)

    def names_list(self) -> tuple[list, Location]:
        """`[A, B]` after `of` (`[` included): the names and the `]`."""
        self.skip_char("[")
        names = [self.name()]
        while self.at(","):
            self._skip(self.pos + 1)
            if self.at("]"):
                break
            names.append(self.name())
        return names, self.char("]")

    # --- values -----------------------------------------------------------------------

    def value(self) -> ast.Value:
        m = _VALUE_RE(self.src, self.pos)
        if m is None:
            raise Bail
        return self._value(m, 1)

    def _value(self, m, group: int) -> ast.Value:
        """The value matched by `_VALUE_P` at `group` (number) and `group + 1` (unit)."""
        number = number_text(m.group(group))
        unit = m.group(group + 1)
        if unit is not None:
            loc = self.where(m.start(group), m.end())
            self._skip(m.end())
            return _value_node(number, unit, loc)
        end = m.end(group)
        loc = self.where(m.start(group), end)
        self._skip(end)
        w = _WORD(self.src, self.pos)
        if w is not None:
            kw = _keyword(w.group())
            if kw is not None:
                if kw in _ENDS_VALUE:
                    return _value_node(number, None, loc)
                raise Bail  # Lark reads it as a unit; leave such spellings to it
        u = _UNIT(self.src, self.pos)
        if u is None:
            return _value_node(number, None, loc)
        unit_loc = self._fixed(u.end())
        return _value_node(number, u.group(), _span(loc, unit_loc))

    # --- conditions -------------------------------------------------------------------

    def condition(self):
        self.level += 1
        if self.level > _LEVELS:
            raise Bail
        first = self.and_cond()
        m = _OR(self.src, self.pos)
        if m is None:
            self.level -= 1
            return first
        args = [first]
        while m is not None:
            self._at_token(m.end())
            args.append(self.and_cond())
            m = _OR(self.src, self.pos)
        self.level -= 1
        return _make(ast.Or, {"args": tuple(args), "loc": _span(first.loc, args[-1].loc)})

    def and_cond(self):
        first = self.not_cond()
        m = _AND(self.src, self.pos)
        if m is None:
            return first
        args = [first]
        while m is not None:
            self._at_token(m.end())
            args.append(self.not_cond())
            m = _AND(self.src, self.pos)
        return _make(ast.And, {"args": tuple(args), "loc": _span(first.loc, args[-1].loc)})

    def not_cond(self):
        src, start = self.src, self.pos
        m = _NAMED_CONDITION(src, start)
        if m is not None:  # a plain name: the usual case (`_rest`, and `comparison`'s first step)
            end = m.end(1)
            subject = _name_node(_joined(src, start, end, m.group(1)), self.where(start, end))
            op = m.group(2)
            if op is None:
                self._at_token(m.end())
                if m.group(5) is not None:
                    return _make(ast.Ref, {"name": subject, "loc": subject.loc})
                return self.after_name(subject)
            unit = m.group(4)
            if unit is None:
                value = self._value(m, 3)
            else:  # `_value`, its usual case inline
                value = _value_node(number_text(m.group(3)), unit, self.where(m.start(3), m.end(4)))
                self._at_token(m.end())
            return _compare_node(subject, _CMP_OPS.get(op, op), value, False, _span(subject.loc, value.loc))
        kw, w, end = self.word()
        if kw == "NOT":
            tok = self._fixed(end)
            self.level += 1
            if self.level > _LEVELS:
                raise Bail
            arg = self.not_cond()
            self.level -= 1
            return _make(ast.Not, {"arg": arg, "form": "not", "loc": _span(tok, arg.loc)})
        if kw == "NO":
            tok = self._fixed(end)
            name = self.name()
            ref = _make(ast.Ref, {"name": name, "loc": name.loc})
            return _make(ast.Not, {"arg": ref, "form": "no", "loc": _span(tok, name.loc)})
        return self.atom(kw, w, end)

    def atom(self, kw, w, end):
        if w is None:
            if self.at("("):
                tok = self.char("(")
                arg = self.condition()
                close = self.char(")")
                return _make(ast.Group, {"arg": arg, "loc": _span(tok, close)})
            if self.src.startswith(_QUOTES, self.pos):
                return self.after_name(self.quoted_name())
            raise Bail
        if kw not in _LEAD:
            raise Bail  # `and`, `or`, `then`, `because`: Lark tells what is wrong
        start = self.pos
        tok = self._fixed(end)
        nkw = self.keyword()
        if kw == "FIRST" and nkw == "KNOWN":
            return self.after_first_known(tok)
        if kw == "AT" and nkw == "LEAST":
            self.skip_keyword("LEAST")
            k, _ = self.regex(_INT)
            return self.count("at least", int(k), tok)
        if kw in ("ANY", "ALL", "NONE") and nkw == "OF":
            return self.count(kw.lower(), None, tok)
        # `at risk of falls`: a name after all
        return self.after_name(self.led_name(w, start, end, True))

    def count(self, kind: str, k, first: Location):
        self.skip_keyword("OF")
        self.skip_char("[")
        args = [self.condition()]
        while self.at(","):
            self._skip(self.pos + 1)
            if self.at("]"):
                break
            args.append(self.condition())
        close = self.char("]")
        return _make(ast.Count, {"kind": kind, "k": k, "args": tuple(args), "loc": _span(first, close)})

    def after_first_known(self, first: Location):
        self.skip_keyword("KNOWN")
        self.skip_keyword("OF")
        names, close = self.names_list()
        subject = ast.FirstKnown(tuple(names), _span(first, close))
        return self.comparison(subject, options=False)

    def after_name(self, subject: ast.Name):
        return self.comparison(subject, options=True)

    def comparison(self, subject, options: bool):
        """What follows a subject: `> V`, `is ...`, `between V and W`, or nothing (a Ref)."""
        src, pos = self.src, self.pos
        m = _CMP(src, pos)
        if m is not None:
            op = m.group()
            self._skip(m.end())
            value = self.value()
            return _compare_node(subject, _CMP_OPS.get(op, op), value, False, _span(subject.loc, value.loc))
        kw, w, end = self.word()
        if kw == "BETWEEN":
            self._skip(end)
            low = self.value()
            self.skip_keyword("AND")
            high = self.value()
            return _make(ast.Between, {"subject": subject, "low": low, "high": high, "loc": _span(subject.loc, high.loc)})
        if kw != "IS":
            if not options:
                raise Bail  # `first known of [...]` must be compared
            return _make(ast.Ref, {"name": subject, "loc": subject.loc})
        self._skip(end)
        kw, w, end = self.word()
        if kw == "AT":
            start = self.pos
            self._skip(end)
            nkw = self.keyword()
            if nkw in ("LEAST", "MOST"):
                self.skip_keyword(nkw)
                value = self.value()
                return _compare_node(subject, _WORD_OPS[nkw], value, True, _span(subject.loc, value.loc))
            if not options:
                raise Bail
            option = self.led_name(w, start, end, False)
            if self.keyword() in ("IS", "BETWEEN", "BECAUSE"):
                raise Bail  # plain words after `is at` in Lark's state
            return ast.IsOption(subject, (option,), False, False, _span(subject.loc, option.loc))
        if kw in ("MORE", "LESS"):
            self._skip(end)
            self.skip_keyword("THAN")
            value = self.value()
            return _compare_node(subject, _WORD_OPS[kw], value, True, _span(subject.loc, value.loc))
        if not options:
            raise Bail
        negated = False
        if kw == "NOT":
            negated = True
            self._skip(end)
            kw, w, end = self.word()
        if kw == "ONE":
            self._skip(end)
            self.skip_keyword("OF")
            names, close = self.names_list()
            return ast.IsOption(subject, tuple(names), negated, True, _span(subject.loc, close))
        if kw == "MISSING" or kw == "KNOWN":
            tok = self._fixed(end)
            return ast.Presence(subject, (kw == "KNOWN") != negated, _span(subject.loc, tok))
        option = self.name()
        return ast.IsOption(subject, (option,), negated, False, _span(subject.loc, option.loc))

    # --- statements -------------------------------------------------------------------

    def header(self) -> ast.Header:
        first = self.expect_keyword("RULESET")
        raw, last = self.string()
        title = string_text(raw)
        if not title.strip():
            raise Bail
        version = scope = None
        if self.keyword() == "VERSION_KW":
            self.skip_keyword("VERSION_KW")
            if self.src.startswith(_QUOTES, self.pos):
                raw, last = self.string()
                version = string_text(raw).strip()
            else:
                version, last = self.regex(_VERSION)
        if self.keyword() == "APPLIES":
            self.skip_keyword("APPLIES")
            self.skip_keyword("WHEN")
            scope = self.condition()
            last = scope.loc
        return ast.Header(" ".join(title.split()), version, scope, _span(first, last))

    def statements(self) -> list:
        out = []
        while self.pos < self.n:
            kw, w, end = self.word()
            if kw == "RULE":
                out.append(self.named_rule())
            elif kw == "IF":
                out.append(self.bare_rule())
            elif kw == "INPUT":
                out.append(self.input())
            elif kw == "DEFINE":
                out.append(self.define())
            elif kw == "DECISION":
                out.append(self.decision())
            elif kw == "CODE":
                out.append(self.code())
            elif kw == "SOURCE":
                out.append(self.source())
            else:
                raise Bail
        return out

    def source(self) -> ast.Source:
        first = self.expect_keyword("SOURCE")
        number, _ = self.regex(_INT)
        self.skip_char(":")
        raw, last = self.string()
        return ast.Source(int(number), string_text(raw), _span(first, last))

    def input(self) -> ast.Input:
        first = self.expect_keyword("INPUT")
        name = self.name()
        self.skip_char(":")
        kw, w, end = self.word()
        unit = None
        options = ()
        if kw == "YESNO":
            kind = "yes/no"
            type_first = type_last = self._fixed(end)
        elif kw == "NUMBER_KW":
            kind = "number"
            type_first = type_last = self._fixed(end)
            if self.keyword() == "IN":
                self.skip_keyword("IN")
                unit, type_last = self.regex(_UNIT)
        elif kw == "ONE":
            kind = "one of"
            type_first = self._fixed(end)
            self.skip_keyword("OF")
            names, type_last = self.names_list()
            options = tuple(names)
        else:
            raise Bail
        low = high = molar_mass = typical = None
        end_loc = type_last
        if self.keyword() == "FROM":
            self.skip_keyword("FROM")
            low = self.value()
            self.skip_keyword("TO")
            high = self.value()
            type_last = end_loc = high.loc
        if self.at(","):
            self._skip(self.pos + 1)
            kw = self.keyword()
            if kw == "MOLAR":
                self.skip_keyword("MOLAR")
                self.skip_keyword("MASS")
                molar_mass = self.value()
                type_last = end_loc = molar_mass.loc
                if self.at(","):
                    self._skip(self.pos + 1)
                    if self.keyword() != "TYPICAL":
                        raise Bail
            elif kw != "TYPICAL":
                raise Bail
        if self.keyword() == "TYPICAL":
            self.skip_keyword("TYPICAL")
            typical = self.value()
            end_loc = typical.loc
        itype = ast.InputType(kind, unit, options, low, high, _span(type_first, type_last), molar_mass)
        return ast.Input(name, itype, _span(first, end_loc), typical=typical)

    def define(self) -> ast.Define:
        first = self.expect_keyword("DEFINE")
        name = self.name()
        self.skip_char(":")
        if self.keyword() == "SCORE":
            score_first = self.expect_keyword("SCORE")
            self.skip_keyword("OF")
            self.skip_char("[")
            items = [self.score_item()]
            while self.at(","):
                self._skip(self.pos + 1)
                if self.at("]"):
                    break
                items.append(self.score_item())
            close = self.char("]")
            score = ast.Score(tuple(items), _span(score_first, close))
            return ast.Define(name, score, _span(first, close))
        body = self.condition()
        return ast.Define(name, body, _span(first, body.loc))

    def score_item(self) -> ast.ScoreItem:
        condition = self.condition()
        self.skip_char(":")
        number, loc = self.regex(_NUMBER)
        return ast.ScoreItem(condition, number_text(number), _span(condition.loc, loc))

    def decision(self) -> ast.Decision:
        first = self.expect_keyword("DECISION")
        name = self.name()
        self.skip_char(":")
        kw, w, end = self.word()
        if kw not in ("ONE", "ANY"):
            raise Bail
        kind = "one of" if kw == "ONE" else "any of"
        self._skip(end)
        self.skip_keyword("OF")
        names, last = self.names_list()
        policy = None
        kw = self.keyword()
        if kw == "WITH":
            self.skip_keyword("WITH")
            kw = self.keyword()
            if kw == "PRIORITY":
                policy, last = "priority", self.expect_keyword("PRIORITY")
            elif kw != "FIRST":
                raise Bail
        if kw == "FIRST":
            self.skip_keyword("FIRST")
            policy, last = "first match", self.expect_keyword("MATCH")
        if policy is not None and kind == "any of":
            raise Bail  # the builder's error, told by Lark
        return ast.Decision(name, kind, tuple(names), policy, _span(first, last))

    def code(self) -> ast.Code:
        first = self.expect_keyword("CODE")
        name = self.name()
        self.skip_char(":")
        if self.src.startswith(_QUOTES, self.pos):
            raw, _ = self.string()
            system = string_text(raw).strip()
        else:
            system, _ = self.regex(_WORD)
        if self.src.startswith(_QUOTES, self.pos):
            raw, last = self.string()
            value = string_text(raw).strip()
        else:
            value, last = self.regex(_CODE_VALUE)
        return ast.Code(name, system, value, _span(first, last))

    def named_rule(self) -> ast.Rule:
        src = self.src
        m = _RULE_HEAD(src, self.pos)
        if m is not None:  # `rule NAME: IF`: the steps below in one match
            first = self.where(m.start(1), m.end(1))
            start, end = m.span(2)
            name = _name_node(_joined(src, start, end, m.group(2)), self.where(start, end))
            self._at_token(m.end())
            condition = self.condition()
            m = _THEN_NAME(src, self.pos)
            if m is None:
                self.skip_keyword("THEN")
                return self.rule_rest(name, condition, first)
            start, end = m.span(1)
            option = _name_node(_joined(src, start, end, m.group(1)), self.where(start, end))
            self._at_token(m.end())
            return self.rule_rest(name, condition, first, option)
        first = self.expect_keyword("RULE")
        name = self.name()
        self.skip_char(":")
        kw, w, end = self.word()
        if kw == "OTHERWISE":
            self._skip(end)
            condition = None
        elif kw == "IF":
            self._skip(end)
            condition = self.condition()
            self.skip_keyword("THEN")
        else:
            raise Bail
        return self.rule_rest(name, condition, first)

    def bare_rule(self) -> ast.Rule:
        first = self.expect_keyword("IF")
        condition = self.condition()
        self.skip_keyword("THEN")
        return self.rule_rest(None, condition, first)

    def rule_rest(self, name, condition, first: Location, option=None) -> ast.Rule:
        """The actions and the reason (`option`: the first action's name, if read already)."""
        actions = [self.action(option)]
        while True:
            if self.at(","):
                self._skip(self.pos + 1)
            else:
                kw = self.keyword()
                if kw != "AND":
                    break
                self._skip(self.pos + 3)
            actions.append(self.action())
        because = None
        last = actions[-1].loc
        if kw == "BECAUSE":  # the keyword the loop ended on
            because = self.because()
            last = because.loc
        return _make(ast.Rule, {"name": name, "condition": condition, "actions": tuple(actions), "because": because,
                                "loc": _span(first, last), "suppressions": ()})

    def action(self, option=None) -> ast.Action:
        if option is None:
            option = self.name()
        if not self.at(":"):
            return _make(ast.Action, {"decision": None, "option": option, "loc": option.loc})
        self._skip(self.pos + 1)
        chosen = self.name()
        return _make(ast.Action, {"decision": option, "option": chosen, "loc": _span(option.loc, chosen.loc)})

    def because(self) -> ast.Because:
        m = _BECAUSE_TAIL(self.src, self.pos)
        if m is not None:  # `because "TEXT" [1, 2]`: the steps below in one match
            citations = tuple(_make(ast.Citation, {"number": int(d.group()), "loc": self.where(d.start(), d.end())})
                              for d in _DIGITS(self.src, m.start(2), m.end(2)))
            loc = self.where(m.start(), m.start(3))
            self._at_token(m.end())
            return _make(ast.Because, {"text": string_text(m.group(1)), "citations": citations, "loc": loc})
        first = self.expect_keyword("BECAUSE")
        text = ""
        last = None
        if self.src.startswith(_QUOTES, self.pos):
            raw, last = self.string()
            text = string_text(raw)
        citations = ()
        if self.at("["):
            self._skip(self.pos + 1)
            found = []
            while True:
                number, loc = self.regex(_INT)
                found.append(_make(ast.Citation, {"number": int(number), "loc": loc}))
                if not self.at(","):
                    break
                self._skip(self.pos + 1)
                if self.at("]"):
                    break
            last = self.char("]")
            citations = tuple(found)
        if last is None:
            raise Bail
        return _make(ast.Because, {"text": text, "citations": citations, "loc": _span(first, last)})


def enabled() -> bool:
    """Is the reader checked against the grammar as shipped?"""
    return _SHA == GRAMMAR_SHA256


def read(source: str):
    """(header, statements, comment tokens) of a well-formed text, else Bail."""
    reader = _Reader(source)
    header = reader.header()
    statements = reader.statements()
    return header, statements, reader.comments

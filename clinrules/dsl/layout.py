"""The canonical layout of one statement: its lines, each tied to the source.

Every output line carries an *anchor*, the source offset of the first token
it shows, so the formatter can put each comment back next to the words it
was written beside. Nothing here resolves a name or a unit: the layout only
re-spaces the tokens the editor wrote, in the order written. Names keep the
spelling used at that place, quoted names and strings keep their quotes and
escapes, numbers and units stay as written (`6 weeks` is never `42 days`).

Only white space, keyword case and a few synonyms with the same syntax tree
change (`==` is `=`, `is not known` is `is missing`, `with first match` is
`first match`); `format.py` proves that by re-parsing and re-compiling.

A construct is written on one line when it fits in `WIDTH` columns and no
comment sits between its parts; otherwise a list (`any of [`, options, score
items) puts one item per line, an AND/OR chain puts each further operand on
its own line behind its operator, and parentheses open onto their own lines.
"""

from __future__ import annotations

import bisect
import re

from clinrules.dsl import ast

WIDTH = 88
STEP = 2  # spaces per indentation level

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|“[^”]*”')
_WORD = re.compile(r"[^\W\d_][\w'’\/-]*", re.I)
_CODE_VALUE = re.compile(r'[^\s#,\[\]()"“”]+')
_VERSION = re.compile(r"v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.+-]+)?", re.I)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_INT = re.compile(r"\d+")
_VERSION_KW = re.compile(r"version(?![\w'’\/-])", re.I)

_WORD_OPS = {">=": "is at least", "<=": "is at most", ">": "is more than", "<": "is less than"}
_POLICY = {"priority": " with priority", "first match": " first match", None: ""}

# A line is [indent, text, anchor]; the first part a renderer returns has
# indent None: its text continues the line the caller is building.
Part = list


def requote(text: str) -> str:
    """`text` as a straight-quoted string that reads back as `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Layout:
    """Lays out the statements of one parsed source text."""

    def __init__(self, source: str, comment_offsets: list[int]):
        self.src = source
        self.starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self.starts.append(i + 1)
        self.comments = comment_offsets  # sorted

    # --- positions ---------------------------------------------------------------

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def start(self, node) -> int:
        return self.offset(node.loc.line, node.loc.column)

    def end(self, node) -> int:
        return self.offset(node.loc.end_line, node.loc.end_column)

    def skip(self, o: int) -> int:
        """The offset of the next token at or after `o` (white space and comments skipped)."""
        src, n = self.src, len(self.src)
        while o < n:
            ch = src[o]
            if ch.isspace():
                o += 1
            elif ch == "#":
                nl = src.find("\n", o)
                o = n if nl < 0 else nl
            else:
                break
        return o

    def after(self, o: int, char: str) -> int:
        """The offset of the token after the `char` that is the next token at `o`."""
        o = self.skip(o)
        return self.skip(o + 1) if self.src.startswith(char, o) else o

    def token(self, pattern: re.Pattern, o: int) -> tuple[str, int]:
        """The token `pattern` reads at the next token from `o`, and where it ends."""
        o = self.skip(o)
        m = pattern.match(self.src, o)
        return (m.group(0), m.end()) if m else ("", o)

    def close(self, o: int) -> int:
        """Where the `]` closing a list is, given the end of its last item (a trailing comma skipped)."""
        return self.after(o, ",")

    def commented(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.comments, lo)
        return i < len(self.comments) and self.comments[i] < hi

    def gapped(self, node, children) -> bool:
        """Is there a comment between the parts of `node` (not inside a part)?

        Between the operands of AND/OR only a comment before the operator
        counts: one after it is written behind the operand that follows, so
        the next formatting must come to the same decision.
        """
        if isinstance(node, (ast.And, ast.Or)):
            return any(self.commented(self.end(a), self.skip(self.end(a))) for a in children[:-1])
        lo = self.start(node)
        for child in children:
            if self.commented(lo, self.start(child)):
                return True
            lo = self.end(child)
        return self.commented(lo, self.end(node))

    # --- words -------------------------------------------------------------------

    def string(self, o: int) -> tuple[str, int]:
        """The string token at the next token from `o`, as written (one line)."""
        raw, end = self.token(_STRING, o)
        if "\n" in raw:  # a string over several lines reads as one line
            inner = raw[1:-1]
            inner = re.sub(r"\\(.)", r"\1", inner, flags=re.S)
            raw = requote(" ".join(re.sub(r"\s*\n\s*", " ", inner).split(" ")))
        return raw, end

    def name(self, name: ast.Name) -> str:
        if not name.quoted:
            return name.text
        raw = self.src[self.start(name):self.end(name)]
        return requote(name.text) if "\n" in raw else raw

    def subject(self, subject) -> str:
        """What a comparison compares: a name or `first known of [A, B]`."""
        if isinstance(subject, ast.FirstKnown):
            return f"first known of [{self.names(subject.names)}]"
        return self.name(subject)

    def value(self, value: ast.Value) -> str:
        m = _NUMBER.match(self.src, self.start(value))
        number = m.group(0) if m else value.number
        return f"{number} {value.unit}" if value.unit else number

    def names(self, names) -> str:
        return ", ".join(self.name(n) for n in names)

    # --- conditions ----------------------------------------------------------------

    def flat(self, c) -> str:
        if isinstance(c, ast.Ref):
            return self.name(c.name)
        if isinstance(c, ast.Not):
            if c.form == "no":
                return f"no {self.name(c.arg.name)}"
            return f"NOT {self.flat(c.arg)}"
        if isinstance(c, ast.And):
            return " AND ".join(self.flat(a) for a in c.args)
        if isinstance(c, ast.Or):
            return " OR ".join(self.flat(a) for a in c.args)
        if isinstance(c, ast.Group):
            return f"({self.flat(c.arg)})"
        if isinstance(c, ast.Compare):
            op = _WORD_OPS[c.op] if c.words and c.op in _WORD_OPS else c.op
            return f"{self.subject(c.subject)} {op} {self.value(c.value)}"
        if isinstance(c, ast.Between):
            return f"{self.subject(c.subject)} between {self.value(c.low)} and {self.value(c.high)}"
        if isinstance(c, ast.IsOption):
            return f"{self.name(c.subject)} {self._is(c)}" + (
                f"[{self.names(c.options)}]" if c.one_of else self.name(c.options[0]))
        if isinstance(c, ast.Presence):
            return f"{self.name(c.subject)} is {'known' if c.known else 'missing'}"
        if isinstance(c, ast.Count):
            return f"{self._count_head(c)}{', '.join(self.flat(a) for a in c.args)}]"
        raise TypeError(f"unknown condition {type(c).__name__}")

    @staticmethod
    def _is(c: ast.IsOption) -> str:
        return "is " + ("not " if c.negated else "") + ("one of " if c.one_of else "")

    @staticmethod
    def _count_head(c: ast.Count) -> str:
        return f"at least {c.k} of [" if c.kind == "at least" else f"{c.kind} of ["

    def cond(self, c, col: int, indent: int, hang: bool, trail: int = 0) -> list[Part]:
        """`c` starting at column `col` of a line indented `indent`.

        `hang` says `c` follows other words on its line (`IF `, `AND `), so
        its operators continue one level deeper; `trail` is the width of what
        the caller will append to its last line.
        """
        flat = self.flat(c)
        children = self._children(c)
        if children is None or (col + len(flat) + trail <= WIDTH and not self.gapped(c, children)):
            return [[None, flat, self.start(c)]]
        if isinstance(c, (ast.And, ast.Or)):
            return self._chain(c, col, indent, hang, trail)
        if isinstance(c, ast.Group):
            inner = self.cond(c.arg, indent + STEP, indent + STEP, False)
            inner[0][0] = indent + STEP
            return [[None, "(", self.start(c)], *inner, [indent, ")", self.end(c) - 1]]
        if isinstance(c, ast.Not):
            parts = self.cond(c.arg, col + 4, indent, True, trail)
            parts[0][1] = "NOT " + parts[0][1]
            parts[0][2] = self.start(c)
            return parts
        if isinstance(c, ast.Count):
            return self.bracket(self._count_head(c), self.start(c), c.args, self._cond_item,
                                self.end(c) - 1, indent)
        # `NAME is [not] one of [...]`
        head = f"{self.name(c.subject)} {self._is(c)}["
        return self.bracket(head, self.start(c), c.options, self._name_item, self.end(c) - 1, indent)

    @staticmethod
    def _children(c):
        """The parts a condition may be broken between, or None if it stays on one line."""
        if isinstance(c, (ast.And, ast.Or, ast.Count)):
            return c.args
        if isinstance(c, ast.Group):
            return (c.arg,)
        if isinstance(c, ast.Not) and c.form == "not":
            return (c.arg,)
        if isinstance(c, ast.IsOption) and c.one_of:
            return c.options
        return None

    def _chain(self, c, col: int, indent: int, hang: bool, trail: int) -> list[Part]:
        word = "AND " if isinstance(c, ast.And) else "OR "
        inner = indent + STEP if hang else indent
        out: list[Part] = []
        last = len(c.args) - 1
        for i, arg in enumerate(c.args):
            t = trail if i == last else 0
            nested = isinstance(c, ast.Or) and isinstance(arg, ast.And)
            if i == 0:
                out += self.cond(arg, col, inner if nested else indent, nested or hang, t)
                continue
            parts = self.cond(arg, inner + len(word), inner, True, t)
            parts[0] = [inner, word + parts[0][1], self.skip(self.end(c.args[i - 1]))]
            out += parts
        return out

    def _cond_item(self, item, col: int, indent: int, trail: int) -> list[Part]:
        return self.cond(item, col, indent, False, trail)

    def _name_item(self, item: ast.Name, col: int, indent: int, trail: int) -> list[Part]:
        return [[None, self.name(item), self.start(item)]]

    def _score_item(self, item: ast.ScoreItem, col: int, indent: int, trail: int) -> list[Part]:
        points = f": {item.points}"
        parts = self.cond(item.condition, col, indent, False, trail + len(points))
        parts[-1][1] += points
        return parts

    def bracket(self, head: str, head_at: int, items, render, close_at: int, indent: int) -> list[Part]:
        """`head` then one item per line, one level in, and `]` back at `indent`."""
        out: list[Part] = [[None, head, head_at]]
        inner = indent + STEP
        for i, item in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            parts = render(item, inner, inner, len(comma))
            parts[0][0] = inner
            parts[-1][1] += comma
            out += parts
        out.append([indent, "]", close_at])
        return out

    # --- statements ------------------------------------------------------------------

    def statement(self, s) -> list[Part]:
        """The lines of one statement (the header included), first line at indent 0."""
        kind = type(s).__name__.lower()
        lines = getattr(self, "_" + kind)(s)
        lines[0][0] = 0
        return lines

    @staticmethod
    def _join(line: Part, parts: list[Part]) -> list[Part]:
        line[1] += parts[0][1]
        return [line, *parts[1:]]

    def _header(self, h: ast.Header) -> list[Part]:
        title, o = self.string(self.start(h) + len("ruleset"))
        text = f"ruleset {title}"
        o = self.skip(o)
        if h.version is not None and _VERSION_KW.match(self.src, o):
            o = self.skip(o + len("version"))
            raw = _STRING.match(self.src, o) or _VERSION.match(self.src, o)
            version = self.string(o)[0] if raw.group(0).startswith(('"', "“")) else raw.group(0)
            text += f" version {version}"
            o = raw.end()
        lines = [[0, text, self.start(h)]]
        if h.scope is not None:
            head = "applies when "
            parts = self.cond(h.scope, STEP + len(head), STEP, True)
            lines += self._join([STEP, head, self.skip(o)], parts)
        return lines

    def _source(self, s: ast.Source) -> list[Part]:
        _, o = self.token(_INT, self.start(s) + len("source"))
        citation, _ = self.string(self.after(o, ":"))
        return [[0, f"source {s.number}: {citation}", self.start(s)]]

    def _input(self, s: ast.Input) -> list[Part]:
        t = s.type
        head = f"input {self.name(s.name)}: "
        tail = f" from {self.value(t.low)} to {self.value(t.high)}" if t.low is not None else ""
        if t.molar_mass is not None:
            tail += f", molar mass {self.value(t.molar_mass)}"
        if s.typical is not None:
            tail += f", typical {self.value(s.typical)}"
        if t.kind == "one of":
            listed = f"one of [{self.names(t.options)}]"
            close = self.close(self.end(t.options[-1]))
            if len(head + listed + tail) <= WIDTH and not self.gapped_list(self.start(t), t.options, close):
                return [[0, head + listed + tail, self.start(s)]]
            lines = self._join([0, head, self.start(s)],
                               self.bracket("one of [", self.start(t), t.options, self._name_item, close, 0))
            lines[-1][1] += tail
            return lines
        kind = t.kind + (f" in {t.unit}" if t.unit else "")
        return [[0, head + kind + tail, self.start(s)]]

    def gapped_list(self, lo: int, items, close: int) -> bool:
        for item in items:
            if self.commented(lo, self.start(item)):
                return True
            lo = self.end(item)
        return self.commented(lo, close)

    def _define(self, s: ast.Define) -> list[Part]:
        head = f"define {self.name(s.name)}: "
        first = [0, head, self.start(s)]
        body = s.body
        if not isinstance(body, ast.Score):
            parts = self.cond(body, len(head), 0, True)
            if len(parts) > 1 and isinstance(body, (ast.And, ast.Or)):
                # A long AND/OR chain starts on its own line, one level in.
                parts = self.cond(body, STEP, STEP, False)
                parts[0][0] = STEP
                return [[0, head.rstrip(), self.start(s)], *parts]
            return self._join(first, parts)
        items = ", ".join(f"{self.flat(i.condition)}: {i.points}" for i in body.items)
        close = self.end(body) - 1
        flat = f"score of [{items}]"
        if len(head + flat) <= WIDTH and not self.gapped_list(self.start(body), body.items, close):
            return self._join(first, [[None, flat, self.start(body)]])
        return self._join(first, self.bracket("score of [", self.start(body), body.items,
                                              self._score_item, close, 0))

    def _decision(self, s: ast.Decision) -> list[Part]:
        head = f"decision {self.name(s.name)}: {s.kind} ["
        tail = "]" + _POLICY[s.policy]
        close = self.close(self.end(s.options[-1]))
        flat = head + self.names(s.options) + tail
        if len(flat) <= WIDTH and not self.gapped_list(self.start(s), s.options, close):
            return [[0, flat, self.start(s)]]
        lines = self.bracket(head, self.start(s), s.options, self._name_item, close, 0)
        lines[-1][1] += _POLICY[s.policy]
        return lines

    def _code(self, s: ast.Code) -> list[Part]:
        o = self.after(self.end(s.name), ":")
        if self.src.startswith(('"', "“"), o):
            system, o = self.string(o)
        else:
            system, o = self.token(_WORD, o)
        o = self.skip(o)
        if self.src.startswith(('"', "“"), o):
            value, _ = self.string(o)
        else:
            value, _ = self.token(_CODE_VALUE, o)
        return [[0, f"code {self.name(s.name)}: {system} {value}", self.start(s)]]

    def _rule(self, r: ast.Rule) -> list[Part]:
        if r.name is None:  # a bare rule: `IF` opens the statement itself
            lines = self._join([0, "IF ", self.start(r)], self.cond(r.condition, 3, STEP, True))
        else:
            lines = [[0, f"rule {self.name(r.name)}:", self.start(r)]]
            o = self.after(self.end(r.name), ":")
            if r.condition is None:
                lines += self._actions("OTHERWISE ", o, r.actions)
                return lines + self._because(r.because)
            lines += self._join([STEP, "IF ", o], self.cond(r.condition, STEP + 3, STEP, True))
        lines += self._actions("THEN ", self.skip(self.end(r.condition)), r.actions)
        return lines + self._because(r.because)

    def _action(self, a: ast.Action) -> str:
        if a.decision is None:
            return self.name(a.option)
        return f"{self.name(a.decision)}: {self.name(a.option)}"

    def _actions(self, word: str, at: int, actions) -> list[Part]:
        texts = [self._action(a) for a in actions]
        flat = word + ", ".join(texts)
        if STEP + len(flat) <= WIDTH:
            return [[STEP, flat, at]]
        lines = [[STEP, word + texts[0], at]]
        for a, text in zip(actions[1:], texts[1:]):
            lines[-1][1] += ","
            lines.append([2 * STEP, text, self.start(a)])
        return lines

    def _because(self, b: ast.Because | None) -> list[Part]:
        if b is None:
            return []
        text = "BECAUSE"
        o = self.skip(self.start(b) + len("because"))
        if self.src.startswith(('"', "“"), o):
            text += " " + self.string(o)[0]
        if b.citations:
            text += " [" + ", ".join(str(c.number) for c in b.citations) + "]"
        return [[STEP, text, self.start(b)]]

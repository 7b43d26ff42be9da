"""Stage `conditions`: resolve, type-check and lower every condition to its IR node.

This is where a name meets its meaning: a yes/no input or a condition
definition is a condition, a number, quantity or score is compared, a one-of
input is tested with `is`. Each misuse gets its own code and a message in the
editor's words. Every node also gets its `text`, the condition as an editor
would write it, so reports never need the source.
"""

from __future__ import annotations

import copy
import dataclasses
from fractions import Fraction
from typing import Callable

from clinrules.compiler import values
from clinrules.compiler.names import closest, did_you_mean, spell
from clinrules.compiler.numbers import bad_number_message, exact_str, parse_exact
from clinrules.compiler.state import Compilation, InputInfo
from clinrules.dsl import ast
from clinrules.limits import MAX_NESTING

WORD_OPS = {">=": "is at least", "<=": "is at most", ">": "is more than", "<": "is less than"}
_YES = {"yes", "true"}
_NO = {"no", "false"}
_TYPE_WORDS = {"number": "a number", "quantity": "a quantity", "one of": "a one-of input", "yes/no": "a yes/no input"}


def compile_conditions(comp: Compilation) -> None:
    header = comp.file.header
    if header.scope is not None:
        comp.scope = Lowering(comp, owner=None).node(header.scope)
    for stmt in comp.statements(ast.Define):
        lowering = Lowering(comp, owner=stmt.name.key)
        if isinstance(stmt.body, ast.Score):
            items = [
                {"condition": lowering.node(item.condition), "points": _points(comp, item), "at": item.loc.as_dict()}
                for item in stmt.body.items
            ]
            compiled = {"kind": "score", "items": items}
        else:
            compiled = {"kind": "condition", "condition": lowering.node(stmt.body)}
        comp.definitions.setdefault(stmt.name.key, compiled)
        comp.references.setdefault(stmt.name.key, lowering.references)
    # When each definition's key names a definition (and not also a decision,
    # say), a rule reads the definitions and scores its `references` list, no other.
    named = all(comp.symbol(key, "definition") is not None for key in comp.definitions)
    for index, stmt in enumerate(comp.statements(ast.Rule)):
        lowering = Lowering(comp, owner=None)
        node = None if stmt.condition is None else lowering.node(stmt.condition)
        comp.rules.append({"condition": node})
        if named and node is not None:
            comp.nesting_bounds[index] = (lowering.deepest - 1 + _TERMINAL_LEVELS,
                                          tuple(dict.fromkeys(key for key, _ in lowering.references)))


# condition type -> its Lowering method, filled on first use
_LOWER: dict[type, Callable] = {}
# The most levels of IR one `Lowering.node` call makes without calling `node`
# again: `first known of` lowers to or > and > or > compare. Every other call
# makes one level above the calls it makes, or two at most (`no NAME`, `is no`)
# where it makes none. So a condition lowered with `node` calls nested
# `deepest` deep nests at most `deepest - 1 + _TERMINAL_LEVELS` levels, plus
# those of the deepest definition or score it reads (a `ref` or a `compare`
# among those levels stands for it).
_TERMINAL_LEVELS = 4


def _points(comp: Compilation, item: ast.ScoreItem) -> str:
    try:
        return exact_str(parse_exact(item.points))
    except ValueError:
        comp.error("bad-number", bad_number_message(item.points, "a number of points"), item.loc,
                   hint="write points as a decimal number such as `1` or `1.5`")
        return "0"


def definition_kind(comp: Compilation, key: str) -> str:
    sym = comp.symbol(key, "definition")
    return "score" if isinstance(sym.node.body, ast.Score) else "condition"


class Lowering:
    """Lowers the conditions of one statement; collects which definitions it reads."""

    def __init__(self, comp: Compilation, owner: str | None) -> None:
        self.comp = comp
        self.owner = owner
        self.references: list[tuple[str, object]] = []
        self.depth = self.deepest = 0  # `node` calls open, and the most ever open

    # --- dispatch -----------------------------------------------------------

    def node(self, cond) -> dict:
        method = _LOWER.get(type(cond))
        if method is None:
            method = _LOWER[type(cond)] = getattr(Lowering, "_" + type(cond).__name__.lower())
        self.depth += 1
        if self.depth > self.deepest:
            self.deepest = self.depth
        out = method(self, cond)
        self.depth -= 1
        loc = cond.loc
        out["at"] = {"line": loc.line, "column": loc.column}  # Location.as_dict, without the call
        return out

    def _group(self, cond: ast.Group) -> dict:
        inner = self.node(cond.arg)
        if "grouped" in inner:
            inner["grouped"] = True
        return inner

    def _and(self, cond: ast.And) -> dict:
        args = [self.node(a) for a in cond.args]
        return {"op": "and", "form": "and", "grouped": False, "args": args,
                "text": " AND ".join([_wrap(a, "and") for a in args])}

    def _or(self, cond: ast.Or) -> dict:
        args = [self.node(a) for a in cond.args]
        return {"op": "or", "form": "or", "grouped": False, "args": args,
                "text": " OR ".join([_wrap(a, "or") for a in args])}

    def _not(self, cond: ast.Not) -> dict:
        if cond.form == "no" and isinstance(cond.arg, ast.Ref):
            arg = self._ref(cond.arg)
            arg["at"] = cond.arg.loc.as_dict()
            return {"op": "not", "form": "no", "arg": arg, "text": f"no {arg['text']}"}
        arg = self.node(cond.arg)
        return {"op": "not", "form": "not", "arg": arg, "text": f"NOT {_wrap(arg, 'not')}"}

    def _count(self, cond: ast.Count) -> dict:
        args = [self.node(a) for a in cond.args]
        listed = "[" + ", ".join(_wrap(a, "list") for a in args) + "]"
        if cond.kind == "all":
            return {"op": "and", "form": "all of", "grouped": False, "args": args, "text": f"all of {listed}"}
        if cond.kind == "any":
            return {"op": "or", "form": "any of", "grouped": False, "args": args, "text": f"any of {listed}"}
        if cond.kind == "none":
            inner = {"op": "or", "form": "any of", "grouped": False, "args": args,
                     "text": f"any of {listed}", "at": cond.loc.as_dict()}
            return {"op": "not", "form": "none of", "arg": inner, "text": f"none of {listed}"}
        k = cond.k if cond.k is not None else 0
        if not 1 <= k <= len(args):
            self.comp.error(
                "bad-count",
                f"`at least {k} of` a list of {len(args)} can "
                + ("never be true" if k > len(args) else "never be false"),
                cond.loc,
                hint=f"use a number from 1 to {len(args)}",
            )
        return {"op": "at least", "k": k, "grouped": False, "args": args, "text": f"at least {k} of {listed}"}

    # --- names ----------------------------------------------------------------

    def _ref(self, cond: ast.Ref) -> dict:
        name = cond.name
        text = spell(self._display(name))
        info = self.comp.inputs.get(name.key)
        if info is not None:
            if info.type != "yes/no":
                self._not_a_condition(name, f"`{info.display}` is {_TYPE_WORDS[info.type]}", _use_hint(info))
            return {"op": "input", "input": name.key, "text": text}
        sym = self.comp.symbol(name.key)
        if sym is not None and sym.kind == "definition":
            self.references.append((name.key, name.loc))
            if definition_kind(self.comp, name.key) == "score":
                self._not_a_condition(
                    name, f"`{sym.display}` is a score", f"compare it, e.g. `{spell(sym.display)} >= 2`")
            return {"op": "ref", "definition": name.key, "text": text}
        self._unknown_condition(name)
        return {"op": "ref", "definition": name.key, "text": text}

    def _not_a_condition(self, name: ast.Name, what: str, hint: str) -> None:
        self.comp.error("not-a-condition", f"{what}, not a condition (yes/no)", name.loc, hint=hint)

    def _unknown_condition(self, name: ast.Name) -> None:
        """A name that cannot stand as a condition: undeclared, a decision or an option."""
        sym = self.comp.symbol(name.key)
        if sym is not None and sym.kind in ("decision", "option"):
            what = "a decision" if sym.kind == "decision" else "an option of " + ", ".join(
                f"`{self.comp.symbols[d].display}`" for d in sym.decisions)
            self.comp.error(
                "decision-in-condition",
                f"`{sym.display}` is {what}; conditions can only test inputs and definitions",
                name.loc,
                hint="rules cannot read decisions; `define` the shared condition and use it in each rule",
            )
            return
        for info in self.comp.inputs.values():
            if name.key in info.options:
                self.comp.error(
                    "not-a-condition",
                    f"`{info.options[name.key].text}` is an option of `{info.display}`, not a condition",
                    name.loc,
                    hint=f"write `{spell(info.display)} is {spell(info.options[name.key].text, 'option')}`",
                )
                return
        self._undeclared(name, self.comp.names_of("input", "definition"))

    def _undeclared(self, name: ast.Name, candidates: dict[str, str]) -> None:
        close = closest(name.key, candidates)
        message = f"`{name.text}` is not declared"
        if close:
            message += "; " + did_you_mean(close)
        self.comp.error(
            "undeclared-name",
            message,
            name.loc,
            hint=f"declare it (`input {spell(name.text)}: yes/no` or `define {spell(name.text)}: ...`) or fix the spelling",
        )

    def _display(self, name: ast.Name) -> str:
        sym = self.comp.symbol(name.key)
        return sym.display if sym is not None else name.text

    # --- comparisons ------------------------------------------------------------

    def _measure(self, subject: ast.Name, written: str) -> tuple[str, values.Measure] | None:
        """("input" | "score", what it measures), or None after reporting why it cannot be compared."""
        info = self.comp.inputs.get(subject.key)
        if info is not None:
            if info.type in ("number", "quantity"):
                measure = self.comp.measures.get(subject.key)
                if measure is None:  # the same for every comparison of this input
                    measure = self.comp.measures[subject.key] = values.Measure(
                        info.display, info.type, info.unit, info.decl.type.unit, info.molar_mass)
                return "input", measure
            hint = f"use `{spell(info.display)}` or `no {spell(info.display)}`" if info.type == "yes/no" \
                else f"write `{spell(info.display)} is {spell(next(iter(info.options.values())).text, 'option')}`"
            self.comp.error(
                "compare-non-number",
                f"`{info.display}` is {_TYPE_WORDS[info.type]}, not a number; it cannot be compared with `{written}`",
                subject.loc,
                hint=hint,
            )
            return None
        sym = self.comp.symbol(subject.key)
        if sym is not None and sym.kind == "definition":
            self.references.append((subject.key, subject.loc))
            if definition_kind(self.comp, subject.key) == "score":
                return "score", values.Measure(sym.display, "score")
            self.comp.error(
                "compare-non-number",
                f"`{sym.display}` is a condition (yes/no), not a number; it cannot be compared with `{written}`",
                subject.loc,
                hint=f"use `{spell(sym.display)}` or `no {spell(sym.display)}`",
            )
            return None
        self._unknown_condition(subject)
        return None

    def _compare(self, cond: ast.Compare) -> dict:
        if isinstance(cond.subject, ast.FirstKnown):
            return self._first_known(cond)
        value = cond.value
        key = ("compare", cond.subject.key, cond.op, cond.words, value.number, value.unit)
        done = self.comp.lowered.get(key)
        if done is not None:
            return done.copy()
        problems = len(self.comp.diagnostics)
        written = values.written(value)
        op_text = WORD_OPS.get(cond.op, cond.op) if cond.words else cond.op
        text = f"{spell(self._display(cond.subject))} {op_text} {written}"
        out = {"op": "compare", "cmp": cond.op, "written": written, "text": text, "value": "0"}
        found = self._measure(cond.subject, written)
        if found is None:
            out["input"] = cond.subject.key
            return out
        role, measure = found
        out[role] = cond.subject.key
        resolved = values.resolve(self.comp, value, measure)
        if resolved is not None:
            out["value"] = exact_str(resolved)
        self._keep(key, out, role, problems)
        return out

    def _keep(self, key: tuple, out: dict, role: str, problems: int) -> None:
        """Remember a comparison of an input lowered without a problem (see `Compilation.lowered`)."""
        if role == "input" and len(self.comp.diagnostics) == problems:
            self.comp.lowered[key] = out.copy()

    def _between(self, cond: ast.Between) -> dict:
        if isinstance(cond.subject, ast.FirstKnown):
            return self._first_known(cond)
        key = ("between", cond.subject.key, cond.low.number, cond.low.unit, cond.high.number, cond.high.unit)
        done = self.comp.lowered.get(key)
        if done is not None:
            return done.copy()
        problems = len(self.comp.diagnostics)
        low_w, high_w = values.written(cond.low), values.written(cond.high)
        text = f"{spell(self._display(cond.subject))} between {low_w} and {high_w}"
        out = {"op": "between", "written_low": low_w, "written_high": high_w, "text": text,
               "low": "0", "high": "0"}
        found = self._measure(cond.subject, f"{low_w} and {high_w}")
        if found is None:
            out["input"] = cond.subject.key
            return out
        role, measure = found
        out[role] = cond.subject.key
        lent = cond.high.unit if cond.low.unit is None else None
        high = values.resolve(self.comp, cond.high, measure)
        # A low that borrows the high's unit shares its problem: report it once, at the unit.
        low = None if lent and high is None else values.resolve(self.comp, cond.low, measure, unit_text=lent)
        if low is not None and high is not None:
            if low > high:
                self.comp.error(
                    "bad-range",
                    f"`between {low_w} and {high_w}` can never be true: the first value is the larger",
                    cond.low.loc,
                    hint="write the smaller value first: " + (
                        f"`between {cond.high.number} and {cond.low.number} {lent}`" if lent else f"`between {high_w} and {low_w}`"),
                )
            out["low"], out["high"] = exact_str(low), exact_str(high)
        self._keep(key, out, role, problems)
        return out

    # --- first known of [A, B, ...] ---------------------------------------------------

    def _first_known(self, cond) -> dict:
        """`first known of [A, B] > V`, lowered to existing ops (no new IR):

            (A is known AND A > V)
            OR (A is missing AND B is known AND B > V)
            OR (A is missing AND B is missing AND (A > V OR B > V))

        Each alternative's threshold is converted into its own unit (through
        its own molar mass). The last branch keeps the result unknown while
        every alternative is missing, and makes each of them needed, so a
        patient is asked for any one of the tests rather than for the last.
        """
        names = cond.subject.names
        at = cond.loc.as_dict()
        written = f"first known of [{', '.join(spell(self._display(n)) for n in names)}]"
        seen: set[str] = set()
        for name in names:
            if name.key in seen:
                self.comp.error("duplicate-name", f"`{name.text}` is listed twice in `first known of [...]`",
                                name.loc, hint="list each input once, the preferred one first")
            seen.add(name.key)
        if len(names) < 2:
            self.comp.error("bad-first-known", "`first known of [...]` needs at least two inputs", cond.loc,
                            hint=f"compare `{names[0].text}` directly")
        comparisons = []
        for name in names:
            info = self.comp.inputs.get(name.key)
            if info is None and self.comp.symbol(name.key, "definition") is not None:
                self.comp.error("not-an-input", f"`{self._display(name)}` is a definition; `first known of` "
                                "lists inputs", name.loc, hint="list the inputs a lab reports, e.g. `[urea, BUN]`")
                comparisons.append({"op": "compare", "input": name.key, "cmp": ">", "value": "0",
                                    "written": "0", "text": name.text, "at": at})
                continue
            one = dataclasses.replace(cond, subject=name)
            node = self._compare(one) if isinstance(one, ast.Compare) else self._between(one)
            node["at"] = name.loc.as_dict()
            comparisons.append(node)
            if info is not None:
                self._check_both_ways(one, node, info)

        def presence(name: ast.Name, known: bool) -> dict:
            word = "known" if known else "missing"
            return {"op": "known", "input": name.key, "known": known,
                    "text": f"{spell(self._display(name))} is {word}", "at": name.loc.as_dict()}

        def conj(args: list[dict]) -> dict:
            return {"op": "and", "form": "and", "grouped": True, "args": args, "at": at,
                    "text": " AND ".join([_wrap(a, "and") for a in args])}

        branches = []
        for i, name in enumerate(names):
            before = [presence(n, False) for n in names[:i]]
            branches.append(conj(before + [presence(name, True), comparisons[i]]))
        copies = [copy.deepcopy(c) for c in comparisons]
        anyone = {"op": "or", "form": "or", "grouped": True, "args": copies, "at": at,
                  "text": " OR ".join(_wrap(a, "or") for a in copies)}
        branches.append(conj([presence(n, False) for n in names] + [anyone]))
        tail = comparisons[0]["text"].split(" ", 1)
        text = comparisons[0]["text"]
        shown = spell(self._display(names[0]))
        if text.startswith(shown):
            text = written + text[len(shown):]
        elif len(tail) == 2:
            text = f"{written} {tail[1]}"
        return {"op": "or", "form": "or", "grouped": True, "args": branches, "text": text}

    def _check_both_ways(self, cond, node: dict, info: InputInfo) -> None:
        """Each alternative's comparison must be able to come out yes and no
        inside its range: otherwise, with every alternative missing, the
        others could not stand for it (and the comparison says nothing)."""
        low, high = info.low, info.high
        if node.get("op") == "compare":
            v, cmp = Fraction(node["value"]), node["cmp"]
            always = {
                ">": low is not None and low > v, ">=": low is not None and low >= v,
                "<": high is not None and high < v, "<=": high is not None and high <= v,
                "=": low == high == v, "!=": (low is not None and v < low) or (high is not None and v > high),
            }[cmp]
            never = {
                ">": high is not None and high <= v, ">=": high is not None and high < v,
                "<": low is not None and low >= v, "<=": low is not None and low > v,
                "=": (low is not None and v < low) or (high is not None and v > high), "!=": low == high == v,
            }[cmp]
        else:
            lo, hi = Fraction(node["low"]), Fraction(node["high"])
            always = low is not None and high is not None and low >= lo and high <= hi
            never = (high is not None and high < lo) or (low is not None and low > hi)
        if always or never:
            self.comp.error(
                "first-known-constant",
                f"`{node['text']}` is {'always' if always else 'never'} true within the range of "
                f"`{info.display}`; `first known of` needs each comparison to be able to go either way",
                cond.subject.loc,
                hint=f"widen the range of `{info.display}` or remove it from the list",
            )

    # --- options and presence ------------------------------------------------------

    def _isoption(self, cond: ast.IsOption) -> dict:
        verb = "is not" if cond.negated else "is"
        info = self.comp.inputs.get(cond.subject.key)
        declared = info.options if info is not None else {}
        listed = ", ".join(spell(declared[o.key].text if o.key in declared else o.text, "option")
                           for o in cond.options)
        shown = f"one of [{listed}]" if cond.one_of else listed
        subject = spell(self._display(cond.subject))
        text = f"{subject} {verb} {shown}"
        out = {"op": "in", "input": cond.subject.key, "negated": cond.negated,
               "options": list(dict.fromkeys(o.key for o in cond.options)), "text": text}
        info = self.comp.inputs.get(cond.subject.key)
        sym = self.comp.symbol(cond.subject.key)
        if info is not None and info.type == "one of":
            for option in cond.options:
                if option.key not in info.options:
                    self._unknown_option(option, info)
            return out
        is_condition = (info is not None and info.type == "yes/no") or (
            sym is not None and sym.kind == "definition" and definition_kind(self.comp, sym.name.key) == "condition")
        if is_condition:
            return self._yes_no_is(cond, text, out)
        if info is not None:
            self.comp.error(
                "not-one-of",
                f"`{info.display}` is {_TYPE_WORDS[info.type]}; `is OPTION` only tests one-of inputs",
                cond.subject.loc,
                hint=_use_hint(info),
            )
        elif sym is not None and sym.kind == "definition":
            self.references.append((sym.name.key, cond.subject.loc))
            self.comp.error(
                "not-one-of",
                f"`{sym.display}` is a score; `is OPTION` only tests one-of inputs",
                cond.subject.loc,
                hint=f"compare it, e.g. `{spell(sym.display)} >= 2`",
            )
        else:
            self._unknown_condition(cond.subject)
        return out

    def _yes_no_is(self, cond: ast.IsOption, text: str, out: dict) -> dict:
        """`fever is yes` is `fever`; `fever is no` is its negation."""
        subject = self._display(cond.subject)
        words = [o.key for o in cond.options]
        if cond.one_of:
            self.comp.error(
                "not-one-of",
                f"`{subject}` is yes or no; `is one of [...]` only tests one-of inputs",
                cond.loc,
                hint=f"write `{spell(subject)} is yes` or `{spell(subject)} is no`",
            )
            return out
        if words[0] not in _YES | _NO:
            self.comp.error(
                "not-one-of",
                f"`{subject}` is yes or no; it cannot be `{cond.options[0].text}`",
                cond.options[0].loc,
                hint=f"write `{spell(subject)} is yes` or `{spell(subject)} is no`",
            )
            return out
        positive = (words[0] in _YES) != cond.negated
        if self.comp.inputs.get(cond.subject.key) is not None:
            base = {"op": "input", "input": cond.subject.key}
        else:
            self.references.append((cond.subject.key, cond.subject.loc))
            base = {"op": "ref", "definition": cond.subject.key}
        if positive:
            return {**base, "text": text}
        base.update(text=spell(subject), at=cond.subject.loc.as_dict())
        return {"op": "not", "form": "not", "arg": base, "text": text}

    def _unknown_option(self, option: ast.Name, info: InputInfo) -> None:
        candidates = {k: n.text for k, n in info.options.items()}
        close = closest(option.key, candidates)
        listed = ", ".join(n.text for n in info.options.values())
        message = f"`{option.text}` is not an option of `{info.display}`"
        if close:
            message += "; " + did_you_mean(close)
        self.comp.error("unknown-option", message, option.loc, hint=f"its options are: {listed}")

    def _presence(self, cond: ast.Presence) -> dict:
        word = "known" if cond.known else "missing"
        text = f"{spell(self._display(cond.subject))} is {word}"
        if cond.subject.key not in self.comp.inputs:
            sym = self.comp.symbol(cond.subject.key)
            if sym is not None:
                if sym.kind == "definition":
                    self.references.append((sym.name.key, cond.subject.loc))
                self.comp.error(
                    "not-an-input",
                    f"`{sym.display}` is {'a definition' if sym.kind == 'definition' else 'not an input'}; "
                    f"only inputs can be `{word}`",
                    cond.subject.loc,
                    hint="test the inputs it is made of, e.g. `ESR is missing`",
                )
            else:
                self._unknown_condition(cond.subject)
        return {"op": "known", "input": cond.subject.key, "known": cond.known, "text": text}


def _use_hint(info: InputInfo) -> str:
    name = spell(info.display)
    if info.type == "one of":
        first = next(iter(info.options.values()), None)
        return f"test an option, e.g. `{name} is {spell(first.text, 'option')}`" if first else "test one of its options"
    if info.type == "quantity":
        return f"compare it, e.g. `{name} > 6 {info.decl.type.unit}`"
    return f"compare it, e.g. `{name} > 2`"


_PARENS = {
    # parent context -> child ops that need parentheses when not already grouped
    "and": {"or"},
    "or": set(),
    "not": {"and", "or", "at least"},
    "list": set(),
}


def _wrap(node: dict, context: str) -> str:
    op = node["op"]
    if node.get("grouped") or (op in _PARENS[context]
                               and not (node.get("form") in ("all of", "any of") or op == "at least")):
        return f"({node['text']})"
    return node["text"]

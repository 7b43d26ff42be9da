"""Fixture files: read them, check their shape, and tie every name they use to
the ruleset under test.

A fixture is checked in two steps. First its shape, against the JSON Schema
shipped as `clinrules/schemas/fixtures.schema.json`; then its names, against
the compiled ruleset: every input in `defaults`/`given`/`needs`, decision and
option in `expect` and rule in `fired` must exist there. A misspelt name is a
mistake in the fixture, not a failing patient, so both steps raise
`RulesError` (exit code 2) with every problem of the file at once, each
pointing at its line and naming its case, with the closest declared names as
a hint.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jsonschema

from clinrules.dsl.ast import name_key
from clinrules.errors import Diagnostic, RulesError
from clinrules.schemas import load_schema, validator
from clinrules.testing._source import SourceData, load_source, read_text

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")

# Expected values that are results, not options (LANGUAGE.md, Fixtures).
STATUS_WORDS = ("undecided", "conflict", "not applicable")


@dataclass(frozen=True)
class Expectation:
    """What one decision must come to. `status` is "decided" when the fixture
    names an option (or a list of options), else the status word written."""

    decision: str  # display name of the decision
    kind: str  # "one of" | "any of"
    status: str  # "decided" | "undecided" | "conflict" | "not applicable"
    value: str | tuple[str, ...] | None  # option display name(s) when decided

    def describe(self) -> str:
        if self.status != "decided":
            return self.status
        if isinstance(self.value, tuple):
            return "[" + ", ".join(self.value) + "]"
        return str(self.value)


@dataclass(frozen=True)
class Case:
    """One patient of a fixture, with every name resolved to its declaration."""

    name: str
    index: int  # 0-based position in `cases`
    line: int | None
    facts: dict[str, Any]  # input display name -> value as written (None = unknown), defaults merged
    expect: tuple[Expectation, ...]
    fired: tuple[str, ...] | None  # rule display names
    needs: tuple[str, ...] | None  # input display names


@dataclass(frozen=True)
class FixtureSource:
    """A fixture file whose shape is valid, before its names are checked."""

    source: SourceData
    ruleset: str  # as written
    ruleset_path: Path

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def data(self) -> dict:
        return self.source.data


@dataclass(frozen=True)
class Fixture:
    """A fixture file checked against its compiled ruleset."""

    path: Path
    ruleset_path: Path
    cases: tuple[Case, ...]


# --- reading -----------------------------------------------------------------


SCHEMA = "fixtures"


def fixture_schema() -> dict:
    """The JSON Schema of fixture files (draft 2020-12)."""
    return load_schema(SCHEMA)


def is_fixture_data(data: Any) -> bool:
    """A file is a fixture file when its top level is a mapping with `cases`."""
    return isinstance(data, dict) and "cases" in data


def read_fixture(path: Path | str) -> FixtureSource:
    """Parse a fixture file and check it against the fixture schema."""
    path = Path(path)
    if path.suffix.lower() not in FIXTURE_SUFFIXES:
        raise RulesError.single(
            "fixture-not-fixture",
            f"`{path}` is not a fixture file: fixture files end in .yaml, .yml or .json",
            file=str(path),
            hint="give the fixture file (or the directory of fixtures) whose `ruleset` names this file",
        )
    source = load_source(path, read_text(path))
    if not isinstance(source.data, dict) or "cases" not in source.data:
        raise RulesError(
            [
                source.diagnostic(
                    "fixture-not-fixture",
                    "this file is not a fixture file: it has no `cases`",
                    hint="a fixture file is a mapping with `ruleset`, optional `defaults` and `cases`",
                )
            ]
        )
    _names_as_written(source)
    problems = schema_diagnostics(source)
    if problems:
        raise RulesError(problems)
    ruleset = source.data["ruleset"]
    ruleset_path = Path(os.path.normpath(path.parent / ruleset))
    return FixtureSource(source=source, ruleset=ruleset, ruleset_path=ruleset_path)


def _names_as_written(source: SourceData) -> None:
    """Where a fixture names an option, rule or input, a YAML boolean is the
    name as written: `expect: {admit: yes}` for `decision admit: one of [yes,
    no]` expects the option `yes`. (Facts are left alone here: whether `yes`
    is yes/no or an option depends on the input; `resolve` decides.)"""
    cases = source.data.get("cases")
    if not isinstance(cases, list):
        return
    for index, case in enumerate(cases):
        if not isinstance(case, dict):
            continue
        path = ("cases", index)
        expect = case.get("expect")
        if isinstance(expect, dict):
            for decision, expected in expect.items():
                where = path + ("expect", decision)
                if isinstance(expected, list):
                    expect[decision] = [source.written(where + (i,), v) for i, v in enumerate(expected)]
                else:
                    expect[decision] = source.written(where, expected)
        for key in ("fired", "needs"):
            names = case.get(key)
            if isinstance(names, list):
                case[key] = [source.written(path + (key, i), v) for i, v in enumerate(names)]


def schema_diagnostics(source: SourceData) -> list[Diagnostic]:
    """Every schema violation of the file, in clinical-editor words, at its line."""
    errors = list(validator(SCHEMA).iter_errors(source.data))
    # A case with a misspelt key (`expected`) also "checks nothing": say only the first.
    misspelt = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    out = []
    for error in errors:
        if error.validator == "anyOf" and tuple(error.absolute_path) in misspelt:
            continue
        out.extend(_schema_error(source, error))
    return sorted(out, key=Diagnostic.sort_key)


def _case_context(data: Any, path: tuple) -> str:
    if len(path) >= 2 and path[0] == "cases" and isinstance(path[1], int):
        cases = data.get("cases") if isinstance(data, dict) else None
        case = cases[path[1]] if isinstance(cases, list) and path[1] < len(cases) else None
        if isinstance(case, dict) and isinstance(case.get("name"), str):
            return f'in case "{case["name"]}": '
        return f"in case #{path[1] + 1}: "
    if path and path[0] == "defaults":
        return "in `defaults`: "
    return ""


def _where(path: tuple) -> str:
    """The key a value belongs to, as an editor would name it."""
    for part in reversed(path):
        if isinstance(part, str):
            return f"`{part}`"
    return "the file"


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "boolean": "yes/no",
    "number": "a number",
    "null": "null",
}


def _schema_error(source: SourceData, error: jsonschema.ValidationError) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    context = _case_context(source.data, path)
    validator = error.validator
    if validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in error.validator_value if name not in present]
        return [
            source.diagnostic("fixture-schema", f"{context}missing `{name}`", path)
            for name in missing
        ]
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "allowed here: " + ", ".join(f"`{k}`" for k in allowed)
            out.append(source.diagnostic("fixture-schema", f"{context}unknown key `{key}`", path + (key,), hint))
        return out
    if validator == "anyOf" and path and path[0] == "cases":
        return [
            source.diagnostic(
                "fixture-schema",
                f"{context}the case checks nothing",
                path,
                "give `expect`, `fired` or `needs`",
            )
        ]
    if validator == "oneOf" and "expect" in path:
        return [
            source.diagnostic(
                "fixture-schema",
                f"{context}the expected value of {_where(path)} must be an option name, "
                "`undecided`, `conflict`, `not applicable`, or a list of option names",
                path,
            )
        ]
    if validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if path and path[-1] in ("given", "defaults"):
            wanted = [t for t in wanted if t != "null"]  # written empty is allowed, but not worth saying
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        message = f"{context}{_where(path)} must be {words}"
        if len(path) >= 2 and path[-2] in ("given", "defaults"):
            message = f"{context}the value of {_where(path)} must be yes/no, a number, a quantity such as `7 weeks`, an option name or null"
        return [source.diagnostic("fixture-schema", message, path)]
    if validator == "minItems" and path == ("cases",):
        return [source.diagnostic("fixture-schema", "`cases` is empty: a fixture file needs at least one case", path)]
    if validator == "minProperties" and path and path[-1] == "expect":
        return [source.diagnostic("fixture-schema", f"{context}`expect` is empty", path, "name the decisions to check")]
    if validator == "minLength":
        return [source.diagnostic("fixture-schema", f"{context}{_where(path)} is empty", path)]
    if validator == "uniqueItems":
        seen, twice = set(), []
        for item in error.instance:
            if item in seen and item not in twice:
                twice.append(item)
            seen.add(item)
        listed = ", ".join(f"`{item}`" for item in twice)
        return [source.diagnostic("fixture-schema", f"{context}{_where(path)} lists {listed} twice", path)]
    return [source.diagnostic("fixture-schema", f"{context}{error.message}", path)]


# --- names -------------------------------------------------------------------


class _Names:
    """Declared names of one kind, matched case- and space-insensitively."""

    def __init__(self, items: list[dict], what: str) -> None:
        self.what = what
        self.by_key = {item["key"]: item for item in items}
        self.display = [item["name"] for item in items]

    def get(self, written: str) -> dict | None:
        return self.by_key.get(name_key(written))

    def hint(self, written: str) -> str | None:
        keys = {name_key(n): n for n in self.display}
        close = difflib.get_close_matches(name_key(written), list(keys), n=3, cutoff=0.6)
        if close:
            return "did you mean " + " or ".join(f"`{keys[k]}`" for k in close) + "?"
        if self.display:
            return f"declared {self.what}s: " + ", ".join(f"`{n}`" for n in self.display)
        return f"the ruleset declares no {self.what}s"


def resolve(fixture: FixtureSource, doc: Mapping) -> Fixture:
    """Tie every name of the fixture to the compiled ruleset `doc`.

    Raises `RulesError` with every unknown name at once.
    """
    source = fixture.source
    data = fixture.data
    inputs = _Names(list(doc.get("inputs", [])), "input")
    decisions = _Names(list(doc.get("decisions", [])), "decision")
    rules = _Names(list(doc.get("rules", [])), "rule")
    definitions = _Names(list(doc.get("definitions", [])), "definition")
    problems: list[Diagnostic] = []

    def facts_of(mapping: Mapping, path: tuple, context: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for written, value in mapping.items():
            item = inputs.get(written)
            if item is None:
                problems.append(_unknown_input(source, path + (written,), context, written, inputs, definitions))
                continue
            if item["key"] in out:
                problems.append(_named_twice(source, path + (written,), context, written, item["name"]))
            if item.get("type") == "one of" and isinstance(value, bool):
                # `pump: on` for `one of [on, off]` is the option `on`, which YAML
                # read as true. (A bare true/false the runtime maps to yes/no.)
                text = source.written(path + (written,), value)
                if name_key(text) in {name_key(o) for o in item.get("options") or ()}:
                    value = text
            out[item["key"]] = value
        return out

    defaults = facts_of(data.get("defaults") or {}, ("defaults",), "in `defaults`: ")
    order = [item["key"] for item in doc.get("inputs", [])]
    names = {item["key"]: item["name"] for item in doc.get("inputs", [])}

    cases: list[Case] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(data["cases"]):
        path = ("cases", index)
        context = f'in case "{raw["name"]}": '
        first = seen.get(name_key(raw["name"]))
        if first is not None:
            problems.append(
                source.diagnostic(
                    "fixture-duplicate-case",
                    f'two cases are named "{raw["name"]}"',
                    path + ("name",),
                    "give every case its own name: reports and test ids use it",
                )
            )
        seen.setdefault(name_key(raw["name"]), raw["name"])

        merged = dict(defaults)
        merged.update(facts_of(raw.get("given") or {}, path + ("given",), context))
        facts = {names[key]: merged[key] for key in order if key in merged}

        expectations = []
        checked: set[str] = set()
        for written, expected in (raw.get("expect") or {}).items():
            decision = decisions.get(written)
            where = path + ("expect", written)
            if decision is None:
                problems.append(
                    source.diagnostic(
                        "fixture-unknown-decision",
                        f"{context}the ruleset has no decision `{written}`",
                        where,
                        decisions.hint(written),
                    )
                )
                continue
            if decision["key"] in checked:
                problems.append(_named_twice(source, where, context, written, decision["name"]))
                continue
            checked.add(decision["key"])
            expectation = _expectation(source, where, context, decision, expected, problems)
            if expectation is not None:
                expectations.append(expectation)

        fired = None
        if "fired" in raw:
            fired = tuple(
                _lookup(source, path + ("fired", i), context, written, rules, "fixture-unknown-rule", problems)
                for i, written in enumerate(raw["fired"])
            )
        needs = None
        if "needs" in raw:
            needs = tuple(
                _lookup(source, path + ("needs", i), context, written, inputs, "fixture-unknown-input", problems)
                for i, written in enumerate(raw["needs"])
            )
        mark = source.mark(path)
        cases.append(
            Case(
                name=raw["name"],
                index=index,
                line=mark[0] if mark else None,
                facts=facts,
                expect=tuple(expectations),
                fired=fired,
                needs=needs,
            )
        )
    if problems:
        raise RulesError(problems)
    return Fixture(path=fixture.path, ruleset_path=fixture.ruleset_path, cases=tuple(cases))


def _named_twice(source, path, context, written, declared) -> Diagnostic:
    return source.diagnostic(
        "fixture-duplicate-key",
        f"{context}`{written}` names `{declared}` again (names match whatever their case and spacing)",
        path,
        "keep one of them",
    )


def _unknown_input(source, path, context, written, inputs: _Names, definitions: _Names) -> Diagnostic:
    definition = definitions.get(written)
    if definition is not None:
        return source.diagnostic(
            "fixture-unknown-input",
            f"{context}`{definition['name']}` is a definition, not an input: the ruleset works it out",
            path,
            "give the inputs it is defined from instead",
        )
    return source.diagnostic(
        "fixture-unknown-input",
        f"{context}the ruleset has no input `{written}`",
        path,
        inputs.hint(written),
    )


def _lookup(source, path, context, written, names: _Names, code, problems) -> str:
    item = names.get(written)
    if item is None:
        problems.append(
            source.diagnostic(code, f"{context}the ruleset has no {names.what} `{written}`", path, names.hint(written))
        )
        return written
    return item["name"]


def _expectation(source, path, context, decision: dict, expected, problems) -> Expectation | None:
    name, kind = decision["name"], decision["kind"]
    options = _Names(list(decision.get("options", [])), f"option of `{name}`")
    if isinstance(expected, str) and name_key(expected) in STATUS_WORDS:
        return Expectation(decision=name, kind=kind, status=name_key(expected), value=None)
    if kind == "any of":
        if isinstance(expected, str):
            problems.append(
                source.diagnostic(
                    "fixture-expect-shape",
                    f"{context}`{name}` is an `any of` decision: expect a list of options",
                    path,
                    f"write [{expected}], or [] for none",
                )
            )
            return None
        chosen = []
        for i, written in enumerate(expected):
            item = options.get(written)
            if item is None:
                problems.append(_unknown_option(source, path + (i,), context, name, written, options))
                continue
            chosen.append(item["name"])
        order = {n: i for i, n in enumerate(options.display)}
        return Expectation(decision=name, kind=kind, status="decided", value=tuple(sorted(set(chosen), key=order.get)))
    if not isinstance(expected, str):
        problems.append(
            source.diagnostic(
                "fixture-expect-shape",
                f"{context}`{name}` is a `one of` decision: expect one option, not a list",
                path,
                "options: " + ", ".join(f"`{n}`" for n in options.display),
            )
        )
        return None
    item = options.get(expected)
    if item is None:
        problems.append(_unknown_option(source, path, context, name, expected, options))
        return None
    return Expectation(decision=name, kind=kind, status="decided", value=item["name"])


def _unknown_option(source, path, context, decision, written, options: _Names) -> Diagnostic:
    hint = options.hint(written)
    if hint and not hint.startswith("did you mean"):
        hint = "options: " + ", ".join(f"`{n}`" for n in options.display) + "; or " + ", ".join(
            f"`{w}`" for w in STATUS_WORDS
        )
    return source.diagnostic(
        "fixture-unknown-option",
        f"{context}`{written}` is not an option of the decision `{decision}`",
        path,
        hint,
    )

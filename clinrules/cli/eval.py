"""`clinrules eval RULESET --facts FILE.json`: evaluate one patient."""

from __future__ import annotations

import sys

import click

from clinrules.cli._output import EXIT_CLEAN, FORMAT_OPTION, dump_json, fail_input, write
from clinrules.errors import RulesError


def load_ruleset(path: str):
    """A runtime ruleset from a `.rules` file (compiled here) or a compiled `.json`."""
    from clinrules.runtime import load

    if path.endswith(".rules"):
        from clinrules.compiler import compile_file

        return load(compile_file(path), source=path)
    return load(path)


def read_facts(path: str):
    """The facts mapping from a JSON file, or from standard input for `-`."""
    from clinrules.files import read_bytes
    from clinrules.runtime.jsontext import parse_json

    where = "<stdin>" if path == "-" else path
    if path == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    else:
        data = read_bytes(path, what="the facts file")
    facts = parse_json(data, file=where, what="the facts file", code="bad-facts-file", exact=True)
    if not isinstance(facts, dict):
        raise RulesError.single(
            "bad-facts-file", "the facts must be a JSON object of input names to values", file=where
        )
    return facts, where


@click.command("eval")
@click.argument("ruleset_path", metavar="RULESET", type=click.Path())
@click.option("--facts", "facts_path", required=True, metavar="FILE.json", help="The patient's facts as a JSON object; `-` reads standard input.")
@click.option("--explain", is_flag=True, help="Show why: each fired rule's conditions with the values they saw.")
@FORMAT_OPTION
def eval_command(ruleset_path: str, facts_path: str, explain: bool, fmt: str) -> None:
    """Evaluate one patient against RULESET (.rules or compiled .json).

    Prints every decision (decided, undecided with what it needs, conflict,
    not applicable), the rules that fired and the sources they cite. Exit
    code 0 when the patient was evaluated, 2 when the ruleset or the facts
    cannot be read or are invalid (every problem is listed; nothing is
    evaluated on bad facts).
    """
    try:
        ruleset = load_ruleset(ruleset_path)
        facts, where = read_facts(facts_path)
        validated = ruleset.validate_facts(facts, source=where)
        result = ruleset.evaluate_validated(validated, explain=explain)
    except RulesError as exc:
        fail_input(exc.diagnostics, fmt)
    if fmt == "json":
        write(dump_json(result.to_json()))
    else:
        write(result.explain_text())
    raise SystemExit(EXIT_CLEAN)

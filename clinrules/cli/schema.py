"""`clinrules schema RULESET`: the JSON Schema of one ruleset's patient facts."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_CLEAN, EXIT_USAGE, dump_json, echo_err, render_diagnostics, write
from clinrules.errors import RulesError


@click.command("schema")
@click.argument("ruleset_path", metavar="RULESET", type=click.Path())
def schema_command(ruleset_path: str) -> None:
    """Print the JSON Schema (draft 2020-12) for the facts of RULESET.

    RULESET is a .rules file or a compiled .json. Apps use the schema to
    build forms and check records before calling the runtime. Exit code 0,
    or 2 when the ruleset cannot be read or has errors.
    """
    from clinrules.cli.eval import load_ruleset
    from clinrules.runtime import facts_schema

    try:
        ruleset = load_ruleset(ruleset_path)
    except RulesError as exc:
        echo_err(render_diagnostics(exc.diagnostics, "text"))
        raise SystemExit(EXIT_USAGE)
    write(dump_json(facts_schema(ruleset.doc)))
    raise SystemExit(EXIT_CLEAN)

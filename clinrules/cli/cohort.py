"""`clinrules cohort RULESET --data FILE`: a ruleset over a table of patients."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_CLEAN, EXIT_FINDINGS, FORMAT_OPTION, dump_json, fail_input, write
from clinrules.errors import RulesError


@click.command("cohort")
@click.argument("ruleset_path", metavar="RULESET", type=click.Path())
@click.option("--data", "data", required=True, metavar="FILE", help="Patients, one per row (.parquet or .csv).")
@click.option("--mapping", "mapping", metavar="FILE.yaml", help="Which column is which input, and its unit.")
@click.option("--out", "out", metavar="FILE", help="Write every row with its results (.parquet or .csv).")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True)
@FORMAT_OPTION
def cohort_command(ruleset_path: str, data: str, mapping: str | None, out: str | None, engine: str,
                   fmt: str) -> None:
    """Evaluate every patient of a table with RULESET, in SQL.

    Missing data is decided as the runtime decides it (over every
    completion). Bad values (unparseable, out of range) are counted per
    input and their rows are not evaluated. Exit 0 when every row was
    evaluated, 1 when some rows were bad, 2 on bad input.
    """
    from clinrules.cli.eval import load_ruleset
    from clinrules.cohort.run import cohort

    try:
        summary = cohort(load_ruleset(ruleset_path), data, mapping, out, engine)
    except RulesError as exc:
        fail_input(exc.diagnostics, fmt)
    if fmt == "json":
        write(dump_json(summary))
    else:
        lines = [f"{data}: {summary['patients']} patients, {summary['bad_rows']} bad rows ({engine})"]
        for name, count in sorted(summary["bad_values"].items()):
            lines.append(f"  bad values of {name}: {count}")
        for decision, rows in summary["decisions"].items():
            lines.append(f"{decision}:")
            for r in rows:
                shown = r["status"] + (f": {r['value']}" if r["value"] else "") + (
                    f" between {r['conflicting']}" if r.get("conflicting") else "")
                lines.append(f"  {r['patients']:>8}  {shown}")
        write("\n".join(lines) + "\n")
    raise SystemExit(EXIT_FINDINGS if summary["bad_rows"] else EXIT_CLEAN)

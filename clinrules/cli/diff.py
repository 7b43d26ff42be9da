"""`clinrules diff OLD NEW [--data FILE]`: what changes between two versions."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_CLEAN, EXIT_FINDINGS, dump_json, fail_input, write
from clinrules.errors import RulesError


def _document(path: str) -> dict:
    from clinrules.cli.eval import load_ruleset

    return load_ruleset(path).doc


@click.command("diff")
@click.argument("old_path", metavar="OLD", type=click.Path())
@click.argument("new_path", metavar="NEW", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text for people, json for machines, sarif for code scanning.")
@click.option("--data", "data", metavar="FILE", help="Patients (.parquet or .csv): count who changes, per region.")
@click.option("--mapping", "mapping", metavar="FILE", help="Column mapping (default: FILE's name with .mapping.yaml).")
@click.option("--plot", "plot", metavar="FILE.png", help="With --data: a bar chart of changed patients per region.")
def diff_command(old_path: str, new_path: str, fmt: str, data: str | None, mapping: str | None,
                 plot: str | None) -> None:
    """Which patients get a different decision from NEW than from OLD.

    Each changed region is said in words with a witness patient; patients
    missing one input whose status changes are reported as such. Renamed
    rules, inputs, options and units that change nothing are no
    difference. Exit 0 when equivalent, 1 when different, 2 on bad input.
    """
    from clinrules.diff import report
    from clinrules.diff.compare import diff_documents

    try:
        diff = diff_documents(_document(old_path), _document(new_path), old_file=old_path, new_file=new_path)
        counts = None
        if data:
            from clinrules.cohort.impact import count_changes

            counts = count_changes(diff, data, mapping, plot)
        elif plot:
            raise RulesError.single("usage", "--plot needs --data: it draws changed patients per region")
    except RulesError as exc:
        fail_input(exc.diagnostics, "json" if fmt != "text" else "text")
    if fmt == "json":
        write(dump_json(report.to_json(diff, old_path, new_path, counts)))
    elif fmt == "sarif":
        write(dump_json(report.to_sarif(diff, old_path, new_path)))
    else:
        write(report.to_text(diff, old_path, new_path, counts))
    raise SystemExit(EXIT_CLEAN if diff.equivalent else EXIT_FINDINGS)

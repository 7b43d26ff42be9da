"""`clinrules units`: every unit clinrules knows, with its dimension, aliases,
UCUM code and exact factor (the same text as docs/units.md)."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_CLEAN, FORMAT_OPTION, dump_json, write


@click.command("units")
@FORMAT_OPTION
def units_command(fmt: str) -> None:
    """List the units usable in `number in UNIT`, thresholds and facts.

    Text is the Markdown page docs/units.md; json is one object per unit
    (dimension, base, code, aliases, factor, offset, molar_mass_converts_to).
    Exit code 0.
    """
    from clinrules.compiler.unit_table import unit_rows, units_markdown

    if fmt == "json":
        write(dump_json({"units": unit_rows()}))
    else:
        write(units_markdown())
    raise SystemExit(EXIT_CLEAN)

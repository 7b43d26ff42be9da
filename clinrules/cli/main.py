"""The `clinrules` command: a click group that only wires commands together.

Each command lives in its own module and holds no logic of its own; it calls
the package and renders the result.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clinrules")
def cli() -> None:
    """Write, check, lint, test and ship clinical decision rules."""


# Commands are registered explicitly, one line each.


def main() -> None:
    cli(prog_name="clinrules")

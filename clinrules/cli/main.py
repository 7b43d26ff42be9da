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
from clinrules.cli.check import check  # noqa: E402
from clinrules.cli.compile import compile_command  # noqa: E402

cli.add_command(check)
cli.add_command(compile_command)
from clinrules.cli.test import test_command  # noqa: E402

cli.add_command(test_command)
from clinrules.cli.lint import lint_command  # noqa: E402

cli.add_command(lint_command)
from clinrules.cli.coverage import coverage_command  # noqa: E402
from clinrules.cli.build import build_command  # noqa: E402

cli.add_command(coverage_command)
cli.add_command(build_command)

from clinrules.cli.eval import eval_command  # noqa: E402
from clinrules.cli.schema import schema_command  # noqa: E402

cli.add_command(eval_command)
cli.add_command(schema_command)


def main() -> None:
    cli(prog_name="clinrules")

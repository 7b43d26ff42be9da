"""The `clinrules` command: a click group that only wires commands together.

Each command lives in its own module and holds no logic of its own; it calls
the package and renders the result. Commands are registered explicitly in
`COMMANDS`, one line each, and a command's module is imported only when that
command runs: a cold `clinrules compile` must not pay for importing the
linter, the coverage reports and the pytest plugin.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

# name -> "module:function"; one line per command.
COMMANDS: dict[str, str] = {
    "check": "clinrules.cli.check:check",
    "compile": "clinrules.cli.compile:compile_command",
    "lint": "clinrules.cli.lint:lint_command",
    "eval": "clinrules.cli.eval:eval_command",
    "schema": "clinrules.cli.schema:schema_command",
    "test": "clinrules.cli.test:test_command",
    "coverage": "clinrules.cli.coverage:coverage_command",
    "build": "clinrules.cli.build:build_command",
    "fmt": "clinrules.cli.fmt:fmt_command",
    "units": "clinrules.cli.units:units_command",
    "lsp": "clinrules.cli.lsp:lsp_command",
    "serve": "clinrules.cli.serve:serve_command",
    "cds-hooks": "clinrules.cli.cds_hooks:cds_hooks_command",
    "diff": "clinrules.cli.diff:diff_command",
    "cohort": "clinrules.cli.cohort:cohort_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return self.commands.get(name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clinrules")
def cli() -> None:
    """Write, check, lint, test and ship clinical decision rules."""


def main() -> None:
    """The installed `clinrules` executable.

    Every bad input is a RulesError that the commands report; an exception
    that still gets here is a bug in clinrules. It is said plainly, in one
    line, with exit code 2, never as a traceback an editor cannot read
    (set CLINRULES_DEBUG=1 to get the traceback for a bug report).
    """
    try:
        cli(prog_name="clinrules")
    except Exception as exc:  # noqa: BLE001 - the last guard, see above
        if os.environ.get("CLINRULES_DEBUG"):
            raise
        click.echo(
            f"clinrules: internal error ({type(exc).__name__}: {exc}); this is a bug in clinrules: "
            "please report it with the command and its input files (CLINRULES_DEBUG=1 shows the details)",
            err=True,
        )
        sys.exit(2)

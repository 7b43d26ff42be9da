"""Every command answers `--help`, through click and through the installed script."""

import shutil
import subprocess

import click
import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli

EXPECTED_COMMANDS = {"check", "compile", "eval", "schema", "lint", "test", "coverage", "build", "fmt", "units",
                     "diff", "cohort"}


def test_every_expected_command_is_registered():
    ctx = click.Context(cli)
    assert EXPECTED_COMMANDS <= set(cli.list_commands(ctx))
    for name in EXPECTED_COMMANDS:
        assert isinstance(cli.get_command(ctx, name), click.Command), name


@pytest.mark.parametrize("name", sorted(EXPECTED_COMMANDS))
def test_help_on_every_command(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert name in result.output


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_installed_script_runs():
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is not installed on PATH"
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for name in EXPECTED_COMMANDS:
        assert name in done.stdout

"""Shared rendering for commands: diagnostics as text or JSON, exit codes.

Exit codes are the same for every command: 0 clean, 1 findings or failed
cases, 2 usage or input errors.
"""

from __future__ import annotations

import json
import sys
from typing import Iterable

import click

from clinrules.errors import Diagnostic

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
NO_CACHE_OPTION = click.option(
    "--no-cache", is_flag=True,
    help="Neither read nor write the cache of compiled rulesets and lint findings.",
)


def dump_json(data) -> str:
    """Canonical JSON for reports: sorted keys, stable output."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_diagnostics(diagnostics: Iterable[Diagnostic], fmt: str) -> str:
    diagnostics = list(diagnostics)
    if fmt == "json":
        return dump_json({"diagnostics": [d.as_dict() for d in diagnostics]})
    return "".join(d.render() + "\n" for d in diagnostics)


def echo_err(text: str) -> None:
    click.echo(text, err=True, nl=not text.endswith("\n"))


def write(text: str) -> None:
    sys.stdout.write(text)


def fail_input(diagnostics: Iterable[Diagnostic], fmt: str) -> None:
    """Stop on input errors (exit 2), reported in the form the caller asked for.

    With `--format json` standard output still holds one valid JSON document,
    `{"diagnostics": [...]}`, so a program reading it never gets nothing;
    every other format gets the editor's text on standard error.
    """
    diagnostics = list(diagnostics)
    if fmt == "json":
        write(render_diagnostics(diagnostics, "json"))
    else:
        echo_err(render_diagnostics(diagnostics, "text"))
    raise SystemExit(EXIT_USAGE)

"""`clinrules test`: run fixture cases against their rulesets."""

from __future__ import annotations

from pathlib import Path

import click

from clinrules.cli._output import EXIT_USAGE, NO_CACHE_OPTION, echo_err, fail_input, write
from clinrules.errors import RulesError


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, junit (JUnit XML) for CI systems.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the report to FILE instead of standard output; the summary line is still printed.",
)
@NO_CACHE_OPTION
def test_command(paths: tuple[Path, ...], fmt: str, output: Path | None, no_cache: bool) -> None:
    """Run the fixture cases in PATHS (files or directories; default fixtures/).

    Each case gives a patient's facts and the decisions the ruleset must
    reach. Exit code 0 when every case passed, 1 when some case failed, 2 when
    a fixture file or its ruleset could not be read.
    """
    from clinrules.testing.reporters import render, summary_line
    from clinrules.cache import bypassed
    from clinrules.testing.runner import run_paths

    try:
        with bypassed(no_cache):
            session = run_paths(list(paths) or None)
    except RulesError as exc:
        fail_input(exc.diagnostics, fmt)
    report = render(session, fmt)
    if output is None:
        write(report)
    else:
        try:
            output.write_text(report, encoding="utf-8")
        except OSError as exc:
            echo_err(f"{output}: error: cannot write the report: {exc.strerror or exc}")
            raise SystemExit(EXIT_USAGE)
        write(summary_line(session) + "\n")
    raise SystemExit(session.exit_code)

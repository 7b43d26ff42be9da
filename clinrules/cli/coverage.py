"""`clinrules coverage [PATH...]`: how much of each ruleset its fixtures exercise."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import click

from clinrules.cli._output import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    FORMAT_OPTION,
    NO_CACHE_OPTION,
    dump_json,
    echo_err,
    fail_input,
    render_diagnostics,
    write,
)
from clinrules.errors import RulesError
from clinrules.testing.coverage import METRICS, coverage_of_paths


def parse_percent(ctx, param, value: str | None) -> Fraction | None:
    if value is None:
        return None
    try:
        number = Fraction(value.strip().removesuffix("%"))
    except (ValueError, ZeroDivisionError):
        raise click.BadParameter(f"`{value}` is not a percentage (write e.g. 90 or 99.5)") from None
    if not 0 <= number <= 100:
        raise click.BadParameter(f"`{value}` is not between 0 and 100")
    return number


@click.command("coverage")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@FORMAT_OPTION
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write an HTML report (source lines marked) into this directory.")
@click.option("--fail-under", callback=parse_percent, metavar="PCT",
              help="Exit 1 when a selected metric of a ruleset is under PCT percent.")
@click.option("--metric", "metrics", multiple=True, type=click.Choice(METRICS),
              help="Report (and check --fail-under for) only this metric; repeatable.")
@click.option("--suggest", is_flag=True,
              help="Propose fixture cases (YAML) for what is not covered.")
@click.option("--coverage-data", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a coverage.py data file for `coverage report/html/xml/lcov`.")
@NO_CACHE_OPTION
def coverage_command(paths, fmt, html_dir, fail_under, metrics, suggest, coverage_data, no_cache) -> None:
    """Measure how much of each ruleset the fixture cases at PATH exercise.

    PATH is a fixture file or a directory of them (default: fixtures/).
    Metrics: rules fired, options chosen, condition outcomes (every atomic
    condition seen yes and no), MC/DC, boundaries (each threshold tested at,
    below and above) and missing data (each input left unknown once).

    Exit code 0, 1 when a metric is under --fail-under, 2 when a fixture or
    ruleset cannot be read.
    """
    selected = tuple(m for m in METRICS if m in metrics) if metrics else METRICS
    from clinrules.cache import bypassed

    try:
        with bypassed(no_cache):
            run = coverage_of_paths(paths or ())
    except RulesError as exc:
        fail_input(exc.diagnostics, fmt)

    suggestions = {}
    if suggest:
        from clinrules.testing.suggest import as_json, render_yaml
        from clinrules.testing.suggest import suggest as make

        for rc in run.rulesets:
            made, unmade = make(rc, selected)
            suggestions[rc.ruleset] = (
                as_json(made, unmade) if fmt == "json" else render_yaml(rc, made, unmade)
            )

    if fmt == "json":
        data = run.as_dict(selected)
        for entry in data["rulesets"]:
            if suggest:
                entry["suggestions"] = suggestions[entry["ruleset"]]
        if run.diagnostics:
            data["diagnostics"] = [d.as_dict() for d in run.diagnostics]
        write(dump_json(data))
    else:
        from clinrules.testing.coverage_text import render_run

        write(render_run(run, selected))
        for text in suggestions.values():
            write("\n" + text)
        if run.diagnostics:
            echo_err(render_diagnostics(run.diagnostics, "text"))
    if run.failed_cases:
        echo_err(f"note: {run.failed_cases} case(s) did not pass; `clinrules test` shows why. "
                 "Coverage counts every case the runtime evaluated.")

    if html_dir is not None:
        from clinrules.testing.html_report import write_html

        write_html(run, html_dir, selected)
    if coverage_data is not None:
        from clinrules.testing.coveragepy_plugin import write_coverage_data

        write_coverage_data(run, coverage_data)

    if run.diagnostics:
        raise SystemExit(EXIT_USAGE)
    if fail_under is not None:
        low = run.under(fail_under, selected)
        for ruleset, metric in low:
            pct = run_percent(run, ruleset, metric)
            echo_err(f"{ruleset}: {metric} coverage {pct}% is under {_show(fail_under)}%")
        if low:
            raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_CLEAN)


def run_percent(run, ruleset: str, metric: str) -> str:
    rc = next(r for r in run.rulesets if r.ruleset == ruleset)
    return f"{rc.metrics[metric].percent:.1f}"


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return str(float(value))

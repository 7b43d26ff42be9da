"""`clinrules build`: compile, lint, test and measure every ruleset; ship only when all pass."""

from __future__ import annotations

from pathlib import Path

import click

from clinrules.cli._output import FORMAT_OPTION, NO_CACHE_OPTION, dump_json, echo_err, render_diagnostics, write
from clinrules.cli.coverage import parse_percent
from clinrules.testing.build_policy import FAIL_ON
from clinrules.testing.coverage_build import build, reasons, report
from clinrules.testing.coverage_model import METRIC_TITLES


@click.command("build")
@click.option("--out", "out_dir", default="dist", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the compiled JSON, report.json and coverage/ go.")
@click.option("--rulesets", "rulesets_dir", default="rulesets", show_default=True,
              type=click.Path(path_type=Path), help="Directory of .rules files.")
@click.option("--fixtures", "fixtures_dir", default="fixtures", show_default=True,
              type=click.Path(path_type=Path), help="Directory of fixture files.")
@click.option("--fail-under", callback=parse_percent, metavar="PCT",
              help="Also fail when any coverage metric of a ruleset is under PCT percent "
                   "(overrides coverage-fail-under in [tool.clinrules]).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Which lint findings fail the build (overrides fail-on in [tool.clinrules]; "
                   "default safety: errors and every conflict, gap and dead rule).")
@FORMAT_OPTION
@NO_CACHE_OPTION
def build_command(out_dir: Path, rulesets_dir: Path, fixtures_dir: Path, fail_under, fail_on, fmt: str,
                  no_cache: bool) -> None:
    """Compile every ruleset, lint it, run its fixtures and measure coverage.

    Fails the build: error-level lint findings and every unsuppressed
    conflict, gap or dead rule; a ruleset without fixture cases; failing or
    erroring cases; and (with --fail-under) low coverage. `[tool.clinrules]`
    in pyproject.toml may set fail-on, require-cases and coverage-fail-under.
    Only a passing build writes OUT/<name>.json, OUT/report.json and
    OUT/coverage/index.html.

    Exit code 0 built, 1 the build failed, 2 an input could not be read.
    """
    from clinrules.cache import bypassed

    with bypassed(no_cache):
        result = build(rulesets_dir, fixtures_dir, out_dir, fail_under, fail_on)
    if fmt == "json":
        data = report(result)
        data["input_errors"] = [d.as_dict() for d in result.input_errors]
        data["out"] = out_dir.as_posix() if result.written else None
        write(dump_json(data))
    else:
        write(summary(result, out_dir))
    if result.input_errors:
        echo_err(render_diagnostics(result.input_errors, "text"))
    if result.fixture_errors:
        echo_err(render_diagnostics(result.fixture_errors, "text"))
    raise SystemExit(result.exit_code)


def summary(result, out_dir: Path) -> str:
    lines = []
    for entry in result.rulesets:
        shown = entry.source.as_posix()
        if entry.doc is None and not entry.compile_errors:
            lines.append(f"FAIL {shown}: cannot be read")
            continue
        if entry.doc is None:
            lines.append(f"FAIL {shown}: {len(entry.compile_errors)} compile error(s)")
            lines.extend("  " + d.render().replace("\n", "\n  ") for d in entry.compile_errors)
            continue
        cases = entry.cases
        passed = sum(1 for c in cases if c.status == "passed")
        cov = ""
        if entry.coverage is not None:
            cov = ", ".join(f"{METRIC_TITLES[n]} {m.percent:.1f}%" for n, m in entry.coverage.metrics.items())
        status = "ok  " if entry.ok else "FAIL"
        lines.append(
            f"{status} {shown}: lint {len(entry.lint_errors)} error(s) "
            f"{sum(1 for f in entry.findings if f.severity == 'warning')} warning(s); "
            f"cases {passed}/{len(cases)} passed; coverage: {cov or 'none'}"
        )
        for reason in reasons(entry):
            lines.append(f"  fails: {reason}")
        for finding in entry.blocking:
            lines.append(f"  {shown}:{finding.line}:{finding.column}: {finding.severity}: {finding.message} "
                         f"[{finding.code}]")
        if any(f.severity != "error" for f in entry.blocking):
            lines.append("  hint: fix them, or accept a known one with `# lint: allow CODE -- reason` "
                         "in the source (or fail-on = \"error\" in [tool.clinrules])")
        if entry.untested:
            lines.append(f"  hint: add fixture cases for it under the fixtures directory (`ruleset: {shown}`)")
        for case in entry.failed_cases:
            reason = "; ".join(case.failures) if case.failures else (case.error or case.status)
            lines.append(f"  case `{case.name}` (line {case.line}) {case.status}: {reason}")
    for ruleset, metric in result.under:
        lines.append(f"FAIL {ruleset}: {METRIC_TITLES[metric]} coverage under --fail-under")
    for fixture in result.unmatched_fixtures:
        lines.append(f"note: {fixture} is for a ruleset outside the rulesets directory; not run in this build")
    if result.written:
        lines.append(f"build ok: {len(result.rulesets)} ruleset(s) written to {out_dir.as_posix()}/ "
                     "(report.json, coverage/index.html)")
    else:
        lines.append("build failed: nothing written")
    return "\n".join(lines) + "\n"

"""`clinrules lint PATH...`: lint rulesets and render the findings.

Holds no analysis: it loads documents (compiling `.rules` files, validating
compiled `.json`), finds each file's project configuration, calls
`clinrules.lint.lint`, and renders text, JSON or SARIF.
"""

from __future__ import annotations

from pathlib import Path

import click

from clinrules.cli._output import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, NO_CACHE_OPTION, dump_json, echo_err, write
from clinrules.errors import Diagnostic, RulesError
from clinrules.lint import CODES, find_config, lookup
from clinrules.lint.findings import Finding
from clinrules.lint.report import input_error, render_sarif, render_text


def _expand(paths: tuple[str, ...]) -> tuple[list[Path], list[Diagnostic]]:
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.rules") if p.is_file())
            if not found:
                problems.append(Diagnostic("no-rules-files", f"no .rules files under `{raw}`", file=raw))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Diagnostic("unreadable-file", f"cannot read `{raw}`: it does not exist",
                                       file=raw))
    return files, problems


def _lint(path: Path) -> tuple[list[Finding], str | None]:
    """The findings of `path` and its `.rules` source text, if any (`.rules` through the cache)."""
    config = find_config(path)
    if path.suffix.lower() == ".json":
        from clinrules.lint import lint
        from clinrules.runtime import load

        doc = load(str(path)).doc
        source = path.parent / str(doc.get("source_file") or "")
        text = source.read_text("utf-8", errors="replace") if doc.get("source_file") and source.is_file() else None
        return lint(doc, config=config, file=str(path)), text
    from clinrules.cache import lint_file

    findings = lint_file(path, config)
    return findings, path.read_text("utf-8")


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="text for people, json for machines, sarif for code scanning.")
@click.option("--verbose", is_flag=True,
              help="Under a finding said in scores or definitions, list the regions of the inputs behind it.")
@click.option("--explain", "explain", metavar="CODE", help="Print the documentation of a lint code (CR002 or gap).")
@NO_CACHE_OPTION
def lint_command(paths: tuple[str, ...], fmt: str, verbose: bool, explain: str | None, no_cache: bool) -> None:
    """Find conflicts, gaps, dead and masked rules and style problems.

    PATH may be .rules files, folders (every *.rules below) or compiled .json.
    Exit 0 without error-level findings, 1 with any, 2 for unreadable input.
    """
    if explain is not None:
        code = lookup(explain)
        if code is None:
            known = ", ".join(f"{c.code} {c.name}" for c in CODES)
            echo_err(f"error: unknown lint code `{explain}`; known codes: {known}")
            raise SystemExit(EXIT_USAGE)
        write(code.doc())
        raise SystemExit(EXIT_CLEAN)
    if not paths:
        echo_err("error: give at least one .rules file, folder or compiled .json (see --help)")
        raise SystemExit(EXIT_USAGE)
    files, problems = _expand(paths)
    found: list[tuple[Finding, str | None]] = []
    linted = 0
    from clinrules.cache import bypassed

    with bypassed(no_cache):
        for path in files:
            try:
                findings, source = _lint(path)
            except RulesError as exc:
                problems.extend(exc.diagnostics)
                continue
            linted += 1
            found.extend((f, source) for f in findings)
    findings_only = [f for f, _ in found]
    problems.sort(key=Diagnostic.sort_key)
    if fmt == "json":
        # a file that could not be linted is a finding too: a reader of
        # `findings` must not take it for a clean file
        data = {"findings": [input_error(d) for d in problems] + [f.as_dict() for f in findings_only]}
        if problems:
            data["diagnostics"] = [d.as_dict() for d in problems]
        write(dump_json(data))
    elif fmt == "sarif":
        write(dump_json(render_sarif(findings_only, problems)))
    else:
        # the errors, and findings only for files that could be linted: no
        # "0 findings" for a file that was never analysed
        write("".join(d.render() + "\n" for d in problems))
        if linted or not problems:
            write(render_text(found, verbose))
    if problems:
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_FINDINGS if any(f.severity == "error" for f in findings_only) else EXIT_CLEAN)

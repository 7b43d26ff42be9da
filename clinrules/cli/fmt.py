"""`clinrules fmt FILE... [--check] [--diff]`: lay rules files out the canonical way."""

from __future__ import annotations

import difflib

import click

from clinrules.cli._output import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    FORMAT_OPTION,
    dump_json,
    echo_err,
    render_diagnostics,
    write,
)
from clinrules.dsl.format import format_source
from clinrules.errors import Diagnostic, RulesError
from clinrules.files import os_reason, read_bytes


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any would.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Write nothing; print a unified diff of each change and exit 1 if any file would change.")
@FORMAT_OPTION
def fmt_command(files: tuple[str, ...], check: bool, show_diff: bool, fmt: str) -> None:
    """Format .rules FILES in place (only files that change are written).

    The layout is canonical: keywords in one case, one statement per line
    group, long lists one item per line, every comment kept. Formatting
    never changes what a ruleset means: the result is re-compiled and
    compared, and a file is refused rather than changed in meaning.

    Exit code 0 when nothing needed (or, without --check/--diff, got)
    formatting, 1 when --check or --diff found files that would change, 2
    when a file cannot be read or has syntax errors.
    """
    dry = check or show_diff
    diagnostics: list[Diagnostic] = []
    results: list[dict] = []
    diffs: list[str] = []
    for path in files:
        try:
            original = _read(path)
            formatted = format_source(original, path)
        except RulesError as exc:
            diagnostics.extend(exc.diagnostics)
            results.append({"file": path, "ok": False, "changed": False})
            continue
        changed = formatted != original
        written = False
        if changed and not dry:
            try:
                with open(path, "w", encoding="utf-8", newline="") as handle:
                    handle.write(formatted)
                written = True
            except OSError as exc:
                diagnostics.append(Diagnostic("unwritable-file", f"cannot write the formatted file: {os_reason(exc)}",
                                              file=path))
                results.append({"file": path, "ok": False, "changed": True})
                continue
        if changed and show_diff:
            diffs.append(_diff(path, original, formatted))
        results.append({"file": path, "ok": True, "changed": changed, "written": written})

    if fmt == "json":
        report = {"diagnostics": [d.as_dict() for d in diagnostics], "files": results}
        if show_diff:
            report["diffs"] = diffs
        write(dump_json(report))
    else:
        write("".join(diffs))
        if diagnostics:
            echo_err(render_diagnostics(diagnostics, "text"))
        write(_summary(results, dry))
    if diagnostics:
        raise SystemExit(EXIT_USAGE)
    if dry and any(r["changed"] for r in results):
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_CLEAN)


def _read(path: str) -> str:
    raw = read_bytes(path, what="the rules file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesError([Diagnostic(
            "unreadable-file", f"cannot read the rules file: it is not UTF-8 text (bad byte at line {line})",
            file=path, hint="save the file as UTF-8",
        )]) from None


def _diff(path: str, original: str, formatted: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True), formatted.splitlines(keepends=True),
        fromfile=path, tofile=f"{path} (formatted)",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _summary(results: list[dict], dry: bool) -> str:
    lines = []
    for r in results:
        if r["ok"] and r["changed"]:
            lines.append(f"{'would reformat' if dry else 'reformatted'} {r['file']}\n")
    ok = [r for r in results if r["ok"]]
    changed = sum(1 for r in ok if r["changed"])
    verb = "would be reformatted" if dry else "reformatted"
    files = lambda n: f"{n} file" + ("" if n == 1 else "s")  # noqa: E731
    tail = f"{files(changed)} {verb}, {files(len(ok) - changed)} already formatted"
    bad = len(results) - len(ok)
    if bad:
        tail += f", {files(bad)} with errors, not formatted"
    return "".join(lines) + tail + "\n"

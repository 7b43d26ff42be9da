"""`clinrules check FILE...`: report every syntax and semantic error, compile nothing."""

from __future__ import annotations

import click

from clinrules.cli._output import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    FORMAT_OPTION,
    dump_json,
    render_diagnostics,
    write,
)
from clinrules.compiler import compile_file
from clinrules.errors import RulesError


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@FORMAT_OPTION
def check(files: tuple[str, ...], fmt: str) -> None:
    """Check .rules FILES for errors (names, units, types, syntax).

    Exit code 0 when every file is clean, 1 when a file has errors, 2 when a
    file cannot be read or the command is misused.
    """
    diagnostics = []
    results = []
    for path in files:
        try:
            compile_file(path)
            found = []
        except RulesError as exc:
            found = exc.diagnostics
        diagnostics.extend(found)
        results.append({"file": path, "ok": not found, "errors": len(found)})
    if fmt == "json":
        write(dump_json({"diagnostics": [d.as_dict() for d in diagnostics], "files": results}))
    else:
        write(render_diagnostics(diagnostics, "text"))
        write(_summary(results) + "\n")
    if any(d.code == "unreadable-file" for d in diagnostics):
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_FINDINGS if diagnostics else EXIT_CLEAN)


def _summary(results: list[dict]) -> str:
    errors = sum(r["errors"] for r in results)
    bad = sum(1 for r in results if not r["ok"])
    files = f"{len(results)} file" + ("" if len(results) == 1 else "s")
    if not errors:
        return f"ok: {files} checked, no errors"
    return f"{errors} error{'' if errors == 1 else 's'} in {bad} of {files}"

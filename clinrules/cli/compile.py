"""`clinrules compile FILE... [-o OUT]`: write the compiled JSON of each file."""

from __future__ import annotations

from pathlib import Path

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
from clinrules.compiler import compile_file, dumps
from clinrules.errors import RulesError


@click.command("compile")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    "out",
    default=".",
    show_default=True,
    help="Directory to write NAME.json into (created if missing), or `-` for standard output (one file only).",
)
@FORMAT_OPTION
def compile_command(files: tuple[str, ...], out: str, fmt: str) -> None:
    """Compile .rules FILES to JSON (docs/compiled-format.md).

    Each FILE is written to OUT/NAME.json. A file with errors is not
    written; its errors are reported. Exit code 0 when all compiled, 1 when
    a file has errors, 2 when a file cannot be read or written, or the
    command is misused.
    """
    to_stdout = out == "-"
    if to_stdout and len(files) != 1:
        raise click.UsageError("`-o -` writes to standard output, which takes exactly one file")
    targets = {}
    if not to_stdout:
        for path in files:
            target = Path(out) / (Path(path).stem + ".json")
            if target in targets.values():
                raise click.UsageError(f"two files would both be written to {target}; compile them separately")
            targets[path] = target
        if Path(out).exists() and not Path(out).is_dir():
            raise click.UsageError(f"{out} is not a directory")

    diagnostics, written, exit_code = [], [], EXIT_CLEAN
    for path in files:
        try:
            text = dumps(compile_file(path))
        except RulesError as exc:
            diagnostics.extend(exc.diagnostics)
            unreadable = any(d.code == "unreadable-file" for d in exc.diagnostics)
            exit_code = max(exit_code, EXIT_USAGE if unreadable else EXIT_FINDINGS)
            continue
        if to_stdout:
            write(text)
            continue
        try:
            targets[path].parent.mkdir(parents=True, exist_ok=True)
            targets[path].write_text(text, encoding="utf-8")
        except OSError as exc:
            echo_err(f"error: cannot write {targets[path]}: {exc.strerror or exc}")
            exit_code = EXIT_USAGE
            continue
        written.append(str(targets[path]))

    report = _report(diagnostics, written, fmt)
    if to_stdout:
        if diagnostics:
            echo_err(report)
    else:
        write(report)
    raise SystemExit(exit_code)


def _report(diagnostics, written: list[str], fmt: str) -> str:
    if fmt == "json":
        return dump_json({"diagnostics": [d.as_dict() for d in diagnostics], "written": written})
    lines = [f"wrote {path}\n" for path in written]
    return render_diagnostics(diagnostics, "text") + "".join(lines)

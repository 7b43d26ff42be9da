"""`clinrules lsp`: run the language server over standard input and output."""

from __future__ import annotations

import click

from clinrules.cli._output import EXIT_USAGE, echo_err


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def lsp_command(stdio: bool) -> None:
    """Serve editors (VS Code, Neovim, ...) with live checks, hover, completion,
    go to definition, symbols, formatting and quick fixes for .rules files.

    Needs the editor extra: pip install 'clinrules[editor]'.
    """
    try:
        from clinrules.lsp.server import run
    except ImportError as exc:
        echo_err(f"error: `clinrules lsp` needs the editor extra ({exc.name} is not installed); "
                 "install it with: pip install 'clinrules[editor]'")
        raise SystemExit(EXIT_USAGE)
    run()

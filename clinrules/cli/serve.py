"""`clinrules serve`: the local web workbench for the current folder."""

from __future__ import annotations

from pathlib import Path

import click

from clinrules.cli._output import EXIT_USAGE, echo_err

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep the default unless you know why not (the workbench has no login).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
def serve_command(host: str, port: int) -> None:
    """Open a web workbench for the .rules files of the current folder.

    An editor with live checks, a patient form that evaluates as you fill it,
    the fixture cases and their coverage. Serves only files inside the
    folder it was started in. Needs the editor extra:
    pip install 'clinrules[editor]'. Stop it with Ctrl-C.
    """
    from clinrules.workbench import serve

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        echo_err(f"error: `clinrules serve` needs the editor extra ({exc.name} is not installed); "
                 "install it with: pip install 'clinrules[editor]'")
        raise SystemExit(EXIT_USAGE)
    if host not in LOOPBACK:
        echo_err(f"warning: listening on {host}: anyone who can reach this address can read and change "
                 "the .rules files of this folder")
    root = Path.cwd()

    def ready(server) -> None:
        bound = server.servers[0].sockets[0].getsockname()
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        click.echo(f"clinrules workbench for {root} at http://{shown}:{bound[1]}/ (Ctrl-C stops it)", color=False)

    try:
        serve(root, host=host, port=port, on_ready=ready)
    except OSError as exc:
        echo_err(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}; "
                 "give another --port (0 picks a free one)")
        raise SystemExit(EXIT_USAGE)

"""The local web workbench (`clinrules serve`): edit a ruleset with live
checks, fill in a patient and see the decision, run the fixtures and read
their coverage, all in one page served from 127.0.0.1.

`app.create_app(folder)` builds the Starlette app; `serve(folder, host,
port)` runs it with uvicorn. Needs the `[editor]` extra.
"""

from __future__ import annotations

from pathlib import Path


def listen(host: str, port: int):
    """The listening socket; OSError (address in use, no such address) says why not."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(root: Path, host: str = "127.0.0.1", port: int = 8765, on_ready=None) -> None:
    """Serve the workbench for `root` until interrupted. Raises OSError when
    it cannot listen on `host`:`port`."""
    import uvicorn

    from clinrules.workbench.app import create_app

    sock = listen(host, port)
    app = create_app(root, hosts=[host] if host not in ("0.0.0.0", "::") else None)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if on_ready is not None:
        original = server.startup

        async def startup(sockets=None):
            await original(sockets=sockets)
            on_ready(server)

        server.startup = startup
    server.run(sockets=[sock])

"""`clinrules serve`: the local web workbench, a small Starlette app.

One page (static HTML, CSS and JavaScript, no build step; CodeMirror 5 is
vendored as a file with its licence) and a JSON API under `/api/` that the
page calls as the editor types. The app serves one folder, the one it was
started in: every path is checked by `files.Folder`.

It is for one person on their own machine: it binds to 127.0.0.1 by
default, answers only requests addressed to a local host name (so a web
page elsewhere cannot reach it through DNS rebinding), and takes its
commands only as JSON POSTs from its own page (a form on another site can
neither send JSON nor pass the Origin check).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from clinrules.workbench import views
from clinrules.workbench.files import Folder, Refused

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
MAX_BODY = 6_000_000
SECURITY_HEADERS = {
    # the page loads nothing from elsewhere and runs no inline script
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def static_dir() -> Path:
    return Path(str(resources.files("clinrules.workbench").joinpath("static")))


def create_app(root: Path, hosts: list[str] | None = None) -> Starlette:
    """The workbench for the folder `root`. `hosts`: extra host names to answer to."""
    folder = Folder(root)
    allowed = LOCAL_HOSTS + list(hosts or [])

    async def index(request: Request) -> Response:
        return FileResponse(static_dir() / "index.html", headers=SECURITY_HEADERS)

    async def files(request: Request) -> Response:
        return _json(await run_in_threadpool(views.listing, folder))

    async def read(request: Request) -> Response:
        relative = request.query_params.get("path", "")
        try:
            text = await run_in_threadpool(folder.read_rules, relative)
        except Refused as exc:
            return _refused(exc)
        return _json({"path": relative, "text": text})

    def _posted(handler):
        async def endpoint(request: Request) -> Response:
            refusal = _check_post(request, allowed)
            if refusal is not None:
                return refusal
            body = await request.body()
            if len(body) > MAX_BODY:
                return _json({"error": f"the request is larger than {MAX_BODY} bytes"}, 413)
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return _json({"error": "the request is not JSON"}, 400)
            if not isinstance(data, dict):
                return _json({"error": "the request must be a JSON object"}, 400)
            try:
                return _json(await run_in_threadpool(handler, data))
            except Refused as exc:
                return _refused(exc)
        return endpoint

    def _text(data: dict) -> tuple[str, str]:
        text = data.get("text")
        if not isinstance(text, str):
            raise Refused("give the rules text as `text`", 400)
        return text, str(folder.resolve(data.get("path", ""), {".rules"}))

    def check(data: dict) -> dict:
        return views.problems(*_text(data))

    def schema(data: dict) -> dict:
        return views.schema(*_text(data))

    def evaluate(data: dict) -> dict:
        text, path = _text(data)
        return views.evaluate(text, path, data.get("facts"))

    def fixtures(data: dict) -> dict:
        return views.fixtures(folder, data.get("path", ""))

    def save(data: dict) -> dict:
        text, _ = _text(data)
        folder.write_rules(data["path"], text)
        return {"saved": data["path"]}

    routes = [
        Route("/", index),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/files", files),
        Route("/api/file", read),
        Route("/api/check", _posted(check), methods=["POST"]),
        Route("/api/schema", _posted(schema), methods=["POST"]),
        Route("/api/evaluate", _posted(evaluate), methods=["POST"]),
        Route("/api/fixtures", _posted(fixtures), methods=["POST"]),
        Route("/api/save", _posted(save), methods=["POST"]),
        Mount("/static", StaticFiles(directory=static_dir()), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)])
    app.state.folder = folder
    return app


def _check_post(request: Request, allowed: list[str]) -> Response | None:
    """Only JSON from the workbench's own page."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _json({"error": "send JSON (Content-Type: application/json)"}, 415)
    origin = request.headers.get("origin")
    if origin is not None:
        host = origin.split("://", 1)[-1].rsplit(":", 1)[0] if "://" in origin else ""
        if origin != f"{request.url.scheme}://{request.headers.get('host', '')}" or host not in allowed:
            return _json({"error": f"requests from {origin} are refused"}, 403)
    return None


def _json(data, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers=SECURITY_HEADERS)


def _refused(exc: Refused) -> Response:
    return _json({"error": exc.message}, exc.status)

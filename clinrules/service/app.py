"""The ASGI application: discovery, and one POST endpoint per ruleset.

    GET  /cds-services        the services (CDS Hooks discovery), no auth
    POST /cds-services/{id}   a hook call: JWT verified, request checked,
                              FHIR read (prefetch, else the FHIR server),
                              patient evaluated by clinrules.runtime, cards

Every refusal is JSON, `{"error": {"code": ..., "message": ...}}`, with the
status CDS Hooks and HTTP give it: 400 malformed JSON, request or FHIR; 401
authentication; 404 unknown service; 412 FHIR data that could not be
fetched; 413 a body over `max_request_bytes`; 415 a body that is not JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clinrules.errors import RulesError
from clinrules.runtime.jsontext import parse_json
from clinrules.service.auth import Authenticator
from clinrules.service.cards import card_parts, cards_for
from clinrules.service.config import ServiceConfig
from clinrules.service.discovery import CdsService
from clinrules.service.fetch import fetch_missing
from clinrules.service.fhir_facts import fhir_models, read_facts, select
from clinrules.service.hook_request import RequestError, read_request

log = logging.getLogger("clinrules.service")


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def make_app(services: dict[str, CdsService], config: ServiceConfig, *, base_url: str,
             insecure_no_auth: bool = False, today=_today) -> Starlette:
    """The service for `services`; `base_url` is its public URL (JWT `aud`)."""
    base_url = (config.service_url or base_url).rstrip("/")
    auth = None if insecure_no_auth else Authenticator(config)
    discovery = JSONResponse({"services": [s.discovery() for s in services.values()]}).body  # rendered once
    audiences = {service_id: [f"{base_url}/cds-services/{service_id}", f"{base_url}/cds-services"]
                 for service_id in services}
    parts = {service_id: card_parts(s) for service_id, s in services.items()}  # once, not per call
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        fhir_models()  # import the FHIR models (about a second) before the first call, not during it
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=32)) as client:
            state["client"] = client
            yield

    async def list_services(request: Request) -> Response:
        return Response(discovery, media_type="application/json")

    async def call(request: Request) -> JSONResponse:
        try:
            return JSONResponse(await _call(request))
        except RequestError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        except Exception:  # noqa: BLE001 - the caller gets JSON, the log the traceback
            log.exception("internal error answering %s", request.url.path)
            return JSONResponse({"error": {"code": "internal-error", "message": "internal error in the service"}},
                                status_code=500)

    async def _call(request: Request) -> dict:
        service_id = request.path_params["service_id"]
        service = services.get(service_id)
        if service is None:
            raise RequestError(404, "unknown-service", f"no CDS service `{service_id[:100]}` here; "
                                                        "see GET /cds-services")
        client = state["client"]
        if auth is not None:
            await auth.verify(request.headers.get("authorization"), audiences[service_id], client)
        body = await _body(request, config.max_request_bytes)
        try:
            doc = parse_json(body, file="request", what="the request body", code="bad-json", exact=True)
        except RulesError as exc:
            raise parse_error(exc) from None
        hook = read_request(doc, "patient-view", config.fhir_servers)
        found, missing = {}, []
        for binding in service.bindings:
            value = hook.prefetch.get(binding.prefetch_key)
            if value is None:
                missing.append(binding)
            else:
                found[binding.prefetch_key] = select(f"prefetch `{binding.prefetch_key}`", value, binding)
        fetched = await fetch_missing(client, hook, missing)
        for binding in missing:
            found[binding.prefetch_key] = select(f"`{binding.prefetch_key}` from the FHIR server",
                                                 fetched[binding.prefetch_key], binding)
        patient = read_facts(service, hook.patient_id, found, today())
        result = evaluate(service.ruleset, patient.checked)
        return {"cards": cards_for(parts[service_id], result, hook.hook_instance, hook.patient_id, patient)}

    routes = [
        Route("/cds-services", list_services, methods=["GET"]),
        Route("/cds-services/{service_id}", call, methods=["POST"]),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                             allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past `limit` bytes without reading on."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/json", "application/fhir+json"):
        raise RequestError(415, "unsupported-media-type",
                           f"the request body must be JSON (Content-Type: application/json), not `{kind[:60]}`")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, "request-too-large", f"the request body is {declared} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestError(413, "request-too-large", f"the request body is over the limit of {limit} bytes")
    return bytes(body)


def evaluate(ruleset, facts):
    """The result the cards are made from. Only a decided card shows why its
    rules fired (the explain trace); the explained evaluation also works out
    every result still possible for an undecided decision, which the cards
    never show and which costs far more than the evaluation itself when many
    inputs are unknown, so it runs only when some decision is decided."""
    result = ruleset.evaluate_validated(facts)
    if any(d.status == "decided" and d.value for d in result.decisions.values()):
        return ruleset.evaluate_validated(facts, explain=True)
    return result


ENVIRONMENT = "CLINRULES_CDS_HOOKS"


def app_from_environment() -> Starlette:
    """The app for each uvicorn worker process (`--workers N`): the command
    passes the folder, configuration and options in one environment
    variable, and each worker loads the rulesets itself."""
    import json
    import os

    from clinrules.service.config import load_config
    from clinrules.service.discovery import load_services

    options = json.loads(os.environ[ENVIRONMENT])
    config = load_config(options["config"])
    return make_app(load_services(options["folder"], config), config, base_url=options["base_url"],
                    insecure_no_auth=options["insecure_no_auth"])


def parse_error(exc: RulesError) -> RequestError:
    d = exc.diagnostics[0]
    where = f" at line {d.location.line}, column {d.location.column}" if d.location else ""
    return RequestError(400, "bad-json", f"{d.message}{where}")

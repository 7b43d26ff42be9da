"""The checked shape of one CDS Hooks request (CDS Hooks 2.0, "Calling a CDS Service").

Everything the client sends is data: it is checked here, before anything
reads it, and nothing in it is ever executed or used to build code. The
patient id is checked against FHIR's id syntax before it goes into any URL;
`fhirServer` must be an http(s) URL (and on the configured allow-list, when
there is one). A problem is a `RequestError` with the HTTP status, a stable
code and a message naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
HOOK_INSTANCE = re.compile(r"^[\x21-\x7e]{1,200}$")


class RequestError(Exception):
    """A request the service refuses: `status` (400, 401, 412, 413, 415...),
    a stable `code` and a message for the caller's logs."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def bad(code: str, message: str) -> RequestError:
    return RequestError(400, code, message)


@dataclass(frozen=True)
class HookRequest:
    hook: str
    hook_instance: str
    patient_id: str
    fhir_server: str | None
    access_token: str | None
    prefetch: dict


def read_request(doc, expected_hook: str, fhir_servers: tuple[str, ...] | None) -> HookRequest:
    if not isinstance(doc, dict):
        raise bad("bad-request", "the request body must be a JSON object (a CDS Hooks request)")
    hook = doc.get("hook")
    if not isinstance(hook, str):
        raise bad("bad-request", "`hook` is required and must be text")
    if hook != expected_hook:
        raise bad("bad-request", f"`hook` is `{hook[:60]}`, but this service answers `{expected_hook}`")
    instance = doc.get("hookInstance")
    if not isinstance(instance, str) or not HOOK_INSTANCE.match(instance):
        raise bad("bad-request", "`hookInstance` is required: a UUID (printable text, at most 200 characters)")
    context = doc.get("context")
    if not isinstance(context, dict):
        raise bad("bad-request", "`context` is required and must be an object")
    patient = context.get("patientId")
    if not isinstance(patient, str) or not FHIR_ID.match(patient):
        raise bad("bad-request", "`context.patientId` is required: a FHIR id (letters, digits, `-` and `.`, "
                                 "at most 64)")
    server = doc.get("fhirServer")
    if server is not None:
        if not isinstance(server, str) or not server.startswith(("http://", "https://")) or len(server) > 2000:
            raise bad("bad-request", "`fhirServer` must be an http(s) URL")
        server = server.rstrip("/")
        if fhir_servers is not None and not any(
            server == allowed.rstrip("/") or server.startswith(allowed.rstrip("/") + "/") for allowed in fhir_servers
        ):
            raise bad("bad-request", f"`fhirServer` {server} is not one of the FHIR servers this service may call")
    token = None
    auth = doc.get("fhirAuthorization")
    if auth is not None:
        if not isinstance(auth, dict) or not isinstance(auth.get("access_token"), str) or not auth["access_token"]:
            raise bad("bad-request", "`fhirAuthorization` must be an object with an `access_token`")
        if str(auth.get("token_type", "")).lower() != "bearer":
            raise bad("bad-request", "`fhirAuthorization.token_type` must be `Bearer`")
        if server is None:
            raise bad("bad-request", "`fhirAuthorization` is given without a `fhirServer`")
        token = auth["access_token"]
        if any(c in token for c in "\r\n"):
            raise bad("bad-request", "`fhirAuthorization.access_token` holds a line break")
    prefetch = doc.get("prefetch", {})
    if prefetch is None:
        prefetch = {}
    if not isinstance(prefetch, dict):
        raise bad("bad-request", "`prefetch` must be an object of prefetch keys to FHIR resources")
    return HookRequest(hook, instance, patient, server, token, prefetch)

"""Real servers on 127.0.0.1 for the CDS Hooks tests, started and stopped here.

- `service`: the clinrules CDS Hooks service (uvicorn in a thread) serving
  the seed ruleset, compiled into a temporary folder, with a configuration
  that trusts one test EHR (an RSA key pair made for the run) and binds the
  seed ruleset's uncoded inputs to site codes;
- `fhir`: a small FHIR server (the standard library's HTTP server) that
  answers searches from the resources a test puts in it, records the
  Authorization headers it saw, and serves a JWKS for the `jku` tests.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"
SERVICE_ID = "cervicogenic-upper-back-pain"
ISSUER = "https://ehr.test.example"
SITE = "http://example.org/site-codes"
FHIR_TOKEN = "fhir-access-token-123"

# The seed ruleset codes ESR, CRP, WBC count, fever and night sweats; the
# site binds the rest (as a hospital would map its own problem-list codes).
UNCODED = ["upper back pain", "cervicogenic dizziness", "duration", "unexplained weight loss",
           "history of malignancy", "immunosuppression", "IV drug use",
           "intractable pain despite conservative therapy", "progressive neurological deficit",
           "myelopathic signs", "vertebral body tenderness"]


def site_code(name: str) -> str:
    return name.lower().replace(" ", "-")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def compile_into(folder: Path, source: Path = SEED) -> Path:
    from clinrules.compiler import compile_file

    out = folder / (source.stem + ".json")
    out.write_text(json.dumps(compile_file(str(source)), indent=2), "utf-8")
    return out


@dataclass
class Keys:
    """The test EHR's key pair (RSA, kid "ehr-1") and an attacker's."""

    private: object = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    other: object = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ec_private: object = field(default_factory=lambda: ec.generate_private_key(ec.SECP384R1()))

    def jwks(self, *, ec_kid: str | None = None) -> dict:
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        key.update(kid="ehr-1", use="sig", alg="RS384")
        keys = [key]
        if ec_kid:
            eckey = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec_private.public_key()))
            eckey.update(kid=ec_kid, use="sig", alg="ES384")
            keys.append(eckey)
        return {"keys": keys}


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


class FhirStub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _FhirHandler)
        self.resources: list[dict] = []
        self.seen: list[tuple[str, str | None]] = []
        self.jwks: dict | None = None
        self.base = f"http://127.0.0.1:{port}"
        self.page_size: int | None = None  # searches answer in pages of this many, linked by `next`
        self.next_base: str | None = None  # where the next links point (another server, in a test)


class _FhirHandler(BaseHTTPRequestHandler):
    server: FhirStub

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        auth = self.headers.get("Authorization")
        self.server.seen.append((self.path, auth))
        if url.path == "/jwks.json" and self.server.jwks is not None:
            return self._send(200, self.server.jwks)
        if auth != f"Bearer {FHIR_TOKEN}":
            return self._send(401, {"resourceType": "OperationOutcome", "issue": []})
        query = parse_qs(url.query)
        kind = url.path.strip("/")
        if kind.startswith("Patient/"):
            found = [r for r in self.server.resources if r["resourceType"] == "Patient"
                     and r["id"] == kind.split("/", 1)[1]]
            return self._send(200, found[0]) if found else self._send(404, {})
        codes = {tuple(c.split("|", 1)) for c in query.get("code", [""])[0].split(",")}
        patient = query.get("patient", [""])[0]
        entries = [{"resource": r} for r in self.server.resources if r["resourceType"] == kind
                   and r.get("subject", {}).get("reference") == f"Patient/{patient}"
                   and any((c.get("system"), c.get("code")) in codes for c in r["code"]["coding"])]
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
        size = self.server.page_size
        if size:
            page = int(query.get("_page", ["1"])[0])
            bundle["entry"] = entries[(page - 1) * size: page * size]
            if page * size < len(entries):
                rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k != "_page")
                base = self.server.next_base or self.server.base
                bundle["link"] = [{"relation": "self", "url": f"{self.server.base}{self.path}"},
                                  {"relation": "next", "url": f"{base}/{kind}?{rest}&_page={page + 1}"}]
        self._send(200, bundle)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="session")
def fhir():
    server = FhirStub(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture()
def fhir_data(fhir):
    """The FHIR stub's resources for one test, emptied afterwards."""
    fhir.resources.clear()
    fhir.seen.clear()
    yield fhir
    fhir.resources.clear()
    fhir.seen.clear()
    fhir.page_size = fhir.next_base = None


class Running:
    """A uvicorn server in a thread: `url` to call it, `stop()` to end it."""

    def __init__(self, app, port: int) -> None:
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                                    access_log=False, lifespan="on"))
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the CDS Hooks service did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_service(folder: Path, config: dict, *, insecure: bool = False, today=None) -> Running:
    from clinrules.service.app import make_app
    from clinrules.service.config import config_from
    from clinrules.service.discovery import load_services

    config_path = folder / "service.json"
    config_path.write_text(json.dumps(config), "utf-8")
    parsed = config_from(config, str(config_path))
    port = free_port()
    extra = {"today": today} if today else {}
    app = make_app(load_services(str(folder), parsed), parsed, base_url=f"http://127.0.0.1:{port}",
                   insecure_no_auth=insecure, **extra)
    return Running(app, port)


def seed_config(keys: Keys, fhir: FhirStub) -> dict:
    return {
        "issuers": {ISSUER: {"jwks": keys.jwks(), "jku": [f"{fhir.base}/jwks.json"]}},
        "bindings": {SERVICE_ID: {name: [{"system": SITE, "code": site_code(name)}] for name in UNCODED}},
        "max_request_bytes": 200_000,
    }


@pytest.fixture(scope="module")
def service(tmp_path_factory, keys, fhir):
    folder = tmp_path_factory.mktemp("dist")
    compile_into(folder)
    (folder / "report.json").write_text('{"not": "a ruleset"}')  # what `clinrules build` also writes
    running = start_service(folder, seed_config(keys, fhir))
    try:
        yield running
    finally:
        running.stop()


def token(keys: Keys, audience: str, *, key=None, alg: str = "RS384", kid: str | None = "ehr-1", **claims) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "sub": "client-app", "aud": audience, "iat": now, "exp": now + 120,
               "jti": str(uuid.uuid4())}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, key if key is not None else keys.private, algorithm=alg, headers=headers)


def endpoint(running: Running, service_id: str = SERVICE_ID) -> str:
    return f"{running.url}/cds-services/{service_id}"


def call(running: Running, keys: Keys, body, *, service_id: str = SERVICE_ID, bearer: str | None = None,
         headers: dict | None = None) -> httpx.Response:
    """POST a hook request with a fresh valid JWT (or the `bearer` given)."""
    url = endpoint(running, service_id)
    headers = headers or {}
    sent = {} if "Authorization" in headers else {"Authorization": f"Bearer {bearer or token(keys, url)}"}
    sent.update(headers)
    if isinstance(body, (bytes, str)):
        sent.setdefault("Content-Type", "application/json")
        return httpx.post(url, content=body, headers=sent, timeout=20)
    return httpx.post(url, json=body, headers=sent, timeout=20)


# --- FHIR resources of the test patients ----------------------------------------

def condition(patient: str, name: str, *, system: str = SITE, code: str | None = None, clinical: str = "active",
              verification: str | None = "confirmed", rid: str | None = None) -> dict:
    out = {"resourceType": "Condition", "id": rid or f"{site_code(name)}-{patient}",
           "subject": {"reference": f"Patient/{patient}"},
           "code": {"coding": [{"system": system, "code": code or site_code(name)}], "text": name},
           "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                          "code": clinical}]}}
    if verification:
        out["verificationStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification}]}
    return out


def observation(patient: str, system: str, code: str, value, unit: str, *, when: str = "2026-11-30T09:00:00Z",
                rid: str | None = None, status: str = "final", comparator: str | None = None) -> dict:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}
    if comparator:
        quantity["comparator"] = comparator
    return {"resourceType": "Observation", "id": rid or f"{code}-{patient}", "status": status,
            "subject": {"reference": f"Patient/{patient}"},
            "code": {"coding": [{"system": system, "code": code}]},
            "effectiveDateTime": when, "valueQuantity": quantity}


LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
KEY_OF = {"fever": ("fever", SNOMED, "386661006"), "night sweats": ("night-sweats", SNOMED, "42984000")}


def bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"resource": r} for r in resources]}


def seed_patient(patient: str = "p1", *, duration=(2, "wk"), esr=None, crp=None, wbc=None, refuted=(),
                 present=()) -> dict:
    """A prefetch for the seed ruleset: in scope, the given duration and
    labs, every yes/no red flag refuted except those `present`, and `refuted`
    naming further inputs to record as refuted (scope inputs, say)."""
    pre = {}
    for name in ["upper back pain", "cervicogenic dizziness"]:
        pre[site_code(name)] = bundle(condition(patient, name, verification="refuted" if name in refuted else
                                                "confirmed"))
    yes_no = ["fever", "night sweats"] + [n for n in UNCODED[3:]]
    for name in yes_no:
        key, system, code = KEY_OF.get(name, (site_code(name), SITE, site_code(name)))
        state = "confirmed" if name in present else "refuted"
        pre[key] = bundle(condition(patient, name, system=system, code=code, verification=state))
    pre["duration"] = bundle(observation(patient, SITE, "duration", duration[0], duration[1])) if duration else bundle()
    for key, code, value in (("esr", "4537-7", esr), ("crp", "1988-5", crp), ("wbc-count", "6690-2", wbc)):
        pre[key] = bundle(observation(patient, LOINC, code, value[0], value[1])) if value else bundle()
    return pre


def hook_request(patient: str = "p1", prefetch: dict | None = None, **extra) -> dict:
    body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/dr-1", "patientId": patient}}
    if prefetch is not None:
        body["prefetch"] = prefetch
    body.update(extra)
    return body

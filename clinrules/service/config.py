"""The service's configuration file: who may call, and site bindings.

A JSON object, every key optional:

    {
      "service_url": "https://cds.example.org",        # public base URL: JWT `aud`
      "issuers": {                                     # the EHRs allowed to call
        "https://ehr.example.org": {
          "jwks": {"keys": [...]},                     # their public keys, inline,
          "jwks_file": "ehr-keys.json",                # or in a file (relative to this one),
          "jku": ["https://ehr.example.org/jwks"]      # or fetched, only from these URLs
        }
      },
      "fhir_servers": ["https://fhir.example.org/r4"], # fhirServer must start with one
      "bindings": {                                    # codes for inputs the ruleset leaves uncoded
        "SERVICE-ID": {"duration": [{"system": "http://example.org/codes", "code": "dur"}],
                       "smoking": {"codes": [...],     # a `one of` input: its Observation's codes,
                                   "options": {"current smoker": [...]}}}  # and the value codes of each option
      },
      "max_request_bytes": 1048576,
      "cors_origins": ["*"]
    }

Every problem is a RulesError `bad-service-config` naming the file and the
key, found before the server starts: a service that silently accepted an
issuer without keys would refuse every call, or worse, accept any.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from clinrules.errors import Diagnostic, RulesError
from clinrules.files import read_bytes
from clinrules.runtime.jsontext import parse_json

DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
CODE = "bad-service-config"


@dataclass(frozen=True)
class Issuer:
    """One EHR allowed to call: its `iss`, its keys (a JWKS) and the `jku`
    URLs its keys may be fetched from."""

    iss: str
    jwks: dict | None
    jku: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceConfig:
    service_url: str | None = None
    issuers: dict[str, Issuer] = field(default_factory=dict)
    fhir_servers: tuple[str, ...] | None = None
    bindings: dict[str, dict[str, list[dict] | dict]] = field(default_factory=dict)
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    cors_origins: tuple[str, ...] = ("*",)


KEYS = {"service_url", "issuers", "fhir_servers", "bindings", "max_request_bytes", "cors_origins"}


def load_config(path: str | None) -> ServiceConfig:
    """The configuration in `path`, or the defaults (no issuer) for None."""
    if path is None:
        return ServiceConfig()
    doc = parse_json(read_bytes(path, what="the service configuration"), file=path,
                     what="the service configuration", code=CODE)
    return config_from(doc, path)


def config_from(doc, path: str) -> ServiceConfig:
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise RulesError.single(CODE, "the service configuration must be a JSON object", file=path)
    for key in sorted(set(doc) - KEYS):
        problems.append(f"unknown key `{key}` (known: {', '.join(sorted(KEYS))})")
    service_url = doc.get("service_url")
    if service_url is not None and not _is_http_url(service_url):
        problems.append("`service_url` must be an http(s) URL")
    issuers = _issuers(doc.get("issuers", {}), path, problems)
    fhir_servers = doc.get("fhir_servers")
    if fhir_servers is not None:
        if not isinstance(fhir_servers, list) or not all(_is_http_url(s) for s in fhir_servers):
            problems.append("`fhir_servers` must be a list of http(s) URLs")
            fhir_servers = None
        else:
            fhir_servers = tuple(fhir_servers)
    bindings = doc.get("bindings", {})
    if not isinstance(bindings, dict) or not all(
        isinstance(v, dict) and all(_is_code_list(c) or _is_option_binding(c) for c in v.values())
        for v in bindings.values()
    ):
        problems.append('`bindings` must map service ids to {"input name": [{"system": ..., "code": ...}]}, or, '
                        'for a `one of` input, to {"codes": [...], "options": {"option": [...]}}')
        bindings = {}
    limit = doc.get("max_request_bytes", DEFAULT_MAX_REQUEST_BYTES)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1024:
        problems.append("`max_request_bytes` must be an integer of at least 1024")
        limit = DEFAULT_MAX_REQUEST_BYTES
    cors = doc.get("cors_origins", ["*"])
    if not isinstance(cors, list) or not all(isinstance(o, str) for o in cors):
        problems.append("`cors_origins` must be a list of origins")
        cors = ["*"]
    if problems:
        raise RulesError([Diagnostic(CODE, p, file=path) for p in problems])
    return ServiceConfig(
        service_url=service_url.rstrip("/") if service_url else None,
        issuers=issuers,
        fhir_servers=fhir_servers,
        bindings=bindings,
        max_request_bytes=limit,
        cors_origins=tuple(cors),
    )


def _issuers(raw, path: str, problems: list[str]) -> dict[str, Issuer]:
    if not isinstance(raw, dict):
        problems.append("`issuers` must map each issuer (`iss`) to its keys")
        return {}
    out = {}
    for iss, spec in raw.items():
        where = f"`issuers.{iss}`"
        if not isinstance(spec, dict) or set(spec) - {"jwks", "jwks_file", "jku"}:
            problems.append(f"{where} must be an object with `jwks`, `jwks_file` or `jku`")
            continue
        jwks = spec.get("jwks")
        if "jwks_file" in spec:
            if jwks is not None:
                problems.append(f"{where} gives both `jwks` and `jwks_file`; give one")
                continue
            file = os.path.join(os.path.dirname(os.path.abspath(path)), str(spec["jwks_file"]))
            try:
                jwks = parse_json(read_bytes(file, what="the JWKS file"), file=file, what="the JWKS file", code=CODE)
            except RulesError as exc:
                problems.extend(d.message for d in exc.diagnostics)
                continue
        jku = spec.get("jku", [])
        if not isinstance(jku, list) or not all(_is_http_url(u) for u in jku):
            problems.append(f"{where}.jku must be a list of http(s) URLs")
            continue
        if jwks is None and not jku:
            problems.append(f"{where} has no keys: give `jwks`, `jwks_file` or `jku`")
            continue
        if jwks is not None and not (isinstance(jwks, dict) and isinstance(jwks.get("keys"), list) and jwks["keys"]):
            problems.append(f'{where}: a JWKS is an object {{"keys": [...]}} with at least one key')
            continue
        if jwks is not None:
            from clinrules.service.auth import check_jwks

            problem = check_jwks(jwks)
            if problem:
                problems.append(f"{where}: {problem}")
                continue
        out[iss] = Issuer(iss, jwks, tuple(jku))
    return out


def _is_http_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > 8


def _is_option_binding(value) -> bool:
    return (isinstance(value, dict) and set(value) <= {"codes", "options"} and "options" in value
            and (_is_code_list(value["codes"]) if "codes" in value else True)
            and isinstance(value["options"], dict) and bool(value["options"])
            and all(_is_code_list(c) for c in value["options"].values()))


def _is_code_list(value) -> bool:
    return isinstance(value, list) and value and all(
        isinstance(c, dict) and set(c) == {"system", "code"} and isinstance(c["system"], str)
        and isinstance(c["code"], str) and c["system"] and c["code"]
        for c in value
    )



"""Bad requests get a clear 4xx over HTTP, never a traceback or a guess."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import bundle, call, condition, hook_request, observation, seed_patient, token, endpoint

GOOD = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))


def error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] and body["message"]
    return body["message"]


def test_malformed_json_names_the_place(service, keys):
    message = error(call(service, keys, b'{"hook": "patient-view",\n "context": {'), 400)
    assert message.startswith("the request body is not valid JSON") and "line 2" in message


def test_a_body_that_is_not_utf8_or_empty(service, keys):
    assert "not UTF-8" in error(call(service, keys, b'{"hook": "\xff"}'), 400)
    assert "is empty" in error(call(service, keys, b""), 400)


@pytest.mark.parametrize("change, words", [
    (lambda b: [b], "must be a JSON object"),
    (lambda b: {k: v for k, v in b.items() if k != "hook"}, "`hook` is required"),
    (lambda b: {**b, "hook": "order-sign"}, "this service answers `patient-view`"),
    (lambda b: {**b, "hookInstance": 7}, "`hookInstance` is required"),
    (lambda b: {**b, "context": {"patientId": "../../Patient/x"}}, "`context.patientId` is required: a FHIR id"),
    (lambda b: {**b, "context": "p1"}, "`context` is required"),
    (lambda b: {**b, "fhirServer": "file:///etc/passwd"}, "`fhirServer` must be an http(s) URL"),
    (lambda b: {**b, "fhirServer": "http://127.0.0.1:1", "fhirAuthorization": {"token_type": "Bearer"}},
     "must be an object with an `access_token`"),
    (lambda b: {**b, "prefetch": ["x"]}, "`prefetch` must be an object"),
])
def test_malformed_requests_are_400_naming_the_field(service, keys, change, words):
    assert words in error(call(service, keys, change(hook_request(prefetch=GOOD))), 400)


def test_malformed_fhir_is_400_naming_the_element(service, keys):
    broken = dict(GOOD)
    obs = observation("p1", "http://loinc.org", "4537-7", 10, "mm/h")
    del obs["code"]
    broken["esr"] = bundle(obs)
    message = error(call(service, keys, hook_request(prefetch=broken)), 400)
    assert message == "prefetch `esr` is not valid FHIR R4 Bundle: at `entry.0.resource.code`: Field required"
    broken["esr"] = {"resourceType": "Patient", "id": "p1"}
    assert error(call(service, keys, hook_request(prefetch=broken)), 400) == (
        "prefetch `esr` is a `Patient` resource; expected a Bundle or Observation")
    broken["esr"] = "ESR 10"
    assert "must be a FHIR resource" in error(call(service, keys, hook_request(prefetch=broken)), 400)


def test_another_patients_resource_is_refused(service, keys):
    mixed = dict(GOOD)
    mixed["fever"] = bundle(condition("p2", "fever", system="http://snomed.info/sct", code="386661006"))
    message = error(call(service, keys, hook_request(prefetch=mixed)), 400)
    assert "about `Patient/p2`, not Patient/p1" in message


def test_only_json_bodies_are_read(service, keys):
    response = call(service, keys, json.dumps(hook_request(prefetch=GOOD)),
                    headers={"Content-Type": "text/plain"})
    assert "must be JSON" in error(response, 415)


def test_a_body_over_the_limit_is_413(service, keys):
    big = hook_request(prefetch=GOOD, extension={"padding": "x" * 300_000})
    assert "limit" in error(call(service, keys, big), 413)
    # a client that does not declare the length is cut off at the limit too
    url = endpoint(service)

    def chunks():
        yield b'{"hook": "patient-view", "padding": "'
        for _ in range(40):
            yield b"x" * 10_000
        yield b'"}'

    response = httpx.post(url, content=chunks(), timeout=20,
                          headers={"Authorization": f"Bearer {token(keys, url)}", "Content-Type": "application/json"})
    assert "over the limit" in error(response, 413)


def test_an_unknown_service_is_404(service, keys):
    assert "no CDS service `nope`" in error(call(service, keys, hook_request(prefetch=GOOD), service_id="nope"), 404)


def test_fhir_server_must_be_on_the_allow_list_when_there_is_one():
    from clinrules.service.hook_request import RequestError, read_request

    body = hook_request(fhirServer="https://fhir.example.org/r4/", fhirAuthorization={
        "access_token": "t", "token_type": "Bearer"})
    assert read_request(body, "patient-view", ("https://fhir.example.org/r4",)).fhir_server == \
        "https://fhir.example.org/r4"
    with pytest.raises(RequestError, match="not one of the FHIR servers this service may call"):
        read_request({**body, "fhirServer": "https://fhir.example.org.evil.example"}, "patient-view",
                     ("https://fhir.example.org",))


def test_browser_sandboxes_may_call_cors(service):
    response = httpx.options(endpoint(service), timeout=10, headers={
        "Origin": "https://sandbox.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", "https://sandbox.example")


def test_what_the_service_reads_is_validated_and_what_it_never_reads_is_skipped(service, keys):
    esr = observation("p1", "http://loinc.org", "4537-7", 10, "mm/h")
    other = observation("p1", "http://loinc.org", "718-7", 14, "g/dL")  # haemoglobin: no input reads it
    other["valueQuantity"] = {"value": "not a number"}
    note = {"resourceType": "OperationOutcome", "issue": "not a list"}  # another type: never read
    skipped = dict(GOOD, esr=bundle(esr, other, note))
    response = call(service, keys, hook_request(prefetch=skipped))
    assert response.status_code == 200, response.text
    # a resource of the input's type whose code is not plain FHIR JSON is parsed, and refused
    odd = observation("p1", "http://loinc.org", "718-7", 14, "g/dL")
    odd["code"]["coding"] = {"system": "http://loinc.org", "code": "4537-7"}
    message = error(call(service, keys, hook_request(prefetch=dict(GOOD, esr=bundle(esr, odd)))), 400)
    assert message.startswith("prefetch `esr` is not valid FHIR R4 Bundle: at `entry.1.resource.code.coding`")
    # a read resource with a bad element is refused even when the element is one the service does not use
    bad_note = dict(esr, note=[{"text": 7}])
    message = error(call(service, keys, hook_request(prefetch=dict(GOOD, esr=bundle(bad_note)))), 400)
    assert message.startswith("prefetch `esr` is not valid FHIR R4 Bundle: at `entry.0.resource.note.0.text`")


@pytest.mark.parametrize("envelope, words", [
    ({"resourceType": "Bundle", "type": "searchset", "entry": {"resource": {}}}, "at `entry`: must be a list of entries"),
    ({"resourceType": "Bundle", "type": "searchset", "entry": ["x"]}, "at `entry.0`: must be an object (a Bundle entry)"),
    ({"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"id": "x"}}]},
     "at `entry.0.resource`: must be a FHIR resource (an object with `resourceType`)"),
])
def test_a_malformed_bundle_envelope_is_400(service, keys, envelope, words):
    message = error(call(service, keys, hook_request(prefetch=dict(GOOD, esr=envelope))), 400)
    assert message == f"prefetch `esr` is not valid FHIR R4 Bundle: {words}"

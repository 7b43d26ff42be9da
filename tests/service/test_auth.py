"""The EHR's JWT, checked by the real service over HTTP: each refusal is a 401."""

from __future__ import annotations

import time

import jwt
import pytest

from .conftest import ISSUER, call, endpoint, hook_request, seed_patient, start_service, token

BODY = hook_request(prefetch=seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L")))


def refused(response, words: str) -> None:
    assert response.status_code == 401, response.text
    assert words in response.json()["error"]["message"]


def test_a_valid_token_is_accepted_once(service, keys):
    bearer = token(keys, endpoint(service))
    assert call(service, keys, BODY, bearer=bearer).status_code == 200
    refused(call(service, keys, BODY, bearer=bearer), "already used")


def test_the_discovery_url_is_accepted_as_audience(service, keys):
    bearer = token(keys, f"{service.url}/cds-services")
    assert call(service, keys, BODY, bearer=bearer).status_code == 200


def test_no_token_is_refused(service, keys):
    refused(call(service, keys, BODY, headers={"Authorization": ""}), "a bearer JWT is required")
    refused(call(service, keys, BODY, headers={"Authorization": "Basic dXNlcjpwYXNz"}), "a bearer JWT is required")
    refused(call(service, keys, BODY, bearer="not-a-jwt"), "not a well-formed JWT")


def test_an_expired_token_is_refused(service, keys):
    now = int(time.time())
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), iat=now - 600, exp=now - 300)),
            "expired")


def test_a_token_living_longer_than_five_minutes_is_refused(service, keys):
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), exp=int(time.time()) + 3600)),
            "longer than five minutes")


def test_a_wrong_signature_is_refused(service, keys):
    # signed by another key, claiming the EHR's key id
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), key=keys.other)),
            "signature does not verify")


def test_an_unsigned_alg_none_token_is_refused(service, keys):
    unsigned = jwt.encode({"iss": ISSUER, "aud": endpoint(service), "exp": int(time.time()) + 60,
                           "iat": int(time.time()), "jti": "x1"}, None, algorithm="none")
    refused(call(service, keys, BODY, bearer=unsigned), "algorithm `none` is refused")


def test_a_shared_secret_token_is_refused(service, keys):
    # the classic confusion attack: HS256 "signed" with the public key's text
    hs = jwt.encode({"iss": ISSUER, "aud": endpoint(service), "exp": int(time.time()) + 60,
                     "iat": int(time.time()), "jti": "x2"}, "public-key-text-long-enough-for-hmac-sha256!", algorithm="HS256",
                    headers={"kid": "ehr-1"})
    refused(call(service, keys, BODY, bearer=hs), "algorithm `HS256` is refused")


def test_an_issuer_not_on_the_allow_list_is_refused(service, keys):
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), iss="https://evil.example")),
            "issuer `https://evil.example` is not on this service's allow-list")


def test_a_token_for_another_service_is_refused(service, keys):
    refused(call(service, keys, BODY, bearer=token(keys, "https://other.example/cds-services/x")),
            "`aud` is not this service's URL")


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "aud"])
def test_a_token_without_a_required_claim_is_refused(service, keys, claim):
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), **{claim: None})),
            f"no `{claim}` claim")


def test_an_unknown_key_id_is_refused(service, keys):
    refused(call(service, keys, BODY, bearer=token(keys, endpoint(service), kid="ehr-9")), "has no key `ehr-9`")


def test_jku_is_used_only_from_the_allow_list(service, keys, fhir):
    fhir.jwks = keys.jwks(ec_kid="ehr-ec")
    try:
        good = jwt.encode({"iss": ISSUER, "aud": endpoint(service), "exp": int(time.time()) + 60,
                           "iat": int(time.time()), "jti": "jku-1"}, keys.ec_private, algorithm="ES384",
                          headers={"kid": "ehr-ec", "jku": f"{fhir.base}/jwks.json"})
        assert call(service, keys, BODY, bearer=good).status_code == 200
        elsewhere = jwt.encode({"iss": ISSUER, "aud": endpoint(service), "exp": int(time.time()) + 60,
                                "iat": int(time.time()), "jti": "jku-2"}, keys.ec_private, algorithm="ES384",
                               headers={"kid": "ehr-ec", "jku": f"{fhir.base}/other-jwks.json"})
        refused(call(service, keys, BODY, bearer=elsewhere), "is not on the allow-list of issuer")
    finally:
        fhir.jwks = None


def test_insecure_no_auth_accepts_calls_without_a_token(tmp_path, keys, fhir):
    from .conftest import compile_into, seed_config

    compile_into(tmp_path)
    running = start_service(tmp_path, seed_config(keys, fhir), insecure=True)
    try:
        assert call(running, keys, BODY, headers={"Authorization": ""}).status_code == 200
    finally:
        running.stop()

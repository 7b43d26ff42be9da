"""`one of` inputs read from FHIR: a coded Observation value mapped to an
option through the option codes of the site's `bindings`, over HTTP."""

from __future__ import annotations

import pytest

from clinrules.errors import RulesError
from clinrules.service.config import config_from
from clinrules.service.discovery import load_services

from .conftest import FHIR_TOKEN, bundle, call, compile_into, hook_request, start_service

LOINC, SNOMED = "http://loinc.org", "http://snomed.info/sct"
SMOKING_RULES = """\
ruleset "Smoking"
input smoking status: one of [current smoker, former smoker, never smoked]
code smoking status: LOINC 72166-2
decision counselling: one of [offer cessation support, none needed]
rule smokes: IF smoking status is current smoker THEN offer cessation support
rule does not smoke: IF smoking status is one of [former smoker, never smoked] THEN none needed
"""
OPTIONS = {"current smoker": [{"system": "SNOMED", "code": "77176002"}],
           "Former  Smoker": [{"system": "SNOMED", "code": "8517006"}],  # names match as in the language
           "never smoked": [{"system": "SNOMED", "code": "266919005"}]}
CONFIG = {"bindings": {"smoking": {"smoking status": {"options": OPTIONS}}}}


def smoking(code: str | None, *, rid: str = "s1", when: str = "2026-11-30T09:00:00Z", status: str = "final",
            coding: list | None = None) -> dict:
    out = {"resourceType": "Observation", "id": rid, "status": status, "subject": {"reference": "Patient/p1"},
           "code": {"coding": [{"system": LOINC, "code": "72166-2"}]}, "effectiveDateTime": when}
    if coding is not None:
        out["valueCodeableConcept"] = {"coding": coding}
    elif code is not None:
        out["valueCodeableConcept"] = {"coding": [{"system": SNOMED, "code": code}]}
    return out


@pytest.fixture(scope="module")
def smoking_service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smoking")
    (folder / "smoking.rules").write_text(SMOKING_RULES)
    compile_into(folder, folder / "smoking.rules")
    (folder / "smoking.rules").unlink()
    running = start_service(folder, CONFIG, insecure=True)
    try:
        yield running
    finally:
        running.stop()


def counselling(running, body) -> dict:
    response = call(running, None, body, service_id="smoking", headers={"Authorization": ""})
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    return card


def test_the_coded_value_is_the_option_whose_code_it_carries(smoking_service):
    card = counselling(smoking_service, hook_request(prefetch={"smoking-status": bundle(smoking("77176002"))}))
    assert card["summary"] == "counselling: offer cessation support"
    assert "smoking status: current smoker (http://snomed.info/sct|77176002) (Observation/s1, 2026-11-30)" in \
        card["detail"]
    former = counselling(smoking_service, hook_request(prefetch={"smoking-status": bundle(smoking("8517006"))}))
    assert former["summary"] == "counselling: none needed"


def test_the_latest_result_is_read(smoking_service):
    prefetch = {"smoking-status": bundle(smoking("77176002", rid="old", when="2025-01-01T00:00:00Z"),
                                         smoking("266919005", rid="new"))}
    assert counselling(smoking_service, hook_request(prefetch=prefetch))["summary"] == "counselling: none needed"


@pytest.mark.parametrize("observation, note", [
    (smoking("999999"), "has the value http://snomed.info/sct|999999, which is none of the options' codes"),
    (smoking(None), "has no coded value"),
    (smoking(None, coding=[{"system": SNOMED, "code": "77176002"}, {"system": SNOMED, "code": "8517006"}]),
     "which names current smoker and former smoker"),
])
def test_a_value_that_names_no_single_option_is_unknown_never_a_guess(smoking_service, observation, note):
    card = counselling(smoking_service, hook_request(prefetch={"smoking-status": bundle(observation)}))
    assert card["summary"] == "counselling: undecided, needs smoking status"
    assert note in card["detail"]
    empty = counselling(smoking_service, hook_request(prefetch={"smoking-status": bundle()}))
    assert empty["summary"] == "counselling: undecided, needs smoking status"


def test_discovery_and_fetch_read_the_input_from_its_observation(smoking_service, fhir_data):
    import httpx

    (entry,) = httpx.get(f"{smoking_service.url}/cds-services", timeout=10).json()["services"]
    assert entry["prefetch"] == {"smoking-status": "Observation?patient={{context.patientId}}&code=http://loinc.org|72166-2"}
    assert "its coded value one of the options' codes" in entry["description"]
    fhir_data.resources.append(smoking("77176002"))
    body = hook_request(fhirServer=fhir_data.base, fhirAuthorization={"access_token": FHIR_TOKEN,
                                                                      "token_type": "Bearer"})
    assert counselling(smoking_service, body)["summary"] == "counselling: offer cessation support"


def test_option_bindings_are_checked_before_serving(tmp_path):
    (tmp_path / "smoking.rules").write_text(SMOKING_RULES)
    compile_into(tmp_path, tmp_path / "smoking.rules")
    (tmp_path / "smoking.rules").unlink()

    def problems(binding) -> str:
        with pytest.raises(RulesError) as caught:
            load_services(str(tmp_path), config_from({"bindings": {"smoking": binding}}, "c.json"))
        return "\n".join(d.message for d in caught.value.diagnostics)

    # the service is in the folder: only its binding is wrong, not its name
    assert "not a compiled ruleset in the folder" not in problems(
        {"smoking status": {"options": {"vaping": [{"system": "SNOMED", "code": "1"}]}}})
    assert "`vaping` is not an option of `smoking status`" in problems(
        {"smoking status": {"options": {"vaping": [{"system": "SNOMED", "code": "1"}]}}})
    assert "is given to `current smoker` and to `never smoked`" in problems(
        {"smoking status": {"options": {"current smoker": [{"system": "SNOMED", "code": "1"}],
                                        "never smoked": [{"system": "http://snomed.info/sct", "code": "1"}]}}})
    with pytest.raises(RulesError, match="for a `one of` input"):
        config_from({"bindings": {"smoking": {"smoking status": {"options": []}}}}, "c.json")
    # without option codes the input has a code but cannot be read: it is named unreadable, with a warning
    (service,) = load_services(str(tmp_path), config_from({}, "c.json")).values()
    assert service.unreadable == ("smoking status",)
    assert any("no option codes" in w for w in service.warnings)

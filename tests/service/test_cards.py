"""Cards for the seed ruleset's patients, over HTTP against the real service."""

from __future__ import annotations

from .conftest import (
    FHIR_TOKEN, LOINC, bundle, call, condition, hook_request, observation, seed_patient,
)

MRI = "MRI cervical spine without contrast"


def cards_of(response) -> dict:
    assert response.status_code == 200, response.text
    return {card["summary"].split(":")[0]: card for card in response.json()["cards"]}


def test_red_flag_gives_an_mri_card_with_its_rationale_citations_and_cpt_code(service, keys):
    # CRP 1.2 mg/dL is 12 mg/L: above the 10 mg/L limit, a red flag.
    cards = cards_of(call(service, keys, hook_request(prefetch=seed_patient(crp=(1.2, "mg/dL"), esr=(10, "mm/h"),
                                                                             wbc=(7, "10*9/L")))))
    imaging = cards["imaging"]
    assert imaging["summary"] == f"imaging: {MRI}"
    assert imaging["indicator"] == "info"
    detail = imaging["detail"]
    assert "Rule `red flags need imaging now`" in detail
    assert "immediately obtain MRI cervical spine without contrast" in detail and "[2]" in detail
    assert "2. Causes of Right-Sided Neck Pain" in detail  # the cited source, in full
    assert "CRP: 1.2 mg/dL (Observation/1988-5-p1, 2026-11-30)" in detail  # what was read, and from where
    assert imaging["selectionBehavior"] == "at-most-one"
    (suggestion,) = imaging["suggestions"]
    resource = suggestion["actions"][0]["resource"]
    assert suggestion["actions"][0]["type"] == "create"
    assert resource["resourceType"] == "ServiceRequest" and resource["subject"] == {"reference": "Patient/p1"}
    assert resource["code"]["coding"] == [{"system": "http://www.ama-assn.org/go/cpt", "code": "72141",
                                           "display": MRI}]
    assert imaging["source"]["label"].startswith("Upper back pain in cervicogenic dizziness 1.0.0")
    # nothing suggests infection or inflammation (the red flag is a marker): no laboratory card
    assert "laboratory evaluation" not in cards


def test_two_weeks_with_esr_missing_is_undecided_and_the_card_names_esr(service, keys):
    cards = cards_of(call(service, keys, hook_request(prefetch=seed_patient(crp=(3, "mg/L"), wbc=(7, "10*9/L")))))
    imaging = cards["imaging"]
    assert imaging["summary"] == "imaging: undecided, needs ESR"
    assert imaging["indicator"] == "warning"
    assert "- ESR (Observation http://loinc.org|4537-7)" in imaging["detail"]
    assert "suggestions" not in imaging


def test_a_missing_resource_is_unknown_never_no(service, keys):
    prefetch = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    prefetch["fever"] = bundle()  # no fever Condition at all: fever is unknown, not absent
    imaging = cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]
    assert imaging["summary"] == "imaging: undecided, needs fever"
    assert "fever (Condition http://snomed.info/sct|386661006)" in imaging["detail"]


def test_quantities_in_another_unit_are_converted_exactly_at_the_threshold(service, keys):
    def imaging(crp, duration=(14, "d")):
        prefetch = seed_patient(duration=duration, esr=(10, "mm/h"), crp=crp, wbc=(7, "10*9/L"))
        return cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]["summary"]

    # 1 mg/dL is exactly 10 mg/L: at the limit is normal; 14 days is 2 weeks: acute
    assert imaging((1, "mg/dL")) == "imaging: no imaging"
    assert imaging((1.0001, "mg/dL")) == f"imaging: {MRI}"
    assert imaging((10, "mg/L")) == "imaging: no imaging"
    # 42 days is exactly 6 weeks: persistent (`duration >= 6 weeks`)
    assert imaging((1, "mg/dL"), duration=(42, "d")) == f"imaging: {MRI}"
    assert imaging((1, "mg/dL"), duration=(41.99, "d")) == "imaging: no imaging"


def test_an_unconvertible_or_implausible_value_is_left_unknown_with_a_note(service, keys):
    prefetch = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    prefetch["esr"] = bundle(observation("p1", LOINC, "4537-7", 5, "mg/L"))  # a mass concentration, not a rate
    imaging = cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]
    assert imaging["summary"] == "imaging: undecided, needs ESR"
    assert "ESR: 5 mg/L (Observation/4537-7-p1, 2026-11-30) cannot be used" in imaging["detail"]
    prefetch["esr"] = bundle(observation("p1", LOINC, "4537-7", 5, "mm/h", comparator="<"))
    imaging = cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]
    assert imaging["summary"] == "imaging: undecided, needs ESR"
    assert "is `< 5`, not an exact value" in imaging["detail"]


def test_the_latest_final_observation_is_read(service, keys):
    prefetch = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    prefetch["crp"] = bundle(
        observation("p1", LOINC, "1988-5", 30, "mg/L", when="2026-10-01T09:00:00Z", rid="old"),
        observation("p1", LOINC, "1988-5", 4, "mg/L", when="2026-11-30T09:00:00Z", rid="new"),
        observation("p1", LOINC, "1988-5", 50, "mg/L", when="2026-12-01T09:00:00Z", rid="wrong", status="entered-in-error"),
    )
    imaging = cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]
    assert imaging["summary"] == "imaging: no imaging"
    assert "CRP: 4 mg/L (Observation/new, 2026-11-30)" in imaging["detail"]
    assert "Observation/wrong left out (status entered-in-error)" in imaging["detail"]


def test_suspected_infection_gives_the_laboratory_card_with_each_cpt_code(service, keys):
    prefetch = seed_patient(present=("fever",), esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    cards = cards_of(call(service, keys, hook_request(prefetch=prefetch)))
    lab = cards["laboratory evaluation"]
    assert lab["summary"] == ("laboratory evaluation: erythrocyte sedimentation rate, C-reactive protein, "
                              "white blood cell count")
    assert lab["selectionBehavior"] == "any"
    codes = [s["actions"][0]["resource"]["code"]["coding"][0]["code"] for s in lab["suggestions"]]
    assert codes == ["85652", "86140", "85048"]
    assert cards["imaging"]["summary"] == f"imaging: {MRI}"  # fever is a red flag too


def test_resolved_or_refuted_conditions_say_no_and_out_of_scope_gives_no_cards(service, keys):
    prefetch = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    prefetch["fever"] = bundle(condition("p1", "fever", system="http://snomed.info/sct", code="386661006",
                                         clinical="resolved"))
    assert cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]["summary"] == \
        "imaging: no imaging"
    out_of_scope = seed_patient(refuted=("upper back pain",))
    response = call(service, keys, hook_request(prefetch=out_of_scope))
    assert response.status_code == 200 and response.json() == {"cards": []}


def test_missing_prefetch_is_read_from_the_fhir_server_with_the_bearer_token(service, keys, fhir_data):
    prefetch = seed_patient(esr=(10, "mm/h"), wbc=(7, "10*9/L"))
    del prefetch["crp"]
    prefetch["esr"] = None  # null: the EHR could not prefetch it
    fhir_data.resources += [observation("p1", LOINC, "1988-5", 1.2, "mg/dL"),
                            observation("p1", LOINC, "4537-7", 12, "mm/h"),
                            observation("p2", LOINC, "1988-5", 99, "mg/L")]
    body = hook_request(prefetch=prefetch, fhirServer=fhir_data.base,
                        fhirAuthorization={"access_token": FHIR_TOKEN, "token_type": "Bearer",
                                           "expires_in": 300, "scope": "patient/*.read", "subject": "cds"})
    imaging = cards_of(call(service, keys, body))["imaging"]
    assert imaging["summary"] == f"imaging: {MRI}"
    assert "CRP: 1.2 mg/dL" in imaging["detail"] and "ESR: 12 mm/h" in imaging["detail"]
    paths = sorted(path for path, _ in fhir_data.seen)
    assert paths == ["/Observation?patient=p1&code=http://loinc.org|1988-5",
                     "/Observation?patient=p1&code=http://loinc.org|4537-7"]
    assert {auth for _, auth in fhir_data.seen} == {f"Bearer {FHIR_TOKEN}"}


def test_a_fhir_server_that_refuses_is_a_412(service, keys, fhir_data):
    prefetch = seed_patient()
    del prefetch["esr"]
    body = hook_request(prefetch=prefetch, fhirServer=fhir_data.base,
                        fhirAuthorization={"access_token": "wrong", "token_type": "Bearer"})
    response = call(service, keys, body)
    assert response.status_code == 412
    assert response.json()["error"]["message"] == (
        "could not read `esr` (Observation?patient={{context.patientId}}&code=http://loinc.org|4537-7) "
        "from the FHIR server: it answered HTTP 401")
    del body["fhirServer"], body["fhirAuthorization"]
    response = call(service, keys, body)
    assert response.status_code == 412
    assert "prefetch `esr` missing and no `fhirServer`" in response.json()["error"]["message"]


def test_two_different_results_at_the_same_latest_time_leave_the_input_unknown(service, keys):
    prefetch = seed_patient(esr=(10, "mm/h"), crp=(3, "mg/L"), wbc=(7, "10*9/L"))
    prefetch["crp"] = bundle(observation("p1", LOINC, "1988-5", 4, "mg/L", rid="a"),
                             observation("p1", LOINC, "1988-5", 40, "mg/L", rid="b"))
    imaging = cards_of(call(service, keys, hook_request(prefetch=prefetch)))["imaging"]
    assert imaging["summary"] == "imaging: undecided, needs CRP"
    assert "CRP: different results at the same latest time (Observation/a, Observation/b); left unknown" in \
        imaging["detail"]


def _fetch_crp(service, keys, fhir_data):
    prefetch = seed_patient(esr=(10, "mm/h"), wbc=(7, "10*9/L"))
    del prefetch["crp"]
    body = hook_request(prefetch=prefetch, fhirServer=fhir_data.base,
                        fhirAuthorization={"access_token": FHIR_TOKEN, "token_type": "Bearer"})
    return call(service, keys, body)


def test_a_paged_search_is_read_to_its_last_page(service, keys, fhir_data):
    # the latest CRP (1.2 mg/dL, a red flag) is on the third page of three
    fhir_data.page_size = 1
    fhir_data.resources += [observation("p1", LOINC, "1988-5", 3, "mg/L", when="2026-10-01T09:00:00Z", rid="oct"),
                            observation("p1", LOINC, "1988-5", 4, "mg/L", when="2026-11-01T09:00:00Z", rid="nov"),
                            observation("p1", LOINC, "1988-5", 1.2, "mg/dL", when="2026-11-30T09:00:00Z", rid="dec")]
    imaging = cards_of(_fetch_crp(service, keys, fhir_data))["imaging"]
    assert imaging["summary"] == f"imaging: {MRI}"
    assert "CRP: 1.2 mg/dL (Observation/dec, 2026-11-30)" in imaging["detail"]
    paths = [path for path, _ in fhir_data.seen]
    assert paths == ["/Observation?patient=p1&code=http://loinc.org|1988-5",
                     "/Observation?patient=p1&code=http://loinc.org|1988-5&_page=2",
                     "/Observation?patient=p1&code=http://loinc.org|1988-5&_page=3"]
    assert {auth for _, auth in fhir_data.seen} == {f"Bearer {FHIR_TOKEN}"}


def test_a_next_page_on_another_server_is_not_followed(service, keys, fhir_data):
    fhir_data.page_size = 1
    fhir_data.next_base = "http://127.0.0.1:1/elsewhere"  # the bearer token must not go there
    fhir_data.resources += [observation("p1", LOINC, "1988-5", 3, "mg/L", rid="a", when="2026-10-01T09:00:00Z"),
                            observation("p1", LOINC, "1988-5", 4, "mg/L", rid="b")]
    response = _fetch_crp(service, keys, fhir_data)
    assert response.status_code == 412
    assert "its next page link is not on the FHIR server (http://127.0.0.1:1/elsewhere/Observation?" in \
        response.json()["error"]["message"]
    assert len(fhir_data.seen) == 1

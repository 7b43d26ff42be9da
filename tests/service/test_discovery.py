"""Discovery, FHIR age, and the `clinrules cds-hooks` command."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from fractions import Fraction

import httpx
import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.errors import RulesError
from clinrules.service.config import ServiceConfig, config_from
from clinrules.service.discovery import load_services
from clinrules.service.fhir_facts import exact_age

from .conftest import SERVICE_ID, call, compile_into, free_port, hook_request, start_service

ESR_TEMPLATE = "Observation?patient={{context.patientId}}&code=http://loinc.org|4537-7"


def test_discovery_lists_the_ruleset_with_prefetch_from_its_codes(service):
    response = httpx.get(f"{service.url}/cds-services", timeout=10)
    assert response.status_code == 200
    (entry,) = response.json()["services"]  # report.json in the folder is not a service
    assert entry["id"] == SERVICE_ID and entry["hook"] == "patient-view"
    assert entry["title"] == "Upper back pain in cervicogenic dizziness"
    assert entry["prefetch"]["esr"] == ESR_TEMPLATE
    assert entry["prefetch"]["crp"] == "Observation?patient={{context.patientId}}&code=http://loinc.org|1988-5"
    assert entry["prefetch"]["fever"] == "Condition?patient={{context.patientId}}&code=http://snomed.info/sct|386661006"
    assert entry["description"].startswith("Upper back pain in cervicogenic dizziness (version 1.0.0): decides "
                                           "imaging, laboratory evaluation.")


def test_without_site_bindings_uncoded_inputs_are_named_unreadable(tmp_path):
    compile_into(tmp_path)
    (service,) = load_services(str(tmp_path), ServiceConfig()).values()
    assert [b.name for b in service.bindings] == ["fever", "night sweats", "ESR", "CRP", "WBC count"]
    assert service.unreadable[:3] == ("upper back pain", "cervicogenic dizziness", "duration")
    assert "Not in FHIR (always unknown): upper back pain" in service.discovery()["description"]


def test_bindings_and_folders_are_checked_before_serving(tmp_path):
    with pytest.raises(RulesError, match="holds no compiled ruleset"):
        load_services(str(tmp_path), ServiceConfig())
    compile_into(tmp_path)
    bad = config_from({"bindings": {SERVICE_ID: {"duraton": [{"system": "LOINC", "code": "1"}]}}}, "c.json")
    with pytest.raises(RulesError, match="`duraton`, which is not an input of this ruleset"):
        load_services(str(tmp_path), bad)
    with pytest.raises(RulesError, match="names the service `other`"):
        load_services(str(tmp_path), config_from({"bindings": {"other": {}}}, "c.json"))
    with pytest.raises(RulesError) as caught:
        config_from({"issuers": {"https://a": {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}},
                     "port": 1}, "c.json")
    messages = [d.message for d in caught.value.diagnostics]
    assert any("unknown key `port`" in m for m in messages)
    assert any("shared-secret" in m for m in messages)


AGE_RULES = """\
ruleset "Age check"
input age: number in years from 0 to 130
code age: LOINC 30525-0
decision screening: one of [offer, not yet]
rule older: IF age >= 65 years THEN offer
rule younger: IF age < 65 years THEN not yet
"""


def test_age_is_read_exactly_from_the_birth_date(tmp_path):
    (tmp_path / "age-check.rules").write_text(AGE_RULES)
    compile_into(tmp_path, tmp_path / "age-check.rules")
    (tmp_path / "age-check.rules").unlink()
    running = start_service(tmp_path, {}, insecure=True, today=lambda: dt.date(2026, 12, 2))
    try:
        def screening(birth):
            patient = {"resourceType": "Patient", "id": "p1", **({"birthDate": birth} if birth else {})}
            response = call(running, None, hook_request(prefetch={"patient": patient}), service_id="age-check",
                            headers={"Authorization": ""})
            assert response.status_code == 200, response.text
            return response.json()["cards"][0]["summary"]

        assert screening("1961-12-02") == "screening: offer"       # the 65th birthday
        assert screening("1961-12-03") == "screening: not yet"     # the day before it
        assert screening("1961") == "screening: undecided, needs age"  # a year only: not exact enough
        assert screening(None) == "screening: undecided, needs age"
    finally:
        running.stop()


def test_exact_age():
    assert exact_age(dt.date(1961, 12, 2), dt.date(2026, 12, 2)) == 65
    assert exact_age(dt.date(1961, 12, 3), dt.date(2026, 12, 2)) == 64 + Fraction(364, 365)
    assert exact_age(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) < 26      # a leap-day birthday falls on 1 March
    assert exact_age(dt.date(2000, 2, 29), dt.date(2026, 3, 1)) == 26


def test_the_command_refuses_what_it_cannot_serve(tmp_path):
    runner = CliRunner()
    done = runner.invoke(cli, ["cds-hooks", str(tmp_path / "missing")])
    assert done.exit_code == 2 and "is not a folder of compiled rulesets" in done.output
    compile_into(tmp_path)
    done = runner.invoke(cli, ["cds-hooks", str(tmp_path)])
    assert done.exit_code == 2 and "no issuer is configured" in done.output
    (tmp_path / "service.json").write_text(json.dumps({"issuers": {"https://ehr": {}}}))
    done = runner.invoke(cli, ["cds-hooks", str(tmp_path), "--config", str(tmp_path / "service.json")])
    assert done.exit_code == 2
    assert "service.json: error: `issuers.https://ehr` has no keys: give `jwks`, `jwks_file` or `jku`" in done.output


def test_the_command_serves_and_warns_when_insecure(tmp_path):
    compile_into(tmp_path)
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "clinrules", "cds-hooks", str(tmp_path), "--port", str(port),
                             "--insecure-no-auth"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen.append(line)
            if "serving" in line or not line:
                break
        text = "".join(seen)
        assert "WARNING: --insecure-no-auth" in text
        assert f"serving 1 CDS service(s) at http://127.0.0.1:{port}/cds-services" in text
        while True:  # "serving" is printed just before uvicorn listens
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/cds-services", timeout=10)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and proc.poll() is None, text
                time.sleep(0.05)
        assert response.json()["services"][0]["prefetch"]["esr"] == ESR_TEMPLATE
    finally:
        proc.terminate()
        proc.wait(timeout=15)

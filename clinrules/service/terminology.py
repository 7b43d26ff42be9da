"""Code system names as editors write them, to the URIs FHIR uses.

A `.rules` file says `code ESR: LOINC 4537-7`; a FHIR Coding says
`{"system": "http://loinc.org", "code": "4537-7"}`. The names are the HL7
canonical URIs (terminology.hl7.org, "External code systems"). A system
written as a URI in the ruleset (`code X: "http://example.org/codes" 12`) is
used as written. Any other name is unknown here: the input stays uncoded for
FHIR (the service says so at start-up), never matched by a guess.
"""

from __future__ import annotations

SYSTEM_URIS = {
    "loinc": "http://loinc.org",
    "snomed": "http://snomed.info/sct",
    "snomed ct": "http://snomed.info/sct",
    "snomed-ct": "http://snomed.info/sct",
    "snomedct": "http://snomed.info/sct",
    "sct": "http://snomed.info/sct",
    "cpt": "http://www.ama-assn.org/go/cpt",
    "icd-10": "http://hl7.org/fhir/sid/icd-10",
    "icd10": "http://hl7.org/fhir/sid/icd-10",
    "icd-10-cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "ucum": "http://unitsofmeasure.org",
}

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
# LOINC 30525-0 "Age": an input carrying it is read from Patient.birthDate.
AGE_CODING = (LOINC, "30525-0")


def system_uri(system: str) -> str | None:
    """The FHIR system URI of a code system name, or None when unknown."""
    if system.startswith(("http://", "https://", "urn:")):
        return system
    return SYSTEM_URIS.get(" ".join(system.split()).lower())


def codings(codes: list[dict]) -> tuple[list[tuple[str, str]], list[str]]:
    """(FHIR (system URI, code) pairs, names of systems not known here)."""
    found, unknown = [], []
    for c in codes:
        uri = system_uri(c["system"])
        if uri is None:
            unknown.append(c["system"])
        elif (uri, c["code"]) not in found:
            found.append((uri, c["code"]))
    return found, unknown

"""CDS Hooks over FHIR R4: compiled rulesets served to EHRs in any language.

An EHR calls the service with a hook (`patient-view`) and the patient's FHIR
resources; the service reads the ruleset's inputs from those resources
through the ruleset's `code` declarations, evaluates the patient with the one
runtime (`clinrules.runtime`) and answers with CDS Hooks cards. Nothing here
re-implements the evaluator, and nothing imports the parser or compiler.

One module per job:

- `terminology`: code system names (`LOINC`) to FHIR system URIs;
- `config`: the service's configuration file (issuers, keys, FHIR servers,
  site bindings for inputs the ruleset leaves uncoded);
- `discovery`: compiled rulesets to CDS services (prefetch templates);
- `hook_request`: the checked shape of one CDS Hooks request;
- `fhir_facts`: FHIR resources to the ruleset's facts;
- `fetch`: what the EHR did not prefetch, read from its FHIR server;
- `auth`: the EHR's JWT, verified;
- `cards`: a result to CDS Hooks cards;
- `app`: the ASGI application tying them together.

Needs the `[service]` extra (starlette, uvicorn, fhir.resources, PyJWT, httpx).
"""

"""Compiled rulesets to CDS services: ids, hooks, prefetch templates.

`clinrules build` writes one compiled `.json` per ruleset into a folder;
each becomes one service, its id the file's name without `.json`. What the
service can read from the patient's record is decided here, once, from the
ruleset's `code` declarations (and the site's `bindings`, for inputs the
ruleset leaves uncoded):

- a number input with a code: the latest Observation with that code (its
  value and UCUM unit);
- a yes/no input with a code: the Conditions with that code (present,
  absent, or unknown);
- a number input in a time unit coded LOINC 30525-0 (Age): the Patient's
  birthDate;
- a `one of` input with a code: the latest Observation with that code, its
  `valueCodeableConcept` mapped to an option through the option codes the
  site's `bindings` give (the language codes inputs and decision options,
  not the options of an input).

Every other input cannot be read from FHIR and stays unknown; the discovery
description and the cards say which. Each readable input gets a prefetch
template, e.g. `Observation?patient={{context.patientId}}&code=http://loinc.org|4537-7`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from clinrules.errors import Diagnostic, RulesError
from clinrules.files import read_bytes
from clinrules.runtime import CompiledRuleset, load
from clinrules.runtime.jsontext import parse_json
from clinrules.service.config import ServiceConfig
from clinrules.service.terminology import AGE_CODING, codings, system_uri

HOOK = "patient-view"
PATIENT = "{{context.patientId}}"
SERVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class InputBinding:
    """How one input is read from FHIR: `resource` is "Observation",
    "Condition" or "Patient" (age); `codings` the (system URI, code) pairs
    that match; `prefetch_key` and `query` its prefetch template."""

    name: str
    key: str
    type: str
    unit: str | None
    resource: str
    codings: tuple[tuple[str, str], ...]
    prefetch_key: str
    query: str
    options: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # `one of`: option -> its value codings

    def describe(self) -> str:
        codes = ", ".join(f"{s}|{c}" for s, c in self.codings)
        if self.resource == "Patient":
            return f"{self.name} (Patient.birthDate)"
        if self.options:
            return f"{self.name} ({self.resource} {codes}, its coded value one of the options' codes)"
        return f"{self.name} ({self.resource} {codes})"

    def option_of(self, system: str | None, code: str | None) -> str | None:
        for option, pairs in self.options:
            if (system, code) in pairs:
                return option
        return None


@dataclass(frozen=True)
class CdsService:
    id: str
    ruleset: CompiledRuleset
    bindings: tuple[InputBinding, ...]
    unreadable: tuple[str, ...]  # inputs with no FHIR reading: always unknown
    warnings: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.ruleset.title or self.id

    def binding_of(self, input_name: str) -> InputBinding | None:
        for b in self.bindings:
            if b.name == input_name:
                return b
        return None

    def discovery(self) -> dict:
        decisions = ", ".join(d["name"] for d in self.ruleset.doc["decisions"])
        version = f" (version {self.ruleset.version})" if self.ruleset.version else ""
        description = f"{self.title}{version}: decides {decisions}."
        if self.bindings:
            description += " Reads " + "; ".join(b.describe() for b in self.bindings) + "."
        if self.unreadable:
            description += " Not in FHIR (always unknown): " + ", ".join(self.unreadable) + "."
        return {
            "hook": HOOK,
            "id": self.id,
            "title": self.title,
            "description": description,
            "prefetch": {b.prefetch_key: b.query for b in self.bindings},
        }


def load_services(folder: str, config: ServiceConfig) -> dict[str, CdsService]:
    """Every compiled ruleset in `folder`, by service id.

    Other JSON files (the build's `report.json`) are skipped; a file that
    claims to be a compiled ruleset but is not one is an error, as is a
    folder with no ruleset or a binding naming an unknown service or input.
    """
    if not os.path.isdir(folder):
        raise RulesError.single("bad-service-folder", f"`{folder}` is not a folder of compiled rulesets",
                                hint="run `clinrules build` and serve its dist/ folder")
    services: dict[str, CdsService] = {}
    found: set[str] = set()  # service ids of the folder, loaded or not
    problems: list[Diagnostic] = []
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".json"):
            continue
        path = os.path.join(folder, entry)
        doc = parse_json(read_bytes(path, what="the compiled ruleset"), file=path,
                         what="the compiled ruleset", code="bad-compiled-json")
        if not isinstance(doc, dict) or doc.get("format") != "clinrules-compiled-ruleset":
            continue
        service_id = entry[: -len(".json")]
        if not SERVICE_ID.match(service_id):
            problems.append(Diagnostic("bad-service-folder", f"`{entry}`: a service id is letters, digits, `.`, `_` "
                                       "and `-`; rename the file", file=path))
            continue
        found.add(service_id)
        try:
            ruleset = load(doc, source=path)
            services[service_id] = make_service(service_id, ruleset, config.bindings.get(service_id, {}), path)
        except RulesError as exc:
            problems.extend(exc.diagnostics)
    for service_id in sorted(set(config.bindings) - found):
        problems.append(Diagnostic("bad-service-config", f"`bindings` names the service `{service_id}`, "
                                   "which is not a compiled ruleset in the folder"))
    if problems:
        raise RulesError(problems)
    if not services:
        raise RulesError.single("bad-service-folder", f"`{folder}` holds no compiled ruleset",
                                hint="run `clinrules build` and serve its dist/ folder")
    return services


def make_service(service_id: str, ruleset: CompiledRuleset, site_bindings: dict, source: str) -> CdsService:
    inputs = ruleset.doc["inputs"]
    by_key = {_fold(i["name"]): i for i in inputs}
    extra: dict[str, list[dict]] = {}
    option_codes: dict[str, dict[str, list[dict]]] = {}
    problems = []
    for name, codes in site_bindings.items():
        spec = by_key.get(_fold(name))
        where = f"`bindings.{service_id}.{name}`"
        if spec is None:
            problems.append(Diagnostic("bad-service-config", f"`bindings.{service_id}` names `{name}`, "
                                       "which is not an input of this ruleset", file=source))
        elif isinstance(codes, dict):
            options = {_fold(o): o for o in spec.get("options") or ()}
            if spec["type"] != "one of":
                problems.append(Diagnostic("bad-service-config", f"{where} gives option codes, but `{spec['name']}` "
                                           "is not a `one of` input", file=source))
                continue
            unknown = [o for o in codes["options"] if _fold(o) not in options]
            if unknown:
                problems.append(Diagnostic("bad-service-config", f"{where}: `{unknown[0]}` is not an option of "
                                           f"`{spec['name']}` ({', '.join(spec['options'])})", file=source))
                continue
            seen: dict = {}
            for option, option_list in codes["options"].items():
                for c in option_list:
                    uri = system_uri(c["system"]) or c["system"]
                    other = seen.setdefault((uri, c["code"]), options[_fold(option)])
                    if other != options[_fold(option)]:
                        problems.append(Diagnostic("bad-service-config", f"{where}: the code {c['system']} "
                                                   f"{c['code']} is given to `{other}` and to `{option}`",
                                                   file=source))
            extra[spec["key"]] = codes.get("codes", [])
            option_codes[spec["key"]] = {options[_fold(o)]: c for o, c in codes["options"].items()}
        else:
            extra[spec["key"]] = codes
    if problems:
        raise RulesError(problems)
    bindings, unreadable, warnings, used_keys = [], [], [], set()
    for spec in inputs:
        pairs, unknown = codings(list(spec["codes"]) + extra.get(spec["key"], []))
        for system in unknown:
            warnings.append(f"`{spec['name']}`: code system `{system}` has no FHIR URI known here; "
                            "write it as a URI in the ruleset")
        option_pairs = []
        for option, option_list in option_codes.get(spec["key"], {}).items():
            found, unknown = codings(option_list)
            for system in unknown:
                warnings.append(f"`{spec['name']}` option `{option}`: code system `{system}` has no FHIR URI "
                                "known here; write it as a URI")
            if found:
                option_pairs.append((option, tuple(found)))
        if spec["type"] == "one of" and pairs and not option_pairs:
            warnings.append(f"`{spec['name']}` is a `one of` input with a code but no option codes: give them in "
                            "the configuration's `bindings` to read it from FHIR")
        binding = _binding(spec, tuple(pairs), used_keys, tuple(option_pairs))
        if binding is None:
            unreadable.append(spec["name"])
        else:
            bindings.append(binding)
    return CdsService(service_id, ruleset, tuple(bindings), tuple(unreadable), tuple(warnings))


def _binding(spec: dict, pairs: tuple, used_keys: set, options: tuple = ()) -> InputBinding | None:
    if not pairs:
        return None
    kind = spec["type"]
    if kind in ("quantity", "number") and AGE_CODING in pairs and spec.get("dimension") == "time":
        return InputBinding(spec["name"], spec["key"], kind, spec["unit"], "Patient", (AGE_CODING,),
                            _unique("patient", used_keys), f"Patient/{PATIENT}")
    if kind in ("quantity", "number"):
        resource = "Observation"
    elif kind == "yes/no":
        resource = "Condition"
    elif options:  # `one of`: an Observation whose coded value is one of the options' codes
        resource = "Observation"
    else:  # a `one of` input without option codes: a coded value could not be mapped to an option
        return None
    code = ",".join(f"{s}|{c}" for s, c in pairs)
    return InputBinding(spec["name"], spec["key"], kind, spec["unit"], resource, pairs,
                        _unique(_slug(spec["name"]), used_keys), f"{resource}?patient={PATIENT}&code={code}",
                        options)


def _fold(name: str) -> str:
    """A name as the language matches it: case-insensitive, runs of white space as one."""
    return " ".join(name.split()).casefold()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "input"


def _unique(key: str, used: set) -> str:
    out, n = key, 2
    while out in used:
        out, n = f"{key}-{n}", n + 1
    used.add(out)
    return out

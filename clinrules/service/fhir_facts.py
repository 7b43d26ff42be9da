"""FHIR R4 resources to the ruleset's facts, read through its codes.

Every resource the service reads is parsed with `fhir.resources` (the R4B
models, which read R4 Observation, Condition and Patient), never by hand,
so a malformed one is refused with the path of the bad element (`select`
says what is parsed, and why only that). Then, per input
(`discovery.InputBinding`):

- Observation: the latest one (effective time, else issued) with a matching
  code and status final, amended or corrected; its `valueQuantity` value and
  UCUM unit go to the runtime, which converts them exactly to the input's
  unit (1.2 mg/dL is 12 mg/L); a value with a comparator (`< 5`), two
  different values at the same latest time, or a missing value leave the
  input unknown, with a note saying why;
- Condition: a refuted one says no; an active (or recurring, relapsed) one
  says yes; an inactive, resolved or in-remission one says no; yes wins over
  no; entered-in-error, unconfirmed, provisional and differential ones are
  left out;
- Patient: the age from a full birthDate (year-month-day), in exact years
  (completed years plus the elapsed fraction of the current year);
- a `one of` input: the latest such Observation's `valueCodeableConcept`,
  the option whose codes (site `bindings`) hold one of its codings; a value
  naming no option, or two, leaves the input unknown with a note.

An input with no matching resource is unknown, never "no". A resource about
another patient than `context.patientId` is refused (400): reading it would
give this patient someone else's data.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from fractions import Fraction

from pydantic import ValidationError

from clinrules.errors import RulesError
from clinrules.runtime import CompiledRuleset
from clinrules.service.discovery import CdsService, InputBinding
from clinrules.service.hook_request import bad
from clinrules.service.terminology import UCUM

FINAL = {"final", "amended", "corrected"}
PRESENT = {"active", "recurrence", "relapse"}
ABSENT = {"inactive", "remission", "resolved"}
LEFT_OUT_VERIFICATION = {"entered-in-error", "unconfirmed", "provisional", "differential"}
FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class PatientFacts:
    """The facts for the runtime (input name -> value), what was read from
    where (input name -> text for people) and notes on data left out."""

    facts: dict = field(default_factory=dict)
    read: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    checked: object = None  # the facts as the runtime validated them (`CompiledRuleset.validate_facts`)


@functools.cache
def fhir_models() -> dict:
    """The R4B model classes by resource type (imported once: about a second)."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.condition import Condition
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.patient import Patient

    return {"Bundle": Bundle, "Patient": Patient, "Observation": Observation, "Condition": Condition}


def select(label: str, raw, binding: InputBinding) -> list[tuple]:
    """The resources in `raw` (a prefetch or fetched value: a Bundle, or one
    resource of the binding's type) that the binding may read, each as
    (fhir.resources model, its JSON), validated in full; 400 naming the bad
    element.

    Only what the service reads is validated, and all of it is: the Bundle's
    `entry` list and each entry's `resource` are checked where they are read,
    and every resource of the binding's type is parsed by the model class of
    that type (`Observation.model_validate`: a whole Bundle model costs as
    much again). A resource of another type, or one whose `code` is well
    formed and carries none of the binding's codings, is never read, so it
    is skipped unparsed; anything irregular in the few elements looked at to
    decide that is parsed, and refused if malformed, never skipped on a
    guess.
    """
    if not isinstance(raw, dict):
        raise bad("bad-fhir", f"{label} must be a FHIR resource (a JSON object), or null")
    kind = raw.get("resourceType")
    expected = binding.resource
    if kind == expected:
        return [(_validate(label, expected, raw, kind, ""), raw)]
    if kind != "Bundle" or expected == "Patient":
        shown = f"a `{str(kind)[:40]}` resource" if kind is not None else "not a FHIR resource (no `resourceType`)"
        wanted = "the Patient resource" if expected == "Patient" else f"a Bundle or {expected}"
        raise bad("bad-fhir", f"{label} is {shown}; expected {wanted}")
    out = []
    for where, resource in bundle_resources(label, raw):
        if resource["resourceType"] == expected and _may_match(resource, binding.codings):
            out.append((_validate(label, "Bundle", resource, expected, where), resource))
    return out


def bundle_resources(label: str, bundle: dict):
    """(path, resource JSON) of each entry of a Bundle that has a resource,
    checked where it is read."""
    entries = bundle.get("entry")
    if entries is None:
        return
    if not isinstance(entries, list):
        raise _envelope(label, "entry", "must be a list of entries")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise _envelope(label, f"entry.{i}", "must be an object (a Bundle entry)")
        resource = entry.get("resource")
        if resource is None:
            continue  # an entry without a resource (a deleted one, say) is valid FHIR and says nothing
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise _envelope(label, f"entry.{i}.resource", "must be a FHIR resource (an object with `resourceType`)")
        yield f"entry.{i}.resource.", resource


def _envelope(label: str, where: str, message: str):
    return bad("bad-fhir", f"{label} is not valid FHIR R4 Bundle: at `{where}`: {message}")


def _may_match(resource: dict, codings: tuple) -> bool:
    """False only when `code` is well formed as far as read here and none of
    its codings is one of `codings`: then the resource is not the binding's,
    whatever else it holds. True means: parse it, and match on the model."""
    concept = resource.get("code")
    if not isinstance(concept, dict):
        return True
    coding = concept.get("coding", ())
    if not isinstance(coding, list):
        return True
    for c in coding:
        if not isinstance(c, dict):
            return True
        system, code = c.get("system"), c.get("code")
        if not (system is None or isinstance(system, str)) or not (code is None or isinstance(code, str)):
            return True
        if (system, code) in codings:
            return True
    return False


def _validate(label: str, outer: str, raw: dict, kind: str, where: str):
    """`raw` as the fhir.resources model of `kind`; 400 with the element's path."""
    try:
        return fhir_models()[kind].model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = where + ".".join(str(p) for p in first["loc"]) if first["loc"] else (where.rstrip(".") or "(top)")
        raise bad("bad-fhir", f"{label} is not valid FHIR R4 {outer}: at `{path}`: {first['msg']}") from None
    except (ValueError, TypeError) as exc:
        at = f" at `{where.rstrip('.')}`" if where else ""
        raise bad("bad-fhir", f"{label} is not valid FHIR R4 {outer}{at}: {str(exc)[:200]}") from None


def read_facts(service: CdsService, patient_id: str, found: dict, today: dt.date) -> PatientFacts:
    """The patient's facts from the selected resources of each binding
    (`found[prefetch_key]`: (model, JSON) pairs from `select`)."""
    out = PatientFacts()
    for binding in service.bindings:
        pairs = found.get(binding.prefetch_key)
        if not pairs:
            continue
        if binding.resource == "Patient":
            _age(binding, patient_id, *pairs[0], today, out)
            continue
        matched = [r for r, _ in pairs if _matches(r.code, binding)]
        for r in matched:
            _same_patient(r, patient_id, binding)
        if binding.resource == "Observation":
            _observation(binding, matched, out)
        else:
            _condition(binding, matched, out)
    out.checked = _drop_invalid(service.ruleset, out)
    return out


def _matches(concept, binding: InputBinding) -> bool:
    return concept is not None and any(
        (c.system, c.code) in binding.codings for c in concept.coding or ()
    )


def _same_patient(resource, patient_id: str, binding: InputBinding) -> None:
    ref = resource.subject.reference if resource.subject is not None else None
    if ref is not None and not (ref == f"Patient/{patient_id}" or ref.endswith(f"/Patient/{patient_id}")):
        raise bad("bad-fhir", f"prefetch `{binding.prefetch_key}` holds {binding.resource}/{resource.id} about "
                              f"`{ref[:80]}`, not Patient/{patient_id}")


def _ref(resource) -> str:
    return f"{resource.get_resource_type()}/{resource.id or '(no id)'}"


def _when(obs):
    for value in (obs.effectiveDateTime, obs.effectiveInstant,
                  obs.effectivePeriod.end if obs.effectivePeriod else None,
                  obs.effectivePeriod.start if obs.effectivePeriod else None, obs.issued):
        if value is not None:
            if isinstance(value, dt.datetime):
                return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
            if isinstance(value, dt.date):
                return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    return None


def _observation(binding: InputBinding, found: list, out: PatientFacts) -> None:
    usable = []
    for obs in found:
        if obs.status not in FINAL:
            out.notes.append(f"{binding.name}: {_ref(obs)} left out (status {obs.status})")
            continue
        usable.append(obs)
    if not usable:
        return
    dated = [(o, _when(o)) for o in usable]
    if len(usable) > 1 and any(w is None for _, w in dated):
        out.notes.append(f"{binding.name}: {len(usable)} results and not all dated; which is latest is unknown")
        return
    if len(usable) > 1:
        latest = max(w for _, w in dated)
        usable = [o for o, w in dated if w == latest]
    values = {repr(_value(binding, o)) for o in usable}
    if len(values) > 1:
        out.notes.append(f"{binding.name}: different results at the same latest time ("
                         + ", ".join(_ref(o) for o in usable) + "); left unknown")
        return
    obs = usable[0]
    value, why = _value(binding, obs)
    if why is not None:
        out.notes.append(f"{binding.name}: {_ref(obs)} {why}; left unknown")
        return
    out.facts[binding.name] = value
    if binding.options:
        shown = f"{value} ({_coding_shown(binding, obs)})"
    else:
        number, unit = (value["value"], value.get("unit")) if isinstance(value, dict) else (value, None)
        shown = f"{number} {unit}" if unit else f"{number}"
    when = _when(obs)
    out.read[binding.name] = f"{shown} ({_ref(obs)}{', ' + when.date().isoformat() if when else ''})"


def _value(binding: InputBinding, obs) -> tuple:
    """(the runtime fact of one Observation, None), or (None, why there is none)."""
    if binding.options:
        return _option(binding, obs)
    q = obs.valueQuantity
    if q is not None:
        if q.value is None:
            return None, "has no value"
        if q.comparator is not None:
            return None, f"is `{q.comparator} {q.value}`, not an exact value"
        unit = q.code if q.code and (q.system in (None, UCUM)) else q.unit
        if unit in (None, "1") and binding.type == "number":
            return {"value": q.value}, None
        if unit is None:
            return None, "has a value without a unit"
        return {"value": q.value, "unit": unit}, None  # the runtime converts it, or says why not
    if obs.valueInteger is not None:
        return {"value": obs.valueInteger}, None
    return None, _absent(obs, "has no numeric value")


def _option(binding: InputBinding, obs) -> tuple:
    """A `one of` input's option from the coded value: the option whose
    codes hold one of its codings; none, or two different options, leave it
    unknown."""
    concept = obs.valueCodeableConcept
    if concept is None:
        return None, _absent(obs, "has no coded value")
    found = {binding.option_of(c.system, c.code) for c in concept.coding or ()} - {None}
    if len(found) == 1:
        return found.pop(), None
    codes = ", ".join(f"{c.system}|{c.code}" for c in concept.coding or ()) or concept.text or "no coding"
    if not found:
        return None, f"has the value {codes}, which is none of the options' codes"
    return None, f"has the value {codes}, which names {' and '.join(sorted(found))}"


def _coding_shown(binding: InputBinding, obs) -> str:
    """The coding that gave the option, for the card."""
    for c in obs.valueCodeableConcept.coding or ():
        if binding.option_of(c.system, c.code) is not None:
            return f"{c.system}|{c.code}"
    return ""


def _absent(obs, otherwise: str) -> str:
    if obs.dataAbsentReason is not None:
        reason = obs.dataAbsentReason.text or next((c.code for c in obs.dataAbsentReason.coding or ()), "absent")
        return f"has no value ({reason})"
    return otherwise


def _code_of(concept) -> str | None:
    if concept is None:
        return None
    return next((c.code for c in concept.coding or () if c.code), None)


def _condition(binding: InputBinding, found: list, out: PatientFacts) -> None:
    yes, no = [], []
    for cond in found:
        verification = _code_of(cond.verificationStatus)
        clinical = _code_of(cond.clinicalStatus)
        if verification in LEFT_OUT_VERIFICATION:
            out.notes.append(f"{binding.name}: {_ref(cond)} left out (verification {verification})")
        elif verification == "refuted" or clinical in ABSENT:
            no.append(cond)
        elif clinical in PRESENT or clinical is None:
            yes.append(cond)
        else:
            out.notes.append(f"{binding.name}: {_ref(cond)} left out (clinical status {clinical})")
    if yes:
        out.facts[binding.name] = True
        out.read[binding.name] = "yes (" + ", ".join(_ref(c) for c in yes) + ")"
    elif no:
        out.facts[binding.name] = False
        out.read[binding.name] = "no (" + ", ".join(_ref(c) for c in no) + ")"


def _age(binding: InputBinding, patient_id: str, patient, raw: dict, today: dt.date, out: PatientFacts) -> None:
    if patient.id is not None and patient.id != patient_id:
        raise bad("bad-fhir", f"prefetch `{binding.prefetch_key}` is Patient/{patient.id}, not Patient/{patient_id}")
    text = raw.get("birthDate")
    if text is None:
        return
    match = FULL_DATE.match(str(text))
    if not match:
        out.notes.append(f"{binding.name}: birthDate `{text}` is not a full date; age left unknown")
        return
    born = dt.date(*map(int, match.groups()))
    if born > today:
        out.notes.append(f"{binding.name}: birthDate {born} is after today; age left unknown")
        return
    years = exact_age(born, today)
    out.facts[binding.name] = {"value": years, "unit": "a"}
    whole = int(years)
    out.read[binding.name] = f"{whole} years (born {born}, Patient/{patient_id})"


def _birthday(born: dt.date, year: int) -> dt.date:
    """The birthday in `year`; 29 February falls on 1 March in other years."""
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def exact_age(born: dt.date, today: dt.date) -> Fraction:
    """Completed years plus the elapsed fraction of the year since the last
    birthday: exactly N on the N-th birthday, never rounded."""
    years = today.year - born.year
    if _birthday(born, today.year) > today:
        years -= 1
    last = _birthday(born, born.year + years)
    following = _birthday(born, born.year + years + 1)
    return years + Fraction((today - last).days, (following - last).days)


def _drop_invalid(ruleset: CompiledRuleset, out: PatientFacts):
    """The facts validated by the runtime. A value it refuses (a unit of the
    wrong kind, out of the plausible range) is left unknown, with the
    runtime's message as a note."""
    try:
        return ruleset.validate_facts(out.facts)
    except RulesError:
        pass
    for name in list(out.facts):
        try:
            ruleset.validate_facts({name: out.facts[name]})
        except RulesError as exc:
            del out.facts[name]
            where = out.read.pop(name, "")
            out.notes.append(f"{name}: {where} cannot be used: " + "; ".join(d.message for d in exc.diagnostics))
    return ruleset.validate_facts(out.facts)

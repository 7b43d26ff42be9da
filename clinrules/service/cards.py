"""One patient's result to CDS Hooks cards (CDS Hooks 2.0, "CDS Service Response").

One card per decision of an applicable ruleset:

- decided: the decision and its value in the summary; in the detail the
  rules that made it, their BECAUSE text and citation numbers, why each
  fired (the runtime's explain trace: the values it saw), what was read from
  the record, and the cited sources in full; a suggestion per chosen option
  that has codes (a draft ServiceRequest carrying its CPT or SNOMED codes);
  an `any of` decision that chose nothing gives no card (nothing to do);
- undecided: "undecided, needs ..." in the summary and, in the detail, every
  input still needed with how the service reads it from the record (or that
  it cannot: the input has no code);
- conflict: a critical card naming the options in conflict, no suggestion.

A ruleset whose scope is no (`not applicable`) gives no card. Everything is
read from the public result API (`status`, `value`, `needs`, `fired`,
`trace`, `citations`), so cards follow whatever the runtime decides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from clinrules.runtime import Result
from clinrules.service.discovery import CdsService
from clinrules.service.fhir_facts import PatientFacts
from clinrules.service.terminology import codings

SUMMARY_MAX = 140


@dataclass(frozen=True)
class CardParts:
    """What every card of one service reads from its ruleset, worked out
    once at start-up: rules and cited sources by name and number, each
    option's FHIR codings, the source label."""

    service: CdsService
    rules: dict
    sources: dict
    codings: dict  # (decision, option) -> [(system URI, code)]
    label: str


def card_parts(service: CdsService) -> CardParts:
    doc = service.ruleset.doc
    version = f" {service.ruleset.version}" if service.ruleset.version else ""
    return CardParts(
        service,
        {r["name"]: r for r in doc["rules"]},
        {s["number"]: s["citation"] for s in doc.get("sources") or ()},
        {(d["name"], o["name"]): codings(o["codes"])[0] for d in doc["decisions"] for o in d["options"]},
        f"{service.title}{version} (clinrules)",
    )


def cards_for(parts: CardParts, result: Result, hook_instance: str, patient_id: str,
              patient: PatientFacts) -> list[dict]:
    if result.applicable is False:
        return []
    service = parts.service
    cards = []
    for name, decision in result.decisions.items():
        card_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"clinrules:{service.id}:{hook_instance}:{name}"))
        base = {"uuid": card_id, "source": {"label": parts.label}}
        if decision.status == "decided":
            chosen = decision.value if isinstance(decision.value, list) else [decision.value]
            if not chosen:
                continue
            card = {**base, "summary": _clip(f"{name}: {', '.join(chosen)}"), "indicator": "info",
                    "detail": _decided_detail(decision, result, parts.rules, parts.sources, patient)}
            suggestions = [_suggestion(card_id, option, parts.codings.get((name, option), []), patient_id)
                           for option in chosen]
            suggestions = [s for s in suggestions if s is not None]
            if suggestions:
                card["suggestions"] = suggestions
                card["selectionBehavior"] = "at-most-one" if decision.kind == "one of" else "any"
        elif decision.status == "undecided":
            needs = ", ".join(decision.needs) if decision.needs else "a rule for this patient"
            card = {**base, "summary": _clip(f"{name}: undecided, needs {needs}"), "indicator": "warning",
                    "detail": _undecided_detail(service, name, decision, result, patient)}
        elif decision.status == "conflict":
            card = {**base, "summary": _clip(f"{name}: rules conflict ({', '.join(decision.conflicting or [])})"),
                    "indicator": "critical",
                    "detail": "Rules " + ", ".join(f"`{r}`" for r in decision.fired) + " chose different options. "
                              "The ruleset was shipped with a lint error; no option is suggested."}
        else:
            continue
        cards.append(card)
    return cards


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def _decided_detail(decision, result: Result, rules: dict, sources: dict, patient: PatientFacts) -> str:
    lines, cited = [], []
    for rule_name in decision.fired:
        rule = rules[rule_name]
        because = rule.get("because")
        lines.append(f"**Rule `{rule_name}`**")
        if because:
            numbers = because["citations"]
            cited += [n for n in numbers if n not in cited]
            refs = f" [{', '.join(map(str, numbers))}]" if numbers else ""
            lines.append(f"{because['text']}{refs}")
        for step in (result.trace or {}).get(rule_name, ()):
            lines.append(f"- {step.why}")
        lines.append("")
    lines += _read_lines(patient)
    if cited:
        lines.append("**Sources**")
        lines += [f"{n}. {sources[n]}" for n in sorted(cited) if n in sources]
    return "\n".join(lines).strip()


def _undecided_detail(service: CdsService, name: str, decision, result: Result, patient: PatientFacts) -> str:
    lines = []
    if result.applicable is None:
        lines.append("Whether this guidance applies to the patient is not known yet.")
    if decision.needs:
        lines.append(f"`{name}` cannot be decided from the record: it depends on data that is missing. Needed:")
        for need in decision.needs:
            binding = service.binding_of(need)
            how = binding.describe() if binding else f"{need} (no code in the ruleset: not readable from FHIR)"
            lines.append(f"- {how}")
    else:
        lines.append(f"No rule of the ruleset covers this patient for `{name}`.")
    lines.append("")
    lines += _read_lines(patient)
    return "\n".join(lines).strip()


def _read_lines(patient: PatientFacts) -> list[str]:
    lines = []
    if patient.read:
        lines.append("**Read from the record**")
        lines += [f"- {name}: {text}" for name, text in patient.read.items()]
        lines.append("")
    if patient.notes:
        lines.append("**Left out**")
        lines += [f"- {note}" for note in patient.notes]
        lines.append("")
    return lines


def _suggestion(card_id: str, option: str, pairs: list[tuple[str, str]], patient_id: str) -> dict | None:
    if not pairs:
        return None
    return {
        "label": option,
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{card_id}:{option}")),
        "isRecommended": True,
        "actions": [{
            "type": "create",
            "description": f"Order {option}",
            "resource": {
                "resourceType": "ServiceRequest",
                "status": "draft",
                "intent": "proposal",
                "subject": {"reference": f"Patient/{patient_id}"},
                "code": {"coding": [{"system": s, "code": c, "display": option} for s, c in pairs], "text": option},
            },
        }],
    }

"""What an evaluation returns, computed once and rendered many ways.

Results are immutable NamedTuples rather than frozen dataclasses: they are
built for every patient on the hot path, and a tuple is several times
cheaper to build than a frozen dataclass (whose every field goes through
`object.__setattr__`).
"""

from __future__ import annotations

from typing import NamedTuple


class Possibility(NamedTuple):
    """A result an undecided decision can still get, and for which values
    of the unknown inputs: `when` holds alternatives (any one leads there),
    each in the editor's words (`ESR more than 20 mm/h`)."""

    status: str  # "decided", "undecided" (no option), "conflict" or "not applicable"
    value: object  # as DecisionResult.value
    when: tuple
    conflicting: list | None = None

    def to_json(self) -> dict:
        out = {
            "status": self.status,
            "value": list(self.value) if isinstance(self.value, list) else self.value,
            "when": list(self.when),
        }
        if self.conflicting is not None:
            out["conflicting"] = list(self.conflicting)
        return out


class ScoreRange(NamedTuple):
    """A score an undecided decision compares, and every value it can
    still take over the patient's completions (`CURB-65 is 1 or 2`), with
    the unknown inputs its items read."""

    name: str
    values: tuple  # exact numbers as text, ascending: ("1", "2")
    unknown: tuple  # input display names

    def to_json(self) -> dict:
        return {"score": self.name, "values": list(self.values), "unknown": list(self.unknown)}

    def text(self) -> str:
        values = list(self.values)
        shown = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
        why = f": {', '.join(self.unknown)} unknown" if self.unknown else ""
        return f"{self.name} is {shown}{why}"


class DecisionResult(NamedTuple):
    """One decision for one patient.

    `status` is "decided", "undecided", "not applicable" or "conflict".
    `value` is the option's display name (one of), the chosen options in
    declaration order (any of, `[]` when none), or None. `fired` lists rule
    names in rule order, `needs` input display names in declaration order,
    `conflicting` the options in conflict (status "conflict" only, else None).
    `regardless` names the unknown inputs a decided result does not depend
    on although a rule reads them ("whatever ESR is"); `possible` (with
    explain=True, undecided only) the results still possible and which
    values of the needed inputs lead to each, and `scores` the scores its
    open rules compare with the values each can still take.
    """

    name: str
    kind: str
    status: str
    value: object
    fired: list
    needs: list
    conflicting: list | None = None
    regardless: tuple = ()
    possible: tuple = ()
    scores: tuple = ()

    def to_json(self) -> dict:
        out = {
            "status": self.status,
            "value": list(self.value) if isinstance(self.value, list) else self.value,
            "fired": list(self.fired),
            "needs": list(self.needs),
        }
        if self.conflicting is not None:
            out["conflicting"] = list(self.conflicting)
        if self.regardless:
            out["regardless"] = list(self.regardless)
        if self.possible:
            out["possible"] = [p.to_json() for p in self.possible]
        if self.scores:
            out["scores"] = [s.to_json() for s in self.scores]
        return out


class TraceStep(NamedTuple):
    """One top-level condition of a fired rule: its text, its value, and
    the inputs it read with the values they had (`(("duration", "7 weeks"),)`),
    and the same as one line for people (`duration 7 weeks >= 6 weeks: yes`)."""

    condition: str
    value: str
    saw: tuple
    why: str


class Result(NamedTuple):
    """The outcome of one patient.

    `applicable` is the scope's value (True, False, or None when unknown).
    `decisions` maps decision display names (declaration order) to
    DecisionResult. `fired` lists every fired rule (rule order), `needs` the
    union of the decisions' needs (declaration order). `facts` maps every
    input key to its validated value (Fraction in the input's unit, bool,
    option display name, None when unknown).
    With `explain=True`: `condition_values` (node id -> "yes"/"no"/"unknown"
    for every node of scope, definitions and rules, no short-circuit),
    `rule_values` (rule name -> yes/no/unknown; OTHERWISE rules left out)
    and `trace` (fired rule name -> list of TraceStep); all None otherwise.
    """

    applicable: bool | None
    decisions: dict
    fired: list
    needs: list
    facts: dict
    condition_values: dict | None = None
    rule_values: dict | None = None
    trace: dict | None = None
    ruleset: object = None
    fired_index: tuple = ()

    @property
    def citations(self) -> list[dict]:
        """The sources cited by the fired rules, by number, each once."""
        return self.ruleset.citations_of(self.fired_index)

    def to_json(self) -> dict:
        out = {
            "applicable": self.applicable,
            "decisions": {name: d.to_json() for name, d in self.decisions.items()},
            "fired": list(self.fired),
            "needs": list(self.needs),
            "citations": self.citations,
        }
        if self.trace is not None:
            out["trace"] = {
                rule: [{"condition": s.condition, "value": s.value, "saw": dict(s.saw)} for s in steps]
                for rule, steps in self.trace.items()
            }
        return out

    def explain_text(self) -> str:
        """The result for clinicians: each decision, the rule that made it,
        why (with the values it saw) and the evidence cited."""
        from clinrules.runtime.explain import explain_text

        return explain_text(self)

"""What coverage observes and what it reports.

An `Observation` is one fixture case as the one evaluator saw it (the
runner's `Result` with explain=True); an `Item` is one thing a metric wants
exercised; a `MetricCoverage` pairs each item with the cases that covered
it. Reports (text, JSON, HTML, coverage.py data, suggestions) are renderings
of these, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

METRICS = ("rules", "options", "conditions", "mcdc", "boundaries", "missing_data")

METRIC_TITLES = {
    "rules": "rules fired",
    "options": "options chosen",
    "conditions": "condition outcomes",
    "mcdc": "MC/DC",
    "boundaries": "boundaries",
    "missing_data": "missing data",
}


@dataclass(frozen=True)
class Observation:
    """One evaluated case: what the evaluator reported, nothing recomputed."""

    label: str
    name: str
    fixture: str | None
    line: int | None
    facts: Mapping[str, Any]
    condition_values: Mapping[int, str]
    rule_values: Mapping[str, str]
    fired: tuple[str, ...]
    decisions: Mapping[str, tuple[str, Any]]  # decision name -> (status, value)
    applicable: bool | None

    @property
    def in_scope(self) -> bool:
        """Rules were consulted: the scope is yes, or unknown (then they still
        decide whether the result is undecided)."""
        return self.applicable is not False

    @classmethod
    def from_result(cls, result, *, name: str, label: str | None = None,
                    fixture: str | None = None, line: int | None = None) -> "Observation":
        decisions = {}
        for decision_name, decision in result.decisions.items():
            value = decision.value
            if isinstance(value, list):
                value = tuple(value)
            decisions[decision_name] = (decision.status, value)
        return cls(
            label=label or name,
            name=name,
            fixture=fixture,
            line=line,
            facts=dict(result.facts),
            condition_values={int(k): v for k, v in (result.condition_values or {}).items()},
            rule_values=dict(getattr(result, "rule_values", None) or {}),
            fired=tuple(result.fired),
            decisions=decisions,
            applicable=result.applicable,
        )


@dataclass(frozen=True)
class Item:
    """One thing to exercise, with where it is written."""

    metric: str
    what: str
    text: str
    line: int | None  # None when the compiled document gives no position
    column: int | None
    detail: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default=None):
        return dict(self.detail).get(key, default)

    def as_dict(self) -> dict:
        out = {"what": self.what, "text": self.text, "line": self.line, "column": self.column}
        out.update(dict(self.detail))
        return out


def percent_text(covered: int, total: int) -> str:
    """Floored to one decimal: 100.0 only when nothing is missing."""
    return f"{percent_value(covered, total):.1f}"


def percent_value(covered: int, total: int) -> float:
    if total == 0:
        return 100.0
    tenths = (Fraction(covered, total) * 1000).__floor__()
    return tenths / 10


@dataclass(frozen=True)
class MetricCoverage:
    name: str
    items: tuple[Item, ...]
    covered_by: tuple[tuple[str, ...], ...]  # per item: labels of covering cases

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def covered(self) -> int:
        return sum(1 for cases in self.covered_by if cases)

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.covered, self.total) if self.total else Fraction(1)

    @property
    def percent(self) -> float:
        return percent_value(self.covered, self.total)

    @property
    def missing(self) -> tuple[Item, ...]:
        return tuple(item for item, cases in zip(self.items, self.covered_by) if not cases)

    def under(self, threshold: Fraction) -> bool:
        """Exact: 99.95% is under 100."""
        return self.ratio * 100 < threshold

    def as_dict(self) -> dict:
        return {
            "covered": self.covered,
            "total": self.total,
            "percent": self.percent,
            "missing": [item.as_dict() for item in self.missing],
        }


@dataclass(frozen=True)
class RulesetCoverage:
    ruleset: str  # path as given to the runner
    doc: dict = field(repr=False)
    observations: tuple[Observation, ...]
    metrics: Mapping[str, MetricCoverage]
    path: str | None = None  # absolute path of the .rules file

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset,
            "cases": len(self.observations),
            "metrics": {name: m.as_dict() for name, m in self.metrics.items()},
        }

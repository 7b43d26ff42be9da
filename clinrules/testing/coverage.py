"""Coverage of rulesets by their fixture cases.

Coverage observes the one evaluator: the fixture runner evaluates every case
(`clinrules.testing.run_paths`), and coverage reads what each `Result`
reported (fired rules, decisions, the value of every condition node, the
validated facts). It never evaluates a condition itself. The metrics are in
`coverage_metrics`, the shapes in `coverage_model`; this module turns a
runner `Session` into one `RulesetCoverage` per ruleset.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

from clinrules.errors import Diagnostic
from clinrules.testing.coverage_metrics import measure
from clinrules.testing.coverage_model import (
    METRICS,
    MetricCoverage,
    Observation,
    RulesetCoverage,
)

__all__ = [
    "METRICS",
    "CoverageRun",
    "MetricCoverage",
    "Observation",
    "RulesetCoverage",
    "coverage_of_session",
    "coverage_of_paths",
    "measure",
    "measure_cases",
]


@dataclass(frozen=True)
class CoverageRun:
    """Coverage of every ruleset the fixtures point at, plus what kept some
    fixtures from running (their cases count for nothing)."""

    rulesets: tuple[RulesetCoverage, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    failed_cases: int = 0
    errored_cases: int = 0

    def as_dict(self, metrics: Sequence[str] = METRICS) -> dict:
        out = []
        for rc in self.rulesets:
            data = rc.as_dict()
            data["metrics"] = {k: v for k, v in data["metrics"].items() if k in metrics}
            out.append(data)
        return {"rulesets": out}

    def under(self, threshold: Fraction, metrics: Sequence[str] = METRICS) -> list[tuple[str, str]]:
        """(ruleset, metric) pairs below the threshold percentage."""
        return [
            (rc.ruleset, name)
            for rc in self.rulesets
            for name, metric in rc.metrics.items()
            if name in metrics and metric.under(threshold)
        ]


def _display_path(path) -> str:
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def _labels(cases: list[tuple[str, str | None, int | None]]) -> list[str]:
    """Case names, made unique within a ruleset by their fixture and line."""
    counts = Counter(name for name, _, _ in cases)
    labels = []
    for name, fixture, line in cases:
        if counts[name] == 1:
            labels.append(name)
        else:
            where = os.path.basename(fixture) if fixture else "?"
            labels.append(f"{name} ({where}:{line})" if line else f"{name} ({where})")
    return labels


def _explained(file_run, case):
    """The case's result with condition values; runners that evaluated
    without explain get the same evaluator asked again with explain=True."""
    result = case.result
    if result is None:
        return None
    if getattr(result, "condition_values", None) is None and getattr(file_run, "ruleset", None):
        result = file_run.ruleset.evaluate(case.facts, explain=True)
    return result


def coverage_of_session(session) -> CoverageRun:
    """Group the runner's files by ruleset and measure each."""
    groups: dict[str, list] = {}
    docs: dict[str, dict] = {}
    diagnostics: list[Diagnostic] = []
    failed = errored = 0
    for file_run in session.files:
        doc = getattr(file_run, "doc", None)
        ruleset_path = getattr(file_run, "ruleset_path", None)
        if doc is None or ruleset_path is None:
            error = getattr(file_run, "error", None)
            diagnostics.extend(getattr(error, "diagnostics", []) or [])
            continue
        key = os.path.abspath(os.fspath(ruleset_path))
        docs.setdefault(key, doc)
        groups.setdefault(key, []).append(file_run)
    rulesets = []
    for key in sorted(groups):
        entries = []
        for file_run in groups[key]:
            for case in file_run.cases:
                if not case.passed:
                    failed += 1
                result = _explained(file_run, case)
                if result is None:
                    errored += 1
                    continue
                entries.append((case, os.fspath(file_run.path), result))
        labels = _labels([(c.name, f, c.line) for c, f, _ in entries])
        observations = tuple(
            Observation.from_result(result, name=case.name, label=label, fixture=_display_path(f),
                                    line=case.line)
            for (case, f, result), label in zip(entries, labels)
        )
        rulesets.append(measure_cases(_display_path(key), docs[key], observations, path=key))
    return CoverageRun(tuple(rulesets), tuple(diagnostics), failed, errored)


def coverage_of_paths(paths: Iterable) -> CoverageRun:
    """Run the fixtures at `paths` (files or directories) and measure them."""
    try:
        from clinrules.testing import run_paths
    except ImportError:  # the package may not re-export it
        from clinrules.testing.runner import run_paths

    return coverage_of_session(run_paths(list(paths)))


def measure_cases(ruleset: str, doc: dict, observations: Sequence[Observation],
                  path: str | None = None) -> RulesetCoverage:
    return RulesetCoverage(ruleset, doc, tuple(observations), measure(doc, observations),
                           path=path or os.path.abspath(ruleset))

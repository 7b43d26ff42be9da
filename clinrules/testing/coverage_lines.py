"""Coverage by source line: what the HTML report and coverage.py show.

A line is *covered* when every coverage item written on it is covered,
*partly covered* when some are, *uncovered* when none are; lines without
items (comments, sources, blank lines) have no mark. The cases of a line are
the cases that covered at least one of its items. Items whose place the
compiled document does not give (line null) are on no line: `unplaced`
gathers them, so a report can still show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from clinrules.testing.coverage_model import METRICS, Item, RulesetCoverage

COVERED, PARTIAL, UNCOVERED = "covered", "partial", "uncovered"


@dataclass(frozen=True)
class LineMark:
    line: int | None  # None: the items `unplaced` gathers
    status: str
    covered: tuple[Item, ...]
    missing: tuple[Item, ...]
    cases: tuple[str, ...]


def _marks(coverage: RulesetCoverage, metrics: Sequence[str]) -> dict[int | None, LineMark]:
    covered: dict[int | None, list[Item]] = {}
    missing: dict[int | None, list[Item]] = {}
    cases: dict[int | None, set[str]] = {}
    for name in metrics:
        metric = coverage.metrics.get(name)
        if metric is None:
            continue
        for item, by in zip(metric.items, metric.covered_by):
            (covered if by else missing).setdefault(item.line, []).append(item)
            cases.setdefault(item.line, set()).update(by)
    order = [o.label for o in coverage.observations]
    marks = {}
    for line in sorted(set(covered) | set(missing), key=lambda n: (n is None, n or 0)):
        done, todo = covered.get(line, []), missing.get(line, [])
        status = UNCOVERED if not done else (PARTIAL if todo else COVERED)
        marks[line] = LineMark(
            line, status, tuple(done), tuple(todo),
            tuple(label for label in order if label in cases.get(line, ())),
        )
    return marks


def line_marks(coverage: RulesetCoverage, metrics: Sequence[str] = METRICS) -> dict[int, LineMark]:
    """The mark of every source line that holds items (items without a line excluded)."""
    return {line: mark for line, mark in _marks(coverage, metrics).items() if line is not None}


def unplaced(coverage: RulesetCoverage, metrics: Sequence[str] = METRICS) -> LineMark | None:
    """The items written on no known line, marked like a line; None when there are none."""
    return _marks(coverage, metrics).get(None)


@dataclass(frozen=True)
class Branch:
    """One exit of a branch line for coverage.py.

    Each line holding conditions has two exits: -1, every condition on the
    line was seen yes; -2, every condition on it was seen no. Two exits, not
    two per condition, because coverage.py's reporters assume a line has at
    most two destinations (its HTML report fails otherwise); which outcome
    of which condition is missing is in the exit's description and in
    clinrules' own report.
    """

    line: int
    dest: int
    items: tuple[Item, ...]
    missing: tuple[Item, ...]
    cases: tuple[str, ...]  # cases that took this exit (empty while any item is missing)

    @property
    def taken(self) -> bool:
        return not self.missing


YES_EXIT, NO_EXIT = -1, -2


def branches(coverage: RulesetCoverage) -> list[Branch]:
    """The yes and no exits of every line that holds conditions."""
    metric = coverage.metrics.get("conditions")
    if metric is None:
        return []
    groups: dict[tuple[int, int], list] = {}
    for item, by in zip(metric.items, metric.covered_by):
        if item.line is None:  # on no line: coverage.py has nowhere to put it
            continue
        dest = YES_EXIT if item.get("outcome") == "yes" else NO_EXIT
        groups.setdefault((item.line, dest), []).append((item, by))
    order = [o.label for o in coverage.observations]
    out = []
    for (line, dest), entries in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        missing = tuple(item for item, by in entries if not by)
        seen = {label for _, by in entries for label in by}
        cases = () if missing else tuple(label for label in order if label in seen)
        out.append(Branch(line, dest, tuple(i for i, _ in entries), missing, cases))
    return out


def describe_item(item: Item) -> str:
    """One line for people: what the item asks a case to do."""
    d = dict(item.detail)
    if item.what == "rule":
        return f"rule `{item.text}` fires"
    if item.what == "option":
        return f"decision `{d['decision']}` chooses `{d['option']}`"
    if item.what == "condition":
        return f"`{item.text}` is {d['outcome']}"
    if item.what == "mcdc":
        return f"`{item.text.rsplit(' in rule ', 1)[0]}` alone changes rule `{d['rule']}`"
    if item.what == "boundary":
        where = {"at": "exactly at", "below": "below", "above": "above"}[d["side"]]
        return f"`{item.text}` tested {where} {d['threshold']}"
    if item.what == "missing data":
        return f"`{d['input']}` left unknown"
    return item.text

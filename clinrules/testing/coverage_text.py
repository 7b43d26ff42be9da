"""Coverage for the terminal: one table per ruleset, then what is missing."""

from __future__ import annotations

from typing import Sequence

from clinrules.testing.coverage import CoverageRun
from clinrules.testing.coverage_lines import describe_item
from clinrules.testing.coverage_model import METRIC_TITLES, METRICS, RulesetCoverage


def render_ruleset(rc: RulesetCoverage, metrics: Sequence[str] = METRICS,
                   show_missing: bool = True) -> str:
    rows = [("metric", "covered", "total", "percent")]
    for name in metrics:
        m = rc.metrics[name]
        rows.append((METRIC_TITLES[name], str(m.covered), str(m.total), f"{m.percent:.1f}%"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"{rc.ruleset} ({len(rc.observations)} cases)"]
    for row in rows:
        lines.append(
            "  " + row[0].ljust(widths[0])
            + "".join("  " + cell.rjust(w) for cell, w in zip(row[1:], widths[1:]))
        )
    if show_missing:
        for name in metrics:
            missing = rc.metrics[name].missing
            if not missing:
                continue
            lines.append(f"  not covered ({METRIC_TITLES[name]}):")
            for item in missing:
                lines.append(f"    {item_place(rc.ruleset, item)}: {describe_item(item)}")
    return "\n".join(lines) + "\n"


def item_place(ruleset: str, item) -> str:
    """`RULESET:LINE:COLUMN`, leaving out what is unknown (as diagnostics do)."""
    if item.line is None:
        return ruleset
    return f"{ruleset}:{item.line}" + (f":{item.column}" if item.column is not None else "")


def render_run(run: CoverageRun, metrics: Sequence[str] = METRICS, show_missing: bool = True) -> str:
    if not run.rulesets:
        return "no fixture cases ran: nothing to measure\n"
    return "\n".join(render_ruleset(rc, metrics, show_missing) for rc in run.rulesets)

"""The HTML coverage report: one index page and one page per ruleset.

A ruleset page shows the `.rules` source, each line marked covered, partly
covered or uncovered (the CSS classes `covered`, `partial`, `uncovered`,
with a legend), the cases that exercised the line, and what is still
missing on it; items the compiled document gives no line for follow the
source in one last row, "(no line)". Output is deterministic: the same
coverage writes the same bytes (no timestamps).
"""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Sequence

from clinrules.testing.coverage import CoverageRun
from clinrules.testing.coverage_lines import describe_item, line_marks, unplaced
from clinrules.testing.coverage_model import METRIC_TITLES, METRICS, MetricCoverage, RulesetCoverage



def _template(name: str) -> str:
    return resources.files("clinrules.testing").joinpath("templates", name).read_text("utf-8")


def _bar(metric: MetricCoverage) -> str:
    width = f"{metric.percent:.1f}"
    return f'<span class="bar"><span style="width: {width}%"></span></span>'


def page_names(coverage: Sequence[RulesetCoverage]) -> list[str]:
    """One file name per ruleset, from its stem, unique."""
    names: list[str] = []
    for rc in coverage:
        stem = Path(rc.ruleset).stem or "ruleset"
        name, n = f"{stem}.html", 2
        while name in names or name == "index.html":
            name, n = f"{stem}-{n}.html", n + 1
        names.append(name)
    return names


def _source_lines(rc: RulesetCoverage) -> list[str]:
    """The source as the editor wrote it, for display only."""
    try:
        text = Path(rc.path or rc.ruleset).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()


SHOWN_CASES = 3


def _cases(labels) -> str:
    """The first few cases inline, the rest folded (a scope line is reached
    by every case)."""
    spans = [f'<span class="case">{escape(c)}</span>' for c in labels]
    if len(spans) <= SHOWN_CASES + 1:
        return "".join(spans)
    rest = spans[SHOWN_CASES:]
    return ("".join(spans[:SHOWN_CASES])
            + f"<details><summary>{len(rest)} more</summary>{''.join(rest)}</details>")


def render_ruleset(rc: RulesetCoverage, metrics: Sequence[str] = METRICS) -> str:
    summary = "\n".join(
        f'<tr class="metric" data-metric="{name}"><td>{escape(METRIC_TITLES[name])}</td>'
        f"<td>{m.covered}</td><td>{m.total}</td><td>{m.percent:.1f}%</td><td>{_bar(m)}</td></tr>"
        for name, m in rc.metrics.items() if name in metrics
    )
    marks = line_marks(rc, metrics)
    source = _source_lines(rc)
    last = max([len(source)] + list(marks))
    rows = []
    for number in range(1, last + 1):
        text = source[number - 1] if number <= len(source) else ""
        mark = marks.get(number)
        status = mark.status if mark else "plain"
        cases = _cases(mark.cases) if mark else ""
        todo = "<br>".join(escape(describe_item(i)) for i in mark.missing) if mark else ""
        rows.append(
            f'<tr id="L{number}" class="{status}" data-line="{number}">'
            f'<td class="num">{number}</td><td class="src">{escape(text)}</td>'
            f'<td class="cases">{cases}</td><td class="todo">{todo}</td></tr>'
        )
    nowhere = unplaced(rc, metrics)
    if nowhere is not None:
        todo = "<br>".join(escape(describe_item(i)) for i in nowhere.missing)
        rows.append(
            f'<tr id="Lnone" class="{nowhere.status}" data-line="">'
            f'<td class="num"></td><td class="src">(no line)</td>'
            f'<td class="cases">{_cases(nowhere.cases)}</td><td class="todo">{todo}</td></tr>'
        )
    return Template(_template("ruleset.html")).substitute(
        title=escape(str(rc.doc.get("title") or rc.ruleset)),
        ruleset=escape(rc.ruleset),
        cases=len(rc.observations),
        summary=summary,
        lines="\n".join(rows),
    )


def render_index(run: CoverageRun, names: Sequence[str], metrics: Sequence[str] = METRICS) -> str:
    heads = "".join(f"<th>{escape(METRIC_TITLES[m])}</th>" for m in metrics)
    rows = []
    for rc, name in zip(run.rulesets, names):
        cells = "".join(
            f'<td class="{_class(rc.metrics[m])}">{rc.metrics[m].percent:.1f}%'
            f" ({rc.metrics[m].covered}/{rc.metrics[m].total})</td>"
            for m in metrics if m in rc.metrics
        )
        rows.append(
            f'<tr><td><a href="{escape(name)}">{escape(rc.ruleset)}</a></td>'
            f"<td>{len(rc.observations)}</td>{cells}</tr>"
        )
    return Template(_template("index.html")).substitute(
        count=len(run.rulesets), metric_heads=heads, rows="\n".join(rows)
    )


def _class(metric: MetricCoverage) -> str:
    if metric.covered == metric.total:
        return "covered"
    return "uncovered" if metric.covered == 0 else "partial"


def write_html(run: CoverageRun, out_dir: str | os.PathLike,
               metrics: Sequence[str] = METRICS) -> Path:
    """Write the report into `out_dir` (created if needed); returns index.html."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = page_names(run.rulesets)
    (out / "report.css").write_text(_template("report.css"), encoding="utf-8")
    for rc, name in zip(run.rulesets, names):
        (out / name).write_text(render_ruleset(rc, metrics), encoding="utf-8")
    index = out / "index.html"
    index.write_text(render_index(run, names, metrics), encoding="utf-8")
    return index

"""coverage.py integration: `.rules` files in `coverage report/html/xml/lcov`.

`.rules` files are not Python: no frame ever runs them, so a file tracer has
nothing to trace. The integration has two halves:

* `write_coverage_data` (behind `clinrules coverage --coverage-data FILE`)
  writes what the fixture cases covered into a coverage.py data file, as
  branch data: every line holding a coverage item (of any metric) is a
  statement, reached when a case covered one of its items; every line
  holding conditions has two branch exits, "every condition here seen yes"
  and "every condition here seen no" (see `coverage_lines.Branch`); each
  case is a context, so every line is tagged with the cases that reached
  it. The files are recorded as belonging to this plugin.
* `coverage_init` registers `ClinRulesPlugin`, whose `RulesFileReporter`
  tells coverage.py's reporters which lines and branches a `.rules` file has
  (from its compiled form, the same items the metrics use) and how to
  describe them.

Configure it with `[tool.coverage.run] plugins = ["clinrules.testing.coveragepy_plugin"]`
(see docs/coverage.md).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import coverage
from coverage.exceptions import PluginError

from clinrules.errors import RulesError
from clinrules.testing.coverage import CoverageRun, measure_cases
from clinrules.testing.coverage_lines import YES_EXIT, Branch, branches, line_marks
from clinrules.testing.coverage_model import RulesetCoverage

#: How coverage.py names this plugin in data files: "<module>.<class>".
PLUGIN_NAME = f"{__name__}.ClinRulesPlugin"

#: The arc that marks a statement line as reached (coverage.py derives
#: executed lines from the arcs' positive ends).
ENTRY = -1


def case_arcs(rc: RulesetCoverage) -> dict[str, set[tuple[int, int]]]:
    """For every case (context), the arcs it took in this ruleset."""
    out: dict[str, set[tuple[int, int]]] = {o.label: set() for o in rc.observations}
    for mark in line_marks(rc).values():
        for label in mark.cases:
            out[label].add((ENTRY, mark.line))
    for branch in branches(rc):
        for label in branch.cases:
            out[label].add((branch.line, branch.dest))
    return out


def write_coverage_data(run: CoverageRun, data_file: str | os.PathLike) -> Path:
    """Write a fresh coverage.py data file for the measured rulesets.

    Combine it with Python measurements (`coverage combine`) only when those
    were measured with `branch = true`: coverage.py cannot mix line and
    branch data.
    """
    path = Path(data_file)
    data = coverage.CoverageData(basename=str(path))
    data.erase()
    for rc in run.rulesets:
        filename = rc.path or os.path.abspath(rc.ruleset)
        arcs = case_arcs(rc)
        for observation in rc.observations:
            taken = arcs.get(observation.label)
            if taken:
                data.set_context(observation.label)
                data.add_arcs({filename: sorted(taken)})
        data.touch_file(filename, PLUGIN_NAME)
        data.add_file_tracers({filename: PLUGIN_NAME})
    data.write()
    return path


class RulesFileReporter(coverage.FileReporter):
    """Lines and branches of one `.rules` file, from its compiled form."""

    @cached_property
    def _coverage(self) -> RulesetCoverage:
        from clinrules.compiler import compile_file

        try:
            doc = compile_file(self.filename)
        except RulesError as error:
            raise PluginError(f"clinrules could not compile {self.filename}:\n{error}") from None
        return measure_cases(self.filename, doc, (), path=os.path.abspath(self.filename))

    @cached_property
    def _branches(self) -> dict[tuple[int, int], Branch]:
        return {(b.line, b.dest): b for b in branches(self._coverage)}

    def source(self) -> str:
        return Path(self.filename).read_bytes().decode("utf-8", errors="replace")

    def lines(self) -> set[int]:
        return set(line_marks(self._coverage))

    def arcs(self) -> set[tuple[int, int]]:
        return {(ENTRY, line) for line in self.lines()} | set(self._branches)

    def exit_counts(self) -> dict[int, int]:
        counts = {line: 0 for line in self.lines()}
        for line, _ in self._branches:
            counts[line] = counts.get(line, 0) + 1
        return {line: max(1, n) for line, n in counts.items()}

    def arc_description(self, start: int, end: int) -> str:
        branch = self._branches.get((start, end))
        if branch is None:
            return f"line {start} reached"
        outcome = "yes" if end == YES_EXIT else "no"
        return f"every condition on line {start} seen {outcome}"

    def missing_arc_description(self, start: int, end: int, executed_arcs=None) -> str:
        branch = self._branches.get((start, end))
        if branch is None:
            return f"line {start} was never reached"
        outcome = "yes" if end == YES_EXIT else "no"
        never = ", ".join(f"`{item.text}`" for item in branch.missing)
        return f"line {start}: no case where {never} is {outcome}"


class ClinRulesPlugin(coverage.CoveragePlugin):
    """Reports `.rules` files recorded by `write_coverage_data`."""

    def file_tracer(self, filename: str):
        return None  # nothing of ours runs as a Python frame

    def file_reporter(self, filename: str):
        return RulesFileReporter(filename)

    def find_executable_files(self, src_dir: str):
        for path in sorted(Path(src_dir).rglob("*.rules")):
            yield str(path)


def coverage_init(reg, options) -> None:
    reg.add_file_tracer(ClinRulesPlugin())

"""`clinrules build`: the release gate, compile -> lint -> test -> coverage.

Every ruleset under the rulesets directory is compiled, linted (findings
the policy of `build_policy.py` names fail the build: by default errors and
every unsuppressed conflict, gap and dead rule) and tested with the fixtures
that point at it (by default a ruleset without cases fails); then
coverage is measured from those same runs. Only when nothing failed are the
artifacts written: OUT/<name>.json (canonical compiled JSON, one per
ruleset, keeping sub-directories), OUT/report.json and OUT/coverage/ (the
HTML report). They are written to a temporary directory first and moved into
place together, so a failed build leaves OUT as it was. The report holds no
timestamps: the same inputs build the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from clinrules.errors import Diagnostic, RulesError
from clinrules.testing.coverage import CoverageRun, coverage_of_session
from clinrules.testing.build_policy import Policy, find_policy
from clinrules.testing.coverage_model import METRICS, RulesetCoverage

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


@dataclass
class RulesetBuild:
    """Everything the build learned about one ruleset."""

    source: Path
    name: str  # relative to the rulesets directory, without `.rules`
    doc: dict | None = None
    compile_errors: list[Diagnostic] = field(default_factory=list)
    findings: list = field(default_factory=list)
    fixtures: list[str] = field(default_factory=list)
    file_runs: list = field(default_factory=list)
    coverage: RulesetCoverage | None = None
    policy: Policy = field(default_factory=Policy)

    @property
    def lint_errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def blocking(self) -> list:
        """The findings that fail the build under the policy."""
        return [f for f in self.findings if self.policy.blocks(f)]

    @property
    def untested(self) -> bool:
        """A ruleset that compiles but no fixture case exercises, where the
        policy requires cases."""
        return self.policy.require_cases and self.doc is not None and not self.cases

    @property
    def cases(self) -> list:
        return [c for run in self.file_runs for c in run.cases]

    @property
    def failed_cases(self) -> list:
        return [c for c in self.cases if c.status != "passed"]

    @property
    def ok(self) -> bool:
        return (self.doc is not None and not self.blocking and not self.failed_cases
                and not self.untested and not any(run.error for run in self.file_runs))


@dataclass
class BuildResult:
    rulesets: list[RulesetBuild]
    input_errors: list[Diagnostic] = field(default_factory=list)  # unreadable files, bad dirs
    fixture_errors: list[Diagnostic] = field(default_factory=list)  # fixtures that could not run
    unmatched_fixtures: list[str] = field(default_factory=list)  # fixtures of other rulesets
    under: list[tuple[str, str]] = field(default_factory=list)  # (ruleset, metric) under --fail-under
    written: Path | None = None
    policy: Policy = field(default_factory=Policy)

    @property
    def ok(self) -> bool:
        return (not self.input_errors and not self.fixture_errors and not self.under
                and all(r.ok for r in self.rulesets))

    @property
    def exit_code(self) -> int:
        if self.input_errors or self.fixture_errors:
            return EXIT_INPUT
        return EXIT_OK if self.ok else EXIT_FAILED


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else Path(rel).as_posix()


def _unreadable(diagnostics: Sequence[Diagnostic]) -> bool:
    return any("unreadable" in d.code or "not-found" in d.code for d in diagnostics)


def build(rulesets_dir: Path, fixtures_dir: Path, out_dir: Path,
          fail_under: Fraction | None = None, fail_on: str | None = None) -> BuildResult:
    """`fail_under` and `fail_on` (from the command line) override the
    project's `coverage-fail-under` and `fail-on`."""
    from clinrules.cache import compile_file
    from clinrules.compiler import dumps
    from clinrules.lint import find_config, lint

    result = BuildResult([])
    try:
        policy = find_policy(rulesets_dir if rulesets_dir.exists() else Path.cwd())
    except RulesError as exc:
        result.input_errors.extend(exc.diagnostics)
        return result
    if fail_on is not None:
        policy = replace(policy, fail_on=fail_on)
    if fail_under is not None:
        policy = replace(policy, coverage_fail_under=fail_under)
    fail_under = policy.coverage_fail_under
    result.policy = policy
    if not rulesets_dir.is_dir():
        problem = "is a file, not a directory" if rulesets_dir.exists() else "does not exist"
        result.input_errors.append(Diagnostic(
            "build-no-rulesets", f"the rulesets directory `{rulesets_dir}` {problem}",
            file=str(rulesets_dir), hint="give it with --rulesets DIR (default: rulesets/)"))
        return result
    sources = sorted(rulesets_dir.rglob("*.rules"), key=lambda p: p.as_posix())
    if not sources:
        result.input_errors.append(Diagnostic(
            "build-no-rulesets", f"no .rules files under `{rulesets_dir}`", file=str(rulesets_dir)))
        return result

    by_path: dict[Path, RulesetBuild] = {}
    for source in sources:
        name = source.relative_to(rulesets_dir).with_suffix("").as_posix()
        entry = RulesetBuild(source=source, name=name, policy=policy)
        result.rulesets.append(entry)
        by_path[source.resolve()] = entry
        try:
            entry.doc = compile_file(source)
        except RulesError as exc:
            if _unreadable(exc.diagnostics):
                result.input_errors.extend(exc.diagnostics)
            else:
                entry.compile_errors = list(exc.diagnostics)
            continue
        try:
            config = find_config(source)  # the same findings `clinrules lint` prints
        except RulesError as exc:
            result.input_errors.extend(exc.diagnostics)
            continue
        entry.findings = list(lint(entry.doc, config=config, file=_shown(source)))

    _run_fixtures(result, by_path, fixtures_dir)

    matched = [run for entry in result.rulesets for run in entry.file_runs]
    coverage = coverage_of_session(_Session(matched))
    for rc in coverage.rulesets:
        entry = by_path.get(Path(rc.path).resolve())
        if entry is not None:
            entry.coverage = rc
    for entry in result.rulesets:
        if entry.coverage is None and entry.doc is not None:
            from clinrules.testing.coverage import measure_cases

            entry.coverage = measure_cases(_shown(entry.source), entry.doc, (),
                                           path=str(entry.source.resolve()))
    if fail_under is not None:
        result.under = [
            (_shown(entry.source), name)
            for entry in result.rulesets if entry.coverage is not None
            for name, metric in entry.coverage.metrics.items() if metric.under(fail_under)
        ]

    if result.ok:
        result.written = _write(result, out_dir, dumps)
    return result


@dataclass(frozen=True)
class _Session:
    files: list


def _run_fixtures(result: BuildResult, by_path: dict, fixtures_dir: Path) -> None:
    try:
        from clinrules.testing import discover  # type: ignore[attr-defined]
    except ImportError:
        from clinrules.testing.runner import discover
    from clinrules.testing.runner import run_file
    from clinrules.testing.runner import RulesetCache

    if not fixtures_dir.is_dir():
        return  # no fixtures: every ruleset is built untested, coverage shows it
    try:
        paths = discover([fixtures_dir])
    except RulesError as exc:
        result.input_errors.extend(exc.diagnostics)
        return
    from clinrules.testing.fixtures import read_fixture

    cache = RulesetCache()
    for path in paths:
        try:
            target = read_fixture(path).ruleset_path.resolve()
        except RulesError as exc:  # not even its ruleset can be read from it
            result.fixture_errors.extend(exc.diagnostics)
            continue
        entry = by_path.get(target)
        if entry is None:
            result.unmatched_fixtures.append(_shown(path))
            continue
        entry.fixtures.append(_shown(path))
        if entry.doc is None:
            continue  # its ruleset does not compile: that failure is reported once
        try:
            entry.file_runs.append(run_file(path, cache))
        except RulesError as exc:
            result.fixture_errors.extend(exc.diagnostics)


def report(result: BuildResult) -> dict:
    """OUT/report.json: compile, lint, test and coverage, per ruleset."""
    rulesets = []
    for entry in result.rulesets:
        doc = entry.doc or {}
        cases = entry.cases
        rulesets.append({
            "name": entry.name,
            "source": _shown(entry.source),
            "output": f"{entry.name}.json" if entry.doc is not None else None,
            "title": doc.get("title"),
            "version": doc.get("version"),
            "source_sha256": doc.get("source_sha256"),
            "ok": entry.ok,
            "compile": {"ok": entry.doc is not None,
                        "errors": [d.as_dict() for d in entry.compile_errors]},
            "reasons": reasons(entry),
            "lint": {
                "ok": not entry.blocking,
                "blocking": len(entry.blocking),
                "errors": len(entry.lint_errors),
                "warnings": sum(1 for f in entry.findings if f.severity == "warning"),
                "findings": [f.as_dict() for f in entry.findings],
            },
            "test": {
                "fixtures": entry.fixtures,
                "cases": len(cases),
                "passed": sum(1 for c in cases if c.status == "passed"),
                "failed": sum(1 for c in cases if c.status == "failed"),
                "errors": sum(1 for c in cases if c.status == "error"),
                "failures": [
                    {"case": c.name, "line": c.line, "status": c.status,
                     "messages": list(c.failures) or ([c.error] if c.error else [])}
                    for c in entry.failed_cases
                ],
            },
            "coverage": (
                {name: m.as_dict() for name, m in entry.coverage.metrics.items()}
                if entry.coverage else None
            ),
        })
    return {
        "ok": result.ok,
        "policy": result.policy.as_dict(),
        "rulesets": rulesets,
        "fixture_errors": [d.as_dict() for d in result.fixture_errors],
        "unmatched_fixtures": result.unmatched_fixtures,
        "under_fail_under": [{"ruleset": r, "metric": m} for r, m in result.under],
    }


def reasons(entry: RulesetBuild) -> list[str]:
    """Why a ruleset fails the build, in words (empty when it passes)."""
    out = []
    if entry.doc is None:
        out.append(f"{len(entry.compile_errors)} compile error(s)" if entry.compile_errors else "cannot be read")
        return out
    blocking = entry.blocking
    if blocking:
        counts: dict[str, int] = {}
        for f in blocking:
            counts[f.name] = counts.get(f.name, 0) + 1
        listed = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        out.append(f"lint findings fail the build ({listed}; fail-on = {entry.policy.fail_on!r})")
    if entry.untested:
        out.append("no fixture cases exercise it (require-cases = true)")
    if entry.failed_cases:
        out.append(f"{len(entry.failed_cases)} case(s) did not pass")
    if any(run.error for run in entry.file_runs):
        out.append("a fixture file could not run")
    return out


def dump_json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _write(result: BuildResult, out_dir: Path, dumps) -> Path:
    from clinrules.testing.html_report import write_html

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clinrules-build-", dir=out_dir.parent))
    try:
        for entry in result.rulesets:
            target = staging / f"{entry.name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dumps(entry.doc), encoding="utf-8")
        (staging / "report.json").write_text(dump_json(report(result)), encoding="utf-8")
        run = CoverageRun(tuple(e.coverage for e in result.rulesets if e.coverage))
        write_html(run, staging / "coverage", METRICS)
        out_dir.mkdir(parents=True, exist_ok=True)
        for item in sorted(staging.iterdir()):
            target = out_dir / item.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            shutil.move(str(item), str(target))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir

"""Run fixture cases through the one runtime evaluator and compare.

The runner never evaluates a condition itself: every case is one call of
`CompiledRuleset.evaluate(facts, explain=True)`, and the comparison reads the
`Result` that call returned. Reporters, the pytest plugin and coverage all
observe these same runs.

Three outcomes per case: passed; failed (a decision, a fired rule or the
needed inputs differ from what the fixture expects); error (the runtime
rejected the facts, e.g. a value out of range, with its own message). A file
whose fixture or ruleset cannot be read or checked runs no case at all and
carries the `RulesError` that says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from clinrules.dsl.ast import name_key
from clinrules.errors import Diagnostic, RulesError
from clinrules.testing.fixtures import (
    FIXTURE_SUFFIXES,
    Case,
    Fixture,
    is_fixture_data,
    read_fixture,
    resolve,
)
from clinrules.testing._source import load_source, read_text

DEFAULT_PATH = Path("fixtures")


@dataclass(frozen=True)
class CaseRun:
    """One case, run. `failures` are readable lines, one per mismatch."""

    name: str
    line: int | None
    passed: bool
    error: str | None  # the runtime's message when the facts were rejected
    failures: list[str]
    facts: dict[str, Any]  # the merged given (defaults under given), None = unknown
    result: Any  # the runtime Result (explain=True), None on error
    case: Case
    # why the facts were rejected, as the runtime said it (stable codes for
    # tools); empty unless status is "error". `error` is the same, as text.
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def status(self) -> str:
        """"passed", "failed" or "error"."""
        if self.error is not None:
            return "error"
        return "passed" if self.passed else "failed"


@dataclass(frozen=True)
class FileRun:
    """One fixture file, run. When the fixture or its ruleset could not be
    read or checked, `error` holds why and `doc`, `ruleset` are None."""

    path: Path
    ruleset_path: Path | None
    doc: dict | None  # the compiled ruleset document
    ruleset: Any  # the runtime CompiledRuleset
    cases: list[CaseRun] = field(default_factory=list)
    error: RulesError | None = None

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.status == "passed")

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if c.status == "failed")

    @property
    def errored(self) -> int:
        return sum(1 for c in self.cases if c.status == "error")


@dataclass(frozen=True)
class Session:
    """Every fixture file of one run, in discovery order."""

    files: list[FileRun]

    @property
    def file_errors(self) -> list[FileRun]:
        return [f for f in self.files if f.error is not None]

    @property
    def total(self) -> int:
        return sum(len(f.cases) for f in self.files)

    @property
    def passed(self) -> int:
        return sum(f.passed for f in self.files)

    @property
    def failed(self) -> int:
        """Cases that did not pass, errored cases included."""
        return sum(f.failed + f.errored for f in self.files)

    @property
    def errored(self) -> int:
        return sum(f.errored for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 every case passed, 1 some case failed, 2 a file could not be run."""
        if self.file_errors:
            return 2
        return 1 if self.failed else 0


# --- discovery -----------------------------------------------------------------


def discover(paths: Sequence[Path | str] | None = None, *, empty_ok: bool = True) -> list[Path]:
    """The fixture files at `paths` (default `fixtures/`), in a stable order.

    Directories are searched recursively for *.yaml, *.yml and *.json; a file
    found there that is not a fixture file (no `cases`) is skipped, while one
    that cannot be parsed is kept so running it reports why. A file named
    explicitly is always kept (running it reports if it is not a fixture).
    A path that does not exist raises `RulesError`; so does a directory
    without fixture files unless `empty_ok` (a build may have no fixtures;
    `clinrules test DIR` on a folder without any must not pass silently).
    """
    given = [Path(p) for p in paths] if paths else [DEFAULT_PATH]
    found: list[Path] = []
    missing = []
    for path in given:
        if path.is_dir():
            candidates = sorted(
                (p for p in path.rglob("*") if p.suffix.lower() in FIXTURE_SUFFIXES and p.is_file()),
                key=lambda p: p.as_posix(),
            )
            fixtures = [p for p in candidates if _looks_like_fixture(p)]
            if not fixtures and not empty_ok:
                missing.append(
                    Diagnostic(
                        "fixture-not-found",
                        f"no fixture files under `{path}`",
                        file=str(path),
                        hint="fixture files end in .yaml, .yml or .json and have `ruleset` and `cases`",
                    )
                )
            found.extend(fixtures)
        elif path.is_file():
            found.append(path)
        else:
            missing.append(
                Diagnostic(
                    "fixture-not-found",
                    f"no such file or directory: `{path}`",
                    file=str(path),
                    hint="give fixture files or directories that hold them"
                    + (" (the default is `fixtures/`)" if not paths else ""),
                )
            )
    if missing:
        raise RulesError(missing)
    unique: list[Path] = []
    seen = set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _looks_like_fixture(path: Path) -> bool:
    try:
        data = load_source(path, read_text(path)).data
    except RulesError:
        return True  # broken: keep it so that running it says what is wrong
    return is_fixture_data(data)


# --- loading --------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedFixture:
    """A fixture checked against its compiled ruleset, ready to run case by case."""

    fixture: Fixture
    doc: dict
    ruleset: Any  # runtime CompiledRuleset

    @property
    def path(self) -> Path:
        return self.fixture.path


class RulesetCache:
    """Compiles each ruleset once per session, however many fixtures use it."""

    def __init__(self) -> None:
        self._docs: dict[Path, tuple[dict, Any] | RulesError] = {}

    def get(self, path: Path) -> tuple[dict, Any]:
        key = path.resolve()
        if key not in self._docs:
            try:
                self._docs[key] = load_ruleset(path)
            except RulesError as exc:
                self._docs[key] = exc
        entry = self._docs[key]
        if isinstance(entry, RulesError):
            raise entry
        return entry


def load_ruleset(path: Path) -> tuple[dict, Any]:
    """The compiled document and runtime ruleset of a `.rules` or compiled `.json` file."""
    from clinrules import runtime

    suffix = path.suffix.lower()
    if suffix == ".rules":
        from clinrules.cache import compile_file

        doc = compile_file(path)
    elif suffix == ".json":
        from clinrules.files import read_bytes
        from clinrules.runtime.jsontext import parse_json

        data = read_bytes(path, what="the ruleset", code="ruleset-unreadable")
        doc = parse_json(data, file=str(path), what="the compiled ruleset", code="ruleset-unreadable")
        if not isinstance(doc, dict):
            raise RulesError.single(
                "ruleset-unreadable", "a compiled ruleset is a JSON object", file=str(path)
            )
    else:
        raise RulesError.single(
            "ruleset-unreadable",
            f"`{path}` is neither a `.rules` file nor a compiled `.json` ruleset",
            file=str(path),
        )
    return doc, runtime.load(doc, source=str(path))


def load_fixture(path: Path | str, cache: RulesetCache | None = None) -> LoadedFixture:
    """Read, validate and resolve one fixture file against its ruleset.

    Raises `RulesError` for every problem that keeps the file from running:
    unreadable or malformed fixture, missing or broken ruleset, unknown names.
    """
    source = read_fixture(path)
    if source.ruleset_path.is_dir():
        raise RulesError(
            [
                source.source.diagnostic(
                    "fixture-ruleset-missing",
                    f"the ruleset `{source.ruleset}` is a folder, not a ruleset file (looked at `{source.ruleset_path}`)",
                    ("ruleset",),
                    "name one `.rules` file or compiled `.json`; the path is relative to the fixture file",
                )
            ]
        )
    if not source.ruleset_path.is_file():
        raise RulesError(
            [
                source.source.diagnostic(
                    "fixture-ruleset-missing",
                    f"the ruleset `{source.ruleset}` does not exist (looked for `{source.ruleset_path}`)",
                    ("ruleset",),
                    "the path is relative to the fixture file",
                )
            ]
        )
    doc, ruleset = (cache or RulesetCache()).get(source.ruleset_path)
    return LoadedFixture(fixture=resolve(source, doc), doc=doc, ruleset=ruleset)


# --- running ------------------------------------------------------------------------


def run_case(loaded: LoadedFixture, case: Case) -> CaseRun:
    """Evaluate one case with the runtime and compare with what it expects."""
    facts = dict(case.facts)
    try:
        result = loaded.ruleset.evaluate(facts, explain=True)
    except RulesError as exc:
        diagnostics = tuple(exc.diagnostics) or (
            Diagnostic("bad-fact", str(exc) or "the runtime rejected the facts"),)
        message = "\n".join(d.message + (f" ({d.hint})" if d.hint else "") for d in diagnostics)
        return CaseRun(case.name, case.line, False, message, [], facts, None, case, diagnostics)
    except Exception as exc:  # a runtime bug must not hide the other cases' results
        problem = Diagnostic("internal-error", f"internal error in the runtime ({type(exc).__name__}: {exc})",
                             hint="please report it with this case")
        message = f"{problem.message}; {problem.hint}"
        return CaseRun(case.name, case.line, False, message, [], facts, None, case, (problem,))
    failures = compare(case, result)
    return CaseRun(case.name, case.line, not failures, None, failures, facts, result, case)


def compare(case: Case, result) -> list[str]:
    """Readable mismatch lines between a case's expectations and a Result."""
    failures = []
    for expectation in case.expect:
        actual = result.decisions.get(expectation.decision)
        if actual is None:  # resolve() checked the name; the runtime must report every decision
            failures.append(f"{expectation.decision}: the result has no such decision")
            continue
        if not _matches(expectation, actual):
            failures.append(
                f"{expectation.decision}: expected {expectation.describe()}, got {describe_decision(actual)}"
            )
    if case.fired is not None:
        fired = {name_key(r) for r in result.fired}
        missing = [r for r in case.fired if name_key(r) not in fired]
        if missing:
            failures.append(
                "fired: expected "
                + ", ".join(missing)
                + " to fire; fired: "
                + (", ".join(result.fired) if result.fired else "no rule")
            )
    if case.needs is not None:
        expected = {name_key(n) for n in case.needs}
        actual_needs = {name_key(n) for n in result.needs}
        if expected != actual_needs:
            failures.append(f"needs: expected {_list(case.needs)}, got {_list(result.needs)}")
    return failures


def _matches(expectation, actual) -> bool:
    if expectation.status != "decided":
        return actual.status == expectation.status
    if actual.status != "decided":
        return False
    if isinstance(expectation.value, tuple):
        value = actual.value or []
        return {name_key(v) for v in value} == {name_key(v) for v in expectation.value}
    return actual.value is not None and name_key(actual.value) == name_key(expectation.value)


def describe_decision(actual) -> str:
    """A DecisionResult in the words a fixture would use."""
    if actual.status == "decided":
        if isinstance(actual.value, (list, tuple)):
            return _list(actual.value)
        return str(actual.value)
    if actual.status == "conflict":
        conflicting = list(getattr(actual, "conflicting", None) or [])
        return "conflict" + (f" between {' and '.join(conflicting)}" if conflicting else "")
    if actual.status == "undecided":
        needs = list(getattr(actual, "needs", None) or [])
        return "undecided" + (f" (needs {', '.join(needs)})" if needs else "")
    return str(actual.status)


def _list(names: Iterable[str]) -> str:
    return "[" + ", ".join(names) + "]"


def run_loaded(loaded: LoadedFixture) -> FileRun:
    return FileRun(
        path=loaded.path,
        ruleset_path=loaded.fixture.ruleset_path,
        doc=loaded.doc,
        ruleset=loaded.ruleset,
        cases=[run_case(loaded, case) for case in loaded.fixture.cases],
    )


def run_file(path: Path | str, cache: RulesetCache | None = None) -> FileRun:
    """Run every case of one fixture file.

    Raises `RulesError` when the file cannot be run (see `load_fixture`).
    """
    return run_loaded(load_fixture(path, cache))


def run_paths(paths: Sequence[Path | str] | None = None) -> Session:
    """Discover and run fixture files; a file that cannot be run is kept in
    the session with its error, and the other files still run.

    Raises `RulesError` only when a given path does not exist or holds no
    fixture files.
    """
    cache = RulesetCache()
    files: list[FileRun] = []
    for path in discover(paths, empty_ok=False):
        try:
            files.append(run_file(path, cache))
        except RulesError as exc:
            files.append(FileRun(path=path, ruleset_path=None, doc=None, ruleset=None, error=exc))
    return Session(files=files)

"""pytest plugin: each case of a clinrules fixture file is a test.

Registered through the `pytest11` entry point, so `pytest fixtures/` runs the
cases of every fixture file there, with the same failure text as
`clinrules test`. Following pytest's "non-python tests" example:
`pytest_collect_file` -> `FixtureFile.collect` -> `CaseItem.runtest`.

The plugin loads with every pytest run of every project that has clinrules
installed, so importing it is cheap (nothing of clinrules is imported until a
fixture file is actually collected) and looking at a file never raises: a
YAML or JSON file is collected only when its top level has both `ruleset`
and `cases` keys (a data file of another project's tests that merely has
`cases` is left alone), and every other file is never touched beyond a look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

_SUFFIXES = (".yaml", ".yml", ".json")
_MAX_BYTES = 5_000_000  # larger YAML/JSON files are data, not fixtures
_CASES_KEY = re.compile(r'^(?:cases|"cases")\s*:|[{,]\s*"cases"\s*:', re.MULTILINE)


def _is_fixture_candidate(path: Path) -> bool:
    """A quick look at the text; the full check happens at collection."""
    if path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        if path.stat().st_size > _MAX_BYTES:
            return False
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    if not _CASES_KEY.search(text):
        return False
    from clinrules.testing.fixtures import is_fixture_data
    from clinrules.testing._source import load_source

    try:
        data = load_source(path, text).data
        return is_fixture_data(data) and "ruleset" in data
    except Exception:  # a file pytest merely walks past must never break the run
        return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if _is_fixture_candidate(file_path):
        return FixtureFile.from_parent(parent, path=file_path)
    return None


class FixtureFileError(Exception):
    """The fixture or its ruleset could not be read or checked."""


class CaseFailed(Exception):
    """A case did not pass; the message is the readable diff and trace."""


class FixtureFile(pytest.File):
    def collect(self):
        from clinrules.errors import RulesError
        from clinrules.testing.runner import load_fixture

        try:
            loaded = load_fixture(self.path)
        except RulesError as exc:
            raise FixtureFileError(str(exc)) from None
        for case in loaded.fixture.cases:
            yield CaseItem.from_parent(self, name=case.name, loaded=loaded, case=case)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, FixtureFileError):
            return f"clinrules fixture file could not be run:\n{excinfo.value}"
        return super().repr_failure(excinfo, style)


class CaseItem(pytest.Item):
    def __init__(self, *, loaded, case, **kwargs) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.case = case

    def runtest(self) -> None:
        from clinrules.testing.reporters import case_detail
        from clinrules.testing.runner import run_case

        run = run_case(self.loaded, self.case)
        if run.status != "passed":
            raise CaseFailed(case_detail(run))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            where = f"{self.path}:{self.case.line}" if self.case.line else str(self.path)
            return f'case "{self.case.name}" ({where}) did not pass:\n{excinfo.value}'
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, (self.case.line - 1 if self.case.line else 0), f"case: {self.case.name}"

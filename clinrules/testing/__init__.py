"""Fixture cases for rulesets: find them, run them through the runtime, report.

Public API (stable; `clinrules.testing.coverage` and the `test`, `coverage`
and `build` commands build on it):

- `discover(paths=None) -> list[Path]`: fixture files (*.yaml, *.yml, *.json)
  under the given files/directories, default `fixtures/`. Files in a directory
  that are not fixture files (no `cases`) are skipped.
- `run_file(path) -> FileRun`: run one fixture file; raises `RulesError` when
  the fixture or its ruleset cannot be read or checked (exit code 2).
- `run_paths(paths=None) -> Session`: discover and run; a file that cannot be
  run stays in `Session.files` with `.error` set and `.doc is None`.
- `FileRun`: `.path`, `.ruleset_path`, `.doc` (compiled dict), `.ruleset`
  (runtime CompiledRuleset), `.cases: list[CaseRun]`, `.error`, counts.
- `CaseRun`: `.name`, `.line`, `.passed`, `.error` (runtime message on bad
  facts, else None), `.diagnostics` (the same as `Diagnostic`s, with their
  stable codes; empty unless errored), `.failures` (readable mismatch lines), `.facts` (the
  merged given, keyed by input display name, None = unknown), `.result` (the
  runtime `Result`, evaluated with explain=True), `.status`, `.case`.
- `Session`: `.files`, `.total`, `.passed`, `.failed` (errored cases
  included), `.errored`, `.file_errors`, `.exit_code` (0/1/2).
- `load_fixture(path) -> LoadedFixture` and `run_case(loaded, case)`: the same
  run one case at a time (the pytest plugin uses them).

Attributes are imported on first use, so `import clinrules.testing` (and the
pytest plugin inside it) stays cheap for test runs that have no fixtures.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "discover": "clinrules.testing.runner",
    "run_file": "clinrules.testing.runner",
    "run_paths": "clinrules.testing.runner",
    "run_case": "clinrules.testing.runner",
    "load_fixture": "clinrules.testing.runner",
    "CaseRun": "clinrules.testing.runner",
    "FileRun": "clinrules.testing.runner",
    "Session": "clinrules.testing.runner",
    "LoadedFixture": "clinrules.testing.runner",
    "RulesetCache": "clinrules.testing.runner",
    "Case": "clinrules.testing.fixtures",
    "Expectation": "clinrules.testing.fixtures",
    "read_fixture": "clinrules.testing.fixtures",
    "render": "clinrules.testing.reporters",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clinrules.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

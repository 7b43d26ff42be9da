"""What fails `clinrules build`: the release gate's policy, from
`[tool.clinrules]` in the nearest pyproject.toml above the rulesets.

    [tool.clinrules]
    fail-on = "safety"          # default; or "error", "warning", "info"
    require-cases = true        # default: a ruleset without fixture cases fails
    coverage-fail-under = 90    # every coverage metric at least 90 %

By default a ruleset is not shipped with a finding that can reach a
patient unnoticed: error-level findings and every conflict, gap and dead
rule (whatever its configured severity) fail the build, and so does a
ruleset no fixture case exercises. The way to accept a known gap is a
suppression with a reason beside it in the source
(`# lint: allow gap -- reason`); `fail-on = "error"` lowers the gate to
error-level findings only for a whole project. Subtables
(`[tool.clinrules.lint]`) belong to other commands and are left alone.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from clinrules.errors import Diagnostic, RulesError
from clinrules.lint.config import project_table

FAIL_ON = ("safety", "error", "warning", "info")
SAFETY = frozenset({"conflict", "gap", "dead-rule"})  # findings that reach patients
_RANK = {"error": 0, "warning": 1, "info": 2}
SETTINGS = ("fail-on", "require-cases", "coverage-fail-under")


@dataclass(frozen=True)
class Policy:
    fail_on: str = "safety"
    require_cases: bool = True
    coverage_fail_under: Fraction | None = None
    path: str | None = None  # the pyproject.toml it came from

    def blocks(self, finding) -> bool:
        """Whether a lint finding (after suppressions and lint config)
        fails the build."""
        if self.fail_on == "safety":
            return finding.severity == "error" or finding.name in SAFETY
        return _RANK.get(finding.severity, 0) <= _RANK[self.fail_on]

    def as_dict(self) -> dict:
        under = self.coverage_fail_under
        return {"fail_on": self.fail_on, "require_cases": self.require_cases,
                "coverage_fail_under": None if under is None else float(under),
                "config": self.path}


def _bad(message: str, path: str | None, hint: str | None = None) -> RulesError:
    return RulesError([Diagnostic("bad-build-config", message, file=path, hint=hint)])


def from_table(table, path: str | None = None) -> Policy:
    """Validate the build settings of a `[tool.clinrules]` table."""
    if not isinstance(table, dict):
        raise _bad("[tool.clinrules] must be a table", path)
    for key, value in table.items():
        if isinstance(value, dict) or key in SETTINGS:
            continue
        close = difflib.get_close_matches(key, SETTINGS, n=1)
        raise _bad(f"[tool.clinrules] has an unknown setting `{key}`", path,
                   f"did you mean `{close[0]}`?" if close else f"the settings are {', '.join(SETTINGS)}")
    fail_on = table.get("fail-on", "safety")
    if fail_on not in FAIL_ON:
        raise _bad(f"`fail-on` must be one of {', '.join(repr(v) for v in FAIL_ON)}, not {fail_on!r}", path)
    require = table.get("require-cases", True)
    if not isinstance(require, bool):
        raise _bad(f"`require-cases` must be true or false, not {require!r}", path)
    under = table.get("coverage-fail-under")
    if under is not None:
        if isinstance(under, bool) or not isinstance(under, (int, float)) or not 0 <= under <= 100:
            raise _bad(f"`coverage-fail-under` must be a percentage from 0 to 100, not {under!r}", path)
        under = Fraction(str(under))
    return Policy(fail_on, require, under, path)


def find_policy(start: str | Path) -> Policy:
    """The [tool.clinrules] table of the nearest pyproject.toml above
    `start`; the default policy if there is none."""
    found = project_table(start)
    return from_table(*found) if found is not None else Policy()

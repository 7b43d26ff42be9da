"""Every lint code in one table: stable code, name, default severity,
one-line summary and the module that finds it.

Codes never change meaning once published; tools and suppressions match on
the code (`CR002`) or the name (`gap`). The doc page of a code is
`clinrules/lint/docs/<name>.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

SEVERITIES = ("error", "warning", "info")
DOCS_URL = "https://github.com/clinrules/clinrules/blob/main/clinrules/lint/docs/"


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str
    summary: str
    family: str

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}{self.name}.md"

    def doc(self) -> str:
        return resources.files("clinrules.lint").joinpath("docs", f"{self.name}.md").read_text("utf-8")


CODES: tuple[Code, ...] = (
    Code("CR001", "conflict", "error",
         "Two rules of a `one of` decision can fire together with different options.", "conflicts"),
    Code("CR002", "gap", "warning",
         "Inside the scope and ranges, some patients get no option from a `one of` decision.", "gaps"),
    Code("CR003", "dead-rule", "error",
         "A rule whose condition can never be true.", "dead"),
    Code("CR004", "masked-rule", "warning",
         "Under `first match` or `with priority`, a rule that can never decide.", "masking"),
    Code("CR005", "redundant-rule", "warning",
         "Another rule with the same options already covers every patient this one covers.", "redundancy"),
    Code("CR006", "unused-input", "info", "An input no condition reads.", "unused"),
    Code("CR007", "unused-definition", "info", "A definition nothing refers to.", "unused"),
    Code("CR008", "unused-option", "info", "A decision option no rule chooses.", "unused"),
    Code("CR009", "unused-source", "info", "A source no rule cites.", "unused"),
    Code("CR010", "missing-rationale", "warning",
         "A rule without `BECAUSE` or without a citation.", "style"),
    Code("CR011", "mixed-and-or", "warning",
         "`AND` and `OR` mixed without parentheses.", "style"),
    Code("CR012", "unnamed-rule", "info", "A bare rule without a name.", "style"),
    Code("CR013", "suppression-without-reason", "warning",
         "A `# lint: allow` comment without `-- reason`; it suppresses nothing.", "style"),
    Code("CR014", "unknown-lint-code", "warning",
         "A `# lint: allow` comment naming a code that does not exist; it allows nothing.", "style"),
)

BY_CODE = {c.code: c for c in CODES}
BY_NAME = {c.name: c for c in CODES}


def lookup(text: str) -> Code | None:
    """A code by its code (`CR002`, any case) or name (`gap`)."""
    key = text.strip()
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())

"""Stage `header`: the ruleset's version must be a semantic version.

Downstream apps pin and compare ruleset versions (LANGUAGE.md writes the
header as `version X.Y.Z`); a `1.0` or `v2` would sort and compare
differently in every tool, so it is an error with the fix in the hint.
"""

from __future__ import annotations

import re

from clinrules.compiler.state import Compilation

# Semantic Versioning 2.0.0 (https://semver.org), anchored.
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_VERSION_WORD = re.compile(r"version\s+\"?", re.IGNORECASE)


def check_header(comp: Compilation) -> None:
    header = comp.file.header
    version = header.version
    if version is None or SEMVER.fullmatch(version):
        return
    comp.error(
        "bad-version",
        f"`{version}` is not a version of the form MAJOR.MINOR.PATCH, such as `1.0.0`",
        comp.find_after(header.loc, _VERSION_WORD, version) or header.loc,
        hint=f"write `version {_suggest(version)}`",
    )


def _suggest(version: str) -> str:
    parts = re.findall(r"\d+", version)
    if not parts:
        return "1.0.0"
    numbers = [str(int(p)) for p in parts[:3]] + ["0"] * (3 - min(3, len(parts)))
    return ".".join(numbers)

"""Quick fixes from the compiler's "did you mean" hints.

The compiler already names the closest declared names (or units) in its
message or hint: "`red flag` is not declared; did you mean `red flags`?".
A quick fix replaces the problem's range with one of them; nothing is
guessed here that the compiler did not say.
"""

from __future__ import annotations

import re

from clinrules.lsp.checks import Problem

_MEANT = re.compile(r"did you mean (?P<names>.+?)\?")
_QUOTED = re.compile(r"`([^`]+)`")


def suggestions(problem: Problem) -> list[str]:
    """The replacements a problem's "did you mean" names, in its order."""
    out: list[str] = []
    for text in (problem.message, problem.hint or ""):
        for meant in _MEANT.finditer(text):
            for name in _QUOTED.findall(meant.group("names")):
                if name not in out:
                    out.append(name)
    return out


def replacement(name: str, written: str) -> str:
    """`name` spelled to stand where `written` stood: quoted when it must be,
    or when the editor had quoted the wrong name."""
    from clinrules.compiler.names import spell

    spelled = spell(name)
    if written.startswith('"') and not spelled.startswith('"'):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return spelled

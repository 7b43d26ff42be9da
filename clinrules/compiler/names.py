"""One namespace for inputs, definitions, decisions and options.

Editors refer to things by name only, so a name must mean one thing: a
second declaration of the same name is an error, with one exception the
language allows, an option shared by two decisions (actions then qualify it).
Rule names live apart, since conditions never refer to rules.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from clinrules.dsl import ast

KIND_WORDS = {
    "input": "an input",
    "definition": "a definition",
    "decision": "a decision",
    "option": "an option",
}

# Words that end an unquoted name (LANGUAGE.md, Names), and words that an
# unquoted name cannot start with where a condition or an option after `is`
# starts (they begin a condition form): a name holding one must be written
# in quotes to be read back the same.
_ENDING_WORDS = frozenset(
    "and or then because is between ruleset source input define decision code rule if".split()
)
_NO_START_WORDS = {
    "condition": frozenset("not no any all none at".split()),  # where a condition starts
    "option": frozenset("at more less not one missing known".split()),  # after `is`
}
_FIRST_WORD = re.compile(r"[^\W\d_][\w'/-]*")
_LATER_WORD = re.compile(r"[^\W\d_][\w'/-]*|\d+")


@functools.lru_cache(maxsize=8192)  # called for every condition's text; names repeat
def spell(name: str, context: str = "condition") -> str:
    """A name as an editor would write it inside a condition: quoted only when needed.

    `context` is where it stands: "condition" for a name that starts a
    condition (a subject), "option" for an option written after `is`.
    """
    words = name.split()
    plain = (
        bool(words)
        and words[0].casefold() not in _NO_START_WORDS[context]
        and all(
            (_FIRST_WORD if i == 0 else _LATER_WORD).fullmatch(w) and w.casefold() not in _ENDING_WORDS
            for i, w in enumerate(words)
        )
    )
    if plain and name.casefold() != "yes/no" and "yes/no" not in (w.casefold() for w in words):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Symbol:
    kind: str  # "input" | "definition" | "decision" | "option"
    name: ast.Name  # the declaration
    node: object  # ast.Input | ast.Define | ast.Decision (the decision for options)
    decisions: list[str] = field(default_factory=list)  # option: keys of its decisions

    @property
    def display(self) -> str:
        return self.name.text


def closest(key: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """Display names of the candidates closest to `key` (candidates: key -> display).

    difflib's ratio first; when it finds nothing, names that contain every
    typed word (`malignancy` -> `history of malignancy`), then names whose
    every word was typed (`MRI scan` -> `MRI`).
    """
    hits = difflib.get_close_matches(key, list(candidates), n=limit, cutoff=0.6)
    words = key.split()
    if not hits:
        hits = [k for k in candidates if words and all(w in k.split() for w in words)][:limit]
    if not hits:  # a word too many (`MRI scan` -> `MRI`)
        hits = [k for k in candidates if k.split() and all(w in words for w in k.split())][:limit]
    return [candidates[h] for h in hits]


def did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    quoted = [f"`{n}`" for n in names]
    if len(quoted) == 1:
        return f"did you mean {quoted[0]}?"
    return f"did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"

"""The syntax tree of a `.rules` file: what the editor wrote, nothing resolved.

The parser builds these; the compiler resolves names, units and types over
them. Every node keeps its `Location` so each later error can point at the
text the editor wrote. Numbers stay as the exact decimal text written
(`"1.5"`), never floats: the compiler turns them into `Fraction`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Union

from clinrules.errors import Location


@lru_cache(maxsize=65536)  # pure; a name is looked up once per use
def name_key(text: str) -> str:
    """How names match: case-insensitively, white space folded to one space."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Name:
    """A (possibly multi-word or quoted) name as written."""

    text: str  # as written, white space folded, quotes removed
    loc: Location
    quoted: bool = False

    @cached_property  # kept in the instance: not a field, so equality and repr ignore it
    def key(self) -> str:
        return name_key(self.text)


@dataclass(frozen=True)
class Value:
    """A number as written, with its unit if one was written (`6 weeks`)."""

    number: str  # exact decimal text, e.g. "6", "1.5", "-2"
    unit: str | None  # unit text as written, e.g. "weeks", "mm/h", None
    loc: Location


# --- conditions ------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """`NAME`: a yes/no input or a definition is true."""

    name: Name
    loc: Location


@dataclass(frozen=True)
class Not:
    """`NOT C` (form "not") or `no NAME` (form "no")."""

    arg: "Condition"
    form: str  # "not" | "no"
    loc: Location


@dataclass(frozen=True)
class And:
    args: tuple["Condition", ...]
    loc: Location


@dataclass(frozen=True)
class Or:
    args: tuple["Condition", ...]
    loc: Location


@dataclass(frozen=True)
class Group:
    """`( C )`: kept so the linter can tell `(A AND B) OR C` from `A AND B OR C`."""

    arg: "Condition"
    loc: Location


@dataclass(frozen=True)
class FirstKnown:
    """`first known of [urea, BUN]`: the first of these inputs that is known,
    as the subject of a comparison (`first known of [urea, BUN] > 7 mmol/L`)."""

    names: tuple[Name, ...]
    loc: Location


@dataclass(frozen=True)
class Compare:
    """`NAME > V` and the word forms (`is at least V` is op ">=")."""

    subject: "Name | FirstKnown"
    op: str  # one of ">", ">=", "<", "<=", "=", "!="
    value: Value
    words: bool  # written as `is at least` etc.
    loc: Location


@dataclass(frozen=True)
class Between:
    """`NAME between V and W`, inclusive on both ends."""

    subject: "Name | FirstKnown"
    low: Value
    high: Value
    loc: Location


@dataclass(frozen=True)
class IsOption:
    """`NAME is OPTION`, `NAME is not OPTION`, `NAME is one of [A, B]`."""

    subject: Name
    options: tuple[Name, ...]
    negated: bool
    one_of: bool  # written with `is one of [...]`
    loc: Location


@dataclass(frozen=True)
class Presence:
    """`NAME is missing` (known=False) or `NAME is known` (known=True)."""

    subject: Name
    known: bool
    loc: Location


@dataclass(frozen=True)
class Count:
    """`any of [...]`, `all of [...]`, `none of [...]`, `at least K of [...]`."""

    kind: str  # "any" | "all" | "none" | "at least"
    k: int | None  # only for "at least"
    args: tuple["Condition", ...]
    loc: Location


Condition = Union[Ref, Not, And, Or, Group, Compare, Between, IsOption, Presence, Count]


# --- statements ------------------------------------------------------------


@dataclass(frozen=True)
class Suppression:
    """`# lint: allow CODE[, CODE] -- reason` attached to a rule or definition."""

    codes: tuple[str, ...]
    reason: str  # "" when the editor gave none (the linter reports that)
    loc: Location


@dataclass(frozen=True)
class Header:
    title: str
    version: str | None
    scope: Condition | None
    loc: Location


@dataclass(frozen=True)
class Source:
    number: int
    citation: str
    loc: Location


@dataclass(frozen=True)
class InputType:
    kind: str  # "yes/no" | "number" | "one of"
    unit: str | None  # for `number in UNIT`, the unit as written
    options: tuple[Name, ...]  # for `one of [...]`
    low: Value | None  # `from A to B`
    high: Value | None
    loc: Location
    molar_mass: Value | None = None  # `, molar mass 180.16 g/mol`


@dataclass(frozen=True)
class Input:
    name: Name
    type: InputType
    loc: Location
    suppressions: tuple[Suppression, ...] = ()
    typical: Value | None = None  # `typical V`: where witnesses are chosen


@dataclass(frozen=True)
class ScoreItem:
    condition: Condition
    points: str  # exact decimal text, may be negative
    loc: Location


@dataclass(frozen=True)
class Score:
    items: tuple[ScoreItem, ...]
    loc: Location


@dataclass(frozen=True)
class Define:
    name: Name
    body: Union[Condition, Score]
    loc: Location
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True)
class Decision:
    name: Name
    kind: str  # "one of" | "any of"
    options: tuple[Name, ...]
    policy: str | None  # None | "priority" | "first match"
    loc: Location
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True)
class Code:
    """`code NAME: SYSTEM VALUE`."""

    name: Name
    system: str
    value: str
    loc: Location


@dataclass(frozen=True)
class Action:
    """One option a rule chooses; `decision` is set when qualified (`imaging: no imaging`)."""

    decision: Name | None
    option: Name
    loc: Location


@dataclass(frozen=True)
class Citation:
    number: int
    loc: Location


@dataclass(frozen=True)
class Because:
    text: str
    citations: tuple[Citation, ...]
    loc: Location


@dataclass(frozen=True)
class Rule:
    """A named or bare rule. `condition` is None for `OTHERWISE`."""

    name: Name | None  # None for a bare rule
    condition: Condition | None
    actions: tuple[Action, ...]
    because: Because | None
    loc: Location
    suppressions: tuple[Suppression, ...] = ()

    @property
    def otherwise(self) -> bool:
        return self.condition is None


Statement = Union[Source, Input, Define, Decision, Code, Rule]


@dataclass(frozen=True)
class RulesFile:
    """A whole parsed file. `text` is the exact source (for hashing and carets)."""

    path: str
    text: str
    header: Header
    statements: tuple[Statement, ...]

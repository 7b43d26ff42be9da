"""The runtime: evaluate patients against a compiled ruleset.

Imports only the standard library, jsonschema (through clinrules.schemas)
and clinrules.errors: an app that evaluates patients ships no parser.

    ruleset = load("imaging.json")             # or a compiled dict
    result = ruleset.evaluate({"duration": "7 weeks", "fever": False})
    result.decisions["imaging"].status         # "decided"
"""

from clinrules.runtime.facts import Facts
from clinrules.runtime.loader import load
from clinrules.runtime.result import DecisionResult, Possibility, Result, ScoreRange, TraceStep
from clinrules.runtime.ruleset import CompiledRuleset
from clinrules.runtime.schema import facts_schema

__all__ = [
    "CompiledRuleset",
    "DecisionResult",
    "Facts",
    "Possibility",
    "Result",
    "ScoreRange",
    "TraceStep",
    "facts_schema",
    "load",
]

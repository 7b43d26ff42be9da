"""Two versions of a ruleset over one space.

The diff compares results region by region, so both versions must be read
over the same inputs and the same cuts. Here the new version is rewritten
into the old one's terms:

- inputs are matched by key; an input renamed between versions (its key
  changed, its declaration did not: same type, options, unit dimension and
  range) is matched when exactly one unmatched input on each side has that
  declaration. Renaming changes nothing, so it is no difference.
- a quantity declared in another unit (`duration` in days instead of
  weeks) has the new version's thresholds and range converted exactly
  (Fractions) into the old unit: `42 days` is `6 weeks`, no difference.
- both versions get the inputs of both (an input only one version declares
  is one the other ignores), and the space is cut at the thresholds of both.
- decisions are matched by key, then by declaration (same kind and
  options) when renamed; results compare by option names, so a reordered
  option list is no difference either.

What cannot be compared is an input error, said plainly: the same key with
another type, another set of options, or a unit of another dimension.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import NamedTuple

from clinrules.errors import Diagnostic, RulesError
from clinrules.exact import exact_str
from clinrules.space.regions import all_conditions, build_dims, walk


class Joint(NamedTuple):
    old: dict  # the old document, with the inputs of both
    new: dict  # the new document in the old one's input keys and units
    dims: list  # the shared space (value dims, then presence dims)
    renamed_inputs: tuple  # (old name, new name)
    decisions: tuple  # (old decision key, new decision key)
    notes: tuple  # things said beside the regions (ranges that differ, ...)


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _options(spec: dict) -> tuple:
    return tuple(sorted(_fold(o) for o in spec.get("options") or ()))


def _signature(spec: dict) -> tuple:
    rng = spec.get("range") or {}
    return (spec["type"], _options(spec), spec.get("dimension"), spec.get("unit"),
            rng.get("min"), rng.get("max"))


def _unit(doc: dict, spec: dict) -> tuple[Fraction, Fraction]:
    table = (doc.get("units") or {}).get(spec.get("dimension") or "", {}).get("units", {})
    unit = table.get(spec.get("unit"))
    if unit is None:
        return Fraction(1), Fraction(0)
    return Fraction(unit["factor"]), Fraction(unit.get("offset", "0"))


def _fail(message: str, file: str | None, hint: str | None = None) -> RulesError:
    return RulesError([Diagnostic("incomparable-rulesets", message, file=file, hint=hint)])


def match_inputs(old: dict, new: dict, new_file: str | None) -> dict[str, str]:
    """new input key -> old input key, for every new input that has a
    counterpart in the old version."""
    old_by_key = {i["key"]: i for i in old.get("inputs", [])}
    mapping: dict[str, str] = {}
    unmatched_new = []
    for spec in new.get("inputs", []):
        if spec["key"] in old_by_key:
            mapping[spec["key"]] = spec["key"]
        else:
            unmatched_new.append(spec)
    unmatched_old = [i for i in old.get("inputs", []) if i["key"] not in mapping.values()]
    for spec in unmatched_new:
        same = [o for o in unmatched_old if _signature(o) == _signature(spec)]
        twins = [n for n in unmatched_new if _signature(n) == _signature(spec)]
        if len(same) == 1 and len(twins) == 1:
            mapping[spec["key"]] = same[0]["key"]
    for new_key, old_key in mapping.items():
        a, b = old_by_key[old_key], next(i for i in new["inputs"] if i["key"] == new_key)
        if a["type"] != b["type"] and {a["type"], b["type"]} != {"number", "quantity"}:
            raise _fail(f"input `{b['name']}` is {b['type']} here but {a['type']} in the old version; "
                        "the versions cannot be compared on it", new_file,
                        "give the changed input a new name: the diff then reads it as a new input")
        if a["type"] != b["type"] or (a.get("dimension") != b.get("dimension")):
            raise _fail(f"input `{b['name']}` is measured in {b.get('unit') or 'no unit'} here but in "
                        f"{a.get('unit') or 'no unit'} in the old version, another dimension", new_file,
                        "give the changed input a new name: the diff then reads it as a new input")
        if a["type"] == "one of" and _options(a) != _options(b):
            raise _fail(f"input `{b['name']}` has options [{', '.join(b['options'])}] here but "
                        f"[{', '.join(a['options'])}] in the old version", new_file,
                        "the diff compares inputs with the same options; give the changed input a new name")
    return mapping


def _convert(value: str, factor: Fraction, offset: Fraction) -> str:
    """A threshold of the new version in the old unit (identity when equal)."""
    if factor == 1 and offset == 0:
        return value
    return exact_str(Fraction(value) * factor + offset)


def _rewrite(doc: dict, mapping: dict[str, str], scale: dict[str, tuple[Fraction, Fraction]]) -> None:
    for root in all_conditions(doc):
        for node in walk(root):
            key = node.get("input")
            if key is None:
                continue
            node["input"] = mapping.get(key, key)
            if key in scale:
                f, o = scale[key]
                if node.get("op") == "compare":
                    node["value"] = _convert(node["value"], f, o)
                elif node.get("op") == "between":
                    node["low"] = _convert(node["low"], f, o)
                    node["high"] = _convert(node["high"], f, o)


def _range_text(rng: dict | None) -> str:
    rng = rng or {}
    lo, hi = rng.get("min"), rng.get("max")
    if lo is None and hi is None:
        return "any value"
    return f"from {lo if lo is not None else '-inf'} to {hi if hi is not None else 'inf'}"


def _narrow(a: dict | None, b: dict | None) -> dict | None:
    """The values both versions accept."""
    if not a:
        return b
    if not b:
        return a
    lo = [Fraction(x) for x in (a.get("min"), b.get("min")) if x is not None]
    hi = [Fraction(x) for x in (a.get("max"), b.get("max")) if x is not None]
    return {"min": exact_str(max(lo)) if lo else None, "max": exact_str(min(hi)) if hi else None}


def joint(old: dict, new: dict, *, old_file: str | None = None, new_file: str | None = None) -> Joint:
    old = copy.deepcopy(old)
    new = copy.deepcopy(new)
    mapping = match_inputs(old, new, new_file)
    old_by_key = {i["key"]: i for i in old.get("inputs", [])}
    scale: dict[str, tuple[Fraction, Fraction]] = {}
    notes = []
    renamed = []
    inputs = [dict(i) for i in old.get("inputs", [])]
    position = {i["key"]: n for n, i in enumerate(inputs)}
    for spec in new.get("inputs", []):
        old_key = mapping.get(spec["key"])
        if old_key is None:
            inputs.append(dict(spec))
            position[spec["key"]] = len(inputs) - 1
            continue
        ref = old_by_key[old_key]
        if spec["name"] != ref["name"]:
            renamed.append((ref["name"], spec["name"]))
        rng = dict(spec.get("range") or {})
        if spec.get("unit") != ref.get("unit") and spec["type"] == "quantity":
            f_new, o_new = _unit(new, spec)
            f_old, o_old = _unit(old, ref)
            factor, offset = f_new / f_old, (o_new - o_old) / f_old
            scale[spec["key"]] = (factor, offset)
            rng = {k: (_convert(str(v), factor, offset) if v is not None else None) for k, v in rng.items()}
        ref_range = ref.get("range") or None
        if (rng or None) != ref_range and _range_differs(rng, ref_range):
            notes.append(f"`{ref['name']}` accepts {_range_text(ref_range)} in the old version and "
                         f"{_range_text(rng)} in the new one (in {ref.get('unit_written') or ref.get('unit') or 'its unit'}); "
                         "patients outside either range are not compared")
            inputs[position[old_key]]["range"] = _narrow(ref_range, rng)
    _rewrite(new, mapping, scale)
    old["inputs"] = inputs
    new["inputs"] = copy.deepcopy(inputs)
    merged = dict(new.get("units") or {})
    merged.update(old.get("units") or {})
    old["units"] = merged
    new["units"] = copy.deepcopy(merged)
    dims = build_dims(old, list(all_conditions(new)), presence=True)
    return Joint(old, new, dims, tuple(renamed), _match_decisions(old, new), tuple(notes))


def _range_differs(a: dict | None, b: dict | None) -> bool:
    def norm(r):
        r = r or {}
        return tuple(None if r.get(k) is None else Fraction(str(r[k])) for k in ("min", "max"))

    return norm(a) != norm(b)


def _match_decisions(old: dict, new: dict) -> tuple:
    old_keys = [d["key"] for d in old.get("decisions", [])]
    new_keys = [d["key"] for d in new.get("decisions", [])]
    pairs = [(k, k) for k in old_keys if k in new_keys]

    def sig(d):
        return (d["kind"], d.get("policy"), tuple(sorted(_fold(o["name"]) for o in d["options"])))

    lone_old = [d for d in old.get("decisions", []) if d["key"] not in new_keys]
    lone_new = [d for d in new.get("decisions", []) if d["key"] not in old_keys]
    for d in lone_new:
        same = [o for o in lone_old if sig(o) == sig(d)]
        if len(same) == 1 and sum(1 for n in lone_new if sig(n) == sig(d)) == 1:
            pairs.append((same[0]["key"], d["key"]))
    return tuple(pairs)

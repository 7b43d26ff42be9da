"""The semantic diff: where two versions of a ruleset decide differently.

Both versions are partitioned over one shared space of completions
(`joint`, `cohort.cells`). Two versions are equivalent exactly when every
completion gets the same result from both: then every patient, whatever it
leaves unknown, gets the same status, value and needs. Otherwise the diff
reports:

- *changed regions*: the parts of the space where the results differ
  (cells of one version met with cells of the other), merged per pair of
  results and widened into the conditions an editor would state, each with
  a witness patient that replays through both runtimes;
- *status changes*: per input, the patients missing only that input whose
  status changes (decided in one version, undecided in the other, because
  the result now depends on it), found the same way over the space with
  that input left free.
"""

from __future__ import annotations

from typing import NamedTuple

from clinrules.cohort.cells import decision_cells, result_label
from clinrules.diff.joint import joint
from clinrules.lint.witness import prefer
from clinrules.runtime import load
from clinrules.space.boxes import Sweep, complement, intersect, restrict
from clinrules.space.conditions import Conditions
from clinrules.space.partition import partition, widen
from clinrules.space.regions import PRESENCE
from clinrules.space.words import Words, describe


class Region(NamedTuple):
    decision: str
    kind: str  # "changed" | "status" | "completions" (see `_changed`)
    when: str  # the region in words
    old: str  # the old result in words
    new: str
    witness: dict  # facts, in the old version's input names
    witness_new: dict  # the same patient in the new version's names
    box: dict  # the region, for callers that count patients (cohort)
    missing: str | None = None  # for status changes: the input left unknown


class Diff(NamedTuple):
    regions: tuple
    added: tuple  # decision names only the new version makes
    removed: tuple
    renamed_inputs: tuple
    notes: tuple
    joint: object

    @property
    def equivalent(self) -> bool:
        return not self.regions and not self.added and not self.removed


def say(label: tuple) -> str:
    status, value = label
    if status != "decided":
        return status
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return value


def _names(decision, label: tuple) -> tuple:
    """A label with the decision's own spelling of its options."""
    status, value = label
    spelled = {" ".join(o.split()).casefold(): o for o in decision.options}
    if isinstance(value, tuple):
        return (status, tuple(spelled.get(v, v) for v in value))
    if value is not None:
        return (status, spelled.get(value, value))
    return label


class _Space:
    def __init__(self, j) -> None:
        self.j = j
        self.dims = j.dims
        self.words = Words(j.old, self.dims)
        self.value_dims = [d for d in self.dims if d.type != PRESENCE]
        self.presence_of = {d.key: d for d in self.dims if d.type == PRESENCE}
        renamed = dict(j.renamed_inputs)
        self.new_name = {d.name: renamed.get(d.name, d.name) for d in self.value_dims}

    def _definitions(self) -> list:
        """Condition definitions of the old version reading two or more
        inputs, widest first: (input dims, name, yes boxes, no boxes), the
        boxes over known values (every presence dim known)."""
        if hasattr(self, "_defs"):
            return self._defs
        conds = Conditions(self.j.old, self.dims)
        known = {p.index: 1 for p in self.presence_of.values()}
        by_key = {d.key: d.index for d in self.value_dims}
        out = []
        for definition in self.j.old.get("definitions", []):
            condition = definition.get("condition")
            if definition.get("kind") != "condition" or condition is None:
                continue
            support = frozenset(by_key[k] for k in conds.support(condition) if k in by_key)
            if len(support) >= 2:
                out.append((support, definition["name"], restrict(conds.yes(condition), known, self.dims),
                            restrict(conds.no(condition), known, self.dims)))
        out.sort(key=lambda c: -len(c[0]))
        self._defs = out
        return out

    def _phrases(self, box: dict) -> dict:
        """Inputs whose part of `box` is exactly where a definition is yes
        (or no): said as `red flags` (`no red flags`), as the linter does."""
        used: set = set()
        out = {}
        for support, name, yes, no in self._definitions():
            if support & used:
                continue
            part = {d: box.get(d, self.dims[d].full) & self.dims[d].known for d in support}
            if sum(1 for d in support if part[d] != self.dims[d].known) < 2:
                continue
            for boxes, text in ((no, f"no {name}"), (yes, name)):
                if boxes and all(set(b) <= support and all(not m & ~part[d] for d, m in b.items()) for b in boxes) \
                        and Sweep(boxes, part, self.dims).first_uncovered() is None:
                    out[min(support)] = (support, text)
                    used |= support
                    break
        return out

    def words_of(self, box: dict) -> str:
        parts = []
        phrases = self._phrases(box)
        hidden = {d for support, _ in phrases.values() for d in support}
        for d, mask in sorted(box.items()):
            dim = self.dims[d]
            if d in phrases:
                parts.append(phrases[d][1])
            if d in hidden:
                continue
            if dim.type == PRESENCE:
                if mask == 1:
                    parts.append(f"{dim.name} is known")
                elif mask == 2:
                    parts.append(f"{dim.name} is missing")
            elif mask & dim.known != dim.known:
                parts.append(describe(dim, mask, self.words))
        return ", ".join(parts) if parts else "every patient"

    def witness(self, box: dict, missing: set) -> tuple[dict, dict]:
        old, new = {}, {}
        for dim in self.value_dims:
            presence = self.presence_of.get(dim.key)
            gone = dim.index in missing or (presence is not None and box.get(presence.index) == 2)
            value = None if gone else self.words.value(dim, prefer(dim, box.get(dim.index, dim.full)))
            old[dim.name] = value
            new[self.new_name[dim.name]] = value
        return old, new


def diff_documents(old: dict, new: dict, *, old_file: str | None = None, new_file: str | None = None) -> Diff:
    j = joint(old, new, old_file=old_file, new_file=new_file)
    space = _Space(j)
    old_rs, new_rs = load(j.old), load(j.new)
    old_cells = {d.key: d for d in decision_cells(old_rs, j.dims)}
    new_cells = {d.key: d for d in decision_cells(new_rs, j.dims)}
    regions = []
    for old_key, new_key in j.decisions:
        a, b = old_cells[old_key], new_cells[new_key]
        regions += _replayed(_changed(space, a, b), old_rs, new_rs)
        regions += _status(space, a, b)
    matched_old = {o for o, _ in j.decisions}
    matched_new = {n for _, n in j.decisions}
    removed = tuple(d.name for k, d in old_cells.items() if k not in matched_old)
    added = tuple(d.name for k, d in new_cells.items() if k not in matched_new)
    return Diff(tuple(regions), added, removed, j.renamed_inputs, j.notes, j)


def _changed(space: _Space, a, b) -> list[Region]:
    groups: dict[tuple, list] = {}
    for box_a, out_a in a.cells:
        la = result_label(a, out_a)
        for box_b, out_b in b.cells:
            lb = result_label(b, out_b)
            if la == lb:
                continue
            meet = intersect(box_a, box_b)
            if meet is not None:
                groups.setdefault((la, lb), []).append(meet)
    out = []
    for (la, lb), boxes in sorted(groups.items(), key=lambda g: repr(g[0])):
        for box in widen(boxes, space.dims):
            # a witness must sit in one of the disjoint pieces the wide box covers
            piece = next(p for p in boxes if intersect(p, box) is not None)
            old_facts, new_facts = space.witness(intersect(piece, box), set())
            out.append(Region(a.name, "changed", space.words_of(box), say(_names(a, la)),
                              say(_names(b, lb)), old_facts, new_facts, box))
    return out


def _replayed(regions: list[Region], old_rs, new_rs) -> list[Region]:
    """A region that needs an input missing (`is missing` read with its
    value) differs on completions, but the patient missing it sees the
    union of its completions, which may be the same in both versions: such
    a region is kept as a "completions" difference (the versions are not
    equivalent), its witness showing what that patient gets."""
    out = []
    for r in regions:
        a = old_rs.evaluate(r.witness).decisions[r.decision]
        b = new_rs.evaluate(r.witness).decisions[r.decision]
        same = (a.status, a.value, a.needs) == (b.status, b.value, b.needs)
        out.append(r._replace(kind="completions") if same else r)
    return out


def _status(space: _Space, a, b) -> list[Region]:
    """Patients missing exactly one input: where one version decides and
    the other cannot without that input."""
    out = []
    dims = space.dims
    for dim in space.value_dims:
        presence = space.presence_of.get(dim.key)
        within = {p.index: 1 for p in space.presence_of.values()}
        if presence is not None:
            within[presence.index] = 2
        items, keys = [], []
        for version, cells in (("old", a), ("new", b)):
            by_result: dict = {}
            for box, outcome in cells.cells:
                cut = intersect(box, within)
                if cut is None:
                    continue
                cut.pop(dim.index, None)  # the input is free: any of its values
                by_result.setdefault(result_label(cells, outcome), []).append(cut)
            for label, boxes in sorted(by_result.items(), key=lambda r: repr(r[0])):
                items.append((boxes, complement(boxes, within, dims)))
                keys.append((version, label))
        if not items:
            continue

        def result(yes, still, keys=keys):
            if still:
                return None  # every item pinned down: which results are possible, per version
            got = {"old": [], "new": []}
            for i in yes:
                version, label = keys[i]
                got[version].append(label)
            return (tuple(got["old"]), tuple(got["new"]))

        cells = partition(items, within, dims, result)
        for box, (old_got, new_got) in cells:
            if (len(old_got) == 1) == (len(new_got) == 1):
                continue  # same status: value changes are the changed regions
            box = {d: m for d, m in box.items() if d not in within or m != within[d]}
            old_text = say(_names(a, old_got[0])) if len(old_got) == 1 else f"undecided (needs {dim.name})"
            new_text = say(_names(b, new_got[0])) if len(new_got) == 1 else f"undecided (needs {dim.name})"
            old_facts, new_facts = space.witness({**box, **within}, {dim.index})
            when = space.words_of(box)
            when = f"{dim.name} is missing" + ("" if when == "every patient" else ", " + when)
            out.append(Region(a.name, "status", when, old_text, new_text, old_facts, new_facts,
                              {**box, **within}, dim.name))
    return out

"""The diff in text, JSON and SARIF, and the per-region patient counts.

Every region carries its witness in the old version's input names (and in
the new one's when inputs were renamed), ready for `clinrules eval --facts`.
"""

from __future__ import annotations

from clinrules.diff.compare import Diff

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def to_json(diff: Diff, old_file: str, new_file: str, counts: dict | None = None) -> dict:
    regions = []
    for n, r in enumerate(diff.regions):
        item = {"decision": r.decision, "kind": r.kind, "when": r.when, "old": r.old, "new": r.new,
                "witness": r.witness}
        if r.witness_new != r.witness:
            item["witness_new"] = r.witness_new
        if r.missing:
            item["missing"] = r.missing
        if counts is not None:
            item["patients"] = counts["regions"][n]
        regions.append(item)
    out = {
        "old": old_file,
        "new": new_file,
        "equivalent": diff.equivalent,
        "regions": regions,
        "decisions_added": list(diff.added),
        "decisions_removed": list(diff.removed),
        "renamed_inputs": [{"old": a, "new": b} for a, b in diff.renamed_inputs],
        "notes": list(diff.notes),
    }
    if counts is not None:
        out["patients"] = {k: v for k, v in counts.items() if k != "regions"}
    return out


def to_text(diff: Diff, old_file: str, new_file: str, counts: dict | None = None) -> str:
    lines = [f"{old_file} -> {new_file}"]
    if diff.equivalent:
        lines.append("equivalent: every patient gets the same decisions from both versions")
    for note in diff.notes:
        lines.append(f"note: {note}")
    for a, b in diff.renamed_inputs:
        lines.append(f"renamed input: {a} -> {b} (no difference)")
    for name in diff.removed:
        lines.append(f"decision removed: {name}")
    for name in diff.added:
        lines.append(f"decision added: {name}")
    for n, r in enumerate(diff.regions):
        label = {"changed": "changed", "status": "status changed",
                 "completions": "changed on completions only"}[r.kind]
        extra = f" [{counts['regions'][n]} patients]" if counts is not None else ""
        lines.append(f"{r.decision}: {label}{extra}: {r.when}: {r.old} -> {r.new}")
        lines.append(f"  witness: {_facts(r.witness)}")
    if counts is not None:
        lines.append("")
        lines.append(summary_table(diff, counts))
    return "\n".join(lines) + "\n"


def summary_table(diff: Diff, counts: dict) -> str:
    rows = [("decision", "change", "patients")]
    for n, r in enumerate(diff.regions):
        rows.append((r.decision, f"{r.old} -> {r.new} ({r.when[:60]}{'...' if len(r.when) > 60 else ''})",
                     str(counts["regions"][n])))
    rows.append(("", f"patients: {counts['total']}, evaluated: {counts['evaluated']}, "
                     f"bad rows: {counts['bad_rows']}, changed: {counts['changed']}", ""))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, width)).rstrip() for row in rows)


def _facts(facts: dict) -> str:
    import json

    return json.dumps(facts, ensure_ascii=False)


def to_sarif(diff: Diff, old_file: str, new_file: str) -> dict:
    results = []
    for r in diff.regions:
        results.append({
            "ruleId": {"changed": "decision-changed", "status": "status-changed",
                       "completions": "completions-changed"}[r.kind],
            "level": "warning",
            "message": {"text": f"{r.decision}: {r.when}: {r.old} -> {r.new}; witness {_facts(r.witness)}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": new_file}}}],
            "properties": {"decision": r.decision, "old": r.old, "new": r.new, "witness": r.witness},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "clinrules diff", "rules": [
                {"id": "decision-changed", "shortDescription": {"text": "patients in this region get another result"}},
                {"id": "status-changed", "shortDescription": {"text": "patients missing one input change status"}},
                {"id": "completions-changed", "shortDescription": {"text": "results differ on completions of patients missing inputs"}},
            ]}},
            "results": results,
        }],
    }

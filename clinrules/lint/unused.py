"""CR006-CR009: declarations nothing uses. Each is harmless to patients
today, but usually a sign of a rule that was meant to be written."""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.lint.findings import Finding, make


def unused(an: Analysis) -> list[Finding]:
    doc = an.doc
    inputs: set[str] = set()
    refs: set[str] = set()
    for _, nodes in an.condition_nodes:
        for node in nodes:
            if node.get("input"):
                inputs.add(node["input"])
            if node.get("op") == "ref":
                refs.add(node["definition"])
            if node.get("score"):
                refs.add(node["score"])
    out: list[Finding] = []
    for spec in doc.get("inputs", []):
        if spec["key"] not in inputs:
            out.append(make("unused-input", f"input `{spec['name']}` is declared but no condition reads it",
                            doc, spec.get("at"), subjects=[spec]))
    for definition in doc.get("definitions", []):
        if definition["key"] not in refs:
            out.append(make("unused-definition",
                            f"definition `{definition['name']}` is declared but no rule, scope or "
                            "other definition uses it", doc, definition.get("at"), subjects=[definition]))
    chosen = {(a["decision"], a["option"]) for r in doc.get("rules", []) for a in r.get("actions", [])}
    for decision in doc.get("decisions", []):
        for option in decision.get("options", []):
            if (decision["key"], option["key"]) not in chosen:
                out.append(make("unused-option",
                                f"option `{option['name']}` of `{decision['name']}` is never chosen "
                                "by any rule", doc, option.get("at") or decision.get("at"),
                                subjects=[decision]))
    cited = {n for r in doc.get("rules", []) for n in ((r.get("because") or {}).get("citations") or [])}
    for source in doc.get("sources", []):
        if source["number"] not in cited:
            out.append(make("unused-source", f"source {source['number']} is never cited by any rule",
                            doc, source.get("at"), subjects=[source]))
    return out

"""CR010-CR013: how rules are written. A reviewer must see why a rule
exists, read its logic without guessing precedence, and refer to it."""

from __future__ import annotations

import difflib

from clinrules.lint.analysis import Analysis
from clinrules.lint.findings import Finding, make
from clinrules.lint.registry import CODES, lookup

_INFIX = {("and", "and"), ("or", "or")}


def missing_rationale(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.doc.get("rules", []):
        because = rule.get("because")
        if not because:
            message = f"rule `{rule['name']}` has no `BECAUSE`: say why, and cite a source"
        elif not because.get("citations"):
            message = f"rule `{rule['name']}` gives a reason but cites no source (add `[N]`)"
        else:
            continue
        out.append(make("missing-rationale", message, an.doc, rule.get("at"),
                        rules=[rule["name"]], subjects=[rule]))
    return out


def mixed_and_or(an: Analysis) -> list[Finding]:
    """An infix AND directly under an infix OR (or the reverse) without
    parentheses: `A AND B OR C` reads as `(A AND B) OR C`, which editors
    often did not mean."""
    out = []
    for owner, nodes in an.condition_nodes:
        for node in nodes:
            form = node.get("form")
            if (form != "and" and form != "or") or node.get("op") != form:
                continue  # not an infix AND / OR (`_INFIX`)
            for arg in node.get("args", []):
                if (arg.get("op"), arg.get("form")) in _INFIX and arg["op"] != node["op"] \
                        and not arg.get("grouped"):
                    message = (f"`{node.get('text', '')}` mixes AND and OR without parentheses; "
                               f"it reads as `{_grouped(node)}`: add parentheses to say so")
                    rules = [owner["name"]] if owner is not None and "otherwise" in owner else []
                    out.append(make("mixed-and-or", message, an.doc, node.get("at"), rules=rules,
                                    subjects=[owner] if owner is not None else []))
                    break
    return out


def _grouped(node: dict) -> str:
    parts = []
    for arg in node.get("args", []):
        text = arg.get("text", "")
        if (arg.get("op"), arg.get("form")) in _INFIX and arg["op"] != node["op"] and not arg.get("grouped"):
            text = f"({text})"
        parts.append(text)
    return f" {node['op'].upper()} ".join(parts)


def unnamed(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.doc.get("rules", []):
        if rule.get("named", True):
            continue
        out.append(make("unnamed-rule",
                        f"`{rule['name']}` has no name; name it so reviews, traces and fixtures can "
                        f"refer to it, e.g. `rule {_suggest(an.doc, rule)}:`",
                        an.doc, rule.get("at"), rules=[rule["name"]], subjects=[rule],
                        suggestion=_suggest(an.doc, rule)))
    return out


def _suggest(doc: dict, rule: dict) -> str:
    """A quoted name built from what the rule does and when."""
    names = {(d["key"], o["key"]): o["name"] for d in doc.get("decisions", []) for o in d["options"]}
    options = [names.get((a["decision"], a["option"]), a["option"]) for a in rule.get("actions", [])]
    text = " ".join((rule.get("condition") or {}).get("text", "").replace('"', "").split())
    words = f"{' and '.join(options)} when {text}".split()
    while len(" ".join(words)) > 60 and len(words) > 3:
        words.pop()
    return '"' + " ".join(words) + '"'


def _suppressible(doc: dict) -> list[dict]:
    """The IR objects that carry `# lint: allow` suppressions."""
    return (list(doc.get("inputs", [])) + list(doc.get("definitions", []))
            + list(doc.get("decisions", [])) + list(doc.get("rules", [])))


def suppression_without_reason(an: Analysis) -> list[Finding]:
    out = []
    for obj in _suppressible(an.doc):
        for sup in obj.get("suppressions", []) or []:
            if (sup.get("reason") or "").strip():
                continue
            codes = ", ".join(sup.get("codes", []))
            out.append(make("suppression-without-reason",
                            f"`# lint: allow {codes}` on `{obj['name']}` gives no reason, so it "
                            f"suppresses nothing; write `# lint: allow {codes} -- why it is safe`",
                            an.doc, sup.get("at") or obj.get("at"), subjects=[]))
    return out


def unknown_lint_code(an: Analysis) -> list[Finding]:
    """A suppression naming a code that does not exist allows nothing: most
    often a typo (`gpa`) that leaves the finding the editor meant to allow
    in place, or worse, a reviewer believing it was allowed."""
    out = []
    for obj in _suppressible(an.doc):
        for sup in obj.get("suppressions", []) or []:
            for text in sup.get("codes", []):
                if lookup(text) is not None:
                    continue
                message = f"`# lint: allow {text}` on `{obj['name']}` names no lint code, so it allows nothing"
                guess = _closest(text)
                if guess is not None:
                    message += f"; did you mean `{guess.name}` ({guess.code})?"
                else:
                    message += "; `clinrules lint --explain CODE` lists the codes"
                out.append(make("unknown-lint-code", message, an.doc, sup.get("at") or obj.get("at"),
                                subjects=[], suggestion=guess.name if guess else None))
    return out


def _closest(text: str):
    words = {c.name: c for c in CODES}
    words.update({c.code.casefold(): c for c in CODES})
    match = difflib.get_close_matches(text.strip().casefold(), list(words), n=1, cutoff=0.6)
    return words[match[0]] if match else None

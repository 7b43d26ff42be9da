"""The check that goes with every compile speed-up: same documents, same errors.

Run it once on the code before a change and once after, then compare:

    PYTHONPATH=OLD_TREE python benchmarks/compile_identity.py /tmp/before.txt
    python benchmarks/compile_identity.py /tmp/after.txt
    cmp /tmp/before.txt /tmp/after.txt

(`--smoke`: the shipped rulesets and a few mutants of each, as the test
suite runs it; `--full`: whole outcomes instead of their SHA-256 digests.)

For every text below it writes the outcome of `compile_source` (the
compiled JSON, `json.dumps(sort_keys=True)`, or every RulesError diagnostic
with its code, message, location, hint and source line) and the syntax tree
`dsl.parse` builds (its repr, locations included), or its errors. The texts:
every `.rules` file of the repository, every ruleset written inside the
tests and the docs (Python strings and Markdown blocks starting with
`ruleset "`), generated rulesets and tables of several sizes, and broken
texts made from them by seeded mutations (a token deleted or doubled, a
name misspelled, a unit or an operator swapped, a number garbled).
"""

from __future__ import annotations

import ast as pyast
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import compile as gen_compile  # noqa: E402  (benchmarks/compile.py)
import table as gen_table  # noqa: E402

from clinrules import dsl  # noqa: E402
from clinrules.compiler import compile_source  # noqa: E402
from clinrules.errors import RulesError  # noqa: E402

_SKIP = {".venv", ".git", "node_modules"}
_TOKEN = re.compile(r'"[^"\n]*"|[\w/%\[\]*^.µμ°-]+|[<>=!≥≤≠]+|[()\[\],:]|\S')
_UNITS = ["weeks", "days", "mg/L", "mg/dL", "mmol/L", "mm/h", "kg", "/min", "umol/L", "%", "years",
          "g/L", "mmHg", "furlongs", "e4", "mg", "h", "K", "°C"]
_OPS = [">", ">=", "<", "<=", "=", "==", "!=", "≥", "is at least", "is more than", "between 1 and"]


def _files() -> list[tuple[str, str]]:
    out = []
    for path in sorted(ROOT.rglob("*.rules")):
        if _SKIP.isdisjoint(path.relative_to(ROOT).parts):
            out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8", errors="replace")))
    return out


def _snippets() -> list[tuple[str, str]]:
    """Rulesets written inside Python tests and Markdown docs."""
    out = []
    for path in sorted([*ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/**/*.md"), *ROOT.glob("*.md"),
                        *ROOT.glob("clinrules/**/*.md")]):
        if not _SKIP.isdisjoint(path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = []
        if path.suffix == ".py":
            try:
                tree = pyast.parse(text)
            except SyntaxError:
                continue
            for node in pyast.walk(tree):
                if isinstance(node, pyast.Constant) and isinstance(node.value, str) and "ruleset" in node.value:
                    found.append(node.value)
        else:
            for block in re.findall(r"```[^\n]*\n(.*?)```", text, re.S):
                if 'ruleset "' in block:
                    found.append(block)
        rel = str(path.relative_to(ROOT))
        out.extend((f"{rel}#{i}", s) for i, s in enumerate(found))
    return out


def _generated() -> list[tuple[str, str]]:
    out = [(f"compile.generate({n})", gen_compile.generate(n)) for n in (0, 1, 7, 100, 1000, 10000)]
    out += [(f"table.generate({n})", gen_table.generate(n)) for n in (12, 50, 400, 1490)]
    return out


def _mutants(name: str, text: str, count: int, rng: random.Random) -> list[tuple[str, str]]:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    names = sorted({m.group() for m in re.finditer(r"[A-Za-z][A-Za-z ]{2,}[A-Za-z]", text)})
    out = []
    for i in range(count):
        kind = rng.randrange(7)
        a, b = spans[rng.randrange(len(spans))]
        tok = text[a:b]
        if kind == 0:  # delete a token
            new = text[:a] + text[b:]
        elif kind == 1:  # double a token
            new = text[:b] + " " + tok + text[b:]
        elif kind == 2 and names:  # misspell a name everywhere after one place
            word = rng.choice(names)
            j = rng.randrange(len(word))
            new = text.replace(word, word[:j] + word[j + 1:] if rng.random() < 0.5 else word[:j] + "x" + word[j:], 1)
        elif kind == 3:  # swap a unit
            new = text[:a] + rng.choice(_UNITS) + text[b:]
        elif kind == 4:  # swap an operator
            new = text[:a] + rng.choice(_OPS) + text[b:]
        elif kind == 5:  # garble a number
            digits = [m.span() for m in re.finditer(r"\d+(?:\.\d+)?", text)]
            if not digits:
                continue
            a, b = rng.choice(digits)
            new = text[:a] + rng.choice(["1e4", "-3", "0.0000", "12345678901234567890123456789012345678901234",
                                         "7.", ".5", "2x", "1,5"]) + text[b:]
        else:  # change a token's case or swap two neighbours
            k = rng.randrange(len(spans) - 1) if len(spans) > 1 else 0
            (a, b), (c, d) = spans[k], spans[min(k + 1, len(spans) - 1)]
            new = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:] if c > b else text[:a] + tok.upper() + text[b:]
        out.append((f"{name}~{i}", new))
    return out


def _outcome(text: str, path: str) -> str:
    try:
        doc = compile_source(text, path)
        compiled = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    except RulesError as exc:
        compiled = "ERR " + json.dumps([_diag(d) for d in exc.diagnostics], ensure_ascii=False)
    try:
        tree = repr(dsl.parse(text, path))
    except RulesError as exc:
        tree = "ERR " + json.dumps([_diag(d) for d in exc.diagnostics], ensure_ascii=False)
    return compiled + "\n" + tree


def _diag(d) -> list:
    loc = d.location
    where = None if loc is None else [loc.line, loc.column, loc.end_line, loc.end_column]
    return [d.code, d.message, d.file, where, d.hint, d.source_line, d.severity]


def cases(smoke: bool = False) -> list[tuple[str, str]]:
    """Every text, or with `smoke` the shipped and conformance rulesets and 3 mutants of each
    (the test suite's check that the script runs)."""
    shipped = ("rulesets/", "tests/conformance/")
    base = [(n, t) for n, t in _files() if n.startswith(shipped)] if smoke else _files() + _snippets() + _generated()
    out = list(base)
    for name, text in base:
        if len(text) < 200_000 and text.strip():  # each text's own seed: new texts move no other
            count = 3 if smoke else 40 if len(text) < 20_000 else 8
            out += _mutants(name, text, count, random.Random(name))
    return out


def main() -> None:
    out_path = sys.argv[1]
    full = "--full" in sys.argv  # whole outcomes instead of their digests (to see a difference)
    n_err = 0
    with open(out_path, "w", encoding="utf-8") as fh:
        all_cases = cases(smoke="--smoke" in sys.argv)
        for name, text in all_cases:
            outcome = _outcome(text, "x.rules")
            n_err += outcome.startswith("ERR")
            shown = outcome if full else hashlib.sha256(outcome.encode()).hexdigest()
            fh.write(f"{name}\t{shown}\n")
    import clinrules

    print(f"{len(all_cases)} texts, {n_err} compile errors, clinrules from {Path(clinrules.__file__).parent}",
          file=sys.stderr)


if __name__ == "__main__":
    main()

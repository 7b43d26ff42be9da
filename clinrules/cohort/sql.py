"""A ruleset compiled to one SQL query over a table of patients.

SQL's own NULL logic is Kleene logic, and the contract decides over
completions (`ESR > 20 OR ESR <= 20` is yes for a patient without ESR), so
decisions are not compiled from the rule conditions. They are compiled from
the runtime's partition of the whole space of completions
(`cohort.cells`): per cell a *compatible* predicate (each input NULL or in
the cell's region; for `is known/missing`, the column's NULL-ness as the
cell wants it), per result "possible" = some cell of it compatible,
decided = exactly one result possible, and an input is needed when two
compatible cells of different results are apart on that input alone.

Fired rules follow the runtime, which fires a rule when its condition is
Kleene-yes: those are compiled from the condition trees, where SQL's
three-valued AND/OR/NOT are exactly Kleene's (`at least` and scores get
explicit CASEs).

Numbers: every numeric column is read as DECIMAL(38, 9) (a value with more
decimals, or out of the input's range, or unparseable, is a bad row: counted
per input, never evaluated). Thresholds are converted to the *column's*
unit at generation time with Fractions; one that has no exact 9-decimal
form in that unit is compared through the decimals next to it (`v < 10/7`
is `v <= 1.428571428` for a 9-decimal v), so no rounding happens at any
threshold.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from itertools import combinations
from typing import NamedTuple

from clinrules.cohort.cells import CONFLICT, NOT_APPLICABLE, NOTHING, DecisionCells, decision_cells
from clinrules.cohort.mapping import Column
from clinrules.errors import RulesError
from clinrules.runtime.completions import Cell
from clinrules.space.conditions import Conditions
from clinrules.space.partition import widen
from clinrules.space.regions import PRESENCE

SCALE = 9
DECIMAL = f"DECIMAL(38,{SCALE})"
NUMBER_TEXT = r"^[+-]?([0-9]+([.][0-9]{0,9})?|[.][0-9]{1,9})$"
MAX_SCORE_ITEMS = 10
YES_WORDS = ("true", "yes", "y", "t", "1")
NO_WORDS = ("false", "no", "n", "f", "0")


class Dialect(NamedTuple):
    name: str
    quote: str
    text_type: str

    def ident(self, name: str) -> str:
        return self.quote + name.replace(self.quote, self.quote * 2) + self.quote

    def matches(self, expr: str, pattern: str) -> str:
        if self.name == "spark":
            return f"({expr} RLIKE {lit(pattern)})"
        return f"regexp_full_match({expr}, {lit(pattern)})"


DUCKDB = Dialect("duckdb", '"', "VARCHAR")
SPARK = Dialect("spark", "`", "STRING")
DIALECTS = {"duckdb": DUCKDB, "spark": SPARK}


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def slug(name: str) -> str:
    """An output column stem from a decision name: `laboratory_evaluation`."""
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower() or "decision"


def _decimal(value: Fraction) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, frac = divmod(value.numerator * 10**SCALE, value.denominator)
    assert frac == 0
    digits = str(whole).rjust(SCALE + 1, "0")
    return f"CAST({lit(sign + digits[:-SCALE] + '.' + digits[-SCALE:])} AS {DECIMAL})"


def compare(v: str, op: str, t: Fraction) -> str:
    """`v op t` for a 9-decimal v, exactly, NULL when v is NULL."""
    scaled = t * 10**SCALE
    if scaled.denominator == 1:
        sql_op = {"=": "=", "!=": "<>"}.get(op, op)
        return f"({v} {sql_op} {_decimal(t)})"
    below = Fraction(math.floor(scaled), 10**SCALE)
    above = below + Fraction(1, 10**SCALE)
    if op in ("<", "<="):
        return f"({v} <= {_decimal(below)})"
    if op in (">", ">="):
        return f"({v} >= {_decimal(above)})"
    if op == "=":
        return f"({v} < {v})"  # never equal; NULL stays NULL
    return f"({v} = {v})"


class Query(NamedTuple):
    sql: str
    outputs: list  # (decision name, stem)
    columns: list  # Column
    bad_columns: list  # (input name, internal flag column)


class Generator:
    def __init__(self, ruleset, cols: list[Column], types: dict[str, str], dialect: Dialect):
        self.rs = ruleset
        self.doc = ruleset.doc
        self.cols = {c.index: c for c in cols}
        self.types = types
        self.d = dialect
        self.dims = ruleset.completions.dims
        self.cells = [self._wide(dc) for dc in decision_cells(ruleset)]
        self.defs = {d["key"]: d for d in self.doc.get("definitions") or ()}
        self.input_index = {i["key"]: n for n, i in enumerate(self.doc.get("inputs", []))}

    WIDEN_UP_TO = 300  # cells; beyond, widening costs more at generation than it saves

    def _wide(self, dc: DecisionCells) -> DecisionCells:
        """The same partition as fewer, wider boxes per result (`widen`):
        boxes of one result may then overlap, which changes neither
        "possible" (a union) nor "needed" (boxes of *different* results
        stay disjoint, and two of them apart on one input alone still mean
        a line along that input crossing both), and the query gets cheaper."""
        if len(dc.cells) > self.WIDEN_UP_TO:
            return dc
        by_result: dict = {}  # a conflict's result is also which options are in conflict
        for (box, outcome), conflicting in zip(dc.cells, dc.conflicting):
            by_result.setdefault((outcome, conflicting), []).append(box)
        wide = [(Cell(box, outcome), conflicting) for (outcome, conflicting), boxes in by_result.items()
                for box in widen(boxes, self.dims)]
        return dc._replace(cells=tuple(c for c, _ in wide), conflicting=tuple(o for _, o in wide))

    # --- reading the columns --------------------------------------------------

    def v(self, index: int) -> str:
        return f"cr_v{index}"

    def _read(self, col: Column) -> tuple[str, str]:
        """(value expression, bad-value expression) of one column."""
        src = self.d.ident(col.name)
        kind = self.types.get(col.name, "text")
        spec = col.input
        text = f"NULLIF(TRIM(CAST({src} AS {self.d.text_type})), '')"
        if spec["type"] == "yes/no":
            if kind == "boolean":
                return src, "FALSE"
            low = f"LOWER({text})"
            value = (f"(CASE WHEN {low} IN ({', '.join(lit(w) for w in YES_WORDS)}) THEN TRUE "
                     f"WHEN {low} IN ({', '.join(lit(w) for w in NO_WORDS)}) THEN FALSE END)")
            return value, f"({text} IS NOT NULL AND {value} IS NULL)"
        if spec["type"] == "one of":
            low = f"LOWER({text})"
            whens = " ".join(f"WHEN {lit(' '.join(o.split()).casefold())} THEN {j}"
                             for j, o in enumerate(spec["options"]))
            value = f"(CASE REGEXP_REPLACE({low}, '\\\\s+', ' ') {whens} END)" if self.d.name == "spark" else \
                f"(CASE REGEXP_REPLACE({low}, '\\s+', ' ', 'g') {whens} END)"
            return value, f"({text} IS NOT NULL AND {value} IS NULL)"
        if kind == "integer":
            value = f"CAST({src} AS {DECIMAL})"
            parsed_bad = "FALSE"
        else:
            value = f"(CASE WHEN {self.d.matches(text, NUMBER_TEXT)} THEN CAST({text} AS {DECIMAL}) END)"
            parsed_bad = f"({text} IS NOT NULL AND NOT {self.d.matches(text, NUMBER_TEXT)})"
        rng = spec.get("range") or {}
        out = []
        if rng.get("min") is not None:
            out.append(compare(value, "<", col.to_column(Fraction(str(rng["min"])))))
        if rng.get("max") is not None:
            out.append(compare(value, ">", col.to_column(Fraction(str(rng["max"])))))
        outside = f"COALESCE({' OR '.join(out)}, FALSE)" if out else "FALSE"
        return value, f"({parsed_bad} OR {outside})"

    # --- regions and cells ----------------------------------------------------------

    def _mask(self, d: int, mask: int) -> str:
        dim = self.dims[d]
        if dim.type == PRESENCE:
            v = self.v(self.input_index[dim.key])
            return f"({v} IS NOT NULL)" if mask == 1 else f"({v} IS NULL)" if mask == 2 else "TRUE"
        if mask & dim.full == dim.full:
            return "TRUE"
        v = self.v(dim.index)
        if dim.type == "yes/no":
            return f"({v} IS NULL OR {v} = {'TRUE' if mask == 1 else 'FALSE'})"
        if dim.type == "one of":
            return f"({v} IS NULL OR {v} IN ({', '.join(str(j) for j in dim.value_bits(mask))}))"
        col = self.cols[dim.index]
        parts = []
        bits = list(dim.value_bits(mask))
        runs: list[list[int]] = []
        for i in bits:
            if runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for first, last in runs:
            lo, hi = dim.values[first], dim.values[last]
            bounds = []
            if first > 0 and lo.lo is not None:
                bounds.append(compare(v, ">=" if lo.point else ">", col.to_column(lo.lo)))
            if last < len(dim.values) - 1 and hi.hi is not None:
                bounds.append(compare(v, "<=" if hi.point else "<", col.to_column(hi.hi)))
            parts.append("(" + " AND ".join(bounds) + ")" if bounds else "TRUE")
        return f"({v} IS NULL OR {' OR '.join(parts)})"

    def box(self, box: dict) -> str:
        parts = [self._mask(d, m) for d, m in sorted(box.items())]
        parts = [p for p in parts if p != "TRUE"]
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"

    # --- Kleene conditions (fired rules) ------------------------------------------------

    def kleene(self, node: dict) -> str:
        op = node["op"]
        if op == "input":
            return self.v(self.input_index[node["input"]])
        if op == "ref":
            return self.kleene(self.defs[node["definition"]]["condition"])
        if op == "not":
            return f"(NOT {self.kleene(node['arg'])})"
        if op in ("and", "or"):
            parts = [self.kleene(a) for a in node["args"]]
            return "(" + f" {op.upper()} ".join(parts) + ")"
        if op == "at least":
            parts = [self.kleene(a) for a in node["args"]]
            k = int(node["k"])
            yes = " + ".join(f"CAST(COALESCE({p}, FALSE) AS INT)" for p in parts)
            maybe = " + ".join(f"CAST(COALESCE({p}, TRUE) AS INT)" for p in parts)
            return f"(CASE WHEN {yes} >= {k} THEN TRUE WHEN {maybe} < {k} THEN FALSE END)"
        if op == "known":
            v = self.v(self.input_index[node["input"]])
            return f"({v} IS NOT NULL)" if node["known"] else f"({v} IS NULL)"
        if op == "in":
            spec = self.doc["inputs"][self.input_index[node["input"]]]
            keys = [" ".join(o.split()).casefold() for o in spec["options"]]
            chosen = [str(keys.index(" ".join(o.split()).casefold())) for o in node["options"]]
            word = "NOT IN" if node.get("negated") else "IN"
            return f"({self.v(self.input_index[node['input']])} {word} ({', '.join(chosen)}))"
        if op in ("compare", "between"):
            if "input" in node:
                i = self.input_index[node["input"]]
                col, v = self.cols[i], self.v(i)
                if op == "compare":
                    return compare(v, node["cmp"], col.to_column(Fraction(str(node["value"]))))
                low = compare(v, ">=", col.to_column(Fraction(str(node["low"]))))
                high = compare(v, "<=", col.to_column(Fraction(str(node["high"]))))
                return f"({low} AND {high})"
            return self._score(node)
        raise RulesError.single("unsupported-condition", f"condition operator `{op}` has no SQL form")

    def _score(self, node: dict) -> str:
        items = self.defs[node["score"]]["items"]
        if len(items) > MAX_SCORE_ITEMS:
            raise RulesError.single("unsupported-condition", f"score `{node['score']}` has {len(items)} items; "
                                    f"the SQL backend expands scores of at most {MAX_SCORE_ITEMS}")
        conds = [self.kleene(item["condition"]) for item in items]
        points = [Fraction(str(item["points"])) for item in items]
        if node["op"] == "compare":
            t, cmp = Fraction(str(node["value"])), node["cmp"]
            test = {"<": lambda s: s < t, "<=": lambda s: s <= t, ">": lambda s: s > t, ">=": lambda s: s >= t,
                    "=": lambda s: s == t, "!=": lambda s: s != t}[cmp]
        else:
            lo, hi = Fraction(str(node["low"])), Fraction(str(node["high"]))
            test = lambda s: lo <= s <= hi  # noqa: E731
        sat, unsat = [], []
        n = len(items)
        for size in range(n + 1):
            for chosen in combinations(range(n), size):
                inside = set(chosen)
                terms = [f"COALESCE({conds[i]}, TRUE)" if i in inside else f"(NOT COALESCE({conds[i]}, FALSE))"
                         for i in range(n)]
                term = "(" + " AND ".join(terms) + ")" if terms else "TRUE"
                (sat if test(sum((points[i] for i in chosen), Fraction(0))) else unsat).append(term)
        any_sat = " OR ".join(sat) or "FALSE"
        any_unsat = " OR ".join(unsat) or "FALSE"
        return f"(CASE WHEN NOT ({any_unsat}) THEN TRUE WHEN NOT ({any_sat}) THEN FALSE END)"

    # --- the query -------------------------------------------------------------------

    def query(self, source: str, passthrough: list[str]) -> Query:
        d = self.d
        reads, bads, bad_columns = [], [], []
        for i, spec in enumerate(self.doc.get("inputs", [])):
            value, bad = self._read(self.cols[i])
            reads.append(f"{value} AS {self.v(i)}")
            bads.append(f"{bad} AS cr_b{i}")
            bad_columns.append((spec["name"], f"cr_b{i}"))
        keep = ", ".join(d.ident(c) for c in passthrough)
        stage1 = f"SELECT {keep}, {', '.join(reads + bads)} FROM {source}"
        # per decision: cell compatibility, then possible results
        cell_cols, scope_cols = [], []
        conds = Conditions(self.doc, self.dims)
        scope = self.doc.get("scope")
        if scope is not None:
            yes = " OR ".join(self.box(b) for b in conds.yes(scope)) or "FALSE"
            no = " OR ".join(self.box(b) for b in conds.no(scope)) or "FALSE"
            scope_cols = [f"({yes}) AS cr_sy", f"({no}) AS cr_sn"]
        else:
            scope_cols = ["TRUE AS cr_sy", "FALSE AS cr_sn"]
        for dc in self.cells:
            for j, (box, _) in enumerate(dc.cells):
                cell_cols.append(f"{self.box(box)} AS cr_c{dc.index}_{j}")
        rule_cols = []
        for rule in self.doc.get("rules", []):
            if rule.get("condition") is not None:
                rule_cols.append(f"COALESCE({self.kleene(rule['condition'])}, FALSE) AS cr_r{rule['index']}")
        stage2 = f"SELECT *, {', '.join(cell_cols + scope_cols + rule_cols)} FROM s1"
        possible_cols = []
        for dc in self.cells:
            for k, outcome in enumerate(self._outcomes(dc)):
                cells = [f"cr_c{dc.index}_{j}" for j, (_, o) in enumerate(dc.cells) if o == outcome]
                possible_cols.append(f"({' OR '.join(cells)}) AS cr_p{dc.index}_{k}")
            count = " + ".join(f"CAST(cr_p{dc.index}_{k} AS INT)" for k in range(len(self._outcomes(dc))))
            possible_cols.append(f"({count}) AS cr_n{dc.index}")
        stage3 = f"SELECT *, {', '.join(possible_cols)} FROM s2"
        outs, outputs = [], []
        bad_any = " OR ".join(f"cr_b{i}" for i in range(len(bads))) or "FALSE"
        bad_names = ", ".join(f"CASE WHEN cr_b{i} THEN {lit(spec['name'])} END"
                              for i, spec in enumerate(self.doc.get("inputs", [])))
        outs.append(f"concat_ws('; ', {bad_names}) AS {d.ident('bad_inputs')}" if bads else
                    f"'' AS {d.ident('bad_inputs')}")
        for dc in self.cells:
            stem = slug(dc.name)
            outputs.append((dc.name, stem))
            outs += self._decision_columns(dc, stem, bad_any)
        sql = (f"WITH s1 AS ({stage1}), s2 AS ({stage2}), s3 AS ({stage3}) "
               f"SELECT {keep}, {', '.join(outs)} FROM s3")
        return Query(sql, outputs, list(self.cols.values()), bad_columns)

    @staticmethod
    def _outcomes(dc: DecisionCells) -> list:
        seen = []
        for _, outcome in dc.cells:
            if outcome not in seen:
                seen.append(outcome)
        return seen

    def _label(self, dc: DecisionCells, outcome) -> tuple[str, str]:
        if outcome == NOT_APPLICABLE:
            return "not applicable", "NULL"
        if isinstance(outcome, frozenset):
            return "decided", lit("; ".join(dc.options[j] for j in sorted(outcome)))
        if outcome == CONFLICT:
            return "conflict", "NULL"
        if outcome == NOTHING:
            return "undecided", "NULL"
        return "decided", lit(dc.options[outcome])

    def _facing(self, dc: DecisionCells) -> dict[int, list]:
        """Per input, the pairs of cells of different results that are
        apart on that input alone (computed once per decision)."""
        out: dict[int, list] = {}
        full = [d.full for d in self.dims]
        cells = dc.cells
        for a in range(len(cells)):
            box_a, ra = cells[a]
            for b in range(a + 1, len(cells)):
                box_b, rb = cells[b]
                if ra == rb:
                    continue
                apart = -1
                for k in box_a.keys() | box_b.keys():
                    if not box_a.get(k, full[k]) & box_b.get(k, full[k]):
                        if apart != -1:
                            apart = -2
                            break
                        apart = k
                if apart >= 0:
                    out.setdefault(apart, []).append((a, b))
        return out

    def _decision_columns(self, dc: DecisionCells, stem: str, bad_any: str) -> list[str]:
        d, i = self.d, dc.index
        outcomes = self._outcomes(dc)
        status_whens, value_whens = [], []
        for k, outcome in enumerate(outcomes):
            status, value = self._label(dc, outcome)
            status_whens.append(f"WHEN cr_p{i}_{k} THEN {lit(status)}")
            value_whens.append(f"WHEN cr_p{i}_{k} THEN {value}")
        status = (f"CASE WHEN {bad_any} THEN 'not evaluated' WHEN cr_n{i} = 1 THEN CASE {' '.join(status_whens)} END "
                  f"ELSE 'undecided' END")
        value = f"CASE WHEN {bad_any} THEN NULL WHEN cr_n{i} = 1 THEN CASE {' '.join(value_whens)} END END"
        needs = []
        facing = self._facing(dc)
        for dim in self.dims:
            if dim.type == PRESENCE:
                continue
            pairs = [f"(cr_c{i}_{a} AND cr_c{i}_{b})" for a, b in facing.get(dim.index, ())]
            if pairs:
                needs.append(f"CASE WHEN {self.v(dim.index)} IS NULL AND ({' OR '.join(pairs)}) "
                             f"THEN {lit(dim.name)} END")
        needs_sql = (f"CASE WHEN {bad_any} THEN NULL WHEN cr_n{i} > 1 THEN concat_ws('; ', {', '.join(needs)}) "
                     f"ELSE '' END") if needs else f"CASE WHEN {bad_any} THEN NULL ELSE '' END"
        # fired: Kleene-yes rules, unless the scope leaves the decision open; else the OTHERWISE rules
        blocked = f"({bad_any} OR NOT cr_sy OR (cr_sy AND cr_sn AND cr_n{i} > 1))"
        names = {r["index"]: r["name"] for r in self.doc.get("rules", [])}
        fired = [f"CASE WHEN cr_r{r} THEN {lit(names[r])} END" for r in dc.rules]
        any_fired = " OR ".join(f"cr_r{r}" for r in dc.rules) or "FALSE"
        if dc.has_fallback and dc.fallback in outcomes:
            k = outcomes.index(dc.fallback)
            others = "; ".join(names[r] for r in dc.otherwise)
            fired.append(f"CASE WHEN NOT ({any_fired}) AND cr_n{i} = 1 AND cr_p{i}_{k} THEN {lit(others)} END")
        fired_sql = (f"CASE WHEN {bad_any} THEN NULL WHEN {blocked} THEN '' ELSE concat_ws('; ', {', '.join(fired)}) END"
                     if fired else f"CASE WHEN {bad_any} THEN NULL ELSE '' END")
        return [f"{status} AS {d.ident(stem + '__status')}", f"{value} AS {d.ident(stem + '__value')}",
                f"{needs_sql} AS {d.ident(stem + '__needs')}", f"{fired_sql} AS {d.ident(stem + '__fired')}",
                f"{self._conflicting(dc, outcomes, bad_any)} AS {d.ident(stem + '__conflicting')}"]

    def _conflicting(self, dc: DecisionCells, outcomes: list, bad_any: str) -> str:
        """The options in conflict, when the result is a conflict (as the
        runtime's `conflicting`): those in conflict in every conflict cell
        compatible with the patient, in declaration order, joined by `; `."""
        if CONFLICT not in outcomes:
            return "CAST(NULL AS STRING)"
        i, k = dc.index, outcomes.index(CONFLICT)
        cells = [(j, opts) for j, opts in enumerate(dc.conflicting) if opts is not None]
        names = []
        for option in sorted(frozenset().union(*(opts for _, opts in cells))):
            lacking = [f"cr_c{i}_{j}" for j, opts in cells if option not in opts]
            name = lit(dc.options[option])
            names.append(f"CASE WHEN NOT ({' OR '.join(lacking)}) THEN {name} END" if lacking else name)
        return (f"CASE WHEN {bad_any} THEN NULL WHEN cr_n{i} = 1 AND cr_p{i}_{k} "
                f"THEN concat_ws('; ', {', '.join(names)}) END")


def build_query(ruleset, cols: list[Column], types: dict[str, str], dialect: str, source: str,
                passthrough: list[str]) -> Query:
    return Generator(ruleset, cols, types, DIALECTS[dialect]).query(source, passthrough)

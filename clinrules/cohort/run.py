"""Running a ruleset over a table of patients, and the summary of the run.

The summary counts rows, bad rows per input (a bad value is never
evaluated: its row's decisions are `not evaluated`), and per decision how
many patients got each status and value (for a conflict, each set of
options in conflict).
"""

from __future__ import annotations

from clinrules.cohort.engines import engine as make_engine
from clinrules.cohort.mapping import columns, read_mapping
from clinrules.cohort.sql import build_query


def prepare(ruleset, eng, data: str, mapping_path: str | None, table: str = "patients"):
    """The query for `data` (already loaded into `eng` by the caller or here)."""
    types = eng.load(data) if data is not None else {}
    cols = columns(ruleset.doc, read_mapping(mapping_path), list(types), mapping_path or data)
    return build_query(ruleset, cols, types, eng.name, table, list(types))


def summarize(eng, table: str, query) -> dict:
    bad = ", ".join(f"SUM(CASE WHEN bad_inputs LIKE '%{_like(name)}%' THEN 1 ELSE 0 END)"
                    for name, _ in query.bad_columns)
    row = eng.rows(f"SELECT COUNT(*) AS n, SUM(CASE WHEN bad_inputs <> '' THEN 1 ELSE 0 END) AS bad"
                   + (f", {bad}" if bad else "") + f" FROM {table}")[0]
    values = list(row.values())
    total, bad_rows = int(values[0] or 0), int(values[1] or 0)
    per_input = {name: int(v or 0) for (name, _), v in zip(query.bad_columns, values[2:]) if v}
    decisions = {}
    for name, stem in query.outputs:
        got = eng.rows(f"SELECT {stem}__status AS s, {stem}__value AS v, {stem}__conflicting AS c, COUNT(*) AS n "
                       f"FROM {table} GROUP BY {stem}__status, {stem}__value, {stem}__conflicting "
                       f"ORDER BY {stem}__status, {stem}__value, {stem}__conflicting")
        decisions[name] = [{"status": r["s"], "value": r["v"], "patients": int(r["n"]),
                            **({"conflicting": r["c"]} if r["c"] else {})} for r in got]
    return {"patients": total, "bad_rows": bad_rows, "bad_values": per_input, "decisions": decisions}


def _like(name: str) -> str:
    return name.replace("'", "''").replace("%", "").replace("_", "")


def cohort(ruleset, data: str, mapping_path: str | None = None, out: str | None = None,
           engine: str = "duckdb") -> dict:
    eng = make_engine(engine)
    query = prepare(ruleset, eng, data, mapping_path)
    table = eng.materialize(query.sql)
    summary = summarize(eng, table, query)
    if out:
        eng.write(f"SELECT * FROM {table}", out)
    summary["engine"] = engine
    return summary

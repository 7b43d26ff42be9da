"""SQL results equal the runtime's, row for row (status, value, needs, fired, the
options in conflict).

Random rulesets (the runtime property test's generator: every condition
form, policy, OTHERWISE, scopes, scores) and random patients with unknowns,
one column in another unit than its input. DuckDB on many examples; Spark
local mode on a few (see test_spark.py).
"""


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.cohort.mapping import columns
from clinrules.cohort.sql import build_query
from clinrules.compiler import compile_source
from clinrules.runtime import load
from tests.runtime.test_property import rulesets

pytest.importorskip("duckdb")

COLUMNS = ["a", "b", "n", "q_weeks", "side"]
MAPPING = {"q": {"column": "q_weeks", "unit": "weeks"}}


@st.composite
def patient(draw):
    def maybe(values):
        return draw(st.one_of(st.none(), values))

    return {
        "a": maybe(st.sampled_from(["yes", "no"])),
        "b": maybe(st.sampled_from(["true", "false"])),
        "n": maybe(st.sampled_from(["0", "2", "2.5", "3", "3.5", "5", "6", "7", "10"])),
        "q_weeks": maybe(st.sampled_from(["0", "1", "1.5", "2", "0.5", "1.428571428", "1.428571429", "14.2"])),
        "side": maybe(st.sampled_from(["left", "Right", "both"])),
    }


def runtime_row(rs, row) -> dict:
    facts = {"a": {"yes": True, "no": False}.get(row["a"]), "b": {"true": True, "false": False}.get(row["b"]),
             "n": row["n"], "q": None if row["q_weeks"] is None else f"{row['q_weeks']} weeks",
             "side": None if row["side"] is None else row["side"].lower()}
    d = rs.evaluate(facts).decisions["d"]
    value = "; ".join(d.value) if isinstance(d.value, list) else d.value
    return {"status": d.status, "value": value, "needs": "; ".join(d.needs), "fired": "; ".join(d.fired),
            "conflicting": None if d.conflicting is None else "; ".join(d.conflicting)}


def sql_rows(eng, rs, rows):
    eng.table("patients", [dict(r, id=str(i)) for i, r in enumerate(rows)], ["id"] + COLUMNS)
    types = {c: "text" for c in ["id"] + COLUMNS}
    cols = columns(rs.doc, MAPPING, list(types), None)
    query = build_query(rs, cols, types, eng.name, "patients", ["id"])
    got = sorted(eng.rows(query.sql), key=lambda r: int(r["id"]))
    return [{"status": g["d__status"], "value": g["d__value"], "needs": g["d__needs"], "fired": g["d__fired"],
             "conflicting": g["d__conflicting"]} for g in got]


def check(eng, source, rows):
    rs = load(compile_source(source, "random.rules"))
    want = [runtime_row(rs, r) for r in rows]
    got = sql_rows(eng, rs, rows)
    for row, w, g in zip(rows, want, got):
        assert g == w, (source, row)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(rulesets(), st.lists(patient(), min_size=1, max_size=12))
def test_duckdb_matches_runtime(source, rows):
    from clinrules.cohort.engines import DuckDB

    check(DuckDB(), source, rows)


def test_bad_values_are_counted_not_evaluated():
    from clinrules.cohort.engines import DuckDB

    rs = load(compile_source('ruleset "t"\ninput n: number from 0 to 10\ninput a: yes/no\n'
                             'decision d: one of [x, y]\nrule r: IF n > 3 THEN x\nrule s: OTHERWISE y\n', "t.rules"))
    eng = DuckDB()
    rows = [{"n": "11", "a": "yes"}, {"n": "four", "a": "yes"}, {"n": "1.0000000001", "a": "maybe"},
            {"n": "4", "a": None}]
    eng.table("patients", rows, ["n", "a"])
    cols = columns(rs.doc, {}, ["n", "a"], None)
    query = build_query(rs, cols, {"n": "text", "a": "text"}, "duckdb", "patients", ["n"])
    got = eng.rows(query.sql)
    assert [g["bad_inputs"] for g in got] == ["n", "n", "n; a", ""]
    assert [g["d__status"] for g in got] == ["not evaluated"] * 3 + ["decided"]


def test_conflict_rows_name_the_options_in_conflict_in_every_completion():
    from clinrules.cohort.engines import DuckDB
    from tests.runtime.test_property import HEADER

    source = ('ruleset "conflicts"\n' + HEADER + "decision d: one of [x, y, z]\n"
              "rule r1: IF a THEN x\nrule r2: IF a AND n > 3 THEN y\nrule r3: IF a AND b THEN z\n"
              "rule r4: IF a AND n > 3 AND NOT b THEN z\n")

    def row(a, b, n):
        return {"a": a, "b": b, "n": n, "q_weeks": None, "side": None}

    rows = [row("yes", "true", "5"), row("yes", None, "5"), row("yes", None, None), row("yes", "false", "2"),
            row("yes", "true", None), row("no", None, None)]
    eng = DuckDB()
    rs = load(compile_source(source, "conflicts.rules"))
    got = sql_rows(eng, rs, rows)
    assert got == [runtime_row(rs, r) for r in rows]
    assert [(g["status"], g["conflicting"]) for g in got] == [
        ("conflict", "x; y; z"),  # every rule fires
        ("conflict", "x; y; z"),  # b either way: z by r3 or by r4
        ("undecided", None),  # n low and b no: x alone; else a conflict
        ("decided", None),
        ("conflict", "x; z"),  # y only when n > 3: in conflict in some completions, not in every one
        ("undecided", None),  # a is no: no rule fires
    ]

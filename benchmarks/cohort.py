"""Population evaluation speed: the ruleset compiled to SQL on DuckDB.

Run: `python benchmarks/cohort.py` (1,000,000 patients) or `--smoke`
(2,000 patients: a quick check that the benchmark works and that the SQL
agrees with the runtime on a sample).

Rulesets: the seed ruleset (rulesets/cervicogenic-upper-back-pain.rules)
and the generated decision table of the lint benchmark (DMN shape, about
1,500 rules over 5 numeric inputs). Patients are generated inside DuckDB
as typed columns (booleans, integers; about 10% of each input missing).
DuckDB runs on 2 threads. Beside it, the runtime's own path (validated
facts, `evaluate_validated` in a loop) on a sample. Target: at least
1,000,000 patients per second on the seed ruleset.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clinrules.cohort.engines import DuckDB  # noqa: E402
from clinrules.cohort.mapping import columns  # noqa: E402
from clinrules.cohort.sql import build_query  # noqa: E402
from clinrules.compiler import compile_file  # noqa: E402
from clinrules.runtime import load  # noqa: E402
from clinrules.runtime.ruleset import CompiledRuleset  # noqa: E402

BUDGET = 60  # seconds to build a ruleset's SQL before the run is reported as not measured
SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"


def _column(n: int, spec: dict) -> str:
    name = '"' + spec["name"] + '"'
    unknown = f"CASE WHEN random() < 0.1 THEN NULL ELSE {{}} END AS {name}"
    if spec["type"] == "yes/no":
        return unknown.format("random() < 0.2")
    if spec["type"] == "one of":
        return unknown.format(f"'{spec['options'][0]}'")
    rng = spec.get("range") or {}
    lo, hi = int(float(rng.get("min") or 0)), int(float(rng.get("max") or 100))
    return unknown.format(f"CAST({lo} + floor(random() * {hi - lo + 1}) AS BIGINT)")


def _too_long(signum, frame):
    raise TimeoutError


def bench(label: str, doc: dict, n: int) -> dict:
    # the lint benchmark's generated document is the analysis' minimal form, not schema-complete
    rs = load(doc) if doc.get("source_file") != "benchmark.rules" else CompiledRuleset(doc)
    eng = DuckDB(threads=2)
    eng.con.execute("SELECT setseed(0.42)")
    cols = ", ".join(_column(i, spec) for i, spec in enumerate(doc["inputs"]))
    eng.con.execute(f"CREATE TABLE patients AS SELECT range AS id, {cols} FROM range({n})")
    types = {row[0]: row[1] for row in eng.con.execute("DESCRIBE patients").fetchall()}
    kinds = {k: ("boolean" if v == "BOOLEAN" else "integer" if v == "BIGINT" else "text") for k, v in types.items()}
    start = time.perf_counter()
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(BUDGET)
    try:
        query = build_query(rs, columns(doc, {}, list(kinds), None), kinds, "duckdb", "patients", ["id"])
    except TimeoutError:
        return {"label": label, "rules": len(doc["rules"]), "patients": n, "failed":
                f"not measured: building the SQL (the whole-space partition) took over {BUDGET} s"}
    finally:
        signal.alarm(0)
    generate = time.perf_counter() - start
    start = time.perf_counter()
    eng.con.execute(f"CREATE TABLE results AS {query.sql}")
    elapsed = time.perf_counter() - start
    # the runtime on a sample, and agreement on it
    sample = eng.rows("SELECT * FROM patients ORDER BY id LIMIT 2000")
    got = {r["id"]: r for r in eng.rows("SELECT * FROM results ORDER BY id LIMIT 2000")}
    facts = [rs.validate_facts({s["name"]: row[s["name"]] for s in doc["inputs"]}) for row in sample]
    start = time.perf_counter()
    results = [rs.evaluate_validated(f) for f in facts]
    runtime = time.perf_counter() - start
    stem, name = query.outputs[0][1], query.outputs[0][0]
    mismatches = sum(1 for row, res in zip(sample, results)
                     if got[row["id"]][f"{stem}__status"] != res.decisions[name].status)
    return {"label": label, "rules": len(doc["rules"]), "patients": n, "sql_seconds": elapsed,
            "per_second": n / elapsed, "runtime_per_second": len(facts) / runtime,
            "generate_seconds": generate, "sql_kb": len(query.sql) // 1024, "mismatches": mismatches}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2,000 patients, seed ruleset only")
    args = parser.parse_args(argv)
    n = 2000 if args.smoke else 1_000_000
    runs = [("seed ruleset", compile_file(SEED))]
    if not args.smoke:
        from lint import generate

        # smaller tables of the same shape show how the SQL grows with the rules
        for size in (150, 400):
            runs.append((f"table {size}", generate(size, 5, 0, 0, 5, 7)[0]))
        runs.append(("table 1500", generate(1500, 5, 0, 0, 5, 7)[0]))
    print(f"{'ruleset':<16} {'rules':>6} {'patients':>9} {'SQL s':>7} {'SQL patients/s':>15} "
          f"{'runtime patients/s':>19} {'SQL KB':>7} {'mismatches':>10}")
    ok = True
    for label, doc in runs:
        r = bench(label, doc, n)
        if "failed" in r:
            print(f"{r['label']:<16} {r['rules']:>6} {r['patients']:>9}  {r['failed']}")
            continue
        print(f"{r['label']:<16} {r['rules']:>6} {r['patients']:>9} {r['sql_seconds']:>7.2f} "
              f"{r['per_second']:>15,.0f} {r['runtime_per_second']:>19,.0f} {r['sql_kb']:>7} {r['mismatches']:>10}")
        ok = ok and r["mismatches"] == 0
    if not args.smoke:
        print("target: >= 1,000,000 patients/s on the seed ruleset (2 DuckDB threads)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

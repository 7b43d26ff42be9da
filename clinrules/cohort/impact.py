"""How many of our patients a new version changes: the diff over a table.

Each region of the diff (`clinrules.diff`) is a box over the shared space;
compiled to SQL like a decision cell (`cohort.sql`), it counts the patients
in it. A changed region holds patients whose values place them there with
nothing missing that matters: the region's predicate is evaluated with
every input the region constrains known (a patient with an unknown input
there is counted under a status change or not at all). A status change
counts the patients missing exactly that input, the others known.
"""

from __future__ import annotations

from clinrules.cohort.engines import DuckDB
from clinrules.cohort.mapping import columns, read_mapping
from clinrules.cohort.sql import DUCKDB, Generator
from clinrules.errors import RulesError
from clinrules.runtime import load
from clinrules.space.regions import PRESENCE


def _region_sql(gen: Generator, region) -> str:
    box = region.box
    parts = [gen.box(box)]
    missing_index = None
    if region.missing is not None:
        missing_index = next(d.index for d in gen.dims if d.type != PRESENCE and d.name == region.missing)
        parts.append(f"cr_v{missing_index} IS NULL")
    for dim in gen.dims:
        if dim.type == PRESENCE:
            continue
        if region.kind == "status":
            if dim.index != missing_index:
                parts.append(f"cr_v{dim.index} IS NOT NULL")
        elif dim.index in box:
            parts.append(f"cr_v{dim.index} IS NOT NULL")
    return " AND ".join(p for p in parts if p != "TRUE")


def count_changes(diff, data: str, mapping_path: str | None, plot: str | None = None) -> dict:
    rs = load(diff.joint.old)
    eng = DuckDB()
    types = eng.load(data)
    cols = columns(rs.doc, read_mapping(mapping_path), list(types), mapping_path or data)
    gen = Generator(rs, cols, types, DUCKDB)
    gen.dims = diff.joint.dims
    reads, bads = [], []
    for i in range(len(rs.doc.get("inputs", []))):
        value, bad = gen._read(gen.cols[i])
        reads.append(f"{value} AS cr_v{i}")
        bads.append(bad)
    bad_any = " OR ".join(bads) or "FALSE"
    flags = [f"COALESCE({_region_sql(gen, r)}, FALSE) AS g{n}" for n, r in enumerate(diff.regions)]
    base = f"SELECT {', '.join(reads)}, ({bad_any}) AS bad FROM patients"
    sums = ", ".join([f"SUM(CASE WHEN NOT bad AND g{n} THEN 1 ELSE 0 END)" for n in range(len(diff.regions))]
                     + ["SUM(CASE WHEN NOT bad AND (" + (" OR ".join(f"g{n}" for n in range(len(diff.regions))) or "FALSE")
                        + ") THEN 1 ELSE 0 END)"])
    try:
        row = eng.con.execute(f"WITH b AS ({base}), f AS (SELECT bad, {', '.join(flags) or 'TRUE AS none'} FROM b) "
                              f"SELECT COUNT(*), SUM(CASE WHEN bad THEN 1 ELSE 0 END), {sums} FROM f").fetchone()
    except RulesError:
        raise
    total, bad = int(row[0] or 0), int(row[1] or 0)
    counts = [int(v or 0) for v in row[2:2 + len(diff.regions)]]
    out = {"total": total, "bad_rows": bad, "evaluated": total - bad,
           "changed": _changed_rows(diff, eng, cols, types), "regions": counts}
    if plot:
        draw(diff, counts, plot)
    return out


def _changed_rows(diff, eng, cols, types) -> int:
    """Rows whose results differ between the versions, whatever region
    they are in: both versions' SQL over the same rows, compared per
    decision (status, value, needs)."""
    from clinrules.cohort.sql import build_query

    eng.con.execute("CREATE OR REPLACE TEMP TABLE cr_rows AS SELECT row_number() OVER () AS cr_row, * FROM patients")
    by_version = []
    for doc in (diff.joint.old, diff.joint.new):
        query = build_query(load(doc), cols, types, "duckdb", "cr_rows", ["cr_row"])
        by_version.append(query)
    old_q, new_q = by_version
    stems = {name: stem for name, stem in old_q.outputs}
    new_stems = {name: stem for name, stem in new_q.outputs}
    names = {d["key"]: d["name"] for d in diff.joint.old["decisions"]}
    new_names = {d["key"]: d["name"] for d in diff.joint.new["decisions"]}
    tests = []
    for old_key, new_key in diff.joint.decisions:
        a, b = stems[names[old_key]], new_stems[new_names[new_key]]
        for part in ("status", "value", "needs"):
            tests.append(f"o.{a}__{part} IS DISTINCT FROM n.{b}__{part}")
    if not tests:
        return 0
    sql = (f"WITH o AS ({old_q.sql}), n AS ({new_q.sql}) SELECT COUNT(*) FROM o JOIN n USING (cr_row) "
           f"WHERE o.bad_inputs = '' AND n.bad_inputs = '' AND ({' OR '.join(tests)})")
    return int(eng.con.execute(sql).fetchone()[0] or 0)


def draw(diff, counts: list[int], path: str) -> None:
    """A horizontal bar per region: how many patients it changes."""
    try:
        import matplotlib
    except ImportError:
        raise RulesError.single("missing-extra", "the plot needs matplotlib: pip install 'clinrules[cohort]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from matplotlib.ticker import MaxNLocator

    def short(text: str) -> str:
        return text if len(text) <= 28 else text[:27] + "…"

    labels = [f"{n + 1}. {r.decision}" + (f", {r.missing} missing" if r.missing else "")
              + f": {short(r.old.split(' (needs')[0])} -> {short(r.new.split(' (needs')[0])}"
              for n, r in enumerate(diff.regions)]
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.4 * max(1, len(labels))))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.barh(range(len(labels)), counts, color="#4878a8")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("patients changed")
    ax.set_title("Patients changed, per region of the diff")
    for y, c in enumerate(counts):
        ax.text(c, y, f" {c}", va="center")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)

"""Where the SQL runs: DuckDB (embedded, the default) or Spark (local or a cluster).

Both read the data file into a table named `patients`, report its columns
and their kinds (so typed columns skip text parsing), and run the same
generated query (`cohort.sql`, with the engine's dialect). The result is
returned as a list of rows (small data, tests) or written to a file.
"""

from __future__ import annotations

import os

from clinrules.errors import Diagnostic, RulesError


def _kind(type_name: str) -> str:
    t = type_name.lower()
    if t.startswith("bool"):
        return "boolean"
    if t in ("tinyint", "smallint", "integer", "int", "bigint", "hugeint", "long", "short", "byte",
             "utinyint", "usmallint", "uinteger", "ubigint"):
        return "integer"
    return "text"


def _check_file(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".csv", ".parquet"):
        raise RulesError([Diagnostic("bad-data-file", "the patients must be a .csv or .parquet file", file=path)])
    if not os.path.isfile(path):
        raise RulesError([Diagnostic("bad-data-file", "cannot read the patients: it does not exist", file=path)])
    return ext


def _need(module: str, extra: str):
    try:
        return __import__(module)
    except ImportError:
        raise RulesError.single("missing-extra", f"this needs `{module}`: pip install 'clinrules[{extra}]'") from None


class DuckDB:
    name = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        duckdb = _need("duckdb", "cohort")
        self.con = duckdb.connect()
        if threads:
            self.con.execute(f"SET threads TO {int(threads)}")

    def load(self, path: str) -> dict[str, str]:
        ext = _check_file(path)
        quoted = "'" + path.replace("'", "''") + "'"
        reader = (f"read_csv({quoted}, header = true, all_varchar = true)" if ext == ".csv"
                  else f"read_parquet({quoted})")
        try:
            self.con.execute(f"CREATE OR REPLACE VIEW patients AS SELECT * FROM {reader}")
            described = self.con.execute("DESCRIBE patients").fetchall()
        except Exception as exc:  # duckdb's errors name the file and the problem
            raise RulesError([Diagnostic("bad-data-file", f"cannot read the patients: {exc}", file=path)]) from None
        return {row[0]: _kind(row[1]) for row in described}

    def table(self, name: str, rows: list[dict], columns: list[str]) -> None:
        """A small in-memory table of text values (tests, benchmarks)."""
        import pyarrow as pa

        self._arrow = pa.table({c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in columns})
        self.con.register(name, self._arrow)

    def rows(self, sql: str) -> list[dict]:
        cursor = self.con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def write(self, sql: str, out: str) -> None:
        fmt = "PARQUET" if out.lower().endswith(".parquet") else "CSV, HEADER"
        quoted = "'" + out.replace("'", "''") + "'"
        self.con.execute(f"COPY ({sql}) TO {quoted} (FORMAT {fmt})")

    def materialize(self, sql: str) -> str:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE results AS {sql}")
        return "results"


_SPARK = None


def spark_session():
    """One local Spark session per process (`local[2]`), started on first use."""
    global _SPARK
    if _SPARK is None:
        _need("pyspark", "spark")
        from pyspark.sql import SparkSession

        _SPARK = (SparkSession.builder.master(os.environ.get("CLINRULES_SPARK_MASTER", "local[2]"))
                  .appName("clinrules cohort")
                  .config("spark.ui.enabled", "false")
                  .config("spark.sql.shuffle.partitions", "2")
                  .config("spark.sql.ansi.enabled", "false")
                  .getOrCreate())
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class Spark:
    name = "spark"

    def __init__(self) -> None:
        try:
            self.spark = spark_session()
        except RulesError:
            raise
        except Exception as exc:  # no JVM, a bad master URL: say so, not a traceback
            raise RulesError.single("spark-unavailable", f"Spark could not start ({type(exc).__name__}: {exc}); "
                                    "it needs a Java runtime (`java` on PATH; .ci/system-java installs one)") from None

    def load(self, path: str) -> dict[str, str]:
        ext = _check_file(path)
        reader = self.spark.read
        df = reader.option("header", "true").csv(path) if ext == ".csv" else reader.parquet(path)
        df.createOrReplaceTempView("patients")
        return {name: _kind(kind) for name, kind in df.dtypes}

    def table(self, name: str, rows: list[dict], columns: list[str]) -> None:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType(), True) for c in columns])
        data = [tuple(None if r.get(c) is None else str(r[c]) for c in columns) for r in rows]
        self.spark.createDataFrame(data, schema).createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[dict]:
        return [row.asDict() for row in self.spark.sql(sql).collect()]

    def write(self, sql: str, out: str) -> None:
        df = self.spark.sql(sql)
        if out.lower().endswith(".parquet"):
            df.write.mode("overwrite").parquet(out)
        else:
            df.write.mode("overwrite").option("header", "true").csv(out)

    def materialize(self, sql: str) -> str:
        self.spark.sql(sql).cache().createOrReplaceTempView("results")
        return "results"


def engine(name: str):
    if name == "spark":
        return Spark()
    return DuckDB()

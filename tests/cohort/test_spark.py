"""The same SQL on Apache Spark, local mode: equal to the runtime row for row.

One SparkSession for the whole test session (started by the engine module on
first use); few, small examples so the suite stays fast. Needs a Java
runtime (`.ci/system-java` installs one where missing).
"""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cohort.test_differential import check, patient
from tests.runtime.test_property import rulesets

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime: run .ci/system-java")


@pytest.fixture(scope="session")
def spark_engine():
    from clinrules.cohort.engines import Spark

    return Spark()


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=rulesets(), rows=st.lists(patient(), min_size=3, max_size=6))
def test_spark_matches_runtime(spark_engine, source, rows):
    check(spark_engine, source, rows)


def test_cohort_command_on_spark(tmp_path):
    from click.testing import CliRunner

    from clinrules.cli.main import cli

    out = tmp_path / "results.parquet"
    result = CliRunner().invoke(cli, ["cohort", "rulesets/cervicogenic-upper-back-pain.rules", "--data",
                                      "examples/patients.csv", "--mapping", "examples/patients.mapping.yaml",
                                      "--engine", "spark", "--out", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output  # two bad rows in the sample
    assert '"bad_rows": 2' in result.output
    assert out.exists()

"""One real PySpark job over the Parquet export gives exactly DuckDB's results on the same marks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from attend.analytics import measures as m
from attend.analytics import reports
from attend.analytics.engine import duckdb_store, parquet_source
from attend.analytics.store import export_parquet

from .helpers import random_store

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    from attend.analytics.engine import spark_session

    session = spark_session(master="local[2]", shuffle_partitions=2)
    yield session
    session.stop()


def _frame(table, keys):
    df = table.to_pandas() if not isinstance(table, pd.DataFrame) else table
    df = df[sorted(df.columns)].sort_values(keys).reset_index(drop=True)
    for col in df.columns:
        if df[col].dtype == bool or str(df[col].dtype) == "boolean":
            df[col] = df[col].astype(bool)
        elif pd.api.types.is_integer_dtype(df[col]):
            df[col] = df[col].astype("int64")
    return df


def test_spark_and_duckdb_give_identical_results(tmp_path, spark):
    import ibis

    random_store(tmp_path / "store", enrolments=150, days=40, seed=7)
    export_parquet(tmp_path / "store", tmp_path / "parquet")
    duck = duckdb_store(tmp_path / "store")
    on_spark = parquet_source(ibis.pyspark.connect(spark), tmp_path / "parquet")
    assert on_spark.engine == "pyspark"
    args = {"start": dt.date(2025, 9, 1), "end": None, "cohort": "all"}
    got_duck = reports.core_tables(duck, **args)
    got_spark = reports.core_tables(on_spark, **args)
    keys = {
        "enrolments": ["enrolment_id"],
        "schools": ["school_id"],
        "school_weekday": ["school_id", "weekday"],
        "school_week": ["school_id", "week"],
    }
    for name, k in keys.items():
        a, b = _frame(got_duck[name], k), _frame(got_spark[name], k)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-13, atol=1e-12)
    # The headline cohort and the spells window query agree too.
    spells_duck = duck.to_arrow(m.absence_spells(duck, cohort="compulsory")).to_pandas()
    spells_spark = on_spark.to_arrow(m.absence_spells(on_spark, cohort="compulsory")).to_pandas()
    pd.testing.assert_frame_equal(
        _frame(spells_duck, ["enrolment_id"]), _frame(spells_spark, ["enrolment_id"]), check_dtype=False
    )

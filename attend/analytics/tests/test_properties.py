"""The Ibis engine agrees with measures_from_counts (itself checked against DfE) on random marks."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attend.analytics import measures as m
from attend.analytics.definitions import COUNT_COLUMNS, RATE_COLUMNS
from attend.analytics.engine import duckdb_store
from attend.stats import measures_from_counts

from .helpers import random_store


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25))
def test_engine_matches_measures_from_counts(tmp_path_factory, seed, n):
    directory = tmp_path_factory.mktemp("store")
    per = random_store(directory, enrolments=n, days=12, seed=seed)
    src = duckdb_store(directory)
    df = src.to_arrow(m.enrolment_measures(src, cohort="all")).to_pandas().set_index("enrolment_id")
    expected_ids = set()
    for e, codes in per.items():
        want = measures_from_counts(Counter(codes))
        if want["possible_sessions"] == 0:
            continue
        expected_ids.add(e)
        row = df.loc[e]
        for col in COUNT_COLUMNS:
            assert row[col] == want[col], col
        for col in RATE_COLUMNS:
            assert row[col] == pytest.approx(want[col], abs=1e-12), col
        assert row.possible_sessions == row.overall_attendance + row.overall_absence
        assert bool(row.persistent_absence) == (10 * want["overall_absence"] >= want["possible_sessions"])
        assert bool(row.severe_absence) == (2 * want["overall_absence"] >= want["possible_sessions"])
    assert set(df.index) == expected_ids
    # Pooled roll-ups equal the sums of enrolment counts, and PA rate is flagged enrolments / enrolments.
    e = m.enrolment_measures(src, cohort="all")
    g = src.to_arrow(m.group_measures(e, ["la_code"], src)).to_pandas()
    if expected_ids:
        assert g.possible_sessions.sum() == df.possible_sessions.sum()
        assert g.pa_perc.iloc[0] == pytest.approx(df.persistent_absence.mean() * 100)
    src.con.disconnect()


def test_sliced_aggregation_gives_the_same_tables(tmp_path):
    from attend.analytics import reports

    random_store(tmp_path, enrolments=60, days=15, seed=3)
    whole = duckdb_store(tmp_path)
    whole.chunks = {}
    sliced = duckdb_store(tmp_path)
    sliced.chunks = {"enrolment_id": (1, 60, 4), "school_id": (0, 40, 1)}
    assert "union" in str(sliced.con.compile(m.enrolment_measures(sliced, cohort="all"))).lower()
    a = reports.core_tables(whole, cohort="all")
    b = reports.core_tables(sliced, cohort="all")
    keys = {
        "enrolments": ["enrolment_id"],
        "schools": ["school_id"],
        "school_weekday": ["school_id", "weekday"],
        "school_week": ["school_id", "week"],
    }
    for name, k in keys.items():
        x = a[name].to_pandas().sort_values(k).reset_index(drop=True)
        y = b[name].to_pandas().sort_values(k).reset_index(drop=True)
        assert len(x) > 0
        assert x.equals(y), name


@pytest.mark.parametrize("cohort", ["compulsory", "reception", "sixth_form", "all"])
def test_the_daily_rollup_gives_the_same_breakdowns_as_the_marks(tmp_path, cohort):
    random_store(tmp_path, enrolments=80, days=20, seed=11)
    with_rollup = duckdb_store(tmp_path)
    assert with_rollup.daily is not None
    raw = duckdb_store(tmp_path)
    raw.daily = None
    for period in ("weekday", "week", "month"):
        a = with_rollup.to_arrow(
            m.period_measures(
                m.daily_measures(with_rollup, cohort=cohort), ["school_id"], period, with_rollup
            )
        ).to_pandas()
        b = raw.to_arrow(
            m.period_measures(m.daily_measures(raw, cohort=cohort), ["school_id"], period, raw)
        ).to_pandas()
        keys = ["school_id", period]
        a, b = (x.sort_values(keys).reset_index(drop=True) for x in (a, b))
        assert len(a) > 0
        assert a.equals(b), period

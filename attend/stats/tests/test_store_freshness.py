"""The store off the request path: web requests serve the last good store and queue a rebuild; each thread
queries on its own DuckDB cursor."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_tasks_db.models import DBTaskResult

from attend.analytics import reports
from attend.jobs.tests.worker import run_queued_tasks
from attend.stats import queries, store
from attend.stats.tasks import refresh_store

from . import factories as f

MON = dt.date(2025, 9, 8)
DAYS = f.school_days(MON, 10)
END = DAYS[-1]


@pytest.fixture
def two_pupils(db, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    school = f.school(100001)
    for born, codes in ((dt.date(2015, 3, 1), ["/"] * 20), (dt.date(2016, 1, 10), ["N"] * 2 + ["/"] * 18)):
        f.marks(f.enrolment(school, born=born), DAYS, codes)
    return school


def queued_refreshes() -> int:
    return DBTaskResult.objects.filter(task_path=refresh_store.module_path, status="READY").count()


def run_worker() -> None:
    assert run_queued_tasks() > 0


def test_a_request_serves_the_last_good_store_and_queues_one_rebuild(two_pupils):
    assert len(queries.enrolment_measures(MON, END)) == 2  # no store yet: built in the call
    built = store.status()
    assert built.exists and not built.stale
    late = f.enrolment(two_pupils, born=dt.date(2014, 2, 2))
    f.marks(late, DAYS[:1], ["N", "N"])

    with store.serving_last_good():
        assert len(queries.enrolment_measures(MON, END)) == 2  # the old figures, at once
        assert len(queries.school_measures(end=END)) == 1
    assert queued_refreshes() == 1  # two stale calls, one queued rebuild
    stale = store.status()
    assert stale.stale and stale.version == built.version and stale.built_at == built.built_at

    run_worker()
    assert queued_refreshes() == 0
    fresh = store.status()
    assert not fresh.stale and fresh.version != built.version
    with store.serving_last_good():
        df = queries.enrolment_measures(MON, END).set_index("enrolment_id")
    assert df.loc[late.pk].unauthorised_absence == 2


def test_without_a_store_a_request_builds_it(two_pupils):
    assert not store.status().exists
    with store.serving_last_good():
        assert len(queries.enrolment_measures(MON, END)) == 2
    assert store.status().exists and queued_refreshes() == 0


def test_commands_and_tests_still_refresh_before_reading(two_pupils):
    queries.enrolment_measures(MON, END)
    f.marks(f.enrolment(two_pupils, born=dt.date(2014, 2, 2)), DAYS[:1], ["N", "N"])
    assert len(queries.enrolment_measures(MON, END)) == 3
    assert queued_refreshes() == 0


def test_threads_query_in_parallel_on_their_own_cursors(two_pupils):
    store.refresh()
    args = {"start": MON, "end": END, "cohort": queries.DEFAULT_COHORT, "schools": None}

    def one(_):
        with store.source(refresh_if_stale=False) as src:
            return reports.pupil_report(src, extras=True, **args)["possible_sessions"].tolist()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(12)))
    assert results == [[20, 20]] * 12

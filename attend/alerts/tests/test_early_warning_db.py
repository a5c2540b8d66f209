"""Early warning over database marks: one row per enrolment on roll, a fixed number of queries per school."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attend.alerts.early_warning import db as ew_db
from attend.alerts.early_warning import model as m
from attend.alerts.early_warning import store, synthetic

from .factories import fill_marks, make_enrolment, make_pupil, make_school, weekdays

AS_OF = dt.date(2025, 11, 14)  # ten school weeks after 1 Sep 2025, with half-term 27-31 Oct
DAYS = weekdays(dt.date(2025, 9, 1), AS_OF)
LAST_YEAR = weekdays(dt.date(2024, 9, 2), dt.date(2024, 12, 13), skip=())


@pytest.fixture(scope="module")
def small_model():
    return m.train(synthetic.cohort(41, pupils=2000, schools=8), weeks=(4, 8))


def absent_on(days, code="O"):
    return {(day, s): code for day in days for s in ("AM", "PM")}


@pytest.fixture
def school_with_pupils(db):
    school = make_school(phase="secondary")
    other = make_school(phase="primary")
    often_away = make_enrolment(school, make_pupil(fsm=True), nc_year="9", admission_date=dt.date(2023, 9, 1))
    # Absent every Monday and Friday since September: 40% of sessions.
    fill_marks(often_away, DAYS, absent_on([d for d in DAYS if d.weekday() in (0, 4)]))
    # Last year, at another school, absent 1 day in 10.
    earlier = make_enrolment(other, often_away.pupil, nc_year="8", admission_date=dt.date(2024, 9, 2))
    fill_marks(earlier, LAST_YEAR, absent_on(LAST_YEAR[::10], "I"))
    regular = make_enrolment(school, nc_year="9", admission_date=dt.date(2023, 9, 1))
    fill_marks(regular, DAYS)
    new = make_enrolment(school, nc_year="9", admission_date=AS_OF)  # no marks yet
    gone = make_enrolment(
        school, nc_year="9", admission_date=dt.date(2023, 9, 1), leaving_date=dt.date(2025, 10, 3)
    )
    fill_marks(gone, [d for d in DAYS if d <= dt.date(2025, 10, 3)])
    return school, {
        "often_away": often_away,
        "regular": regular,
        "new": new,
        "gone": gone,
        "earlier": earlier,
    }


def test_load_school_reads_this_year_and_last_years_rate(school_with_pupils):
    school, e = school_with_pupils
    marks, pupils = ew_db.load_school(school, AS_OF)
    assert set(pupils["enrolment"]) == {e["often_away"].pk, e["regular"].pk, e["new"].pk}
    assert set(marks["enrolment"]) == {e["often_away"].pk, e["regular"].pk}
    assert len(marks) == 2 * 2 * len(DAYS)
    prior = pupils.set_index("enrolment")["prior_rate"]
    assert prior[e["often_away"].pk] == pytest.approx(len(LAST_YEAR[::10]) / len(LAST_YEAR))
    assert math.isnan(prior[e["regular"].pk])


def test_predict_returns_one_row_per_enrolment_on_roll(school_with_pupils, small_model):
    school, e = school_with_pupils
    out = ew_db.predict_school(school, AS_OF, small_model).set_index("enrolment")
    assert sorted(out.index) == sorted([e["often_away"].pk, e["regular"].pk, e["new"].pk])
    away, regular = out.loc[e["often_away"].pk], out.loc[e["regular"].pk]
    assert away["probability"] > 0.9 > 0.1 > regular["probability"]
    assert away["rate_to_date"] == pytest.approx(0.4)
    assert away["checkpoint_weeks"] == 8  # 10 weeks of marks: the latest trained checkpoint reached
    assert away["used_last_year"]
    texts = [r["text"] for r in away["reasons"]]
    assert texts[0] == f"Absent 40% of sessions so far ({len(DAYS) * 4 // 5} of {len(DAYS) * 2})"
    # A low risk is explained too, by what lowers it most.
    assert regular["reasons"][0]["text"] == f"Attended every session so far ({len(DAYS) * 2})"
    assert all(r["weight"] < 0 for r in regular["reasons"])
    assert math.isnan(out.loc[e["new"].pk, "probability"]) and out.loc[e["new"].pk, "reasons"] == []


@pytest.mark.django_db
def test_a_school_without_history_uses_the_model_without_last_year(small_model):
    school = make_school(phase="primary")
    away = make_enrolment(school, nc_year="4", admission_date=dt.date(2022, 9, 1))
    fill_marks(away, DAYS, absent_on(DAYS[::4], "O"))
    fill_marks(make_enrolment(school, nc_year="4", admission_date=dt.date(2022, 9, 1)), DAYS)
    out = ew_db.predict_school(school, AS_OF, small_model).set_index("enrolment")
    assert not out["used_last_year"].any()
    assert out.loc[away.pk, "probability"] > 0.5
    assert all(r["reason"] != "last_year" for reasons in out["reasons"] for r in reasons)


def test_queries_do_not_grow_with_pupils(school_with_pupils, small_model):
    school, _ = school_with_pupils
    with CaptureQueriesContext(connection) as few:
        ew_db.predict_school(school, AS_OF, small_model)
    for _ in range(5):
        fill_marks(make_enrolment(school, nc_year="9", admission_date=dt.date(2023, 9, 1)), DAYS)
    with CaptureQueriesContext(connection) as more:
        out = ew_db.predict_school(school, AS_OF, small_model)
    assert len(out) == 8
    assert len(more.captured_queries) == len(few.captured_queries) <= 3


def test_predict_command_writes_csv(school_with_pupils, small_model, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    small_model.metadata = {"trained_on": {"source": "synthetic"}}
    store.save(small_model)
    school, e = school_with_pupils
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "early_warning",
        "predict",
        "--school",
        str(school.urn),
        "--as-of",
        AS_OF.isoformat(),
        stdout=out,
        stderr=err,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["upn"] for r in rows] == [e["often_away"].pupil.upn, e["regular"].pupil.upn, e["new"].pupil.upn]
    assert rows[0]["reasons"].startswith("Absent 40% of sessions so far")
    assert rows[2]["probability"] == ""
    assert "3 enrolments" in err.getvalue()

"""Rule 10, cohort: a group at a school whose absence worsens against the same group in the LA's other schools."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from attend.alerts.cohort import compare_groups
from attend.alerts.models import Alert
from attend.alerts.services import alerts_evaluate

from .factories import fill_marks, make_enrolment, make_school, weekdays

D = dt.date
RECENT_FROM, YEAR_START = D(2025, 10, 18), D(2025, 8, 1)


def _frame(rows):
    """rows: (school_id, nc_year, fsm, sen, absence, possible, enrolments), all primary."""
    return pd.DataFrame(
        rows,
        columns=[
            "school_id",
            "nc_year",
            "fsm",
            "sen_status",
            "overall_absence",
            "possible_sessions",
            "enrolments",
        ],
    ).assign(phase="primary")


def _hits(recent_absence=80, earlier_absence=60, enrolments=10, fsm=False, england=None):
    others = [(2, "5", False, "N", 50, 1000, 30), (2, "5", True, "N", 0, 0, 0)]  # no FSM pupils there yet
    recent = _frame([(1, "5", fsm, "N", recent_absence, 1000, enrolments), *others])
    earlier = _frame([(1, "5", fsm, "N", earlier_absence, 1000, enrolments), *others])
    return compare_groups(
        recent, earlier, school_ids=[1], recent_from=RECENT_FROM, earlier_from=YEAR_START, england=england
    ).get(1, [])


def test_cohort_fires_at_3_points_above_the_la_and_2_points_wider_than_before():
    (hit,) = _hits(england={"primary": 5.3})
    assert (hit.rule, hit.key, hit.measure, hit.pupil_id) == ("cohort", "nc_year:5", 3.0, None)
    assert hit.reason == (
        "Year 5 (10 enrolments): absent 8% of sessions since 18 Oct, against 5% for the same group in the LA's "
        "other primary schools: 3 percentage points higher, up from 1 points higher from 1 Aug to 17 Oct. "
        "England, primary schools, year to date: 5.3%. Raise it at the school's targeting support meeting."
    )
    assert hit.details["gap_before"] == 1.0 and hit.details["comparator_rate"] == 5.0


def test_cohort_boundaries_gap_widening_and_group_size():
    assert _hits(recent_absence=79) == []  # 2.9 points above
    assert _hits(earlier_absence=61) == []  # 3.0 now against 1.1 before: only 1.9 wider
    assert _hits(enrolments=9) == []  # too small a group to read anything into
    assert _hits(recent_absence=90, earlier_absence=80) == []  # 4 points now, 3 before: only 1 wider


def test_cohort_watches_free_school_meals_but_not_the_not_eligible_group():
    assert [h.key for h in _hits(fsm=True)] == ["nc_year:5"]  # no FSM comparator in the other schools
    recent = _frame([(1, "5", True, "N", 80, 1000, 10), (2, "5", True, "N", 50, 1000, 30)])
    earlier = _frame([(1, "5", True, "N", 60, 1000, 10), (2, "5", True, "N", 50, 1000, 30)])
    hits = compare_groups(recent, earlier, school_ids=[1], recent_from=RECENT_FROM, earlier_from=YEAR_START)[
        1
    ]
    assert sorted(h.key for h in hits) == ["fsm:True", "nc_year:5"]
    assert next(h for h in hits if h.key == "fsm:True").reason.startswith(
        "Pupils eligible for free school meals (10 enrolments)"
    )


@pytest.mark.django_db
def test_cohort_is_evaluated_with_the_statistics_api_as_a_school_level_alert(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ATTEND_DATA_DIR = tmp_path
    days = weekdays(D(2025, 9, 1), D(2025, 11, 14))
    recent = [d for d in days if d >= D(2025, 10, 18)]
    worse, steady = make_school(), make_school()
    for i in range(12):
        # At the first school, year 5 starts missing one afternoon in four in the last four weeks.
        absent = {(d, "PM"): "O" for d in recent if (d.toordinal() + i) % 2 == 0}
        fill_marks(make_enrolment(worse), days, absent)
        fill_marks(make_enrolment(steady), days)
    alerts_evaluate(as_of=D(2025, 11, 14), at=dt.time(18))
    alert = Alert.objects.get(rule="cohort")
    assert (alert.school, alert.pupil, alert.key) == (worse, None, "nc_year:5")
    assert alert.reason.startswith("Year 5 (12 enrolments): absent 25% of sessions since 18 Oct, against 0% ")
    again = alerts_evaluate(as_of=D(2025, 11, 14), at=dt.time(18))  # same evidence: never a second alert
    assert again.raised == 0 and Alert.objects.filter(rule="cohort").count() == 1

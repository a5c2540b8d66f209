"""Rule 8, part_time_timetable: C2 needs a recorded part-time timetable covering the date, up to its review."""

import datetime as dt

import pytest

from attend.alerts.models import Alert
from attend.alerts.rules import part_time_timetable
from attend.alerts.services import alerts_evaluate
from attend.casework.tests.factories import make_part_time_timetable

from .factories import context, fill_marks, make_enrolment, make_school, marks_for, pupil_input, weekdays

D = dt.date
AS_OF = D(2025, 12, 5)
START, END, REVIEW = D(2025, 11, 3), D(2025, 12, 19), D(2025, 11, 28)


def _pupil(c2_days, timetables=()):
    sc = context(AS_OF)
    marks = marks_for(sc, overrides={(d, "PM"): "C2" for d in c2_days})
    return pupil_input(sc, marks, part_time=tuple(timetables))


def test_part_time_timetable_c2_covered_by_a_timetable_raises_nothing():
    assert part_time_timetable(_pupil([START, REVIEW], [(START, END, REVIEW)])) is None


def test_part_time_timetable_c2_on_the_day_after_the_review_date_fires():
    hit = part_time_timetable(_pupil([REVIEW, D(2025, 12, 1)], [(START, END, REVIEW)]))
    assert hit is not None
    assert hit.measure == 1 and hit.evidence == ((D(2025, 12, 1), "PM", "C2"),)
    assert hit.since == D(2025, 12, 1)
    assert hit.reason.startswith(
        "C2 (part-time timetable) on 1 session after the timetable's review date (28 Nov)"
    )


def test_part_time_timetable_c2_with_no_timetable_fires_and_one_before_the_start_too():
    hit = part_time_timetable(_pupil([D(2025, 10, 24), START]))
    assert hit.measure == 2
    assert "with no part-time timetable recorded: 24 Oct PM, 3 Nov PM" in hit.reason
    early = part_time_timetable(_pupil([D(2025, 10, 23), START], [(START, END, REVIEW)]))
    assert early.measure == 1 and early.evidence == ((D(2025, 10, 23), "PM", "C2"),)
    assert "no part-time timetable recorded" in early.reason


def test_part_time_timetable_no_c2_no_alert_even_past_review():
    assert part_time_timetable(_pupil([], [(START, END, D(2025, 11, 10))])) is None


@pytest.mark.django_db
def test_part_time_timetable_is_read_from_casework_when_evaluating():
    school = make_school()
    covered, uncovered = make_enrolment(school), make_enrolment(school)
    days = weekdays(D(2025, 9, 1), AS_OF)
    for enrolment in (covered, uncovered):
        fill_marks(enrolment, days, {(d, "PM"): "C2" for d in days if d >= START})
        make_part_time_timetable(enrolment.pupil, school, review_date=D(2025, 12, 31))
    # The second pupil's timetable is at another school: it does not cover C2 here.
    other = make_school()
    uncovered.pupil.part_time_timetables.update(school=other)
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    alert = Alert.objects.get(rule="part_time_timetable")
    assert alert.enrolment == uncovered and alert.measure == 25
    alerts_evaluate(as_of=AS_OF, at=dt.time(18))
    assert Alert.objects.filter(rule="part_time_timetable").count() == 1

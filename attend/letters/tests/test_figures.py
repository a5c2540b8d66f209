"""Days and hours in letter words, and compulsory school age by the statutory dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attend.letters.age import (
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    of_compulsory_school_age,
)
from attend.letters.figures import time_missed, year_period_words


@pytest.mark.parametrize(
    "sessions, hours, days_text, hours_text",
    [
        (10, "6.5", "5 days", "about 32.5 hours"),
        (25, "6.5", "12.5 days", "about 81.5 hours"),  # 81.25 to the nearest half hour
        (1, "6.5", "half a day", "about 3.5 hours"),  # 3.25 rounds half up
        (2, "6.5", "1 day", "about 6.5 hours"),
        (0, "6.5", "0 days", "about 0 hours"),
        (7, "6.25", "3.5 days", "about 22 hours"),  # 21.875
    ],
)
def test_sessions_become_days_and_hours(sessions, hours, days_text, hours_text):
    t = time_missed(sessions, day_hours=Decimal(hours), period="since 1 September")
    assert (t.days_text, t.hours_text) == (days_text, hours_text)


def test_sentence_reads_naturally():
    assert time_missed(10, period="in the last 4 weeks").sentence() == (
        "5 days in the last 4 weeks, about 32.5 hours of learning"
    )


def test_period_words():
    assert year_period_words(dt.date(2026, 11, 25))[1] == "since 1 September"
    assert (
        year_period_words(dt.date(2026, 11, 25), dt.date(2026, 10, 5))[1]
        == "since 5 October (when they joined)"
    )


@pytest.mark.parametrize(
    "born, starts",
    [
        (dt.date(2021, 10, 15), dt.date(2026, 12, 31)),
        (dt.date(2021, 3, 31), dt.date(2026, 3, 31)),
        (dt.date(2021, 4, 1), dt.date(2026, 8, 31)),
        (dt.date(2021, 9, 1), dt.date(2026, 12, 31)),
        (dt.date(2021, 1, 2), dt.date(2026, 3, 31)),
    ],
)
def test_compulsory_school_age_starts_on_the_prescribed_day(born, starts):
    assert compulsory_school_age_starts(born) == starts


def test_a_reception_child_who_turned_five_in_october_is_below_compulsory_age_until_31_december():
    born = dt.date(2021, 10, 15)
    assert not of_compulsory_school_age(born, dt.date(2026, 11, 25))
    assert of_compulsory_school_age(born, dt.date(2026, 12, 31))


def test_compulsory_school_age_ends_on_the_last_friday_of_june():
    assert compulsory_school_age_ends(dt.date(2010, 8, 31)) == dt.date(2026, 6, 26)
    assert compulsory_school_age_ends(dt.date(2010, 9, 1)) == dt.date(2027, 6, 25)


@pytest.mark.django_db
def test_one_pupils_figures_from_one_query_equal_the_statistics_store(django_assert_num_queries):
    """The preview path (one enrolment, one query) gives exactly what the batch path reads from the store."""
    from attend.letters.figures import attendance_figures, enrolment_figures
    from attend.people.models import Enrolment
    from attend.registers.models import Mark

    from .factories import AS_OF, make_pupil, make_school

    school = make_school(hours="6.25")
    make_pupil(school, absences=25, days=60)
    make_pupil(school, absences=9, days=60, absence_code="I")  # illness only
    make_pupil(school, absences=40, days=60, nc_year="5")
    make_pupil(make_school(), absences=3, days=60)  # another school's year 4 is not in the year group
    late = make_pupil(school, absences=4, days=60)
    late_enrolment = late.enrolments.get()
    Mark.objects.filter(enrolment=late_enrolment, date__lt=dt.date(2026, 10, 5)).delete()
    Enrolment.objects.filter(pk=late_enrolment.pk).update(admission_date=dt.date(2026, 10, 5))
    enrolments = list(Enrolment.objects.select_related("school"))
    from_store = attendance_figures(enrolments, AS_OF)
    for e in enrolments:
        with django_assert_num_queries(1):
            one = enrolment_figures(e, AS_OF)
        assert one == from_store[e.pk], e.pupil.upn
    first = from_store[enrolments[0].pk]
    assert (first.year.days_text, first.year.hours_text) == ("12.5 days", "about 78 hours")
    assert any(f.illness_only for f in from_store.values())
    assert from_store[late_enrolment.pk].year.period == "since 5 October (when they joined)"

"""The 15-day health count (EA 1996 s19; DfE health-needs guidance, December 2023): I and M sessions, two to a
school day, across terms and schools within the academic year; and the days a current medical condition adds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from attend.alerts.models import Alert
from attend.casework.tests.factories import make_circumstance
from attend.cme import s19
from attend.core.tests.factories import make_school
from attend.people.models import Enrolment

from .s19_world import TODAY, days_coded, school_with_pupil, weekdays, write_register

pytestmark = pytest.mark.django_db
YEAR = dt.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())


def autumn_script(*, with_m: bool) -> dict:
    script = days_coded(weekdays(dt.date(2025, 9, 15), dt.date(2025, 9, 19)), "II")  # 5 days, Autumn 1
    script |= days_coded(weekdays(dt.date(2025, 10, 6), dt.date(2025, 10, 8)), "II")  # 3 more
    script |= days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 17)), "II")  # 6 days, Autumn 2
    script[dt.date(2025, 11, 18)] = "I\\"  # ill in the morning only: half a day
    if with_m:
        script[dt.date(2025, 11, 4)] = "M\\"  # a hospital appointment in the morning: half a day
    return script


def test_fifteen_days_counted_across_both_autumn_terms_not_last_summer():
    school, pupil, enrolment = school_with_pupil()
    write_register(
        enrolment,
        dt.date(2025, 7, 14),
        dt.date(2025, 7, 18),
        days_coded(weekdays(dt.date(2025, 7, 14), dt.date(2025, 7, 18)), "II"),
    )
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))

    count = s19.health_days(enrolment, YEAR, TODAY)

    assert count.sessions == 30 and count.days == Decimal(15)
    assert count.by_term == [("Autumn 1", Decimal(8)), ("Autumn 2", Decimal(7))]
    assert (count.first, count.last) == (dt.date(2025, 9, 15), dt.date(2025, 11, 18))
    assert count.possible_sessions == 2 * len(weekdays(dt.date(2025, 9, 3), TODAY))
    assert count.words() == (
        "15 school days missed for health (I and M marks, two sessions a day) from 15 September 2025 to "
        "18 November 2025 (Autumn 1: 8; Autumn 2: 7)."
    )


def test_fourteen_and_a_half_days_raise_nothing_and_fifteen_raise_the_prompt():
    _, pupil, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=False))
    assert s19.health_days(pupil, YEAR, TODAY).days == Decimal("14.5")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 0}

    _, other, at_school = school_with_pupil(surname="Iller")
    write_register(at_school, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))
    assert s19.sync_s19_prompts(TODAY) == {"raised": 1, "cleared": 0}
    alert = Alert.objects.get(rule="s19_health")
    assert alert.pupil == other and alert.key == f"h{at_school.pk}-2025"
    assert alert.reason.startswith("15 school days missed for health")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 0}  # once per enrolment and year


def test_a_child_who_moved_school_keeps_the_days_missed_at_the_first():
    first, pupil, old = school_with_pupil()
    Enrolment.objects.filter(pk=old.pk).update(leaving_date=dt.date(2025, 10, 24))
    second = make_school(la=first.local_authority)
    new = Enrolment.objects.create(
        pupil=pupil, school=second, admission_date=dt.date(2025, 11, 3), nc_year="4"
    )
    write_register(
        old,
        dt.date(2025, 9, 3),
        dt.date(2025, 10, 24),
        days_coded(weekdays(dt.date(2025, 9, 22), dt.date(2025, 10, 3)), "II"),
    )
    write_register(
        new,
        dt.date(2025, 11, 3),
        TODAY,
        days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 14)), "II"),
    )

    assert s19.health_days(pupil, YEAR, TODAY).days == Decimal(15)
    assert s19.health_days(new, YEAR, TODAY).days == Decimal(5)  # one enrolment alone
    s19.sync_s19_prompts(TODAY)
    alert = Alert.objects.get(rule="s19_health")
    assert alert.enrolment == new and alert.school == second


def _eight_days_ill_to_today(enrolment, *, today_code="II"):
    script = days_coded(weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 18)), "II")  # 7 days
    script[TODAY] = today_code
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, script)


def test_a_current_condition_with_an_end_date_projects_the_school_days_to_come():
    _, pupil, enrolment = school_with_pupil()
    _eight_days_ill_to_today(enrolment)
    make_circumstance(
        pupil, summary="Broken leg, surgery", start=dt.date(2025, 11, 10), end=dt.date(2025, 11, 28)
    )

    count = s19.health_days(pupil, YEAR, TODAY)

    assert (count.days, count.expected, count.total) == (Decimal(8), Decimal(7), Decimal(15))  # 20-28 Nov
    assert count.words().endswith("and 7 more expected to 28 November 2025 (Broken leg, surgery): 15 in all.")
    assert s19.sync_s19_prompts(TODAY)["raised"] == 1


def test_the_projection_stops_one_day_short_and_needs_the_child_off_sick_now():
    _, pupil, enrolment = school_with_pupil()
    _eight_days_ill_to_today(enrolment)
    make_circumstance(pupil, summary="Broken leg", start=dt.date(2025, 11, 10), end=dt.date(2025, 11, 27))
    assert s19.health_days(pupil, YEAR, TODAY).total == Decimal(14)

    _, back, at_school = school_with_pupil(surname="Back")
    _eight_days_ill_to_today(at_school, today_code="/\\")  # back in school today: 7 days, nothing projected
    make_circumstance(back, summary="Broken leg", start=dt.date(2025, 11, 10), end=dt.date(2026, 1, 30))
    assert s19.health_days(back, YEAR, TODAY).expected == 0

    _, open_ended, third = school_with_pupil(surname="Open")
    _eight_days_ill_to_today(third)
    make_circumstance(open_ended, summary="Long-term condition", start=dt.date(2025, 11, 10))  # no end date
    assert s19.health_days(open_ended, YEAR, TODAY).expected == 0
    assert s19.sync_s19_prompts(TODAY)["raised"] == 0


def test_the_projection_follows_the_school_calendar_when_it_has_one():
    school, pupil, enrolment = school_with_pupil()
    from attend.schools.models import NonSchoolDay

    NonSchoolDay.objects.create(
        school=school, date=dt.date(2025, 11, 21), kind="non_school_day", reason="INSET"
    )
    _eight_days_ill_to_today(enrolment)
    make_circumstance(pupil, summary="Broken leg", start=dt.date(2025, 11, 10), end=dt.date(2025, 11, 28))
    assert s19.health_days(pupil, YEAR, TODAY).expected == Decimal(6)  # the INSET day is not a school day


def test_a_dismissed_prompt_stays_dismissed():
    _, pupil, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))
    s19.sync_s19_prompts(TODAY)
    Alert.objects.filter(rule="s19_health").update(status="dismissed")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 0}


def test_the_count_reads_the_marks_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    _, pupil, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))  # 112 marks
    with django_assert_max_num_queries(3):  # the terms, one aggregate over the marks, the medical conditions
        assert s19.health_days(pupil, YEAR, TODAY).days == Decimal(15)


def test_the_sync_for_some_schools_leaves_the_others_alone():
    school, _, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))
    elsewhere = make_school(la=school.local_authority)
    assert s19.sync_s19_prompts(TODAY, schools=[elsewhere]) == {"raised": 0, "cleared": 0}
    assert s19.sync_s19_prompts(TODAY, schools=[school]) == {"raised": 1, "cleared": 0}


def test_an_item_cleared_by_a_corrected_register_comes_back_when_the_days_do():
    from attend.registers.models import Mark

    _, pupil, enrolment = school_with_pupil()
    write_register(enrolment, dt.date(2025, 9, 3), TODAY, autumn_script(with_m=True))
    s19.sync_s19_prompts(TODAY)
    Mark.objects.filter(enrolment=enrolment, date=dt.date(2025, 11, 4), session="AM").update(code="/")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 0, "cleared": 1}  # 14.5 days now
    Mark.objects.filter(enrolment=enrolment, date=dt.date(2025, 11, 4), session="AM").update(code="I")
    assert s19.sync_s19_prompts(TODAY) == {"raised": 1, "cleared": 0}
    assert Alert.objects.filter(rule="s19_health", status="new").count() == 1

import datetime as dt

import pytest

from attend.registers.calendar import school_days, school_sessions, school_weeks
from attend.registers.imports import import_file
from attend.schools.models import AcademicYear, NonSchoolDay, Term

from .factories import make_enrolment, make_pupil, make_school, write_csv

pytestmark = pytest.mark.django_db

D = dt.date


def test_calendar_sessions_are_term_weekdays_minus_non_school_days(tmp_path):
    school = make_school(100001)
    rows = [
        [100001, "term", "2024-09-04", "2024-09-20", "", "Autumn 1"],
        [100001, "non_school_day", "2024-09-06", "", "", "INSET"],
        [100001, "planned_closure", "2024-09-12", "", "PM", "Polling station"],
        [100001, "non_school_day", "2024-09-16", "2024-09-17", "", "Training"],
    ]
    import_file(
        "calendar",
        write_csv(
            tmp_path / "cal.csv", ["school_urn", "kind", "start_date", "end_date", "session", "name"], rows
        ),
    )
    sessions = school_sessions(school, D(2024, 9, 1), D(2024, 9, 30))
    # Weekdays 4-20 Sept: 13; minus 6th, 16th, 17th = 10 days = 20 sessions; minus the PM of the 12th.
    assert len(sessions) == 19
    assert sessions[0] == (D(2024, 9, 4), "AM")
    assert (D(2024, 9, 12), "AM") in sessions and (D(2024, 9, 12), "PM") not in sessions
    assert school_days(school, D(2024, 9, 1), D(2024, 9, 30)) == [
        D(2024, 9, d) for d in (4, 5, 9, 10, 11, 12, 13, 18, 19, 20)
    ]
    assert school_weeks(school, D(2024, 9, 1), D(2024, 9, 30)) == [
        D(2024, 9, 2),
        D(2024, 9, 9),
        D(2024, 9, 16),
    ]


def test_a_school_meeting_on_saturdays_has_saturday_sessions():
    school = make_school(100002, meets_on_weekdays="123456")
    year = AcademicYear.objects.create(start_year=2024)
    Term.objects.create(school=school, academic_year=year, name="Autumn 1",
                        start_date=D(2024, 9, 2), end_date=D(2024, 9, 8))  # fmt: skip
    assert len(school_days(school, D(2024, 9, 1), D(2024, 9, 30))) == 6


def test_without_a_calendar_the_sessions_come_from_the_marks(tmp_path):
    school = make_school(100001)
    make_school(100003)
    ada = make_enrolment(make_pupil(forename="Ada"), school)
    ben = make_enrolment(make_pupil(forename="Ben"), school)
    other = make_enrolment(make_pupil(forename="Cal"), make_school(100004))
    header = ["upn", "school_urn", "date", "session", "code"]
    rows = [
        [ada.pupil.upn, 100001, "2024-09-09", "AM", "/"],
        [ben.pupil.upn, 100001, "2024-09-09", "PM", "I"],  # one mark is enough
        [ada.pupil.upn, 100001, "2024-09-10", "AM", "#"],  # every mark '#': closed
        [ben.pupil.upn, 100001, "2024-09-10", "AM", "#"],
        [ada.pupil.upn, 100001, "2024-09-10", "PM", "#"],  # mixed: met
        [ben.pupil.upn, 100001, "2024-09-10", "PM", "\\"],
        [ada.pupil.upn, 100001, "2024-09-23", "AM", "N"],
        [other.pupil.upn, 100004, "2024-09-11", "AM", "/"],  # another school
    ]
    import_file("marks", write_csv(tmp_path / "m.csv", header, rows))
    assert school_sessions(school, D(2024, 9, 1), D(2024, 9, 30)) == [
        (D(2024, 9, 9), "AM"), (D(2024, 9, 9), "PM"), (D(2024, 9, 10), "PM"), (D(2024, 9, 23), "AM"),
    ]  # fmt: skip
    assert school_days(school, D(2024, 9, 1), D(2024, 9, 30)) == [
        D(2024, 9, 9),
        D(2024, 9, 10),
        D(2024, 9, 23),
    ]
    assert school_weeks(school, D(2024, 9, 1), D(2024, 9, 30)) == [D(2024, 9, 9), D(2024, 9, 23)]


def test_each_academic_year_uses_its_calendar_if_it_has_one(tmp_path):
    school = make_school(100001)
    ada = make_enrolment(make_pupil(), school, admission=D(2024, 7, 1))
    header = ["upn", "school_urn", "date", "session", "code"]
    rows = [
        [ada.pupil.upn, 100001, "2024-07-15", "AM", "/"],
        [ada.pupil.upn, 100001, "2024-09-05", "AM", "/"],
    ]
    import_file("marks", write_csv(tmp_path / "m.csv", header, rows))
    year = AcademicYear.objects.create(start_year=2024)
    Term.objects.create(school=school, academic_year=year, name="Autumn 1",
                        start_date=D(2024, 9, 2), end_date=D(2024, 9, 3))  # fmt: skip
    NonSchoolDay.objects.create(school=school, date=D(2024, 9, 3), session="AM", kind="non_school_day")
    # 2023/24 has no calendar: marks say the school met on the AM of 15 July. 2024/25 has one: the marks of
    # 5 September (outside its terms) do not make it a school day.
    assert school_sessions(school, D(2024, 7, 1), D(2024, 9, 30)) == [
        (D(2024, 7, 15), "AM"), (D(2024, 9, 2), "AM"), (D(2024, 9, 2), "PM"), (D(2024, 9, 3), "PM"),
    ]  # fmt: skip

"""Small builders for the s19 tests: a school with its autumn terms, a pupil on roll, and a register written from
a day-by-day script ("II" = both sessions I, "I/" = I in the morning, present in the afternoon)."""

from __future__ import annotations

import datetime as dt

from attend.core.tests.factories import make_la, make_pupil, make_school
from attend.people.models import Enrolment
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, Term

TODAY = dt.date(2025, 11, 19)  # a Wednesday in the autumn term
AUTUMN_1 = (dt.date(2025, 9, 3), dt.date(2025, 10, 24))
AUTUMN_2 = (dt.date(2025, 11, 3), dt.date(2025, 12, 19))


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    return [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]


def add_terms(school) -> None:
    year = AcademicYear.objects.get_or_create(start_year=2025)[0]
    for name, (start, end) in (("Autumn 1", AUTUMN_1), ("Autumn 2", AUTUMN_2)):
        Term.objects.create(school=school, academic_year=year, name=name, start_date=start, end_date=end)


def school_with_pupil(*, terms: bool = True, la_code: str = "201", surname: str = "Ill"):
    la = make_la(la_code, "Northshire" if la_code == "201" else "Southshire")
    school = make_school(la=la)
    if terms:
        add_terms(school)
    pupil = make_pupil(school=school, surname=surname)
    return school, pupil, Enrolment.objects.get(pupil=pupil, school=school)


def write_register(enrolment, start: dt.date, end: dt.date, script: dict[dt.date, str] | None = None) -> None:
    """Present on every weekday from start to end, except the days in `script` (two codes: AM then PM)."""
    script = script or {}
    rows = []
    for day in weekdays(start, end):
        am, pm = script.get(day, "/\\")
        rows += [Mark(enrolment=enrolment, date=day, session="AM", code=am),
                 Mark(enrolment=enrolment, date=day, session="PM", code=pm)]  # fmt: skip
    Mark.objects.bulk_create(rows)


def days_coded(days: list[dt.date], codes: str) -> dict[dt.date, str]:
    return {day: codes for day in days}

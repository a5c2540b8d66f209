"""Small factories: pure inputs for rule tests, and database rows (marks via bulk_create) for service tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from attend.alerts.rules import DEFAULTS, PupilInput, SchoolContext
from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.people.upn import make_upn
from attend.registers.models import Mark
from attend.schools.models import LocalAuthority, School

_serial = itertools.count(1)

# Autumn term 2025: Monday 1 Sep to Friday 19 Dec, half-term 27-31 Oct.
HALF_TERM = (dt.date(2025, 10, 27), dt.date(2025, 10, 31))


def weekdays(
    start: dt.date, end: dt.date, skip: Iterable[tuple[dt.date, dt.date]] = (HALF_TERM,)
) -> list[dt.date]:
    """Mon-Fri dates from start to end inclusive, leaving out the `skip` ranges (holidays)."""
    skip = list(skip)
    days = []
    day = start
    while day <= end:
        if day.isoweekday() <= 5 and not any(a <= day <= b for a, b in skip):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def sessions_of(days: Iterable[dt.date]) -> tuple[tuple[dt.date, str], ...]:
    return tuple((d, s) for d in days for s in ("AM", "PM"))


def context(
    as_of: dt.date,
    days: Iterable[dt.date] | None = None,
    now: dt.time = dt.time(23, 59),
    settings: dict | None = None,
    **kwargs,
) -> SchoolContext:
    """A school that met on every session of `days` (default: weekdays from 1 Sep 2025 to as_of)."""
    days = weekdays(dt.date(2025, 9, 1), as_of) if days is None else list(days)
    merged = {rule: dict(values) for rule, values in DEFAULTS.items()}
    for rule, values in (settings or {}).items():
        merged[rule].update(values)
    return SchoolContext(
        school_id=1,
        as_of=as_of,
        now=now,
        year_start=dt.date(2025, 8, 1) if as_of >= dt.date(2025, 8, 1) else dt.date(2024, 8, 1),
        sessions=sessions_of(d for d in days if d <= as_of),
        settings=merged,
        **kwargs,
    )


def marks_for(
    sc: SchoolContext, fill: str = "/", overrides: dict | None = None, upto: dt.date | None = None
) -> tuple[tuple[dt.date, str, str], ...]:
    """A mark for every school session (AM '/', PM '\\' when fill is '/'), with {(date, session): code} overrides."""
    overrides = overrides or {}
    out = []
    for day, session in sc.sessions:
        if upto and day > upto:
            continue
        code = overrides.get((day, session))
        if code is None:
            code = "\\" if fill == "/" and session == "PM" else fill
        if code != "":
            out.append((day, session, code))
    return tuple(out)


def pupil_input(sc: SchoolContext, marks=(), **kwargs) -> PupilInput:
    """A Year 5 pupil (aged 9 on 31 Aug 2025) unless told otherwise."""
    defaults = {
        "enrolment_id": 1,
        "pupil_id": 1,
        "upn": "A000000000000",
        "date_of_birth": dt.date(2016, 3, 1),
        "nc_year": "5",
        "admission_date": dt.date(2021, 9, 1),
    }
    defaults.update(kwargs)
    return PupilInput(school=sc, marks=tuple(sorted(marks, key=lambda m: (m[0], m[1]))), **defaults)


# --- database rows ---------------------------------------------------------------------------------------------


def make_school(urn: int | None = None, la: LocalAuthority | None = None, **kwargs) -> School:
    if la is None:
        la, _ = LocalAuthority.objects.get_or_create(code="801", defaults={"name": "Bristol"})
    urn = urn or 100000 + next(_serial)
    return School.objects.create(
        urn=urn,
        laestab=f"{la.code}{urn % 10000:04d}",
        name=kwargs.pop("name", f"School {urn}"),
        phase=kwargs.pop("phase", School.Phase.PRIMARY),
        local_authority=la,
        **kwargs,
    )


def make_pupil(**kwargs) -> Pupil:
    serial = next(_serial)
    defaults = {
        "upn": make_upn("801", "2000", 21, serial),
        "legal_forename": f"Pupil{serial}",
        "legal_surname": f"Surname{serial:04d}",
        "date_of_birth": dt.date(2016, 3, 1),
        "sex": "F",
    }
    defaults.update(kwargs)
    return Pupil.objects.create(**defaults)


def make_enrolment(school: School, pupil: Pupil | None = None, **kwargs) -> Enrolment:
    defaults = {"admission_date": dt.date(2021, 9, 1), "nc_year": "5"}
    defaults.update(kwargs)
    return Enrolment.objects.create(pupil=pupil or make_pupil(), school=school, **defaults)


def make_contact(pupil: Pupil, priority: int, name: str, phone: str, relationship: str = "Parent") -> Contact:
    serial = next(_serial)
    forename, surname = name.split(" ", 1)
    contact = Contact.objects.create(
        contact_ref=f"C{serial}", forename=forename, surname=surname, phone_mobile=phone
    )
    PupilContact.objects.create(pupil=pupil, contact=contact, relationship=relationship, priority=priority)
    return contact


def add_marks(enrolment: Enrolment, marks: Iterable[tuple[dt.date, str, str]]) -> None:
    Mark.objects.bulk_create(Mark(enrolment=enrolment, date=d, session=s, code=c) for d, s, c in marks)


def fill_marks(enrolment: Enrolment, days: Iterable[dt.date], overrides: dict | None = None) -> None:
    """Present on every session of `days`, except {(date, session): code} overrides ('' = no mark)."""
    overrides = overrides or {}
    marks = []
    for day in days:
        for session, present in (("AM", "/"), ("PM", "\\")):
            code = overrides.get((day, session), present)
            if code:
                marks.append((day, session, code))
    add_marks(enrolment, marks)

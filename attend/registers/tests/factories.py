"""Small factories for import tests: an obviously fake local authority (code 999, "Testshire"), schools, pupils."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.people.upn import make_upn
from attend.schools.models import LocalAuthority, School

_serial = itertools.count(1)


def make_la(code: str = "999", name: str = "Testshire") -> LocalAuthority:
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_school(urn: int = 100001, *, name: str | None = None, phase: str = "primary", **fields) -> School:
    la = make_la()
    return School.objects.create(
        urn=urn,
        laestab=f"{la.code}{urn % 10000:04d}",
        name=name or f"Testshire School {urn}",
        phase=phase,
        local_authority=la,
        **fields,
    )


def make_pupil(
    *, upn: str | None = None, forename: str = "Testy", surname: str = "Fakeperson", **fields
) -> Pupil:
    defaults = {"date_of_birth": dt.date(2015, 3, 14), "sex": "F"}
    defaults.update(fields)
    return Pupil.objects.create(
        upn=upn or make_upn("999", "1234", 15, next(_serial)),
        legal_forename=forename,
        legal_surname=surname,
        **defaults,
    )


def make_enrolment(
    pupil: Pupil | None = None,
    school: School | None = None,
    *,
    admission: dt.date = dt.date(2024, 9, 2),
    leaving: dt.date | None = None,
    nc_year: str = "5",
    **fields,
) -> Enrolment:
    return Enrolment.objects.create(
        pupil=pupil or make_pupil(),
        school=school or School.objects.first() or make_school(),
        admission_date=admission,
        leaving_date=leaving,
        nc_year=nc_year,
        **fields,
    )


def make_contact(pupil: Pupil, *, ref: str | None = None, relationship: str = "Mother", **fields) -> Contact:
    contact = Contact.objects.create(
        contact_ref=ref or f"TEST-C{next(_serial):05d}",
        forename=fields.pop("forename", "Pretend"),
        surname=fields.pop("surname", "Fakeperson"),
        **fields,
    )
    PupilContact.objects.create(pupil=pupil, contact=contact, relationship=relationship, priority=1)
    return contact


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.isoweekday() <= 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days

"""A small school with one pupil, two parents and known marks (bulk_create, as the importers do)."""

from __future__ import annotations

import datetime as dt
import itertools

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.registers.models import Mark
from attend.schools.models import LocalAuthority, School
from attend.stats.tests.factories import school_days

from ..models import Letterhead

_seq = itertools.count(1)
AS_OF = dt.date(2026, 11, 25)  # a Wednesday


def make_school(*, hours: str = "6.50", name: str = "Northfield Primary School") -> School:
    la = LocalAuthority.objects.get_or_create(code="877", defaults={"name": "Northshire Council"})[0]
    n = next(_seq)
    school = School.objects.create(
        urn=190000 + n,
        laestab=f"877{2000 + n:04d}",
        name=name,
        phase="primary",
        local_authority=la,
        school_day_hours=hours,
    )
    Letterhead.objects.create(
        school=school,
        address="1 School Lane\nNorthtown\nNT1 1AA",
        phone="01632 960001",
        email="office@northfield.example",
        signatory_name="Jo Lee",
        signatory_role="Headteacher",
    )
    return school


def make_contact(
    surname="Kowalska", *, title="Mrs", forename="Anna", pr=True, pupil=None, priority=1, **fields
):
    n = next(_seq)
    defaults = {
        "phone_mobile": "07700900123",
        "email": f"{forename.lower()}{n}@example.com",
        "address_line1": "12 Elm Road",
        "town": "Northtown",
        "postcode": "NT2 3BB",
    }
    defaults.update(fields)
    contact = Contact.objects.create(
        contact_ref=f"C{n:05d}", title=title, forename=forename, surname=surname, **defaults
    )
    if pupil is not None:
        PupilContact.objects.create(
            pupil=pupil,
            contact=contact,
            relationship="Mother" if title != "Mr" else "Father",
            parental_responsibility=pr,
            lives_with_pupil=True,
            priority=priority,
        )
    return contact


def make_pupil(
    school: School,
    *,
    absences: int = 25,
    days: int = 60,
    born=dt.date(2017, 5, 4),
    nc_year="4",
    absence_code: str = "O",
    **fields,
) -> Pupil:
    """A pupil with `days` school days of marks from 1 September 2026: `absences` sessions absent (`absence_code`),
    spread over the term, the rest present."""
    n = next(_seq)
    pupil = Pupil.objects.create(
        upn=f"L{n:012d}",
        legal_forename=fields.pop("forename", "Amelia"),
        legal_surname=fields.pop("surname", "Kowalska"),
        date_of_birth=born,
        sex="F",
        **fields,
    )
    enrolment = Enrolment.objects.create(
        pupil=pupil, school=school, admission_date=dt.date(2026, 9, 1), nc_year=nc_year
    )
    sessions = [(d, s) for d in school_days(dt.date(2026, 9, 1), days) for s in ("AM", "PM")]
    step = max(1, len(sessions) // max(absences, 1))
    absent = set(range(0, step * absences, step)) if absences else set()
    Mark.objects.bulk_create(
        Mark(
            enrolment=enrolment,
            date=d,
            session=s,
            code=(absence_code if i in absent else ("/" if s == "AM" else "\\")),
        )
        for i, (d, s) in enumerate(sessions)
    )
    return pupil

"""A small world for the court tests: an LA, a school, a pupil on roll with a mother (parental responsibility),
an LA officer, and unauthorised absences in autumn 2025. Today is pinned to Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Enrolment, PupilContact
from attend.registers.models import Mark
from attend.registers.tests.factories import make_contact

TODAY = dt.date(2025, 11, 19)


def make_world(monkeypatch, *, looked_after: bool = False) -> dict:
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    la = make_la()
    school = make_school(la=la, name="Riverside Primary")
    pupil = make_pupil(school=school, surname="Doe", looked_after=looked_after)
    mother = make_contact(pupil, forename="Jane", surname="Doe")
    PupilContact.objects.filter(pupil=pupil, contact=mother).update(
        parental_responsibility=True, lives_with_pupil=True
    )
    officer = make_user("eva.officer", role=Membership.Role.LA_OFFICER, local_authority=la)
    officer.first_name, officer.last_name = "Eva", "Officer"
    officer.save()
    return {"la": la, "school": school, "pupil": pupil, "mother": mother, "officer": officer}


def add_absences(pupil, school, days: list[dt.date], code: str = "O") -> None:
    enrolment = Enrolment.objects.get(pupil=pupil, school=school)
    Mark.objects.bulk_create(
        [Mark(enrolment=enrolment, date=d, session=s, code=code) for d in days for s in ("AM", "PM")]
    )

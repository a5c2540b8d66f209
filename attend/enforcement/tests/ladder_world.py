"""A small world for the ladder tests: Maya Okafor (born 1 January 2015, Year 5) at Alder Primary, Northshire.

Contacts: Grace Okafor, her mother (parental responsibility, lives with her); Ruth Okafor, her grandmother (no
parental responsibility, cares for her: lives with her), a parent in the s576 sense; Tom Neighbour, an emergency
contact (neither), who is not. Officers: Sam, an LA officer in Northshire; Lee, Alder's attendance lead; Kim, an LA
manager; Pat, an officer in Southshire (out of scope).

Marks from Monday 3 November 2025 (a notice to improve's start) to Wednesday 19 November ("today"): 13 school days,
26 sessions: 22 present (/ and \\), 1 late before the register closed (L, present), and 3 unauthorised: O on Tue
4 Nov AM, G on Mon 10 Nov PM, U on Fri 14 Nov AM. Possible 26, attended 23, unauthorised 3.
Thursday 20 November (after today) has O O, which no count up to today includes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, Enrolment, PupilContact
from attend.registers.models import Mark

R = Membership.Role
TODAY = dt.date(2025, 11, 19)
NTI_START = dt.date(2025, 11, 3)
DAYS = [dt.date(2025, 11, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18, 19)]
UNAUTHORISED = {
    (dt.date(2025, 11, 4), "AM"): "O",
    (dt.date(2025, 11, 10), "PM"): "G",
    (dt.date(2025, 11, 14), "AM"): "U",
}
LATE = {(dt.date(2025, 11, 12), "AM"): "L"}


def contact(pupil, ref, forename, *, relationship, pr, lives_with, surname="Okafor") -> Contact:
    c = Contact.objects.create(
        contact_ref=ref, title="Mrs", forename=forename, surname=surname, address_line1="4 Elm Road",
        town="Northtown", postcode="NT1 2AB", email=f"{forename.lower()}@example.com",
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=pupil,
        contact=c,
        relationship=relationship,
        parental_responsibility=pr,
        lives_with_pupil=lives_with,
    )
    return c


def add_marks(enrolment: Enrolment) -> None:
    rows = []
    for day in DAYS:
        for session in ("AM", "PM"):
            code = (
                UNAUTHORISED.get((day, session))
                or LATE.get((day, session))
                or ("/" if session == "AM" else "\\")
            )
            rows.append(Mark(enrolment=enrolment, date=day, session=session, code=code))
    rows += [Mark(enrolment=enrolment, date=dt.date(2025, 11, 20), session=s, code="O") for s in ("AM", "PM")]
    Mark.objects.bulk_create(rows)


def make_ladder_world() -> dict:
    la = make_la()
    south = make_la(code="202", name="Southshire")
    alder = make_school(la=la, name="Alder Primary")
    cedar = make_school(la=south, name="Cedar Primary")
    maya = make_pupil(legal_forename="Maya", surname="Okafor")
    maya.date_of_birth = dt.date(2015, 1, 1)
    maya.save()
    enrolment = Enrolment.objects.create(
        pupil=maya, school=alder, admission_date=dt.date(2021, 9, 1), nc_year="5"
    )
    add_marks(enrolment)
    kit = make_pupil(school=cedar, legal_forename="Kit", surname="Faraway")
    w = {
        "la": la, "south": south, "alder": alder, "cedar": cedar, "maya": maya, "enrolment": enrolment, "kit": kit,
        "mother": contact(maya, "C-1", "Grace", relationship="Mother", pr=True, lives_with=True),
        "grandmother": contact(maya, "C-2", "Ruth", relationship="Grandmother", pr=False, lives_with=True),
        "neighbour": contact(maya, "C-3", "Tom", relationship="Neighbour", pr=False, lives_with=False,
                             surname="Neighbour"),
        "kit_parent": contact(kit, "C-9", "Alex", relationship="Father", pr=True, lives_with=True,
                              surname="Faraway"),
        "sam": make_user("sam", role=R.LA_OFFICER, local_authority=la),
        "lee": make_user("lee", role=R.ATTENDANCE_LEAD, school=alder),
        "kim": make_user("kim", role=R.LA_MANAGER, local_authority=la),
        "pat": make_user("pat", role=R.LA_OFFICER, local_authority=south),
    }  # fmt: skip
    return w


@pytest.fixture(name="ladder")
def ladder_fixture(db, monkeypatch, settings, tmp_path):
    """The world, with the clock at Wednesday 19 November 2025 (import this fixture into a test module)."""
    monkeypatch.setenv("ATTEND_TODAY", TODAY.isoformat())
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    return make_ladder_world()

"""A small LA for the caseload, attachments, families, work-list and retention tests: Northshire (Alder and Beech
primaries) and Southshire (Cedar). Officers: an LA officer and an LA manager in Northshire, a school officer at
Alder, and one at Cedar. Today is pinned by each test to Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.accounts.models import Membership
from attend.casework.cases import open_case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def make_caseworld() -> dict:
    la, south = make_la(), make_la(code="202", name="Southshire")
    alder, beech = make_school(la=la, name="Alder Primary"), make_school(la=la, name="Beech Primary")
    cedar = make_school(la=south, name="Cedar Primary")
    w = {"la": la, "south": south, "alder": alder, "beech": beech, "cedar": cedar}
    w["amy"] = make_pupil(school=alder, surname="Okafor", legal_forename="Amy")
    w["ben"] = make_pupil(school=beech, surname="Okafor", legal_forename="Ben")
    w["kit"] = make_pupil(school=cedar, surname="Faraway", legal_forename="Kit")
    w["la_officer"] = make_user("la.officer", role=R.LA_OFFICER, local_authority=la)
    w["la_manager"] = make_user("la.manager", role=R.LA_MANAGER, local_authority=la)
    w["alder_officer"] = make_user("alder.officer", role=R.SCHOOL_OFFICER, school=alder)
    w["cedar_officer"] = make_user("cedar.officer", role=R.SCHOOL_OFFICER, school=cedar)
    w["amy_case"], _ = open_case(by=w["la_officer"], pupil=w["amy"], school=alder, occurred_at=at(TODAY))
    w["kit_case"], _ = open_case(by=w["cedar_officer"], pupil=w["kit"], school=cedar, occurred_at=at(TODAY))
    return w

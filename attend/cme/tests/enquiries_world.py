"""A small world for the enquiry tests: Northshire (Alder Primary, Birch Primary), Southshire (Cedar Primary);
Amy Khan on Alder's roll with a cme_20_days alert; Ben Ode on Cedar's roll; an LA officer and a school officer
for Alder, and one Southshire LA officer. Today is pinned to Wednesday 19 November 2025 by the caller."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user

R = Membership.Role
TODAY = dt.date(2025, 11, 19)


def at(day: dt.date, hhmm: str = "09:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def person(username, first, last, role, password=None, **scope):
    user = make_user(username, role=role, password=password, **scope)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def cme_alert(pupil, school, rule="cme_20_days") -> Alert:
    enrolment = pupil.enrolments.get(school=school)
    return Alert.objects.create(
        rule=rule, pupil=pupil, enrolment=enrolment, school=school, raised_on=TODAY, last_evaluated_on=TODAY,
        reason="Absent for 20 continuous school days (N and O) since 21 October 2025", measure=20,
        peak_measure=20, priority=1,
    )  # fmt: skip


def make_enquiry_world(password=None) -> dict:
    north = make_la("201", "Northshire")
    south = make_la("202", "Southshire")
    alder = make_school(la=north, name="Alder Primary")
    birch = make_school(la=north, name="Birch Primary")
    cedar = make_school(la=south, name="Cedar Primary")
    amy = make_pupil(school=alder, surname="Khan", legal_forename="Amy")
    ben = make_pupil(school=cedar, surname="Ode", legal_forename="Ben")
    return {
        "north": north, "south": south, "alder": alder, "birch": birch, "cedar": cedar, "amy": amy, "ben": ben,
        "alert": cme_alert(amy, alder),
        "la_officer": person("lee.la", "Lee", "Officer", R.LA_OFFICER, password, local_authority=north),
        "school_officer": person("sam.school", "Sam", "Patel", R.SCHOOL_OFFICER, password, school=alder),
        "birch_officer": person("bea.birch", "Bea", "Birch", R.SCHOOL_OFFICER, password, school=birch),
        "south_officer": person("sid.south", "Sid", "South", R.LA_OFFICER, password, local_authority=south),
    }  # fmt: skip

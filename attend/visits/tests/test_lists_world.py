"""A small world for the visit-list and risk tests (no tests here; imported by test_lists*.py and test_risks*.py).

Northshire: Alder Primary (Sam, a school attendance officer; Pat, the attendance lead in the office) and Beech Primary; Lee, an
LA officer. Southshire: Cedar Primary. On Wednesday 19 November 2025:
- Amy Khan (Alder, on a child protection plan): her mother at 12 Elm Road, LS9 7AB; her father at a confidential
  address. No reason for absence today.
- Ben Jones (Alder): no reason for absence today, not vulnerable.
- Dan Ward (Alder): absent (N) for the last 10 school days and today.
- Cara Lowe (Beech, a child in need): no reason for absence today (Lee's, not Sam's).
- Kit Faraway (Cedar, Southshire, looked after): no reason for absence today (nobody's here).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.accounts.models import Membership
from attend.alerts.models import Alert
from attend.casework.cases import open_case
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, ContactSafety, Enrolment, PupilContact
from attend.registers.models import Mark

TODAY = dt.date(2025, 11, 19)
R = Membership.Role


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def contact_for(pupil, *, forename, surname, line1, postcode, relationship="Mother", priority=1, **fields):
    contact = Contact.objects.create(
        contact_ref=f"C-{pupil.pk}-{priority}", forename=forename, surname=surname, address_line1=line1,
        town="Leeds", postcode=postcode, **fields,
    )  # fmt: skip
    PupilContact.objects.create(
        pupil=pupil,
        contact=contact,
        relationship=relationship,
        priority=priority,
        lives_with_pupil=priority == 1,
    )
    return contact


def first_day_alert(pupil, day: dt.date = TODAY) -> Alert:
    enrolment = Enrolment.objects.get(pupil=pupil)
    return Alert.objects.create(
        rule="first_day", key=day.isoformat(), pupil=pupil, enrolment=enrolment, school=enrolment.school,
        raised_on=day, last_evaluated_on=day, reason="No reason given for absence today.",
        evidence=[[day.isoformat(), "AM", "N"]], measure=1, peak_measure=1, priority=0,
    )  # fmt: skip


def school_days_before(day: dt.date, n: int) -> list[dt.date]:
    days, d = [], day
    while len(days) < n:
        d -= dt.timedelta(days=1)
        if d.weekday() < 5:
            days.append(d)
    return days


def make_world() -> dict:
    la, south = make_la(), make_la("202", "Southshire")
    alder, beech = make_school(la=la, name="Alder Primary"), make_school(la=la, name="Beech Primary")
    cedar = make_school(la=south, name="Cedar Primary")
    sam = make_user("sam.officer", role=R.SCHOOL_OFFICER, school=alder)
    sam.first_name, sam.last_name = "Sam", "Patel"
    sam.save()
    pat = make_user("pat.lead", role=R.ATTENDANCE_LEAD, school=alder)
    lee = make_user("lee.la", role=R.LA_OFFICER, local_authority=la)
    other = make_user("cedar.officer", role=R.SCHOOL_OFFICER, school=cedar)
    amy = make_pupil(school=alder, surname="Khan", legal_forename="Amy", child_protection_plan=True)
    ben = make_pupil(school=alder, surname="Jones", legal_forename="Ben")
    dan = make_pupil(school=alder, surname="Ward", legal_forename="Dan")
    cara = make_pupil(school=beech, surname="Lowe", legal_forename="Cara", child_in_need=True)
    kit = make_pupil(school=cedar, surname="Faraway", legal_forename="Kit", looked_after=True)
    mother = contact_for(
        amy,
        forename="Nadia",
        surname="Khan",
        line1="12 Elm Road",
        postcode="ls9 7ab",
        phone_mobile="07700 900123",
    )
    father = contact_for(
        amy, forename="Omar", surname="Khan", line1="3 Hidden Lane", postcode="LS2 9ZZ", relationship="Father",
        priority=2,
    )  # fmt: skip
    ContactSafety.objects.create(
        contact=father, address_confidential=True, confidential_reason="Non-molestation order"
    )
    contact_for(ben, forename="Beth", surname="Jones", line1="4 Oak Street", postcode="LS1 2CD")
    contact_for(dan, forename="Dee", surname="Ward", line1="9 Ash Grove", postcode="LS9 1AA")
    contact_for(cara, forename="Cath", surname="Lowe", line1="7 Birch Way", postcode="LS6 3EF")
    contact_for(kit, forename="Alex", surname="Faraway", line1="1 Cedar Row", postcode="SO1 1AA")
    at_alder = Enrolment.objects.get(pupil=dan)
    Mark.objects.bulk_create(
        Mark(enrolment=at_alder, date=d, session=s, code="N")
        for d in school_days_before(TODAY, 10)
        for s in ("AM", "PM")
    )
    alerts = {p.legal_forename.lower(): first_day_alert(p) for p in (amy, ben, dan, cara, kit)}
    amy_case, _ = open_case(by=sam, pupil=amy, school=alder)
    kit_case, _ = open_case(by=other, pupil=kit, school=cedar)
    return {
        "la": la, "south": south, "alder": alder, "beech": beech, "cedar": cedar, "sam": sam, "pat": pat,
        "lee": lee, "other": other, "amy": amy, "ben": ben, "dan": dan, "cara": cara, "kit": kit,
        "mother": mother, "father": father, "alerts": alerts, "amy_case": amy_case, "kit_case": kit_case,
    }  # fmt: skip

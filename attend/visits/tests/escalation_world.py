"""A small world for the lone-worker tests: Alder Primary in Northshire, Olive the school's attendance officer out
on a round of two risk-checked visits, the office, manager and duty manager contacts, and a fixed clock
(Wednesday 19 November 2025; Europe/London is on GMT then)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attend.accounts.models import Membership
from attend.core.tests.factories import make_la, make_pupil, make_school, make_user
from attend.people.models import Contact, PupilContact
from attend.visits import lone
from attend.visits.models import EscalationContact, OfficerProfile, Round, Visit

R = Membership.Role
DAY = dt.date(2025, 11, 19)


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def make_officer(school, username="olive", first="Olive", last="Officer"):
    user = make_user(username, role=R.SCHOOL_OFFICER, school=school)
    user.first_name, user.last_name = first, last
    user.save()
    OfficerProfile.objects.create(
        user=user,
        mobile="07700 900123",
        vehicle_make="Ford",
        vehicle_model="Fiesta",
        vehicle_registration="AB12 CDE",
        vehicle_colour="Blue",
        description="Short grey hair, red raincoat",
    )
    return user


def make_contacts(owner: dict, prefix: str = "") -> dict:
    found = {}
    for level, name, email, mobile in (
        ("office", "Olu Office", "office@alder.example", "07700 900201"),
        ("manager", "Mina Manager", "manager@alder.example", "07700 900202"),
        ("duty_manager", "Dee Duty", "duty@northshire.example", "07700 900203"),
    ):
        found[level] = EscalationContact.objects.create(
            level=level,
            name=f"{prefix}{name}",
            email=(prefix.strip().lower() + "-" if prefix else "") + email,
            mobile=mobile,
            **owner,
        )
    return found


def make_round(school, officer, *, day: dt.date = DAY) -> Round:
    pupil = make_pupil(school=school, surname="Parent", legal_forename="Sam")
    parent = Contact.objects.create(
        contact_ref=f"C-{pupil.pk}", forename="Pat", surname="Parent", phone_home="01632 960111",
        address_line1="12 Acacia Road", postcode="NO1 2AB",
    )  # fmt: skip
    PupilContact.objects.create(pupil=pupil, contact=parent, relationship="Mother", priority=1)
    round_ = Round.objects.create(officer=officer, school=school, day=day, created_by=officer)
    for order, (address, postcode) in enumerate(
        (("12 Acacia Road\nNorthtown", "NO1 2AB"), ("3 Birch Close\nNorthtown", "NO1 3CD")), start=1
    ):
        Visit.objects.create(
            round=round_, order=order, pupil=pupil if order == 1 else None, contact=parent if order == 1 else None,
            address=address, postcode=postcode, source=Visit.Source.CASE, reason="Persistent absence",
            planned_for=day, risk_checked_at=at("08:30", day), risk_checked_by=officer, mode=Visit.Mode.ALONE,
        )  # fmt: skip
    return round_


def start(round_, *, now: dt.datetime, first_check_in: dt.datetime, back: dt.datetime | None = None) -> Round:
    return lone.start_round(
        round_,
        by=round_.officer,
        expected_back_at=back or first_check_in + dt.timedelta(hours=2),
        now=now,
        first_check_in_at=first_check_in,
    )


@pytest.fixture
def world(db, monkeypatch, settings):
    monkeypatch.setenv("ATTEND_TODAY", DAY.isoformat())
    settings.ATTEND_VISITS_GRACE_MINUTES = 15
    settings.ATTEND_VISITS_REPEAT_MINUTES = 15
    settings.ATTEND_VISITS_OFFICE_HOURS = "08:00-18:00"
    settings.ATTEND_NOTIFY_RETRY_DELAYS = []  # the engine retries; no sleeping inside the transport
    la = make_la()
    school = make_school(la=la, name="Alder Primary")
    officer = make_officer(school)
    office_user = make_user("olu", role=R.SCHOOL_OFFICER, school=school)
    office_user.first_name, office_user.last_name = "Olu", "Office"
    office_user.save()
    contacts = make_contacts({"school": school})
    round_ = make_round(school, officer)
    return {"la": la, "school": school, "officer": officer, "office_user": office_user, "contacts": contacts,
            "round": round_}  # fmt: skip

"""Meetings, consent, barriers and safeguarding for the demo LA's cases (seed 000: telephone and video meetings with
families who refused visits). Called by the demo with the cases it opened: `add_demo_meetings(cases)`.

For cases in turn: a telephone meeting held a week before today, recorded under its agenda's headings with two
agreed actions (which start the support plan); a parent's consent to direct work and a video session booked for
next week; a parent with no technology at home and low literacy (telephone only); and, for one case in ten, a
concern raised to the school's DSL. No messages are sent (the demo does not email families)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.core import clock
from attend.people.models import ContactSafety

from . import meeting_records, meetings, safeguarding
from .models import Case, Meeting, PlanAction

AGENDA = "How things are going at school\nWhat makes getting to school hard\nWhat would help"
NOTES = [
    "Settled in class; gets on well with the form tutor.",
    "Mornings are hard: a younger sibling's nursery run, and the bus is often full.",
    "A breakfast club place, and a check-in with a key adult on Mondays.",
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _by(case: Case):
    return case.la_officer or case.school_lead or case.opened_by


def add_demo_meetings(cases) -> int:
    """Add meetings (and the rest) to these cases; returns how many meetings were made."""
    today = clock.today()
    made = 0
    for i, case in enumerate(c for c in cases if c.pupil_id and c.is_open):
        by = _by(case)
        links = meetings.case_contacts(case)
        parent = links[0].contact if links else None
        held = Meeting.objects.create(
            case=case,
            method=Meeting.Method.TELEPHONE,
            purpose=Meeting.Purpose.PARENT_MEETING,
            starts_at=_at(today - dt.timedelta(days=7), 10),
            agenda=AGENDA,
            joining_details=f"We will call you on {parent.phone_mobile}."
            if parent and parent.phone_mobile
            else "",
            created_by=by,
        )
        rec = meeting_records.MeetingRecord(
            held=True,
            notes=NOTES,
            child_heard=i % 2 == 0,
            parent_words="Mornings are a battle, but we want this to work.",
            participants=f"{parent}\nAttendance officer" if parent else "Attendance officer",
            actions=[
                meeting_records.AgreedAction(
                    "Offer a breakfast club place", PlanAction.Owner.SCHOOL, today + dt.timedelta(7)
                ),
                meeting_records.AgreedAction(
                    "Walk to school together on Mondays", PlanAction.Owner.PARENT, today + dt.timedelta(14)
                ),
            ],  # fmt: skip
            next_step="Review attendance with the family",
            next_step_due=today + dt.timedelta(days=21),
        )
        meeting_records.record_meeting(held, rec, by=by, version=held.version)
        made += 1
        if parent is None:
            continue
        if i % 3 == 0:
            meetings.consent_record(
                case,
                by=by,
                how="telephone",
                given_on=today - dt.timedelta(days=7),
                expires_on=today + dt.timedelta(days=70),
                contact=parent,
                contact_number=parent.phone_mobile or parent.phone_home or "01632 960000",
            )
            booking = meetings.Booking(
                method=Meeting.Method.VIDEO,
                purpose=Meeting.Purpose.DIRECT_WORK,
                starts_at=_at(today + dt.timedelta(days=7), 16),
                length_minutes=30,
                agenda="What a good day at school looks like\nWho helps you in school",
                joining_details="The link will come by email to your parent, not to you.",
                series="Talking about school",
                purpose_shared="To hear, in their own words, what makes school hard and what would help.",
            )
            try:
                meetings.book_meeting(case, booking, by=by)
                made += 1
            except meetings.Refused:
                pass
        elif i % 3 == 1:
            ContactSafety.objects.update_or_create(
                contact=parent,
                defaults={"barriers": ["no_technology", "literacy"], "barriers_note": "Prefers a phone call"},
            )
        if i % 10 == 4 and case.school_id:
            safeguarding.raise_concern(
                case,
                by=by,
                summary="Child said there is no food at home most evenings (demo).",
                link=f"/cases/{case.ref}/safeguarding/",
            )
    return made

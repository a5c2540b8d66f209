"""Letters and messages for the demo LA: each stage sent to a few pupils, with realistic statuses.

Nothing leaves the machine: messages are composed and rendered exactly as for real, then recorded with the
statuses GOV.UK Notify or the school would report (provider "demo"). The demo command calls
`record_demo_letters(school_ids=..., as_of=...)` after the alerts are evaluated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attend.people.models import Enrolment
from attend.schools.models import School

from . import followup
from .compose import MessageError, compose, liable_contacts
from .context import Meeting
from .figures import attendance_figures
from .models import Letterhead, Message
from .services import message_create

S = Message.Status
# (template, route, statuses cycled over the pupils)
STAGES = [
    ("first_day_absence_sms", "sms", [S.DELIVERED, S.DELIVERED, S.FAILED]),
    ("first_day_absence_email", "email", [S.SENT]),
    ("concern_stage_1", "post", [S.DELIVERED, S.SENT, S.RETURNED]),
    ("concern_stage_2", "post", [S.SENT]),
    ("meeting_invitation", "email", [S.SENT]),
    ("concern_stage_3", "post", [S.SENT, S.HELD]),
    ("action_plan", "print", [S.SENT]),
    ("home_visit_card", "print", [S.SENT]),
    ("positive_recognition", "post", [S.SENT]),
]
REASONS = {
    S.FAILED: "GOV.UK Notify said (400): phone_number Not a UK mobile number",
    S.RETURNED: "GOV.UK Notify: returned-letter (addressee gone away)",
    S.HELD: "Held for review: Medical condition",
}


def _letterheads(schools) -> None:
    for school in schools:
        Letterhead.objects.get_or_create(
            school=school,
            defaults={
                "address": f"{school.name}\nSchool Lane\nNorthtown\nNT1 1AA",
                "phone": "01632 960000",
                "email": "office@school.example",
                "signatory_name": "Attendance team",
            },
        )


def record_demo_letters(*, school_ids, as_of: dt.date, by=None, pupils: int = 6) -> int:
    """Record the stages above for the pupils who have missed most this year (the same few pupils go through
    every stage, so their pages tell a story). Returns how many messages were recorded."""
    schools = list(School.objects.filter(pk__in=school_ids))
    _letterheads(schools)
    enrolments = list(
        Enrolment.objects.filter(school__in=schools, admission_date__lte=as_of)
        .select_related("school", "school__local_authority", "pupil")
        .order_by("pk")[:400]
    )
    figures = attendance_figures(enrolments, as_of)
    ranked = sorted((e for e in enrolments if e.pk in figures), key=lambda e: -figures[e.pk].year.sessions)
    chosen = [e for e in ranked if liable_contacts(e.pupil)][:pupils]
    meeting = Meeting(
        kind="telephone call",
        date=as_of + dt.timedelta(days=7),
        time="10:00am",
        length="about 30 minutes",
        how_to_join="We will phone you on the number we hold.",
        agenda="How things are going, what makes school hard, and what would help.",
    )
    made = 0
    for stage, (name, route, statuses) in enumerate(STAGES):
        day = as_of - dt.timedelta(days=7 * (len(STAGES) - stage))
        for i, e in enumerate(chosen):
            contact = liable_contacts(e.pupil)[0].contact
            try:
                draft = compose(
                    template_name=name,
                    pupil=e.pupil,
                    contact=contact,
                    route=route,
                    as_of=day,
                    by=by,
                    figures=figures[e.pk],
                    meeting=meeting,
                )
                message = message_create(draft, as_of=day, by=by, key=f"demo/{name}/{e.pupil.upn}")
            except MessageError:
                continue  # no address for this route: the demo skips, as a real batch would report
            status = statuses[i % len(statuses)]
            sent_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
            Message.objects.filter(pk=message.pk).update(
                status=status,
                provider="demo",
                status_reason=REASONS.get(status, ""),
                hold_reason=REASONS[S.HELD].removeprefix("Held for review: ") if status == S.HELD else "",
                sent_at=None if status == S.HELD else sent_at,
                status_at=sent_at,
                created_at=sent_at,
            )
            if status == S.RETURNED:  # as Notify's report would: the work list asks for an address check
                message.refresh_from_db()
                followup.returned_post(message, by=by)
            made += 1
    return made

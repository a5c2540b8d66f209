"""Telling the LA of each new, changed or ended part-time timetable: a message through Letters (issue 17).

The shipped template `timetable_la_notice` (attend/letters/defaults.py; an LA or school may make its own copy) is
composed with the timetable's facts and recorded as a `letters.Message` to the LA's address
(`ATTEND_LA_NOTIFY_EMAIL`, else the LA's letterhead email), then sent once (SMTP or GOV.UK Notify by
ATTEND_EMAIL_VIA). The message goes on the pupil's open case chronology through the `message_recorded` receiver,
and the notice is audited as `partnership.timetable.la_notified`. The idempotency key names the timetable, the
change and the timetable's version, so the same change is never notified twice.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from attend import audit
from attend.casework.models import OPEN_CASE_STATUSES, Case, EntryKind, LaScrutiny, PartTimeTimetable
from attend.core import clock
from attend.letters.compose import MessageError, compose
from attend.letters.context import Timetable
from attend.letters.models import Letterhead, LetterTemplate, Message
from attend.letters.services import message_create, message_send

TEMPLATE = "timetable_la_notice"
CHANGE_WORDS = {"new": "New", "changed": "Changed", "ended": "Ended"}


def _d(day) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not set"


def la_address(timetable: PartTimeTimetable) -> str:
    configured = getattr(settings, "ATTEND_LA_NOTIFY_EMAIL", "")
    if configured:
        return configured
    head = Letterhead.objects.filter(local_authority_id=timetable.school.local_authority_id).first()
    return head.email if head else ""


def notice_key(timetable: PartTimeTimetable, what: str) -> str:
    """One notice per timetable, change and version: the same change twice is refused by Letters."""
    return f"{TEMPLATE}/{timetable.pk}/{what}/v{timetable.version}"


def notices_for(timetable: PartTimeTimetable):
    """The notices sent to the LA about a timetable, newest first (for its page)."""
    return Message.objects.filter(idempotency_key__startswith=f"{TEMPLATE}/{timetable.pk}/").order_by("-pk")


def timetable_fields(timetable: PartTimeTimetable, what: str) -> Timetable:
    """The timetable's facts in words, for the template's `timetable.*` fields."""
    hours = f"{timetable.hours_per_week.normalize():f} hours" if timetable.hours_per_week is not None else ""
    sessions = f"{timetable.sessions_per_week} session{'' if timetable.sessions_per_week == 1 else 's'}"
    if timetable.la_scrutiny == LaScrutiny.NOT_NEEDED:
        scrutiny = "No: the reason is not related to behaviour"
    else:
        scrutiny = f"Yes: the reason is related to behaviour ({timetable.get_la_scrutiny_display()})"
    return Timetable(
        change=CHANGE_WORDS[what],
        upn=timetable.pupil.upn,
        hours_per_week=hours or "hours not recorded",
        sessions_per_week=sessions,
        start=_d(timetable.start),
        end=_d(timetable.end),
        review_date=_d(timetable.review_date),
        reason=f"{timetable.get_reason_category_display()}: {timetable.reason}",
        return_plan=timetable.return_plan or "Not recorded",
        status=timetable.get_status_display(),
        scrutiny=scrutiny,
        justification=timetable.behaviour_justification if timetable.behaviour_related else "",
    )


def _compose_and_send(timetable: PartTimeTimetable, what: str, to: str, by) -> Message:
    """Compose the notice, record it (MessageError if this change was notified already) and send it."""
    enrolment = (
        timetable.pupil.enrolments.filter(school=timetable.school)
        .select_related("school", "school__local_authority")
        .order_by("-admission_date")
        .first()
    )
    draft = compose(
        template_name=TEMPLATE,
        pupil=timetable.pupil,
        contact=None,
        route=Message.Route.EMAIL,
        as_of=clock.today(),
        by=by,
        timetable=timetable_fields(timetable, what),
        with_pdf=False,
        check_address=False,
        enrolment=enrolment,
    )
    draft.recipient = to
    message = message_create(draft, as_of=clock.today(), by=by, key=notice_key(timetable, what))
    return message_send(message, by=by)


def notify_la(timetable: PartTimeTimetable, *, what: str, by=None) -> Message | None:
    """Tell the LA of a new, changed or ended timetable through Letters; audit it. Returns the message (None when
    the LA has no address, when this change was notified already, or when the notice could not be made: each
    audited with the reason, and the first and last noted on the open case)."""
    to = la_address(timetable)
    if to and Message.objects.filter(idempotency_key=notice_key(timetable, what)).exists():
        return None  # this change was notified already: never twice
    message, reason = None, ""
    if not to:
        reason = "no LA address is set"
    else:
        try:
            message = _compose_and_send(timetable, what, to, by)
        except (MessageError, LetterTemplate.DoesNotExist) as exc:
            reason = str(exc)
    sent = message is not None and message.status == Message.Status.SENT
    if sent:
        PartTimeTimetable.objects.filter(pk=timetable.pk).update(la_notified_at=timezone.now())
    audit.record(
        "partnership.timetable.la_notified",
        by=by,
        obj=timetable,
        pupil=timetable.pupil,
        school=timetable.school,
        data={
            "what": what,
            "to": to or "no LA address set",
            "sent": sent,
            "message": message.pk if message else None,
            "reason": (message.status_reason if message else reason)[:300],
        },
    )
    if message is None:
        _note_not_told(timetable, what, reason, by)
    return message


def _note_not_told(timetable: PartTimeTimetable, what: str, reason: str, by) -> None:
    """A notice that could not even be recorded as a message goes on the open case as a note (a message that was
    recorded, sent or failed, is put there by the `message_recorded` receiver)."""
    case = Case.objects.filter(pupil=timetable.pupil, status__in=OPEN_CASE_STATUSES).order_by("-pk").first()
    if case is None:
        return
    from attend.casework.chronology import record_entry

    record_entry(
        case,
        kind=EntryKind.NOTE,
        summary=f"{CHANGE_WORDS[what]} part-time timetable from {_d(timetable.start)} to {_d(timetable.end)}; "
        f"the LA could not be told: {reason}",
        by=by,
        source="partnership",
        source_ref=f"casework.PartTimeTimetable:{timetable.pk}",
    )

"""What happens to a penalty notice after issue, each a `NoticeEvent` (never an edit): service, withdrawal and the
decision at 28 days unpaid; and the work-list item asking for that decision. Payments: payments.py.

- Service (2007 Regulations reg 20): who served it, how (by hand, left at the address, first-class post) and where;
  receipt deemed by the method (statute.received_on). Email, SMS and second-class post are refused.
- Unpaid after 28 days from receipt: the LA must prosecute for the original offence (EA 1996 s444) or withdraw the
  notice, on one of the closed grounds (2007 Regulations reg 21 as amended; the PRM return's categories).
  Paid in full stops every escalation step: neither decision is open for a paid notice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from attend import audit
from attend.alerts.events import NOTICE_DECISION, clear_alerts, raise_prompt
from attend.alerts.models import OPEN_STATUSES, Alert
from attend.casework.chronology import record_entry
from attend.casework.models import EntryKind
from attend.core import clock
from attend.people.models import Enrolment

from . import statute
from .models import NoticeEvent, PenaltyNotice
from .notices import notice_status, received_on

E = NoticeEvent.Kind


class EventRefused(ValueError):
    """The event cannot be recorded; the message says why."""


def _check_day(notice: PenaltyNotice, on: dt.date, what: str) -> None:
    if on > clock.today():
        raise EventRefused(f"The date {what} cannot be in the future.")
    if on < notice.issue_date:
        raise EventRefused(
            f"The date {what} cannot be before the notice was issued ({notice.issue_date:%d/%m/%Y})."
        )


def _chronology(notice: PenaltyNotice, summary: str, by, request) -> None:
    if notice.case_id:
        record_entry(notice.case, kind=EntryKind.ENFORCEMENT, summary=summary, by=by, request=request)


def serve(notice: PenaltyNotice, *, method: str, on: dt.date, served_by: str, address: str, by, request=None):
    """Record service; receipt is deemed by the method. Refused: not a lawful method, already served, withdrawn."""
    _check_day(notice, on, "of service")
    if not served_by.strip():
        raise EventRefused("Enter who served the notice.")
    if not address.strip():
        raise EventRefused("Enter where the notice was served (the address).")
    try:
        received = statute.received_on(method, on)
    except statute.NotService as refused:
        raise EventRefused(str(refused)) from None
    except ValueError as unknown_year:
        raise EventRefused(str(unknown_year)) from None
    if received_on(notice) is not None:
        raise EventRefused(f"Notice {notice.number} has already been served.")
    if notice_status(notice) == "withdrawn":
        raise EventRefused(f"Notice {notice.number} has been withdrawn.")
    with transaction.atomic():
        event = NoticeEvent.objects.create(
            notice=notice,
            kind=E.SERVED,
            on=on,
            method=method,
            served_by=served_by.strip(),
            served_at_address=address.strip(),
            received_on=received,
            by=by,
        )
        reduced_by, full_by = statute.payment_deadlines(received)
        _chronology(
            notice,
            f"Penalty notice {notice.number} served ({NoticeEvent.Method(method).label.lower()}) by "
            f"{served_by.strip()} on {on:%d/%m/%Y}; received {received:%d/%m/%Y}; pay by {reduced_by:%d/%m/%Y} "
            f"(reduced) or {full_by:%d/%m/%Y}.",
            by,
            request,
        )
        audit.record(
            "enforcement.notice.served",
            by=by,
            obj=notice,
            pupil=notice.pupil,
            school=notice.school,
            data={"notice": notice.number, "method": method, "received_on": received.isoformat()},
            request=request,
        )
    return event


def withdraw(notice: PenaltyNotice, *, ground: str, on: dt.date, note: str, by, request=None):
    """Withdraw on one of the closed grounds. A withdrawn notice no longer counts towards the limit of 2 in 3 years
    (SI 2024/210), but the sessions it relied on stay relied on for this parent: the same absences are not
    punished twice, and the rows are evidence."""
    _check_day(notice, on, "of withdrawal")
    if ground not in NoticeEvent.WithdrawalGround.values:
        raise EventRefused("Choose the ground for withdrawing the notice.")
    status = notice_status(notice, on)
    if status in ("withdrawn", "prosecuted"):
        raise EventRefused(f"Notice {notice.number} has already been {status}.")
    if ground == NoticeEvent.WithdrawalGround.UNPAID_NOT_PROSECUTED and status != "unpaid":
        raise EventRefused("'Unpaid and not prosecuted' is only for a notice unpaid after 28 days.")
    if status == "paid":
        raise EventRefused(f"Notice {notice.number} is paid: refund it first if it must be withdrawn.")
    with transaction.atomic():
        event = NoticeEvent.objects.create(
            notice=notice, kind=E.WITHDRAWN, on=on, ground=ground, note=note.strip(), by=by
        )
        label = NoticeEvent.WithdrawalGround(ground).label.lower()
        _chronology(notice, f"Penalty notice {notice.number} withdrawn: {label}.", by, request)
        audit.record(
            "enforcement.notice.withdrawn",
            by=by,
            obj=notice,
            pupil=notice.pupil,
            school=notice.school,
            data={"notice": notice.number, "ground": ground},
            request=request,
        )
        sync_notice_decisions(clock.today(), notices=[notice])
    return event


def decide_prosecute(notice: PenaltyNotice, *, on: dt.date, note: str, by, request=None):
    """Decide to prosecute for the original offence: only for a notice unpaid after 28 days."""
    _check_day(notice, on, "of the decision")
    status = notice_status(notice, on)
    if status != "unpaid":
        raise EventRefused(
            f"Notice {notice.number} is {status}: a decision to prosecute is only for a notice unpaid after 28 days."
        )
    if not note.strip():
        raise EventRefused("Enter the reasons for the decision.")
    with transaction.atomic():
        event = NoticeEvent.objects.create(notice=notice, kind=E.PROSECUTE, on=on, note=note.strip(), by=by)
        _chronology(
            notice,
            f"Penalty notice {notice.number} unpaid after 28 days: decision to prosecute for the original offence "
            f"(EA 1996 s444). {note.strip()}",
            by,
            request,
        )
        audit.record(
            "enforcement.notice.prosecution_decided",
            by=by,
            obj=notice,
            pupil=notice.pupil,
            school=notice.school,
            data={"notice": notice.number},
            request=request,
        )
        sync_notice_decisions(clock.today(), notices=[notice])
    return event


# ----- the work-list item at 28 days ----------------------------------------------------------------------------


def awaiting_decision(today: dt.date, notices=None, schools=None) -> list[PenaltyNotice]:
    """Served notices past day 28 with no payment discharging them, no withdrawal and no decision."""
    candidates = PenaltyNotice.objects.filter(
        events__kind=E.SERVED, events__received_on__lt=today - dt.timedelta(days=statute.FULL_DAYS - 1)
    ).exclude(events__kind__in=[E.WITHDRAWN, E.PROSECUTE])
    if notices is not None:
        candidates = candidates.filter(pk__in=[n.pk for n in notices])
    if schools is not None:
        candidates = candidates.filter(school__in=schools)
    candidates = candidates.distinct().select_related("pupil", "school", "parent")
    return [n for n in candidates.prefetch_related("events") if notice_status(n, today) == "unpaid"]


def _enrolment(notice: PenaltyNotice, today: dt.date) -> Enrolment | None:
    enrolments = Enrolment.objects.filter(pupil_id=notice.pupil_id, school_id=notice.school_id)
    on_roll = Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    return enrolments.filter(on_roll).order_by("-admission_date").first() or enrolments.first()


def sync_notice_decisions(today: dt.date, *, notices=None, schools=None) -> dict[str, int]:
    """Raise a `notice_decision` work-list item for each notice awaiting the 28-day decision; clear the items of
    notices decided, withdrawn or paid. One item per notice (key "n<number>")."""
    wanted = {f"n{n.number}": n for n in awaiting_decision(today, notices, schools)}
    existing = Alert.objects.filter(rule=NOTICE_DECISION)
    if notices is not None:
        existing = existing.filter(key__in=[f"n{n.number}" for n in notices])
    if schools is not None:
        existing = existing.filter(school__in=schools)
    latest = {a.key: a for a in existing.order_by("id")}
    raised = cleared = 0
    with transaction.atomic():
        for key, notice in wanted.items():
            enrolment = None if key in latest else _enrolment(notice, today)
            if enrolment is None:
                continue
            full_by = statute.payment_deadlines(received_on(notice))[1]
            reason = (
                f"Penalty notice {notice.number} to {notice.parent} unpaid after 28 days (due by "
                f"{full_by:%d/%m/%Y}): decide to prosecute for the original offence or withdraw it."
            )
            raise_prompt(
                rule=NOTICE_DECISION,
                key=key,
                enrolment=enrolment,
                today=today,
                reason=reason,
                details={"notice": notice.number, "due": full_by.isoformat()},
                school=notice.school,
                priority=3,
            )
            raised += 1
        stale = [a.pk for key, a in latest.items() if key not in wanted and a.status in OPEN_STATUSES]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}

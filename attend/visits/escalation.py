"""Escalation of a missed check-in or an "I need help" (issue 18).

Every escalation step is a row with its due time, created before it is due; every message of a step is a row
with a unique key (the transport's idempotency key, Notify's reference) created before it is sent. `process_due`
does what is due at `now` and is idempotent: a step is taken with a conditional claim (select_for_update, skipping
rows another worker holds on PostgreSQL), a message with a conditional update that leases it for a minute before
it goes out. A worker stopped mid-way therefore resumes without skipping a step or sending a message twice (for
email over SMTP the one exception is a crash in the instant between the server accepting a message and the row
being marked sent; Notify is asked for the reference before any retry).

Steps (ATTEND_VISITS_REPEAT_MINUTES apart): a missed check-in goes first to the office contacts, then the manager,
then office and manager together until someone acknowledges; "I need help" goes at once to office and manager.
Outside office hours (ATTEND_VISITS_OFFICE_HOURS on weekdays; all weekend) each step goes to the duty manager."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from attend import audit
from attend.letters import transport

from . import escalation_messages as words
from .models import CheckIn, Escalation, EscalationContact, EscalationMessage, EscalationStep, Round

log = logging.getLogger(__name__)

Level = EscalationStep.Level
MessageStatus = EscalationMessage.Status
BACKOFF_MINUTES = (1, 2, 5)  # a failed message is tried again after 1, 2, then every 5 minutes
LEASE = dt.timedelta(minutes=1)  # a message being sent is not taken by another run for this long


@dataclass
class Report:
    opened: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    next_wake_up: dt.datetime | None = None

    def lines(self) -> list[str]:
        out = [f"Opened: {e.get_reason_display()} for {words.officer_name(e.round)}" for e in self.opened]
        out += [
            f"Step {s.number} ({s.get_level_display()}) of escalation {s.escalation_id}" for s in self.steps
        ]
        out += [f"Sent {m.channel} to {m.contact_name} <{m.to}>" for m in self.sent]
        out += [
            f"Failed {m.channel} to {m.contact_name} <{m.to}>: {m.reason} (will retry)" for m in self.failed
        ]
        return out


# ---- settings -------------------------------------------------------------------------------------------------


def grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ATTEND_VISITS_GRACE_MINUTES)


def repeat() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ATTEND_VISITS_REPEAT_MINUTES)


def office_hours() -> tuple[dt.time, dt.time]:
    start, end = settings.ATTEND_VISITS_OFFICE_HOURS.split("-")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def in_office_hours(at: dt.datetime) -> bool:
    """Weekdays within ATTEND_VISITS_OFFICE_HOURS (local time). Weekends are out of hours."""
    local = timezone.localtime(at)
    start, end = office_hours()
    return local.weekday() < 5 and start <= local.time() < end


def _skip_locked() -> dict:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


# ---- who is told ----------------------------------------------------------------------------------------------


def step_level(reason: str, number: int, due_at: dt.datetime) -> str:
    if not in_office_hours(due_at):
        return Level.DUTY_MANAGER
    if reason == Escalation.Reason.MISSED_CHECK_IN and number == 1:
        return Level.OFFICE
    return Level.MANAGER


def levels_told(step: EscalationStep) -> list[str]:
    """The contact levels a step goes to: step 1 of a missed check-in the office, step 2 the manager, later steps
    (and every step of "I need help") office and manager; out of hours the duty manager."""
    if step.level == Level.DUTY_MANAGER:
        return [Level.DUTY_MANAGER]
    if step.level == Level.OFFICE:
        return [Level.OFFICE]
    if step.escalation.reason == Escalation.Reason.MISSED_CHECK_IN and step.number == 2:
        return [Level.MANAGER]
    return [Level.OFFICE, Level.MANAGER]


def contacts_for(round_: Round, levels: list[str]) -> list[EscalationContact]:
    """The round's school's contacts at these levels, else its LA's (a school with none falls back to its LA).
    With no duty manager named anywhere, the office and manager are told rather than nobody."""
    la = round_.local_authority or (round_.school.local_authority if round_.school_id else None)
    owners = []
    if round_.school_id:
        owners.append(Q(school=round_.school))
    if la is not None:
        owners.append(Q(local_authority=la))
    for owner in owners:
        found = list(EscalationContact.objects.filter(owner, active=True, level__in=levels).order_by("pk"))
        if found:
            return found
    if levels == [Level.DUTY_MANAGER]:
        return contacts_for(round_, [Level.OFFICE, Level.MANAGER])
    return []


# ---- opening and steps ----------------------------------------------------------------------------------------


def _open(
    round_: Round, *, reason: str, now: dt.datetime, first_due: dt.datetime, location: str, due_check_in
):
    escalation = Escalation.objects.create(
        round=round_,
        reason=reason,
        due_check_in_at=due_check_in,
        last_known_location=location,
        opened_at=now,
    )
    EscalationStep.objects.create(
        escalation=escalation, number=1, level=step_level(reason, 1, first_due), due_at=first_due
    )
    audit.record(
        "visits.escalation.opened",
        obj=escalation,
        school=round_.school,
        data={
            "reason": escalation.get_reason_display(),
            "officer": words.officer_name(round_),
            "when": f"check-in due at {words.hhmm(due_check_in)}"
            if due_check_in
            else f"at {words.hhmm(now)}",
            "location": location or "not known",
        },
    )
    return escalation


def open_missed(now: dt.datetime) -> list[Escalation]:
    """Open an escalation for each round out whose check-in (plus the grace period) has passed, once per missed
    check-in, whatever the date."""
    from .lone import last_known_location

    opened = []
    candidates = Round.objects.filter(status=Round.Status.OUT, check_in_due_at__lte=now - grace())
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            round_ = Round.objects.select_for_update().filter(pk=pk, status=Round.Status.OUT).first()
            if round_ is None or round_.check_in_due_at is None or round_.check_in_due_at + grace() > now:
                continue
            if round_.escalations.filter(
                reason=Escalation.Reason.MISSED_CHECK_IN, due_check_in_at=round_.check_in_due_at
            ).exists():
                continue
            opened.append(
                _open(
                    round_,
                    reason=Escalation.Reason.MISSED_CHECK_IN,
                    now=now,
                    first_due=round_.check_in_due_at + grace(),
                    location=last_known_location(round_),
                    due_check_in=round_.check_in_due_at,
                )
            )
    return opened


def _next_due(step: EscalationStep, now: dt.datetime) -> dt.datetime:
    """On schedule; after a stop longer than the interval, one interval from now (no burst of repeats)."""
    due = step.due_at + repeat()
    return due if due > now else now + repeat()


def run_step(step_pk: int, now: dt.datetime) -> EscalationStep | None:
    """Take a due step (once, even with two workers), create its messages, and create the next step's row."""
    with transaction.atomic():
        step = (
            EscalationStep.objects.select_for_update(of=("self",), **_skip_locked())
            .select_related("escalation__round__school", "escalation__round__officer")
            .filter(
                pk=step_pk,
                status=EscalationStep.Status.PENDING,
                due_at__lte=now,
                escalation__ended_at__isnull=True,
            )
            .first()
        )
        if step is None:
            return None
        escalation = step.escalation
        contacts = contacts_for(escalation.round, levels_told(step))
        for contact in contacts:
            for channel, to in (("email", contact.email), ("sms", contact.mobile)):
                if to:
                    EscalationMessage.objects.create(
                        step=step,
                        channel=channel,
                        to=to,
                        contact_name=contact.name,
                        key=f"attend-visits-esc-{escalation.pk}-{step.number}-{channel}-{contact.pk}",
                        next_attempt_at=now,
                    )
        step.status, step.done_at = EscalationStep.Status.SENT, now
        step.save(update_fields=["status", "done_at"])
        due = _next_due(step, now)
        EscalationStep.objects.create(
            escalation=escalation,
            number=step.number + 1,
            level=step_level(escalation.reason, step.number + 1, due),
            due_at=due,
        )
        audit.record(
            "visits.escalation_step.sent",
            obj=escalation,
            school=escalation.round.school,
            data={
                "number": step.number,
                "officer": words.officer_name(escalation.round),
                "level": step.get_level_display(),
                "to": ", ".join(c.name for c in contacts) or "nobody: no escalation contacts are set",
            },
        )
    return step


def run_due_steps(now: dt.datetime) -> list[EscalationStep]:
    due = EscalationStep.objects.filter(
        status=EscalationStep.Status.PENDING, due_at__lte=now, escalation__ended_at__isnull=True
    ).order_by("due_at", "pk")
    return [s for s in (run_step(pk, now) for pk in list(due.values_list("pk", flat=True))) if s]


# ---- messages -------------------------------------------------------------------------------------------------


def _claim(message_pk: int, now: dt.datetime) -> EscalationMessage | None:
    """Lease a due message for sending (a conditional update: with two workers only one wins). A run that stops
    after the claim leaves the message to be sent again when the lease ends, asking Notify first."""
    won = EscalationMessage.objects.filter(
        pk=message_pk, status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if won != 1:
        return None
    return EscalationMessage.objects.select_related("step__escalation__round__officer").get(pk=message_pk)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _deliver(message: EscalationMessage) -> transport.Outcome:
    escalation = message.step.escalation
    text = words.ended(escalation) if message.kind == "ended" else words.alert(escalation, message.step)
    first = message.attempts == 1
    try:
        if message.channel == "sms":
            sms = text.text if message.kind == "ended" else words.alert_sms(escalation, message.step)
            return transport.send_staff_sms(
                to=message.to, text=words.clip(sms, words.SMS_LIMIT), key=message.key, first_attempt=first
            )
        return transport.send_staff_email(
            to=message.to, subject=text.subject, text=text.text, key=message.key, first_attempt=first
        )
    except Exception as exc:  # a transport fault is a failed attempt to retry, never the end of the run
        log.exception("Escalation message %s", message.key)
        return transport.Outcome("failed", message.channel, reason=str(exc)[:300], retryable=True)


def send_message(message_pk: int, now: dt.datetime) -> EscalationMessage | None:
    message = _claim(message_pk, now)
    if message is None:
        return None
    outcome = _deliver(message)
    if outcome.status == "sent":
        message.status, message.sent_at, message.reason, message.next_attempt_at = "sent", now, "", None
    else:
        message.status = MessageStatus.FAILED
        message.reason = (outcome.reason or "Not sent")[:300]
        message.next_attempt_at = now + backoff(message.attempts) if outcome.retryable else None
        if not outcome.retryable:
            message.reason = f"{message.reason} (not retried: check the contact's details)"[:300]
    message.save(update_fields=["status", "sent_at", "reason", "next_attempt_at"])
    _step_status(message.step)
    return message


def _step_status(step: EscalationStep) -> None:
    """A step whose alerts are all out is sent; one with an alert failing is 'partly' (shown on the dashboard)."""
    if step.status not in (EscalationStep.Status.SENT, EscalationStep.Status.PARTLY):
        return
    failing = step.messages.filter(kind="alert", status=MessageStatus.FAILED).exists()
    status = EscalationStep.Status.PARTLY if failing else EscalationStep.Status.SENT
    EscalationStep.objects.filter(pk=step.pk).update(status=status)


def send_due_messages(now: dt.datetime) -> list[EscalationMessage]:
    due = EscalationMessage.objects.filter(
        status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    return [m for m in (send_message(pk, now) for pk in list(due.values_list("pk", flat=True))) if m]


# ---- the end: acknowledged, or the officer checked in ----------------------------------------------------------


def _close(escalation: Escalation, *, reason: str, now: dt.datetime) -> None:
    """Stop the steps and the alerts not yet out, and tell everyone already alerted (once each)."""
    escalation.ended_at = escalation.ended_at or now
    escalation.end_reason = reason
    escalation.save()
    escalation.steps.filter(status=EscalationStep.Status.PENDING).update(
        status=EscalationStep.Status.CANCELLED
    )
    EscalationMessage.objects.filter(
        step__escalation=escalation, kind="alert", status__in=[MessageStatus.PENDING, MessageStatus.FAILED]
    ).update(status=MessageStatus.CANCELLED, next_attempt_at=None)
    told = {}
    for m in EscalationMessage.objects.filter(step__escalation=escalation, kind="alert", status="sent"):
        told.setdefault((m.channel, m.to), m)
    done = EscalationMessage.objects.filter(step__escalation=escalation, kind="ended").count()
    for n, ((channel, to), m) in enumerate(sorted(told.items()), start=done + 1):
        EscalationMessage.objects.create(
            step=m.step,
            kind="ended",
            channel=channel,
            to=to,
            contact_name=m.contact_name,
            key=f"attend-visits-esc-{escalation.pk}-end-{n}",
            next_attempt_at=now,
        )
    audit.record(
        "visits.escalation.ended",
        obj=escalation,
        school=escalation.round.school,
        data={
            "officer": words.officer_name(escalation.round),
            "reason": reason,
            "told": len({m.contact_name for m in told.values()}),
        },
    )


def acknowledge(escalation: Escalation, *, by, note: str = "", now: dt.datetime) -> Escalation:
    """ "I am dealing with this": never refused. Stops further steps and tells those already alerted who is
    dealing with it. A second acknowledgement is recorded in the audit trail and changes nothing else."""
    name = (by.get_full_name() or by.get_username()) if by is not None else "Someone"
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",)).select_related("round").get(pk=escalation.pk)
        )
        first = escalation.acknowledged_at is None
        if first:
            escalation.acknowledged_at, escalation.acknowledged_by = now, by
            escalation.acknowledged_note = note.strip()
        audit.record(
            "visits.escalation.acknowledged",
            by=by,
            obj=escalation,
            school=escalation.round.school,
            data={"officer": words.officer_name(escalation.round), "at": words.hhmm(now)},
        )
        if escalation.open:
            _close(escalation, reason=f"{name} is dealing with it (since {words.hhmm(now)})", now=now)
        elif first:
            escalation.save()
    schedule_at(now, now=now)
    return escalation


def after_check_in(round_, check_in, *, now) -> None:
    """A check-in by the officer ends an open missed-check-in escalation (telling those already alerted) and
    schedules the next check. A help escalation ends only by acknowledgement."""
    if check_in.kind != CheckIn.Kind.HELP:
        name = words.officer_name(round_)
        with transaction.atomic():
            for escalation in Escalation.objects.select_for_update().filter(
                round=round_, reason=Escalation.Reason.MISSED_CHECK_IN, ended_at__isnull=True
            ):
                _close(escalation, reason=f"{name} checked in at {words.hhmm(check_in.at)}", now=now)
                schedule_at(now, now=now)
    schedule(round_, now=now)


def raise_help(round_, *, location: str, now, check_in):
    """Open a HELP escalation and send its first step at once (to office and manager, or the duty manager)."""
    with transaction.atomic():
        escalation = _open(
            round_,
            reason=Escalation.Reason.HELP,
            now=now,
            first_due=now,
            location=location,
            due_check_in=None,
        )
    step = escalation.steps.get(number=1)
    run_step(step.pk, now)
    for pk in step.messages.values_list("pk", flat=True):
        send_message(pk, now)
    schedule_at(next_wake_up(now) or now, now=now)
    return escalation


# ---- the worker -----------------------------------------------------------------------------------------------


def next_wake_up(now: dt.datetime) -> dt.datetime | None:
    """The earliest of: a pending step, a message to retry, a round's check-in (plus grace) not yet escalated."""
    times = []
    step = EscalationStep.objects.filter(status="pending", escalation__ended_at__isnull=True).order_by(
        "due_at"
    )
    times += list(step.values_list("due_at", flat=True)[:1])
    retry = EscalationMessage.objects.filter(status__in=["pending", "failed"], next_attempt_at__isnull=False)
    times += list(retry.order_by("next_attempt_at").values_list("next_attempt_at", flat=True)[:1])
    for round_ in Round.objects.filter(status=Round.Status.OUT, check_in_due_at__isnull=False).order_by(
        "check_in_due_at"
    ):
        if not round_.escalations.filter(reason="missed", due_check_in_at=round_.check_in_due_at).exists():
            times.append(round_.check_in_due_at + grace())
            break
    return min(times) if times else None


def schedule_at(when: dt.datetime, *, now: dt.datetime) -> None:
    """Enqueue the check to run at `when` (on the worker's clock: `when - now` from the real now), unless a check
    already waits to run no later than that."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import check_escalations

    run_after = timezone.now() + max(when - now, dt.timedelta(0))
    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=check_escalations.module_path, run_after__lte=run_after
    )
    if not waiting.exists():
        check_escalations.using(run_after=run_after).enqueue()


def schedule(round_, *, now: dt.datetime | None = None) -> None:
    """Make sure the check for this round's next due check-in (plus the grace period) will run: enqueue the task
    to run at that time (django-tasks `run_after`), so it fires within a second or two of falling due."""
    from .lone import moment

    round_.refresh_from_db(fields=["status", "check_in_due_at"])
    if round_.status == Round.Status.OUT and round_.check_in_due_at is not None:
        schedule_at(round_.check_in_due_at + grace(), now=now or moment())


def process_due(now: dt.datetime, *, enqueue_next: bool = True) -> Report:
    """Everything due at `now`: open escalations for missed check-ins, send due steps, send and retry messages;
    then enqueue the next wake-up. Idempotent: running it twice, or in two workers, sends nothing twice."""
    report = Report()
    report.opened = open_missed(now)
    report.steps = run_due_steps(now)
    for message in send_due_messages(now):
        (report.sent if message.status == "sent" else report.failed).append(message)
    report.next_wake_up = next_wake_up(now)
    if enqueue_next and report.next_wake_up is not None:
        schedule_at(report.next_wake_up, now=now)
    return report

"""Messages as records: create once (idempotency key), send once, follow the status. Audited."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from attend import audit

from . import followup, signals, transport
from .compose import Draft, MessageError
from .models import Message

R = Message.Route
S = Message.Status
FINAL = (S.SENT, S.DELIVERED, S.RETURNED)


def default_key(draft: Draft, as_of: dt.date) -> str:
    """One message per template, pupil, contact, route and day: the same letter twice is refused."""
    contact = draft.contact.contact_ref if draft.contact else "none"
    return f"{draft.template.name}/{draft.pupil.upn}/{contact}/{draft.route}/{as_of.isoformat()}"


def message_row(draft: Draft, *, key: str, by=None, batch=None, hold_reason: str = "") -> Message:
    """The unsaved record of a composed message (queued, or held with the reason)."""
    return Message(
        pupil=draft.pupil,
        school=draft.enrolment.school if draft.enrolment else None,
        contact=draft.contact,
        template_version=draft.version,
        route=draft.route,
        recipient=draft.recipient,
        language=draft.language,
        subject=draft.rendered.subject,
        body_text=draft.rendered.text,
        body_html=draft.html,
        pdf=draft.pdf,
        status=S.HELD if hold_reason else S.QUEUED,
        hold_reason=hold_reason,
        interpreter_needed=draft.interpreter_needed,
        idempotency_key=key,
        batch=batch,
        created_by=by,
    )


def message_created(message: Message, *, template: str, version: int, by=None) -> None:
    """What follows every new message: the audit event, a translation prompt, and `message_recorded`."""
    audit.record(
        "letters.message.created",
        by=by,
        obj=message,
        pupil=message.pupil,
        data={"template": template, "version": version, "route": message.route},
    )
    if message.interpreter_needed:
        followup.translation_needed(message, by=by)
    signals.announce(message, created=True)


def message_create(
    draft: Draft, *, as_of: dt.date, by=None, key: str = "", batch=None, hold_reason: str = ""
) -> Message:
    """Record a composed message (queued, or held with the reason). A second message with the same key is
    refused with what happened to the first."""
    key = key or default_key(draft, as_of)
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        raise MessageError(_duplicate(existing))
    try:
        with transaction.atomic():
            message = message_row(draft, key=key, by=by, batch=batch, hold_reason=hold_reason)
            message.save()
    except IntegrityError:
        raise MessageError(_duplicate(Message.objects.get(idempotency_key=key))) from None
    message_created(message, template=draft.template.name, version=draft.version.number, by=by)
    return message


def _duplicate(existing: Message) -> str:
    when = timezone.localtime(existing.created_at).strftime("%-d %B %Y")
    return (
        f"This message already exists ({existing.get_status_display().lower()}, made on {when}, "
        f"message {existing.pk}): it is never sent twice."
    )


def message_send(message: Message, *, by=None) -> Message:
    """Send a queued message once. Refused if it was sent already or is held for review."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status in FINAL or message.provider_id:
            raise MessageError(_duplicate(message))
        if message.status in (S.HELD, S.SKIPPED):
            raise MessageError(
                f"This message is {message.get_status_display().lower()}: it needs approval first."
            )
        first_attempt = message.attempts == 0
        message.attempts += 1
        message.save(update_fields=["attempts"])  # before the call: a crash afterwards is seen on resume
    outcome = _deliver(message, first_attempt)
    message.status = outcome.status
    message.provider = outcome.provider
    message.provider_id = outcome.provider_id
    message.status_reason = outcome.reason
    now = timezone.now()
    message.status_at = now
    if outcome.status == S.SENT:
        message.sent_at = now
    message.save(update_fields=["status", "provider", "provider_id", "status_reason", "status_at", "sent_at"])
    audit.record(
        "letters.message.sent" if outcome.status == S.SENT else "letters.message.failed",
        by=by,
        obj=message,
        pupil=message.pupil,
        data={"route": message.route, "reason": outcome.reason, "provider": outcome.provider},
    )
    signals.announce(message, created=False)
    return message


def _deliver(message: Message, first_attempt: bool) -> transport.Outcome:
    key = message.idempotency_key
    if message.route == R.PRINT:
        return transport.Outcome("sent", "print")
    if message.route == R.EMAIL and settings.ATTEND_EMAIL_VIA == "smtp":
        return transport.send_email_smtp(
            to=message.recipient,
            subject=message.subject,
            text=message.body_text,
            html=message.body_html,
            key=key,
        )
    if message.route == R.EMAIL:
        return transport.notify_send(
            "email",
            reference=key,
            first_attempt=first_attempt,
            to=message.recipient,
            subject=message.subject,
            text=message.body_text,
        )
    if message.route == R.SMS:
        return transport.notify_send(
            "sms", reference=key, first_attempt=first_attempt, to=message.recipient, text=message.body_text
        )
    return transport.notify_send("letter", reference=key, first_attempt=first_attempt, pdf=bytes(message.pdf))


# Why Notify could not deliver, in words an officer can act on (Notify's status descriptions).
NOTIFY_REASONS = {
    "permanent-failure": "the number or address does not exist or cannot receive messages: check it",
    "temporary-failure": "the phone was off or the inbox full for 72 hours: try again or phone",
    "technical-failure": "a technical failure at GOV.UK Notify: nothing was delivered; send it again",
}
# A later report never moves a message back: a returned letter stays returned, a delivered one delivered.
RANK = {S.SENT: 0, S.DELIVERED: 1, S.FAILED: 1, S.RETURNED: 2}


def message_status_from_notify(message: Message, notify_status: str, *, via: str = "status API") -> Message:
    """Record what Notify reports about a message (from its status API or a callback). Idempotent: the same
    report twice changes and audits nothing the second time; an earlier state never overwrites a later one."""
    new = transport.NOTIFY_STATUS.get(notify_status, S.SENT)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        old = message.status
        if new == old or RANK.get(new, 0) < RANK.get(old, 0) or old not in RANK:
            return message
        message.status = new
        reason = NOTIFY_REASONS.get(notify_status, "")
        message.status_reason = f"GOV.UK Notify: {notify_status}" + (f" ({reason})" if reason else "")
        message.status_at = timezone.now()
        message.save(update_fields=["status", "status_reason", "status_at"])
        audit.record(
            "letters.message.callback" if via == "callback" else "letters.message.status_changed",
            obj=message,
            pupil=message.pupil,
            data={"old": old, "new": new, "notify_status": notify_status, "via": via},
        )
        signals.announce(message, created=False)
        if new == S.RETURNED:
            followup.returned_post(message)
    return message


def message_refresh(message: Message) -> Message:
    """Ask Notify for the latest status (sent -> delivered, failed or returned)."""
    if message.provider != "notify" or not message.provider_id:
        return message
    _, notify_status = transport.notify_status(message.provider_id)
    return message_status_from_notify(message, notify_status)


RETURNABLE_ROUTES = (R.POST, R.PRINT)
NOTE_MAX_CHARS = 200


def message_mark_returned(message: Message, *, by, note: str = "") -> Message:
    """An officer records a posted letter that came back ("gone away", "not known at this address"): the message
    is marked returned, audited, and the work list asks for an address check."""
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX_CHARS:
        raise MessageError(f"Say why in {NOTE_MAX_CHARS} characters or fewer.")
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.route not in RETURNABLE_ROUTES:
            raise MessageError("Only a posted letter can come back by post.")
        if message.status == S.RETURNED:
            raise MessageError("This letter is already marked returned.")
        if message.status not in (S.SENT, S.DELIVERED):
            raise MessageError(
                f"This letter is {message.get_status_display().lower()}: only a letter that was sent can come back."
            )
        old = message.status
        message.status = S.RETURNED
        message.status_reason = f"Returned by the post: {note}" if note else "Returned by the post"
        message.status_at = timezone.now()
        message.save(update_fields=["status", "status_reason", "status_at"])
    audit.record(
        "letters.message.returned",
        by=by,
        obj=message,
        pupil=message.pupil,
        data={"old": old, "reason": message.status_reason},
    )
    signals.announce(message, created=False)
    followup.returned_post(message, by=by)
    return message


def messages_refresh(limit: int = 500) -> int:
    """Refresh every Notify message not yet in a final state (for a scheduled task)."""
    pending = Message.objects.filter(provider="notify", status=S.SENT).exclude(provider_id="")[:limit]
    return sum(1 for m in pending if message_refresh(m).status != S.SENT)

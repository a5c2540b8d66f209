"""Batches: one template for many pupils, with a review step before anything is sent.

Letters for pupils with a current circumstance (medical, bereavement, other), an EHC plan, a young carer, a child
with a social worker (child in need, child protection plan, looked after), or a pupil outside compulsory school age
by the statutory dates, are held with the reason shown: a person approves, edits (a new message) or skips each.
Nothing in a batch is sent until a named person approves it; first-day messages never come through here.
Sending runs as a background task and resumes without sending anything twice (idempotency keys, and Notify is
asked by reference before any retry)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.casework.models import PupilCircumstance
from attend.people.models import Pupil

from . import library, signals
from .age import compulsory_school_age_starts, of_compulsory_school_age
from .compose import MessageError
from .models import Batch, Message
from .services import message_send

S = Message.Status


def hold_reason(pupil: Pupil, as_of: dt.date, circumstances: list[PupilCircumstance]) -> str:
    reasons = [f"{c.get_kind_display()}: {c.summary}" for c in circumstances if c.is_current(as_of)]
    if pupil.sen_status == Pupil.SenStatus.EHCP:
        reasons.append("Education, health and care plan")
    if pupil.young_carer:
        reasons.append("Young carer")
    if pupil.child_in_need or pupil.child_protection_plan or pupil.looked_after:
        reasons.append("Child with a social worker")
    if not of_compulsory_school_age(pupil.date_of_birth, as_of):
        starts = compulsory_school_age_starts(pupil.date_of_birth)
        reasons.append(
            f"Below compulsory school age until {starts.day} {starts:%B %Y}"
            if as_of < starts
            else "Over compulsory school age"
        )
    return "; ".join(reasons)


# A batch is composed in the background; this bound keeps one batch to what a morning's print run can hold.
MAX_PUPILS = 5000


def batch_create(
    *, template_name: str, pupils: list[Pupil], as_of: dt.date, by, route: str = "post", title: str = ""
) -> Batch:
    """Record the batch and queue its preparation: every letter is composed in the background, in a pool of
    processes (`attend.letters.prepare`), so the reviewer then reads exactly what will go."""
    template, _ = library.resolve(template_name, None)
    if template.immediate:
        raise MessageError("First-day messages are sent at once, never in a reviewed batch.")
    if len(pupils) > MAX_PUPILS:
        raise MessageError(
            f"A batch holds at most {MAX_PUPILS:,} pupils; this one has {len(pupils):,}. "
            "Split them into smaller batches."
        )
    with transaction.atomic():
        batch = Batch.objects.create(
            template=template,
            title=title or f"{template.title}, {as_of:%-d %B %Y}",
            as_of=as_of,
            channel=route,
            created_by=by,
            status=Batch.Status.PREPARING if pupils else Batch.Status.REVIEW,
            pupil_ids=[p.pk for p in pupils],
        )
        audit.record(
            "letters.batch.created",
            by=by,
            obj=batch,
            data={"template": template.name, "letters": 0, "pupils": len(pupils), "problems": 0},
        )
        if pupils:
            from .tasks import prepare_batch

            prepare_batch.enqueue(batch.pk)  # the database backend stores it in this transaction
    return batch


def message_approve(message: Message, *, by) -> Message:
    if message.status != S.HELD:
        raise MessageError("Only a held letter needs approving.")
    message.status, message.approved_by = S.QUEUED, by
    message.save(update_fields=["status", "approved_by"])
    audit.record(
        "letters.message.approved",
        by=by,
        obj=message,
        pupil=message.pupil,
        data={"hold_reason": message.hold_reason},
    )
    signals.announce(message, created=False)
    return message


def message_skip(message: Message, *, by, reason: str) -> Message:
    if message.was_sent:
        raise MessageError("This letter has been sent already.")
    message.status, message.status_reason = S.SKIPPED, reason[:300]
    message.save(update_fields=["status", "status_reason"])
    audit.record("letters.message.skipped", by=by, obj=message, pupil=message.pupil, data={"reason": reason})
    signals.announce(message, created=False)
    return message


@transaction.atomic
def batch_approve(batch: Batch, *, by) -> Batch:
    """A named person approves the batch: every letter not held is released; held ones wait for their own
    decision. The sending task is queued."""
    batch.messages.filter(status=S.QUEUED, approved_by__isnull=True).update(approved_by=by)
    batch.status, batch.approved_by, batch.approved_at = Batch.Status.APPROVED, by, timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record("letters.batch.approved", by=by, obj=batch, data={"letters": batch.total})
    from .tasks import send_batch

    send_batch.enqueue(batch.pk)  # the database backend stores it in this transaction
    return batch


def batch_send(batch: Batch) -> dict:
    """Send every approved, queued letter of the batch, in order. Safe to run again after a crash."""
    sent = failed = 0
    for message in batch.messages.filter(status=S.QUEUED, approved_by__isnull=False).order_by("pk"):
        try:
            outcome = message_send(message, by=message.approved_by)
        except MessageError:
            continue  # sent already by an earlier run
        sent += outcome.status == S.SENT
        failed += outcome.status == S.FAILED
        batch.done = batch.messages.exclude(status__in=[S.QUEUED, S.HELD]).count()
        batch.save(update_fields=["done"])
    if not batch.messages.filter(status__in=[S.QUEUED, S.HELD]).exists():
        batch.status = Batch.Status.DONE
    batch.done = batch.messages.exclude(status__in=[S.QUEUED, S.HELD]).count()
    batch.save(update_fields=["status", "done"])
    return {"sent": sent, "failed": failed}


SENT_STATUSES = (S.SENT, S.DELIVERED, S.RETURNED)


def batch_print_file(batch: Batch, *, sent_only: bool = False) -> bytes:
    """All the batch's posted or printed letters in one PDF, in order (from the letter pages as rendered).
    With `sent_only`, only the letters sent so far (what the print file on the batch page holds)."""
    from .render import pdf_many

    letters = batch.messages.exclude(status=S.SKIPPED).exclude(body_html="")
    if sent_only:
        letters = letters.filter(status__in=SENT_STATUSES)
    return pdf_many(list(letters.order_by("pk").values_list("body_html", flat=True)))


def _settle(batch: Batch) -> None:
    """An approved batch with nothing left to send or decide is done."""
    batch.refresh_from_db()
    if batch.status == Batch.Status.REVIEW:
        return
    waiting = batch.messages.filter(status__in=[S.QUEUED, S.HELD]).exists()
    batch.status = Batch.Status.APPROVED if waiting else Batch.Status.DONE
    batch.done = batch.messages.exclude(status__in=[S.QUEUED, S.HELD]).count()
    batch.save(update_fields=["status", "done"])


@transaction.atomic
def held_approve(message: Message, *, by) -> Message:
    """A person approves one held letter of a batch. If the batch itself is approved already, the letter is
    sent by the background task straight away; otherwise it goes with the batch."""
    message_approve(message, by=by)
    batch = message.batch
    if batch is not None and batch.status not in (Batch.Status.REVIEW, Batch.Status.PREPARING):
        Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.APPROVED)
        from .tasks import send_batch

        send_batch.enqueue(batch.pk)
    return message


@transaction.atomic
def held_skip(message: Message, *, by, reason: str) -> Message:
    """A person skips one letter of a batch, saying why (the reason is required and audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise MessageError("Say why this letter is skipped.")
    message_skip(message, by=by, reason=reason)
    if message.batch is not None:
        _settle(message.batch)
    return message


def batch_release(batch: Batch, *, by) -> Batch:
    """Approve a batch from its page: refused once approved (a second click never queues a second send)."""
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == Batch.Status.PREPARING:
            raise MessageError("The letters are still being prepared: approve the batch when they are ready.")
        if locked.status != Batch.Status.REVIEW:
            who = locked.approved_by.get_full_name() or locked.approved_by.get_username()
            raise MessageError(f"This batch was approved already, by {who}.")
        return batch_approve(locked, by=by)

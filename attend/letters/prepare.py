"""Preparing a batch in the background: compose every letter, render the PDFs in a process pool, write in bulk.

The task worker's own process reads the database and builds each letter's HTML (figures from the statistics
layer for all pupils at once, then merge and HTML per letter); the HTML goes in chunks to a pool of worker
processes that render it to PDF (`attend.letters.pdfpool`), while the next chunk is composed. Each chunk's letters
are written in one transaction together with the count of pupils done (`Batch.prepared`), in order, so a
preparation killed mid-way resumes after the last chunk written: nothing is composed or recorded twice (and the
idempotency keys would refuse a second record anyway). Nothing is sent here: the batch waits for review."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field

from django.db import transaction

from attend import audit
from attend.people.models import Pupil

from .batches import hold_reason
from .compose import Lookups, MessageError, choose_liable, compose, enrolment_on
from .figures import attendance_figures
from .models import Batch, Channel, LetterTemplate, Message
from .pdfpool import CHUNK_HINT, default_workers, pdf_pool, render_pdfs
from .services import message_created, message_row

HEALTH_LETTER = "health_absence"
CHUNK = CHUNK_HINT  # pupils per PDF job
PDF_ROUTES = (Message.Route.POST, Message.Route.PRINT)


@dataclass
class Row:
    message: Message  # unsaved
    template: str
    version: int
    needs_pdf: bool


@dataclass
class Chunk:
    pupil_count: int
    rows: list[Row] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    pdfs: Future | None = None


def _circumstances(pupil_ids: list[int]) -> dict[int, list]:
    from attend.casework.models import PupilCircumstance

    found: dict[int, list] = {}
    for c in PupilCircumstance.objects.filter(pupil_id__in=pupil_ids):
        found.setdefault(c.pupil_id, []).append(c)
    return found


def _links(pupils: list[Pupil]) -> dict[int, list]:
    from attend.people.models import PupilContact

    found: dict[int, list] = {p.pk: [] for p in pupils}
    links = PupilContact.objects.filter(pupil__in=pupils).select_related("contact")
    for link in links.order_by("pupil_id", "priority", "id"):
        found[link.pupil_id].append(link)
    return found


def _compose_chunk(
    batch: Batch, pupils: list[Pupil], figures: dict, enrolments: dict, lookups: Lookups
) -> Chunk:
    """The letters (HTML, no PDF yet) for some pupils, with the problems of those left out."""
    template, by, route = batch.template, batch.created_by, batch.channel
    circumstances = _circumstances([p.pk for p in pupils])
    all_links = _links(pupils)
    lookups.prefetch(pupils, [link.contact for links in all_links.values() for link in links])
    chunk = Chunk(len(pupils))
    for pupil in pupils:
        e = enrolments.get(pupil.pk)
        f = figures.get(e.pk) if e else None
        name = template.name
        if template.kind == LetterTemplate.Kind.CONCERN and f is not None and f.illness_only:
            name = HEALTH_LETTER  # illness-only absence gets the health letter, not a concern stage
        links = choose_liable(all_links[pupil.pk])
        if not links:
            reason = "No parent or carer with parental responsibility on record."
            chunk.problems.append({"upn": pupil.upn, "reason": reason})
            continue
        reason = hold_reason(pupil, batch.as_of, circumstances.get(pupil.pk, []))
        for link in links if template.formal else links[:1]:
            try:
                draft = compose(
                    template_name=name,
                    pupil=pupil,
                    contact=link.contact,
                    route=route,
                    as_of=batch.as_of,
                    by=by,
                    figures=f,
                    with_pdf=False,
                    lookups=lookups,
                    enrolment=e,
                )
            except MessageError as exc:
                chunk.problems.append({"upn": pupil.upn, "reason": str(exc)})
                continue
            key = f"batch{batch.pk}/{pupil.upn}/{link.contact.contact_ref}"
            row = message_row(draft, key=key, by=by, batch=batch, hold_reason=reason)
            needs_pdf = draft.template.channel == Channel.LETTER and route in PDF_ROUTES
            chunk.rows.append(Row(row, draft.template.name, draft.version.number, needs_pdf))
    return chunk


class AnotherRun(Exception):
    """Another run of the task is preparing this batch (a resume queued while the first still ran): this one
    stops, and the other finishes it."""


def _write(batch: Batch, chunk: Chunk) -> None:
    """One chunk's letters and the count of pupils done, in one transaction, if no other run has written since."""
    pdfs = iter(chunk.pdfs.result() if chunk.pdfs else [])
    for row in chunk.rows:
        if row.needs_pdf:
            row.message.pdf = next(pdfs)
    keys = [row.message.idempotency_key for row in chunk.rows]
    with transaction.atomic():
        done = Batch.objects.select_for_update().values_list("prepared", flat=True).get(pk=batch.pk)
        if done != batch.prepared:
            raise AnotherRun(f"Batch {batch.pk}: {done} pupils done by another run, not {batch.prepared}")
        there = set(
            Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
        )
        new = [row for row in chunk.rows if row.message.idempotency_key not in there]
        Message.objects.bulk_create([row.message for row in new])
        missing = [row.message.idempotency_key for row in new if row.message.pk is None]
        ids = dict(Message.objects.filter(idempotency_key__in=missing).values_list("idempotency_key", "pk"))
        for row in new:
            row.message.pk = row.message.pk or ids[row.message.idempotency_key]
            message_created(row.message, template=row.template, version=row.version, by=batch.created_by)
        batch.prepared += chunk.pupil_count
        batch.problems = [*batch.problems, *chunk.problems]
        batch.total = batch.messages.count()
        batch.save(update_fields=["prepared", "problems", "total"])


def _compose_all(batch: Batch, pupils: list[Pupil], figures: dict, enrolments: dict, workers: int) -> None:
    """Compose chunk after chunk while the pool renders the ones before; write them in order."""
    pending: deque[Chunk] = deque()
    lookups = Lookups()
    with pdf_pool(workers) as pool:
        try:
            for start in range(0, len(pupils), CHUNK):
                chunk = _compose_chunk(batch, pupils[start : start + CHUNK], figures, enrolments, lookups)
                htmls = [row.message.body_html for row in chunk.rows if row.needs_pdf]
                chunk.pdfs = pool.submit(render_pdfs, htmls) if htmls else None
                pending.append(chunk)
                while pending and (
                    len(pending) > 2 * max(workers, 1) or pending[0].pdfs is None or pending[0].pdfs.done()
                ):
                    _write(batch, pending.popleft())
            while pending:
                _write(batch, pending.popleft())
        except AnotherRun:
            for chunk in pending:
                if chunk.pdfs is not None:
                    chunk.pdfs.cancel()
            raise


def batch_prepare(batch_id: int, *, workers: int | None = None) -> Batch:
    """Compose the batch's letters still to compose, then leave it waiting for review. Safe to run again, and
    safe to run twice at once (the second run to write a chunk stops)."""
    batch = Batch.objects.select_related("template", "created_by").get(pk=batch_id)
    if batch.status != Batch.Status.PREPARING:
        return batch  # prepared already (a second run of the task does nothing)
    todo = batch.pupil_ids[batch.prepared :]
    pupils_by_pk = Pupil.objects.in_bulk(todo)
    pupils = [pupils_by_pk[pk] for pk in todo if pk in pupils_by_pk]
    enrolments = {p.pk: enrolment_on(p, batch.as_of) for p in pupils}
    figures = attendance_figures([e for e in enrolments.values() if e], batch.as_of)
    gone = len(todo) - len(pupils)  # pupils erased since the batch was made: counted as done
    try:
        _compose_all(batch, pupils, figures, enrolments, default_workers() if workers is None else workers)
    except AnotherRun:
        return Batch.objects.get(pk=batch.pk)
    with transaction.atomic():
        if Batch.objects.select_for_update().get(pk=batch.pk).status != Batch.Status.PREPARING:
            return Batch.objects.get(pk=batch.pk)  # another run finished it a moment ago
        batch.prepared += gone
        batch.status = Batch.Status.REVIEW
        batch.total = batch.messages.count()
        batch.save(update_fields=["prepared", "status", "total"])
        audit.record(
            "letters.batch.prepared",
            by=batch.created_by,
            obj=batch,
            data={"template": batch.template.name, "letters": batch.total, "problems": len(batch.problems)},
        )
    return batch


def batches_to_resume() -> dict[str, list[int]]:
    """Batches a killed worker left part-way: still preparing, or approved with letters still to send."""
    from django.db.models import Exists, OuterRef

    waiting = Message.objects.filter(
        batch=OuterRef("pk"), status=Message.Status.QUEUED, approved_by__isnull=False
    )
    return {
        "prepare": list(Batch.objects.filter(status=Batch.Status.PREPARING).values_list("pk", flat=True)),
        "send": list(
            Batch.objects.filter(Exists(waiting), status=Batch.Status.APPROVED).values_list("pk", flat=True)
        ),
    }

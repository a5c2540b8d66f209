"""Adding to a case's chronology: the one way every app (casework pages, the API, letters, visits, enforcement)
puts an entry on the timeline. Entries are never changed; a correction is a new entry naming the old one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from attend import audit
from attend.core import clock

from .models import Case, ChronologyEntry, EntryKind, Support

# Fields a caller may set on an entry besides case, kind, occurred_at and summary.
OPTIONAL_FIELDS = frozenset(
    {
        "participants",
        "outcome",
        "child_seen",
        "child_heard",
        "child_words",
        "parent_words",
        "next_step",
        "next_step_due",
        "interpreter_needed",
        "interpreter_used",
        "support_offered",
        "support_declined",
        "restricted",
        "source",
        "source_ref",
        "message",
    }
)


class EntryRefused(ValueError):
    """The entry cannot be recorded; the message says why, in words for the person who tried."""


def record_entry(
    case: Case,
    *,
    kind: str,
    summary: str,
    by=None,
    occurred_at: dt.datetime | None = None,
    corrects: ChronologyEntry | None = None,
    request=None,
    **fields: Any,
) -> ChronologyEntry:
    """Append one entry to `case`'s chronology and audit it. `fields` are among OPTIONAL_FIELDS.

    Refuses (EntryRefused) an unknown kind, an empty summary, a time in the future, unknown support values, or a
    correction of an entry on another case. Scope is the caller's job: pages and the API check the acting user
    may write to this case before calling.
    """
    unknown = set(fields) - OPTIONAL_FIELDS
    if unknown:
        raise TypeError(f"record_entry() got unknown fields: {', '.join(sorted(unknown))}")
    if kind not in EntryKind.values:
        raise EntryRefused(f"'{kind}' is not a kind of chronology entry")
    if not (summary or "").strip():
        raise EntryRefused("Enter what happened (the summary)")
    occurred_at = occurred_at or clock.now()
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > max(timezone.now(), clock.latest_moment()) + dt.timedelta(minutes=5):
        raise EntryRefused("An entry records what has happened: the time cannot be in the future")
    for name in ("support_offered", "support_declined"):
        bad = [v for v in fields.get(name) or [] if v not in Support.values]
        if bad:
            raise EntryRefused(f"Unknown support: {', '.join(bad)}")
    if corrects is not None and corrects.case_id != case.pk:
        raise EntryRefused("A correction must be on the same case as the entry it corrects")
    with transaction.atomic():
        entry = ChronologyEntry.objects.create(
            case=case,
            pupil_id=case.pupil_id,
            kind=kind,
            summary=summary.strip(),
            occurred_at=occurred_at,
            recorded_by=by if by is not None and getattr(by, "pk", None) else None,
            corrects=corrects,
            **fields,
        )
        audit.record(
            "casework.entry.recorded",
            by=by,
            obj=entry,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "kind": kind, "corrects": corrects.pk if corrects else None},
            request=request,
        )
        # The case's work-list items follow at once, not tomorrow: a next step set, replaced by a later entry or a
        # correction, a plan reviewed, a case closed (a few cheap queries when nothing is due).
        from .prompts import sync_case_prompts

        sync_case_prompts(clock.today(), [case])
    return entry


@contextmanager
def erasure_permit() -> Iterator[None]:
    """Within this block (one transaction), the database lets chronology rows be deleted: only for a manager's
    approved removal of an entry filed on the wrong child, and retention deleting cases at the end of their
    period. The permit row is written and removed inside the same transaction (casework/0004)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO casework_erasure_permit (id) VALUES (1)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM casework_erasure_permit")


MESSAGE_KINDS = {
    "post": EntryKind.LETTER,
    "print": EntryKind.LETTER,
    "email": EntryKind.EMAIL,
    "sms": EntryKind.SMS,
}


def record_message(
    case: Case, message, *, by=None, summary: str = "", source: str = "letters"
) -> ChronologyEntry:
    """Put a letter, email or text message on the case's chronology, once: a second call for the same message (the
    letters signal and the page that sent it both call this) returns the entry already there. The case page shows
    the message's live delivery status through the `message` link."""
    existing = ChronologyEntry.objects.filter(case=case, message=message).first()
    if existing is not None:
        return existing
    title = message.template_version.template.title if message.template_version_id else "Message"
    to = (message.recipient or "").splitlines()[0] if message.recipient else "no recipient"
    return record_entry(
        case,
        kind=MESSAGE_KINDS.get(message.route, EntryKind.LETTER),
        summary=summary or f"{title} ({message.get_route_display().lower()}) to {to}",
        by=by,
        occurred_at=min(message.created_at, clock.now()),  # on a pinned day, not past that day's now
        message=message,
        source=source,
        source_ref=f"letters.Message:{message.pk}",
    )


# ----- corrections and removals


def correct_entry(
    entry: ChronologyEntry, by, summary: str, *, request=None, **fields: Any
) -> ChronologyEntry:
    """Correct an entry: a new entry of the same kind and time, whose `corrects` names the old one. The old one
    stays as it was (the chronology is evidence); pages show the correction with it."""
    if not (summary or "").strip():
        raise EntryRefused("Enter the correction: what the entry should have said")
    return record_entry(
        entry.case,
        kind=entry.kind,
        summary=summary,
        by=by,
        occurred_at=entry.occurred_at,
        corrects=entry,
        request=request,
        **fields,
    )


def request_removal(entry: ChronologyEntry, by, reason: str, *, request=None):
    """Ask for an entry filed on the wrong child to be removed (a data breach, not an error to correct). A
    manager other than the one asking approves it (`approve_removal`)."""
    from .models import EntryRemoval

    if not (reason or "").strip():
        raise EntryRefused("Enter why the entry is on the wrong child")
    if entry.corrects_id is not None:
        raise EntryRefused("Ask to remove the entry this correction corrects: its corrections go with it")
    if EntryRemoval.objects.filter(pending_entry=entry).exists():
        raise EntryRefused("Removal of this entry has already been asked for and is waiting for a manager")
    with transaction.atomic():
        removal = EntryRemoval.objects.create(
            case=entry.case,
            entry_id_removed=entry.pk,
            entry_kind=entry.kind,
            entry_occurred_at=entry.occurred_at,
            reason=reason.strip(),
            requested_by=by,
            pending_entry=entry,
        )
        audit.record(
            "casework.removal.requested",
            by=by,
            obj=removal,
            pupil=entry.case.pupil,
            school=entry.case.school,
            data={"case": entry.case.ref, "entry": entry.pk, "reason": reason.strip()},
            request=request,
        )
    return removal


def _check_approver(removal, by) -> None:
    from attend.accounts.permissions import has_permission

    from .access import cases_visible_to

    if removal.approved_at is not None or removal.pending_entry_id is None:
        raise EntryRefused("This removal has already been decided")
    if not has_permission(by, "cases.manage") or not cases_visible_to(by).filter(pk=removal.case_id).exists():
        raise EntryRefused("Only a manager responsible for this case can decide a removal")
    if removal.requested_by_id == by.pk:
        raise EntryRefused("Another manager must approve a removal you asked for")


def approve_removal(removal, by, *, request=None):
    """Delete the entry (with its corrections and attachments) inside an erasure permit. The EntryRemoval row
    keeps who asked, who approved, why and when; the audit trail says the same. The content is not kept."""
    from .models import Attachment

    _check_approver(removal, by)
    entry = removal.pending_entry
    doomed = _with_corrections(entry)
    files = list(Attachment.objects.filter(entry__in=doomed).values_list("stored_as", flat=True))
    with transaction.atomic():
        removal.pending_entry = None
        removal.approved_by = by
        removal.approved_at = timezone.now()
        removal.save(update_fields=["pending_entry", "approved_by", "approved_at"])
        with erasure_permit():
            Attachment.objects.filter(entry__in=doomed).delete()
            for item in reversed(doomed):  # corrections before what they correct (PROTECT)
                ChronologyEntry.objects.filter(pk=item.pk).delete()
        audit.record(
            "casework.entry.removed",
            by=by,
            obj=removal,
            pupil=removal.case.pupil,
            school=removal.case.school,
            data={
                "case": removal.case.ref,
                "entry": removal.entry_id_removed,
                "kind": removal.get_entry_kind_display(),
                "entries": len(doomed),
                "reason": removal.reason,
                "requested_by": removal.requested_by.get_username(),
            },
            request=request,
        )
    transaction.on_commit(lambda: _delete_files(files))
    return removal


def refuse_removal(removal, by, *, request=None) -> None:
    """A manager decides the entry is on the right child: the request goes, the entry stays."""
    _check_approver(removal, by)
    with transaction.atomic():
        audit.record(
            "casework.removal.refused",
            by=by,
            obj=removal.case,
            pupil=removal.case.pupil,
            school=removal.case.school,
            data={"case": removal.case.ref, "entry": removal.entry_id_removed, "reason": removal.reason},
            request=request,
        )
        removal.delete()


def _with_corrections(entry: ChronologyEntry) -> list[ChronologyEntry]:
    """The entry and every correction of it (and of those), parents first."""
    found, frontier = [entry], [entry.pk]
    while frontier:
        more = list(ChronologyEntry.objects.filter(corrects_id__in=frontier))
        found += more
        frontier = [e.pk for e in more]
    return found


def _delete_files(stored: list[str]) -> None:
    """Remove documents' files once the rows that named them are gone (the folder is attachments.folder())."""
    from .attachments import folder

    root = folder()
    for name in stored:
        (root / Path(name).name).unlink(missing_ok=True)


def erase_cases(case_ids) -> int:
    """Delete whole cases (their chronology, corrections, attachments, stage changes and removals) at the end of
    their retention period: for the retention job (attend.privacy.retention), inside an erasure permit, the only
    other way the database lets chronology rows go. Returns how many cases were deleted."""
    from .models import Attachment, Case, StageChange

    ids = list(case_ids)
    if not ids:
        return 0
    entries = ChronologyEntry.objects.filter(case_id__in=ids)
    files = list(Attachment.objects.filter(entry__in=entries).values_list("stored_as", flat=True))
    with erasure_permit():
        Attachment.objects.filter(entry__in=entries).delete()
        while True:  # corrections first (an entry a correction points at is PROTECTed)
            pointed_at = entries.filter(corrects__isnull=False).values("corrects_id")
            leaves = list(entries.exclude(pk__in=pointed_at).values_list("pk", flat=True))
            if not leaves:
                break
            ChronologyEntry.objects.filter(pk__in=leaves).delete()
        StageChange.objects.filter(case_id__in=ids).delete()
        deleted = Case.objects.filter(pk__in=ids).delete()[1].get("casework.Case", 0)
    transaction.on_commit(lambda: _delete_files(files))
    return deleted

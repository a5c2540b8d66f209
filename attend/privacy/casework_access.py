"""Subject access: the pupil's cases and their chronology, and the documents on them, for the archive
(attend.privacy.subject_access). Everything is included, restricted safeguarding notes too: a subject access
request is run by the school's DSL or head or an LA manager, and the data protection officer reviews the archive
before anything is released (README.txt says what to check). Staff appear by role, never by name."""

from __future__ import annotations

from collections.abc import Callable

from attend.casework.attachments import AttachmentDamaged, read_verified, safe_filename
from attend.casework.models import Attachment, Case, ChronologyEntry
from attend.core.scoping import PupilAccess
from attend.people.models import Pupil

CASE_HEADER = [
    "case", "school_urn", "stage", "status", "close_reason", "close_summary", "opened_at", "closed_at",
    "lead_practitioner",
]  # fmt: skip
ENTRY_HEADER = [
    "case", "entry_id", "kind", "occurred_at", "recorded_by", "summary", "participants", "outcome", "child_seen",
    "child_heard", "child_words", "parent_words", "next_step", "next_step_due", "interpreter_needed",
    "interpreter_used", "support_offered", "support_declined", "restricted", "corrects_entry", "source",
]  # fmt: skip


def cases_of(pupil: Pupil, access: PupilAccess | None):
    """The pupil's cases; a school the pupil has left gets the cases it held (its own period of the record)."""
    cases = Case.objects.filter(pupil=pupil).select_related("school").order_by("opened_at", "pk")
    if access is not None and not access.whole:
        cases = cases.filter(school_id__in=access.school_ids)
    return cases


def case_rows(cases):
    for c in cases:
        yield (
            c.ref, c.school.urn if c.school_id else "", c.get_stage_display(), c.get_status_display(),
            c.get_close_reason_display() if c.close_reason else "", c.close_summary, c.opened_at, c.closed_at,
            c.lead_practitioner,
        )  # fmt: skip


def entry_rows(cases, role_of: Callable[[int | None], str]):
    entries = (
        ChronologyEntry.objects.filter(case__in=cases).select_related("case").order_by("occurred_at", "pk")
    )
    for e in entries:
        yield (
            e.case.ref, e.pk, e.get_kind_display(), e.occurred_at, role_of(e.recorded_by_id), e.summary,
            e.participants, e.outcome, e.child_seen, e.child_heard, e.child_words, e.parent_words, e.next_step,
            e.next_step_due, e.interpreter_needed, e.interpreter_used, " ".join(e.support_offered or []),
            " ".join(e.support_declined or []), "yes" if e.restricted else "", e.corrects_id or "", e.source,
        )  # fmt: skip


def documents(cases) -> tuple[dict[str, bytes], list[str]]:
    """{archive path: bytes} of the documents on these cases, each checked against its checksum; and the ones
    that could not be included (missing or changed on disk), for the README."""
    found: dict[str, bytes] = {}
    problems: list[str] = []
    for attachment in Attachment.objects.filter(entry__case__in=cases).select_related("entry__case"):
        name = f"documents/{attachment.entry.case.ref}-{attachment.pk}-{safe_filename(attachment.filename)}"
        try:
            found[name] = read_verified(attachment)
        except AttachmentDamaged as damaged:
            problems.append(f"{attachment.entry.case.ref} {attachment.filename}: {damaged}")
    return found, problems

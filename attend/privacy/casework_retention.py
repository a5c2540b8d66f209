"""Retention of cases: a case closed more than ATTEND_RETENTION_CASEWORK_YEARS ago is deleted with everything it
holds (chronology, stage changes, documents and their files, assessment, plans, meetings, consent, safeguarding
records). The chronology is append-only in the database, so the deletion runs inside
`attend.casework.chronology.erasure_permit()`. Until the LA sets the policy nothing is due, and a pupil with a case is
kept as long as the case is (retention.Due._leaving)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from attend.casework.chronology import erase_cases
from attend.casework.models import Attachment, Case, ChronologyEntry


def due_cases(as_of: dt.date, years: int | None) -> QuerySet[Case]:
    """Cases closed before the start of the day `years` years before `as_of` (none while no policy is set)."""
    if years is None:
        return Case.objects.none()
    try:
        before = as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        before = as_of.replace(year=as_of.year - years, day=28)
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    from attend.cme.retention import case_has_records as cme_case_has_records
    from attend.enforcement.retention import case_has_records

    # A case with enforcement records is kept with them (no schedule for those yet: attend/enforcement/retention.py),
    # and so is one with the LA's CME or home education records (attend/cme/retention.py).
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=start).exclude(
        case_has_records() | cme_case_has_records()
    )


def kept_cases(as_of: dt.date, years: int | None) -> QuerySet[Case]:
    return Case.objects.exclude(pk__in=due_cases(as_of, years).values("pk"))


def cases_note(cases: QuerySet[Case]) -> str:
    entries = ChronologyEntry.objects.filter(case__in=cases.values("pk")).count()
    documents = Attachment.objects.filter(entry__case__in=cases.values("pk")).count()
    return f"with {entries} chronology entries and {documents} documents"


def delete_cases(cases: QuerySet[Case], chunk: int = 200) -> int:
    """Delete the cases a chunk at a time, each chunk in one transaction (casework's own `erase_cases` holds the
    erasure permit and removes the documents' files once the deletion is committed). Returns how many."""
    deleted = 0
    while True:
        ids = list(cases.values_list("pk", flat=True)[:chunk])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += erase_cases(ids)

"""Reading the chronology for a page: newest first, each correction shown with the entry it corrects, restricted
safeguarding notes hidden from those who may not read them (they see that one exists)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from . import access
from .models import CallOutcome, Case, ChronologyEntry, Support

RESTRICTED_NOTICE = "A restricted safeguarding note (visible to the designated safeguarding lead)"
SUPPORT_LABELS = dict(Support.choices)
OUTCOME_LABELS = dict(CallOutcome.choices)


@dataclass
class Row:
    entry: ChronologyEntry
    hidden: bool = False  # restricted, and the reader may not see it
    corrections: list[ChronologyEntry] = field(default_factory=list)
    pending_removal: bool = False

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.entry.outcome, self.entry.outcome)

    @property
    def support_offered(self) -> list[str]:
        return [SUPPORT_LABELS.get(v, v) for v in self.entry.support_offered or []]

    @property
    def support_declined(self) -> list[str]:
        return [SUPPORT_LABELS.get(v, v) for v in self.entry.support_declined or []]


def _rows(entries: list[ChronologyEntry], restricted_ok: set[int]) -> list[Row]:
    """Entries newest first; a correction (or a correction of one) is listed under the entry it corrects."""
    by_id = {e.pk: e for e in entries}

    def root(e: ChronologyEntry) -> ChronologyEntry:
        while e.corrects_id and e.corrects_id in by_id:
            e = by_id[e.corrects_id]
        return e

    rows: dict[int, Row] = {}
    for e in sorted(entries, key=lambda e: (e.occurred_at, e.pk)):
        top = root(e)
        if top.pk not in rows:
            rows[top.pk] = Row(top, hidden=top.restricted and top.case_id not in restricted_ok)
        if e is not top:
            rows[top.pk].corrections.append(e)
    return sorted(rows.values(), key=lambda r: (r.entry.occurred_at, r.entry.pk), reverse=True)


def _entries(query) -> list[ChronologyEntry]:
    return list(
        query.select_related("recorded_by", "case", "message", "removal_request").order_by(
            "occurred_at", "id"
        )
    )


def case_timeline(case: Case, user) -> list[Row]:
    allowed = {case.pk} if access.sees_restricted(user, case) else set()
    entries = _entries(ChronologyEntry.objects.filter(case=case))
    rows = _rows(entries, allowed)
    for row in rows:
        row.pending_removal = hasattr(row.entry, "removal_request")
    return rows


def pupil_timeline(pupil, user, *, limit: int = 20) -> list[Row]:
    """The pupil's chronology across the cases the user may see (a case opened before the pupil record existed
    is found through the case), the latest `limit` entries."""
    visible = access.cases_visible_to(user).filter(pupil=pupil)
    cases = list(visible)
    allowed = {c.pk for c in cases if access.sees_restricted(user, c)}
    latest = (
        ChronologyEntry.objects.filter(Q(case__in=cases), corrects__isnull=True)
        .order_by("-occurred_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(latest)
    entries = _entries(ChronologyEntry.objects.filter(Q(pk__in=ids) | Q(corrects_id__in=ids)))
    return _rows(entries, allowed)

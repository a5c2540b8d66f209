"""Helpers behind the batch pages: pupils from the alert work list, scope, progress (views stay thin).

Which batches a person sees: a batch belongs to the schools of its letters, so a person sees a batch when every
letter in it is about a pupil at one of their schools (an LA officer's batch across schools is not shown to one of
those schools); an empty batch only to the person who prepared it. Which pupils may go in: only pupils whose
current record is in the person's scope (`attend.core.scoping.current_pupil_ids`), never one who has left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from attend.alerts.models import Alert
from attend.alerts.worklist import RULE_TITLES, is_newly_raised, visible_alerts
from attend.casework.models import PupilCircumstance
from attend.core.scoping import current_pupil_ids, staff_school_ids
from attend.people.models import Pupil

from . import library
from .batches import SENT_STATUSES, hold_reason
from .models import Batch, Channel, Message

S = Message.Status
# Rules about one pupil whose families a letter is for (not registers, not school-level trends).
LETTER_RULES = [
    r for r in RULE_TITLES if r not in ("missing_register", "cohort", "first_day", "part_time_timetable")
]


@dataclass
class Candidate:
    """A pupil the work list suggests for the batch, and why their letter would be held (empty: it would not)."""

    pupil: Pupil
    alert: Alert
    hold: str


def template_choices() -> list[tuple[str, str]]:
    """Letter templates a batch can use: not first-day messages (sent at once) and not placeholders."""
    return [
        (t.name, t.title)
        for t in library.available(None)
        if t.channel == Channel.LETTER and not t.immediate and not t.placeholder
    ]


def rule_choices() -> list[tuple[str, str]]:
    return [(r, RULE_TITLES[r]) for r in LETTER_RULES]


def candidates(user, *, rule: str, new_only: bool, today: dt.date) -> list[Candidate]:
    """Pupils with an open `rule` alert in the user's scope whose current record the user may act on (with
    `new_only`, alerts nobody has acknowledged, raised in the last 7 days: "this week's new" alerts)."""
    alerts = visible_alerts(user).filter(rule=rule, pupil__isnull=False).defer("evidence")
    if new_only:
        alerts = [a for a in alerts.filter(status=Alert.Status.NEW) if is_newly_raised(a, today)]
    first: dict[int, Alert] = {}
    for alert in alerts:
        first.setdefault(alert.pupil_id, alert)
    allowed = current_pupil_ids(user, list(first), today=today)
    circumstances = circumstances_of([pk for pk in first if pk in allowed])
    found = [
        Candidate(a.pupil, a, hold_reason(a.pupil, today, circumstances.get(pk, [])))
        for pk, a in first.items()
        if pk in allowed
    ]
    return sorted(found, key=lambda c: (c.alert.school.name, c.pupil.legal_surname, c.pupil.legal_forename))


def circumstances_of(pupil_ids: list[int]) -> dict[int, list[PupilCircumstance]]:
    found: dict[int, list[PupilCircumstance]] = {}
    for c in PupilCircumstance.objects.filter(pupil_id__in=pupil_ids):
        found.setdefault(c.pupil_id, []).append(c)
    return found


def pupils_in_scope(user, upns: list[str], *, today: dt.date) -> tuple[list[Pupil], list[str]]:
    """The pupils with these UPNs whose current record the user may act on, and the UPNs refused (unknown,
    outside scope or left: one answer for all three, so a UPN's existence is never revealed)."""
    wanted = list(dict.fromkeys(u.strip().upper() for u in upns if u.strip()))
    pupils = {p.upn: p for p in Pupil.objects.filter(upn__in=wanted)}
    allowed = current_pupil_ids(user, [p.pk for p in pupils.values()], today=today)
    ok = [pupils[u] for u in wanted if u in pupils and pupils[u].pk in allowed]
    return ok, [u for u in wanted if u not in pupils or pupils[u].pk not in allowed]


def batches_visible_to(user) -> QuerySet[Batch]:
    if user.is_superuser:
        return Batch.objects.all()
    outside = Message.objects.filter(batch=OuterRef("pk")).exclude(school_id__in=staff_school_ids(user))
    any_letter = Message.objects.filter(batch=OuterRef("pk"))
    return Batch.objects.filter(~Exists(outside) & (Exists(any_letter) | Q(created_by=user))).select_related(
        "template", "created_by", "approved_by"
    )


def batch_for_user(user, pk: int) -> Batch:
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch in your scope.")
    return batch


def letter_for_user(user, batch_pk: int, pk: int) -> Message:
    batch = batch_for_user(user, batch_pk)
    message = batch.messages.select_related("pupil", "batch").filter(pk=pk).first()
    if message is None:
        raise Http404("No such letter in this batch.")
    return message


@dataclass
class Progress:
    total: int
    sent: int
    failed: int
    held: int
    skipped: int
    queued: int
    status: str

    @property
    def finished(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100

    @property
    def sending(self) -> bool:
        """The background task still has letters to send: the page keeps refreshing."""
        return self.status == Batch.Status.APPROVED and self.queued > 0

    @property
    def print_ready(self) -> bool:
        return self.status != Batch.Status.REVIEW and self.queued == 0 and self.sent > 0


def progress(batch: Batch) -> Progress:
    counts = dict(batch.messages.values_list("status").annotate(n=Count("pk")).order_by())
    return Progress(
        total=sum(counts.values()),
        sent=sum(counts.get(s, 0) for s in SENT_STATUSES),
        failed=counts.get(S.FAILED, 0),
        held=counts.get(S.HELD, 0),
        skipped=counts.get(S.SKIPPED, 0),
        queued=counts.get(S.QUEUED, 0),
        status=batch.status,
    )


def letters_with_status(batch: Batch, *statuses: str) -> QuerySet[Message]:
    return (
        batch.messages.filter(status__in=statuses)
        .select_related("pupil", "contact", "approved_by")
        .defer("pdf", "body_html", "body_text")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pk")
    )

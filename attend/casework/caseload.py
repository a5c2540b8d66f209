"""Caseloads: an officer's open cases by stage, overdue next steps, and cases with no contact for 20 school days;
and a manager's view of every officer in scope. Aggregate queries only: work per school and per officer, never per
case.

- A case's **next step** is the `next_step` / `next_step_due` of a chronology entry. It is *open* until superseded:
  by a correction of that entry, or by a later entry on the case that names its own next step. It is *overdue*
  when its due date is before today.
- **No contact** (CONTACT_KINDS: calls, visits, meetings, direct work) for 20 school days: at least 20 school days
  have passed since the last contact (or, with none, since the case was opened). School days come from the school's calendar (`attend.registers.calendar.school_days`: its
  imported terms and closures, or the days its registers were taken); where that gives fewer than 20 days in the
  last year, and for a child with no school, weekdays are counted instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from attend.registers.calendar import school_days
from attend.schools.models import School

from .models import CONTACT_KINDS, OPEN_CASE_STATUSES, STAGE_ORDER, Case, ChronologyEntry, Stage

NO_CONTACT_SCHOOL_DAYS = 20


def open_next_steps() -> QuerySet[ChronologyEntry]:
    """Entries whose next step is still open: not corrected, and no later entry on the case names a next step."""
    later = ChronologyEntry.objects.filter(case=OuterRef("case"), next_step_due__isnull=False).filter(
        Q(occurred_at__gt=OuterRef("occurred_at"))
        | Q(occurred_at=OuterRef("occurred_at"), pk__gt=OuterRef("pk"))
    )
    return ChronologyEntry.objects.filter(
        next_step_due__isnull=False, case__status__in=OPEN_CASE_STATUSES
    ).filter(~Exists(later), ~Exists(ChronologyEntry.objects.filter(corrects=OuterRef("pk"))))


def weekdays_cutoff(today: dt.date, n: int = NO_CONTACT_SCHOOL_DAYS) -> dt.date:
    """The n-th weekday counting back from today (today included when it is a weekday)."""
    day, seen = today, 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == n:
                return day
        day -= dt.timedelta(days=1)


def contact_cutoff(school: School | None, today: dt.date) -> tuple[dt.date, bool]:
    """(the 20th school day counting back from today, whether the school's calendar gave it). A case whose last
    contact is before that day has gone 20 school days without one."""
    if school is not None:
        days = school_days(school, today - dt.timedelta(days=365), today)
        if len(days) >= NO_CONTACT_SCHOOL_DAYS:
            return days[-NO_CONTACT_SCHOOL_DAYS], True
    return weekdays_cutoff(today), False


def with_last_contact(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.annotate(
        last_contact=Max("entries__occurred_at", filter=Q(entries__kind__in=CONTACT_KINDS)),
        contact_or_opened=Coalesce(F("last_contact"), F("opened_at")),
    )


def no_contact_condition(cases: QuerySet[Case], today: dt.date) -> tuple[Q, dict]:
    """A Q on cases annotated by `with_last_contact` for "no contact for 20 school days", one cutoff per school
    (one calendar look-up per school, not per case); and how the days were counted, per school name."""
    condition, counted = Q(pk__in=[]), {}
    school_ids = set(cases.order_by().values_list("school_id", flat=True).distinct())
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids - {None})}
    for school_id in school_ids:
        school = schools.get(school_id)
        cutoff, from_calendar = contact_cutoff(school, today)
        before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
        where = Q(school_id=school_id) if school_id else Q(school_id__isnull=True)
        condition |= where & Q(contact_or_opened__lt=before)
        counted[school.name if school else "Children with no school"] = (
            "the school's calendar" if from_calendar else "weekdays"
        )
    return condition, counted


@dataclass
class Caseload:
    cases: list[Case]
    by_stage: list[tuple[str, int]]
    overdue: int
    no_contact: int
    counted: dict = field(default_factory=dict)


def caseload_for(user, today: dt.date) -> Caseload:
    """The user's open cases (they are the LA officer or the school lead), with next step, last contact and flags."""
    mine = Case.objects.filter(status__in=OPEN_CASE_STATUSES).filter(Q(la_officer=user) | Q(school_lead=user))
    steps = open_next_steps().filter(case=OuterRef("pk")).order_by("next_step_due", "pk")
    cases = with_last_contact(mine).annotate(next_due=Subquery(steps.values("next_step_due")[:1]))
    condition, counted = no_contact_condition(mine, today)
    quiet = set(with_last_contact(mine).filter(condition).values_list("pk", flat=True))
    rows = list(
        cases.select_related("pupil", "school").order_by(F("next_due").asc(nulls_last=True), "opened_at")
    )
    for case in rows:
        case.overdue = case.next_due is not None and case.next_due < today
        case.no_contact = case.pk in quiet
    counts = dict(mine.order_by().values_list("stage").annotate(n=Count("pk")))
    return Caseload(
        cases=rows,
        by_stage=[(Stage(s).label, counts.get(s, 0)) for s in STAGE_ORDER],
        overdue=sum(c.overdue for c in rows),
        no_contact=sum(c.no_contact for c in rows),
        counted=counted,
    )


@dataclass
class OfficerRow:
    user_id: int | None
    name: str
    stages: dict[str, int] = field(default_factory=dict)
    total: int = 0
    overdue: int = 0
    no_contact: int = 0

    def by_stage(self) -> list[int]:
        return [self.stages.get(s, 0) for s in STAGE_ORDER]


def team_caseload(cases: QuerySet[Case], today: dt.date) -> tuple[list[OfficerRow], dict]:
    """Every officer holding open cases among `cases` (the manager's scope), as LA officer or school lead, with
    counts by stage, overdue next steps and cases without contact; and an "Unassigned" row. Six aggregate queries
    and one calendar look-up per school."""
    open_cases = cases.filter(status__in=OPEN_CASE_STATUSES)
    overdue_ids = open_next_steps().filter(case__in=open_cases, next_step_due__lt=today).values("case_id")
    condition, counted = no_contact_condition(open_cases, today)
    quiet_ids = with_last_contact(open_cases).filter(condition).values("pk")
    rows: dict[tuple[str, int | None], OfficerRow] = {}
    for holder in ("la_officer", "school_lead"):
        held = open_cases.filter(**{f"{holder}__isnull": False})
        names = held.values_list(
            holder, f"{holder}__first_name", f"{holder}__last_name", f"{holder}__username"
        )
        for user_id, first, last, username in names.order_by().distinct():
            label = f"{first} {last}".strip() or username
            rows[(holder, user_id)] = OfficerRow(
                user_id, f"{label} ({'LA officer' if holder == 'la_officer' else 'school lead'})"
            )
        for user_id, stage, n in held.order_by().values_list(holder, "stage").annotate(n=Count("pk")):
            row = rows[(holder, user_id)]
            row.stages[stage] = n
            row.total += n
        for key, ids in (("overdue", overdue_ids), ("no_contact", quiet_ids)):
            for user_id, n in held.filter(pk__in=ids).order_by().values_list(holder).annotate(n=Count("pk")):
                setattr(rows[(holder, user_id)], key, n)
    unassigned = open_cases.filter(la_officer__isnull=True, school_lead__isnull=True)
    row = OfficerRow(None, "Unassigned")
    row.stages = dict(unassigned.order_by().values_list("stage").annotate(n=Count("pk")))
    row.total = sum(row.stages.values())
    row.overdue = unassigned.filter(pk__in=overdue_ids).count()
    row.no_contact = unassigned.filter(pk__in=quiet_ids).count()
    ordered = sorted(rows.values(), key=lambda r: r.name.lower())
    return ordered + ([row] if row.total else []), counted

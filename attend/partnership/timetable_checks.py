"""What is checked about part-time timetables: the work-list items for those past their review or planned end, the
C2 marks in the register against the agreed hours, and the LA's list of current timetables (past review first).

`sync_timetable_prompts(today)` makes the open `timetable_review_due` items match what is due, as casework's
`sync_case_prompts` does for cases: it raises the missing ones and clears those no longer due (reviewed with a new
date, or ended). It runs after each evaluation of today (attend.alerts.services.alerts_evaluate) and after a review.
An item someone dismissed stays dismissed; a new due date is a new item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek

from attend.alerts.events import TIMETABLE_REVIEW_DUE, clear_alerts, raise_prompt
from attend.alerts.models import Alert
from attend.casework.models import PartTimeTimetable, TimetableStatus
from attend.letters.age import of_compulsory_school_age
from attend.people.models import Enrolment
from attend.registers.models import Mark

SESSIONS_A_WEEK = 10


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def current_timetables():
    return PartTimeTimetable.objects.filter(status=TimetableStatus.ACTIVE)


def due_on(timetable: PartTimeTimetable, today: dt.date) -> tuple[dt.date, str] | None:
    """(due date, what) when the timetable is past its planned end or at or past its review date, else None."""
    if timetable.status != TimetableStatus.ACTIVE:
        return None
    if timetable.end < today:
        return timetable.end, f"past its planned end ({_d(timetable.end)})"
    if timetable.review_date <= today:
        return timetable.review_date, f"review due {_d(timetable.review_date)}"
    return None


def _enrolment(timetable: PartTimeTimetable, today: dt.date) -> Enrolment | None:
    enrolments = Enrolment.objects.filter(pupil_id=timetable.pupil_id, school_id=timetable.school_id)
    on_roll = Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    return enrolments.filter(on_roll).order_by("-admission_date").first() or enrolments.first()


def sync_timetable_prompts(today: dt.date, *, schools=None, timetables=None) -> dict[str, int]:
    """Raise the items due and clear those that are not, for the timetables at `schools` (or those given)."""
    scope = PartTimeTimetable.objects.select_related("pupil", "school")
    if timetables is not None:
        scope = scope.filter(pk__in=[t.pk for t in timetables])
    elif schools is not None:
        scope = scope.filter(school__in=schools)
    due = scope.filter(status=TimetableStatus.ACTIVE).filter(Q(end__lt=today) | Q(review_date__lte=today))
    wanted: dict[str, tuple[PartTimeTimetable, dt.date, str]] = {}
    for timetable in due:
        when, what = due_on(timetable, today)
        wanted[f"t{timetable.pk}-{when:%Y%m%d}"] = (timetable, when, what)
    existing = Alert.objects.filter(rule=TIMETABLE_REVIEW_DUE)
    if timetables is not None or schools is not None:
        existing = existing.filter(Q(key__in=list(wanted)) | Q(pupil_id__in=scope.values("pupil_id")))
    latest = {a.key: a for a in existing.order_by("id")}
    raised = cleared = 0
    with transaction.atomic():
        for key, (timetable, when, what) in wanted.items():
            enrolment = None if key in latest else _enrolment(timetable, today)
            if enrolment is None:
                continue  # already on the list (or dismissed: that stands), or no enrolment to hang it on
            overdue = " (overdue)" if when < today else ""
            reason = (
                f"Part-time timetable from {_d(timetable.start)}: {what}{overdue}. Review it with the family."
            )
            raise_prompt(
                rule=TIMETABLE_REVIEW_DUE,
                key=key,
                enrolment=enrolment,
                today=today,
                reason=reason,
                details={"timetable_id": timetable.pk, "due": when.isoformat()},
                school=timetable.school,
                priority=3 if overdue else 5,
            )
            raised += 1
        stale = [
            a.pk
            for key, a in latest.items()
            if key not in wanted and a.status in (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}


@dataclass(frozen=True)
class WeekFlag:
    week_of: dt.date  # the Monday
    c2_sessions: int
    allowed: int


@dataclass(frozen=True)
class C2Check:
    allowed_a_week: int  # sessions the timetable leaves out
    weeks: list[WeekFlag]  # weeks with more C2 than that
    below_compulsory_age: bool  # C2 for a child below compulsory school age: it should be X
    c2_total: int

    @property
    def flagged(self) -> bool:
        return bool(self.weeks) or (self.below_compulsory_age and self.c2_total > 0)


def c2_check(timetable: PartTimeTimetable, today: dt.date) -> C2Check:
    """C2 marks from the timetable's start to its end (or today) against the sessions it leaves out, week by week:
    one grouped query over the pupil's marks at the school."""
    last = min(timetable.end, today)
    allowed = SESSIONS_A_WEEK - timetable.sessions_per_week
    rows = (
        Mark.objects.filter(
            enrolment__pupil_id=timetable.pupil_id,
            enrolment__school_id=timetable.school_id,
            date__gte=timetable.start,
            date__lte=last,
            code="C2",
        )
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    weeks, total = [], 0
    for row in rows:
        total += row["n"]
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        if row["n"] > allowed:
            weeks.append(WeekFlag(week_of=week, c2_sessions=row["n"], allowed=allowed))
    below = not of_compulsory_school_age(timetable.pupil.date_of_birth, timetable.start)
    return C2Check(allowed_a_week=allowed, weeks=weeks, below_compulsory_age=below, c2_total=total)


def la_current_timetables(school_ids):
    """Every current timetable at these schools, past review first (the oldest review date at the top)."""
    return (
        current_timetables()
        .filter(school_id__in=school_ids)
        .select_related("pupil", "school")
        .order_by(F("review_date").asc(), "end", "pk")
    )

"""The work-list warning for the time limit to lay an information (Magistrates' Courts Act 1980 s127: six months),
raised 6 weeks before the last day (issue 19) for a prosecution decided but not yet laid, and cleared once it is
laid or discontinued. Same shape as casework's `sync_case_prompts`: raise the missing items, clear those no longer
due; an item someone dismissed stays dismissed. Runs after each evaluation (attend.alerts.services) and after each
step of a prosecution."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from attend.alerts.events import PROSECUTION_TIME_LIMIT, clear_alerts, raise_prompt
from attend.alerts.models import Alert
from attend.people.models import Enrolment

from .models import Prosecution

WARN_BEFORE = dt.timedelta(weeks=6)


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _enrolment(prosecution: Prosecution, today: dt.date) -> Enrolment | None:
    enrolments = Enrolment.objects.filter(pupil_id=prosecution.pupil_id).order_by("-admission_date")
    if prosecution.case.school_id:
        enrolments = enrolments.filter(school_id=prosecution.case.school_id) or enrolments
    on_roll = Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    return enrolments.filter(on_roll).first() or enrolments.first()


def due(today: dt.date, prosecutions=None):
    scope = Prosecution.objects.filter(status=Prosecution.Status.DECIDED, lay_by__lte=today + WARN_BEFORE)
    if prosecutions is not None:
        scope = scope.filter(pk__in=[p.pk for p in prosecutions])
    return scope.select_related("case", "pupil", "parent")


def sync_time_limit_prompts(today: dt.date, *, prosecutions=None) -> dict[str, int]:
    wanted = {f"pr{p.pk}": p for p in due(today, prosecutions)}
    existing = Alert.objects.filter(rule=PROSECUTION_TIME_LIMIT)
    if prosecutions is not None:
        existing = existing.filter(key__in=[f"pr{p.pk}" for p in prosecutions])
    latest = {a.key: a for a in existing.order_by("id")}
    raised = cleared = 0
    with transaction.atomic():
        for key, prosecution in wanted.items():
            enrolment = None if key in latest else _enrolment(prosecution, today)
            if enrolment is None:
                continue
            days = (prosecution.lay_by - today).days
            when = f"in {days} days" if days > 0 else ("today" if days == 0 else "passed")
            reason = (
                f"Case {prosecution.case.ref}: the information against {prosecution.parent.forename} "
                f"{prosecution.parent.surname} must be laid by {_d(prosecution.lay_by)} ({when}; MCA 1980 s127)."
            )
            raise_prompt(
                rule=PROSECUTION_TIME_LIMIT,
                key=key,
                enrolment=enrolment,
                today=today,
                reason=reason,
                details={"case": prosecution.case.ref, "lay_by": prosecution.lay_by.isoformat()},
                school=enrolment.school,
                priority=2 if days <= 14 else 4,
            )
            raised += 1
        stale = [
            a.pk
            for key, a in latest.items()
            if key not in wanted and a.status in (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}

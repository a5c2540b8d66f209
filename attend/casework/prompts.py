"""Casework on the existing work list: next steps due, plan and action reviews due, meetings today, and consent
expiring within 14 days become work-list items (alerts of the `CASE_RULES`, beside the letters' event alerts in
attend.alerts.events), routed to the case's LA officer and school lead, each with its due date.

`sync_case_prompts(today)` makes the open items match what is due: it raises the missing ones and clears those no
longer due (a next step done by a later entry or corrected, a review recorded, a meeting held or cancelled, consent
renewed). It runs after each nightly evaluation (`alerts_evaluate`), and for one case after the API or a page adds
to it (`sync_case_prompts(today, cases=[case])`). An item an officer dismissed stays dismissed; a new due date (a
plan's next review) is a new item. Cases about a child with no pupil record or no school are not on the work list
(no enrolment to hang an item on); they are on the caseload page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attend.alerts.events import (
    CASE_CONSENT,
    CASE_MEETING,
    CASE_NEXT_STEP,
    CASE_REVIEW,
    CASE_RULES,
    clear_alerts,
    raise_prompt,
)
from attend.alerts.models import OPEN_STATUSES, Alert
from attend.people.models import Enrolment

from .caseload import open_next_steps
from .models import OPEN_CASE_STATUSES, Case, Consent, Meeting, PlanAction, SupportPlan

CONSENT_DAYS = 14


@dataclass(frozen=True)
class Due:
    rule: str
    case_id: int
    key: str
    due: dt.date
    what: str


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def due_items(today: dt.date, cases=None) -> list[Due]:
    """Everything due on open cases (among `cases`, a queryset or list, when given) as of `today`."""
    open_cases = Case.objects.filter(status__in=OPEN_CASE_STATUSES, pupil__isnull=False, school__isnull=False)
    if cases is not None:
        open_cases = open_cases.filter(pk__in=[c.pk for c in cases])
    items: list[Due] = []
    steps = open_next_steps().filter(case__in=open_cases, next_step_due__lte=today)
    for pk, case_id, due, step in steps.values_list("pk", "case_id", "next_step_due", "next_step"):
        items.append(Due(CASE_NEXT_STEP, case_id, f"e{pk}", due, f"next step '{step or 'not named'}'"))
    active = SupportPlan.Status.ACTIVE
    plans = SupportPlan.objects.filter(case__in=open_cases, status=active, review_date__lte=today)
    for pk, case_id, due, title in plans.values_list("pk", "case_id", "review_date", "title"):
        items.append(Due(CASE_REVIEW, case_id, f"p{pk}-{due:%Y%m%d}", due, f"review of the plan '{title}'"))
    actions = PlanAction.objects.filter(
        plan__case__in=open_cases, plan__status=active, review_date__lte=today
    ).exclude(status__in=(PlanAction.Status.DONE, PlanAction.Status.NOT_DONE))
    for pk, case_id, due, text in actions.values_list("pk", "plan__case_id", "review_date", "description"):
        items.append(
            Due(CASE_REVIEW, case_id, f"a{pk}-{due:%Y%m%d}", due, f"review of the action '{text[:80]}'")
        )
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    meetings = Meeting.objects.filter(
        case__in=open_cases,
        status=Meeting.Status.PLANNED,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    )
    for pk, case_id, starts_at, method in meetings.values_list("pk", "case_id", "starts_at", "method"):
        at = timezone.localtime(starts_at)
        label = Meeting.Method(method).label.lower()
        items.append(Due(CASE_MEETING, case_id, f"m{pk}", today, f"{label} meeting at {at:%H:%M} today"))
    consents = Consent.objects.filter(
        case__in=open_cases, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=CONSENT_DAYS)
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
    for pk, case_id, due, who in consents.values_list("pk", "case_id", "expires_on", "given_by_name"):
        items.append(Due(CASE_CONSENT, case_id, f"c{pk}-{due:%Y%m%d}", due, f"consent from {who} expires"))
    return items


def _enrolments(cases: dict[int, Case], today: dt.date) -> dict[int, Enrolment]:
    """The enrolment at the case's school an item hangs on (the current one, else the latest), one query."""
    found: dict[int, Enrolment] = {}
    pairs = {(c.pupil_id, c.school_id): c.pk for c in cases.values()}
    enrolments = Enrolment.objects.filter(
        pupil_id__in={p for p, _ in pairs}, school_id__in={s for _, s in pairs}
    ).order_by("admission_date")
    for enrolment in enrolments:
        case_id = pairs.get((enrolment.pupil_id, enrolment.school_id))
        if case_id is not None:
            current = enrolment.leaving_date is None or enrolment.leaving_date >= today
            if case_id not in found or current:
                found[case_id] = enrolment
    return found


def sync_case_prompts(today: dt.date, cases=None) -> dict[str, int]:
    """Raise the work-list items that are due and clear those that are not. Returns counts."""
    scope = Case.objects.all() if cases is None else Case.objects.filter(pk__in=[c.pk for c in cases])
    if cases is not None and not cases:
        return {"raised": 0, "cleared": 0}
    if not Alert.objects.filter(rule__in=CASE_RULES, status__in=OPEN_STATUSES).exists() and not (
        scope.filter(status__in=OPEN_CASE_STATUSES).exists()
    ):
        return {"raised": 0, "cleared": 0}  # nothing open anywhere: two cheap queries
    items = due_items(today, cases)
    wanted = {(i.rule, i.key): i for i in items}
    existing = Alert.objects.filter(rule__in=CASE_RULES)
    if cases is not None:
        keys = [i.key for i in items]
        pupils = Case.objects.filter(pk__in=[c.pk for c in cases]).values("pupil_id")
        existing = existing.filter(Q(pupil_id__in=pupils) | Q(key__in=keys))
    latest: dict[tuple[str, str], Alert] = {}
    for alert in existing.order_by("id"):
        latest[(alert.rule, alert.key)] = alert
    case_ids = {i.case_id for i in items}
    by_case = {c.pk: c for c in Case.objects.filter(pk__in=case_ids).select_related("pupil", "school")}
    enrolments = _enrolments(by_case, today)
    raised = cleared = 0
    with transaction.atomic():
        for (rule, key), item in wanted.items():
            if (rule, key) in latest or item.case_id not in enrolments:
                continue  # already on the list (or acted on: an officer's dismissal stands)
            case = by_case[item.case_id]
            overdue = " (overdue)" if item.due < today else ""
            reason = f"Case {case.ref}: {item.what}, due {_d(item.due)}{overdue}."
            raise_prompt(
                rule=rule,
                key=key,
                enrolment=enrolments[item.case_id],
                today=today,
                reason=reason,
                details={
                    "case": case.ref,
                    "case_id": case.pk,
                    "due": item.due.isoformat(),
                    "officers": [u for u in (case.la_officer_id, case.school_lead_id) if u],
                },
                school=case.school,
                priority=3 if overdue else 5,
                audit_data={"case": case.ref},
            )
            raised += 1
        stale = [
            a.pk
            for (rule, key), a in latest.items()
            if (rule, key) not in wanted and a.status in (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}

"""Recording the LA's s19 decision (EA 1996 s19; health guidance December 2023; 2007 Regs for suspensions), and the
lists of decisions due and recorded in a user's scope. The counting is in s19.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from attend import audit
from attend.accounts import identity
from attend.alerts.models import OPEN_STATUSES, Alert
from attend.core.scoping import staff_school_ids
from attend.people.models import Pupil

from . import s19
from .models_s19 import ProvisionDecision

T = ProvisionDecision.Trigger
D = ProvisionDecision.Decision


class DecisionRefused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _school_ids(user) -> list[int] | None:
    return None if identity.is_superuser(user) else staff_school_ids(user)


def visible_decisions(user) -> QuerySet[ProvisionDecision]:
    rows = ProvisionDecision.objects.select_related("pupil", "school", "decided_by")
    ids = _school_ids(user)
    return rows if ids is None else rows.filter(school_id__in=ids)


def due_alerts(user) -> QuerySet[Alert]:
    """Open s19 items on the work list at schools in the user's scope."""
    from attend.alerts.events import S19_EXCLUSION, S19_HEALTH

    rows = Alert.objects.filter(rule__in=[S19_HEALTH, S19_EXCLUSION], status__in=OPEN_STATUSES)
    ids = _school_ids(user)
    rows = rows if ids is None else rows.filter(school_id__in=ids)
    return rows.select_related("pupil", "school").order_by("raised_on", "id")


def what_was_counted(pupil: Pupil, trigger: str, on: dt.date, run_start: dt.date | None = None):
    """The count a decision rests on: the HealthCount for the year, or the exclusion run (the one starting on
    `run_start`, else the latest that reached its sixth day). None when there is nothing to decide on."""
    from attend.letters.compose import enrolment_on

    year_start = s19.year_start_for(on)
    if trigger == T.HEALTH:
        return s19.health_days(pupil, year_start, on)
    enrolment = enrolment_on(pupil, on)
    if enrolment is None:
        return None
    runs = [r for r in s19.exclusion_runs(enrolment, year_start, on) if r.sixth_day]
    if run_start is not None:
        runs = [r for r in runs if r.start == run_start]
    return runs[-1] if runs else None


def _check(trigger, decision, reason, provision, provision_starts) -> None:
    if trigger not in T.values:
        raise DecisionRefused(
            "Choose what the decision is about: health, a suspension or a permanent exclusion"
        )
    if decision not in D.values:
        raise DecisionRefused("Choose the decision", "decision")
    if decision == D.NOT_NEEDED and not reason.strip():
        raise DecisionRefused("Give the reason education does not need to be arranged", "reason")
    if decision == D.ARRANGING and not provision.strip():
        raise DecisionRefused("Say what education is arranged: hours a week, where and by whom", "provision")
    if decision == D.ARRANGING and provision_starts is None:
        raise DecisionRefused("Enter the date the arranged education starts", "provision_starts")


def record_decision(
    *,
    by,
    pupil: Pupil,
    trigger: str,
    decision: str,
    reason: str = "",
    provision: str = "",
    provision_starts: dt.date | None = None,
    review_on: dt.date | None = None,
    on: dt.date,
    run_start: dt.date | None = None,
    request=None,
) -> ProvisionDecision:
    """Record the LA's decision with the days counted, put it on the child's case chronology, audit it, and clear
    the work-list item. Refuses (DecisionRefused) "not needed" without a reason, "arranging" without the provision
    and its start date, and a decision with nothing counted (no health absence, no run reaching its sixth day)."""
    from attend.casework.cases import open_case
    from attend.casework.chronology import record_entry
    from attend.casework.models import EntryKind
    from attend.letters.compose import enrolment_on

    _check(trigger, decision, reason, provision, provision_starts)
    counted = what_was_counted(pupil, trigger, on, run_start)
    enrolment = enrolment_on(pupil, on)
    if counted is None or enrolment is None or (trigger == T.HEALTH and not counted.sessions):
        raise DecisionRefused(
            "There is nothing counted to decide on: no health absence or sixth day of exclusion"
        )
    if trigger == T.HEALTH:
        days, start, end, sixth = counted.total, counted.first, counted.last, None
        words = counted.words()
    else:
        days, start, end, sixth = Decimal(len(counted.e_days)), counted.start, counted.last, counted.sixth_day
        words = counted.words()
    with transaction.atomic():
        row = ProvisionDecision.objects.create(
            pupil=pupil, school=enrolment.school, local_authority=enrolment.school.local_authority,
            trigger=trigger, days_counted=days, counted_from=start, counted_to=end, sixth_day=sixth,
            decision=decision, reason=reason.strip(), provision=provision.strip(),
            provision_starts=provision_starts, review_on=review_on, decided_on=on,
            decided_by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        case, _ = open_case(by=by, pupil=pupil, school=enrolment.school, request=request)
        summary = f"s19 decision ({T(trigger).label}): {D(decision).label}. Counted: {words}"
        if provision.strip():
            summary += f" Provision: {provision.strip()}" + (
                f" from {provision_starts:%-d %B %Y}." if provision_starts else "."
            )
        if reason.strip():
            summary += f" Reason: {reason.strip()}"
        record_entry(case, kind=EntryKind.CME, summary=summary, by=by, request=request)
        audit.record(
            "cme.s19_decision.recorded", by=by, obj=row, pupil=pupil, school=enrolment.school, request=request,
            data={"trigger": trigger, "decision": decision, "days": str(days), "case": case.ref},
        )  # fmt: skip
    s19.sync_s19_prompts(on, pupils=[pupil])
    return row

"""The alert lifecycle: new -> acknowledged / linked / dismissed (evaluating the rules: evaluation.py).

One open alert per rule, enrolment and key: re-evaluation updates it. A dismissed alert comes back only when its
measure rises above the value it had when dismissed. Open alerts whose rule no longer fires are cleared, except
alerts already linked to a case.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from attend import audit
from attend.core.locking import update_if_version
from attend.schools.models import School

from .evaluation import EvaluationResult, alerts_evaluate, default_time  # noqa: F401 (callers import them here)
from .events import EVENT_RULES
from .models import OPEN_STATUSES, Alert
from .rules import RULE_IDS


class AlertError(Exception):
    pass


class AlertConflict(AlertError):
    """Someone changed the alert after the page showed it; `current` is the alert as it is now."""

    def __init__(self, message: str, current: Alert | None):
        super().__init__(message)
        self.current = current


def conflict_message(current: Alert | None) -> str:
    """Who changed the alert, when, and what it says now: shown to the officer whose change lost."""
    if current is None:
        return "This alert no longer exists. Your change was not saved."
    when = timezone.localtime(current.status_changed_at or current.updated_at)
    stamp = f"{when:%H:%M} on {when.day} {when:%B %Y}"  # the service's one date format (issue 23)
    if current.status_changed_by_id:
        user = current.status_changed_by
        who = user.get_full_name() or user.get_username()
    elif current.status == Alert.Status.CLEARED:
        who = "The rules evaluation"
    else:
        who = "Someone else"
    now = f"it is now {current.get_status_display().lower()}"
    if current.status == Alert.Status.DISMISSED and current.dismissed_reason:
        now += f" (reason: \u201c{current.dismissed_reason}\u201d)"
    elif current.status == Alert.Status.LINKED and current.case_id:
        now += f" (case {current.case.ref} open)"
    elif current.status == Alert.Status.CLEARED:
        now += " (the rule no longer applies)"
    return f"{who} changed this alert at {stamp}: {now}. Your change was not saved; check the alert again."


def _act(alert: Alert, *, by, expected_version: int | None, action: str, data: dict, **changes) -> Alert:
    """Change an open alert's status if it is still at `expected_version` (default: the version in hand), and
    audit it. Raises AlertConflict naming who changed it first; nothing is overwritten."""
    expected = alert.version if expected_version is None else expected_version
    now = timezone.now()
    changes.update(status_changed_at=now, status_changed_by=by, updated_at=now)
    with transaction.atomic():
        won = update_if_version(Alert.objects.filter(status__in=OPEN_STATUSES), alert.pk, expected, **changes)
        if not won:
            current = Alert.objects.select_related("status_changed_by", "case").filter(pk=alert.pk).first()
            if current is not None and current.version == expected and not current.is_open:
                raise AlertConflict(
                    f"This alert is {current.get_status_display().lower()}, not open.", current
                )
            raise AlertConflict(conflict_message(current), current)
        before = {"status": alert.status, "version": expected}
        alert.refresh_from_db()
        audit.record(
            action,
            by=by,
            obj=alert,
            before=before,
            after={"status": alert.status, "version": alert.version},
            data={"rule": alert.rule, **data},
        )
    return alert


def alert_acknowledge(*, alert: Alert, by=None, expected_version: int | None = None) -> Alert:
    """Someone has seen the alert and is dealing with it."""
    return _act(
        alert,
        by=by,
        expected_version=expected_version,
        action="alerts.alert.acknowledged",
        data={},
        status=Alert.Status.ACKNOWLEDGED,
    )


# Free text typed on the work list has a length limit, refused (never cut short) when longer (issue 14, finding 10).
REASON_MAX_CHARS = 500


def alert_dismiss(*, alert: Alert, reason: str, by=None, expected_version: int | None = None) -> Alert:
    """Dismiss with a reason. The alert comes back only when its measure rises above today's value."""
    if not reason.strip():
        raise AlertError("Give a reason for dismissing the alert.")
    if len(reason.strip()) > REASON_MAX_CHARS:
        raise AlertError(f"The reason must be {REASON_MAX_CHARS} characters or fewer.")
    return _act(
        alert,
        by=by,
        expected_version=expected_version,
        action="alerts.alert.dismissed",
        data={"reason": reason.strip()},
        status=Alert.Status.DISMISSED,
        dismissed_reason=reason.strip(),
        dismissed_measure=F("measure"),  # the measure now, not as the page showed it
    )


def alert_link(*, alert: Alert, case, by=None, expected_version: int | None = None) -> Alert:
    """Link the alert to a case (casework.Case) about its pupil; it then stays open with that case. Opening a case
    from an alert links them (attend.casework.case_pages.link_alert)."""
    if case is None:
        raise AlertError("Choose the case to link the alert to.")
    if alert.pupil_id is None or case.pupil_id != alert.pupil_id:
        raise AlertError(f"Case {case.ref} is not about this pupil.")
    return _act(
        alert,
        by=by,
        expected_version=expected_version,
        action="alerts.alert.linked",
        data={"case": case.ref},
        status=Alert.Status.LINKED,
        case=case,
    )


def alert_reopen(*, alert: Alert, by, expected_version: int | None = None) -> Alert:
    """Reopen a dismissed alert (dismissed by mistake, or the reason no longer holds): it is acknowledged again,
    back on the work lists, and comes back whatever its measure. Refused if a newer alert of the same kind is open
    for the pupil (that one is the one to act on)."""
    expected = alert.version if expected_version is None else expected_version
    if alert.status != Alert.Status.DISMISSED:
        raise AlertError(
            f"Only a dismissed alert can be reopened: this one is {alert.get_status_display().lower()}."
        )
    same = Alert.objects.filter(rule=alert.rule, key=alert.key, status__in=OPEN_STATUSES).exclude(pk=alert.pk)
    same = (
        same.filter(enrolment_id=alert.enrolment_id)
        if alert.enrolment_id
        else same.filter(enrolment=None, school_id=alert.school_id)
    )
    if same.exists():
        raise AlertError(
            "A newer alert of this kind is already open for this pupil: act on that one instead."
        )
    now = timezone.now()
    with transaction.atomic():
        won = update_if_version(
            Alert.objects.filter(status=Alert.Status.DISMISSED), alert.pk, expected,
            status=Alert.Status.ACKNOWLEDGED, dismissed_reason="", dismissed_measure=None,
            status_changed_at=now, status_changed_by=by, updated_at=now,
        )  # fmt: skip
        if not won:
            current = Alert.objects.select_related("status_changed_by", "case").filter(pk=alert.pk).first()
            raise AlertConflict(conflict_message(current), current)
        before = {"status": alert.status, "version": expected, "dismissed_reason": alert.dismissed_reason}
        alert.refresh_from_db()
        audit.record(
            "alerts.alert.reopened",
            by=by,
            obj=alert,
            pupil=alert.pupil,
            school=alert.school,
            before=before,
            after={"status": alert.status, "version": alert.version},
            data={"rule": alert.rule, "dismissed_reason": before["dismissed_reason"]},
        )
    return alert


def alerts_list(
    *, rule: str | None = None, school: School | None = None, status: str | None = None
) -> QuerySet[Alert]:
    """Alerts filtered by rule, school and status ('open' means new, acknowledged or linked)."""
    alerts = Alert.objects.select_related("pupil", "school")
    if rule:
        known = (*RULE_IDS, *sorted(EVENT_RULES))
        if rule not in known:
            raise AlertError(f"Unknown rule {rule!r}; rules are: {', '.join(known)}")
        alerts = alerts.filter(rule=rule)
    if school is not None:
        alerts = alerts.filter(school=school)
    if status == "open":
        alerts = alerts.filter(status__in=OPEN_STATUSES)
    elif status:
        if status not in Alert.Status.values:
            raise AlertError(
                f"Unknown status {status!r}; use open or one of {', '.join(Alert.Status.values)}"
            )
        alerts = alerts.filter(status=status)
    return alerts.order_by("school__urn", "rule", "priority", "pupil__upn", "key", "id")


def first_day_call_list(*, school: School, day: dt.date) -> list[Alert]:
    """Today's first-day calls for a school: vulnerable pupils first, each with contacts in priority order."""
    return list(
        Alert.objects.filter(school=school, rule="first_day", key=day.isoformat(), status__in=OPEN_STATUSES)
        .select_related("pupil")
        .order_by("priority", "pupil__legal_surname", "pupil__legal_forename", "id")
    )

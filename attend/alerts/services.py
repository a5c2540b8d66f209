"""Evaluate the rules for schools and keep the alert lifecycle: new -> acknowledged / linked / dismissed.

One open alert per rule, enrolment and key: re-evaluation updates it. A dismissed alert comes back only when its
measure rises above the value it had when dismissed. Open alerts whose rule no longer fires are cleared, except
alerts already linked to a case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from attend import audit
from attend.core import clock
from attend.core.locking import update_if_version
from attend.people.models import PupilContact
from attend.schools.models import LocalAuthority, School

from .cohort import cohort_hits
from .events import EVENT_RULES
from .inputs import load_school, rule_settings_for
from .models import OPEN_STATUSES, Alert
from .rules import DAILY_RULES, DEFAULTS, RULE_IDS, RuleHit, evaluate_pupil, missing_register


class AlertError(Exception):
    pass


@dataclass
class EvaluationResult:
    schools: int = 0
    pupils: int = 0
    raised: int = 0
    returned: int = 0
    updated: int = 0
    suppressed: int = 0  # hits matching a dismissed alert whose evidence has not worsened
    cleared: int = 0

    def add(self, other: EvaluationResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        return (
            f"{self.schools} schools, {self.pupils} enrolments: {self.raised} raised, {self.returned} returned, "
            f"{self.updated} updated, {self.suppressed} still dismissed, {self.cleared} cleared"
        )


def default_time(as_of: dt.date) -> dt.time:
    """Evaluating today uses the time now; any other day is evaluated as at its end (so replays agree)."""
    now = timezone.localtime()
    return now.time().replace(microsecond=0) if as_of == now.date() else dt.time(23, 59, 59)


def alerts_evaluate(
    *,
    as_of: dt.date,
    at: dt.time | None = None,
    school: School | None = None,
    local_authority: LocalAuthority | None = None,
) -> EvaluationResult:
    """Run every rule for each school in scope as of `as_of` (and time `at`) and store the hits as alerts."""
    at = at or default_time(as_of)
    schools = School.objects.select_related("local_authority").order_by("urn")
    if school is not None:
        schools = schools.filter(pk=school.pk)
    if local_authority is not None:
        schools = schools.filter(local_authority=local_authority)
    schools = list(schools)
    cohorts = _cohorts(schools, as_of)
    total = EvaluationResult()
    for each in schools:
        cohort = cohorts.get(each.pk, []) if cohorts is not None else None
        total.add(_evaluate_school(each, as_of=as_of, at=at, cohort=cohort))
    if as_of == clock.today():  # casework's items on the work list (not when replaying a past day)
        from attend.casework.models import Case
        from attend.casework.prompts import sync_case_prompts

        sync_case_prompts(as_of, Case.objects.filter(school__in=schools))
        from attend.partnership.referrals import sync_referral_reminders

        sync_referral_reminders(as_of, Case.objects.filter(school__in=schools))
        from attend.partnership.timetable_checks import sync_timetable_prompts

        sync_timetable_prompts(as_of, schools=schools)
        from attend.enforcement.ntis import sync_nti_prompts

        sync_nti_prompts(as_of, schools=schools)
        from attend.enforcement.notice_events import sync_notice_decisions

        sync_notice_decisions(as_of, schools=schools)
        from attend.enforcement.models import Prosecution
        from attend.enforcement.prosecutions_prompts import sync_time_limit_prompts

        sync_time_limit_prompts(as_of, prosecutions=Prosecution.objects.filter(case__school__in=schools))
        # The LA's duties to children out of school (attend.cme): s19 decisions due, home education contacts due.
        from attend.cme.ehe import sync_ehe_prompts
        from attend.cme.models import HomeEducation
        from attend.cme.s19 import sync_s19_prompts

        sync_s19_prompts(as_of, schools=schools)
        from attend.cme.roll_prompts import sync_roll_prompts

        sync_roll_prompts(as_of, schools=schools)
        from attend.cme.enquiries import sync_enquiry_prompts

        sync_enquiry_prompts(as_of, schools=schools)
        sync_ehe_prompts(as_of, records=HomeEducation.objects.filter(school__in=schools))
        # Schools whose registers stopped arriving (attend.registers.arrivals): the LA's item.
        from attend.registers.arrivals import sync_arrival_prompts

        sync_arrival_prompts(as_of, schools=schools)
    return total


def _cohorts(schools: list[School], as_of: dt.date) -> dict[int, list[RuleHit]] | None:
    """Rule 10 for the schools with enough pupils for a group of the minimum size (one count query first, so
    that small test schools never reach the statistics store)."""
    need = DEFAULTS["cohort"]["min_enrolments"]
    on_roll = Q(enrolments__admission_date__lte=as_of) & (
        Q(enrolments__leaving_date__isnull=True) | Q(enrolments__leaving_date__gte=as_of)
    )
    sizes = dict(
        School.objects.filter(pk__in=[s.pk for s in schools])
        .annotate(n=Count("enrolments", filter=on_roll))
        .values_list("pk", "n")
    )
    big = [s for s in schools if sizes.get(s.pk, 0) >= need]
    if not big:
        return {}
    settings = {s.pk: rule_settings_for(s)["cohort"] for s in big}
    return cohort_hits(big, as_of=as_of, settings_by_school=settings)


def _contacts(pupil_ids: set[int]) -> dict[int, list[dict]]:
    contacts: dict[int, list[dict]] = defaultdict(list)
    rows = (
        PupilContact.objects.filter(pupil_id__in=pupil_ids)
        .order_by("pupil_id", "priority", "id")
        .values_list(
            "pupil_id",
            "priority",
            "relationship",
            "contact__title",
            "contact__forename",
            "contact__surname",
            "contact__phone_mobile",
            "contact__phone_home",
            "contact__phone_work",
        )
    )
    for pupil_id, priority, relationship, title, forename, surname, mobile, home, work in rows:
        name = " ".join(part for part in (title, forename, surname) if part)
        phones = [p for p in (mobile, home, work) if p]
        contacts[pupil_id].append(
            {"priority": priority, "name": name, "relationship": relationship, "phones": phones}
        )
    return contacts


def _details(hit: RuleHit, contacts: dict[int, list[dict]]) -> dict:
    details: dict = dict(hit.details)
    if hit.since is not None:
        details["since"] = hit.since.isoformat()  # the date the threshold was met (worklist: "newly crossed")
    if hit.rule == "first_day" and hit.pupil_id is not None:
        details["contacts"] = contacts.get(hit.pupil_id, [])
    return details


def _worse(hit: RuleHit, evidence: list, dismissed: Alert) -> bool:
    """Has the evidence worsened since the alert was dismissed? Its measure rose, or every evidence session is new
    (e.g. a fresh 10-week penalty window, or a new school year)."""
    if float(hit.measure) > (dismissed.dismissed_measure or 0):
        return True
    old = {tuple(item[:2]) for item in dismissed.evidence}
    return bool(evidence) and bool(old) and not any(tuple(item[:2]) in old for item in evidence)


@transaction.atomic
def _evaluate_school(
    school: School, *, as_of: dt.date, at: dt.time, cohort: list[RuleHit] | None = None
) -> EvaluationResult:
    """`cohort`: this school's rule-10 hits, or None when they could not be worked out (open ones then stay)."""
    result = EvaluationResult(schools=1)
    context, pupils = load_school(school, as_of=as_of, now=at)
    result.pupils = len(pupils)
    hits: list[RuleHit] = list(missing_register(context)) + list(cohort or [])
    for pupil in pupils:
        hits.extend(evaluate_pupil(pupil))
    contacts = _contacts({h.pupil_id for h in hits if h.rule == "first_day" and h.pupil_id is not None})

    # The latest alert for each (rule, enrolment, key) decides what a hit does.
    # Past days' daily alerts that are closed cannot match a hit, so they are not read.
    # Event alerts (a returned letter, a missing translation: attend.alerts.events) are neither raised nor cleared here.
    relevant = (
        Alert.objects.filter(school=school)
        .exclude(rule__in=EVENT_RULES)
        .filter(~Q(rule__in=DAILY_RULES) | Q(key__startswith=as_of.isoformat()) | Q(status__in=OPEN_STATUSES))
    )
    latest_ids: dict[tuple, tuple[int, str]] = {}
    for pk, rule, enrolment_id, key, status in relevant.order_by("id").values_list(
        "id", "rule", "enrolment_id", "key", "status"
    ):
        latest_ids[(rule, enrolment_id, key)] = (pk, status)
    wanted = [pk for pk, status in latest_ids.values() if status in (*OPEN_STATUSES, Alert.Status.DISMISSED)]
    by_id = {
        a.pk: a
        for start in range(0, len(wanted), 2000)
        for a in Alert.objects.filter(pk__in=wanted[start : start + 2000])
    }
    latest: dict[tuple, Alert | None] = {key: by_id.get(pk) for key, (pk, _) in latest_ids.items()}

    to_create: list[Alert] = []
    to_update: list[Alert] = []
    unchanged: list[int] = []
    hit_keys = set()
    for hit in hits:
        key = (hit.rule, hit.enrolment_id, hit.key)
        hit_keys.add(key)
        previous = latest.get(key)
        fields = {
            "reason": hit.reason,
            "evidence": hit.evidence_json(),
            "details": _details(hit, contacts),
            "measure": float(hit.measure),
            "review_context_first": "review_context_first" in hit.flags,
            "flags": list(hit.flags),
            "priority": hit.priority,
            "last_evaluated_on": as_of,
        }
        if previous is not None and previous.is_open:
            result.updated += 1
            if all(
                getattr(previous, name) == value
                for name, value in fields.items()
                if name != "last_evaluated_on"
            ):
                unchanged.append(previous.pk)  # same evidence: only the evaluation date moves
                continue
            for name, value in fields.items():
                setattr(previous, name, value)
            previous.peak_measure = max(previous.peak_measure, float(hit.measure))
            to_update.append(previous)
            continue
        returning = previous is not None and previous.status == Alert.Status.DISMISSED
        if returning and not _worse(hit, fields["evidence"], previous):
            result.suppressed += 1
            continue
        if returning:
            fields["details"] = {**fields["details"], "returned_after_dismissed_alert": previous.pk}
            result.returned += 1
        else:
            result.raised += 1
        to_create.append(
            Alert(
                rule=hit.rule,
                key=hit.key,
                pupil_id=hit.pupil_id,
                enrolment_id=hit.enrolment_id,
                school=school,
                raised_on=as_of,
                status=Alert.Status.NEW,
                peak_measure=float(hit.measure),
                raised_measure=float(hit.measure),
                **fields,
            )
        )

    # Open alerts that no longer fire are cleared; linked ones stay with their case. A daily alert (first_day,
    # missing_register) for a later day than as_of is left alone, so replaying an earlier day changes nothing.
    to_clear: list[int] = []
    for key, alert in latest.items():
        if (
            alert is None
            or key in hit_keys
            or alert.status not in (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ):
            continue
        if alert.rule in DAILY_RULES and alert.key[:10] > as_of.isoformat():
            continue
        if alert.rule == "cohort" and cohort is None:
            continue
        to_clear.append(alert.pk)
    stamp = timezone.now()
    for start in range(0, len(to_clear), 500):
        # Conditional on the status, and bumping the version: an alert an officer has just linked or dismissed
        # keeps their decision, and an officer acting on a page that showed the alert open is told it cleared.
        result.cleared += Alert.objects.filter(
            pk__in=to_clear[start : start + 500], status__in=(Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)
        ).update(
            status=Alert.Status.CLEARED,
            cleared_on=as_of,
            last_evaluated_on=as_of,
            status_changed_at=stamp,
            status_changed_by=None,
            updated_at=stamp,
            version=F("version") + 1,
        )

    if to_update:
        for alert in to_update:
            alert.updated_at = stamp
        # Never the status: an officer may have acted on the alert since it was read.
        Alert.objects.bulk_update(
            to_update,
            [
                "reason",
                "evidence",
                "details",
                "measure",
                "peak_measure",
                "review_context_first",
                "flags",
                "priority",
                "last_evaluated_on",
                "updated_at",
            ],
            batch_size=500,
        )
    for start in range(0, len(unchanged), 500):
        Alert.objects.filter(pk__in=unchanged[start : start + 500]).update(last_evaluated_on=as_of)
    Alert.objects.bulk_create(to_create, batch_size=500)
    return result


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

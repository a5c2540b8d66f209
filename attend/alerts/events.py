"""Alerts raised by events rather than by the register rules: a letter returned by the post ("gone away"), and a
message sent in English to a contact whose language had no template variant.

They live beside the rule alerts (same model, same work lists, same actions) but the nightly evaluation neither
raises nor clears them (`EVENT_RULES`): they stay open until someone acknowledges, links or dismisses them. One
open alert per rule, enrolment and contact (`key` = "c<contact id>"); a second event for the same contact adds to
it (its measure counts the events, so the row shows "worse since raised"). Every raise is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from attend import audit
from attend.people.models import Enrolment, Pupil
from attend.schools.models import School

from .models import OPEN_STATUSES, Alert

RETURNED_POST = "returned_post"
TRANSLATION_NEEDED = "translation_needed"
# A concern raised from a case to the school's designated safeguarding lead (attend.casework.safeguarding).
SAFEGUARDING_CONCERN = "safeguarding_concern"
# Casework items (attend.casework.prompts): raised and cleared by casework's own sync, not by the rules.
CASE_NEXT_STEP = "case_next_step"
CASE_REVIEW = "case_review"
CASE_MEETING = "case_meeting"
CASE_CONSENT = "case_consent"
CASE_RULES = frozenset({CASE_NEXT_STEP, CASE_REVIEW, CASE_MEETING, CASE_CONSENT})
# A referral with no reply within its service's days (attend.partnership.referrals): raised and cleared by its sync.
REFERRAL_NO_REPLY = "referral_no_reply"
# A part-time timetable past its review date or planned end (attend.partnership.timetables, its own sync).
TIMETABLE_REVIEW_DUE = "timetable_review_due"
# A notice to improve in force: on the list for its improvement period (attend.enforcement.ntis, its own sync).
NTI_IN_FORCE = "nti_in_force"
# A penalty notice unpaid after 28 days: prosecute or withdraw (attend.enforcement.notice_events, its own sync).
NOTICE_DECISION = "notice_decision"
# The last day to lay a prosecution's information is near (attend.enforcement.prosecutions_prompts, its own sync).
PROSECUTION_TIME_LIMIT = "prosecution_time_limit"
# The LA's duties to children out of school (attend.cme), each raised and cleared by its own sync.
OFF_ROLLING_CONCERN = (
    "off_rolling_concern"  # attend.cme.roll: a ground used without its conditions, or a cluster
)
DELETION_GROUND_MISSING = (
    "deletion_ground_missing"  # attend.cme.roll: a leaving date imported without a ground
)
S19_HEALTH = "s19_health"  # attend.cme.s19: 15 school days missed (or expected) through ill health
S19_EXCLUSION = "s19_exclusion"  # attend.cme.s19: the sixth school day of a suspension or exclusion
EHE_CONTACT_DUE = "ehe_contact_due"  # attend.cme.ehe: the LA's next contact with a home-educating family
CME_ENQUIRY_DUE = "cme_enquiry_due"  # attend.cme.enquiries: an open enquiry with no enquiry recorded lately
# A school whose registers stopped arriving (attend.registers.arrivals): the LA cannot monitor what it never gets.
REGISTERS_NOT_RECEIVED = "registers_not_received"
CME_RULES = frozenset(
    {
        OFF_ROLLING_CONCERN,
        DELETION_GROUND_MISSING,
        S19_HEALTH,
        S19_EXCLUSION,
        EHE_CONTACT_DUE,
        CME_ENQUIRY_DUE,
    }
)
EVENT_RULES = (
    frozenset(
        {
            RETURNED_POST,
            TRANSLATION_NEEDED,
            SAFEGUARDING_CONCERN,
            REFERRAL_NO_REPLY,
            TIMETABLE_REVIEW_DUE,
            NTI_IN_FORCE,
            NOTICE_DECISION,
            PROSECUTION_TIME_LIMIT,
            REGISTERS_NOT_RECEIVED,
        }
    )
    | CASE_RULES
    | CME_RULES
)


@dataclass
class Event:
    """One thing that happened to one pupil's contact, in words the work list shows."""

    rule: str
    pupil: Pupil
    school: School
    contact_id: int | None
    day: dt.date
    reason: str
    details: dict = field(default_factory=dict)
    priority: int = 5
    # Raise again after a dismissal? A returned letter is new evidence every time; a missing translation for a
    # contact someone has already dismissed (e.g. "reads English well") is not.
    after_dismissal: bool = True


def _enrolment(pupil: Pupil, school: School, day: dt.date) -> Enrolment | None:
    on_roll = Q(leaving_date__isnull=True) | Q(leaving_date__gte=day)
    enrolments = Enrolment.objects.filter(pupil=pupil, school=school).order_by("-admission_date")
    return enrolments.filter(on_roll).first() or enrolments.first()


def raise_event(event: Event, *, by=None) -> Alert | None:
    """Open an alert for the event, or add it to the open one for the same contact. None when the pupil has no
    enrolment at the school, or when a dismissed alert should not come back."""
    enrolment = _enrolment(event.pupil, event.school, event.day)
    if enrolment is None:
        return None
    key = f"c{event.contact_id}" if event.contact_id else ""
    same = Alert.objects.filter(rule=event.rule, enrolment=enrolment, key=key)
    with transaction.atomic():
        alert = same.filter(status__in=OPEN_STATUSES).select_for_update().first()
        latest = same.order_by("-id").first()
        if alert is None and latest is not None and latest.status == Alert.Status.DISMISSED:
            if not event.after_dismissal:
                return None
        events = [*((alert.details or {}).get("events", []) if alert else []), event.details]
        details = {"since": event.day.isoformat(), "events": events[-20:]}
        if alert is not None:
            details["since"] = alert.details.get("since", details["since"])
            alert.reason = event.reason
            alert.details = details
            alert.measure = float(len(events))
            alert.peak_measure = max(alert.peak_measure, alert.measure)
            alert.last_evaluated_on = event.day
            alert.save(
                update_fields=[
                    "reason",
                    "details",
                    "measure",
                    "peak_measure",
                    "last_evaluated_on",
                    "updated_at",
                ]
            )
        else:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        rule=event.rule,
                        key=key,
                        pupil=event.pupil,
                        enrolment=enrolment,
                        school=event.school,
                        raised_on=event.day,
                        last_evaluated_on=event.day,
                        reason=event.reason,
                        evidence=[],
                        details=details,
                        measure=1.0,
                        peak_measure=1.0,
                        raised_measure=1.0,
                        priority=event.priority,
                    )
            except IntegrityError:  # raised at the same moment by another request: add to that one
                return raise_event(event, by=by)
    audit.record(
        "alerts.alert.raised",
        by=by,
        obj=alert,
        pupil=event.pupil,
        data={"rule": event.rule, "reason": event.reason, **{k: v for k, v in event.details.items()}},
    )
    return alert


KEY_LENGTH = Alert._meta.get_field("key").max_length


def raise_prompt(
    *,
    rule: str,
    key: str,
    enrolment: Enrolment | None,
    today: dt.date,
    reason: str,
    details: dict,
    measure: float = 1.0,
    priority: int = 5,
    school: School | None = None,
    audit_data: dict | None = None,
    by=None,
) -> Alert:
    """Put one synced prompt on the work list (a new alert for `rule` and `key`, on the enrolment's school unless
    `school` says otherwise; a school-level prompt has no enrolment and names its school), audited. The caller's sync decides whether it is due and clears the ones whose reason
    has gone (`clear_alerts`)."""
    if len(key) > KEY_LENGTH:  # SQLite would store it; PostgreSQL refuses it: fail the same way on both
        raise ValueError(f"Work-list key {key!r} is longer than {KEY_LENGTH} characters")
    if enrolment is None and school is None:
        raise ValueError("A school-level work-list prompt needs its school")
    pupil = enrolment.pupil if enrolment else None
    alert = Alert.objects.create(
        rule=rule,
        key=key,
        pupil=pupil,
        enrolment=enrolment,
        school=school or enrolment.school,
        raised_on=today,
        last_evaluated_on=today,
        reason=reason,
        evidence=[],
        details=details,
        measure=measure,
        peak_measure=measure,
        raised_measure=measure,
        priority=priority,
    )
    data = {"rule": rule, "reason": reason, **(audit_data or {})}
    audit.record("alerts.alert.raised", by=by, obj=alert, pupil=pupil, data=data)
    return alert


def clear_alerts(pks, today: dt.date) -> int:
    """Clear the open work-list items `pks` whose reason has gone (a synced prompt no longer due): how many."""
    if not pks:
        return 0
    return Alert.objects.filter(pk__in=pks, status__in=OPEN_STATUSES).update(
        status=Alert.Status.CLEARED,
        cleared_on=today,
        last_evaluated_on=today,
        status_changed_at=timezone.now(),
    )

"""Referrals from a case to a service in the LA's directory: the rules, in plain functions the pages, the demo and
the work list use.

- `referral_make` refuses (ReferralRefused, with the field and the reason) a service that is inactive or in another
  LA, a referral with neither the family's consent (who, when) nor a lawful basis for sharing without it, and one
  without consent to a service that requires it. A safeguarding referral (children's social care front door,
  police) is never blocked for want of consent: without a basis given it is recorded under Children Act 1989 s47.
- `referral_update` records a dated step (accepted, declined, closed) and the outcome.
- Each step goes on the case's chronology (`record_entry(kind="referral")`) and the audit trail.
- `sync_referral_reminders(today)`: a referral still "sent" past its service's reply-within days is on the work
  list (rule `referral_no_reply`, routed to the case's LA officer and school lead) until the service replies.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.alerts.events import REFERRAL_NO_REPLY, clear_alerts, raise_prompt
from attend.alerts.models import Alert
from attend.casework.chronology import record_entry
from attend.casework.models import OPEN_CASE_STATUSES, Case
from attend.casework.prompts import _enrolments
from attend.core import clock
from attend.directory.models import Service

from .models_referrals import LawfulBasis, Referral, ReferralUpdate

S = Referral.Status
# A step may move a referral on only this way: sent -> accepted or declined -> closed (or sent -> closed).
NEXT = {
    S.SENT: {S.ACCEPTED, S.DECLINED, S.CLOSED},
    S.ACCEPTED: {S.CLOSED},
    S.DECLINED: {S.CLOSED},
    S.CLOSED: set(),
}


class ReferralRefused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def services_for(case: Case):
    """The active services a case may be referred to: its LA's directory."""
    la_id = case.local_authority_id or (case.school.local_authority_id if case.school_id else None)
    return Service.objects.filter(local_authority_id=la_id, active=True).order_by("name")


def _check(case: Case, service: Service, consent_by: str, consent_on, basis: str, today: dt.date) -> str:
    """The lawful basis to record (may be filled in for a safeguarding referral), or ReferralRefused."""
    if case.status not in OPEN_CASE_STATUSES:
        raise ReferralRefused("The case is closed: reopen it to make a referral")
    if not service.active:
        raise ReferralRefused(f"{service.name} is no longer active: choose another service", "service")
    if not services_for(case).filter(pk=service.pk).exists():
        raise ReferralRefused("Choose a service in the case's local authority's directory", "service")
    if bool(consent_by) != bool(consent_on):
        field = "consent_given_on" if consent_by else "consent_given_by"
        raise ReferralRefused("Enter both who gave consent and when, or neither", field)
    if consent_on and consent_on > today:
        raise ReferralRefused("The date consent was given cannot be in the future", "consent_given_on")
    if consent_by:
        return basis
    if service.is_safeguarding:
        return basis or LawfulBasis.SAFEGUARDING_S47  # never blocked for want of consent
    if service.consent_required:
        raise ReferralRefused(
            f"{service.name} accepts referrals only with the family's consent: record who gave it and when "
            "(if the child is at risk of significant harm, refer to children's social care instead)",
            "consent_given_by",
        )
    if not basis:
        raise ReferralRefused(
            "Record the family's consent, or choose the lawful basis for sharing without it", "lawful_basis"
        )
    return basis


def referral_make(
    case: Case,
    *,
    by,
    service: Service,
    reason: str,
    consent_given_by: str = "",
    consent_given_on: dt.date | None = None,
    lawful_basis: str = "",
    lawful_basis_note: str = "",
    sent_on: dt.date | None = None,
    request=None,
) -> Referral:
    today = clock.today()
    sent_on = sent_on or today
    reason, consent_given_by = (reason or "").strip(), (consent_given_by or "").strip()
    if not reason:
        raise ReferralRefused("Enter the reason for the referral", "reason")
    if sent_on > today:
        raise ReferralRefused("The date sent cannot be in the future", "sent_on")
    basis = _check(case, service, consent_given_by, consent_given_on, lawful_basis, today)
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            service=service,
            reason=reason,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            lawful_basis=basis if not consent_given_by else "",
            lawful_basis_note=(lawful_basis_note or "").strip() if not consent_given_by else "",
            safeguarding=service.is_safeguarding,
            sent_on=sent_on,
            made_by=by,
        )
        ReferralUpdate.objects.create(referral=referral, status=S.SENT, on=sent_on, note=reason, by=by)
        if referral.with_consent:
            shared = f"with consent from {consent_given_by} on {_d(consent_given_on)}"
        else:
            shared = f"without consent: {LawfulBasis(referral.lawful_basis).label}"
        record_entry(
            case,
            kind="referral",
            summary=f"Referred to {service.name} ({shared}). Reason: {reason}",
            by=by,
            occurred_at=_at(sent_on),
            request=request,
        )
        audit.record(
            "casework.referral.made",
            by=by,
            obj=referral,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "service": service.name, "consent": referral.with_consent,
                  "lawful_basis": referral.lawful_basis},
            request=request,
        )  # fmt: skip
    return referral


def referral_update(
    referral: Referral, *, by, status: str, on: dt.date, note: str = "", outcome: str = "", request=None
) -> ReferralUpdate:
    """Record the service's reply or the referral's end. Refuses a step back, a date before the referral was
    sent or in the future, and closing without an outcome."""
    note, outcome = (note or "").strip(), (outcome or "").strip()
    if status not in NEXT.get(referral.status, set()):
        allowed = ", ".join(sorted(S(s).label.lower() for s in NEXT.get(referral.status, set()))) or "nothing"
        raise ReferralRefused(
            f"A referral that is {referral.get_status_display().lower()} can only become: {allowed}", "status"
        )
    if on < referral.sent_on:
        raise ReferralRefused(
            f"The date cannot be before the referral was sent ({_d(referral.sent_on)})", "on"
        )
    if on > clock.today():
        raise ReferralRefused("The date cannot be in the future", "on")
    if status == S.CLOSED and not (outcome or referral.outcome):
        raise ReferralRefused("Enter the outcome before closing the referral", "outcome")
    case = referral.case
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != referral.status:
            raise ReferralRefused("Someone else has just updated this referral: check it and try again")
        old = locked.status
        locked.status = status
        if old == S.SENT and locked.replied_on is None and status in (S.ACCEPTED, S.DECLINED):
            locked.replied_on = on
        if outcome:
            locked.outcome = outcome
        locked.save(update_fields=["status", "replied_on", "outcome"])
        update = ReferralUpdate.objects.create(referral=locked, status=status, on=on, note=note, by=by)
        words = f"Referral to {locked.service.name} {S(status).label.lower()}"
        summary = ". ".join(x for x in (words, note, f"Outcome: {outcome}" if outcome else "") if x)
        # (the outcome is in the summary: the entry's own `outcome` field is a call's outcome code)
        record_entry(
            case,
            kind="referral",
            summary=summary,
            by=by,
            occurred_at=_at(on),
            request=request,
        )
        audit.record(
            "casework.referral.updated",
            by=by,
            obj=locked,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "service": locked.service.name, "old": old, "new": status},
            request=request,
        )
    referral.refresh_from_db()
    sync_referral_reminders(clock.today(), cases=[case])
    return update


def _at(day: dt.date) -> dt.datetime:
    """A step dated today is recorded now; an earlier day at noon."""
    if day >= clock.today():
        return clock.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def reply_due(referral: Referral) -> dt.date:
    return referral.sent_on + dt.timedelta(days=referral.service.reply_within_days)


def awaiting_reply(today: dt.date, cases=None):
    """Referrals still "sent" (no reply) past their service's reply-within days, on open cases with a pupil."""
    found = Referral.objects.filter(
        status=S.SENT,
        case__status__in=OPEN_CASE_STATUSES,
        case__pupil__isnull=False,
        case__school__isnull=False,
    ).select_related("service", "case")
    if cases is not None:
        found = found.filter(case__in=[c.pk for c in cases])
    return [r for r in found if reply_due(r) < today]


def sync_referral_reminders(today: dt.date, cases=None) -> dict[str, int]:
    """Raise a `referral_no_reply` work-list item for each referral past its reply date, clear those answered.
    An item an officer dismissed stays dismissed. Returns counts."""
    if cases is not None and not cases:
        return {"raised": 0, "cleared": 0}
    overdue = awaiting_reply(today, cases)
    wanted = {f"r{r.pk}": r for r in overdue}
    existing = Alert.objects.filter(rule=REFERRAL_NO_REPLY)
    if cases is not None:
        keys = [
            f"r{pk}"
            for pk in Referral.objects.filter(case__in=[c.pk for c in cases]).values_list("pk", flat=True)
        ]
        existing = existing.filter(key__in=keys)
    latest = {a.key: a for a in existing.order_by("id")}
    enrolments = _enrolments({r.case_id: r.case for r in overdue}, today)
    raised = cleared = 0
    with transaction.atomic():
        for key, referral in wanted.items():
            case = referral.case
            if key in latest or case.pk not in enrolments:
                continue
            due = reply_due(referral)
            reason = (
                f"Case {case.ref}: no reply from {referral.service.name} to the referral sent "
                f"{_d(referral.sent_on)}; it replies within {referral.service.reply_within_days} days "
                f"(due {_d(due)})."
            )
            raise_prompt(
                rule=REFERRAL_NO_REPLY,
                key=key,
                enrolment=enrolments[case.pk],
                today=today,
                reason=reason,
                details={
                    "case": case.ref,
                    "case_id": case.pk,
                    "referral": referral.pk,
                    "due": due.isoformat(),
                    "officers": [u for u in (case.la_officer_id, case.school_lead_id) if u],
                },
                school=case.school,
                priority=3,
                audit_data={"case": case.ref},
            )
            raised += 1
        open_ = (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)  # a linked item stays with its case
        stale = [a.pk for key, a in latest.items() if key not in wanted and a.status in open_]
        cleared = clear_alerts(stale, today)
    return {"raised": raised, "cleared": cleared}

"""Safeguarding from a case: a concern raised to the school's designated safeguarding lead (DSL), a referral to
children's social care (front door or MASH) or the police, an allegation against staff to the LADO, and
restricted notes.

- Every safeguarding entry on the chronology is restricted: only `access.sees_restricted` users (the school's DSL,
  the LA manager as the LA's safeguarding lead) read it, and each reading is audited; others see that restricted
  entries exist, and the records they raised themselves.
- A concern to the DSL puts an item on the school's work list (alerts.events, rule `safeguarding_concern`) and
  emails each of the school's DSLs a link, with no details in the email.
- Referrals are recorded by LA officers, with the other agency's reference; outcomes are appended later.
- Safeguarding steps are never blocked for want of consent (no consent is asked for here).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat

from attend import audit
from attend.accounts.models import Membership
from attend.alerts.events import SAFEGUARDING_CONCERN, Event, raise_event
from attend.core import clock
from attend.letters import transport

from .access import is_la_side, sees_restricted
from .chronology import EntryRefused, record_entry
from .models import Case, ChronologyEntry, EntryKind, SafeguardingRecord

K = SafeguardingRecord.Kind
REFERRAL_KINDS = (K.SOCIAL_CARE, K.POLICE, K.LADO)


class Refused(EntryRefused):
    pass


def dsl_users(case: Case) -> list:
    if not case.school_id:
        return []
    memberships = Membership.objects.filter(
        role=Membership.Role.DSL, school_id=case.school_id, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def _dsl_email(user, case: Case, link: str) -> str:
    """Tell one DSL a concern is waiting, with a link and no details (email is not a safe place for them)."""
    if not user.email:
        return "no email address"
    text = (
        f"A safeguarding concern about a pupil at {case.school.name} was raised in Attend on "
        f"{clock.today():%-d %B %Y}.\n\nSign in to read it and record what you did:\n{link}\n\n"
        "This email holds no details of the concern on purpose."
    )
    subject = "A safeguarding concern is waiting for you in Attend"
    key = f"casework/safeguarding/{uuid.uuid4()}"
    if settings.ATTEND_EMAIL_VIA == "smtp":
        outcome = transport.send_email_smtp(to=user.email, subject=subject, text=text, html="", key=key)
    else:
        outcome = transport.notify_send(
            "email", reference=key, first_attempt=True, to=user.email, subject=subject, text=text
        )
    return outcome.status


def raise_concern(case: Case, *, by, summary: str, link: str, request=None) -> SafeguardingRecord:
    """A concern to the school's DSL: the record, a restricted chronology entry, the work-list item, the emails."""
    if not case.school_id:
        raise Refused("This case has no school, so there is no school DSL: record a referral instead")
    if not summary.strip():
        raise Refused("Describe the concern")
    today = clock.today()
    with transaction.atomic():
        record = SafeguardingRecord.objects.create(
            case=case, kind=K.DSL_CONCERN, summary=summary.strip(), raised_by=by
        )
        record_entry(
            case,
            kind=EntryKind.SAFEGUARDING,
            summary=f"Concern raised to the designated safeguarding lead: {summary.strip()}",
            by=by,
            restricted=True,
            source_ref=f"casework.SafeguardingRecord:{record.pk}",
            request=request,
        )
        audit.record(
            "casework.safeguarding.raised",
            by=by,
            obj=record,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "kind": record.kind},
            request=request,
        )
    if case.pupil_id:
        raise_event(
            Event(
                rule=SAFEGUARDING_CONCERN,
                pupil=case.pupil,
                school=case.school,
                contact_id=None,
                day=today,
                reason=(
                    f"A safeguarding concern was raised to the designated safeguarding lead on "
                    f"{today.day} {today:%b %Y} (case {case.ref}). The DSL reads it on the case's safeguarding page."
                ),
                details={"case": case.ref, "record": record.pk},
                priority=1,
            ),
            by=by,
        )
    for user in dsl_users(case):
        _dsl_email(user, case, link)
    return record


def record_referral(
    case: Case, *, by, kind: str, summary: str, reference: str = "", outcome: str = "", request=None
) -> SafeguardingRecord:
    """An LA officer's referral to children's social care, the police, or the LADO, with its reference."""
    if kind not in REFERRAL_KINDS:
        raise Refused("Choose who the referral went to")
    if not is_la_side(by, case):
        raise Refused(
            "Referrals to children's social care, the police or the LADO are recorded by the LA: "
            "raise a concern to your DSL instead"
        )
    if not summary.strip():
        raise Refused("Describe the referral")
    with transaction.atomic():
        record = SafeguardingRecord.objects.create(
            case=case,
            kind=kind,
            summary=summary.strip(),
            reference=reference.strip(),
            outcome=_dated(outcome) if outcome.strip() else "",
            raised_by=by,
        )
        ref = f" (reference {reference.strip()})" if reference.strip() else ""
        record_entry(
            case,
            kind=EntryKind.REFERRAL,
            summary=f"{K(kind).label}{ref}: {summary.strip()}"
            + (f"\nOutcome: {outcome.strip()}" if outcome.strip() else ""),
            by=by,
            restricted=True,
            source_ref=f"casework.SafeguardingRecord:{record.pk}",
            request=request,
        )
        audit.record(
            "casework.safeguarding.raised",
            by=by,
            obj=record,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "kind": kind},
            request=request,
        )
    return record


def _dated(text: str) -> str:
    return f"{clock.today():%-d %B %Y}: {text.strip()}"


def add_outcome(record: SafeguardingRecord, *, by, outcome: str, request=None) -> SafeguardingRecord:
    """Append an outcome (never overwrite one): dated, on the chronology, audited."""
    if not outcome.strip():
        raise Refused("Enter the outcome")
    line = _dated(outcome)
    with transaction.atomic():
        rows = SafeguardingRecord.objects.filter(pk=record.pk)
        if record.outcome:
            rows.update(outcome=Concat(F("outcome"), Value("\n" + line)))
        else:
            rows.update(outcome=line)
        record.refresh_from_db()
        record_entry(
            record.case,
            kind=EntryKind.SAFEGUARDING if record.kind == K.DSL_CONCERN else EntryKind.REFERRAL,
            summary=f"Outcome of the {K(record.kind).label.lower()}: {outcome.strip()}",
            by=by,
            restricted=True,
            source_ref=f"casework.SafeguardingRecord:{record.pk}",
            request=request,
        )
        audit.record(
            "casework.safeguarding.outcome_added",
            by=by,
            obj=record,
            pupil=record.case.pupil,
            school=record.case.school,
            data={"case": record.case.ref, "kind": record.kind},
            request=request,
        )
    return record


def restricted_note(case: Case, *, by, text: str, request=None) -> ChronologyEntry:
    if not sees_restricted(by, case):
        raise Refused("Only the school's DSL and the LA's safeguarding lead write restricted notes")
    return record_entry(
        case,
        kind=EntryKind.NOTE,
        summary=text,
        by=by,
        restricted=True,
        source="safeguarding",
        request=request,
    )


def records_seen_by(user, case: Case) -> QuerySet[SafeguardingRecord]:
    """Everything for safeguarding roles; for others, what they raised themselves."""
    records = case.safeguarding.select_related("raised_by").order_by("-raised_at", "-id")
    if sees_restricted(user, case):
        return records
    return records.filter(raised_by=user)


def restricted_entries_seen_by(user, case: Case, *, request=None) -> tuple[list[ChronologyEntry], int]:
    """(restricted entries the user may read, how many exist). Reading them is audited."""
    entries = case.entries.filter(restricted=True).order_by("-occurred_at", "-id")
    total = entries.count()
    if sees_restricted(user, case):
        shown = list(entries.select_related("recorded_by"))
    else:
        shown = list(entries.filter(Q(recorded_by=user)).select_related("recorded_by"))
    if shown:
        audit.record(
            "casework.restricted.viewed",
            by=user,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            data={"case": case.ref, "entries": len(shown)},
            request=request,
        )
    return shown, total

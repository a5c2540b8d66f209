"""Referrals to another LA: the child was found there, lives there, or is looked after by it (its virtual school).
CME statutory guidance (August 2024): the LA where the child lives owns the enquiry; when a child is found in, or
has moved to, another LA, the information goes to that LA's CME officer. Each referral is recorded with what was
sent, to whom and when; when `sent_to` is an email address the referral is emailed there too."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from attend import audit
from attend.casework.chronology import EntryRefused, record_entry
from attend.casework.models import EntryKind

from .models_enquiries import CmeEnquiry, LaReferral


def is_email(value: str) -> bool:
    try:
        validate_email((value or "").strip())
    except ValidationError:
        return False
    return True


def email_text(referral: LaReferral) -> tuple[str, str]:
    enquiry, pupil = referral.enquiry, referral.pupil
    child = enquiry.case.child_name if enquiry else (pupil.display_name if pupil else "a child")
    subject = f"Child missing education: referral from {referral.from_la.name}" + (
        f" ({enquiry.ref})" if enquiry else ""
    )
    lines = [
        f"{referral.from_la.name} refers a child to {referral.to_la.name}: {referral.get_reason_display().lower()}.",
        "",
        f"Child: {child}",
    ]
    if pupil is not None:
        lines.append(f"Date of birth: {pupil.date_of_birth:%d %B %Y}")
    elif enquiry and enquiry.case.child_date_of_birth:
        lines.append(f"Date of birth: {enquiry.case.child_date_of_birth:%d %B %Y}")
    if enquiry is not None:
        lines.append(f"Our reference: {enquiry.ref}")
    lines += ["", referral.summary.strip(), ""]
    lines.append("Please confirm you have received this referral by replying to this email.")
    lines.append(
        "This email was sent by Attend. It is confidential: do not forward it outside your organisation."
    )
    return subject, "\n".join(lines)


def refer_to_la(
    *,
    by,
    to_la,
    reason: str,
    sent_to: str,
    summary: str,
    enquiry: CmeEnquiry | None = None,
    pupil=None,
    on: dt.date,
    from_la=None,
    request=None,
) -> LaReferral:
    """Record a referral to `to_la` (and email it when `sent_to` is an email address, once: the idempotency key
    is the referral's id). Raises EntryRefused with the reason for bad input."""
    if reason not in LaReferral.Reason.values:
        raise EntryRefused(f"'{reason}' is not a reason for a referral")
    if to_la is None:
        raise EntryRefused("Choose the local authority the child is referred to")
    if not (sent_to or "").strip():
        raise EntryRefused(
            "Say who at that local authority the referral goes to (an email address or a team)"
        )
    if not (summary or "").strip():
        raise EntryRefused("Say what is shared with the other local authority")
    pupil = pupil or (enquiry.pupil if enquiry else None)
    from_la = from_la or (enquiry.local_authority if enquiry else None)
    if from_la is None:
        raise EntryRefused("Say which local authority makes the referral")
    if from_la.pk == to_la.pk:
        raise EntryRefused("A referral goes to another local authority, not to your own")
    with transaction.atomic():
        referral = LaReferral.objects.create(
            enquiry=enquiry, pupil=pupil, from_la=from_la, to_la=to_la, reason=reason, sent_on=on,
            sent_to=sent_to.strip(), summary=summary.strip(), sent_by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        audit.record(
            "cme.referral.recorded", by=by, obj=referral, pupil=pupil, request=request,
            data={"to_la": to_la.name, "reason": reason, "enquiry": enquiry.ref if enquiry else ""},
        )  # fmt: skip
    note = (
        f"Referral to {to_la.name} recorded ({referral.get_reason_display().lower()}), to {referral.sent_to}"
    )
    if is_email(referral.sent_to):
        note += _email(referral)
    case = enquiry.case if enquiry else None
    if case is None and pupil is not None:
        from attend.casework.cases import open_case_for

        case = open_case_for(pupil)
    if case is not None:
        record_entry(case, kind=EntryKind.CME, summary=note + ".", by=by, request=request)
    return referral


def _email(referral: LaReferral) -> str:
    from attend.letters import transport

    subject, text = email_text(referral)
    outcome = transport.send_staff_email(
        to=referral.sent_to, subject=subject, text=text, key=f"cme-referral-{referral.pk}"
    )
    audit.record(
        "cme.referral.emailed" if outcome.status == "sent" else "cme.referral.email_failed",
        obj=referral, pupil=referral.pupil, by=None,
        data={"to": referral.sent_to, "status": outcome.status, "reason": outcome.reason},
    )  # fmt: skip
    if outcome.status == "sent":
        return ": emailed"
    return f": the email failed ({outcome.reason or 'no reason given'}); send it again the usual way"

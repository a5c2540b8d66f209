"""Separated parents and safety: what officers record about a contact (people.ContactSafety) that no MIS import
may overwrite, and the redaction every page and export applies.

A contact or their address marked confidential (a non-molestation order, a refuge) is shown to staff with a clear
"Confidential" warning, never printed in a letter to anyone else (the letters side checks
`ContactSafety.address_confidential`), and redacted from exports (`redact_row`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.core.locking import update_if_version
from attend.people.models import Contact, ContactSafety

REDACTED = "[confidential]"
# Contact fields an export must not carry for a confidential contact (everything that finds or reaches them)
# and for a confidential address.
ADDRESS_FIELDS = ("address_line1", "address_line2", "town", "postcode")
CONTACT_FIELDS = ("phone_mobile", "phone_home", "phone_work", "email", *ADDRESS_FIELDS)


class SafetyConflict(Exception):
    """Someone else saved this contact's safety record first."""


def safety_for(contact: Contact) -> ContactSafety:
    """The contact's safety record; an unsaved empty one (version 1) until someone first saves it."""
    return ContactSafety.objects.filter(contact=contact).first() or ContactSafety(contact=contact)


def safety_update(
    safety: ContactSafety, *, by, version: int, case=None, request=None, **changes
) -> ContactSafety:
    """Save changes if the record is still at `version` (optimistic locking); audited with what changed."""
    allowed = {
        "contact_confidential",
        "address_confidential",
        "confidential_reason",
        "barriers",
        "barriers_note",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Unknown safety fields: {', '.join(sorted(unknown))}")
    before = {k: getattr(safety, k) for k in changes}
    with transaction.atomic():
        if safety.pk is None:  # first save: the empty record at version 1, then the change as for any other
            safety = ContactSafety.objects.get_or_create(contact_id=safety.contact_id)[0]
        won = update_if_version(
            ContactSafety, safety.pk, version, recorded_by=by, updated_at=timezone.now(), **changes
        )
        if not won:
            current = ContactSafety.objects.filter(pk=safety.pk).select_related("recorded_by").first()
            who = current.recorded_by.get_username() if current and current.recorded_by else "someone else"
            raise SafetyConflict(
                f"{who} changed this contact's record while you were editing it: "
                "reload the page to see what it says now, then make your change again"
            )
        changed = sorted(k for k, v in changes.items() if before[k] != v)
        audit.record(
            "casework.contact_safety.changed",
            by=by,
            obj=safety,
            pupil=case.pupil if case is not None else None,
            school=case.school if case is not None else None,
            data={"contact": safety.contact_id, "changed": changed, "case": case.ref if case else ""},
            request=request,
        )
    safety.refresh_from_db()
    return safety


def safety_map(contact_ids) -> dict[int, ContactSafety]:
    return {s.contact_id: s for s in ContactSafety.objects.filter(contact_id__in=list(contact_ids))}


def is_confidential(safety: ContactSafety | None) -> bool:
    return bool(safety and (safety.contact_confidential or safety.address_confidential))


def redacted_fields(safety: ContactSafety | None) -> tuple[str, ...]:
    """Which contact fields an export blanks for this safety record."""
    if safety is None:
        return ()
    if safety.contact_confidential:
        return CONTACT_FIELDS
    if safety.address_confidential:
        return ADDRESS_FIELDS
    return ()


def redact(contact: Contact, safety: ContactSafety | None, field: str):
    """The value of `field` for an export: the contact's value, or REDACTED when it is confidential."""
    value = getattr(contact, field)
    if field in redacted_fields(safety) and value not in ("", None):
        return REDACTED
    return value

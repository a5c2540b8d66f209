"""Confidential addresses (`people.ContactSafety.address_confidential`: a refuge, a non-molestation order) are never
printed on a letter, email or text to anyone else.

A letter to that contact uses their own address: it is theirs. For anyone else, composing refuses:
- a letter whose recipient's address on record is the same as a confidential address (an MIS often copies the
  pupil's address to both parents: the letter would go to, and print, the confidential address);
- any message whose words (subject, body, merge values such as a meeting place) contain a confidential address's
  first line or postcode.
Staff pages (batch review, the message page) may show it: they are not sent to anyone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from attend.people.models import Contact, ContactSafety, Pupil


@dataclass(frozen=True)
class Secret:
    contact_id: int
    first_line: str
    postcode: str


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def confidential_addresses(pupil: Pupil, *, recipient: Contact | None) -> list[Secret]:
    """The confidential addresses of the pupil's other contacts (not the recipient's own)."""
    mine = recipient.pk if recipient is not None else None
    return [s for s in confidential_addresses_of([pupil]).get(pupil.pk, []) if s.contact_id != mine]


def confidential_addresses_of(pupils: list[Pupil]) -> dict[int, list[Secret]]:
    """Every confidential address among these pupils' contacts, by pupil id (one query for a batch)."""
    from attend.people.models import PupilContact

    links = PupilContact.objects.filter(
        pupil__in=pupils, contact__safety__address_confidential=True
    ).select_related("contact")
    found: dict[int, list[Secret]] = {}
    for link in links:
        c = link.contact
        if c.address_line1 or c.postcode:
            found.setdefault(link.pupil_id, []).append(
                Secret(c.pk, _squash(c.address_line1), _squash(c.postcode))
            )
    return found


def is_confidential(contact: Contact | None) -> bool:
    return bool(contact and ContactSafety.objects.filter(contact=contact, address_confidential=True).exists())


def same_address(contact: Contact | None, secret: Secret) -> bool:
    if contact is None:
        return False
    first, postcode = _squash(contact.address_line1), _squash(contact.postcode)
    return bool(first and postcode and first == secret.first_line and postcode == secret.postcode)


def printed(secret: Secret, words: str, *, own_postcode: str = "") -> bool:
    """Whether `words` print the secret address (its first line, or its postcode unless the recipient shares it)."""
    squashed = _squash(words)
    if len(secret.first_line) >= 6 and secret.first_line in squashed:
        return True
    return bool(secret.postcode) and secret.postcode != _squash(own_postcode) and secret.postcode in squashed

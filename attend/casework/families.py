"""Families: siblings (across schools) are suggested from shared contacts, and joined only when an officer confirms.

A suggestion is a pupil in the user's scope who
- shares a contact with parental responsibility with this pupil: the same contact record, or (each school holds its
  own copy of a parent) a contact with the same name and the same mobile number or email address, with parental
  responsibility for both children; or
- has the same surname and a contact at the same address (first line and postcode).
Shared phones, grandparents and blocks of flats would otherwise join strangers' records, so nothing here joins
anyone: `confirm_member` does, with the officer's reason, audited. Confidential contacts and addresses
(people.ContactSafety: a non-molestation order, a refuge) are never used to suggest a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from attend import audit
from attend.core.scoping import pupils_visible_to
from attend.people.models import Pupil, PupilContact

from .models import OPEN_CASE_STATUSES, Case, Family, FamilyMember


class FamilyRefused(ValueError):
    """The change cannot be made; the message says why."""


@dataclass
class Suggestion:
    pupil: Pupil
    reasons: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join((text or "").lower().replace(",", " ").split())


def _phone(text: str) -> str:
    return "".join(c for c in text or "" if c.isdigit())


def _usable_links(pupil: Pupil):
    return (
        PupilContact.objects.filter(pupil=pupil)
        .select_related("contact", "contact__safety")
        .order_by("priority", "pk")
    )


def suggest_siblings(pupil: Pupil, user) -> list[Suggestion]:
    """Pupils in the user's scope who may be this pupil's brothers and sisters, each with why. Members of the
    pupil's family already are left out."""
    found: dict[int, Suggestion] = {}
    visible = pupils_visible_to(user).exclude(pk=pupil.pk)
    family = FamilyMember.objects.filter(pupil=pupil).values_list("family_id", flat=True).first()
    if family is not None:
        visible = visible.exclude(family_membership__family_id=family)

    def add(other: Pupil, reason: str) -> None:
        suggestion = found.setdefault(other.pk, Suggestion(other))
        if reason not in suggestion.reasons:
            suggestion.reasons.append(reason)

    for link in _usable_links(pupil):
        contact = link.contact
        safety = getattr(contact, "safety", None)  # no ContactSafety row: nothing confidential recorded
        name = f"{contact.forename} {contact.surname}".strip()
        if link.parental_responsibility and not (safety and safety.contact_confidential):
            same = Q(contact=contact)
            mobile, email = _phone(contact.phone_mobile), (contact.email or "").strip().lower()
            twins = Q(contact__forename__iexact=contact.forename, contact__surname__iexact=contact.surname)
            if mobile:
                same |= twins & Q(contact__phone_mobile__in=_phone_variants(contact.phone_mobile))
            if email:
                same |= twins & Q(contact__email__iexact=email)
            others = (
                PupilContact.objects.filter(same, parental_responsibility=True, pupil__in=visible)
                .exclude(contact__safety__contact_confidential=True)
                .select_related("pupil")
            )
            for other in others:
                add(other.pupil, f"Shares a parent or carer with parental responsibility: {name}")
        line1, postcode = _norm(contact.address_line1), _norm(contact.postcode).replace(" ", "")
        if line1 and postcode and not (safety and safety.address_confidential):
            surname = pupil.legal_surname
            candidates = (
                PupilContact.objects.filter(
                    pupil__in=visible.filter(legal_surname__iexact=surname),
                    contact__address_line1__iexact=contact.address_line1.strip(),
                )
                .exclude(contact__safety__address_confidential=True)
                .select_related("pupil", "contact")
            )
            for other in candidates:
                if _norm(other.contact.postcode).replace(" ", "") == postcode:
                    add(other.pupil, f"Same surname and address: {contact.address_line1}, {contact.postcode}")
    return sorted(found.values(), key=lambda s: (s.pupil.legal_surname, s.pupil.legal_forename, s.pupil.pk))


def _phone_variants(phone: str) -> list[str]:
    """The ways one number is commonly written (the MIS keeps what the school typed)."""
    digits = _phone(phone)
    if len(digits) != 11:
        return [phone.strip()]
    return sorted(
        {phone.strip(), digits, f"{digits[:5]} {digits[5:]}", f"{digits[:5]} {digits[5:8]} {digits[8:]}"}
    )


def _next_ref() -> str:
    last = (
        Family.objects.filter(ref__startswith="FAM-").order_by("-ref").values_list("ref", flat=True).first()
    )
    number = int(last[4:]) + 1 if last and last[4:].isdigit() else 1
    return f"FAM-{number:06d}"


def family_of(pupil: Pupil) -> Family | None:
    member = FamilyMember.objects.filter(pupil=pupil).select_related("family").first()
    return member.family if member else None


@transaction.atomic
def confirm_member(
    pupil: Pupil, sibling: Pupil, *, by, reason: str, local_authority=None, request=None
) -> Family:
    """Join `sibling` to `pupil`'s family (making the family if there is none), with the officer's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise FamilyRefused(
            "Say how you know they are brothers or sisters, e.g. 'Mother confirmed on the phone'"
        )
    if sibling.pk == pupil.pk:
        raise FamilyRefused("A child cannot be their own sibling")
    family, theirs = family_of(pupil), family_of(sibling)
    if theirs is not None and family is not None and theirs.pk != family.pk:
        raise FamilyRefused(
            f"{sibling.legal_forename} {sibling.legal_surname} is already in another family ({theirs.ref}): "
            "remove them from it first"
        )
    if family is None:
        family = theirs
    if family is None:
        for _ in range(5):
            try:
                with transaction.atomic():
                    family = Family.objects.create(
                        ref=_next_ref(), local_authority=local_authority, created_by=by
                    )
                break
            except IntegrityError:
                continue
    added = []
    for child in (pupil, sibling):
        if not FamilyMember.objects.filter(pupil=child).exists():
            FamilyMember.objects.create(family=family, pupil=child, confirmed_by=by, reason=reason[:200])
            added.append(child)
    for child in added:
        audit.record(
            "casework.family.member_added",
            by=by,
            obj=family,
            pupil=child,
            data={"family": family.ref, "reason": reason[:200]},
            request=request,
        )
    return family


@transaction.atomic
def remove_member(member: FamilyMember, *, by, reason: str = "", request=None) -> None:
    """Take a child out of their family (a wrong link); a family left with nobody goes."""
    family, pupil = member.family, member.pupil
    member.delete()
    audit.record(
        "casework.family.member_removed",
        by=by,
        obj=family,
        pupil=pupil,
        data={"family": family.ref, "reason": (reason or "").strip()[:200]},
        request=request,
    )
    if not family.members.exists():
        family.delete()


def family_rows(family: Family | None, user) -> list[tuple[FamilyMember, list[Case]]]:
    """The family's children the user may see, each with their open cases in the user's scope."""
    if family is None:
        return []
    from .access import cases_visible_to

    members = list(
        family.members.filter(pupil__in=pupils_visible_to(user))
        .select_related("pupil")
        .order_by("pupil__legal_forename")
    )
    cases: dict[int, list[Case]] = {}
    for case in (
        cases_visible_to(user)
        .filter(pupil__in=[m.pupil_id for m in members], status__in=OPEN_CASE_STATUSES)
        .select_related("school")
    ):
        cases.setdefault(case.pupil_id, []).append(case)
    return [(m, cases.get(m.pupil_id, [])) for m in members]

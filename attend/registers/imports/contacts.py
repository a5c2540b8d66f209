"""contacts.csv: one row per (contact, pupil) link. Contacts are matched by contact_ref, so siblings share one."""

from __future__ import annotations

import re
from pathlib import Path

from attend.people.models import Contact, Pupil, PupilContact

from .common import ImportResult, Problems, RowReader, read_csv

REQUIRED = ["contact_ref", "upn", "relationship", "forename", "surname"]
OPTIONAL = [
    "priority",
    "parental_responsibility",
    "lives_with_pupil",
    "title",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "email",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "preferred_language",
    "interpreter_needed",
]
LENGTHS = {
    "title": 20,
    "forename": 100,
    "surname": 100,
    "phone_mobile": 20,
    "phone_home": 20,
    "phone_work": 20,
    "email": 254,
    "address_line1": 100,
    "address_line2": 100,
    "town": 60,
    "postcode": 10,
    "preferred_language": 40,
}
CONTACT_FIELDS = [*LENGTHS, "interpreter_needed"]
LINK_FIELDS = ["relationship", "parental_responsibility", "lives_with_pupil", "priority"]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate(path: Path, problems: Problems) -> list[dict]:
    rows = read_csv(path, REQUIRED, OPTIONAL, problems)
    upns = {row["upn"] for _, row in rows}
    pupils = (
        dict(Pupil.objects.filter(upn__in=upns).values_list("upn", "id"))
        if len(upns) < 900
        else dict(Pupil.objects.values_list("upn", "id"))
    )
    clean: list[dict] = []
    first_contact: dict[str, tuple[int, dict]] = {}
    first_link: dict[tuple[str, str], int] = {}
    for line, values in rows:
        r = RowReader(line, values, problems)
        ref = r.text("contact_ref", required=True, max_length=40)
        upn = values["upn"]
        if upn not in pupils:
            r.bad("upn", f"unknown UPN {upn!r}" if upn else "a value is required")
        contact = {name: r.text(name, required=name in REQUIRED, max_length=n) for name, n in LENGTHS.items()}
        contact["interpreter_needed"] = r.boolean("interpreter_needed")
        if contact["email"] and not _EMAIL.match(contact["email"]):
            r.bad("email", f"not an email address: {contact['email']!r}")
        link = {
            "relationship": r.text("relationship", required=True, max_length=40),
            "parental_responsibility": r.boolean("parental_responsibility"),
            "lives_with_pupil": r.boolean("lives_with_pupil"),
            "priority": r.integer("priority", default=1, minimum=1),
        }
        if not r.ok:
            continue
        earlier = first_contact.setdefault(ref, (line, contact))
        for name in CONTACT_FIELDS:
            if earlier[1][name] != contact[name]:
                r.bad(name, f"conflicts with line {earlier[0]} for the same contact_ref {ref}")
        if (ref, upn) in first_link:
            r.bad(
                "contact_ref", f"contact {ref} is linked to UPN {upn} again (line {first_link[(ref, upn)]})"
            )
        first_link.setdefault((ref, upn), line)
        if r.ok:
            clean.append(dict(ref=ref, pupil_id=pupils[upn], contact=contact, link=link))
    return clean


def write(clean: list[dict], result: ImportResult) -> None:
    refs = sorted({row["ref"] for row in clean})
    query = Contact.objects.filter(contact_ref__in=refs) if len(refs) < 900 else Contact.objects.all()
    contacts = {c.contact_ref: c for c in query}
    new_contacts, changed_contacts, changed_refs = [], [], set()
    for row in clean:
        contact = contacts.get(row["ref"])
        if contact is None:
            contact = contacts[row["ref"]] = Contact(contact_ref=row["ref"], **row["contact"])
            new_contacts.append(contact)
        elif contact.pk and row["ref"] not in changed_refs:
            if any(getattr(contact, k) != v for k, v in row["contact"].items()):
                for k, v in row["contact"].items():
                    setattr(contact, k, v)
                changed_contacts.append(contact)
                changed_refs.add(row["ref"])
    Contact.objects.bulk_create(new_contacts, batch_size=2000)
    Contact.objects.bulk_update(changed_contacts, CONTACT_FIELDS, batch_size=2000)
    if any(c.pk is None for c in new_contacts):
        ids = dict(Contact.objects.filter(contact_ref__in=refs).values_list("contact_ref", "id"))
        for c in new_contacts:
            c.pk = ids[c.contact_ref]

    contact_ids = {c.contact_ref: c.pk for c in contacts.values()}
    link_query = (
        PupilContact.objects.filter(contact_id__in=list(contact_ids.values()))
        if len(contact_ids) < 900
        else PupilContact.objects.all()
    )
    links = {(pc.pupil_id, pc.contact_id): pc for pc in link_query}
    new_links, changed_links, reported = [], [], set()
    for row in clean:
        key = (row["pupil_id"], contact_ids[row["ref"]])
        link = links.get(key)
        contact_changed = row["ref"] in changed_refs and row["ref"] not in reported
        reported.add(row["ref"])
        if link is None:
            new_links.append(PupilContact(pupil_id=key[0], contact_id=key[1], **row["link"]))
            result.created += 1
        elif any(getattr(link, k) != v for k, v in row["link"].items()):
            for k, v in row["link"].items():
                setattr(link, k, v)
            changed_links.append(link)
            result.updated += 1
        elif contact_changed:
            result.updated += 1
        else:
            result.unchanged += 1
    PupilContact.objects.bulk_create(new_links, batch_size=2000)
    PupilContact.objects.bulk_update(changed_links, LINK_FIELDS, batch_size=2000)
    result.rows = len(clean)

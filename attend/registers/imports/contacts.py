"""contacts.csv: one row per (contact, pupil) link. Contacts are matched by contact_ref within the school that
sent it (`school_urn`, or the importer's only school; service-wide for whole-service imports), so siblings share
one and one school's reference never reaches another school's contact."""

from __future__ import annotations

import re
from pathlib import Path

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.schools.models import School

from .common import ImportResult, Problems, RowReader, read_csv
from .scope import ImportScope, held_elsewhere, not_yours_pupil, not_yours_school

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
    "school_urn",
]
ADDRESS = ["address_line1", "address_line2", "town", "postcode"]
HELD_NOTE = "already registered at another school: contacts wait until the LA confirms the transfer"
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


def validate(path: Path, problems: Problems, scope: ImportScope) -> list[dict]:
    rows = read_csv(path, REQUIRED, OPTIONAL, problems)
    upns = {row["upn"] for _, row in rows}
    pupils = (
        dict(Pupil.objects.filter(upn__in=upns).values_list("upn", "id"))
        if len(upns) < 900
        else dict(Pupil.objects.values_list("upn", "id"))
    )
    yours = _pupils_in_scope(set(pupils.values()), scope)
    schools = dict(School.objects.values_list("urn", "id"))
    clean: list[dict] = []
    first_contact: dict[tuple, tuple[int, dict]] = {}
    first_link: dict[tuple, int] = {}
    for line, values in rows:
        r = RowReader(line, values, problems)
        ref = r.text("contact_ref", required=True, max_length=40)
        upn = values["upn"]
        source = _source_school(r, values["school_urn"], schools, scope)
        if not upn:
            r.bad("upn", "a value is required")
        elif yours is not None and pupils.get(upn) not in yours:
            r.ok = False
            problems.refuse(line, "upn", not_yours_pupil(upn))
        elif upn not in pupils:
            r.bad("upn", f"unknown UPN {upn!r}")
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
        earlier = first_contact.setdefault((source, ref), (line, contact))
        for name in CONTACT_FIELDS:
            if earlier[1][name] != contact[name]:
                r.bad(name, f"conflicts with line {earlier[0]} for the same contact_ref {ref}")
        if (source, ref, upn) in first_link:
            r.bad(
                "contact_ref",
                f"contact {ref} is linked to UPN {upn} again (line {first_link[(source, ref, upn)]})",
            )
        first_link.setdefault((source, ref, upn), line)
        if r.ok:
            clean.append(
                dict(line=line, ref=ref, school_id=source, pupil_id=pupils[upn], contact=contact, link=link)
            )
    _refuse_shared_changes(clean, scope, problems)
    return clean


def _source_school(r: RowReader, urn_text: str, schools: dict[int, int], scope: ImportScope) -> int | None:
    """The school whose MIS sent the row's contact_ref: `school_urn`, else the importer's only school; None
    (service-wide) for whole-service imports."""
    if urn_text:
        school_id = schools.get(int(urn_text)) if urn_text.isdigit() else None
        if school_id is None:
            r.bad("school_urn", f"unknown school URN {urn_text!r}")
        elif not scope.allows(school_id):
            r.ok = False
            r.problems.refuse(r.line, "school_urn", not_yours_school(urn_text))
        return school_id
    if scope.whole:
        return None
    if len(scope.school_ids) == 1:
        return next(iter(scope.school_ids))
    r.bad(
        "school_urn",
        "a value is required: you import for more than one school, so say whose contacts these are",
    )
    return None


def _pupils_in_scope(pupil_ids: set[int], scope: ImportScope) -> set[int] | None:
    """Pupils with an enrolment at a school in the scope (None: every pupil)."""
    if scope.whole:
        return None
    ids = sorted(pupil_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 5000):
        found.update(
            Enrolment.objects.filter(pupil_id__in=ids[start : start + 5000], school_id__in=scope.school_ids)
            .values_list("pupil_id", flat=True)
            .distinct()
        )
    return found


def _existing(keys) -> dict[tuple, Contact]:
    """Contacts by (source school id, contact_ref) for these keys."""
    keys = set(keys)
    refs = sorted({ref for _, ref in keys})
    found: dict[tuple, Contact] = {}
    for start in range(0, len(refs), 5000):
        for c in Contact.objects.filter(contact_ref__in=refs[start : start + 5000]):
            if (c.source_school_id, c.contact_ref) in keys:
                found[(c.source_school_id, c.contact_ref)] = c
    return found


def _refuse_shared_changes(clean: list[dict], scope: ImportScope, problems: Problems) -> None:
    """A row may not change a contact that is also linked to pupils registered at schools outside the scope."""
    if scope.whole or not clean:
        return
    existing = _existing((row["school_id"], row["ref"]) for row in clean)
    changing = {
        existing[key].pk
        for row in clean
        if (key := (row["school_id"], row["ref"])) in existing
        and any(getattr(existing[key], k) != v for k, v in row["contact"].items())
    }
    if not changing:
        return
    linked = list(PupilContact.objects.filter(contact_id__in=changing).values_list("contact_id", "pupil_id"))
    outside = set(
        Enrolment.objects.filter(pupil_id__in={p for _, p in linked})
        .exclude(school_id__in=scope.school_ids)
        .values_list("pupil_id", flat=True)
    )
    shared = {c for c, p in linked if p in outside}
    for row in list(clean):
        contact = existing.get((row["school_id"], row["ref"]))
        if contact is not None and contact.pk in shared:
            problems.refuse(
                row["line"], "contact_ref",
                f"contact {row['ref']} is shared with pupils outside your schools: it cannot be changed here",
            )  # fmt: skip
            clean.remove(row)


def write(clean: list[dict], result: ImportResult, scope: ImportScope | None = None, run=None) -> None:
    scope = scope or ImportScope.everything()
    held = held_elsewhere({row["pupil_id"] for row in clean}, scope)
    for row in clean:
        if row["pupil_id"] in held:
            result.notes.append(f"{result.file_name}:{row['line']}: upn: {HELD_NOTE}")
    clean = [row for row in clean if row["pupil_id"] not in held]
    for row in clean:
        row.setdefault("school_id", None)
    contacts = _existing((row["school_id"], row["ref"]) for row in clean)
    new_contacts, changed_contacts, changed_refs, moved = [], [], set(), set()
    for row in clean:
        key = (row["school_id"], row["ref"])
        contact = contacts.get(key)
        if contact is None:
            contact = contacts[key] = Contact(
                contact_ref=row["ref"], source_school_id=row["school_id"], **row["contact"]
            )
            new_contacts.append(contact)
        elif contact.pk and key not in changed_refs:
            if any(getattr(contact, k) != v for k, v in row["contact"].items()):
                if any(getattr(contact, k) != row["contact"][k] for k in ADDRESS):
                    moved.add(contact.pk)
                for k, v in row["contact"].items():
                    setattr(contact, k, v)
                changed_contacts.append(contact)
                changed_refs.add(key)
    Contact.objects.bulk_create(new_contacts, batch_size=2000)
    Contact.objects.bulk_update(changed_contacts, CONTACT_FIELDS, batch_size=2000)
    if any(c.pk is None for c in new_contacts):
        made = _existing((c.source_school_id, c.contact_ref) for c in new_contacts)
        for c in new_contacts:
            c.pk = made[(c.source_school_id, c.contact_ref)].pk
    result.count("contacts", "created", len(new_contacts))
    result.count("contacts", "changed", len(changed_contacts))
    _write_links(clean, contacts, changed_refs, result)
    for pupil_id in PupilContact.objects.filter(contact_id__in=moved).values_list("pupil_id", flat=True):
        result.protected_changed(pupil_id, ["address"])
    result.rows = len(clean)


def _write_links(clean: list[dict], contacts: dict, changed_refs: set, result: ImportResult) -> None:
    contact_ids = {key: c.pk for key, c in contacts.items()}
    ids = sorted(contact_ids.values())
    links = {}
    for start in range(0, len(ids), 5000):
        for pc in PupilContact.objects.filter(contact_id__in=ids[start : start + 5000]):
            links[(pc.pupil_id, pc.contact_id)] = pc
    new_links, changed_links, reported = [], [], set()
    for row in clean:
        ref_key = (row["school_id"], row["ref"])
        key = (row["pupil_id"], contact_ids[ref_key])
        link = links.get(key)
        contact_changed = ref_key in changed_refs and ref_key not in reported
        reported.add(ref_key)
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
    result.count("contact links", "created", len(new_links))
    result.count("contact links", "changed", len(changed_links))

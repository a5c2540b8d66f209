"""CTF contacts and addresses: `Pupil/Contacts/Contact` and the two CTF address shapes (AddressLines, BS7666).

Attend keeps one address per contact (two lines, town, postcode) and three phone numbers (mobile, home, work).
Whatever a CTF carries beyond that (a fourth address line, a county, a fax number, a second home number) is not
silently lost: each is a note in the import's result, `file:line: field: not kept ...`.
"""

from __future__ import annotations

from attend.people.models import Contact, PupilContact

from .contacts import _EMAIL
from .ctf_shape import PHONES, Reader, check_lengths

ADDRESS_FIELDS = ["address_line1", "address_line2", "town", "postcode"]
_BS7666 = ("SAON", "PAON", "Street", "Locality", "Town", "PostTown")
_UK = {"", "uk", "united kingdom", "gbr", "gb", "england", "wales"}


class Dropped:
    """Values in the file that Attend cannot store, counted per (field, reason) with their first line."""

    def __init__(self):
        self.items: dict[tuple[str, str], list[int]] = {}

    def add(self, line: int, field: str, reason: str) -> None:
        self.items.setdefault((field, reason), [line, 0])[1] += 1

    def notes(self, file_name: str) -> list[str]:
        rows = sorted((line, field, reason, n) for (field, reason), (line, n) in self.items.items())
        return [
            f"{file_name}:{line}: {field}: {reason}" + ("" if n == 1 else f" ({n} times)")
            for line, field, reason, n in rows
        ]


def _part(read: Reader, address, name: str) -> str:
    """An address part in either place suppliers write it: inside its wrapper, or straight under Address."""
    for path in (f"AddressLines/{name}", f"BS7666Address/{name}", name):
        value = read.text(address, path)
        if value:
            return value
    return ""


def read_address(read: Reader, address, where: str, dropped: Dropped) -> dict[str, str]:
    """{address_line1, address_line2, town, postcode} from a CTF Address element (or all empty if None)."""
    empty = dict.fromkeys(ADDRESS_FIELDS, "")
    if address is None:
        return empty
    parts = {
        name: _part(read, address, name) for name in (*_BS7666, *[f"AddressLine{n}" for n in range(1, 6)])
    }
    line = address.sourceline
    if any(parts[name] for name in ("SAON", "PAON", "Street")):  # BS7666
        line1 = " ".join(parts[n] for n in ("SAON", "PAON", "Street") if parts[n])
        line2 = parts["Locality"]
        town = parts["Town"] or parts["PostTown"]
        if parts["Town"] and parts["PostTown"] and parts["Town"] != parts["PostTown"]:
            dropped.add(line, f"{where}Address/PostTown", "not kept: Attend keeps one town (Town is kept)")
    else:  # AddressLines (Attend's own export writes the town as the third line)
        line1, line2 = parts["AddressLine1"], parts["AddressLine2"]
        rest = [(n, parts[f"AddressLine{n}"]) for n in (3, 4, 5) if parts[f"AddressLine{n}"]]
        town = parts["Town"] or parts["PostTown"]
        if not town and rest:
            town = rest.pop()[1]
        for n, _ in rest:
            dropped.add(line, f"{where}Address/AddressLine{n}", "not kept: Attend keeps two lines and a town")
    county, country = read.text(address, "County"), read.text(address, "Country")
    if county:
        dropped.add(line, f"{where}Address/County", "not kept: Attend keeps no county")
    if country.casefold() not in _UK:
        dropped.add(
            line, f"{where}Address/Country", f"not kept: Attend keeps UK addresses only ({country!r})"
        )
    return dict(address_line1=line1, address_line2=line2, town=town, postcode=read.text(address, "PostCode"))


def _phones(read: Reader, c, dropped: Dropped) -> dict[str, str]:
    by_type = {kind: field for field, kind in PHONES.items()}
    phones = dict.fromkeys(PHONES, "")
    for phone in c.iterfind("Phones/Phone"):
        kind, number = read.text(phone, "TelephoneType"), read.text(phone, "PhoneNo")
        if not number:
            continue
        field = by_type.get(kind)
        if field is None:
            dropped.add(
                phone.sourceline,
                "Pupil/Contacts/Contact/Phones/Phone",
                f"not kept: telephone type {kind!r} (Attend keeps M mobile, H home and W work)",
            )
        elif phones[field]:
            dropped.add(
                phone.sourceline, "Pupil/Contacts/Contact/Phones/Phone", f"not kept: a second {kind} number"
            )
        else:
            phones[field] = number
    return phones


def read_contacts(p, upn: str, read: Reader, pupil_address: dict, dropped: Dropped, rows: list) -> None:
    """Append one row per Contact of pupil `p` (for contacts.write) to `rows`; problems go to read.problems."""
    problems = read.problems
    refs: dict[str, int] = {}
    for order, c in enumerate(p.iterfind("Contacts/Contact"), start=1):
        ref = read.text(c, "AttendContactRef") or f"CTF-{upn}-{read.text(c, 'Order') or order}"
        if len(ref) > 40:
            problems.add(c.sourceline, "Contact/AttendContactRef", "longer than 40 characters")
        if ref in refs:
            field = "Contact/AttendContactRef" if read.text(c, "AttendContactRef") else "Contact/Order"
            problems.add(
                c.sourceline, field, f"the same contact ({ref}) is also on line {refs[ref]} for this pupil"
            )
            continue
        refs[ref] = c.sourceline
        priority_text = read.text(c, "AttendPriority") or read.text(c, "Order") or str(order)
        if not priority_text.isdigit() or int(priority_text) < 1:
            problems.add(
                read.line(c, "Order"),
                "Contact/Order",
                f"must be a whole number of at least 1: {priority_text!r}",
            )
            continue
        as_pupil = read.flag(c, "AddressAsPupil", "Contact/") or read.flag(
            c, "Address/AddressAsPupil", "Contact/"
        )
        address = (
            pupil_address
            if as_pupil
            else read_address(read, c.find("Address"), "Pupil/Contacts/Contact/", dropped)
        )
        email = read.text(c, "Email")
        if email and not _EMAIL.match(email):
            problems.add(read.line(c, "Email"), "Contact/Email", f"not an email address: {email!r}")
        contact = dict(
            title=read.text(c, "Title"),
            forename=read.text(c, "Forename", required=True, where="Contact/"),
            surname=read.text(c, "Surname", required=True, where="Contact/"),
            **_phones(read, c, dropped),
            email=email,
            **address,
            preferred_language=read.text(c, "AttendPreferredLanguage"),
            interpreter_needed=read.flag(c, "AttendInterpreterNeeded", "Contact/"),
        )
        link = dict(
            relationship=read.text(c, "Relationship") or "Contact",
            parental_responsibility=read.flag(c, "Responsibility", "Contact/"),
            lives_with_pupil=read.flag(c, "AttendLivesWithPupil", "Contact/"),
            priority=int(priority_text),
        )
        check_lengths(problems, c.sourceline, "Contact/", contact, Contact)
        check_lengths(problems, c.sourceline, "Contact/", link, PupilContact)
        rows.append(dict(line=c.sourceline, ref=ref, upn=upn, contact=contact, link=link))

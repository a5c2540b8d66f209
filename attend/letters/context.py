"""The merge context for one message: pupil, contact, school, officer, figures and meeting details.

Only the documented fields (attend.letters.fields.FIELDS) are built; the template can reach nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from attend.people.models import Contact, Enrolment, Pupil
from attend.schools.models import School

from .figures import AttendanceFigures
from .models import Letterhead


def year_group(nc_year: str) -> str:
    nc = (nc_year or "").strip().upper()
    if nc == "R":
        return "Reception"
    if nc in ("N1", "N2"):
        return "Nursery"
    return f"Year {nc}" if nc.isdigit() else nc


def contact_name(contact: Contact | None) -> str:
    if contact is None:
        return "Parent or carer"
    return " ".join(p for p in (contact.title, contact.forename, contact.surname) if p)


def salutation(contact: Contact | None) -> str:
    if contact is None:
        return "Parent or carer"
    if contact.title:
        return f"{contact.title} {contact.surname}"
    return f"{contact.forename} {contact.surname}"


def address_lines(contact: Contact | None) -> list[str]:
    if contact is None:
        return []
    lines = [
        contact_name(contact),
        contact.address_line1,
        contact.address_line2,
        contact.town,
        contact.postcode,
    ]
    return [ln for ln in lines if ln]


def has_postal_address(contact: Contact | None) -> bool:
    return bool(contact and contact.address_line1 and contact.postcode)


def letterhead_for(school: School | None) -> dict:
    """The school's letterhead, else its LA's, else the school's name alone."""
    head = None
    if school is not None:
        head = (
            Letterhead.objects.filter(school=school).first()
            or Letterhead.objects.filter(local_authority_id=school.local_authority_id).first()
        )
    name = school.name if school is not None else "Attendance service"
    if head is not None and head.local_authority_id and school is not None:
        name = f"{school.local_authority.name}, for {school.name}"
    return {
        "name": name,
        "address_lines": [ln.strip() for ln in (head.address if head else "").splitlines() if ln.strip()],
        "phone": head.phone if head else "",
        "email": head.email if head else "",
        "logo_svg": head.logo_svg if head else "",
        "signatory_name": head.signatory_name if head else "",
        "signatory_role": head.signatory_role if head else "",
    }


@dataclass
class Meeting:
    kind: str = ""  # "telephone call", "online meeting", "meeting at school", "home visit"
    date: dt.date | None = None
    time: str = ""
    length: str = ""
    how_to_join: str = ""
    agenda: str = ""
    place: str = ""
    record: str = ""  # the written record of a meeting held, under its agenda's headings (casework)

    def fields(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "date": f"{self.date:%A} {self.date.day} {self.date:%B}" if self.date else "",
            "time": self.time,
            "length": self.length,
            "how_to_join": self.how_to_join,
            "agenda": self.agenda,
            "place": self.place,
            "record": self.record,
        }


@dataclass
class Plan:
    """A support plan for the letter that sends it to the parents (casework.plan_letters fills it)."""

    title: str = ""
    goal: str = ""
    review_date: dt.date | None = None
    actions: list[str] = field(default_factory=list)  # "what — who — by when"

    def fields(self) -> dict[str, str]:
        return {
            "title": self.title,
            "goal": self.goal,
            "review_date": f"{self.review_date:%A} {self.review_date.day} {self.review_date:%B %Y}"
            if self.review_date
            else "",
            "actions": "\n".join(f"- {line}" for line in self.actions),
        }


@dataclass
class Timetable:
    """A part-time timetable for the notice that tells the LA of it (attend.partnership.timetables fills it): every
    value already in words, so the template prints and never computes."""

    change: str = ""  # New, Changed, Ended
    upn: str = ""
    hours_per_week: str = ""
    sessions_per_week: str = ""
    start: str = ""
    end: str = ""
    review_date: str = ""
    reason: str = ""
    return_plan: str = ""
    status: str = ""
    scrutiny: str = ""
    justification: str = ""

    def fields(self) -> dict[str, str]:
        return dict(vars(self))


@dataclass
class Officer:
    name: str = ""
    role: str = "Attendance officer"
    phone: str = ""
    email: str = ""

    @classmethod
    def from_user(cls, user, letterhead: dict) -> Officer:
        if user is None:
            return cls(name=letterhead.get("signatory_name", ""), phone=letterhead.get("phone", ""))
        name = user.get_full_name() or user.get_username()
        return cls(
            name=name, phone=letterhead.get("phone", ""), email=user.email or letterhead.get("email", "")
        )


@dataclass
class MessageContext:
    pupil: Pupil
    enrolment: Enrolment | None
    contact: Contact | None
    figures: AttendanceFigures | None
    as_of: dt.date
    officer: Officer = field(default_factory=Officer)
    meeting: Meeting = field(default_factory=Meeting)
    plan: Plan = field(default_factory=Plan)
    timetable: Timetable = field(default_factory=Timetable)
    absence_date: dt.date | None = None
    reference: str = ""

    def merge(self, letterhead: dict) -> dict:
        school = self.enrolment.school if self.enrolment else None
        pupil = self.pupil
        forename = pupil.preferred_forename or pupil.legal_forename
        surname = pupil.preferred_surname or pupil.legal_surname
        c = self.contact
        return {
            "pupil": {
                "forename": forename,
                "surname": surname,
                "full_name": f"{forename} {surname}",
                "year_group": year_group(self.enrolment.nc_year) if self.enrolment else "",
            },
            "parent": {
                "full_name": contact_name(c),
                "salutation": salutation(c),
                "forename": c.forename if c else "",
                "relationship": "",
            },
            "school": {
                "name": school.name if school else "",
                "address": ", ".join(letterhead["address_lines"]),
                "phone": letterhead["phone"],
                "email": letterhead["email"],
                "day_hours": f"{school.school_day_hours.normalize()}" if school else "6.5",
            },
            "la": {"name": school.local_authority.name if school else ""},
            "officer": {
                "name": self.officer.name,
                "role": self.officer.role,
                "phone": self.officer.phone,
                "email": self.officer.email,
            },
            "attendance": self.figures.merge_fields(self.absence_date) if self.figures else {},
            "meeting": self.meeting.fields(),
            "plan": self.plan.fields(),
            "timetable": self.timetable.fields(),
            "letter": {"date": f"{self.as_of.day} {self.as_of:%B %Y}", "reference": self.reference},
        }

"""What goes into a prosecution's evidence bundle, gathered from the case data (never typed again).

The bundle itself is drawn by `attend.enforcement.bundle`. Here: the attendance record per school with the code
key of the set in force on each date, the summary in days and hours, the chronology split into what is relied on
and the unused material (CPIA 1996: listed, restricted notes not shown), letters and notices with their service
and delivery, formal steps, meetings with the family's responses, and the redactions (siblings, the other parent's
address)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from attend.casework.models import ChronologyEntry, EntryKind
from attend.letters.figures import TimeMissed, time_missed
from attend.letters.models import Message
from attend.people.models import Enrolment, PupilContact
from attend.registers.codes import code_table
from attend.registers.models import Mark, MarkChange

# The 2024 register codes came into force on 19 August 2024 (The School Attendance (Pupil Registration)
# (England) Regulations 2024, SI 2024/208); before that the 2006 Regulations' set applied (domain.md §1.2).
CODES_2024_FROM = dt.date(2024, 8, 19)
CODES_2006 = {
    "/": "Present (morning)",
    "\\": "Present (afternoon)",
    "L": "Late, before the register closed",
    "B": "Educated off site",
    "C": "Other authorised circumstances",
    "D": "Dual registered (at another school)",
    "E": "Excluded, no alternative provision",
    "F": "Agreed extended family holiday",
    "G": "Family holiday not agreed",
    "H": "Family holiday agreed",
    "I": "Illness",
    "J": "Interview",
    "M": "Medical or dental appointment",
    "N": "No reason yet provided",
    "O": "Unauthorised absence not covered by another code",
    "P": "Approved sporting activity",
    "R": "Religious observance",
    "S": "Study leave",
    "T": "Traveller absence",
    "U": "Late, after the register closed",
    "V": "Educational visit or trip",
    "W": "Work experience",
    "X": "Not required to attend (non-compulsory school age)",
    "Y": "Unable to attend: exceptional circumstances",
    "Z": "Not on roll",
    "#": "Planned whole-school closure",
}

# What the bundle relies on: contacts with the family and the support offered. Everything else on the case is
# unused material, listed in the schedule (CPIA 1996 s23 Code of Practice), restricted notes listed but not shown.
RELIED_ON_KINDS = {
    EntryKind.PHONE_CALL,
    EntryKind.DOORSTEP_VISIT,
    EntryKind.HOME_VISIT,
    EntryKind.TELEPHONE_MEETING,
    EntryKind.VIDEO_MEETING,
    EntryKind.SCHOOL_MEETING,
    EntryKind.ATTENDANCE_PANEL,
    EntryKind.PRE_LEGAL_MEETING,
    EntryKind.MULTI_AGENCY_MEETING,
    EntryKind.LETTER,
    EntryKind.EMAIL,
    EntryKind.SMS,
    EntryKind.PLAN,
    EntryKind.PLAN_REVIEW,
    EntryKind.REFERRAL,
    EntryKind.ENFORCEMENT,
}
MEETING_KINDS = {
    EntryKind.TELEPHONE_MEETING,
    EntryKind.VIDEO_MEETING,
    EntryKind.SCHOOL_MEETING,
    EntryKind.ATTENDANCE_PANEL,
    EntryKind.PRE_LEGAL_MEETING,
    EntryKind.MULTI_AGENCY_MEETING,
    EntryKind.HOME_VISIT,
}


@dataclass
class RegisterDay:
    date: dt.date
    am: str
    pm: str


@dataclass
class RegisterWeek:
    """A week of the register as schools print it: Monday to Friday, morning and afternoon."""

    monday: dt.date
    days: list[tuple[str, str] | None]  # Monday..Friday: (AM, PM), or None when the register has no marks


def weeks_of(days: list[RegisterDay]) -> list[RegisterWeek]:
    weeks: dict[dt.date, RegisterWeek] = {}
    for day in days:
        monday = day.date - dt.timedelta(days=day.date.weekday())
        week = weeks.setdefault(monday, RegisterWeek(monday, [None] * 5))
        if day.date.weekday() < 5:
            week.days[day.date.weekday()] = (day.am, day.pm)
    return list(weeks.values())


@dataclass
class SchoolRecord:
    """One school's certificate (Education Act 1996 s566): every session in the period with its code."""

    school_name: str
    urn: str
    alternative_provision: bool
    first_day: dt.date
    last_day: dt.date
    days: list[RegisterDay]
    key_2006: list[tuple[str, str]]
    key_2024: list[tuple[str, str]]
    amendments: list[dict]
    counts: dict[str, int]
    missed: TimeMissed

    @property
    def weeks(self) -> list[RegisterWeek]:
        return weeks_of(self.days)

    @property
    def signatory(self) -> str:
        if self.alternative_provision:
            return "the person in charge of the alternative provision"
        return "the headteacher"


@dataclass
class Redactor:
    """Siblings' names and the other parent's address never appear in the bundle."""

    phrases: list[str] = field(default_factory=list)
    do_not_call_in_templates = True  # passed to the |redacted filter, not called by the template engine

    def __call__(self, text: str) -> str:
        for phrase in self.phrases:
            text = re.sub(re.escape(phrase), "[redacted]", text, flags=re.IGNORECASE)
        return text


def _clean(values) -> list[str]:
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)


def redactor_for(pupil, parent) -> Redactor:
    links = PupilContact.objects.filter(pupil=pupil).select_related("contact")
    contact_ids = [link.contact_id for link in links]
    siblings = (
        PupilContact.objects.filter(contact_id__in=contact_ids)
        .exclude(pupil=pupil)
        .select_related("pupil")
        .values_list("pupil__legal_forename", "pupil__legal_surname", "pupil__preferred_forename")
    )
    phrases = []
    for forename, surname, preferred in siblings:
        phrases += [
            f"{forename} {surname}",
            f"{preferred} {surname}" if preferred else "",
            forename,
            preferred,
        ]
    parent_address = {parent.address_line1.strip().lower(), parent.postcode.strip().lower()}
    for link in links:
        other = link.contact
        if other.pk == parent.pk:
            continue
        for value in (other.address_line1, other.address_line2, other.postcode):
            if value and value.strip().lower() not in parent_address:
                phrases.append(value)
    return Redactor(_clean(phrases))


def _code_meanings() -> dict[str, str]:
    return {code: info.meaning for code, info in code_table().items()}


def school_records(pupil, start: dt.date, end: dt.date) -> list[SchoolRecord]:
    """Every school the child was registered at in the period, each with all its sessions: one query for the
    marks and one for their amendments."""
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .select_related("school")
        .order_by("admission_date")
    )
    ids = [e.pk for e in enrolments]
    marks = defaultdict(dict)
    for enrolment_id, date, session, code in (
        Mark.objects.filter(enrolment_id__in=ids, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("enrolment_id", "date", "session", "code")
    ):
        marks[enrolment_id].setdefault(date, {})[session] = code
    changes = defaultdict(list)
    for change in (
        MarkChange.objects.filter(enrolment_id__in=ids, date__gte=start, date__lte=end)
        .select_related("changed_by", "import_run")
        .order_by("date", "session", "changed_at")
    ):
        changes[change.enrolment_id].append(
            {
                "date": change.date,
                "session": change.session,
                "old": change.old_code,
                "new": change.new_code,
                "when": change.changed_at,
                "how": f"import of {change.import_run.file_name}"
                if change.import_run
                else "changed in Attend",
            }
        )
    table = code_table()
    meanings = _code_meanings()
    records = []
    for e in enrolments:
        days = [RegisterDay(d, s.get("AM", ""), s.get("PM", "")) for d, s in sorted(marks[e.pk].items())]
        codes = [c for day in days for c in (day.am, day.pm) if c]
        old = sorted({c for day in days if day.date < CODES_2024_FROM for c in (day.am, day.pm) if c})
        new = sorted({c for day in days if day.date >= CODES_2024_FROM for c in (day.am, day.pm) if c})
        counts = Counter(table[c].statistical_category if c in table else "unknown" for c in codes)
        unauthorised = counts.get("unauthorised_absence", 0)
        authorised = counts.get("authorised_absence", 0)
        records.append(
            SchoolRecord(
                school_name=e.school.name,
                urn=str(e.school.urn),
                alternative_provision=e.school.phase == "pru_ap",
                first_day=max(start, e.admission_date),
                last_day=min(end, e.leaving_date) if e.leaving_date else end,
                days=days,
                key_2006=[(c, CODES_2006.get(c, "Not a 2006 code")) for c in old],
                key_2024=[(c, meanings.get(c, "Not a 2024 code")) for c in new],
                amendments=changes[e.pk],
                counts={
                    "possible": sum(1 for c in codes if c in table and table[c].is_possible_session),
                    "attended": sum(1 for c in codes if c in table and table[c].counts_as_attendance),
                    "authorised": authorised,
                    "unauthorised": unauthorised,
                },
                missed=time_missed(unauthorised + authorised, day_hours=e.school.school_day_hours),
            )
        )
    return records


def chronology(case, *, start: dt.date | None = None) -> tuple[list, list, list]:
    """(relied on, unused, restricted) entries of the case. Restricted entries are listed in the schedule of unused
    material by date and kind only; their content is never printed."""
    entries = list(
        ChronologyEntry.objects.filter(case=case).select_related("recorded_by").order_by("occurred_at", "pk")
    )
    relied, unused, restricted = [], [], []
    for entry in entries:
        if entry.restricted:
            restricted.append(entry)
        elif entry.kind in RELIED_ON_KINDS:
            relied.append(entry)
        else:
            unused.append(entry)
    return relied, unused, restricted


def messages(pupil, *, until: dt.date) -> list[Message]:
    return list(
        Message.objects.filter(pupil=pupil, created_at__date__lte=until)
        .select_related("template_version__template", "contact")
        .order_by("created_at", "pk")
    )


def formal_steps(pupil) -> dict:
    from .models import AttendanceContract, NoticeToImprove, PenaltyNotice, SupervisionOrder

    return {
        "contracts": list(AttendanceContract.objects.filter(pupil=pupil).order_by("starts_on")),
        "ntis": list(NoticeToImprove.objects.filter(pupil=pupil).order_by("issued_on")),
        "notices": list(
            PenaltyNotice.objects.filter(pupil=pupil).select_related("parent").prefetch_related("events")
        ),
        "orders": list(SupervisionOrder.objects.filter(pupil=pupil).order_by("considered_on")),
    }

"""Writing a CTF 25 file (`attend export ctf`): the CTF specification's element names and order, `Sex` for the
pupil's sex, `CTFversion` 25.0. Empty optional elements are left out.

Where the CTF has no place for something Attend keeps, an element whose name starts with "Attend" carries it, at the
end of its parent so the CTF's own order is undisturbed: `AttendCharacteristics` (flags), the contact's
`AttendContactRef`, `AttendPriority`, `AttendLivesWithPupil`, `AttendPreferredLanguage`, `AttendInterpreterNeeded`,
and `AttendTwoCharacterCodes` for the 2024 codes that do not fit one character per session (the string carries
their first character). Each `SchoolHistory/School` also carries its own `NCyearActual` and `EnrolStatus`, so every
enrolment's year survives the round trip; `BasicDetails` carries the current ones, where the CTF puts them.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.utils import timezone
from lxml import etree

from attend.core import clock
from attend.people.models import Enrolment, Pupil, PupilContact
from attend.registers.codes import code_table
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, School

from .ctf_shape import CTF_VERSION, ENROL_STATUS, FLAG_ELEMENT, NO_MARK, PHONES
from .marks import SESSIONS
from .pupils import FLAGS


def _sub(parent, tag: str, text: object = None, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text if isinstance(text, str) else str(text)
    return element


def _opt(parent, tag: str, text: str):
    """An optional element, written only when it has a value."""
    if text:
        _sub(parent, tag, text)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _laestab(school: School) -> tuple[str, str]:
    return school.laestab[:3], school.laestab[3:]


def _load(school: School, upns: list[str] | None):
    pupils = Pupil.objects.filter(enrolments__school=school).distinct().order_by("upn")
    if upns:
        pupils = pupils.filter(upn__in=upns)
    pupils = list(pupils)
    by_id = {p.pk: p for p in pupils}
    enrolments = defaultdict(list)
    for e in Enrolment.objects.filter(pupil_id__in=by_id).select_related("school").order_by("admission_date"):
        enrolments[e.pupil_id].append(e)
    links = defaultdict(list)
    for link in (
        PupilContact.objects.filter(pupil_id__in=by_id).select_related("contact").order_by("priority")
    ):
        links[link.pupil_id].append(link)
    marks: dict[int, dict[tuple[int, int], list]] = defaultdict(lambda: defaultdict(list))
    for pupil_id, school_id, day, session, code in (
        Mark.objects.filter(enrolment__pupil_id__in=by_id)
        .order_by("enrolment__pupil_id", "enrolment__school_id", "date", "session")
        .values_list("enrolment__pupil_id", "enrolment__school_id", "date", "session", "code")
        .iterator(chunk_size=20000)
    ):
        marks[pupil_id][(school_id, AcademicYear.start_year_for(day))].append((day, session, code))
    return pupils, enrolments, links, marks


def _header(root, school: School) -> None:
    header = _sub(root, "Header")
    _sub(header, "DocumentName", "Common Transfer File")
    _sub(header, "CTFversion", CTF_VERSION)
    _sub(header, "DateTime", timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "DocumentQualifier", "partial")
    _sub(header, "DataDescriptor", "Attend export")
    _sub(header, "SupplierID", "Attend")
    source = _sub(header, "SourceSchool")
    lea, estab = _laestab(school)
    _sub(source, "LEA", lea)
    _sub(source, "Estab", estab)
    _sub(source, "SchoolName", school.name)
    _sub(source, "AcademicYear", AcademicYear.start_year_for(clock.today()))
    dest = _sub(header, "DestSchool")
    _sub(dest, "LEA", "MMM")  # destination unknown
    _sub(dest, "Estab", "MMMM")


def _basic_details(p, pupil: Pupil, current: Enrolment | None) -> None:
    basic = _sub(p, "BasicDetails")
    _opt(basic, "PreferredSurname", pupil.preferred_surname)
    _opt(basic, "PreferredForename", pupil.preferred_forename)
    if current is not None:
        _sub(basic, "NCyearActual", current.nc_year)
    _opt(basic, "Ethnicity", pupil.ethnicity)
    if pupil.first_language:
        language = _sub(_sub(basic, "Languages"), "Type")
        _sub(language, "LanguageType", "F")
        _sub(language, "Language", pupil.first_language)
    if current is not None:
        _sub(basic, "EnrolStatus", ENROL_STATUS[current.registration])
    _sub(_sub(_sub(p, "SENhistory"), "SEN"), "SENprovision", pupil.sen_status)


def _contact(contacts, order: int, link: PupilContact) -> None:
    c, person = _sub(contacts, "Contact"), link.contact
    _sub(c, "Order", order)
    _opt(c, "Title", person.title)
    _sub(c, "Surname", person.surname)
    _sub(c, "Forename", person.forename)
    _sub(c, "Relationship", link.relationship)
    _sub(c, "Responsibility", _bool(link.parental_responsibility))
    if any((person.address_line1, person.address_line2, person.town, person.postcode)):
        address = _sub(c, "Address")
        if any((person.address_line1, person.address_line2, person.town)):
            lines = _sub(address, "AddressLines")
            _opt(lines, "AddressLine1", person.address_line1)
            _opt(lines, "AddressLine2", person.address_line2)
            _opt(lines, "AddressLine3", person.town)  # read back as the town
        _opt(address, "PostCode", person.postcode)
    if any(getattr(person, field) for field in PHONES):
        phones = _sub(c, "Phones")
        for field, kind in PHONES.items():
            if getattr(person, field):
                phone = _sub(phones, "Phone")
                _sub(phone, "TelephoneType", kind)
                _sub(phone, "PhoneNo", getattr(person, field))
    _opt(c, "Email", person.email)
    _sub(c, "AttendContactRef", person.contact_ref)
    _sub(c, "AttendPriority", link.priority)
    _sub(c, "AttendLivesWithPupil", _bool(link.lives_with_pupil))
    _opt(c, "AttendPreferredLanguage", person.preferred_language)
    _sub(c, "AttendInterpreterNeeded", _bool(person.interpreter_needed))


def _year_data(attendance, school: School, year: int, rows: list, codes) -> None:
    year_data = _sub(attendance, "YearData")
    lea, estab = _laestab(school)
    _sub(year_data, "Year", year)
    _sub(year_data, "LEA", lea)
    _sub(year_data, "Estab", estab)
    _sub(year_data, "SchoolName", school.name)
    infos = [codes[code] for _, _, code in rows]
    _sub(year_data, "SessionsPossible", sum(i.is_possible_session for i in infos))
    _sub(year_data, "SessionsAuthorised", sum(i.statistical_category == "authorised_absence" for i in infos))
    _sub(year_data, "SessionsAttended", sum(i.counts_as_attendance for i in infos))
    _sub(
        year_data,
        "SessionsUnauthorised",
        sum(i.statistical_category == "unauthorised_absence" for i in infos),
    )
    first, last = rows[0][0], rows[-1][0]
    chars = [NO_MARK] * (2 * ((last - first).days + 1))
    two_character = []
    for day, session, code in rows:
        chars[2 * (day - first).days + SESSIONS.index(session)] = code[0]
        if len(code) > 1:
            two_character.append((day, session, code))
    sessions = _sub(year_data, "AttendSessions")
    _sub(sessions, "AttendanceStartDate", first.isoformat())
    _sub(sessions, "AttendanceMarks", "".join(chars))
    if two_character:
        extra = _sub(year_data, "AttendTwoCharacterCodes")
        for day, session, code in two_character:
            _sub(extra, "Mark", date=day.isoformat(), session=session, code=code)


def _school_history(p, enrolments: list[Enrolment]) -> None:
    history = _sub(p, "SchoolHistory")
    for e in enrolments:
        s = _sub(history, "School")
        lea, estab = _laestab(e.school)
        _sub(s, "LEA", lea)
        _sub(s, "Estab", estab)
        _sub(s, "SchoolName", e.school.name)
        _sub(s, "EntryDate", e.admission_date.isoformat())
        if e.leaving_date:
            _sub(s, "LeavingDate", e.leaving_date.isoformat())
        _sub(s, "NCyearActual", e.nc_year)
        _sub(s, "EnrolStatus", ENROL_STATUS[e.registration])


def export_ctf(school: School, path: str | Path, *, upns: list[str] | None = None) -> int:
    """Write a CTF 25 file for the pupils ever on roll at `school` (or just `upns`). Returns the number of pupils."""
    pupils, enrolments, links, marks = _load(school, upns)
    schools = {s.pk: s for s in School.objects.all()}
    codes = code_table()
    root = etree.Element("CTfile")
    _header(root, school)
    data = _sub(root, "CTFpupilData")
    for pupil in pupils:
        p = _sub(data, "Pupil")
        _sub(p, "UPN", pupil.upn)
        _sub(p, "Surname", pupil.legal_surname)
        _sub(p, "Forename", pupil.legal_forename)
        _sub(p, "DOB", pupil.date_of_birth.isoformat())
        _sub(p, "Sex", pupil.sex)
        here = [e for e in enrolments[pupil.pk] if e.school_id == school.pk]
        _basic_details(p, pupil, here[-1] if here else None)
        if links[pupil.pk]:
            contacts = _sub(p, "Contacts")
            for order, link in enumerate(links[pupil.pk], start=1):
                _contact(contacts, order, link)
        if marks[pupil.pk]:
            attendance = _sub(p, "Attendance")
            for (school_id, year), rows in sorted(marks[pupil.pk].items()):
                _year_data(attendance, schools[school_id], year, rows, codes)
        _school_history(p, enrolments[pupil.pk])
        flags = _sub(p, "AttendCharacteristics")
        for flag in FLAGS:
            _sub(flags, FLAG_ELEMENT[flag], _bool(getattr(pupil, flag)))
    etree.ElementTree(root).write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return len(pupils)

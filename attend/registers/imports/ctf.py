"""Common Transfer File (CTF) XML: pupils, contacts, enrolments and per-session attendance, in and out.

Element names follow the CTF structure as far as it is known (domain.md section 6): CTfile > Header > SourceSchool,
CTFpupilData > Pupil > UPN, Surname, Forename, DOB, Gender, BasicDetails, SchoolHistory, Contacts, Attendance >
YearData > AttendSessions > AttendanceStartDate + AttendanceMarks. Where the CTF has no place for something Attend
keeps, an element whose name starts with "Attend" carries it. docs/import-formats.md lists the mapping and the gap:

- AttendanceMarks holds one character per session, two per calendar date (AM then PM). A session with no mark is
  "-" (Attend writes it; Attend reads "-" and " " as no mark). "#" on a day the school does not meet
  (meets_on_weekdays) is read as no mark, because other systems pad weekends with "##"; on a meeting day it is the
  planned-closure code.
- The 2024 two-character codes (C1, C2, J1, Y1-Y7) do not fit one character. The string carries their first
  character (C, C, J, Y: the nearest pre-2024 code, so a reader that knows only the string still sees roughly the
  right category) and <AttendTwoCharacterCodes><Mark date=".." session=".." code=".."/></...> carries the exact code.
  An Attend import applies those overrides, so the round trip is lossless.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone
from lxml import etree

from attend.core import clock
from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.people.upn import upn_problem
from attend.registers.codes import code_table, valid_codes
from attend.registers.models import Mark
from attend.schools.models import AcademicYear, School

from . import contacts as contacts_import
from . import pupils as pupils_import
from .common import ImportResult, Problems, finish_run, parse_bool, parse_date, sha256_of, start_run
from .marks import SESSIONS, MarkBatch, write_marks
from .scope import ImportScope, whole_service_only

CTF_VERSION = "25.0"
NO_MARK = "-"
ENROL_STATUS = {"single": "C", "main": "M", "subsidiary": "S"}
REGISTRATION = {v: k for k, v in ENROL_STATUS.items()}
FLAGS = pupils_import.FLAGS
PHONES = {"phone_mobile": "M", "phone_home": "H", "phone_work": "W"}
# Characteristics the CTF has no simple element for: <AttendCharacteristics><Fsm6>true</Fsm6>...
FLAG_ELEMENT = {flag: "".join(x.capitalize() for x in flag.split("_")) for flag in FLAGS}


# ----- export


def _sub(parent, tag: str, text: object = None, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text if isinstance(text, str) else str(text)
    return element


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _laestab(school: School) -> tuple[str, str]:
    return school.laestab[:3], school.laestab[3:]


def export_ctf(school: School, path: str | Path, *, upns: list[str] | None = None) -> int:
    """Write a CTF for the pupils ever on roll at `school` (or just `upns`). Returns the number of pupils."""
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
    schools = {s.pk: s for s in School.objects.all()}
    codes = code_table()

    root = etree.Element("CTfile")
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

    data = _sub(root, "CTFpupilData")
    for pupil in pupils:
        p = _sub(data, "Pupil")
        _sub(p, "UPN", pupil.upn)
        _sub(p, "Surname", pupil.legal_surname)
        _sub(p, "Forename", pupil.legal_forename)
        _sub(p, "DOB", pupil.date_of_birth.isoformat())
        _sub(p, "Gender", pupil.sex)
        basic = _sub(p, "BasicDetails")
        _sub(basic, "PreferredSurname", pupil.preferred_surname)
        _sub(basic, "PreferredForename", pupil.preferred_forename)
        _sub(basic, "Ethnicity", pupil.ethnicity)
        language = _sub(_sub(basic, "Languages"), "Type")
        _sub(language, "LanguageType", "F")
        _sub(language, "Language", pupil.first_language)
        _sub(_sub(_sub(basic, "SENhistory"), "SEN"), "SENprovision", pupil.sen_status)
        flags = _sub(p, "AttendCharacteristics")
        for flag in FLAGS:
            _sub(flags, FLAG_ELEMENT[flag], _bool(getattr(pupil, flag)))
        history = _sub(p, "SchoolHistory")
        for e in enrolments[pupil.pk]:
            s = _sub(history, "School")
            lea, estab = _laestab(e.school)
            _sub(s, "LEA", lea)
            _sub(s, "Estab", estab)
            _sub(s, "SchoolName", e.school.name)
            _sub(s, "EntryDate", e.admission_date.isoformat())
            _sub(s, "LeavingDate", e.leaving_date.isoformat() if e.leaving_date else "")
            _sub(s, "NCyearActual", e.nc_year)
            _sub(s, "EnrolStatus", ENROL_STATUS[e.registration])
        contacts = _sub(p, "Contacts")
        for order, link in enumerate(links[pupil.pk], start=1):
            c, person = _sub(contacts, "Contact"), link.contact
            _sub(c, "Order", order)
            _sub(c, "AttendContactRef", person.contact_ref)
            _sub(c, "Title", person.title)
            _sub(c, "Surname", person.surname)
            _sub(c, "Forename", person.forename)
            _sub(c, "Relationship", link.relationship)
            _sub(c, "Responsibility", _bool(link.parental_responsibility))
            _sub(c, "AttendLivesWithPupil", _bool(link.lives_with_pupil))
            _sub(c, "AttendPriority", link.priority)
            phones = _sub(c, "Phones")
            for field, kind in PHONES.items():
                if getattr(person, field):
                    phone = _sub(phones, "Phone")
                    _sub(phone, "TelephoneType", kind)
                    _sub(phone, "PhoneNo", getattr(person, field))
            _sub(c, "Email", person.email)
            address = _sub(c, "Address")
            _sub(address, "AddressLine1", person.address_line1)
            _sub(address, "AddressLine2", person.address_line2)
            _sub(address, "Town", person.town)
            _sub(address, "PostCode", person.postcode)
            _sub(c, "AttendPreferredLanguage", person.preferred_language)
            _sub(c, "AttendInterpreterNeeded", _bool(person.interpreter_needed))
        attendance = _sub(p, "Attendance")
        for (school_id, year), rows in sorted(marks[pupil.pk].items()):
            year_data = _sub(attendance, "YearData")
            lea, estab = _laestab(schools[school_id])
            _sub(year_data, "Year", year)
            _sub(year_data, "LEA", lea)
            _sub(year_data, "Estab", estab)
            _sub(year_data, "SchoolName", schools[school_id].name)
            infos = [codes[code] for _, _, code in rows]
            _sub(year_data, "SessionsPossible", sum(i.is_possible_session for i in infos))
            _sub(
                year_data,
                "SessionsAuthorised",
                sum(i.statistical_category == "authorised_absence" for i in infos),
            )
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
    etree.ElementTree(root).write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return len(pupils)


# ----- import


class _Reader:
    """Text of child elements with problems recorded at the element's source line."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def text(self, parent, path: str, *, required: bool = False, where: str = "") -> str:
        element = parent.find(path)
        value = (element.text or "").strip() if element is not None else ""
        if required and not value:
            self.problems.add(parent.sourceline, f"{where}{path}", "a value is required")
        return value

    def date(self, parent, path: str, *, required: bool = True, where: str = "") -> dt.date | None:
        value = self.text(parent, path, required=required, where=where)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            line = parent.find(path).sourceline
            self.problems.add(line, f"{where}{path}", f"not a date in the form YYYY-MM-DD: {value!r}")
        return parsed

    def flag(self, parent, path: str, where: str = "") -> bool:
        value = self.text(parent, path, where=where)
        if not value:
            return False
        parsed = parse_bool(value)
        if parsed is None:
            self.problems.add(
                parent.find(path).sourceline, f"{where}{path}", f"must be true or false, not {value!r}"
            )
            return False
        return parsed


def _school_for(lea: str, estab: str, schools: dict[str, School]) -> School | None:
    return schools.get(f"{lea}{estab}")


def _check_lengths(problems: Problems, line: int, where: str, values: dict, model) -> None:
    """Every text value fits its column (a 5,000-character forename is a problem, not a database error)."""
    for name, value in values.items():
        if isinstance(value, str):
            limit = model._meta.get_field(name).max_length
            if limit and len(value) > limit:
                problems.add(line, f"{where}{name}", f"longer than {limit} characters")


def import_ctf(
    path: Path, *, user=None, scope: ImportScope | None = None, on_write=None, source: str = "command"
) -> ImportResult:
    problems = Problems(path.name)
    scope = scope or ImportScope.of(user)
    if not scope.whole:
        problems.refuse(1, "file", whole_service_only("ctf"))
        problems.raise_if_any()
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        problems.add(exc.lineno or 1, "xml", str(exc.msg))
        problems.raise_if_any()
    root = tree.getroot()
    if root.tag != "CTfile":
        problems.add(root.sourceline, "CTfile", f"the root element must be CTfile, not {root.tag}")
        problems.raise_if_any()
    read = _Reader(problems)
    schools = {s.laestab: s for s in School.objects.all()}
    codes_ok = valid_codes()
    pupil_rows, contact_rows, mark_rows = [], [], []
    seen_upns: dict[str, int] = {}
    for p in root.iterfind("CTFpupilData/Pupil"):
        line = p.sourceline
        upn = read.text(p, "UPN", required=True, where="Pupil/")
        if upn and (problem := upn_problem(upn)):
            problems.add(p.find("UPN").sourceline, "Pupil/UPN", problem)
            continue
        if upn in seen_upns:
            problems.add(line, "Pupil/UPN", f"UPN {upn} is also on line {seen_upns[upn]}")
            continue
        seen_upns[upn] = line
        sex = read.text(p, "Gender", required=True, where="Pupil/")
        if sex and sex not in ("F", "M"):
            problems.add(p.find("Gender").sourceline, "Pupil/Gender", f"must be F or M, not {sex!r}")
        sen = read.text(p, "BasicDetails/SENhistory/SEN/SENprovision") or "N"
        if sen not in ("N", "K", "E"):
            problems.add(line, "Pupil/SENprovision", f"must be N, K or E, not {sen!r}")
        person = {
            "legal_forename": read.text(p, "Forename", required=True, where="Pupil/"),
            "legal_surname": read.text(p, "Surname", required=True, where="Pupil/"),
            "preferred_forename": read.text(p, "BasicDetails/PreferredForename"),
            "preferred_surname": read.text(p, "BasicDetails/PreferredSurname"),
            "date_of_birth": read.date(p, "DOB", where="Pupil/"),
            "sex": sex,
            "ethnicity": read.text(p, "BasicDetails/Ethnicity"),
            "first_language": read.text(p, "BasicDetails/Languages/Type/Language"),
            "sen_status": sen,
            **{flag: read.flag(p, "AttendCharacteristics/" + FLAG_ELEMENT[flag]) for flag in FLAGS},
        }
        _check_lengths(problems, line, "Pupil/", person, Pupil)
        spells: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for s in p.iterfind("SchoolHistory/School"):
            school = _school_for(read.text(s, "LEA"), read.text(s, "Estab"), schools)
            if school is None:
                problems.add(
                    s.sourceline, "SchoolHistory/School",
                    f"unknown school LEA {read.text(s, 'LEA')!r} Estab {read.text(s, 'Estab')!r}",
                )  # fmt: skip
                continue
            admission = read.date(s, "EntryDate", where="School/")
            leaving = read.date(s, "LeavingDate", required=False, where="School/")
            nc_year = read.text(s, "NCyearActual") or "X"
            if nc_year not in pupils_import.NC_YEARS:
                problems.add(
                    s.sourceline, "School/NCyearActual", f"not a National Curriculum year: {nc_year!r}"
                )
            registration = REGISTRATION.get(read.text(s, "EnrolStatus") or "C")
            if registration is None:
                problems.add(s.sourceline, "School/EnrolStatus", "must be C, M or S")
            if admission is None:
                continue
            spells[school.pk].append((admission, leaving))
            pupil_rows.append(
                dict(line=s.sourceline, upn=upn, person=person, school_id=school.pk, nc_year=nc_year,
                     admission_date=admission, leaving_date=leaving, registration=registration)
            )  # fmt: skip
        for order, c in enumerate(p.iterfind("Contacts/Contact"), start=1):
            ref = read.text(c, "AttendContactRef") or f"CTF-{upn}-{read.text(c, 'Order') or order}"
            phones = {
                field: next(
                    (read.text(ph, "PhoneNo") for ph in c.iterfind("Phones/Phone")
                     if read.text(ph, "TelephoneType") == kind),
                    "",
                )
                for field, kind in PHONES.items()
            }  # fmt: skip
            if len(ref) > 40:
                problems.add(c.sourceline, "Contact/AttendContactRef", "longer than 40 characters")
            priority_text = read.text(c, "AttendPriority") or read.text(c, "Order") or str(order)
            if not priority_text.isdigit() or int(priority_text) < 1:
                problems.add(
                    c.sourceline, "Contact/Order", f"must be a whole number of at least 1: {priority_text!r}"
                )
                continue
            contact_rows.append(
                dict(
                    line=c.sourceline, ref=ref, upn=upn,
                    contact=dict(
                        title=read.text(c, "Title"), forename=read.text(c, "Forename", required=True, where="Contact/"),
                        surname=read.text(c, "Surname", required=True, where="Contact/"), **phones,
                        email=read.text(c, "Email"), address_line1=read.text(c, "Address/AddressLine1"),
                        address_line2=read.text(c, "Address/AddressLine2"), town=read.text(c, "Address/Town"),
                        postcode=read.text(c, "Address/PostCode"),
                        preferred_language=read.text(c, "AttendPreferredLanguage"),
                        interpreter_needed=read.flag(c, "AttendInterpreterNeeded", "Contact/"),
                    ),
                    link=dict(
                        relationship=read.text(c, "Relationship") or "Contact",
                        parental_responsibility=read.flag(c, "Responsibility", "Contact/"),
                        lives_with_pupil=read.flag(c, "AttendLivesWithPupil", "Contact/"),
                        priority=int(priority_text),
                    ),
                )
            )  # fmt: skip
            _check_lengths(problems, c.sourceline, "Contact/", contact_rows[-1]["contact"], Contact)
            _check_lengths(problems, c.sourceline, "Contact/", contact_rows[-1]["link"], PupilContact)
        seen_sessions: set = set()
        for y in p.iterfind("Attendance/YearData"):
            _read_year(y, upn, schools, spells, read, codes_ok, mark_rows, seen_sessions)
    problems.raise_if_any()

    result = ImportResult(kind="ctf", file_name=path.name, source=source)
    with transaction.atomic():
        run = start_run("ctf", path, sha256_of(path), user)
        pupils_import.write(pupil_rows, result, scope, run)
        pupil_ids = dict(Pupil.objects.filter(upn__in=list(seen_upns)).values_list("upn", "id"))
        contacts_import.write(
            [dict(row, pupil_id=pupil_ids[row["upn"]]) for row in contact_rows if row["upn"] in pupil_ids],
            result,
            scope,
        )
        result.rows = len(pupil_rows) + len(contact_rows)
        if mark_rows:
            enrolment_ids = {
                (upn, school_id, admission): pk
                for pk, upn, school_id, admission in Enrolment.objects.filter(
                    pupil__upn__in=list(seen_upns)
                ).values_list("id", "pupil__upn", "school_id", "admission_date")
            }
            batch = _batch(mark_rows, enrolment_ids)
            created, updated = write_marks(batch, run=run, user=user)
            result.rows += len(batch)
            result.created += created
            result.updated += updated
            result.unchanged += len(batch) - created - updated
            result.count("marks", "created", created)
            result.count("marks", "changed", updated)
        finish_run(run, result)
        if on_write:
            on_write(run, result)
    return result


def _read_year(y, upn, schools, spells, read: _Reader, codes_ok, mark_rows, seen_sessions: set) -> None:
    problems = read.problems
    school = _school_for(read.text(y, "LEA"), read.text(y, "Estab"), schools)
    if school is None:
        problems.add(
            y.sourceline,
            "YearData",
            f"unknown school LEA {read.text(y, 'LEA')!r} Estab {read.text(y, 'Estab')!r}",
        )
        return
    sessions = y.find("AttendSessions")
    if sessions is None:
        return  # aggregate counts only: nothing per session to import
    start = read.date(sessions, "AttendanceStartDate", where="AttendSessions/")
    marks_element = sessions.find("AttendanceMarks")
    text = (marks_element.text or "") if marks_element is not None else ""
    if start is None:
        return
    line = marks_element.sourceline if marks_element is not None else sessions.sourceline
    if len(text) % 2:
        problems.add(
            line, "AttendanceMarks", f"must have two characters per date, found {len(text)} characters"
        )
        return
    found: dict[tuple[dt.date, str], str] = {}
    for i, char in enumerate(text):
        day = start + dt.timedelta(days=i // 2)
        if char in (NO_MARK, " ") or (char == "#" and not school.meets_on(day)):
            continue
        found[(day, SESSIONS[i % 2])] = char
    for m in y.iterfind("AttendTwoCharacterCodes/Mark"):
        day, session, code = parse_date(m.get("date", "")), m.get("session", ""), m.get("code", "")
        if day is None or session not in SESSIONS:
            problems.add(
                m.sourceline,
                "AttendTwoCharacterCodes/Mark",
                "needs a date (YYYY-MM-DD) and a session (AM or PM)",
            )
            continue
        if found.get((day, session)) != code[:1]:
            problems.add(m.sourceline, "AttendTwoCharacterCodes/Mark",
                         f"{code!r} for {day} {session} does not match {found.get((day, session), 'no mark')!r} "
                         "in AttendanceMarks")  # fmt: skip
            continue
        found[(day, session)] = code
    bad_codes = sorted({c for c in found.values() if c not in codes_ok})
    for code in bad_codes:
        problems.add(line, "AttendanceMarks", f"unknown code {code!r}")
    for (day, session), code in sorted(found.items()):
        spell = next(
            (a for a, leave in spells.get(school.pk, []) if a <= day and (leave is None or day <= leave)),
            None,
        )
        if spell is None:
            problems.add(line, "AttendanceMarks",
                         f"mark outside enrolment: UPN {upn} is not on roll at school {school.urn} on {day}")  # fmt: skip
            return
        if (school.pk, day, session) in seen_sessions:
            problems.add(
                line, "AttendanceMarks", f"duplicate mark: {day} {session} is in another YearData too"
            )
            return
        seen_sessions.add((school.pk, day, session))
        if code in codes_ok:
            mark_rows.append((upn, school.pk, spell, day, session, code))


def _batch(rows, enrolment_ids) -> MarkBatch:
    rows = sorted(
        (
            (enrolment_ids[(upn, school_id, spell)], day, session, code)
            for upn, school_id, spell, day, session, code in rows
        )
    )
    dates = sorted({r[1] for r in rows})
    date_index = {d: i for i, d in enumerate(dates)}
    codes = sorted({r[3] for r in rows})
    code_index = {c: i for i, c in enumerate(codes)}
    return MarkBatch(
        enrolment_id=np.array([r[0] for r in rows], dtype=np.int64),
        date_idx=np.array([date_index[r[1]] for r in rows], dtype=np.int64),
        dates=[d.isoformat() for d in dates],
        session_idx=np.array([SESSIONS.index(r[2]) for r in rows], dtype=np.int64),
        code_idx=np.array([code_index[r[3]] for r in rows], dtype=np.int64),
        codes=codes,
    )

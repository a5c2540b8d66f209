"""Reading a Common Transfer File: CTF 25 (`Sex`) and earlier versions (`Gender`), as MIS suppliers write them.

- The year group and registration (`NCyearActual`, `EnrolStatus`) are read from `Pupil/BasicDetails`, where the
  CTF puts them; a `SchoolHistory/School` entry that carries its own (Attend's exports do) keeps its own.
- A school history that leaves out the school the file is sent to: the enrolment there comes from the header's
  `DestSchool` and the pupil's `BasicDetails/EntryDate`.
- Nothing is dropped silently: elements Attend does not read, values it cannot store, and schools it does not know
  are notes on the result (`file:line: field: reason`); anything wrong is a problem and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from lxml import etree

from attend.people.models import Enrolment, Pupil
from attend.people.upn import upn_problem
from attend.registers.codes import valid_codes
from attend.schools.models import School

from . import contacts as contacts_import
from . import pupils as pupils_import
from .common import ImportResult, Problems, finish_run, sha256_of, start_run
from .ctf_contacts import Dropped, read_address, read_contacts
from .ctf_marks import NoSession, batch, read_year
from .ctf_shape import (
    CTF_VERSION,
    FLAG_ELEMENT,
    NEWEST_KNOWN,
    REGISTRATION,
    Reader,
    check_lengths,
    elements_not_read,
    version_major,
)
from .marks import write_marks
from .scope import ImportScope, whole_service_only

FLAGS = pupils_import.FLAGS


@dataclass
class _File:
    """What one file's pupils share while they are read."""

    name: str
    read: Reader
    schools: dict[str, School]
    dest: School | None = None
    dropped: Dropped = field(default_factory=Dropped)
    notes: list[str] = field(default_factory=list)
    pupil_rows: list = field(default_factory=list)
    contact_rows: list = field(default_factory=list)
    mark_rows: list = field(default_factory=list)
    seen_upns: dict[str, int] = field(default_factory=dict)
    no_session: NoSession = field(default_factory=NoSession)
    # UPN -> (the pupil's details as read, the names of those absent from the file)
    people: dict[str, tuple[dict, list[str]]] = field(default_factory=dict)

    def note(self, line: int, where: str, reason: str) -> None:
        self.notes.append(f"{self.name}:{line}: {where}: {reason}")


def _parse(path: Path, problems: Problems):
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        problems.add(exc.lineno or 1, "xml", str(exc.msg))
        problems.raise_if_any()
    root = tree.getroot()
    if root.tag != "CTfile":
        problems.add(root.sourceline, "CTfile", f"the root element must be CTfile, not {root.tag}")
        problems.raise_if_any()
    return root


def _header(root, f: _File) -> str:
    """Read the header's version, destination school and supplier; return the supplier."""
    header = root.find("Header")
    if header is None:
        return ""
    read = f.read
    version = read.text(header, "CTFversion")
    if version:
        major, line = version_major(version), read.line(header, "CTFversion")
        if major is None:
            read.problems.add(
                line, "Header/CTFversion", f"not a CTF version number such as 25.0: {version!r}"
            )
        elif major > NEWEST_KNOWN:
            f.note(line, "Header/CTFversion", f"CTF {version} is newer than Attend reads (up to {CTF_VERSION}): "
                   "read as CTF 25; elements Attend does not know are listed")  # fmt: skip
    lea, estab = read.text(header, "DestSchool/LEA"), read.text(header, "DestSchool/Estab")
    if lea.isdigit() and estab.isdigit():
        f.dest = f.schools.get(f"{lea}{estab}")
        if f.dest is None:
            f.note(read.line(header, "DestSchool"), "Header/DestSchool",
                   f"school LEA {lea} Estab {estab} is not in Attend: no enrolment is made there from the header")  # fmt: skip
    return read.text(header, "SupplierID") or read.text(header, "SuppID")


def _sex(p, read: Reader) -> str:
    """`Sex` (CTF 25), or `Gender` (earlier versions); both present must agree."""
    sex, gender = read.text(p, "Sex"), read.text(p, "Gender")
    if sex and gender and sex != gender:
        read.problems.add(read.line(p, "Gender"), "Pupil/Gender", f"{gender!r} disagrees with Sex {sex!r}")
    value, name = (sex, "Sex") if sex or p.find("Gender") is None else (gender, "Gender")
    if not value:
        read.problems.add(p.sourceline, "Pupil/Sex", "a value is required (Sex; Gender before CTF 25)")
    elif value not in ("F", "M"):
        read.problems.add(read.line(p, name), f"Pupil/{name}", f"must be F or M, not {value!r}")
    return value


def _person(p, read: Reader, dropped: Dropped) -> dict:
    sens = [s for s in p.findall("SENhistory/SEN") + p.findall("BasicDetails/SENhistory/SEN")]
    sen = next((read.text(s, "SENprovision") for s in reversed(sens) if read.text(s, "SENprovision")), "N")
    if sen not in ("N", "K", "E"):
        read.problems.add(p.sourceline, "Pupil/SENprovision", f"must be N, K or E, not {sen!r}")
    types = p.findall("BasicDetails/Languages/Type")
    first = next((t for t in types if read.text(t, "LanguageType") == "F"), types[0] if types else None)
    for t in types:
        if t is not first and read.text(t, "Language"):
            dropped.add(t.sourceline, "Pupil/BasicDetails/Languages/Type", "not kept: Attend keeps the first "
                        "language (LanguageType F) only")  # fmt: skip
    person = {
        "legal_forename": read.text(p, "Forename", required=True, where="Pupil/"),
        "legal_surname": read.text(p, "Surname", required=True, where="Pupil/"),
        "preferred_forename": read.text(p, "BasicDetails/PreferredForename"),
        "preferred_surname": read.text(p, "BasicDetails/PreferredSurname"),
        "date_of_birth": read.date(p, "DOB", where="Pupil/"),
        "sex": _sex(p, read),
        "ethnicity": read.text(p, "BasicDetails/Ethnicity"),
        "first_language": read.text(first, "Language") if first is not None else "",
        "sen_status": sen,
        **{flag: read.flag(p, "AttendCharacteristics/" + FLAG_ELEMENT[flag]) for flag in FLAGS},
    }
    check_lengths(read.problems, p.sourceline, "Pupil/", person, Pupil)
    return person


def _absent(p) -> list[str]:
    """The pupil details whose element is not in the file at all: an existing pupil keeps what Attend holds
    (a CTF from an MIS has no AttendCharacteristics; that must not clear a child protection plan)."""
    sources = {
        "preferred_forename": "BasicDetails/PreferredForename",
        "preferred_surname": "BasicDetails/PreferredSurname",
        "ethnicity": "BasicDetails/Ethnicity",
        "first_language": "BasicDetails/Languages/Type/Language",
        **{flag: "AttendCharacteristics/" + FLAG_ELEMENT[flag] for flag in FLAGS},
    }
    absent = [name for name, path in sources.items() if p.find(path) is None]
    if (
        p.find("SENhistory/SEN/SENprovision") is None
        and p.find("BasicDetails/SENhistory/SEN/SENprovision") is None
    ):
        absent.append("sen_status")
    return absent


def _year_and_status(element, read: Reader, where: str) -> tuple[str, str]:
    """NCyearActual and EnrolStatus of a BasicDetails or SchoolHistory/School element ("" where absent)."""
    year, status = read.text(element, "NCyearActual"), read.text(element, "EnrolStatus")
    if year and year not in pupils_import.NC_YEARS:
        read.problems.add(
            read.line(element, "NCyearActual"),
            f"{where}NCyearActual",
            f"not a National Curriculum year: {year!r}",
        )
    if status and status not in REGISTRATION:
        read.problems.add(read.line(element, "EnrolStatus"), f"{where}EnrolStatus", "must be C, M or S")
    return year, status


def _enrolments(p, upn: str, person: dict, f: _File) -> dict[int, list]:
    """Enrolment rows for `p` from its SchoolHistory (and the header's DestSchool); returns the spells by school."""
    read = f.read
    basic = p.find("BasicDetails")
    year, status = _year_and_status(basic, read, "BasicDetails/") if basic is not None else ("", "")
    spells: dict[int, list] = defaultdict(list)
    rows = []
    for s in p.iterfind("SchoolHistory/School"):
        lea, estab = read.text(s, "LEA"), read.text(s, "Estab")
        school = f.schools.get(f"{lea}{estab}")
        own_year, own_status = _year_and_status(s, read, "School/")
        admission = read.date(s, "EntryDate", where="School/")
        leaving = read.date(s, "LeavingDate", required=False, where="School/")
        if school is None:
            f.dropped.add(s.sourceline, "Pupil/SchoolHistory/School", f"not kept: school LEA {lea!r} Estab {estab!r} "
                          "is not in Attend (its enrolment and marks are not imported)")  # fmt: skip
            continue
        rows.append((s.sourceline, school, admission, leaving, own_year or year, own_status or status))
    if f.dest is not None and all(school != f.dest for _, school, *_ in rows):
        entry = read.date(p, "BasicDetails/EntryDate", required=False, where="Pupil/")
        if entry is None:
            f.note(p.sourceline, "Pupil/SchoolHistory", f"no entry for the destination school {f.dest.urn} and no "
                   "BasicDetails/EntryDate: no enrolment is made there")  # fmt: skip
        else:
            rows.append((read.line(p, "BasicDetails/EntryDate"), f.dest, entry, None, year, status))
    _check_spells(rows, read.problems)
    for line, school, admission, leaving, nc_year, enrol_status in rows:
        if not nc_year:
            f.dropped.add(p.sourceline, "Pupil/BasicDetails/NCyearActual",
                          "no year group in BasicDetails or SchoolHistory: stored as X")  # fmt: skip
        if admission is None:
            continue
        spells[school.pk].append((admission, leaving))
        f.pupil_rows.append(
            dict(line=line, upn=upn, person=person, school_id=school.pk, nc_year=nc_year or "X",
                 admission_date=admission, leaving_date=leaving, registration=REGISTRATION.get(enrol_status or "C"))
        )  # fmt: skip
    if not rows:
        f.note(p.sourceline, "Pupil", f"UPN {upn} has no enrolment at a school in Attend in this file: "
               "the pupil is not imported (nor contacts, unless the pupil is already in Attend)")  # fmt: skip
    return spells


def _check_spells(rows: list, problems: Problems) -> None:
    """A leaving date is not before its entry date; two entries at one school do not overlap."""
    seen: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for line, school, admission, leaving, *_ in rows:
        if admission is None:
            continue
        if leaving is not None and leaving < admission:
            problems.add(line, "School/LeavingDate", f"{leaving} is before the entry date {admission}")
            continue
        for other_line, start, end in seen[school.pk]:
            if admission <= (end or dt.date.max) and start <= (leaving or dt.date.max):
                problems.add(
                    line, "School/EntryDate", f"overlaps the entry for the same school on line {other_line}"
                )
        seen[school.pk].append((line, admission, leaving))


def _check_held_spells(f: _File, problems: Problems) -> None:
    """An enrolment in the file must not overlap one Attend already holds for that pupil at that school with another
    admission date (a destination EntryDate that differs from the admission the school's own file gave)."""
    held = defaultdict(list)
    for upn, school_id, admission, leaving in Enrolment.objects.filter(
        pupil__upn__in=list(f.seen_upns)
    ).values_list("pupil__upn", "school_id", "admission_date", "leaving_date"):
        held[(upn, school_id)].append((admission, leaving))
    urns = {s.pk: s.urn for s in f.schools.values()}
    for row in f.pupil_rows:
        start, end = row["admission_date"], row["leaving_date"] or dt.date.max
        for admission, leaving in held[(row["upn"], row["school_id"])]:
            if admission != start and admission <= end and start <= (leaving or dt.date.max):
                problems.add(row["line"], "School/EntryDate", f"overlaps the enrolment Attend holds for UPN "
                             f"{row['upn']} at school {urns[row['school_id']]} from {admission}")  # fmt: skip


def _pupil(p, f: _File, codes_ok) -> None:
    read, problems = f.read, f.read.problems
    upn = read.text(p, "UPN", required=True, where="Pupil/")
    if upn and (problem := upn_problem(upn)):
        problems.add(read.line(p, "UPN"), "Pupil/UPN", problem)
        return
    if upn in f.seen_upns:
        problems.add(p.sourceline, "Pupil/UPN", f"UPN {upn} is also on line {f.seen_upns[upn]}")
        return
    f.seen_upns[upn] = p.sourceline
    person = _person(p, read, f.dropped)
    f.people[upn] = (person, _absent(p))
    spells = _enrolments(p, upn, person, f)
    pupil_address = read_address(read, p.find("Address"), "Pupil/", f.dropped)
    read_contacts(p, upn, read, pupil_address, f.dropped, f.contact_rows)
    seen_sessions: set = set()
    for y in p.iterfind("Attendance/YearData"):
        read_year(
            y, upn, f.schools, spells, read, codes_ok, f.mark_rows, seen_sessions, f.dropped, f.no_session
        )


def import_ctf(
    path: Path, *, user=None, scope: ImportScope | None = None, on_write=None, source: str = "command"
) -> ImportResult:
    problems = Problems(path.name)
    scope = scope or ImportScope.of(user)
    if not scope.whole:
        problems.refuse(1, "file", whole_service_only("ctf"))
        problems.raise_if_any()
    root = _parse(path, problems)
    f = _File(path.name, Reader(problems), {s.laestab: s for s in School.objects.all()})
    supplier = _header(root, f)
    codes_ok = valid_codes()
    for p in root.iterfind("CTFpupilData/Pupil"):
        _pupil(p, f, codes_ok)
    _check_held_spells(f, problems)
    problems.raise_if_any()

    result = ImportResult(kind="ctf", file_name=path.name, source=source, supplier=supplier)
    result.notes = sorted(
        f.notes + f.dropped.notes(path.name) + elements_not_read(root, path.name), key=_line_of
    )
    with transaction.atomic():
        run = start_run("ctf", path, sha256_of(path), user)
        _write(f, result, scope, run, user)
        finish_run(run, result)
        if on_write:
            on_write(run, result)
    return result


def _line_of(note: str) -> int:
    return int(note.split(":", 2)[1])


def _keep_what_the_file_leaves_out(f: _File) -> None:
    upns = [upn for upn, (_, absent) in f.people.items() if absent]
    for held in Pupil.objects.filter(upn__in=upns).values("upn", *pupils_import.PERSONAL):
        person, absent = f.people[held["upn"]]
        person.update({name: held[name] for name in absent})


def _write(f: _File, result: ImportResult, scope: ImportScope, run, user) -> None:
    _keep_what_the_file_leaves_out(f)
    pupils_import.write(f.pupil_rows, result, scope, run)
    pupil_ids = dict(Pupil.objects.filter(upn__in=list(f.seen_upns)).values_list("upn", "id"))
    contacts_import.write(
        [dict(row, pupil_id=pupil_ids[row["upn"]]) for row in f.contact_rows if row["upn"] in pupil_ids],
        result,
        scope,
    )
    result.rows = len(f.pupil_rows) + len(f.contact_rows)
    if not f.mark_rows:
        return
    enrolment_ids = {
        (upn, school_id, admission): pk
        for pk, upn, school_id, admission in Enrolment.objects.filter(
            pupil__upn__in=list(f.seen_upns)
        ).values_list("id", "pupil__upn", "school_id", "admission_date")
    }
    marks = batch(f.mark_rows, enrolment_ids)
    created, updated = write_marks(marks, run=run, user=user)
    result.rows += len(marks)
    result.created += created
    result.updated += updated
    result.unchanged += len(marks) - created - updated
    result.count("marks", "created", created)
    result.count("marks", "changed", updated)

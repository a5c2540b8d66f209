"""What a Common Transfer File looks like to Attend: the elements it reads, the CTF elements it knowingly does not
keep, a reader that records problems at the element's line, and the list of everything else in a file.

Element names and order follow the DfE CTF specification's pupil structure (UPN, Surname, Forename, DOB, Sex or
Gender, BasicDetails, FSMhistory, NAWdetails, LookedAfter, SENhistory, Address, Phones, Email, Contacts, Attendance,
StageAssessments, SchoolHistory), as also written by the DfE's own CTF writer (header, Sex) and by a published MIS
exporter (the Address, Contact and SchoolHistory shapes). docs/import-formats.md says which versions are read.
"""

from __future__ import annotations

import datetime as dt
import re

from .common import Problems, parse_bool, parse_date
from .pupils import FLAGS

CTF_VERSION = "25.0"
# The first CTF version whose pupils carry <Sex> instead of <Gender> ("CTF 25 only uses the Sex tag").
SEX_SINCE = 25
NEWEST_KNOWN = 25
NO_MARK = "-"
ENROL_STATUS = {"single": "C", "main": "M", "subsidiary": "S"}
REGISTRATION = {v: k for k, v in ENROL_STATUS.items()}
# Telephone types Attend keeps (CTF TelephoneType codes); others (D daytime, E evening, F fax, ...) are reported.
PHONES = {"phone_mobile": "M", "phone_home": "H", "phone_work": "W"}
# Characteristics the CTF has no simple element for: <AttendCharacteristics><Fsm6>true</Fsm6>...
FLAG_ELEMENT = {flag: "".join(x.capitalize() for x in flag.split("_")) for flag in FLAGS}
_VERSION = re.compile(r"^(\d{1,2})(\.\d+)?$")

_ADDRESS = [
    "Address",
    "Address/AddressAsPupil",
    "Address/AddressLines",
    *[f"Address/AddressLines/AddressLine{n}" for n in range(1, 6)],
    *[f"Address/AddressLine{n}" for n in range(1, 6)],  # some suppliers leave out the AddressLines wrapper
    "Address/BS7666Address",
    *[f"Address/BS7666Address/{e}" for e in ("SAON", "PAON", "Street", "Locality", "Town", "PostTown")],
    *[f"Address/{e}" for e in ("SAON", "PAON", "Street", "Locality", "Town", "PostTown")],
    "Address/County",
    "Address/PostCode",
    "Address/Country",
]
# Paths (below Header, or below CTFpupilData/Pupil) that Attend reads.
READ_HEADER = {
    "DocumentName", "CTFversion", "DateTime", "DocumentQualifier", "DataQualifier", "DataDescriptor",
    "SupplierID", "SuppID", "SourceSchool", "SourceSchool/LEA", "SourceSchool/Estab", "SourceSchool/URN",
    "SourceSchool/SchoolName", "SourceSchool/AcademicYear", "DestSchool", "DestSchool/LEA", "DestSchool/Estab",
    "DestSchool/URN", "DestSchool/SchoolName",
}  # fmt: skip
READ_PUPIL = {
    "UPN", "Surname", "Forename", "DOB", "Sex", "Gender",
    "BasicDetails", "BasicDetails/PreferredSurname", "BasicDetails/PreferredForename",
    "BasicDetails/NCyearActual", "BasicDetails/EnrolStatus", "BasicDetails/EntryDate", "BasicDetails/Ethnicity",
    "BasicDetails/Languages", "BasicDetails/Languages/Type", "BasicDetails/Languages/Type/LanguageType",
    "BasicDetails/Languages/Type/Language",
    "SENhistory", "SENhistory/SEN", "SENhistory/SEN/SENprovision",
    "BasicDetails/SENhistory", "BasicDetails/SENhistory/SEN", "BasicDetails/SENhistory/SEN/SENprovision",
    *_ADDRESS,
    "Contacts", "Contacts/Contact",
    *[f"Contacts/Contact/{e}" for e in (
        "Order", "Title", "Surname", "Forename", "Relationship", "Responsibility", "AddressAsPupil", "Phones",
        "Phones/Phone", "Phones/Phone/TelephoneType", "Phones/Phone/PhoneNo", "Email", "AttendContactRef",
        "AttendPriority", "AttendLivesWithPupil", "AttendPreferredLanguage", "AttendInterpreterNeeded",
    )],
    *[f"Contacts/Contact/{a}" for a in _ADDRESS],
    "Attendance", "Attendance/YearData",
    *[f"Attendance/YearData/{e}" for e in (
        "Year", "LEA", "Estab", "SchoolName", "SessionsPossible", "SessionsAuthorised", "SessionsAttended",
        "SessionsUnauthorised", "AttendSessions", "AttendSessions/AttendanceStartDate",
        "AttendSessions/AttendanceMarks", "AttendTwoCharacterCodes", "AttendTwoCharacterCodes/Mark",
    )],
    "SchoolHistory", "SchoolHistory/School",
    *[f"SchoolHistory/School/{e}" for e in (
        "LEA", "Estab", "SchoolName", "EntryDate", "LeavingDate", "NCyearActual", "EnrolStatus",
    )],
    "AttendCharacteristics", *[f"AttendCharacteristics/{e}" for e in FLAG_ELEMENT.values()],
}  # fmt: skip
# CTF elements Attend knows and deliberately does not keep (listed as "not kept", not as unknown).
NOT_KEPT = {
    "UniqueLearnerNumber", "UCI", "ApplicationReference", "BasicDetails/FormerUPN", "BasicDetails/FormerSurname",
    "BasicDetails/FormerForename", "BasicDetails/MiddleNames", "BasicDetails/EthnicitySource",
    "BasicDetails/MedicalFlag", "BasicDetails/Disabilities", "FSMhistory", "NAWdetails", "LookedAfter", "InCare",
    "ServiceChildren", "SENhistory/SENneeds", "SENhistory/SEN/StartDate", "SENhistory/SEN/EndDate", "Phones", "Email", "StageAssessments",
    "Address/UniquePropertyReferenceNumber", "Address/BS7666Address/UniquePropertyReferenceNumber",
    "Address/BS7666Address/AdministrativeArea", "Address/AdministrativeArea", "Address/Zip", "Address/Easting",
    "Address/Northing", "Contacts/Contact/Gender", "Contacts/Contact/Sex", "SchoolHistory/School/LeavingReason",
    "SchoolHistory/School/LeavingRemovalGrounds", "SchoolHistory/School/LastSchool", "SchoolHistory/School/URN",
}  # fmt: skip
NOT_KEPT |= {f"Contacts/Contact/{p}" for p in NOT_KEPT if p.startswith("Address/")}


def version_major(text: str) -> int | None:
    """25 for "25.0"; None if `text` is not a CTF version number."""
    match = _VERSION.match(text)
    return int(match.group(1)) if match else None


def _walk(element, path: str, read: set[str], found: dict) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        sub = f"{path}/{child.tag}" if path else child.tag
        if sub in read:
            _walk(child, sub, read, found)
        else:
            first, count = found.get(sub, (child.sourceline, 0))
            found[sub] = (first, count + 1)


def elements_not_read(root, file_name: str) -> list[str]:
    """One `file:line: element: ...` note per element path Attend does not read, at its first line, with how
    many times it occurs (an element not read is listed once; what is inside it is not listed again)."""
    header: dict[str, tuple[int, int]] = {}
    pupil: dict[str, tuple[int, int]] = {}
    other: dict[str, tuple[int, int]] = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "Header":
            _walk(child, "", READ_HEADER, header)
        elif child.tag == "CTFpupilData":
            for p in child:
                if isinstance(p.tag, str) and p.tag == "Pupil":
                    _walk(p, "", READ_PUPIL, pupil)
                elif isinstance(p.tag, str):
                    first, count = other.get(f"CTFpupilData/{p.tag}", (p.sourceline, 0))
                    other[f"CTFpupilData/{p.tag}"] = (first, count + 1)
        else:
            first, count = other.get(child.tag, (child.sourceline, 0))
            other[child.tag] = (first, count + 1)
    notes = []
    for prefix, found in (("Header/", header), ("Pupil/", pupil), ("", other)):
        for path, (line, count) in found.items():
            what = (
                "a CTF element Attend does not keep"
                if prefix == "Pupil/" and path in NOT_KEPT
                else "not an element Attend knows"
            )
            times = "" if count == 1 else f" ({count} times)"
            notes.append((line, f"{file_name}:{line}: {prefix}{path}: {what}; ignored{times}"))
    return [text for _, text in sorted(notes)]


class Reader:
    """Text of child elements, with problems recorded at the element's source line."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def text(self, parent, path: str, *, required: bool = False, where: str = "") -> str:
        element = parent.find(path)
        value = (element.text or "").strip() if element is not None else ""
        if required and not value:
            self.problems.add(parent.sourceline, f"{where}{path}", "a value is required")
        return value

    def line(self, parent, path: str) -> int:
        element = parent.find(path)
        return element.sourceline if element is not None else parent.sourceline

    def date(self, parent, path: str, *, required: bool = True, where: str = "") -> dt.date | None:
        value = self.text(parent, path, required=required, where=where)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problems.add(
                self.line(parent, path), f"{where}{path}", f"not a date in the form YYYY-MM-DD: {value!r}"
            )
        return parsed

    def flag(self, parent, path: str, where: str = "") -> bool:
        value = self.text(parent, path, where=where)
        if not value:
            return False
        parsed = parse_bool(value)
        if parsed is None:
            self.problems.add(
                self.line(parent, path), f"{where}{path}", f"must be true or false, not {value!r}"
            )
            return False
        return parsed


def check_lengths(problems: Problems, line: int, where: str, values: dict, model) -> None:
    """Every text value fits its column (a 5,000-character forename is a problem, not a database error)."""
    for name, value in values.items():
        if isinstance(value, str):
            limit = model._meta.get_field(name).max_length
            if limit and len(value) > limit:
                problems.add(line, f"{where}{name}", f"longer than {limit} characters")

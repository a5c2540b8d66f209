"""CTF files as MIS suppliers write them: CTF 25 (Sex) and CTF 24 (Gender), fixtures in tests/ctf/ built from the
DfE CTF specification's element names."""

import datetime as dt
from pathlib import Path

import pytest

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.registers.imports import import_file
from attend.registers.models import ImportRun, Mark

from .factories import make_school

pytestmark = pytest.mark.django_db
D = dt.date
FIXTURES = Path(__file__).parent / "ctf"


@pytest.fixture
def schools():
    return make_school(100001), make_school(100002, phase="secondary")


def enrolments():
    return sorted(
        Enrolment.objects.values_list("pupil__legal_forename", "school__urn", "admission_date", "leaving_date",
                                      "nc_year", "registration")
    )  # fmt: skip


def marks():
    return sorted(
        Mark.objects.values_list("enrolment__pupil__legal_forename", "enrolment__school__urn", "date", "session",
                                 "code")
    )  # fmt: skip


def contact(ref):
    c = Contact.objects.get(contact_ref=ref)
    link = PupilContact.objects.get(contact=c)
    return (c.title, c.forename, c.surname, c.phone_mobile, c.phone_home, c.phone_work, c.email, c.address_line1,
            c.address_line2, c.town, c.postcode, link.relationship, link.parental_responsibility, link.priority)  # fmt: skip


def test_a_ctf_25_file_reads_sex_year_groups_the_destination_school_and_contacts(schools):
    result = import_file("ctf", FIXTURES / "ctf25.xml")
    assert sorted(Pupil.objects.values_list("legal_forename", "sex", "preferred_forename", "first_language",
                                            "sen_status")) == [
        ("Ada", "F", "Addy", "ENG", "K"), ("Ben", "M", "", "", "N"),
    ]  # fmt: skip
    assert enrolments() == [
        # Ada left school 1 (her entry has no year: BasicDetails' 5 applies) and joined the destination, school 2,
        # which her history leaves out: the header's DestSchool and her EntryDate make that enrolment.
        ("Ada", 100001, D(2021, 9, 1), D(2025, 11, 14), "5", "single"),
        ("Ada", 100002, D(2025, 11, 17), None, "5", "single"),
        # Ben changed year group: year 6 at school 1 (the entry's own), 7 and dual main at school 2 (BasicDetails).
        ("Ben", 100001, D(2019, 9, 4), D(2025, 7, 18), "6", "single"),
        ("Ben", 100002, D(2025, 9, 3), None, "7", "main"),
    ]
    # AddressAsPupil: Pat's address is Ada's; a daytime (D) number is not kept and is reported.
    assert contact("CTF-A999000115001-1") == (
        "Ms", "Pat", "Testperson", "07700 900123", "", "", "pat@example.invalid", "1 Pretend Street", "Fakeley",
        "Testtown", "ZZ99 9ZZ", "PAM", True, 1,
    )  # fmt: skip
    # A BS7666 address: SAON, PAON and Street make the first line, Locality the second.
    assert contact("CTF-P999000115002-1") == (
        "", "Lou", "Pretendson", "", "01632 960001", "", "", "Flat 2 12 Made Up Road", "Nowhere", "Testtown",
        "ZZ99 1ZZ", "Grandparent", False, 1,
    )  # fmt: skip
    # "##" pads the weekend (no mark); C1 and Y1 come back from AttendTwoCharacterCodes.
    assert marks() == [
        *[("Ada", 100001, D(2025, 11, d), s, c) for d, s, c in [
            (10, "AM", "/"), (10, "PM", "\\"), (11, "AM", "/"), (11, "PM", "\\"), (12, "AM", "C1"), (12, "PM", "\\"),
            (13, "AM", "/"), (13, "PM", "\\"), (14, "AM", "N"), (14, "PM", "\\")]],
        *[("Ben", 100002, D(2025, 11, d), s, c) for d, s, c in [
            (17, "AM", "/"), (17, "PM", "\\"), (18, "AM", "Y1"), (18, "PM", "\\"), (19, "AM", "/"), (19, "PM", "\\")]],
    ]  # fmt: skip
    assert result.notes == [
        "ctf25.xml:33: Pupil/BasicDetails/MiddleNames: a CTF element Attend does not keep; ignored",
        "ctf25.xml:37: Pupil/BasicDetails/Languages/Type: not kept: Attend keeps the first language (LanguageType F) "
        "only",
        "ctf25.xml:43: Pupil/FSMhistory: a CTF element Attend does not keep; ignored",
        "ctf25.xml:44: Pupil/SENhistory/SEN/StartDate: a CTF element Attend does not keep; ignored",
        "ctf25.xml:45: Pupil/Address/County: not kept: Attend keeps no county",
        "ctf25.xml:65: Pupil/Contacts/Contact/Phones/Phone: not kept: telephone type 'D' (Attend keeps M mobile, "
        "H home and W work)",
        "ctf25.xml:87: Pupil/StageAssessments: a CTF element Attend does not keep; ignored",
        "ctf25.xml:95: Pupil/SchoolHistory/School/LeavingReason: a CTF element Attend does not keep; ignored",
        "ctf25.xml:98: Pupil/XyzHouseGroup: not an element Attend knows; ignored",
        "ctf25.xml:129: Pupil/Contacts/Contact/Phones/Phone: not kept: a second H number",
        "ctf25.xml:159: Pupil/SchoolHistory/School: not kept: school LEA '888' Estab '2001' is not in Attend (its "
        "enrolment and marks are not imported)",
    ]
    assert "11 row(s) imported in part: ctf25.xml:33: Pupil/BasicDetails/MiddleNames" in result.summary()
    # 4 enrolments + 2 contact links + 16 marks
    assert (result.rows, result.created, result.updated, result.unchanged) == (22, 22, 0, 0)
    assert result.supplier == "Pretend MIS 7.4"
    assert ImportRun.objects.get(pk=result.import_run_id).supplier == "Pretend MIS 7.4"
    again = import_file("ctf", FIXTURES / "ctf25.xml")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 22)


def test_a_ctf_24_file_reads_gender_and_the_older_shapes(schools):
    result = import_file("ctf", FIXTURES / "ctf24.xml")
    assert list(Pupil.objects.values_list("legal_forename", "sex")) == [("Dee", "F")]
    # The school history entry's own year (3) wins over BasicDetails' (4).
    assert enrolments() == [("Dee", 100001, D(2020, 9, 2), D(2025, 7, 18), "3", "single")]
    # AddressAsPupil inside Address (older exporters): the pupil's BS7666 address.
    assert contact("CTF-T999000115004-1") == (
        "", "Kim", "Fakeperson", "", "", "0113 496 0000", "", "3 Pretend Lane", "", "Testtown", "ZZ99 3ZZ", "PAF",
        True, 1,
    )  # fmt: skip
    assert [m[2:] for m in marks()] == [
        (D(2025, 7, 14), "AM", "/"), (D(2025, 7, 14), "PM", "\\"), (D(2025, 7, 15), "AM", "/"),
        (D(2025, 7, 15), "PM", "\\"), (D(2025, 7, 16), "AM", "J1"), (D(2025, 7, 16), "PM", "\\"),
        (D(2025, 7, 17), "AM", "I"), (D(2025, 7, 17), "PM", "\\"), (D(2025, 7, 18), "AM", "/"),
        (D(2025, 7, 18), "PM", "\\"),
    ]  # fmt: skip
    assert result.notes == [
        "ctf24.xml:35: Pupil/Contacts/Contact/Gender: a CTF element Attend does not keep; ignored",
    ]
    assert result.supplier == "Older MIS 2024"
    assert (result.rows, result.created) == (12, 12)
    assert import_file("ctf", FIXTURES / "ctf24.xml").unchanged == 12


HALF_TERM = """<?xml version="1.0" encoding="UTF-8"?>
<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil>
<UPN>A999000115001</UPN><Surname>Testperson</Surname><Forename>Ada</Forename><DOB>2015-05-01</DOB><Sex>F</Sex>
<Attendance><YearData><Year>2025</Year><LEA>999</LEA><Estab>{estab}</Estab><AttendSessions>
<AttendanceStartDate>2025-10-23</AttendanceStartDate>
<AttendanceMarks>/\\/\\##########/\\</AttendanceMarks></AttendSessions></YearData></Attendance>
<SchoolHistory><School><LEA>999</LEA><Estab>{estab}</Estab><EntryDate>2021-09-01</EntryDate>
<NCyearActual>5</NCyearActual></School></SchoolHistory>
</Pupil></CTFpupilData></CTfile>
"""


def test_hashes_over_a_holiday_are_no_marks_where_the_calendar_is_imported(schools, tmp_path):
    from .factories import write_csv

    calendar = [[100001, "term", "2025-09-03", "2025-10-24", "", "Autumn 1"],
                [100001, "term", "2025-11-03", "2025-12-19", "", "Autumn 2"]]  # fmt: skip
    import_file("calendar", write_csv(tmp_path / "calendar.csv",
                                      ["school_urn", "kind", "start_date", "end_date", "session", "name"], calendar))  # fmt: skip
    # Thu 23, Fri 24 Oct; half term Mon 27 to Fri 31 Oct and the weekends padded with "#"; Mon 3 Nov.
    for estab in ("0001", "0002"):
        path = tmp_path / f"{estab}.xml"
        path.write_text(
            HALF_TERM.format(estab=estab).replace("/\\/\\##########/\\", "/\\/\\" + "#" * 18 + "/\\")
        )
        import_file("ctf", path)
    by_school = {urn: [(d.day, s, c) for _, u, d, s, c in marks() if u == urn] for urn in (100001, 100002)}
    # School 1 has its calendar: the half term is no session, so "#" there is no mark.
    assert by_school[100001] == [(23, "AM", "/"), (23, "PM", "\\"), (24, "AM", "/"), (24, "PM", "\\"),
                                 (3, "AM", "/"), (3, "PM", "\\")]  # fmt: skip
    # School 2 has none: "#" on a weekday it meets is what the file says, the planned-closure code.
    assert [m for m in by_school[100002] if m[2] == "#"] == [(d, s, "#") for d in (27, 28, 29, 30, 31)
                                                             for s in ("AM", "PM")]  # fmt: skip

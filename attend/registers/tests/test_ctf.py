import datetime as dt

import pytest
from django.core.management import call_command
from lxml import etree

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.people.upn import make_upn
from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import Mark, MarkChange

from .factories import make_contact, make_enrolment, make_pupil, make_school, weekdays, write_csv

pytestmark = pytest.mark.django_db
D = dt.date
MARK_HEADER = ["upn", "school_urn", "date", "session", "code"]


def build_sample(tmp_path):
    a, b = make_school(100001), make_school(100002, phase="secondary")
    ada = make_pupil(forename="Ada", surname="Testperson", preferred_forename="Addy", ethnicity="WBRI",
                     first_language="ENG", fsm=True, fsm6=True, sen_status="K", young_carer=True)  # fmt: skip
    ben = make_pupil(forename="Ben", surname="Testperson", sex="M", date_of_birth=D(2017, 6, 1), eal=True,
                     child_in_need=True)  # fmt: skip
    cy = make_pupil(forename="Cy", surname="Pretendson", looked_after=True, previously_looked_after=True,
                    child_protection_plan=True)  # fmt: skip
    make_enrolment(ada, a, admission=D(2024, 9, 2), nc_year="5")
    make_enrolment(ben, a, admission=D(2024, 9, 2), nc_year="2", registration="main")
    make_enrolment(cy, a, admission=D(2024, 9, 2), leaving=D(2024, 9, 13), nc_year="6")
    make_enrolment(cy, b, admission=D(2024, 9, 16), nc_year="7", registration="single")
    mum = make_contact(ada, ref="TEST-MUM", title="Ms", forename="Pat", surname="Testperson",
                       phone_mobile="07700 900123", phone_home="01632 960001", email="pat@example.invalid",
                       address_line1="1 Pretend Street", town="Testtown", postcode="ZZ99 9ZZ",
                       preferred_language="Polish", interpreter_needed=True)  # fmt: skip
    PupilContact.objects.create(pupil=ben, contact=mum, relationship="Mother", parental_responsibility=True,
                                lives_with_pupil=True, priority=1)  # fmt: skip
    make_contact(ben, ref="TEST-GRAN", relationship="Grandparent", forename="Lou", phone_work="0113 496 0000")
    make_contact(cy, ref="TEST-CARER", relationship="Foster carer", forename="Sam")
    rows = []
    codes = ["/", "I", "C1", "J1", "Y3", "#", "L", "N", "C2", "O"]
    for i, day in enumerate(weekdays(D(2024, 9, 2), D(2024, 9, 27))):
        rows.append([ada.upn, 100001, day.isoformat(), "AM", codes[i % len(codes)]])
        rows.append([ada.upn, 100001, day.isoformat(), "PM", "\\"])
        if i % 3:
            rows.append([ben.upn, 100001, day.isoformat(), "AM", "/"])
        school, urn = (a, 100001) if day <= D(2024, 9, 13) else (b, 100002)
        rows.append([cy.upn, urn, day.isoformat(), "PM", "Y7" if i == 12 else "\\"])
    import_file("marks", write_csv(tmp_path / "marks.csv", MARK_HEADER, rows))
    return a, b


def snapshot():
    pupils = sorted(tuple(v for k, v in p.items() if k != "id") for p in Pupil.objects.values())
    contacts = sorted(tuple(v for k, v in c.items() if k != "id") for c in Contact.objects.values())
    links = sorted(
        PupilContact.objects.values_list("pupil__upn", "contact__contact_ref", "relationship",
                                         "parental_responsibility", "lives_with_pupil", "priority")
    )  # fmt: skip
    enrolments = sorted(
        Enrolment.objects.values_list("pupil__upn", "school__urn", "admission_date", "leaving_date", "nc_year",
                                      "registration")
    )  # fmt: skip
    marks = sorted(
        Mark.objects.values_list("enrolment__pupil__upn", "enrolment__school__urn", "enrolment__admission_date",
                                 "date", "session", "code")
    )  # fmt: skip
    return pupils, contacts, links, enrolments, marks


def test_export_then_import_into_a_clean_database_is_lossless(tmp_path):
    build_sample(tmp_path)
    before = snapshot()
    assert len(before[4]) == 40 + 13 + 20  # Ada 2 a day, Ben 13 mornings, Cy 1 a day
    path = tmp_path / "out.xml"
    call_command("export", "ctf", str(path), "--school", "100001")
    for model in (MarkChange, Mark, Enrolment, PupilContact, Contact, Pupil):
        model.objects.all().delete()
    result = import_file("ctf", path)
    assert snapshot() == before
    # 4 enrolments + 4 contact links + 73 marks
    assert (result.rows, result.created, result.updated, result.unchanged) == (81, 81, 0, 0)
    again = import_file("ctf", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 81)
    assert MarkChange.objects.count() == 0


def test_the_export_carries_two_character_codes_beside_the_one_character_string(tmp_path):
    build_sample(tmp_path)
    ada = Pupil.objects.get(legal_forename="Ada")
    path = tmp_path / "ada.xml"
    call_command("export", "ctf", str(path), "--school", "100001", "--upn", ada.upn)
    root = etree.parse(str(path)).getroot()
    assert root.findtext("Header/SourceSchool/LEA") == "999"
    assert root.findtext("Header/SourceSchool/Estab") == "0001"
    assert [p.findtext("UPN") for p in root.iterfind("CTFpupilData/Pupil")] == [ada.upn]
    year = root.find("CTFpupilData/Pupil/Attendance/YearData")
    assert year.findtext("AttendSessions/AttendanceStartDate") == "2024-09-02"
    # Mon 2 Sept to Fri 27 Sept = 26 calendar dates, weekends with no mark.
    assert year.findtext("AttendSessions/AttendanceMarks") == (
        "/\\I\\C\\J\\Y\\----#\\L\\N\\C\\O\\----/\\I\\C\\J\\Y\\----#\\L\\N\\C\\O\\"
    )
    assert [(m.get("date"), m.get("session"), m.get("code")) for m in year.iterfind("AttendTwoCharacterCodes/Mark")] == [
        ("2024-09-04", "AM", "C1"), ("2024-09-05", "AM", "J1"), ("2024-09-06", "AM", "Y3"),
        ("2024-09-12", "AM", "C2"), ("2024-09-18", "AM", "C1"), ("2024-09-19", "AM", "J1"),
        ("2024-09-20", "AM", "Y3"), ("2024-09-26", "AM", "C2"),
    ]  # fmt: skip
    # I, L, N, O are absences or lateness; / \ L count as attended; # and Y3 are not possible sessions.
    assert (year.findtext("SessionsPossible"), year.findtext("SessionsAttended"),
            year.findtext("SessionsAuthorised"), year.findtext("SessionsUnauthorised")) == ("36", "24", "8", "4")  # fmt: skip


CTF = """<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header><DocumentName>Common Transfer File</DocumentName>
    <SourceSchool><LEA>999</LEA><Estab>0001</Estab><SchoolName>Testshire School</SchoolName></SourceSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN><Surname>Testperson</Surname><Forename>Dee</Forename><DOB>2016-02-29</DOB><Gender>F</Gender>
      <SchoolHistory><School><LEA>999</LEA><Estab>0001</Estab><EntryDate>2024-09-02</EntryDate>
        <NCyearActual>4</NCyearActual></School></SchoolHistory>
      <Contacts><Contact><Order>1</Order><Surname>Testperson</Surname><Forename>Kim</Forename>
        <Relationship>Father</Relationship><Responsibility>true</Responsibility></Contact></Contacts>
      <Attendance><YearData><Year>2024</Year><LEA>999</LEA><Estab>0001</Estab>
        <AttendSessions><AttendanceStartDate>2024-09-05</AttendanceStartDate>
          <AttendanceMarks>{marks}</AttendanceMarks></AttendSessions>
        {extra}
      </YearData></Attendance>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


def test_a_ctf_from_another_system_pads_weekends_with_hashes(tmp_path):
    make_school(100001)
    upn = make_upn("999", "1234", 16, 5)
    # Thu 5, Fri 6, Sat 7, Sun 8, Mon 9 September; Monday is a planned closure ("#" on a school day).
    path = tmp_path / "in.xml"
    path.write_text(CTF.format(upn=upn, marks="/\\CI#### #", extra=""))
    result = import_file("ctf", path)
    assert result.created == 1 + 1 + 5
    assert sorted(Mark.objects.values_list("date", "session", "code")) == [
        (D(2024, 9, 5), "AM", "/"), (D(2024, 9, 5), "PM", "\\"), (D(2024, 9, 6), "AM", "C"),
        (D(2024, 9, 6), "PM", "I"), (D(2024, 9, 9), "PM", "#"),
    ]  # fmt: skip
    contact = Contact.objects.get()
    assert (contact.contact_ref, contact.forename) == (f"CTF-{upn}-1", "Kim")
    assert Enrolment.objects.get().nc_year == "4"


def test_ctf_problems_are_reported_by_line_and_nothing_is_written(tmp_path):
    make_school(100001)
    upn = make_upn("999", "1234", 16, 5)
    path = tmp_path / "in.xml"
    extra = (
        '<AttendTwoCharacterCodes><Mark date="2024-09-05" session="AM" code="C1"/></AttendTwoCharacterCodes>'
    )
    path.write_text(CTF.format(upn=upn, marks="/\\Q", extra=extra))
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        "in.xml:15: AttendanceMarks: must have two characters per date, found 3 characters",
    ]
    path.write_text(CTF.format(upn=upn, marks="/\\?-", extra=extra))
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        "in.xml:15: AttendanceMarks: unknown code '?'",
        "in.xml:16: AttendTwoCharacterCodes/Mark: 'C1' for 2024-09-05 AM does not match '/' in AttendanceMarks",
    ]
    path.write_text(CTF.format(upn=upn, marks="/\\", extra="").replace("2024-09-05", "2024-08-30"))
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        f"in.xml:15: AttendanceMarks: mark outside enrolment: UPN {upn} is not on roll at school 100001 on "
        "2024-08-30",
    ]
    bad = ("A" if upn[0] != "A" else "B") + upn[1:]
    path.write_text(CTF.format(upn=bad, marks="/\\", extra=""))
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        f"in.xml:8: Pupil/UPN: UPN check letter is wrong: expected {upn[0]}, found {bad[0]}",
    ]
    path.write_text("<CTfile><Header></CTfile>")
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        "in.xml:1: xml: Opening and ending tag mismatch: Header line 1 and CTfile, line 1, column 26",
    ]
    assert Pupil.objects.count() == 0 and Mark.objects.count() == 0 and Contact.objects.count() == 0


def test_the_same_session_in_two_year_blocks_is_a_duplicate(tmp_path):
    make_school(100001)
    upn = make_upn("999", "1234", 16, 5)
    second_block = (
        "</YearData><YearData><LEA>999</LEA><Estab>0001</Estab><AttendSessions>"
        "<AttendanceStartDate>2024-09-05</AttendanceStartDate><AttendanceMarks>/\\</AttendanceMarks></AttendSessions>"
    )
    path = tmp_path / "in.xml"
    path.write_text(CTF.format(upn=upn, marks="/\\", extra=second_block))
    with pytest.raises(ImportFailed) as failed:
        import_file("ctf", path)
    assert failed.value.messages == [
        "in.xml:16: AttendanceMarks: duplicate mark: 2024-09-05 AM is in another YearData too",
    ]


def test_the_export_is_ctf_25_in_the_specification_order(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-19")
    build_sample(tmp_path)
    path = tmp_path / "out.xml"
    call_command("export", "ctf", str(path), "--school", "100001")
    root = etree.parse(str(path)).getroot()
    assert [e.tag for e in root.find("Header")] == [
        "DocumentName", "CTFversion", "DateTime", "DocumentQualifier", "DataDescriptor", "SupplierID",
        "SourceSchool", "DestSchool",
    ]  # fmt: skip
    assert root.findtext("Header/CTFversion") == "25.0"
    assert root.findtext("Header/SourceSchool/AcademicYear") == "2025"
    ada = next(p for p in root.iterfind("CTFpupilData/Pupil") if p.findtext("Forename") == "Ada")
    assert [e.tag for e in ada] == [
        "UPN", "Surname", "Forename", "DOB", "Sex", "BasicDetails", "SENhistory", "Contacts", "Attendance",
        "SchoolHistory", "AttendCharacteristics",
    ]  # fmt: skip
    assert ada.find("Gender") is None and ada.findtext("Sex") == "F"
    assert [e.tag for e in ada.find("BasicDetails")] == [
        "PreferredForename", "NCyearActual", "Ethnicity", "Languages", "EnrolStatus",
    ]  # fmt: skip
    assert (ada.findtext("BasicDetails/NCyearActual"), ada.findtext("BasicDetails/EnrolStatus")) == ("5", "C")
    assert [e.tag for e in ada.find("Contacts/Contact")] == [
        "Order", "Title", "Surname", "Forename", "Relationship", "Responsibility", "Address", "Phones", "Email",
        "AttendContactRef", "AttendPriority", "AttendLivesWithPupil", "AttendPreferredLanguage",
        "AttendInterpreterNeeded",
    ]  # fmt: skip
    assert [(e.tag, e.text) for e in ada.find("Contacts/Contact/Address").iter() if e.text and e.text.strip()] == [
        ("AddressLine1", "1 Pretend Street"), ("AddressLine3", "Testtown"), ("PostCode", "ZZ99 9ZZ"),
    ]  # fmt: skip
    cy = next(p for p in root.iterfind("CTFpupilData/Pupil") if p.findtext("Forename") == "Cy")
    # Cy moved on to school 100002: the current year and registration are those at the exporting school.
    assert cy.findtext("BasicDetails/NCyearActual") == "6"
    assert [(s.findtext("Estab"), s.findtext("LeavingDate"), s.findtext("NCyearActual")) for s in
            cy.iterfind("SchoolHistory/School")] == [("0001", "2024-09-13", "6"), ("0002", None, "7")]  # fmt: skip
    # What Attend writes, Attend reads without a note: nothing in its own export is unknown to it.
    for model in (MarkChange, Mark, Enrolment, PupilContact, Contact, Pupil):
        model.objects.all().delete()
    result = import_file("ctf", path)
    assert result.notes == [] and result.supplier == "Attend"


def test_the_round_trip_keeps_what_the_ctf_25_writer_leaves_out_or_moves(tmp_path):
    """Empty elements are not written, the town goes in AddressLine3, the year in BasicDetails: none of it may
    change what comes back."""
    a = make_school(100001)
    dee = make_pupil(forename="Dee", surname="Testperson", preferred_surname="Testy", sen_status="E",
                     first_language="", ethnicity="")  # fmt: skip
    make_enrolment(dee, a, admission=D(2025, 9, 3), nc_year="N1", registration="subsidiary")
    make_enrolment(dee, a, admission=D(2024, 9, 4), leaving=D(2025, 7, 18), nc_year="R", registration="main")
    make_contact(dee, ref="TEST-LINE2", forename="Al", address_line2="Flat 9", town="", postcode="")
    make_contact(dee, ref="TEST-TOWN", forename="Bo", title="Dr", town="Testtown", phone_mobile="07700 900001",
                 phone_home="01632 960009", phone_work="0113 496 0009", email="bo@example.invalid",
                 preferred_language="Welsh", interpreter_needed=True)  # fmt: skip
    make_contact(dee, ref="TEST-NONE", forename="Cy")
    PupilContact.objects.filter(contact__contact_ref="TEST-TOWN").update(priority=3, lives_with_pupil=True)
    rows = [[dee.upn, 100001, "2025-11-19", "AM", "C2"], [dee.upn, 100001, "2025-11-19", "PM", "J1"],
            [dee.upn, 100001, "2025-07-18", "AM", "#"]]  # fmt: skip
    import_file("marks", write_csv(tmp_path / "marks.csv", MARK_HEADER, rows))
    before = snapshot()
    path = tmp_path / "out.xml"
    call_command("export", "ctf", str(path), "--school", "100001")
    pupil = etree.parse(str(path)).getroot().find("CTFpupilData/Pupil")
    assert (pupil.findtext("BasicDetails/NCyearActual"), pupil.findtext("BasicDetails/EnrolStatus")) == (
        "N1",
        "S",
    )
    assert pupil.find("BasicDetails/Languages") is None and pupil.find("BasicDetails/Ethnicity") is None
    for model in (MarkChange, Mark, Enrolment, PupilContact, Contact, Pupil):
        model.objects.all().delete()
    result = import_file("ctf", path)
    assert snapshot() == before
    assert result.notes == []

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attend.people.models import Contact, Enrolment, Pupil, PupilContact
from attend.people.upn import make_upn
from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import ImportRun
from attend.schools.models import LocalAuthority, School, Trust

from .factories import make_school, write_csv

pytestmark = pytest.mark.django_db

SCHOOL_HEADER = ["la_code", "la_name", "urn", "laestab", "name", "phase", "region_name", "trust_name",
                 "school_day_hours", "meets_on_weekdays"]  # fmt: skip
SCHOOLS = [
    ["999", "Testshire", "100001", "9992001", "Fakeley Primary", "primary", "Nowhere", "", "", ""],
    ["999", "Testshire", "100002", "9994001", "Fakeley Academy", "secondary", "Nowhere", "Pretend Trust", "6.75",
     "12345"],
]  # fmt: skip
UPN_A, UPN_B, UPN_C = (make_upn("999", "2001", 15, n) for n in (1, 2, 3))
PUPIL_HEADER = ["upn", "school_urn", "legal_forename", "legal_surname", "date_of_birth", "sex", "nc_year",
                "admission_date", "leaving_date", "fsm", "sen_status", "eal"]  # fmt: skip


def pupil_rows():
    return [
        [
            UPN_A,
            "100001",
            "Amy",
            "Testperson",
            "2015-05-01",
            "F",
            "4",
            "2019-09-04",
            "2024-07-19",
            "Y",
            "K",
            "",
        ],
        [UPN_A, "100002", "Amy", "Testperson", "2015-05-01", "F", "5", "2024-09-02", "", "Y", "K", ""],
        [UPN_B, "100001", "Bo", "Testperson", "2017-01-30", "M", "2", "2021-09-01", "", "false", "", "1"],
    ]


def test_schools_import_creates_las_trusts_and_schools_then_is_idempotent(tmp_path):
    path = write_csv(tmp_path / "schools.csv", SCHOOL_HEADER, SCHOOLS)
    result = import_file("schools", path)
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    la = LocalAuthority.objects.get()
    assert (la.code, la.name, la.region_name) == ("999", "Testshire", "Nowhere")
    academy = School.objects.get(urn=100002)
    assert (academy.trust.name, academy.school_day_hours, academy.phase) == ("Pretend Trust", Decimal("6.75"),
                                                                             "secondary")  # fmt: skip
    assert School.objects.get(urn=100001).school_day_hours == Decimal("6.50")
    again = import_file("schools", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    SCHOOLS_RENAMED = [row[:] for row in SCHOOLS]
    SCHOOLS_RENAMED[0][4] = "Fakeley Church Primary"
    renamed = import_file("schools", write_csv(tmp_path / "schools.csv", SCHOOL_HEADER, SCHOOLS_RENAMED))
    assert (renamed.created, renamed.updated, renamed.unchanged) == (0, 1, 1)
    assert School.objects.get(urn=100001).name == "Fakeley Church Primary"
    assert Trust.objects.count() == 1 and ImportRun.objects.filter(kind="schools").count() == 3


def test_schools_import_reports_bad_rows(tmp_path):
    rows = [
        *SCHOOLS,
        ["99", "Testshire", "100003", "9992003", "X", "primary", "Nowhere", "", "", ""],  # 4
        ["999", "Testshire", "100004", "8882004", "X", "infant", "Nowhere", "", "25", "12348"],  # 5
        ["999", "Testshire", "100001", "9992001", "Again", "primary", "Nowhere", "", "", ""],  # 6
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("schools", write_csv(tmp_path / "schools.csv", SCHOOL_HEADER, rows))
    assert failed.value.messages == [
        "schools.csv:4: la_code: must be 3 digits, not '99'",
        "schools.csv:5: laestab: must start with the LA code 999, not '8882004'",
        "schools.csv:5: meets_on_weekdays: must be ISO weekday digits 1-7 such as 12345, not '12348'",
        "schools.csv:5: phase: must be one of primary, secondary, special, pru_ap, not 'infant'",
        "schools.csv:5: school_day_hours: must be hours between 0 and 24, not '25'",
        "schools.csv:6: urn: URN 100001 is also on line 2",
    ]
    assert School.objects.count() == 0 and LocalAuthority.objects.count() == 0


def test_pupils_import_creates_pupils_and_enrolments(tmp_path):
    make_school(100001)
    make_school(100002)
    result = import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, pupil_rows()))
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    amy = Pupil.objects.get(upn=UPN_A)
    assert (amy.legal_forename, amy.date_of_birth, amy.fsm, amy.sen_status, amy.eal) == (
        "Amy",
        dt.date(2015, 5, 1),
        True,
        "K",
        False,
    )
    assert list(amy.enrolments.order_by("admission_date").values_list("school__urn", "nc_year", "leaving_date")) == [
        (100001, "4", dt.date(2024, 7, 19)), (100002, "5", None),
    ]  # fmt: skip
    assert Pupil.objects.get(upn=UPN_B).eal is True
    again = import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, pupil_rows()))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    rows = pupil_rows()
    rows[2][8] = "2025-03-31"  # Bo leaves
    left = import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, rows))
    assert (left.created, left.updated, left.unchanged) == (0, 1, 2)
    assert Enrolment.objects.get(pupil__upn=UPN_B).leaving_date == dt.date(2025, 3, 31)


def test_pupils_import_reports_bad_rows_and_conflicts(tmp_path):
    make_school(100001)
    make_school(100002)
    bad_letter = ("A" if UPN_C[0] != "A" else "B") + UPN_C[1:]
    rows = [
        *pupil_rows(),
        [UPN_A, "100003", "Amy", "Testperson", "2015-05-01", "F", "5", "2024-09-02", "", "Y", "K", ""],  # 5
        [
            UPN_B,
            "100002",
            "Bo",
            "Testperson",
            "2017-01-31",
            "M",
            "2",
            "2024-09-02",
            "",
            "N",
            "",
            "1",
        ],  # 6: fsm N = false: no conflict
        [
            bad_letter,
            "100001",
            "Cy",
            "Testperson",
            "2016-13-01",
            "X",
            "Y7",
            "2024-09-02",
            "",
            "maybe",
            "",
            "",
        ],
        [UPN_A, "100001", "Amy", "Testperson", "2015-05-01", "F", "4", "2024-01-01", "", "Y", "K", ""],  # 8
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, rows))
    assert failed.value.messages == [
        "pupils.csv:5: school_urn: unknown school URN '100003'",
        "pupils.csv:6: date_of_birth: conflicts with line 4 for the same UPN " + UPN_B,
        "pupils.csv:7: date_of_birth: not a date in the form YYYY-MM-DD: '2016-13-01'",
        "pupils.csv:7: fsm: must be Y or N (or true/false, 1/0), not 'maybe'",
        "pupils.csv:7: nc_year: must be one of N1, N2, R, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, X, not 'Y7'",
        "pupils.csv:7: sex: must be one of F, M, not 'X'",
        f"pupils.csv:7: upn: UPN check letter is wrong: expected {UPN_C[0]}, found {bad_letter[0]}",
        "pupils.csv:8: admission_date: enrolment overlaps the enrolment on line 2",
    ]
    assert Pupil.objects.count() == 0 and Enrolment.objects.count() == 0


CONTACT_HEADER = ["contact_ref", "upn", "relationship", "forename", "surname", "priority",
                  "parental_responsibility", "lives_with_pupil", "phone_mobile", "email", "interpreter_needed"]  # fmt: skip


def test_contacts_import_shares_a_contact_between_siblings(tmp_path):
    make_school(100001)
    make_school(100002)
    import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, pupil_rows()))
    rows = [
        [
            "TEST-1",
            UPN_A,
            "Mother",
            "Pat",
            "Testperson",
            "1",
            "Y",
            "Y",
            "07700 900001",
            "pat@example.invalid",
            "N",
        ],
        [
            "TEST-1",
            UPN_B,
            "Mother",
            "Pat",
            "Testperson",
            "1",
            "Y",
            "Y",
            "07700 900001",
            "pat@example.invalid",
            "N",
        ],
        ["TEST-2", UPN_B, "Grandparent", "Lou", "Testperson", "2", "N", "", "", "", "Y"],
    ]
    path = write_csv(tmp_path / "contacts.csv", CONTACT_HEADER, rows)
    result = import_file("contacts", path)
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert Contact.objects.count() == 2
    pat = Contact.objects.get(contact_ref="TEST-1")
    assert sorted(pat.pupil_links.values_list("pupil__upn", flat=True)) == sorted([UPN_A, UPN_B])
    lou = PupilContact.objects.get(contact__contact_ref="TEST-2")
    assert (lou.priority, lou.parental_responsibility, lou.contact.interpreter_needed) == (2, False, True)
    again = import_file("contacts", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_contacts_import_reports_bad_rows(tmp_path):
    make_school(100001)
    make_school(100002)
    import_file("pupils", write_csv(tmp_path / "pupils.csv", PUPIL_HEADER, pupil_rows()))
    unknown = make_upn("999", "2001", 15, 99)
    rows = [
        [
            "TEST-1",
            UPN_A,
            "Mother",
            "Pat",
            "Testperson",
            "1",
            "Y",
            "Y",
            "07700 900001",
            "pat@example.invalid",
            "N",
        ],
        [
            "TEST-1",
            UPN_B,
            "Mother",
            "Pat",
            "Testperson",
            "1",
            "Y",
            "Y",
            "07700 900002",
            "pat@example.invalid",
            "N",
        ],
        ["TEST-2", unknown, "Father", "Al", "Testperson", "0", "", "", "", "not-an-email", ""],
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("contacts", write_csv(tmp_path / "contacts.csv", CONTACT_HEADER, rows))
    assert failed.value.messages == [
        "contacts.csv:3: phone_mobile: conflicts with line 2 for the same contact_ref TEST-1",
        "contacts.csv:4: email: not an email address: 'not-an-email'",
        "contacts.csv:4: priority: must be a whole number of at least 1, not '0'",
        f"contacts.csv:4: upn: unknown UPN '{unknown}'",
    ]
    assert Contact.objects.count() == 0


def test_the_import_command_names_missing_columns(tmp_path, capsys):
    path = write_csv(tmp_path / "pupils.csv", ["upn", "school_urn", "surname"], [])
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import", "pupils", str(path))
    assert capsys.readouterr().err.splitlines() == [
        "pupils.csv:1: header: missing required column(s): legal_forename, legal_surname, date_of_birth, sex, "
        "nc_year, admission_date",
        "pupils.csv:1: header: unexpected column(s): surname",
    ]

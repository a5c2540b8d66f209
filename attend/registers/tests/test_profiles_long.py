"""Import profiles, long layout: an MIS report with one row per pupil per session, read through a profile into
the marks importer (same checks, same all-or-nothing, same idempotence)."""

import datetime as dt

import pytest

from attend.registers.imports import ImportFailed, import_file
from attend.registers.imports.profiles import ProfileSpec, preview
from attend.registers.models import ImportRun, Mark

from .factories import make_enrolment, make_pupil, make_school

pytestmark = pytest.mark.django_db

SPEC = ProfileSpec(
    layout="long",
    columns={"upn": "Pupil UPN", "date": "Session Date", "session": "AM/PM", "code": "Attendance Mark"},
    school_urn="100001",
)


@pytest.fixture
def school_pupils():
    school = make_school(100001)
    ada = make_enrolment(make_pupil(forename="Ada"), school, admission=dt.date(2025, 9, 1))
    ben = make_enrolment(make_pupil(forename="Ben"), school, admission=dt.date(2025, 9, 1))
    return school, ada, ben


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def report(ada, ben, *, dates=("19/11/2025", "20/11/2025"), sessions=("AM", "PM")):
    lines = ["Pupil UPN,Surname,Session Date,AM/PM,Attendance Mark"]
    for e, name in ((ada, "Ada"), (ben, "Ben")):
        for d in dates:
            for s, code in zip(sessions, ("/", "\\"), strict=True):
                lines.append(f"{e.pupil.upn},{name},{d},{s},{code}")
    return "\n".join(lines) + "\n"


def test_a_long_report_imports_through_a_profile_and_is_recorded(tmp_path, school_pupils):
    _, ada, ben = school_pupils
    path = write(tmp_path / "register.csv", report(ada, ben))
    result = import_file("marks", path, profile=SPEC)
    assert (result.rows, result.created) == (8, 8)
    assert Mark.objects.get(enrolment=ada, date=dt.date(2025, 11, 20), session="PM").code == "\\"
    assert Mark.objects.filter(enrolment=ben).count() == 4
    assert ImportRun.objects.get().rows == 8


def test_importing_the_same_report_twice_changes_nothing(tmp_path, school_pupils):
    _, ada, ben = school_pupils
    path = write(tmp_path / "register.csv", report(ada, ben))
    import_file("marks", path, profile=SPEC)
    again = import_file("marks", path, profile=SPEC)
    assert (again.rows, again.created, again.updated, again.unchanged) == (8, 0, 0, 8)


@pytest.mark.parametrize(
    ("dates", "fmt"),
    [
        (("19/11/2025", "20/11/2025"), "auto"),
        (("2025-11-19", "2025-11-20"), "auto"),
        (("45980", "45981"), "auto"),  # Excel serial days
        (("45980", "45981"), "excel"),
        (("19-Nov-2025", "20-Nov-2025"), "auto"),
        (("19/11/2025 00:00:00", "20/11/2025 00:00"), "dd/mm/yyyy"),
        (("19/11/25", "20/11/25"), "dd/mm/yy"),
    ],
)
def test_date_formats(tmp_path, school_pupils, dates, fmt):
    _, ada, ben = school_pupils
    path = write(tmp_path / "register.csv", report(ada, ben, dates=dates))
    import_file("marks", path, profile=ProfileSpec(**{**SPEC.to_json(), "date_format": fmt}))
    assert sorted({d.isoformat() for d in Mark.objects.values_list("date", flat=True)}) == [
        "2025-11-19",
        "2025-11-20",
    ]


@pytest.mark.parametrize(
    "sessions", [("AM", "PM"), ("am", "pm"), ("a", "p"), ("Morning", "Afternoon"), (" A ", "P")]
)
def test_session_spellings(tmp_path, school_pupils, sessions):
    _, ada, ben = school_pupils
    import_file("marks", write(tmp_path / "r.csv", report(ada, ben, sessions=sessions)), profile=SPEC)
    assert Mark.objects.get(enrolment=ada, date=dt.date(2025, 11, 19), session="AM").code == "/"
    assert Mark.objects.get(enrolment=ada, date=dt.date(2025, 11, 19), session="PM").code == "\\"


def test_a_date_in_the_wrong_format_is_a_problem_naming_the_format_and_nothing_is_written(
    tmp_path, school_pupils
):
    _, ada, ben = school_pupils
    text = report(ada, ben, dates=("2025-11-19", "2025-11-20"))
    spec = ProfileSpec(**{**SPEC.to_json(), "date_format": "dd/mm/yyyy"})
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "r.csv", text), profile=spec)
    assert failed.value.total == 8
    assert failed.value.messages[0] == (
        "r.csv:2: date: not a date in the form day/month/year, such as 08/09/2025 (also 8/9/2025, 08-09-2025, "
        "08.09.2025): '2025-11-19'"
    )
    assert Mark.objects.count() == 0 and ImportRun.objects.count() == 0


def test_an_impossible_date_and_an_unknown_session_and_code_are_problems(tmp_path, school_pupils):
    _, ada, _ = school_pupils
    upn = ada.pupil.upn
    text = (
        "Pupil UPN,Session Date,AM/PM,Attendance Mark\n"
        f"{upn},31/11/2025,AM,/\n"
        f"{upn},19/11/2025,Evening,/\n"
        f"{upn},19/11/2025,AM,A\n"
        f"{upn},19/11/2025,PM,/\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "r.csv", text), profile=SPEC)
    assert failed.value.messages == [
        "r.csv:2: date: not a date in the form the profile reads: '31/11/2025'",
        "r.csv:3: session: must be AM or PM (or a/p, Morning/Afternoon), not 'Evening'",
        "r.csv:4: code: unknown code 'A'",
    ]
    assert Mark.objects.count() == 0


def test_title_lines_above_the_header_and_repeated_headers_are_skipped(tmp_path, school_pupils):
    _, ada, ben = school_pupils
    header = "Pupil UPN,Surname,Session Date,AM/PM,Attendance Mark"
    text = (
        "Attendance Register Report\n"
        "Run on 21/11/2025 by Testshire School\n"
        "\n"
        f"{header}\n"
        f"{ada.pupil.upn},Ada,19/11/2025,AM,/\n"
        f"{header}\n"  # page 2
        f"{ben.pupil.upn},Ben,19/11/2025,AM,L\n"
    )
    path = write(tmp_path / "r.csv", text)
    shown = preview(path, SPEC)
    assert shown.problems == [] and shown.total_rows == 2 and shown.skipped_header_lines == [6]
    assert [r["line"] for r in shown.rows] == [5, 7]
    result = import_file("marks", path, profile=SPEC)
    assert result.rows == 2
    assert Mark.objects.get(enrolment=ben).code == "L"


def test_a_blank_upn_below_a_filled_one_is_a_merged_cell_problem_unless_the_profile_fills_down(
    tmp_path, school_pupils
):
    _, ada, _ = school_pupils
    text = (
        "Pupil UPN,Session Date,AM/PM,Attendance Mark\n"
        f"{ada.pupil.upn},19/11/2025,AM,/\n"
        ",19/11/2025,PM,\\\n"
        ",20/11/2025,AM,/\n"
    )
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=SPEC)
    assert failed.value.total == 2
    assert failed.value.messages[0] == (
        "r.csv:3: upn: blank, below a row with a UPN: merged cells exported as blanks? Fill them in, or set the "
        "profile's fill_down for this column to copy the value above"
    )
    assert Mark.objects.count() == 0
    filling = ProfileSpec(**{**SPEC.to_json(), "fill_down": ["upn"]})
    assert import_file("marks", path, profile=filling).rows == 3
    assert Mark.objects.filter(enrolment=ada).count() == 3


def test_a_blank_upn_on_the_first_row_is_a_missing_upn(tmp_path, school_pupils):
    text = "Pupil UPN,Session Date,AM/PM,Attendance Mark\n,19/11/2025,AM,/\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "r.csv", text), profile=SPEC)
    assert failed.value.messages == ["r.csv:2: upn: a UPN is required"]


def test_an_unmapped_required_field_and_a_column_the_file_lacks_are_problems(tmp_path, school_pupils):
    _, ada, ben = school_pupils
    path = write(tmp_path / "r.csv", report(ada, ben))
    unmapped = ProfileSpec(layout="long", columns={"upn": "Pupil UPN", "date": "Session Date"})
    assert unmapped.unmapped() == [
        "UPN" if False else "School URN (map the column with the URN, or choose the school)",
        "Session (AM or PM)",
        "Attendance code",
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=unmapped)
    assert failed.value.messages == [
        "r.csv:1: code: Attendance code is not mapped to a column of the file",
        "r.csv:1: school_urn: School URN (map the column with the URN, or choose the school) is not mapped to a "
        "column of the file",
        "r.csv:1: session: Session (AM or PM) is not mapped to a column of the file",
    ]
    wrong = ProfileSpec(**{**SPEC.to_json(), "columns": {**SPEC.columns, "code": "Mark"}})
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=wrong)
    assert failed.value.messages == [
        "r.csv:1: code: the profile reads Attendance code from a column headed 'Mark', which the header row "
        "does not have"
    ]


def test_a_urn_column_is_read_and_scope_is_the_marks_importers(tmp_path, school_pupils, django_user_model):
    school, ada, _ = school_pupils
    other = make_school(100002)
    carl = make_enrolment(make_pupil(forename="Carl"), other, admission=dt.date(2025, 9, 1))
    officer = django_user_model.objects.create(username="officer")
    officer.memberships.create(role="school_officer", school=school)
    text = (
        "URN,UPN,Date,Session,Mark\n"
        f"100001,{ada.pupil.upn},19/11/2025,AM,/\n"
        f"100002,{carl.pupil.upn},19/11/2025,AM,/\n"
    )
    spec = ProfileSpec(
        layout="long",
        columns={"school_urn": "URN", "upn": "UPN", "date": "Date", "session": "Session", "code": "Mark"},
    )
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, user=officer, profile=spec)
    assert failed.value.messages == ["r.csv:3: school_urn: school 100002 is not one of your schools"]
    assert failed.value.out_of_scope == 1
    assert Mark.objects.count() == 0
    shown = preview(path, spec, user=officer)
    assert shown.problems == ["r.csv:3: school_urn: school 100002 is not one of your schools"]
    assert shown.total_problems == 1 and len(shown.rows) == 2
    # Nothing was written by the preview; the LA-wide importer (no user) imports both.
    assert Mark.objects.count() == 0
    assert import_file("marks", path, profile=spec).rows == 2


def test_preview_shows_rows_as_attend_reads_them(tmp_path, school_pupils):
    _, ada, ben = school_pupils
    path = write(tmp_path / "r.csv", report(ada, ben, dates=("45980", "45981"), sessions=("a", "p")))
    shown = preview(path, SPEC, limit=3)
    assert shown.rows == [
        {
            "line": 2,
            "upn": ada.pupil.upn,
            "school_urn": "100001",
            "date": "2025-11-19",
            "session": "AM",
            "code": "/",
        },
        {
            "line": 3,
            "upn": ada.pupil.upn,
            "school_urn": "100001",
            "date": "2025-11-19",
            "session": "PM",
            "code": "\\",
        },
        {
            "line": 4,
            "upn": ada.pupil.upn,
            "school_urn": "100001",
            "date": "2025-11-20",
            "session": "AM",
            "code": "/",
        },
    ]
    assert (shown.total_rows, shown.total_problems, shown.problems) == (8, 0, [])
    assert Mark.objects.count() == 0

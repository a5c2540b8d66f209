"""Import profiles, wide layout: one row per pupil, one column per session (register reports)."""

import datetime as dt

import pytest

from attend.people.upn import make_upn
from attend.registers.imports import ImportFailed, import_file
from attend.registers.imports.profiles import ProfileSpec, preview
from attend.registers.models import Mark

from .factories import make_enrolment, make_pupil, make_school, weekdays

pytestmark = pytest.mark.django_db

WIDE = ProfileSpec(layout="wide", columns={"upn": "UPN"}, school_urn="100001")


@pytest.fixture
def pupils():
    school = make_school(100001)
    ada = make_enrolment(make_pupil(forename="Ada"), school, admission=dt.date(2025, 9, 1))
    ben = make_enrolment(make_pupil(forename="Ben"), school, admission=dt.date(2025, 9, 1))
    return ada, ben


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def marks_of(enrolment):
    return {
        (d.isoformat(), s): c
        for d, s, c in Mark.objects.filter(enrolment=enrolment).values_list("date", "session", "code")
    }


def test_one_row_headers_import_and_blank_cells_are_no_mark(tmp_path, pupils):
    ada, ben = pupils
    text = (
        "Name,UPN,Wed 19/11/2025 AM,Wed 19/11/2025 PM,Thu 20/11/2025 AM,Thu 20/11/2025 PM,Attendance %\n"
        f"Ada,{ada.pupil.upn},/,\\,L,,96.5\n"
        f"Ben,{ben.pupil.upn},N,N,,,80.0\n"
    )
    result = import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert (result.rows, result.created) == (5, 5)
    assert marks_of(ada) == {("2025-11-19", "AM"): "/", ("2025-11-19", "PM"): "\\", ("2025-11-20", "AM"): "L"}
    assert marks_of(ben) == {("2025-11-19", "AM"): "N", ("2025-11-19", "PM"): "N"}
    again = import_file("marks", tmp_path / "w.csv", profile=WIDE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_two_row_headers_with_a_date_printed_once_over_its_sessions(tmp_path, pupils):
    ada, ben = pupils
    text = (
        "Register report: Year 5\n"
        ",,Wed 19/11/2025,,Thu 20/11/2025,\n"
        "UPN,Name,AM,PM,AM,PM\n"
        f"{ada.pupil.upn},Ada,/,\\,/,\\\n"
        f"{ben.pupil.upn},Ben,I,I,M,\n"
    )
    path = write(tmp_path / "w.csv", text)
    shown = preview(path, WIDE, limit=4)
    assert shown.problems == []
    assert [(r["line"], r["date"], r["session"], r["code"]) for r in shown.rows] == [
        (4, "2025-11-19", "AM", "/"),
        (4, "2025-11-19", "PM", "\\"),
        (4, "2025-11-20", "AM", "/"),
        (4, "2025-11-20", "PM", "\\"),
    ]
    assert shown.total_rows == 7
    assert import_file("marks", path, profile=WIDE).rows == 7
    assert marks_of(ben) == {("2025-11-19", "AM"): "I", ("2025-11-19", "PM"): "I", ("2025-11-20", "AM"): "M"}


@pytest.mark.parametrize(
    "headers",
    [
        "19/11/2025 AM,19/11/2025 PM",
        "2025-11-19 AM,2025-11-19 PM",
        "Wednesday 19 Nov 2025 Morning,Wednesday 19 Nov 2025 Afternoon",
        "19-Nov-2025 a,19-Nov-2025 p",
    ],
)
def test_header_spellings(tmp_path, pupils, headers):
    ada, _ = pupils
    text = f"UPN,{headers}\n{ada.pupil.upn},/,\\\n"
    import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert marks_of(ada) == {("2025-11-19", "AM"): "/", ("2025-11-19", "PM"): "\\"}


def test_an_unknown_code_is_a_problem_naming_its_column_and_nothing_is_written(tmp_path, pupils):
    ada, ben = pupils
    text = f"UPN,Wed 19/11/2025 AM,Wed 19/11/2025 PM\n{ada.pupil.upn},/,A\n{ben.pupil.upn},?,/\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.messages == [
        "w.csv:2: code (Wed 19/11/2025 PM): unknown code 'A'",
        "w.csv:3: code (Wed 19/11/2025 AM): unknown code '?'",
    ]
    assert Mark.objects.count() == 0


def test_a_weekday_that_does_not_match_its_date_is_a_header_problem(tmp_path, pupils):
    ada, _ = pupils
    # 11/19/2025 month first is no dd/mm date; 12/11/2025 is a Wednesday, not a Monday.
    text = f"UPN,Mon 12/11/2025 AM,Wed 19/11/2025 AM\n{ada.pupil.upn},/,/\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.messages == [
        "w.csv:1: header: 'Mon 12/11/2025 AM': 12/11/2025 is a Wednesday, not a Monday (is the date month "
        "first? Attend reads dd/mm/yyyy)"
    ]


def test_a_session_printed_twice_is_a_header_problem(tmp_path, pupils):
    ada, _ = pupils
    text = f"UPN,19/11/2025 AM,Wed 19/11/2025 AM\n{ada.pupil.upn},/,/\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.messages == [
        "w.csv:1: header: 'Wed 19/11/2025 AM' repeats the session of '19/11/2025 AM'"
    ]


def test_no_session_columns_is_a_problem(tmp_path, pupils):
    ada, _ = pupils
    text = f"UPN,Name\n{ada.pupil.upn},Ada\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.messages == [
        "w.csv:1: header: no session columns: expected headers such as 'Mon 08/09/2025 AM', or a row of dates "
        "above a row of AM/PM"
    ]


def test_repeated_page_headers_are_skipped_and_a_blank_upn_under_a_pupil_is_a_problem(tmp_path, pupils):
    ada, ben = pupils
    text = (
        ",Wed 19/11/2025,\n"
        "UPN,AM,PM\n"
        f"{ada.pupil.upn},/,\\\n"
        ",Wed 19/11/2025,\n"  # page 2 repeats both header rows
        "UPN,AM,PM\n"
        f"{ben.pupil.upn},L,\\\n"
        ",N,N\n"  # a merged UPN cell exported blank
        ",,\n"
    )
    path = write(tmp_path / "w.csv", text)
    shown = preview(path, WIDE)
    assert shown.skipped_header_lines == [4, 5]
    assert shown.problems == [
        "w.csv:7: upn: blank, below a row with a UPN: merged cells exported as blanks? Fill them in, or set the "
        "profile's fill_down for this column to copy the value above"
    ]
    with pytest.raises(ImportFailed):
        import_file("marks", path, profile=WIDE)
    assert Mark.objects.count() == 0
    text = text.replace(",N,N\n", "")
    assert import_file("marks", write(path, text), profile=WIDE).rows == 4


def test_a_bad_or_unknown_upn_is_one_problem_per_row_not_per_mark(tmp_path, pupils):
    ada, _ = pupils
    unknown = make_upn("999", "2001", 25, 77)
    # 400 sessions: an unknown pupil's row is still one problem.
    headers = [
        f"{d:%d/%m/%Y} {s}" for d in weekdays(dt.date(2025, 9, 1), dt.date(2026, 7, 31))[:200] for s in "AP"
    ]
    cells = ",".join("/" for _ in headers)
    text = (
        f"UPN,{','.join(h + 'M' for h in headers)}\n{ada.pupil.upn},{cells}\n"
        f"A999200115001,{cells}\n{unknown},{cells}\n{unknown},{','.join('' for _ in headers)}\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.total == 2
    assert failed.value.messages[1] == f"w.csv:4: upn: unknown UPN {unknown!r}"
    assert (
        failed.value.messages[0].startswith("w.csv:3: upn: ") and "check letter" in failed.value.messages[0]
    )


def test_a_mark_outside_enrolment_is_the_marks_importers_problem(tmp_path, pupils):
    ada, _ = pupils
    text = f"UPN,29/08/2025 AM\n{ada.pupil.upn},/\n"
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write(tmp_path / "w.csv", text), profile=WIDE)
    assert failed.value.messages == [
        f"w.csv:2: date: mark outside enrolment: UPN {ada.pupil.upn} is not on roll at school 100001 on 2025-08-29"
    ]

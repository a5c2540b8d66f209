"""Import profiles at their edges: file encodings and shapes, explicit header lines, dates at the boundary of
what is read, fill-down of a date column, forced two-row headers, previews of unusable profiles."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from attend.registers.imports import ImportFailed, import_file
from attend.registers.imports.profile_dates import parse_any_date, parse_header, parse_session
from attend.registers.imports.profiles import ProfileError, ProfileSpec, preview, sniff
from attend.registers.models import Mark

from .factories import make_enrolment, make_pupil, make_school

LONG = ProfileSpec(
    layout="long",
    columns={"upn": "UPN", "date": "Date", "session": "Session", "code": "Mark"},
    school_urn="100001",
)
WIDE = ProfileSpec(layout="wide", columns={"upn": "UPN"}, school_urn="100001")


@pytest.fixture
def ada(db):
    return make_enrolment(make_pupil(forename="Ada"), make_school(100001), admission=dt.date(2025, 9, 1))


def refused(path, spec) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=spec)
    assert Mark.objects.count() == 0
    return failed.value.messages


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("08/09/2025", "auto", dt.date(2025, 9, 8)),  # day first, never 9 August
        ("8/9/2025", "dd/mm/yyyy", dt.date(2025, 9, 8)),
        ("08.09.2025", "auto", dt.date(2025, 9, 8)),
        ("2025-09-08T00:00:00", "auto", dt.date(2025, 9, 8)),
        ("08/09/2025 09:00", "auto", None),  # a time of day is not a register date
        ("45908", "excel", dt.date(2025, 9, 8)),
        ("45908.0", "auto", dt.date(2025, 9, 8)),
        ("12345", "excel", None),  # 1933: outside the serial days Attend reads
        ("08/09/2025", "yyyy-mm-dd", None),
        ("2025-09-08", "dd/mm/yyyy", None),
        ("8 September 2025", "dd-mmm-yyyy", dt.date(2025, 9, 8)),
        ("8 Septober 2025", "auto", None),
        ("29/02/2025", "auto", None),
        ("", "auto", None),
    ],
)
def test_dates_read_and_refused(value, fmt, expected):
    assert parse_any_date(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("AM", "AM"), ("pm", "PM"), (" a ", "AM"), ("P", "PM"), ("MORNING", "AM"), ("afternoon", "PM"),
     ("", None), ("Evening", None), ("AMPM", None)],
)  # fmt: skip
def test_session_spellings_read_and_refused(value, expected):
    assert parse_session(value) == expected


def test_header_cells_that_are_not_sessions():
    assert parse_header("UPN") is None
    assert parse_header("Attendance %") is None
    assert parse_header("Year 7 AM") is None
    assert parse_header("Fri 21/11/2025").session is None
    assert parse_header("Fri 21/11/2025 PM").date == dt.date(2025, 11, 21)


def test_a_windows_1252_file_is_read_and_a_file_in_neither_encoding_is_refused(tmp_path, ada):
    upn = ada.pupil.upn
    path = tmp_path / "r.csv"
    path.write_bytes(
        f"Register – Année 5\nUPN,Name,Date,Session,Mark\n{upn},Zoë,19/11/2025,AM,/\n".encode("cp1252")
    )
    assert sniff(path).header == ["UPN", "Name", "Date", "Session", "Mark"]
    assert sniff(path).rows == [[upn, "Zoë", "19/11/2025", "AM", "/"]]
    shown = preview(path, LONG)
    assert (shown.problems, shown.rows[0]["line"]) == ([], 3)
    assert import_file("marks", path, profile=LONG).rows == 1
    path.write_bytes(b"UPN,Date,Session,Mark\n\x81\x8d,19/11/2025,AM,/\n")  # undefined in Windows-1252
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=LONG)
    assert failed.value.messages == [
        "r.csv:1: file: the file is neither UTF-8 nor Windows-1252 text (save it from the MIS or Excel as CSV)"
    ]


def test_a_gzip_compressed_report_is_read(tmp_path, ada):
    path = tmp_path / "r.csv.gz"
    path.write_bytes(gzip.compress(f"UPN,Date,Session,Mark\n{ada.pupil.upn},19/11/2025,AM,/\n".encode()))
    assert import_file("marks", path, profile=LONG).rows == 1


def test_blank_lines_and_a_long_row_keep_their_physical_line_numbers(tmp_path, ada):
    upn = ada.pupil.upn
    text = f"UPN,Date,Session,Mark\n{upn},19/11/2025,AM,/\n\n\n{upn},19/11/2025,PM,A\n{upn},20/11/2025,AM,/,extra\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    assert refused(path, LONG) == [
        "r.csv:5: code: unknown code 'A'",
        "r.csv:6: row: expected 4 fields (as the header), found 5",
    ]


def test_an_explicit_header_line(tmp_path, ada):
    # Line 1 would pass for a header (it names "Date" and "Mark"); the profile says the header is line 2.
    text = f"Date,Mark,Run by\nUPN,Date,Session,Mark\n{ada.pupil.upn},19/11/2025,AM,/\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    explicit = ProfileSpec(**{**LONG.to_json(), "header_line": 2})
    assert import_file("marks", path, profile=explicit).rows == 1
    beyond = ProfileSpec(**{**LONG.to_json(), "header_line": 9})
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=beyond)
    assert failed.value.messages == ["r.csv:9: header: line 9 is not in the file"]


def test_a_date_printed_once_per_group_fills_down_only_when_asked(tmp_path, ada):
    upn = ada.pupil.upn
    text = f"UPN,Date,Session,Mark\n{upn},19/11/2025,AM,/\n{upn},,PM,\\\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    assert refused(path, LONG)[0].startswith("r.csv:3: date: blank, below a row with a date: merged cells")
    filling = ProfileSpec(**{**LONG.to_json(), "fill_down": ["date"]})
    assert import_file("marks", path, profile=filling).rows == 2
    assert Mark.objects.get(session="PM").date == dt.date(2025, 11, 19)


def test_a_wide_report_fills_down_its_upn_when_asked(tmp_path, ada):
    # A report that prints a pupil's week on two lines and the UPN once (a merged cell).
    text = f"UPN,Wed 19/11/2025 AM,Wed 19/11/2025 PM\n{ada.pupil.upn},/,\n,,\\\n"
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    assert refused(path, WIDE)[0].startswith("w.csv:3: upn: blank, below a row with a UPN")
    filling = ProfileSpec(**{**WIDE.to_json(), "fill_down": ["upn"]})
    assert import_file("marks", path, profile=filling).rows == 2


def test_forced_two_row_headers_need_an_am_pm_row(tmp_path, ada):
    text = f"UPN,Wed 19/11/2025 AM\n{ada.pupil.upn},/\n"
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    forced = ProfileSpec(**{**WIDE.to_json(), "wide_header": "two_rows"})
    # The row under the header holds no AM/PM, so the header is one row after all.
    assert import_file("marks", path, profile=forced).rows == 1


def test_a_one_row_profile_does_not_read_a_title_as_a_header(tmp_path, ada):
    text = f"Register for Testshire School\nUPN,Wed 19/11/2025 AM,Wed 19/11/2025 PM\n{ada.pupil.upn},/,\\\n"
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    assert import_file("marks", path, profile=WIDE).rows == 2


def test_preview_of_an_unusable_profile_or_an_empty_file(tmp_path, ada):
    path = tmp_path / "r.csv"
    path.write_text("", encoding="utf-8")
    shown = preview(path, LONG)
    assert (shown.rows, shown.problems, shown.total_problems) == (
        [],
        ["r.csv:1: header: no header row was found"],
        1,
    )
    bad = ProfileSpec(**{**LONG.to_json(), "date_format": "mm/dd/yyyy"})
    shown = preview(path, bad)
    assert shown.problems[0].startswith("r.csv:1: profile: date format must be one of auto, dd/mm/yyyy")
    found = sniff(path)
    assert (found.header_line, found.notes) == (0, ["No header row was found: is this a CSV file?"])


def test_a_header_only_report_imports_nothing(tmp_path, ada):
    path = tmp_path / "r.csv"
    path.write_text("UPN,Date,Session,Mark\n", encoding="utf-8")
    result = import_file("marks", path, profile=LONG)
    assert (result.rows, result.created) == (0, 0)


def test_a_value_the_profile_says_means_no_mark(tmp_path, ada):
    upn = ada.pupil.upn
    wide = tmp_path / "w.csv"
    wide.write_text(f"UPN,19/11/2025 AM,19/11/2025 PM,20/11/2025 AM\n{upn},/,-,-\n", encoding="utf-8")
    assert refused(wide, WIDE) == [
        "w.csv:2: code (19/11/2025 PM): unknown code '-'",
        "w.csv:2: code (20/11/2025 AM): unknown code '-'",
    ]
    assert import_file("marks", wide, profile=ProfileSpec(**{**WIDE.to_json(), "no_mark": ["-"]})).rows == 1
    long = tmp_path / "r.csv"
    long.write_text(
        f"UPN,Date,Session,Mark\n{upn},20/11/2025,PM,-\n{upn},20/11/2025,AM,/\n", encoding="utf-8"
    )
    result = import_file("marks", long, profile=ProfileSpec(**{**LONG.to_json(), "no_mark": [" - "]}))
    assert (result.rows, result.created) == (1, 1)
    with pytest.raises(ProfileError, match="N is a register code, so it cannot also mean no mark"):
        ProfileSpec.from_json({**LONG.to_json(), "no_mark": ["N"]})


def test_an_unusable_spec_given_in_code_is_a_problem_not_a_crash(tmp_path, ada):
    path = tmp_path / "r.csv"
    path.write_text("UPN,Date,Session,Mark\n", encoding="utf-8")
    from attend.registers.imports.profiles import NamedProfile

    bad = NamedProfile("Typo", ProfileSpec(**{**LONG.to_json(), "layout": "tall"}), owner="x", shipped=False)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path, profile=bad)
    assert failed.value.messages == ["r.csv:1: profile: layout must be long or wide, not 'tall'"]

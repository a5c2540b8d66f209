import datetime as dt

import pytest

from attend.registers.imports import ImportFailed, import_file
from attend.schools.models import AcademicYear, NonSchoolDay, Term

from .factories import make_school, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["school_urn", "kind", "start_date", "end_date", "session", "name"]
GOOD = [
    [100001, "term", "2024-09-04", "2024-10-25", "", "Autumn 1"],
    [100001, "term", "2025-01-06", "2025-02-14", "", "Spring 1"],
    [100001, "non_school_day", "2024-09-27", "", "", "INSET"],
    [100001, "planned_closure", "2024-10-03", "", "AM", "Polling station"],
    [100001, "non_school_day", "2024-10-21", "2024-10-22", "", "Training days"],
]


def test_it_imports_terms_and_days_with_their_academic_year(tmp_path):
    school = make_school(100001)
    result = import_file("calendar", write_csv(tmp_path / "calendar.csv", HEADER, GOOD))
    assert (result.rows, result.created, result.updated, result.unchanged) == (5, 5, 0, 0)
    assert list(Term.objects.values_list("name", "start_date", "end_date", "academic_year__start_year")) == [
        ("Autumn 1", dt.date(2024, 9, 4), dt.date(2024, 10, 25), 2024),
        ("Spring 1", dt.date(2025, 1, 6), dt.date(2025, 2, 14), 2024),
    ]
    assert AcademicYear.objects.count() == 1
    assert list(
        NonSchoolDay.objects.filter(school=school).values_list("date", "session", "kind", "reason")
    ) == [
        (dt.date(2024, 9, 27), "", "non_school_day", "INSET"),
        (dt.date(2024, 10, 3), "AM", "planned_closure", "Polling station"),
        (dt.date(2024, 10, 21), "", "non_school_day", "Training days"),
        (dt.date(2024, 10, 22), "", "non_school_day", "Training days"),
    ]


def test_reimport_is_idempotent_and_changes_update(tmp_path):
    make_school(100001)
    import_file("calendar", write_csv(tmp_path / "calendar.csv", HEADER, GOOD))
    again = import_file("calendar", write_csv(tmp_path / "calendar.csv", HEADER, GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = [row[:] for row in GOOD]
    changed[0][3] = "2024-10-24"
    changed[2][5] = "INSET (moved)"
    result = import_file("calendar", write_csv(tmp_path / "calendar.csv", HEADER, changed))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    assert Term.objects.get(name="Autumn 1").end_date == dt.date(2024, 10, 24)
    assert NonSchoolDay.objects.get(date=dt.date(2024, 9, 27)).reason == "INSET (moved)"
    assert NonSchoolDay.objects.count() == 4


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path):
    make_school(100001)
    rows = [
        *GOOD,
        [100009, "term", "2024-09-04", "2024-10-25", "", "Autumn 1"],  # 7
        [100001, "holiday", "2024-12-23", "", "", "Christmas"],  # 8
        [100001, "term", "2025-04-22", "2025-08-02", "", "Summer"],  # 9
        [100001, "non_school_day", "2024-11-31", "", "", "Typo"],  # 10
        [100001, "term", "2024-10-01", "2024-10-30", "", "Overlap"],  # 11
        [100001, "planned_closure", "2024-11-04", "2024-11-05", "PM", "Two half days"],  # 12
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("calendar", write_csv(tmp_path / "calendar.csv", HEADER, rows))
    assert failed.value.messages == [
        "calendar.csv:7: school_urn: unknown school URN '100009'",
        "calendar.csv:8: kind: must be one of term, non_school_day, planned_closure, not 'holiday'",
        "calendar.csv:9: end_date: a term cannot cross 31 July (the end of the academic year)",
        "calendar.csv:10: start_date: not a date in the form YYYY-MM-DD: '2024-11-31'",
        "calendar.csv:11: start_date: term overlaps the term on line 2",
        "calendar.csv:12: session: a half-day row must be for a single date",
    ]
    assert Term.objects.count() == 0 and NonSchoolDay.objects.count() == 0

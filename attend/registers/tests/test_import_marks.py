import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import ImportRun, Mark, MarkChange

from .factories import make_enrolment, make_pupil, make_school, weekdays, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["upn", "school_urn", "date", "session", "code"]


@pytest.fixture
def two_pupils():
    school = make_school(100001)
    ada = make_enrolment(make_pupil(forename="Ada"), school)
    ben = make_enrolment(make_pupil(forename="Ben"), school, admission=dt.date(2024, 9, 9))
    return school, ada, ben


def school_officer(django_user_model, school):
    """The school's attendance officer: imports are checked against the importer's schools."""
    officer = django_user_model.objects.create(username="officer")
    officer.memberships.create(role="school_officer", school=school)
    return officer


def week_of_marks(enrolments, start=dt.date(2024, 9, 9), end=dt.date(2024, 9, 13)):
    rows = []
    for day in weekdays(start, end):
        for e in enrolments:
            rows.append([e.pupil.upn, e.school.urn, day.isoformat(), "AM", "/"])
            rows.append([e.pupil.upn, e.school.urn, day.isoformat(), "PM", "\\"])
    return rows


def test_it_imports_marks_and_records_the_run(tmp_path, two_pupils, django_user_model):
    school, ada, ben = two_pupils
    officer = school_officer(django_user_model, school)
    path = write_csv(tmp_path / "marks.csv", HEADER, week_of_marks([ada, ben]))
    result = import_file("marks", path, user=officer)
    assert (result.rows, result.created, result.updated, result.unchanged) == (20, 20, 0, 0)
    assert Mark.objects.filter(enrolment=ada).count() == 10
    assert Mark.objects.get(enrolment=ben, date=dt.date(2024, 9, 11), session="PM").code == "\\"
    run = ImportRun.objects.get()
    assert (run.kind, run.file_name, run.rows, run.created, run.imported_by) == (
        "marks",
        "marks.csv",
        20,
        20,
        officer,
    )
    assert len(run.sha256) == 64 and run.finished_at is not None


def test_reimporting_the_same_file_changes_nothing(tmp_path, two_pupils):
    _, ada, ben = two_pupils
    path = write_csv(tmp_path / "marks.csv", HEADER, week_of_marks([ada, ben]))
    import_file("marks", path)
    before = list(Mark.objects.order_by("id").values_list("id", "enrolment_id", "date", "session", "code"))
    result = import_file("marks", path)
    assert (result.rows, result.created, result.updated, result.unchanged) == (20, 0, 0, 20)
    assert (
        list(Mark.objects.order_by("id").values_list("id", "enrolment_id", "date", "session", "code"))
        == before
    )
    assert MarkChange.objects.count() == 0
    assert ImportRun.objects.count() == 2


def test_a_correction_replaces_the_mark_and_keeps_history(tmp_path, two_pupils, django_user_model):
    school, ada, ben = two_pupils
    import_file("marks", write_csv(tmp_path / "week.csv", HEADER, week_of_marks([ada, ben])))
    officer = school_officer(django_user_model, school)
    corrected = write_csv(
        tmp_path / "fix.csv",
        HEADER,
        [
            [ada.pupil.upn, 100001, "2024-09-10", "AM", "I"],  # changed
            [ada.pupil.upn, 100001, "2024-09-10", "PM", "\\"],  # same as before
            [ben.pupil.upn, 100001, "2024-09-16", "AM", "N"],  # new
        ],
    )
    result = import_file("marks", corrected, user=officer)
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 1, 1, 1)
    assert Mark.objects.get(enrolment=ada, date=dt.date(2024, 9, 10), session="AM").code == "I"
    assert Mark.objects.count() == 21
    change = MarkChange.objects.get()
    assert (change.enrolment, change.date, change.session, change.old_code, change.new_code) == (
        ada,
        dt.date(2024, 9, 10),
        "AM",
        "/",
        "I",
    )
    assert change.changed_by == officer
    assert change.import_run == ImportRun.objects.get(file_name="fix.csv")
    assert change.changed_at is not None


def test_a_bad_file_writes_nothing_and_reports_every_line(tmp_path, two_pupils):
    _, ada, ben = two_pupils
    import_file("marks", write_csv(tmp_path / "week.csv", HEADER, week_of_marks([ada])))
    good_upn = ada.pupil.upn
    bad_letter = ("A" if good_upn[0] != "A" else "B") + good_upn[1:]
    unknown = make_pupil_upn_not_in_db()
    rows = [
        [good_upn, 100001, "2024-09-09", "AM", "I"],  # line 2: a valid correction (must not be applied)
        [good_upn, 100001, "2024-09-16", "AM", "XX"],  # 3
        [unknown, 100001, "2024-09-16", "AM", "/"],  # 4
        [bad_letter, 100001, "2024-09-16", "AM", "/"],  # 5
        [good_upn, 100001, "2024-09-31", "AM", "/"],  # 6
        [good_upn, 100001, "2024-09-17", "XM", "/"],  # 7
        [good_upn, 100001, "2024-09-18", "AM", "/"],  # 8
        [good_upn, 100001, "2024-09-18", "AM", "L"],  # 9: duplicate of 8
        [ben.pupil.upn, 100001, "2024-09-02", "AM", "/"],  # 10: before Ben's admission
        [good_upn, 999999, "2024-09-18", "PM", "/"],  # 11
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    expected_letter = good_upn[0]
    assert failed.value.messages == [
        "bad.csv:3: code: unknown code 'XX'",
        f"bad.csv:4: upn: unknown UPN '{unknown}'",
        f"bad.csv:5: upn: UPN check letter is wrong: expected {expected_letter}, found {bad_letter[0]}",
        "bad.csv:6: date: not a date in the form YYYY-MM-DD: '2024-09-31'",
        "bad.csv:7: session: must be AM or PM, not 'XM'",
        "bad.csv:9: session: duplicate mark: same pupil, school, date and session as line 8",
        f"bad.csv:10: date: mark outside enrolment: UPN {ben.pupil.upn} is not on roll at school 100001 "
        "on 2024-09-02",
        "bad.csv:11: school_urn: unknown school URN '999999'",
    ]
    assert failed.value.total == 8
    assert Mark.objects.count() == 10
    assert set(Mark.objects.values_list("code", flat=True)) == {"/", "\\"}
    assert MarkChange.objects.count() == 0
    assert ImportRun.objects.count() == 1


def make_pupil_upn_not_in_db():
    from attend.people.upn import make_upn

    return make_upn("999", "1234", 15, 987)


def test_marks_after_leaving_are_outside_the_enrolment_but_a_readmission_counts(tmp_path):
    school = make_school(100001)
    pupil = make_pupil()
    first = make_enrolment(pupil, school, admission=dt.date(2024, 9, 2), leaving=dt.date(2024, 9, 6))
    second = make_enrolment(pupil, school, admission=dt.date(2024, 9, 16))
    rows = [
        [pupil.upn, 100001, "2024-09-06", "PM", "\\"],
        [pupil.upn, 100001, "2024-09-16", "AM", "/"],
        [pupil.upn, 100001, "2024-09-10", "AM", "/"],
    ]
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", write_csv(tmp_path / "m.csv", HEADER, rows))
    assert failed.value.messages == [
        f"m.csv:4: date: mark outside enrolment: UPN {pupil.upn} is not on roll at school 100001 on 2024-09-10"
    ]
    result = import_file("marks", write_csv(tmp_path / "m.csv", HEADER, rows[:2]))
    assert result.created == 2
    assert Mark.objects.get(date=dt.date(2024, 9, 6)).enrolment == first
    assert Mark.objects.get(date=dt.date(2024, 9, 16)).enrolment == second


def test_missing_and_extra_columns_are_named(tmp_path, two_pupils):
    path = write_csv(tmp_path / "m.csv", ["upn", "school_urn", "date", "sesion", "code"], [])
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    assert failed.value.messages == [
        "m.csv:1: header: missing required column(s): session",
        "m.csv:1: header: unexpected column(s): sesion",
    ]


def test_ragged_rows_and_blank_lines_keep_physical_line_numbers(tmp_path, two_pupils):
    _, ada, _ = two_pupils
    path = tmp_path / "m.csv"
    path.write_text(
        "upn,school_urn,date,session,code\n"
        f"{ada.pupil.upn},100001,2024-09-09,AM,/\n"
        "\n"
        f"{ada.pupil.upn},100001,2024-09-09,PM\n"
        f"{ada.pupil.upn},100001,2024-09-10,AM,Q9\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    assert failed.value.messages == [
        "m.csv:4: row: expected 5 fields, found 4",
        "m.csv:5: code: unknown code 'Q9'",
    ]


def test_the_command_prints_problems_capped_and_fails(tmp_path, two_pupils, capsys):
    _, ada, _ = two_pupils
    rows = [[ada.pupil.upn, 100001, f"2024-09-{d:02d}", s, "ZZ"] for d in range(9, 30) for s in ("AM", "PM")]
    rows += [[ada.pupil.upn, 100001, f"2024-10-{d:02d}", s, "ZZ"] for d in range(1, 31) for s in ("AM", "PM")]
    rows += [[ada.pupil.upn, 100001, f"2024-11-{d:02d}", s, "ZZ"] for d in range(1, 30) for s in ("AM", "PM")]
    path = write_csv(tmp_path / "many.csv", HEADER, rows)
    with pytest.raises(CommandError, match=r"^160 problem\(s\) in .*many.csv; nothing was imported$"):
        call_command("import", "marks", str(path))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 101
    assert err[0] == "many.csv:2: code: unknown code 'ZZ'"
    assert err[99] == "many.csv:101: code: unknown code 'ZZ'"
    assert err[100] == "... and 60 more"
    assert Mark.objects.count() == 0


def test_the_command_prints_a_summary(tmp_path, two_pupils, capsys):
    _, ada, ben = two_pupils
    path = write_csv(tmp_path / "marks.csv", HEADER, week_of_marks([ada, ben]))
    call_command("import", "marks", str(path))
    out = capsys.readouterr().out
    assert out.startswith("Imported marks from marks.csv: 20 rows, 20 created, 0 updated, 0 unchanged in ")


def test_a_file_with_only_a_header_imports_nothing(tmp_path, two_pupils):
    result = import_file("marks", write_csv(tmp_path / "empty.csv", HEADER, []))
    assert (result.rows, result.created, result.updated, result.unchanged) == (0, 0, 0, 0)
    assert ImportRun.objects.get().rows == 0


def test_a_file_that_is_not_utf8_is_refused(tmp_path, two_pupils):
    _, ada, _ = two_pupils
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"upn,school_urn,date,session,code\n{ada.pupil.upn},100001,2024-09-09,AM,/\n".encode()
        + "x,100001,2024-09-09,AM,\u00e9\n".encode("latin-1")
    )
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    assert failed.value.messages == ["latin1.csv:3: file: the file is not UTF-8 text"]
    assert Mark.objects.count() == 0


def test_the_bulk_path_leaves_the_table_constraints_as_they_were(tmp_path, two_pupils, monkeypatch):
    from django.db import IntegrityError, connection, transaction

    from attend.registers.imports import marks_write

    def constraints():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), convalidated, condeferrable, condeferred "
                "FROM pg_constraint "
                "WHERE conrelid = 'registers_mark'::regclass ORDER BY conname"
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'registers_mark' ORDER BY indexname"
            )
            return keys, cursor.fetchall()

    before = constraints()
    monkeypatch.setattr(
        marks_write, "PG_BULK_ROWS", 1
    )  # take the COPY-with-dropped-keys path even for 20 rows
    _, ada, ben = two_pupils
    result = import_file("marks", write_csv(tmp_path / "m.csv", HEADER, week_of_marks([ada, ben])))
    assert result.created == 20 and Mark.objects.count() == 20
    assert constraints() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.create(enrolment=ada, date=dt.date(2024, 9, 9), session="AM", code="L")

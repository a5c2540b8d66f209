"""A large marks import on SQLite runs with the per-row foreign-key checks off and checks what it wrote before
commit (registers/imports/sqlite_bulk.py): a broken key anywhere it wrote fails the import and writes nothing,
and the checks are back on afterwards. These tests commit for real (the path needs a transaction of its own)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from attend.registers.imports import import_file, sqlite_bulk
from attend.registers.models import ImportRun, Mark, MarkChange

from .factories import make_enrolment, make_pupil, make_school, weekdays, write_csv

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's bulk path; PostgreSQL has its own"),
]

HEADER = ["upn", "school_urn", "date", "session", "code"]


def foreign_keys_on() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return cursor.fetchone()[0] == 1


@pytest.fixture
def bulk_at_ten(monkeypatch):
    """The bulk path from 10 marks, with a record of each time its check ran."""
    monkeypatch.setattr(sqlite_bulk, "SQLITE_BULK_ROWS", 10)
    checked = []
    check = sqlite_bulk._check_written

    def recording(written, enrolment_ids, started):
        checked.append((sorted(written.inserted), sorted(written.updated), enrolment_ids))
        return check(written, enrolment_ids, started)

    monkeypatch.setattr(sqlite_bulk, "_check_written", recording)
    return checked


@pytest.fixture
def ada():
    return make_enrolment(make_pupil(forename="Ada"), make_school(100001))


def a_mark(enrolment_id: int, day: int = 10) -> Mark:
    return Mark(enrolment_id=enrolment_id, date=dt.date(2025, 11, day), session="AM", code="/")


def test_a_large_import_writes_every_mark_checks_once_and_turns_the_checks_back_on(
    tmp_path, ada, bulk_at_ten
):
    ben = make_enrolment(make_pupil(forename="Ben"), ada.school)
    rows = [
        [e.pupil.upn, e.school.urn, day.isoformat(), session, code]
        for day in weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 14))
        for e in (ada, ben)
        for session, code in (("AM", "/"), ("PM", "C1"))
    ]
    result = import_file("marks", write_csv(tmp_path / "marks.csv", HEADER, rows))

    assert result.created == 20
    assert sorted(Mark.objects.values_list("code", flat=True).distinct()) == ["/", "C1"]
    assert Mark.objects.filter(enrolment=ben, session="PM").count() == 5
    [(inserted, updated, enrolment_ids)] = bulk_at_ten
    assert "registers_mark" in inserted and "registers_importrun" in inserted
    assert enrolment_ids == [ada.pk, ben.pk]
    assert foreign_keys_on()


def test_marks_naming_an_enrolment_that_is_gone_fail_and_write_nothing(ada, bulk_at_ten):
    gone = ada.pk + 1000
    with pytest.raises(IntegrityError, match=f"enrolment {gone}"):
        with sqlite_bulk.marks_transaction(100, [ada.pk, gone]):
            Mark.objects.bulk_create([a_mark(ada.pk), a_mark(gone)])
    assert Mark.objects.count() == 0
    assert foreign_keys_on()


def test_a_new_row_with_a_broken_key_in_another_table_fails_the_import(ada, bulk_at_ten):
    with pytest.raises(IntegrityError, match="registers_markchange.*import_run_id = 4242"):
        with sqlite_bulk.marks_transaction(100, [ada.pk]):
            Mark.objects.bulk_create([a_mark(ada.pk)])
            MarkChange.objects.create(
                enrolment=ada, date=dt.date(2025, 11, 10), session="AM", old_code="N", new_code="/",
                import_run_id=4242,
            )  # fmt: skip
    assert Mark.objects.count() == 0 and MarkChange.objects.count() == 0
    assert foreign_keys_on()


def test_an_update_that_breaks_a_key_fails_the_import(ada, bulk_at_ten, tmp_path):
    run = ImportRun.objects.create(kind="marks", file_name="earlier.csv", sha256="0" * 64)
    with pytest.raises(IntegrityError, match="registers_importrun"):
        with sqlite_bulk.marks_transaction(100, [ada.pk]):
            Mark.objects.bulk_create([a_mark(ada.pk)])
            ImportRun.objects.filter(pk=run.pk).update(imported_by_id=777)
    run.refresh_from_db()
    assert run.imported_by_id is None and Mark.objects.count() == 0


def test_a_deletion_checks_the_whole_database(ada, bulk_at_ten):
    ben = make_enrolment(make_pupil(forename="Ben"), ada.school)
    Mark.objects.bulk_create([a_mark(ben.pk, day=3)])
    with pytest.raises(IntegrityError, match=f"registers_mark.enrolment_id contains a value '{ben.pk}'"):
        with sqlite_bulk.marks_transaction(100, [ada.pk]):
            Mark.objects.bulk_create([a_mark(ada.pk)])
            with connection.cursor() as cursor:  # below the ORM, which would delete Ben's marks first
                cursor.execute("DELETE FROM people_enrolment WHERE id = %s", [ben.pk])
    assert list(Mark.objects.values_list("enrolment_id", flat=True)) == [ben.pk] and foreign_keys_on()


def test_small_imports_and_imports_inside_a_transaction_keep_the_per_row_checks(ada, bulk_at_ten):
    with sqlite_bulk.marks_transaction(9, [ada.pk]):
        assert foreign_keys_on()
    with transaction.atomic():
        with sqlite_bulk.marks_transaction(100, [ada.pk]):
            assert foreign_keys_on()
    assert bulk_at_ten == []
    with pytest.raises(IntegrityError):  # the per-row check, at commit (the key is deferred)
        with sqlite_bulk.marks_transaction(9, [ada.pk]):
            Mark.objects.bulk_create([a_mark(ada.pk + 1000)])
    assert Mark.objects.count() == 0

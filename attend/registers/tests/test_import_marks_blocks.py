"""marks.csv read block by block (marks_read.read_marks_encoded): the streaming reader must give the same marks
and the same `file:line: field: reason` problems whatever the block boundaries, and hold only compact indexes."""

import datetime as dt
import gzip

import numpy as np
import pytest

from attend.registers.imports import ImportFailed, import_file, marks_read
from attend.registers.imports.common import Problems
from attend.registers.models import Mark

from .factories import make_enrolment, make_pupil, make_school, weekdays, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["upn", "school_urn", "date", "session", "code"]


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of 256 bytes (about five rows each); count the blocks and refuse the slow csv-module path, so a
    test proves the streaming reader did the work."""
    monkeypatch.setattr(marks_read, "BLOCK_SIZE", 256)
    blocks = []
    add = marks_read._GlobalDictionary.add

    def counting_add(self, column):
        blocks.append(len(column))
        return add(self, column)

    def no_slow_path(*args, **kwargs):
        raise AssertionError("the streaming reader fell back to the csv module")

    monkeypatch.setattr(marks_read._GlobalDictionary, "add", counting_add)
    monkeypatch.setattr(marks_read, "_read_slow", no_slow_path)
    return blocks


@pytest.fixture
def pupils():
    school = make_school(100001)
    return [make_enrolment(make_pupil(forename=name), school) for name in ("Ada", "Ben", "Cal")]


def a_fortnight(enrolments):
    rows = []
    for day in weekdays(dt.date(2025, 11, 10), dt.date(2025, 11, 21)):
        for e in enrolments:
            rows.append([e.pupil.upn, e.school.urn, day.isoformat(), "AM", "/"])
            rows.append([e.pupil.upn, e.school.urn, day.isoformat(), "PM", "\\"])
    return rows


def test_small_blocks_import_every_mark_with_its_own_code(tmp_path, pupils, tiny_blocks):
    rows = a_fortnight(pupils)
    # Codes that first appear in late blocks, so each block's dictionary differs from the file-wide one.
    rows[41][4], rows[57][4] = "I", "M"
    result = import_file("marks", write_csv(tmp_path / "m.csv", HEADER, rows))
    assert len(tiny_blocks) > 10  # 5 columns x several blocks
    assert (result.rows, result.created) == (60, 60)
    stored = {
        (m.enrolment.pupil.upn, m.date.isoformat(), m.session, m.code)
        for m in Mark.objects.select_related("enrolment__pupil")
    }
    assert stored == {(r[0], r[2], r[3], r[4]) for r in rows}


def test_problems_in_later_blocks_name_their_physical_lines(tmp_path, pupils, tiny_blocks):
    ada, ben, _ = pupils
    rows = a_fortnight(pupils)  # 60 rows: lines 2..61
    rows[37][4] = "Q9"  # line 39
    rows[50][3] = "XM"  # line 52
    rows.append(list(rows[1]))  # line 62 repeats line 3 (Ada, 10 November, PM)
    rows.append([ben.pupil.upn, 100001, "2025-11-31", "AM", "/"])  # line 63
    path = write_csv(tmp_path / "late.csv", HEADER, rows)
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    assert len(tiny_blocks) > 10
    assert failed.value.messages == [
        "late.csv:39: code: unknown code 'Q9'",
        "late.csv:52: session: must be AM or PM, not 'XM'",
        "late.csv:62: session: duplicate mark: same pupil, school, date and session as line 3",
        "late.csv:63: date: not a date in the form YYYY-MM-DD: '2025-11-31'",
    ]
    assert Mark.objects.count() == 0


def test_a_gzip_file_with_a_byte_order_mark_streams_in_blocks(tmp_path, pupils, tiny_blocks):
    rows = a_fortnight(pupils)
    text = "\ufeffUPN, School_URN ,Date,Session,Code\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path = tmp_path / "m.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert import_file("marks", path).created == 60
    assert len(tiny_blocks) > 10


def test_crlf_lines_and_no_newline_at_the_end_read_every_row_from_the_mapped_file(
    tmp_path, pupils, tiny_blocks
):
    rows = a_fortnight(pupils)
    rows[-1][4] = "C1"  # the last row, with no line end after it, keeps its whole code
    text = "upn,school_urn,date,session,code\r\n" + "\r\n".join(",".join(map(str, r)) for r in rows)
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode())
    encoded, n, lines = marks_read.read_marks_encoded(path, Problems(path.name))
    assert (n, lines) == (60, None)
    indexes, values = encoded["code"]
    assert [values[i] for i in indexes.tolist()] == [r[4] for r in rows]
    assert len(tiny_blocks) > 10


def test_the_encoded_columns_are_compact_and_match_the_text(tmp_path, pupils, tiny_blocks):
    rows = a_fortnight(pupils)
    path = write_csv(tmp_path / "m.csv", HEADER, rows)
    encoded, n, lines = marks_read.read_marks_encoded(path, Problems(path.name))
    assert (n, lines) == (60, None)
    for position, name in enumerate(HEADER):
        indexes, values = encoded[name]
        assert indexes.dtype == np.uint8  # a handful of distinct values: one byte a row
        assert [values[i] for i in indexes.tolist()] == [str(r[position]) for r in rows]


def test_a_ragged_row_in_a_late_block_falls_back_to_exact_lines(tmp_path, pupils, monkeypatch):
    monkeypatch.setattr(marks_read, "BLOCK_SIZE", 256)
    ada = pupils[0]
    rows = a_fortnight(pupils)
    path = tmp_path / "m.csv"
    lines = [",".join(HEADER)] + [",".join(map(str, r)) for r in rows]
    lines.insert(50, f"{ada.pupil.upn},100001,2025-11-24,AM")  # line 51: four fields
    lines.insert(55, "")  # line 56: blank, skipped
    lines.insert(58, f"{ada.pupil.upn},100001,2025-11-24,PM,ZZ")  # line 59
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportFailed) as failed:
        import_file("marks", path)
    assert failed.value.messages == [
        "m.csv:51: row: expected 5 fields, found 4",
        "m.csv:59: code: unknown code 'ZZ'",
    ]


def test_one_and_two_letter_codes_and_both_sessions_arrive_exactly(tmp_path, pupils, monkeypatch):
    """The bulk writers pack codes of one and two letters (PostgreSQL: binary COPY, with the COPY-with-dropped-
    keys path forced; SQLite: packed integers); every stored mark must read back as written."""
    from attend.registers.imports import marks_write

    monkeypatch.setattr(marks_write, "PG_BULK_ROWS", 1)
    rows = a_fortnight(pupils)
    for i, code in enumerate(["C1", "I", "J1", "/", "\\", "Y1", "M"] * 8):
        rows[i][4] = code
    result = import_file("marks", write_csv(tmp_path / "m.csv", HEADER, rows))
    assert result.created == 60
    stored = {
        (m.enrolment.pupil.upn, m.date.isoformat(), m.session, m.code)
        for m in Mark.objects.select_related("enrolment__pupil")
    }
    assert stored == {(r[0], r[2], r[3], r[4]) for r in rows}
    # A second import with some codes changed goes through the staging table (COPY too on PostgreSQL).
    rows[0][4], rows[1][4] = "I", "C2"
    again = import_file("marks", write_csv(tmp_path / "m2.csv", HEADER, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 2, 58)
    assert Mark.objects.get(enrolment=pupils[0], date=dt.date(2025, 11, 10), session="PM").code == "C2"


def test_bulk_written_marks_are_text_with_fresh_ids_and_a_failure_leaves_none(tmp_path, pupils, monkeypatch):
    """The bulk writers hand out ids in one step (PostgreSQL: one setval, then COPY with the ids) and cut dates
    and codes out of byte strings (SQLite: cast back to text). Ids must follow the existing marks and leave the
    sequence past them; the values must be TEXT as Django writes them; a failure after the write rolls back."""
    from django.db import connection

    from attend.registers.imports import marks, marks_write

    monkeypatch.setattr(marks_write, "PG_BULK_ROWS", 1)
    older = Mark.objects.create(enrolment=pupils[2], date=dt.date(2025, 9, 8), session="AM", code="/")
    path = write_csv(tmp_path / "m.csv", HEADER, a_fortnight(pupils))

    def fail(*args, **kwargs):
        raise RuntimeError("after the write")

    with monkeypatch.context() as m:
        m.setattr(marks, "record_arrival", fail)
        with pytest.raises(RuntimeError):
            import_file("marks", path)
    assert list(Mark.objects.values_list("id", flat=True)) == [older.id]

    assert import_file("marks", path).created == 60
    ids = sorted(Mark.objects.exclude(pk=older.pk).values_list("id", flat=True))
    assert len(set(ids)) == 60 and ids[0] > older.id
    later = Mark.objects.create(enrolment=pupils[2], date=dt.date(2025, 9, 9), session="AM", code="/")
    assert later.id > ids[-1]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT typeof(date), typeof(session), typeof(code) FROM registers_mark")
            assert cursor.fetchall() == [("text", "text", "text")]

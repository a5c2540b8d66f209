"""marks.csv, the write phase: validated marks into the marks table in the caller's transaction, set-based.

Rows for enrolments with no existing marks in the file's date range are inserted directly (SQLite: packed integers
unpacked by json_each; PostgreSQL: COPY, with the foreign key checked once for a large batch), sorted by the unique
index so index pages fill in order. Rows that may replace an existing mark go through a staging table and
set-based SQL: MarkChange for changed codes, UPDATE, then INSERT of the new ones. Reading and validating are in
marks.py; the CTF importer writes its marks through `write_marks` too.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
from django.db import connection
from django.utils import timezone

if TYPE_CHECKING:
    from .marks import MarkBatch

SESSIONS = ["AM", "PM"]  # as marks.SESSIONS (not imported: marks imports this module)

_STAGE = "attend_stage_mark"
_CHUNK = 1_000_000


def _enrolments_with_marks(batch: MarkBatch) -> np.ndarray:
    """Enrolments in the batch that already have at least one mark between its first and last date."""
    if not len(batch):
        return np.zeros(0, dtype=np.int64)
    used = sorted({batch.dates[i] for i in np.unique(batch.date_idx).tolist()})
    ids = np.unique(batch.enrolment_id).tolist()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT e FROM unnest(%s::bigint[]) AS e WHERE EXISTS (SELECT 1 FROM registers_mark m "
                "WHERE m.enrolment_id = e AND m.date BETWEEN %s AND %s)",
                [ids, used[0], used[-1]],
            )
        else:
            cursor.execute(
                "SELECT j.value FROM json_each(%s) AS j WHERE EXISTS (SELECT 1 FROM registers_mark m "
                "WHERE m.enrolment_id = j.value AND m.date BETWEEN %s AND %s)",
                [json.dumps(ids), used[0], used[-1]],
            )
        return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)


# One row of PostgreSQL's binary COPY format for (enrolment_id bigint, date date, session varchar, code varchar):
# field count, then each field as a big-endian length and value. The code is written as two bytes; a one-letter
# code's second byte is cut out afterwards (its length field says 1).
_FIELDS = [("len_e", ">i4"), ("enrolment", ">i8"), ("len_d", ">i4"), ("date", ">i4"), ("len_s", ">i4"),
           ("session", "S2"), ("len_c", ">i4"), ("code", "S2")]  # fmt: skip
_ROW = np.dtype([("fields", ">i2"), *_FIELDS])
# The same with the id first, for COPY into registers_mark with ids handed out in one go (_reserve_ids).
_ROW_WITH_ID = np.dtype([("fields", ">i2"), ("len_i", ">i4"), ("id", ">i8"), *_FIELDS])
_PG_EPOCH = dt.date(2000, 1, 1)
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_COPY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def binary_copy_rows(batch: MarkBatch, start: int, stop: int, first_id: int | None = None) -> bytes:
    """Rows start..stop of a batch in PostgreSQL's binary COPY format (no header), built with numpy: the server
    then parses no text (measured: CSV COPY spent most of the write phase in the server's text parsing). With
    `first_id`, each row starts with its id: first_id + its position in the batch."""
    sl = slice(start, stop)
    codes = np.array([c.encode() for c in batch.codes], dtype="S2")
    code_len = np.array([len(c.encode()) for c in batch.codes], dtype=np.int32)
    days = np.array([(dt.date.fromisoformat(d) - _PG_EPOCH).days for d in batch.dates], dtype=np.int32)
    rows = np.empty(len(batch.enrolment_id[sl]), dtype=_ROW if first_id is None else _ROW_WITH_ID)
    rows["fields"], rows["len_e"], rows["len_d"], rows["len_s"] = 4, 8, 4, 2
    if first_id is not None:
        rows["fields"], rows["len_i"] = 5, 8
        rows["id"] = np.arange(first_id + start, first_id + start + len(rows), dtype=np.int64)
    rows["enrolment"] = batch.enrolment_id[sl]
    rows["date"] = days[batch.date_idx[sl]]
    rows["session"] = np.array([s.encode() for s in SESSIONS], dtype="S2")[batch.session_idx[sl]]
    lengths = code_len[batch.code_idx[sl]]
    rows["len_c"] = lengths
    rows["code"] = codes[batch.code_idx[sl]]
    raw = rows.view(np.uint8).reshape(len(rows), rows.dtype.itemsize)
    if (lengths == 2).all():
        return raw.tobytes()
    keep = np.ones(raw.shape, dtype=bool)
    keep[:, -1] = lengths == 2  # a one-byte code: drop the padding byte
    return raw[keep].tobytes()


def _reserve_ids(cursor, n: int) -> int:
    """Hand out n mark ids in one step and return the first. Left to the identity column's default, COPY calls
    nextval() once per row (measured: 20 million rows into the marks table took 45 s with the primary key and
    default ids, 19.5 s with the ids in the data; 15 s against 10 s into a table without indexes). Safe: the
    caller holds the marks table's SHARE ROW EXCLUSIVE lock, so nobody else takes an id meanwhile, and a rolled
    back import only leaves a gap in the ids, as nextval() would."""
    cursor.execute("SELECT pg_get_serial_sequence('registers_mark', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, n])
    return cursor.fetchone()[0] - n + 1


def _copy(cursor, table: str, batch: MarkBatch) -> None:
    """PostgreSQL COPY of a batch in binary format, in chunks. Into registers_mark, with ids (_reserve_ids)."""
    first_id = _reserve_ids(cursor, len(batch)) if table == "registers_mark" else None
    columns = (
        "enrolment_id, date, session, code" if first_id is None else "id, enrolment_id, date, session, code"
    )
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as copy:
        copy.write(_COPY_HEADER)
        for start in range(0, len(batch), _CHUNK):
            copy.write(binary_copy_rows(batch, start, start + _CHUNK, first_id))
        copy.write(_COPY_TRAILER)


def _insert_sqlite(cursor, table: str, batch: MarkBatch) -> None:
    """SQLite: each row packed into one integer, a chunk of rows sent as one JSON array and unpacked by
    json_each in C. Binding four Python values per row (executemany) is several times slower. Dates and codes
    are cut out of two fixed-width byte strings by substr, which is cheaper than a lookup table (measured).
    They are bound as BLOBs and cast back to text: substr on a TEXT value counts characters from its start
    (UTF-8), so the n-th date of a year's dates cost a walk over ~1,000 bytes per row; on a BLOB it is an offset
    (measured: a query unpacking 5 million rows took 9.9 s with TEXT, 4.0 s with BLOB)."""
    # The packing below has room for 65,536 distinct dates and 256 distinct codes.
    if len(batch.dates) > 65536 or len(batch.codes) > 256:
        raise ValueError("too many distinct dates or codes to pack")
    if any(len(d) != 10 or not d.isascii() for d in batch.dates) or any(
        not 0 < len(c) <= 2 or not c.isascii() for c in batch.codes
    ):
        raise ValueError("dates must be YYYY-MM-DD and codes 1 or 2 ASCII characters")
    dates = "".join(batch.dates).encode("ascii")
    codes = "".join(code.ljust(2) for code in batch.codes).encode("ascii")
    # Each row: enrolment, date index (16 bits), session (1 bit), whether the code has two letters (1 bit), code
    # index (8 bits). The code is cut out at its own length: rtrim of a padded pair cost 1.2 s per 20 million.
    two_letters = np.array([len(c) == 2 for c in batch.codes], dtype=np.int64)
    packed = (
        (((batch.enrolment_id << 16) | batch.date_idx) << 1 | batch.session_idx) << 1
        | two_letters[batch.code_idx]
    ) << 8 | batch.code_idx
    sql = (
        f"INSERT INTO {table} (enrolment_id, date, session, code) SELECT j.value >> 26, "
        "CAST(substr(?2, ((j.value >> 10) & 65535) * 10 + 1, 10) AS TEXT), "
        "CASE (j.value >> 9) & 1 WHEN 0 THEN 'AM' ELSE 'PM' END, "
        "CAST(substr(?3, (j.value & 255) * 2 + 1, ((j.value >> 8) & 1) + 1) AS TEXT) FROM json_each(?1) AS j"
    )
    raw = connection.connection

    def chunk(start: int) -> str:
        return "[" + ",".join(map(str, packed[start : start + _CHUNK].tolist())) + "]"

    # Turning a million integers into JSON text is Python's work (~0.2 s); the sqlite3 module lets go of the GIL
    # while SQLite inserts, so the next chunk's text is built on the other core meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        starts = range(0, len(packed), _CHUNK)
        pending = pool.submit(chunk, 0)
        for start in starts:
            text = pending.result()
            if start + _CHUNK < len(packed):
                pending = pool.submit(chunk, start + _CHUNK)
            raw.execute(sql, (text, dates, codes))


def _insert(cursor, table: str, batch: MarkBatch) -> None:
    if connection.vendor == "postgresql":
        _copy(cursor, table, batch)
    else:
        _insert_sqlite(cursor, table, batch)


# Above this many new marks, PostgreSQL checks the enrolment foreign key once, set-based, instead of per row.
PG_BULK_ROWS = 200_000


def _pg_bulk_insert(cursor, batch: MarkBatch) -> None:
    """COPY a large batch with the enrolment foreign key dropped, then add it back (same name, same definition).

    Django makes the key DEFERRABLE INITIALLY DEFERRED, so PostgreSQL would queue one trigger event per row and
    run 20 million single-row checks at COMMIT (measured: over two minutes). Adding the constraint back checks
    every row in one join. When the batch is at least as big as the table, the indexes (the primary key, unless
    another table refers to it, the unique (enrolment, date, session) constraint and any other index) are also
    dropped and rebuilt by one sort each, which is cheaper than maintaining them row by row (20 million marks, load
    about 2: COPY 23.3 s with the primary key; 10.1 s without it, then 5.8 s to add it back). All of this is inside
    the import's transaction: if anything fails, the table is back as it was. The price is an exclusive lock on the
    marks table while the import runs.
    """
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    # ALTER TABLE refuses to run while deferred key checks are queued (e.g. a CTF import has just written
    # enrolments in this transaction): run those checks now, and defer again afterwards.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = 'registers_mark'::regclass AND (contype IN ('f', 'u') OR contype = 'p' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint r WHERE r.confrelid = 'registers_mark'::regclass)) ORDER BY contype DESC"
    )
    constraints = cursor.fetchall()
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'registers_mark'::regclass")
    rebuild_indexes = len(batch) >= max(cursor.fetchone()[0], 0)
    if not rebuild_indexes:
        constraints = [c for c in constraints if c[2] == "f"]
    indexes = []
    if rebuild_indexes:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = 'registers_mark'::regclass AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        )
        indexes = cursor.fetchall()
    for name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE registers_mark DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    _copy(cursor, "registers_mark", batch)
    for name, definition, _ in sorted(constraints, key=lambda c: "puf".index(c[2])):  # keys before the FK
        cursor.execute(f'ALTER TABLE registers_mark ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        cursor.execute(definition)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def write_marks(batch: MarkBatch, *, run, user) -> tuple[int, int]:
    """Write validated marks inside the caller's transaction. Returns (created, updated)."""
    if not len(batch):
        return 0, 0
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # One marks writer at a time, holding the lock until its commit: ids (marks and MarkChange) are then
            # committed in the order they were handed out, so the statistics store's incremental refresh, which
            # reads ids past the last one it saw, never misses a row committed late with a lower id
            # (attend.stats.delta). Readers are not blocked; SQLite has one writer anyway.
            cursor.execute("LOCK TABLE registers_mark IN SHARE ROW EXCLUSIVE MODE")
        else:
            # A 512 MB page cache for this connection keeps the right-hand edges of the table and its indexes in
            # memory during a large insert, which arrives sorted by the unique index. 1 GB was measured faster
            # once (20 million marks: 26 s against 42 s with 256 MB) but counts in full in the process's memory
            # and took the import past the 2 GiB target (2,063 MB peak); on a loaded machine (load 5-7) 256 MB and
            # 1 GB used the same CPU for the insert (38 s and 39 s). With the BLOB unpacking (December 2026, load
            # about 2.5) 800 MB was no faster (write 26.6 s, commit 7.7 s, 1,914 MB peak) than 512 MB (write
            # 23.7-24.7 s, commit 4.1-6.5 s, ~1,630 MB). Pages are a cache only: durability is the WAL's,
            # unchanged (journal_mode=WAL, synchronous=NORMAL from settings).
            cursor.execute("PRAGMA cache_size = -500000")
        touched = np.isin(batch.enrolment_id, _enrolments_with_marks(batch))
        fresh = batch.take(~touched)
        if postgres and len(fresh) >= PG_BULK_ROWS:
            _pg_bulk_insert(cursor, fresh)
        else:
            _insert(cursor, "registers_mark", fresh)
        created, updated = len(fresh), 0
        if touched.any():
            stage = batch.take(touched)
            cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
            cursor.execute(
                f"CREATE TEMP TABLE {_STAGE} (enrolment_id bigint NOT NULL, date date NOT NULL, "
                "session varchar(2) NOT NULL, code varchar(2) NOT NULL)"
            )
            _insert(cursor, _STAGE, stage)
            if postgres:
                cursor.execute(f"ANALYZE {_STAGE}")
            same_session = "m.enrolment_id = s.enrolment_id AND m.date = s.date AND m.session = s.session"
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(
                "INSERT INTO registers_markchange (enrolment_id, date, session, old_code, new_code, changed_at, "
                f"changed_by_id, import_run_id) SELECT m.enrolment_id, m.date, m.session, m.code, s.code, %s, %s, "
                f"%s FROM {_STAGE} s JOIN registers_mark m ON {same_session} WHERE m.code <> s.code",
                [now, getattr(user, "pk", None), run.pk],
            )
            updated = cursor.rowcount
            cursor.execute(
                f"UPDATE registers_mark AS m SET code = s.code FROM {_STAGE} AS s "
                f"WHERE {same_session} AND m.code <> s.code"
            )
            cursor.execute(
                f"INSERT INTO registers_mark (enrolment_id, date, session, code) SELECT s.enrolment_id, s.date, "
                f"s.session, s.code FROM {_STAGE} s WHERE NOT EXISTS (SELECT 1 FROM registers_mark m "
                f"WHERE {same_session}) ORDER BY s.enrolment_id, s.date, s.session"
            )
            created += cursor.rowcount
            cursor.execute(f"DROP TABLE {_STAGE}")
    return created, updated

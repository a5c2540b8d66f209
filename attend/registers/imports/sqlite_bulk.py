"""A large marks import's transaction on SQLite: per-row foreign-key checks off, one set-based check before commit.

SQLite checks the mark's enrolment key with one lookup per inserted row: 20 million marks spent about 5 s of the
write phase on it (measured, December 2026). The pragma that turns the checks off is a no-op inside a
transaction, so it is set for the whole import's transaction (as Django's loaddata does), and before the commit
everything the transaction wrote is checked instead:
- every enrolment the marks name exists (one query over the file's distinct enrolments: the marks importer writes
  only rows of its batch, to the marks table and the change log);
- every other table the transaction wrote (seen by an authorizer as its statements are prepared): a table it only
  inserted into has its new rows checked (ids past the table's sqlite_sequence value at the start: the change log
  and audit events grow large, their old rows need no check); a table it updated is checked whole with PRAGMA
  foreign_key_check (the import run: a small table);
- a deletion from any table (the importer makes none) checks the whole database.
A violation raises IntegrityError inside the transaction, so nothing is written. PostgreSQL has its own bulk path
(marks_write._pg_bulk_insert); smaller imports keep the per-row checks.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

# At or above this many marks the transaction runs with the per-row checks off (the same size as PostgreSQL's).
SQLITE_BULK_ROWS = 200_000
# The marks table's only foreign key is the enrolment, which the set-based check covers.
_MARKS = "registers_mark"


class _WrittenTables:
    """An authorizer (sqlite3 calls it as each statement is prepared) that notes the main database's tables a
    statement will insert into, update or delete from, and allows everything."""

    def __init__(self):
        self.inserted: set[str] = set()
        self.updated: set[str] = set()
        self.deleted = False

    def __call__(self, action, table, _column, database, _trigger):
        if database == "main":
            if action == sqlite3.SQLITE_INSERT:
                self.inserted.add(table)
            elif action == sqlite3.SQLITE_UPDATE:
                self.updated.add(table)
            elif action == sqlite3.SQLITE_DELETE:
                self.deleted = True
        return sqlite3.SQLITE_OK


def _sequences() -> dict[str, int]:
    """Each AUTOINCREMENT table's highest id ever handed out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())


def _check_new_rows(table: str, after: int) -> None:
    """Rows of `table` with ids past `after` whose foreign keys point at nothing."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA foreign_key_list({quote(table)})")
        for _, _, parent, column, parent_column, *_ in cursor.fetchall():
            parent_column = parent_column or "id"
            cursor.execute(
                f"SELECT t.rowid, t.{quote(column)} FROM {quote(table)} t WHERE t.rowid > %s "
                f"AND t.{quote(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote(parent)} p "
                f"WHERE p.{quote(parent_column)} = t.{quote(column)}) LIMIT 1",
                [after],
            )
            if bad := cursor.fetchone():
                raise IntegrityError(
                    f"the row in table {table!r} with id {bad[0]} has an invalid foreign key: "
                    f"{column} = {bad[1]!r} is not in {parent}.{parent_column}"
                )


def _check_written(written: _WrittenTables, enrolment_ids: list[int], started: dict[str, int]) -> None:
    _check_enrolments(enrolment_ids)
    if written.deleted:
        connection.check_constraints()
        return
    whole = sorted(written.updated - {_MARKS})
    connection.check_constraints(table_names=whole)
    for table in sorted(written.inserted - written.updated - {_MARKS}):
        _check_new_rows(table, started.get(table, 0))


def _check_enrolments(enrolment_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.value FROM json_each(%s) AS j WHERE NOT EXISTS "
            "(SELECT 1 FROM people_enrolment e WHERE e.id = j.value) LIMIT 1",
            [json.dumps(enrolment_ids)],
        )
        missing = cursor.fetchone()
    if missing:
        raise IntegrityError(
            f"marks name enrolment {missing[0]}, which does not exist (it was deleted meanwhile)"
        )


@contextmanager
def marks_transaction(rows: int, enrolment_ids: list[int]):
    """transaction.atomic() for an import of `rows` marks naming `enrolment_ids` (see the module note)."""
    if connection.vendor != "sqlite" or rows < SQLITE_BULK_ROWS or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if not connection.disable_constraint_checking():
        # The pragma only fails to take inside a transaction, which was ruled out above: keep the per-row checks.
        connection.enable_constraint_checking()
        with transaction.atomic():
            yield
        return
    started = _sequences()
    written = _WrittenTables()
    raw = connection.connection
    raw.set_authorizer(written)  # also expires cached statements, so each is prepared (and seen) again
    try:
        with transaction.atomic():
            yield
            raw.set_authorizer(None)
            _check_written(written, enrolment_ids, started)
    finally:
        if connection.connection is raw:
            raw.set_authorizer(None)
            connection.enable_constraint_checking()

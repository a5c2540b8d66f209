"""Let Django's whole-database flush (tests, `attend flush`) empty the audit table on PostgreSQL.

Migration audit/0003 refuses TRUNCATE of audit_auditevent unless a row sits in audit_flush_permit. Django's flush
runs one TRUNCATE of every table inside a transaction, so we insert the permit before it and delete it after, in
that same transaction: no other session ever sees the permit. Single events stay unchangeable (audit/0002), and so
does the table as a whole for everything but a deliberate flush. As on SQLite (sqlite_flush.py), whoever owns the
database can still drop triggers: production relies on database privileges and backups as well.
"""

from __future__ import annotations

from .flush import permit_flush

# Guarded, so a flush still works on a database migrated only up to audit/0002 (no permit table there).
_PERMIT = (
    "DO $$ BEGIN IF to_regclass('audit_flush_permit') IS NOT NULL THEN "
    "INSERT INTO audit_flush_permit (id) VALUES (1); END IF; END $$;"
)
_UNPERMIT = (
    "DO $$ BEGIN IF to_regclass('audit_flush_permit') IS NOT NULL THEN "
    "DELETE FROM audit_flush_permit; END IF; END $$;"
)


def install() -> None:
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # psycopg is not installed: nothing to patch
        return
    permit_flush(DatabaseOperations, _PERMIT, _UNPERMIT)

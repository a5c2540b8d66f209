"""Let Django's whole-database flush (tests, `attend flush`) empty the audit table on SQLite.

On SQLite the triggers refuse every DELETE on audit_auditevent unless a row sits in audit_flush_permit. Django's
flush runs `DELETE FROM` per table, so we bracket it with a permit. PostgreSQL flushes with TRUNCATE, which the
row-level trigger does not see; that matches this: wiping the whole database is a database owner's act, guarded by
backups and database privileges, while single events stay unchangeable.
"""

from django.db.backends.sqlite3 import base  # noqa: F401  (import order: base imports operations)
from django.db.backends.sqlite3.operations import DatabaseOperations

from .flush import permit_flush

PERMIT_TABLE = "audit_flush_permit"


def install() -> None:
    permit_flush(
        DatabaseOperations, f"INSERT INTO {PERMIT_TABLE} (id) VALUES (1);", f"DELETE FROM {PERMIT_TABLE};"
    )

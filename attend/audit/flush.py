"""One wrapper for both databases' flush: let Django's flush empty the audit table inside its own transaction.

`permit_flush(DatabaseOperations, before, after)` puts `before` (writing the permit the append-only guard checks)
and `after` (removing it) around any flush that includes the audit table. sqlite_flush.py and postgres_flush.py
say why each database needs it and what the statements are.
"""

from __future__ import annotations

AUDIT_TABLE = "audit_auditevent"


def permit_flush(operations_class, before: str, after: str) -> None:
    if getattr(operations_class.sql_flush, "_attend_audit", False):
        return
    original = operations_class.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if any(AUDIT_TABLE in statement for statement in sql):
            sql = [before, *sql, after]
        return sql

    sql_flush._attend_audit = True
    operations_class.sql_flush = sql_flush

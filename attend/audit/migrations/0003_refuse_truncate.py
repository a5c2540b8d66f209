"""PostgreSQL: the database also refuses TRUNCATE of the audit trail (row triggers do not see TRUNCATE).

A statement-level BEFORE TRUNCATE trigger refuses it, including a TRUNCATE ... CASCADE that reaches the audit table
from pupils, schools or users. Django's whole-database flush (tests, `attend flush`) inserts a row in
audit_flush_permit around its TRUNCATE, in the same transaction (attend/audit/postgres_flush.py), just as on SQLite
(audit/sqlite_flush.py). SQLite has no TRUNCATE: nothing to do there.
"""

from django.db import migrations

POSTGRES_UP = [
    "CREATE TABLE IF NOT EXISTS audit_flush_permit (id integer)",
    """CREATE OR REPLACE FUNCTION audit_auditevent_refuse_truncate() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_flush_permit) THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'audit events are append-only: truncate refused'
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_truncate()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_truncate()",
    "DROP TABLE IF EXISTS audit_flush_permit",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]

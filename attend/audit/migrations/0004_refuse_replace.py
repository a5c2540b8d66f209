"""SQLite: refuse `INSERT OR REPLACE` / `REPLACE INTO` over an existing audit event (issue 14, finding 7).

REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive_triggers is on), so it slipped
past 0002. A BEFORE INSERT trigger runs before conflict resolution and refuses an insert whose id already exists.
UPSERT (`INSERT ... ON CONFLICT DO UPDATE`) meets this trigger too, and the UPDATE trigger besides.
PostgreSQL has no REPLACE; its ON CONFLICT DO UPDATE fires the BEFORE UPDATE row trigger of 0002, which refuses it.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_auditevent_no_replace BEFORE INSERT ON audit_auditevent
       WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only: replace refused'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_auditevent_no_replace"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_truncate")]

    operations = [migrations.RunPython(_run(SQLITE_UP), _run(SQLITE_DOWN))]

"""The database itself refuses to change or delete chronology entries, stage changes and attachments.

Evidence is append-only on both engines, whatever program connects. Deletion is allowed only while a permit row
exists in the same transaction: `audit_flush_permit` (Django's whole-database flush in tests and `attend flush`,
attend/audit/flush.py) or `casework_erasure_permit` (a manager-approved removal of an entry filed on the wrong
child, and retention deleting cases at the end of their period: attend.casework.chronology.erasure_permit).
On PostgreSQL the permit row is inserted and deleted inside the deleting transaction, so no other session sees it.
SQLite also refuses REPLACE over an existing row (it deletes without firing DELETE triggers).
"""

from django.db import migrations

TABLES = ["casework_chronologyentry", "casework_stagechange", "casework_attachment"]
PERMITS = "EXISTS (SELECT 1 FROM audit_flush_permit) OR EXISTS (SELECT 1 FROM casework_erasure_permit)"


def _sqlite_up(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, 'chronology is append-only: update refused'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           WHEN NOT ({PERMITS})
           BEGIN SELECT RAISE(ABORT, 'chronology is append-only: delete refused'); END""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
           WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'chronology is append-only: replace refused'); END""",
    ]


def _postgres_up(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION casework_refuse_change()""",
    ]


SQLITE_UP = [
    "CREATE TABLE IF NOT EXISTS audit_flush_permit (id integer)",
    "CREATE TABLE casework_erasure_permit (id integer)",
    *[s for t in TABLES for s in _sqlite_up(t)],
]
SQLITE_DOWN = [
    *[f"DROP TRIGGER IF EXISTS {t}_{w}" for t in TABLES for w in ("no_update", "no_delete", "no_replace")],
    "DROP TABLE IF EXISTS casework_erasure_permit",
]
POSTGRES_UP = [
    "CREATE TABLE IF NOT EXISTS audit_flush_permit (id integer)",
    "CREATE TABLE casework_erasure_permit (id integer)",
    f"""CREATE OR REPLACE FUNCTION casework_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND ({PERMITS}) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'chronology is append-only: % refused', lower(TG_OP)
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql""",
    *[s for t in TABLES for s in _postgres_up(t)],
]
POSTGRES_DOWN = [
    *[f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES],
    "DROP FUNCTION IF EXISTS casework_refuse_change()",
    "DROP TABLE IF EXISTS casework_erasure_permit",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_cases"), ("audit", "0004_refuse_replace")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]

"""The database refuses to change or delete reasonable enquiries and deletion returns: they are evidence (for a
ground (i) deletion, and for the LA's off-rolling checks). A correction is a new row pointing at the old one.
Deletion only under the same permits as the chronology (the test flush, and an approved erasure:
attend.casework.chronology.erasure_permit), see casework/0004."""

from django.db import migrations

TABLES = ["cme_enquirycheck", "cme_rolldeletion"]
PERMITS = "EXISTS (SELECT 1 FROM audit_flush_permit) OR EXISTS (SELECT 1 FROM casework_erasure_permit)"


def _sqlite(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, 'evidence is append-only: update refused'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           WHEN NOT ({PERMITS})
           BEGIN SELECT RAISE(ABORT, 'evidence is append-only: delete refused'); END""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
           WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'evidence is append-only: replace refused'); END""",
    ]


UP = {
    "sqlite": [s for t in TABLES for s in _sqlite(t)],
    "postgresql": [
        f"""CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
           FOR EACH ROW EXECUTE FUNCTION casework_refuse_change()"""
        for t in TABLES
    ],
}
DOWN = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {t}_{w}" for t in TABLES for w in ("no_update", "no_delete", "no_replace")],
    "postgresql": [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("cme", "0001_cme"), ("casework", "0004_chronology_append_only")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]

"""Database triggers that make evidence tables append-only on both engines: UPDATE is refused, DELETE only under
the permits of casework migration 0004 (the test flush, `audit_flush_permit`; an approved erasure,
`casework_erasure_permit`), and SQLite's INSERT OR REPLACE is refused too. PostgreSQL uses casework's
`casework_refuse_change()` function, which honours the same permits. Used by the migrations that protect penalty
notices (enforcement 0002) and CME enquiries and deletion returns (cme 0002)."""

from __future__ import annotations

from django.db import migrations

PERMITS = "EXISTS (SELECT 1 FROM audit_flush_permit) OR EXISTS (SELECT 1 FROM casework_erasure_permit)"


def _sqlite(table: str, what: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{what} are append-only: update refused'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           WHEN NOT ({PERMITS})
           BEGIN SELECT RAISE(ABORT, '{what} are append-only: delete refused'); END""",
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
           WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, '{what} are append-only: replace refused'); END""",
    ]


def _run(statements_by_vendor: dict[str, list[str]]):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


def append_only(tables: list[str], what: str) -> migrations.RunPython:
    """The migration operation that adds (and on reverse drops) the triggers for `tables`; `what` names the rows in
    the error message ("notices", "evidence")."""
    up = {
        "sqlite": [s for t in tables for s in _sqlite(t, what)],
        "postgresql": [
            f"""CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
               FOR EACH ROW EXECUTE FUNCTION casework_refuse_change()"""
            for t in tables
        ],
    }
    down = {
        "sqlite": [
            f"DROP TRIGGER IF EXISTS {t}_{w}"
            for t in tables
            for w in ("no_update", "no_delete", "no_replace")
        ],
        "postgresql": [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in tables],
    }
    return migrations.RunPython(_run(up), _run(down))

"""`attend restore FILE`: put back a backup made by `attend backup`, replacing what the database holds now."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from attend import audit

from .backup import pg_command, run

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"


def restore_sqlite(connection, source: Path) -> None:
    if source.read_bytes()[:16] != SQLITE_HEADER:
        raise CommandError(f"{source} is not an SQLite backup.")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (status,) = backup.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise CommandError(f"{source} failed its integrity check: {status}")
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "django_migrations" not in tables:
            raise CommandError(f"{source} is not an Attend database.")
        connection.ensure_connection()
        # The backup API replaces every page of the live database in one step.
        backup.backup(connection.connection)
    finally:
        backup.close()


def restore_postgresql(connection, source: Path) -> None:
    with source.open("rb") as f:
        if f.read(5) != PGDUMP_HEADER:
            raise CommandError(f"{source} is not a pg_dump custom-format backup.")
    args, env = pg_command("pg_restore", connection.settings_dict)
    connection.close()  # Our own idle connection must not hold locks on tables being dropped.
    run(
        [
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(source),
        ],
        env,
    )


class Command(BaseCommand):
    help = "Restore the whole database from a backup FILE made by `attend backup` (replaces current data)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, file: Path, database: str, interactive: bool, **options):
        connection = connections[database]
        source = file.resolve()
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        if connection.in_atomic_block:
            raise CommandError("Cannot restore inside a transaction.")
        if interactive:
            answer = input(
                f"This replaces everything in the {connection.vendor} database {connection.settings_dict['NAME']} "
                f"with {source}.\nType 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        if connection.vendor == "sqlite":
            restore_sqlite(connection, source)
        elif connection.vendor == "postgresql":
            restore_postgresql(connection, source)
        else:
            raise CommandError(f"Restoring {connection.vendor} databases is not supported.")
        audit.record("core.database.restored", data={"file": str(source), "os_user": getpass.getuser()})
        self.stdout.write(
            f"Restored the database from {source}. Run `attend migrate` if the backup is older than this version."
        )

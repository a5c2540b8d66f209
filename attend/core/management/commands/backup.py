"""`attend backup FILE`: a consistent copy of the whole database while Attend keeps running.

SQLite: the online backup API (sqlite3.Connection.backup), page by page, consistent even while others write.
PostgreSQL: pg_dump in custom format (-Fc), restorable with `attend restore` (pg_restore).
"""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from attend import audit


def pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """The client program with connection arguments, and an environment carrying the password."""
    binary = shutil.which(program)
    if binary is None:
        raise CommandError(f"{program} is not installed (Debian package postgresql-client).")
    args, env = [binary], dict(os.environ)
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup_sqlite(connection, target: Path) -> None:
    connection.ensure_connection()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        connection.connection.backup(copy)
        (status,) = copy.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise CommandError(f"The backup copy failed its integrity check: {status}")
    finally:
        copy.close()
    partial.replace(target)  # Only a complete, checked copy takes the final name.


def backup_postgresql(connection, target: Path) -> None:
    args, env = pg_command("pg_dump", connection.settings_dict)
    partial = target.with_name(target.name + ".partial")
    run(
        [*args, "--format=custom", "--no-owner", "--file", str(partial), connection.settings_dict["NAME"]],
        env,
    )
    partial.replace(target)


class Command(BaseCommand):
    help = "Back up the whole database to FILE (restore it with `attend restore FILE`)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: Path, database: str, **options):
        connection = connections[database]
        target = file.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            backup_sqlite(connection, target)
        elif connection.vendor == "postgresql":
            backup_postgresql(connection, target)
        else:
            raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
        os.chmod(target, 0o600)  # A backup holds every pupil's personal data: owner-only.
        audit.record("core.database.backed_up", data={"file": str(target), "os_user": getpass.getuser()})
        self.stdout.write(
            f"Backed up the {connection.vendor} database to {target} ({target.stat().st_size} bytes)."
        )

"""`attend import KIND FILE`: validate, then import all or nothing (see docs/import-formats.md)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from attend.registers.imports import KINDS, ImportFailed, import_file

# Enough to fix a file by; the rest are counted.
SHOW_PROBLEMS = 100


class Command(BaseCommand):
    # No system checks before each import: they load every URL and view (and with them the analytics stack), 1.2 s
    # of each run, and a nightly import runs many times a day. `attend check`, `attend demo` and the web server run
    # them (docs/security.md: `attend check --deploy`).
    requires_system_checks = []
    help = (
        "Import schools, pupils, contacts, marks or calendar CSV files, a Common Transfer File (ctf), or user "
        "accounts (users: the same as `attend users import`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS, "users"])
        parser.add_argument("file")
        parser.add_argument("--user", help="username to record as the importer")
        parser.add_argument(
            "--profile",
            help="marks only: read an MIS report through this import profile (docs/import-profiles.md)",
        )

    def handle(
        self, *args, kind: str, file: str, user: str | None = None, profile: str | None = None, **options
    ):
        if (
            kind == "users"
        ):  # accounts are not register data: attend.accounts.provisioning validates and audits
            call_command("users", "import", file, stdout=self.stdout, stderr=self.stderr)
            return
        importer = None
        if user:
            from django.contrib.auth import get_user_model

            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user called {user!r}")
        if profile and kind != "marks":
            raise CommandError("--profile reads marks files only")
        try:
            result = import_file(kind, file, user=importer, profile=profile or None)
        except ImportFailed as failed:
            for message in failed.messages[:SHOW_PROBLEMS]:
                self.stderr.write(message)
            if failed.total > SHOW_PROBLEMS:
                self.stderr.write(f"... and {failed.total - SHOW_PROBLEMS} more")
            raise CommandError(f"{failed.total} problem(s) in {file}; nothing was imported") from None
        self.stdout.write(result.summary())

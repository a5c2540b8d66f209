"""`attend subject_access UPN --out FILE.zip`: everything held about one pupil, as one archive (UK GDPR Art. 15)."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attend.people.models import Pupil
from attend.privacy.subject_access import subject_access_export


class Command(BaseCommand):
    help = "Write a subject access archive (zip) for one pupil, for the data protection officer to review."

    def add_arguments(self, parser):
        parser.add_argument("upn")
        parser.add_argument("--out", required=True, help="the zip file to write")
        parser.add_argument("--user", help="username to record in the audit trail as the maker")

    def handle(self, *args, upn: str, out: str, user: str | None, **options):
        pupil = Pupil.objects.filter(upn=upn).first()
        if pupil is None:
            raise CommandError(f"no pupil with UPN {upn!r}")
        by = None
        if user:
            from django.contrib.auth import get_user_model

            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"no user called {user!r}")
        archive = subject_access_export(pupil=pupil, by=by)
        path = Path(out)
        # Owner-only, like backups: the archive holds the pupil's personal and safeguarding data.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(archive.content)
        rows = ", ".join(f"{n} {name}" for name, n in archive.counts.items())
        self.stdout.write(f"Wrote {path} ({rows}). Review it before release: see README.txt inside.")

"""`attend tsm pack --school URN [--as-of DATE] --out FILE.pdf`: one school's targeting support meeting pack."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attend.core import clock
from attend.schools.models import School


class Command(BaseCommand):
    help = "Targeting support meetings: `tsm pack` writes one school's pack as a PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pack = sub.add_parser("pack", help="Write one school's targeting support meeting pack (PDF)")
        pack.add_argument("--school", type=int, required=True, help="The school's URN")
        pack.add_argument("--as-of", help="Figures for the academic year to this date (default today)")
        pack.add_argument("--out", required=True, help="The PDF file to write")

    def handle(self, *args, **options):
        from attend.partnership.tsm_pack import pack_pdf

        try:
            school = School.objects.get(urn=options["school"])
        except School.DoesNotExist as exc:
            raise CommandError(f"No school has URN {options['school']}") from exc
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else clock.today()
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date like 2025-11-19, not {options['as_of']!r}") from exc
        pdf = pack_pdf(school, as_of)
        out = Path(options["out"])
        out.write_bytes(pdf)
        self.stdout.write(f"Wrote {out} ({len(pdf):,} bytes): {school.name}, figures to {as_of:%-d %B %Y}")

"""`attend export ctf --school URN [--upn UPN ...] FILE.xml`: write a Common Transfer File (CTF 25, ctf_write.py).

`attend export marks --format parquet DIR`: the statistics store as Parquet (attend/stats/exports.py).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from attend.registers.imports.ctf import export_ctf
from attend.schools.models import School


class Command(BaseCommand):
    help = (
        "Export pupils, contacts, enrolments and marks of one school as a Common Transfer File (CTF 25 XML)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["ctf", "marks"])
        parser.add_argument("file", help="FILE.xml for ctf; a directory for marks")
        parser.add_argument("--school", type=int, help="URN of the school (ctf; required)")
        parser.add_argument("--format", default="parquet", choices=["parquet"], help="marks: output format")
        parser.add_argument("--upn", action="append", help="only this pupil (repeat for more)")

    def handle(
        self, *args, kind: str, file: str, school: int | None, upn: list[str] | None = None, **options
    ):
        if kind == "marks":
            from attend.stats.exports import export_marks

            out = export_marks(file, format=options["format"])
            self.stdout.write(f"Exported marks to {out}")
            return
        if school is None:
            raise CommandError("ctf export needs --school URN")
        found = School.objects.filter(urn=school).first()
        if found is None:
            raise CommandError(f"unknown school URN {school}")
        count = export_ctf(found, file, upns=upn)
        if upn and count < len(set(upn)):
            self.stderr.write(f"{len(set(upn)) - count} UPN(s) were never on roll at {found.name}")
        self.stdout.write(f"Exported {count} pupil(s) from {found.name} to {file}")

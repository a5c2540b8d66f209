"""`attend export marks --format parquet DIR`: the marks store as Parquet for Spark or any other engine."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from attend.analytics.store import export_parquet
from attend.stats import store


class Command(BaseCommand):
    help = (
        "Export marks as Parquet, partitioned by academic year and school (marks/academic_year=Y/school_id=N/), "
        "with enrolments.parquet and codes.parquet beside them."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["marks"])
        parser.add_argument("directory")
        parser.add_argument("--format", default="parquet", choices=["parquet"])

    def handle(self, *args, what: str, directory: str, **options):
        try:
            store.refresh(force=False)
            out = export_parquet(store.store_dir(), directory)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Exported marks to {out}")

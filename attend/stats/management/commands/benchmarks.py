"""`attend benchmarks import FILE | default | show`: DfE published comparators (OGL v3.0)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from attend.stats import benchmarks


class Command(BaseCommand):
    help = "Load DfE 'Pupil attendance in schools' files (year-to-date or weekly) and show comparators."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "default", "show"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--la", help="DfE 3-digit LA code, for show")
        parser.add_argument("--region", help="region name, for show")
        parser.add_argument("--phase", default="total", help="primary, secondary, special or total")

    def handle(
        self, *args, action: str, file: str | None = None, la=None, region=None, phase="total", **options
    ):
        if action == "import":
            if not file:
                raise CommandError("give the DfE CSV file to import")
            try:
                release = benchmarks.import_file(file)
            except (OSError, benchmarks.BenchmarkFileError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Loaded {release} with {release.rows} rows. {release.attribution}")
        elif action == "default":
            release = benchmarks.ensure_default_snapshot()
            self.stdout.write(f"Default snapshot: {release}. {release.attribution}")
        else:
            for c in benchmarks.comparators(la_code=la, region_name=region, phase=phase):
                method = f" [{c['total_method']}]" if c["total_method"] else ""
                self.stdout.write(
                    f"{c['comparator']:16} {c['area_name']:30} {c['education_phase']:10} "
                    f"absence {c['overall_absence_perc']:.2f}% PA {c['pa_perc'] or 0:.1f}%{method}"
                )

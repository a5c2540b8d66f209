"""attend generate: write a synthetic local authority as the five import files."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from attend.core import clock
from attend.demo.generator import DemoConfig, generate


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"dates are YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Generate a synthetic (obviously fake) local authority as import files: schools.csv, calendar.csv, "
        "pupils.csv, contacts.csv and marks.csv. Marks run from --start (default: the start of the academic "
        "year's autumn term) to --end (default: today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=8000, help="number of pupils (default 8000)")
        parser.add_argument("--schools", type=int, default=20, help="number of schools (default 20)")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed gives the same files"
        )
        parser.add_argument("--out", default=None, help="output folder (default VAR_DIR/demo)")
        parser.add_argument("--start", type=_date, default=None, help="first date with marks (YYYY-MM-DD)")
        parser.add_argument("--end", type=_date, default=None, help="last date with marks (default today)")

    def handle(self, *args, **options):
        out = Path(options["out"] or Path(settings.VAR_DIR) / "demo")
        config = DemoConfig(
            pupils=options["pupils"],
            schools=options["schools"],
            seed=options["seed"],
            start=options["start"],
            end=options["end"] or (None if options["start"] else clock.today()),
        )
        try:
            t0 = time.perf_counter()
            la = generate(config)
            t1 = time.perf_counter()
            rows = la.write(out)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        t2 = time.perf_counter()
        self.stdout.write(
            f"Generated {config.la_name}: {len(la.schools)} schools, {la.pupils.upn.nunique():,} pupils, "
            f"marks {la.start} to {la.end} (seed {config.seed}) in {t1 - t0:.1f} s; written in {t2 - t1:.1f} s"
        )
        for name, count in rows.items():
            self.stdout.write(f"  {out / name}: {count:,} rows")
        return None

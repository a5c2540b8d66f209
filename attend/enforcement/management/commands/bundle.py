"""attend bundle --prosecution ID --out FILE.pdf: a prosecution's evidence bundle, for scripts."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from attend.core import clock
from attend.enforcement.bundle import build_bundle
from attend.enforcement.models import Prosecution


class Command(BaseCommand):
    help = "Write a prosecution's evidence bundle (one indexed, page-numbered PDF) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--prosecution", type=int, required=True, help="the prosecution's number")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="the date the bundle is prepared")
        parser.add_argument("--by", help="the officer's username (default: who decided to prosecute)")

    def handle(self, *args, **options):
        prosecution = (
            Prosecution.objects.select_related("case", "decided_by").filter(pk=options["prosecution"]).first()
        )
        if prosecution is None:
            raise CommandError(f"There is no prosecution {options['prosecution']}.")
        by = prosecution.decided_by
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"There is no user {options['by']!r}.")
        built = build_bundle(prosecution, by=by, as_of=options["as_of"] or clock.today())
        with open(options["out"], "wb") as f:
            f.write(built.pdf)
        self.stdout.write(f"Wrote {options['out']}: {built.pages} pages.")
        for title, page in built.index:
            self.stdout.write(f"  page {page:>3}  {title}")

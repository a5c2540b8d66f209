"""`attend network notify [--date D] [--at HH:MM]`: send today's notices of unexplained absence to the
professional networks of pupils with a social worker or looked after (attend/partnership/network.py). For cron,
e.g. every 15 minutes from 09:00 to 15:00 on school days; a pupil's notice is never sent twice in a day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attend.core import clock
from attend.partnership.network import send_network_notices


class Command(BaseCommand):
    help = "The professional network: `notify` sends the same-day notices of unexplained absence."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        notify = sub.add_parser("notify", help="Send today's notices of unexplained absence to the networks")
        notify.add_argument("--date", help="The school day (YYYY-MM-DD; default today)")
        notify.add_argument("--at", help="The time to act as of (HH:MM; default now, or 17:00 on a past day)")

    def handle(self, *args, action: str, date: str | None = None, at: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else clock.today()
            moment = dt.time.fromisoformat(at) if at else None
        except ValueError as exc:
            raise CommandError(f"--date must be like 2025-11-19 and --at like 10:30: {exc}") from exc
        if moment is not None:
            now = timezone.make_aware(dt.datetime.combine(day, moment))
        elif day == timezone.localdate():
            now = timezone.now()
        else:
            now = timezone.make_aware(dt.datetime.combine(day, clock.AFTER_SCHOOL))
        run = send_network_notices(day, now)
        self.stdout.write(f"Network notices for {day:%A %d %B %Y}: {run}")

"""`attend visits check [--now DATETIME]`: run the lone-worker escalation check once (for cron and tests)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def parse_moment(text: str) -> dt.datetime:
    """An ISO date-time ("2025-11-19T14:16" or "2025-11-19 14:16"); local time unless it says otherwise."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--now: {text!r} is not a date and time like 2025-11-19T14:16") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Home visits: run the lone-worker escalation check once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="Open escalations for missed check-ins, send the steps and messages due, retry failed messages, "
            "and queue the next wake-up for the task worker. Exit 0 also when a message is left to retry.",
        )
        check.add_argument("--now", help="The time to check as of (default: now)")

    def handle(self, *args, **options):
        from attend.visits.escalation import process_due
        from attend.visits.lone import moment

        now = parse_moment(options["now"]) if options.get("now") else moment()
        report = process_due(now)
        for line in report.lines():
            self.stdout.write(line)
        nxt = (
            f"{timezone.localtime(report.next_wake_up):%Y-%m-%d %H:%M}"
            if report.next_wake_up
            else "nothing due"
        )
        self.stdout.write(
            f"Checked as of {timezone.localtime(now):%Y-%m-%d %H:%M}: {len(report.opened)} opened, "
            f"{len(report.steps)} step(s), {len(report.sent)} sent, {len(report.failed)} failed (left to retry). "
            f"Next check: {nxt}."
        )

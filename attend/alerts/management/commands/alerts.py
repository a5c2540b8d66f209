"""`attend alerts evaluate [--as-of DATE] [--school URN]`, `attend alerts list ... --format csv` and
`attend alerts worklist --user NAME [--list mine|team|school|la|all] --format csv`."""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attend.alerts.services import AlertError, alerts_evaluate, alerts_list
from attend.core import clock
from attend.schools.models import LocalAuthority, School

CSV_COLUMNS = [
    "rule",
    "upn",
    "school_urn",
    "raised_on",
    "status",
    "reason",
    "measure",
    "review_context_first",
    "flags",
    "key",
    "last_evaluated_on",
    "evidence_sessions",
    "alert_id",
]


def _as_of(value: str) -> tuple[dt.date, dt.time | None]:
    """DATE (YYYY-MM-DD) or DATETIME (YYYY-MM-DDTHH:MM)."""
    try:
        if "T" in value or " " in value:
            moment = dt.datetime.fromisoformat(value)
            return moment.date(), moment.time()
        return dt.date.fromisoformat(value), None
    except ValueError as exc:
        raise CommandError(
            f"--as-of must be a date like 2025-11-14 or 2025-11-14T09:30, not {value!r}"
        ) from exc


def _school(urn: int | None) -> School | None:
    if urn is None:
        return None
    try:
        return School.objects.get(urn=urn)
    except School.DoesNotExist as exc:
        raise CommandError(f"No school with URN {urn}") from exc


class Command(BaseCommand):
    help = "Evaluate the identification rules, or list alerts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="Evaluate every rule as of a date (replayable)")
        evaluate.add_argument("--as-of", help="DATE or DATETIME (default: now)")
        evaluate.add_argument("--school", type=int, help="Only this school (URN)")
        evaluate.add_argument("--la", help="Only this local authority's schools (3-digit LA code)")
        listing = sub.add_parser("list", help="List alerts")
        listing.add_argument("--rule")
        listing.add_argument("--school", type=int, help="URN")
        listing.add_argument("--status", help="open (new, acknowledged or linked) or one status")
        listing.add_argument("--format", choices=["csv"], default="csv")
        work = sub.add_parser("worklist", help="A work list as CSV, as the web page exports it")
        work.add_argument(
            "--user", required=True, help="whose list (username): scope and routing follow them"
        )
        work.add_argument("--list", choices=["mine", "team", "school", "la", "all"], default="mine")
        work.add_argument("--school", type=int, help="URN (the school list, or narrow any list)")
        work.add_argument("--as-of", help="DATE (default today)")
        work.add_argument("--format", choices=["csv"], default="csv")

    def handle(self, *args, **options):
        if options["action"] == "evaluate":
            self._evaluate(options)
        elif options["action"] == "worklist":
            self._worklist(options)
        else:
            self._list(options)

    def _worklist(self, options):
        from django.contrib.auth import get_user_model

        from attend.alerts import worklist, worklist_csv

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}")
        as_of = _as_of(options["as_of"])[0] if options.get("as_of") else clock.today()
        listing = worklist.work_list(user, options["list"], as_of, school=_school(options.get("school")))
        writer = csv.writer(self.stdout, lineterminator="\n")
        for row in worklist_csv.csv_rows(listing, base=settings.ATTEND_BASE_URL):
            writer.writerow(row)
        self.stderr.write(f"{listing.title} for {user.get_username()} on {as_of}: {listing.total} rows")

    def _evaluate(self, options):
        if options.get("as_of"):
            as_of, at = _as_of(options["as_of"])
        elif pinned := clock.pinned_today():
            as_of, at = pinned, None  # a pinned day (the demo's) is evaluated as at its end
        else:
            now = timezone.localtime()
            as_of, at = now.date(), now.time().replace(microsecond=0)
        la = None
        if options.get("la"):
            la = LocalAuthority.objects.filter(code=options["la"]).first()
            if la is None:
                raise CommandError(f"No local authority with code {options['la']}")
        result = alerts_evaluate(
            as_of=as_of, at=at, school=_school(options.get("school")), local_authority=la
        )
        self.stderr.write(f"Alerts as of {as_of}: {result}")

    def _list(self, options):
        try:
            alerts = alerts_list(
                rule=options.get("rule"), school=_school(options.get("school")), status=options.get("status")
            )
        except AlertError as exc:
            raise CommandError(str(exc)) from exc
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for alert in alerts.iterator(chunk_size=2000):
            writer.writerow(
                [
                    alert.rule,
                    alert.pupil.upn if alert.pupil_id else "",
                    alert.school.urn,
                    alert.raised_on.isoformat(),
                    alert.status,
                    alert.reason,
                    f"{alert.measure:g}",
                    "yes" if alert.review_context_first else "no",
                    " ".join(alert.flags),
                    alert.key,
                    alert.last_evaluated_on.isoformat(),
                    len(alert.evidence),
                    alert.pk,
                ]
            )

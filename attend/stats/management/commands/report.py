"""`attend report pupils|schools|groups|weekday|week|month --from DATE --to DATE`: DfE-exact figures as CSV."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from attend.analytics.measures import COHORTS, DEFAULT_COHORT
from attend.schools.models import School
from attend.stats import queries


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Attendance figures per enrolment (pupils), per school (schools), per group (groups --by FIELD), or by "
        "weekday / ISO week / month. Dates are inclusive; --to alone means year to date; cohort defaults to "
        "compulsory school age."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["pupils", "schools", "groups", "weekday", "week", "month"])
        parser.add_argument("--from", dest="start")
        parser.add_argument("--to", dest="end")
        parser.add_argument("--as-of", dest="as_of", help="year to date as of this date")
        parser.add_argument("--by", action="append", help="group field (groups; optional for periods)")
        parser.add_argument("--cohort", default=DEFAULT_COHORT, choices=list(COHORTS))
        parser.add_argument("--school", action="append", type=int, help="school URN (repeatable)")
        parser.add_argument("--format", default="csv", choices=["csv", "json"])
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(
        self,
        *args,
        report: str,
        start=None,
        end=None,
        as_of=None,
        by=None,
        cohort=DEFAULT_COHORT,
        school=None,
        format="csv",
        output=None,
        **options,
    ):
        end = _date(end or as_of) if (end or as_of) else None
        start = _date(start) if start else None
        if start and end and end < start:
            raise CommandError("--to is before --from")
        schools = None
        if school:
            schools = list(School.objects.filter(urn__in=school).values_list("id", flat=True))
            if len(schools) != len(set(school)):
                raise CommandError("unknown school URN")
        kwargs = {"schools": schools, "cohort": cohort}
        try:
            if report == "pupils":
                df = queries.enrolment_measures(start, end, **kwargs)
            elif report == "schools":
                df = queries.school_measures(start, end, **kwargs)
            elif report == "groups":
                if not by:
                    raise CommandError("groups needs --by FIELD (e.g. --by fsm, --by nc_year, --by la)")
                df = queries.group_measures(by, start, end, **kwargs)
            elif report == "week":
                df = queries.weekly_trend(start, end, by=by or (), **kwargs)
            else:
                df = queries.period_breakdown(report, start, end, by=by or (), **kwargs)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        text = df.to_csv(index=False) if format == "csv" else df.to_json(orient="records", date_format="iso")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")

"""`attend retention report [--as-of DATE]` (dry run) and `attend retention apply --as-of DATE --confirm`.

See attend/privacy/retention.py for the schedule and docs/privacy.md for the policy behind it.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from attend.core import clock
from attend.privacy.retention import report_text, retention_apply, retention_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date in the form YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Report (dry run) or apply the retention schedule: delete personal data that is due for deletion."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["report", "apply"])
        parser.add_argument("--as-of", help="the date to apply the schedule on (default: today)")
        parser.add_argument("--confirm", action="store_true", help="apply: really delete")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="report: print JSON instead of a table"
        )
        parser.add_argument("--user", help="apply: username to record in the audit trail")

    def handle(
        self, *args, action: str, as_of: str | None, confirm: bool, as_json: bool, user: str | None, **o
    ):
        if action == "apply":
            if not as_of:
                raise CommandError("apply needs --as-of DATE (deleting is never done on an implied date)")
            if not confirm:
                raise CommandError(
                    "apply deletes personal data for good: run `attend retention report --as-of "
                    f"{as_of}` first, then add --confirm"
                )
            by = None
            if user:
                from django.contrib.auth import get_user_model

                by = get_user_model().objects.filter(username=user).first()
                if by is None:
                    raise CommandError(f"no user called {user!r}")
            result = retention_apply(as_of=_date(as_of), by=by)
            self.stdout.write(result.summary())
            return
        day = _date(as_of) if as_of else clock.today()
        reports = retention_report(as_of=day)
        if as_json:
            self.stdout.write(_as_json(reports, day))
        else:
            self.stdout.write(report_text(reports, as_of=day))


def _as_json(reports, day: dt.date) -> str:
    return json.dumps(
        {
            "as_of": day.isoformat(),
            "categories": [
                {
                    "category": r.category.name,
                    "rows": r.rows,
                    "oldest": r.oldest.isoformat() if r.oldest else None,
                    "by_school": [{"school": s, "rows": n} for s, n in r.by_school],
                    "rule": r.category.kept,
                    "source": r.category.source,
                    "note": r.note,
                }
                for r in reports
            ],
        },
        indent=1,
    )

"""After every committed import of register data, evaluate the rules for the schools it touched.

Connected in AlertsConfig.ready to attend.registers.signals.import_completed (registers never imports alerts).
`ALERTS_AFTER_IMPORT` (settings) chooses how: "task" (default: queue attend.alerts.tasks.evaluate_schools for the
worker), "inline" (evaluate now, in the importing process: the command line and tests) or "off".

Which schools and which day: an ImportResult that reports `school_ids` and `latest_date` (the latest marked date)
narrows the evaluation to those schools (and, for a load of an earlier school year, to that year's last marked day);
without them, every school is evaluated as of today. The scheduled evaluation (docs/alerts.md, "Schedule") catches anything else.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings

from attend.core import clock

log = logging.getLogger(__name__)

# Imports that change what the rules see: marks, pupils and enrolments (age, on roll, vulnerability), calendars.
EVALUATING_KINDS = frozenset({"marks", "ctf", "pupils", "calendar"})


def evaluation_args(result) -> tuple[list[int] | None, str | None]:
    """(school ids or None for all, as-of date or None for today) for an import's result."""
    school_ids = getattr(result, "school_ids", None)
    latest = getattr(result, "latest_date", None)
    today = clock.today()
    this_year = dt.date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    as_of = None
    if isinstance(latest, dt.date) and latest < this_year:
        # A load of an earlier school year: evaluate as at its last day. Anything in this school year (a day's
        # registers, a correction of last month) is evaluated as of today, with all the marks already held.
        as_of = latest.isoformat()
    return (sorted(school_ids) if school_ids else None), as_of


def on_import_completed(sender, kind: str, result, **kwargs) -> None:
    mode = getattr(settings, "ALERTS_AFTER_IMPORT", "task")
    if kind not in EVALUATING_KINDS or mode == "off":
        return
    school_ids, as_of = evaluation_args(result)
    from .tasks import evaluate_schools

    if mode == "inline":
        outcome = evaluate_schools.call(school_ids=school_ids, as_of=as_of)
        log.info("Alerts after the %s import: %s", kind, outcome["summary"])
        return
    if not _already_waiting(evaluate_schools, school_ids, as_of):
        evaluate_schools.enqueue(school_ids=school_ids, as_of=as_of)


def _already_waiting(task, school_ids, as_of) -> bool:
    """Is the same evaluation (or one of every school on the same day) already queued and not yet started? A
    demo load or a batch of files then costs one evaluation, not one per file."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY").values_list(
        "args_kwargs", flat=True
    )
    for args_kwargs in waiting:
        queued = (args_kwargs or {}).get("kwargs", {})
        if queued.get("as_of") == as_of and queued.get("school_ids") in (None, school_ids):
            return True
    return False

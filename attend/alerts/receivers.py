"""After every committed import of register data, evaluate the rules for the schools it touched.

Connected in AlertsConfig.ready to attend.registers.signals.import_completed (registers never imports alerts).
`ALERTS_AFTER_IMPORT` (settings) chooses how: "task" (default: queue attend.alerts.tasks.evaluate_schools for the
worker), "inline" (evaluate now, in the importing process: the command line and tests) or "off".

Which schools and which day: an ImportResult that reports `school_ids` and `latest_date` (the latest marked date)
narrows the evaluation to those schools (and, for a load of an earlier school year, to that year's last marked day);
without them, every school is evaluated as of today. A marks import also reports `enrolment_ids`: only those
enrolments' pupil rules are evaluated (with the schools' school-level rules). An evaluation waiting in the queue
absorbs later imports (merge_into_waiting). The scheduled evaluation (docs/alerts.md, "Schedule") catches anything else.
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


def narrowed_to(kind: str, result) -> list[int] | None:
    """The enrolments a marks import carried (only they need their pupil rules evaluated again), or None for a
    whole-school evaluation (pupils, CTF and calendar imports change what every pupil's rules see)."""
    ids = getattr(result, "enrolment_ids", None)
    return sorted(ids) if kind == "marks" and ids is not None else None


def on_import_completed(sender, kind: str, result, **kwargs) -> None:
    mode = getattr(settings, "ALERTS_AFTER_IMPORT", "task")
    if kind not in EVALUATING_KINDS or mode == "off":
        return
    school_ids, as_of = evaluation_args(result)
    enrolment_ids = narrowed_to(kind, result)
    from .tasks import evaluate_schools

    if mode == "inline":
        outcome = evaluate_schools.call(school_ids=school_ids, as_of=as_of, enrolment_ids=enrolment_ids)
        log.info("Alerts after the %s import: %s", kind, outcome["summary"])
        return
    if not merge_into_waiting(evaluate_schools, school_ids, as_of, enrolment_ids):
        evaluate_schools.enqueue(school_ids=school_ids, as_of=as_of, enrolment_ids=enrolment_ids)


def _union(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    """None means all (every school; every enrolment of the schools)."""
    return None if a is None or b is None else sorted(set(a) | set(b))


def _covers(queued: dict, school_ids, enrolment_ids) -> bool:
    schools, enrolments = queued.get("school_ids"), queued.get("enrolment_ids")
    if schools is not None and (school_ids is None or not set(school_ids) <= set(schools)):
        return False
    return enrolments is None or (enrolment_ids is not None and set(enrolment_ids) <= set(enrolments))


def merge_into_waiting(task, school_ids, as_of, enrolment_ids) -> bool:
    """Fold this evaluation into one already queued for the same day and not yet started: its schools and
    enrolments become the union of both (None, all, wins). Several imports landing while an evaluation waits
    then cost one evaluation. The waiting row is re-read locked and still READY (the worker claims under the
    same lock), so a task the worker has started is never changed: then this returns False and the caller
    queues a new one."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    for pk, args_kwargs in waiting.order_by("enqueued_at").values_list("pk", "args_kwargs"):
        if (args_kwargs or {}).get("kwargs", {}).get("as_of") != as_of:
            continue
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update().filter(pk=pk, status="READY").first()
            if row is None:
                continue  # claimed by the worker meanwhile
            queued = row.args_kwargs["kwargs"]
            if _covers(queued, school_ids, enrolment_ids):
                return True
            row.args_kwargs = {
                **row.args_kwargs,
                "kwargs": {
                    **queued,
                    "school_ids": _union(queued.get("school_ids"), school_ids),
                    "enrolment_ids": _union(queued.get("enrolment_ids"), enrolment_ids),
                },
            }
            row.save(update_fields=["args_kwargs"])
            return True
    return False

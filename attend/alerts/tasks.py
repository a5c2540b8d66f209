"""Background evaluation of the rules (django-tasks, database backend; run by `attend db_worker`).

An import of register data is followed by `evaluate_schools` for the schools it touched, queued by the
`import_completed` receiver (receivers.py); after a marks import only for the enrolments the file carried
(`enrolment_ids`), with the school-level rules of their schools. A full evaluation reads up to a year of marks per
school: too slow for the request that uploaded the file, fine for the worker.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def evaluate_schools(
    school_ids: list[int] | None = None, as_of: str | None = None, enrolment_ids: list[int] | None = None
) -> dict:
    """Evaluate every rule for these schools (all schools if None) as of a date (ISO; default today, at the time
    the task runs); with `enrolment_ids`, only those enrolments' pupil rules and the schools' school-level rules.
    Returns the summary counts."""
    from .evaluation import alerts_evaluate

    day = dt.date.fromisoformat(as_of) if as_of else _today()
    total = alerts_evaluate(as_of=day, school_ids=school_ids, enrolment_ids=enrolment_ids)
    return {"as_of": day.isoformat(), "summary": str(total), **vars(total)}


def _today() -> dt.date:
    from attend.core import clock

    return clock.today()

"""Background evaluation of the rules (django-tasks, database backend; run by `attend db_worker`).

An import of register data is followed by `evaluate_schools` for the schools it touched, queued by the
`import_completed` receiver (receivers.py). A full evaluation reads up to a year of marks per school (about 2.5 s for
the 8,000-pupil demo LA, so about a minute for a 20-million-mark LA): too slow for the request that uploaded the file,
fine for the worker.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def evaluate_schools(school_ids: list[int] | None = None, as_of: str | None = None) -> dict:
    """Evaluate every rule for these schools (all schools if None) as of a date (ISO; default today, at the time
    the task runs). Returns the summary counts."""
    from attend.schools.models import School

    from .services import EvaluationResult, alerts_evaluate

    day = dt.date.fromisoformat(as_of) if as_of else None
    total = EvaluationResult()
    if school_ids is None:
        total = alerts_evaluate(as_of=day or _today())
    else:
        for school in School.objects.filter(pk__in=school_ids).order_by("urn"):
            total.add(alerts_evaluate(as_of=day or _today(), school=school))
    return {"as_of": (day or _today()).isoformat(), "summary": str(total), **vars(total)}


def _today() -> dt.date:
    from attend.core import clock

    return clock.today()

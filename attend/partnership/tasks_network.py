"""Background sending of the same-day network notices (django-tasks; `attend db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_network_notices_task(day: str | None = None) -> dict:
    """Send the notices due now for `day` (ISO; default today). Returns the counts."""
    import datetime as dt

    from django.utils import timezone

    from attend.core import clock

    from .network import send_network_notices

    when = dt.date.fromisoformat(day) if day else clock.today()
    now = timezone.now() if when == timezone.localdate() else clock.now()
    run = send_network_notices(when, now)
    return {"day": when.isoformat(), "summary": str(run), **vars(run)}

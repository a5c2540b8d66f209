"""Whether the dashboards' figures include a finished import yet (the statistics store is brought up to date in the
background after each import: attend.stats.store.update)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Job

# After this long the job page stops waiting for the figures (the worker may be stopped; the page says so).
WAIT_AT_MOST = dt.timedelta(minutes=10)


def figures_for(job: Job) -> dict | None:
    """None unless the job is a finished import. Else {"at": when the figures came to include it, or None;
    "after": seconds after the import finished; "waiting": whether the page should keep checking}."""
    run_id = (job.result or {}).get("import_run_id")
    if job.kind != Job.Kind.IMPORT or job.status != Job.Status.DONE or not run_id or not job.finished_at:
        return None
    from attend.stats import store

    at = store.figures_include(run_id)
    if at is None:
        return {"at": None, "after": None, "waiting": timezone.now() - job.finished_at < WAIT_AT_MOST}
    return {"at": at, "after": max(0, round((at - job.finished_at).total_seconds())), "waiting": False}

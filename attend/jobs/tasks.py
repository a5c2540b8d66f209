"""The work behind each job, run by the task worker (`attend db_worker`; django-tasks with the database backend)."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path

import pandas as pd
from django.conf import settings
from django_tasks import task

from .models import Job
from .services import job_fail, job_finish, job_progress, job_started

log = logging.getLogger(__name__)


@task()
def run_import(job_id: int) -> dict:
    """Import the uploaded file of an import job, reporting each step to the job."""
    from attend.registers.imports import ImportFailed, import_file

    job = Job.objects.select_related("created_by").get(pk=job_id)
    job_started(job)
    kind = job.params["import_kind"]
    path = Path(settings.VAR_DIR) / job.params["path"]
    try:
        # The importer checks every row against the uploader's scope as it reads it (attend.registers.imports).

        def progress(done: int, total: int, what: str) -> None:
            job_progress(job, done, total, what)

        result = import_file(kind, path, user=job.created_by, progress=progress)
    except ImportFailed as failed:
        job_fail(
            job,
            summary=f"{failed.total} problem{'s' if failed.total != 1 else ''} found; nothing was imported.",
            problems=failed.messages,
            total=failed.total,
        )
        return {"status": "failed", "problems": failed.total}
    except Exception as exc:
        log.exception("import job %s stopped", job.pk)
        job_fail(job, summary=f"The import stopped with an error and nothing was imported: {exc}")
        raise
    summary = (
        f"{result.rows} row{'s' if result.rows != 1 else ''}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    job_finish(
        job,
        summary=summary,
        result={
            "detail": result.summary(),
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "seconds": round(result.seconds, 1),
            "notes": result.notes[:1000],
        },
    )
    return {"status": "done", "summary": summary}


@task()
def build_report(job_id: int) -> dict:
    """Build a statistics CSV over the job's schools (figures from attend.stats, refreshed first if stale)."""
    from attend.stats import queries

    job = Job.objects.get(pk=job_id)
    job_started(job)
    report, end = job.params["report"], dt.date.fromisoformat(job.params["end"])
    schools = job.params["schools"]
    try:
        job_progress(job, 0, 2, "Calculating the figures")
        if not schools:
            df = pd.DataFrame()
        elif report == "schools":
            df = queries.school_measures(end=end, schools=schools)
        else:
            df = queries.enrolment_measures(end=end, schools=schools, extras=True)
        job_progress(job, 1, 2, "Writing the file")
        relative = Path("reports") / str(job.pk) / f"{report}-{end.isoformat()}.csv"
        path = Path(settings.VAR_DIR) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    except Exception as exc:
        log.exception("report job %s stopped", job.pk)
        job_fail(job, summary=f"The report stopped with an error: {exc}")
        raise
    job_finish(
        job,
        summary=f"{len(df)} row{'s' if len(df) != 1 else ''} over {len(schools)} schools, to {end:%-d %B %Y}.",
        result={"rows": len(df)},
        output_file=str(relative),
    )
    return {"status": "done", "rows": len(df)}

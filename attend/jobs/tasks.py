"""The work behind each job, run by the task worker (`attend db_worker`; django-tasks with the database backend)."""

from __future__ import annotations

import csv
import datetime as dt
import logging
import secrets
from pathlib import Path

import pandas as pd
from django.conf import settings
from django_tasks import task

from .files import delete_upload
from .models import Job
from .report_columns import for_people
from .services import import_covered, job_fail, job_finish, job_progress, job_started, schools_phrase
from .uploads import open_private, private_folder

log = logging.getLogger(__name__)


def error_reference(job: Job) -> str:
    """A short reference the job page shows and the server log's traceback carries, to find one in the other."""
    return f"J{job.pk}-{secrets.token_hex(3).upper()}"


def _stopped(job: Job, what: str) -> str:
    """Log the exception being handled, with its traceback, and return the page's plain message."""
    reference = error_reference(job)
    log.exception("%s job %s stopped with an unexpected error (reference %s)", job.kind, job.pk, reference)
    return f"{what} Reference: {reference} (give it to your system administrator)."


@task()
def run_import(job_id: int) -> dict:
    """Import the uploaded file of an import job, reporting each step to the job. The uploaded file is deleted
    when the job has finished, however it finished."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        return _run_import(job)
    finally:
        delete_upload(job)


def _run_import(job: Job) -> dict:
    from attend.registers.imports import ImportFailed, import_file

    job_started(job)
    kind = job.params["import_kind"]
    path = Path(settings.VAR_DIR) / job.params["path"]
    if not path.is_file():
        job_fail(
            job,
            summary="The uploaded file is no longer on the server; nothing was imported. Upload it again.",
        )
        return {"status": "failed", "problems": 0}
    try:
        # The importer checks every row against the uploader's scope as it reads it (attend.registers.imports).

        def progress(done: int, total: int, what: str) -> None:
            job_progress(job, done, total, what)

        profile = _profile_of(job)
        result = import_file(
            kind, path, user=job.created_by, progress=progress, source="web", profile=profile
        )
    except ImportFailed as failed:
        job_fail(
            job,
            summary=f"{failed.total} problem{'s' if failed.total != 1 else ''} found; nothing was imported.",
            problems=failed.messages,
            total=failed.total,
        )
        return {"status": "failed", "problems": failed.total}
    except Exception:
        job_fail(
            job, summary=_stopped(job, "The import stopped with an unexpected error; nothing was imported.")
        )
        raise
    import_covered(job, result)
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
            "import_run_id": result.import_run_id,
        },
    )
    return {"status": "done", "summary": summary}


def _profile_of(job: Job):
    """The profile an MIS report is read with (attend/jobs/drafts.py), or None for a file in Attend's own layouts:
    the spec previewed, not looked up again by name (a profile changed since the preview cannot change what this
    import reads), named so the import run records the profile's name in the same write."""
    chosen = job.params.get("profile")
    if not chosen:
        return None
    from attend.registers.imports.profiles import NamedProfile, ProfileSpec

    spec = ProfileSpec.from_json(chosen["spec"])
    if not chosen.get("name"):
        return spec  # a mapping made for this file only
    return NamedProfile(name=chosen["name"], spec=spec, owner="", shipped=False)


@task()
def build_report(job_id: int) -> dict:
    """Build a statistics CSV over the job's schools (figures from attend.stats, refreshed first if stale).
    The file is owner-only (0600) and deleted after ATTEND_RETENTION_REPORT_DAYS (attend/jobs/files.py)."""
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
        private_folder(path.parent)
        path.unlink(missing_ok=True)  # a retried task writes the file afresh
        with open_private(path) as out:
            for_people(df).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
    except Exception:
        job_fail(job, summary=_stopped(job, "The report stopped with an unexpected error."))
        raise
    job_finish(
        job,
        summary=f"{len(df)} row{'s' if len(df) != 1 else ''} over {schools_phrase(len(schools))}, "
        f"to {end:%-d %B %Y}.",
        result={"rows": len(df)},
        output_file=str(relative),
    )
    return {"status": "done", "rows": len(df)}

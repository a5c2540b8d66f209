"""The files jobs keep under VAR_DIR, and for how long (docs/privacy.md, the retention schedule).

- Uploaded import files (`uploads/<job>/`) are deleted by the task as soon as its import has finished, imported
  or refused. The retention schedule removes any left behind: by a job that finished without removing it, whose
  job is gone, or whose job has been waiting or running for more than ABANDONED_DAYS (its worker was stopped).
  A draft (an MIS report uploaded and never imported, attend/jobs/drafts.py) is such a job: after ABANDONED_DAYS
  its file and the draft itself are deleted.
- Built reports (`reports/<job>/`) are kept ATTEND_RETENTION_REPORT_DAYS days (7 by default) after they were built,
  for downloading, then deleted by the retention schedule; the job page then says to build the report again.

Both are written owner read/write only (0600, attend/jobs/uploads.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Job

ABANDONED_DAYS = 2


def uploads_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "reports"


def report_days() -> int:
    return getattr(settings, "ATTEND_RETENTION_REPORT_DAYS", 7)


def delete_upload(job: Job) -> None:
    """Remove the job's uploaded file and its folder (nothing if already gone)."""
    shutil.rmtree(uploads_dir() / str(job.pk), ignore_errors=True)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def reports_due(as_of: dt.date) -> QuerySet:
    """Report jobs whose file was built before the start of the day `report_days()` before `as_of`: a report
    built on 18 November is kept to the end of 25 November (7 days) and due on 26 November."""
    cutoff = _start_of(as_of - dt.timedelta(days=report_days()))
    return Job.objects.filter(kind=Job.Kind.REPORT, finished_at__lt=cutoff).exclude(output_file="")


def delete_reports(jobs: QuerySet) -> int:
    """Delete the jobs' report files and forget them (the job page then offers no download)."""
    due = list(jobs.values_list("pk", flat=True))
    for pk in due:
        shutil.rmtree(reports_dir() / str(pk), ignore_errors=True)
    Job.objects.filter(pk__in=due).update(output_file="")
    return len(due)


@dataclass(frozen=True)
class LeftUpload:
    folder: Path
    job_created: dt.datetime | None


def uploads_due(as_of: dt.date) -> list[LeftUpload]:
    """Upload folders still on disk whose job has finished, is gone, or was created more than ABANDONED_DAYS
    before `as_of` (a job waiting or running that long has lost its worker)."""
    root = uploads_dir()
    if not root.is_dir():
        return []
    folders = {int(p.name): p for p in root.iterdir() if p.is_dir() and p.name.isdigit()}
    jobs = {j.pk: j for j in Job.objects.filter(pk__in=list(folders)).only("pk", "status", "created_at")}
    abandoned = _start_of(as_of - dt.timedelta(days=ABANDONED_DAYS))
    due = []
    for pk, folder in sorted(folders.items()):
        job = jobs.get(pk)
        if job is None or job.is_finished or job.created_at < abandoned:
            due.append(LeftUpload(folder, job.created_at if job else None))
    return due


def delete_uploads(due: list[LeftUpload]) -> int:
    for left in due:
        shutil.rmtree(left.folder, ignore_errors=True)
    # A draft whose file has gone can never be imported: it goes with its file.
    pks = [int(left.folder.name) for left in due]
    Job.objects.filter(pk__in=pks, status=Job.Status.DRAFT).delete()
    return len(due)

"""Starting background jobs and recording their progress. Views call these; tasks.py runs the work."""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from attend import audit
from attend.accounts.identity import sees_every_school  # the one answer; jobs.scope/tasks import it here
from attend.core.scoping import schools_visible_to

from .files import uploads_dir
from .models import Job
from .uploads import store_upload

# Import kinds offered on the web page. Schools and CTF files change schools and pupils across the whole service,
# so only someone who sees every school (a system administrator) may upload them here.
WEB_IMPORT_KINDS = {
    "profile": "Register report from your MIS (any layout)",
    "marks": "Attendance marks (marks.csv)",
    "pupils": "Pupils and enrolments (pupils.csv)",
    "contacts": "Contacts (contacts.csv)",
    "calendar": "Term dates and closures (calendar.csv)",
    "schools": "Schools (schools.csv)",
    "ctf": "Common Transfer File (XML)",
}
WHOLE_SERVICE_KINDS = {"schools", "ctf"}
# What each kind of file holds, in words a school user knows (the import page; issue 23 item 19).
IMPORT_KIND_HOLDS = {
    "profile": "The attendance register as your MIS exports it, in any layout: you match its columns to Attend's "
    "once, see the first rows, then import. You can save the matching for next time.",
    "marks": "Attendance marks in Attend's own layout: one row per pupil per session, with the date, AM or PM and "
    "the register code.",
    "pupils": "The pupils on your admission register: names, date of birth, year group, when they joined and left.",
    "contacts": "Parents and carers: who to contact about each pupil, and how.",
    "calendar": "Your school's term dates, INSET days and planned closures.",
    "schools": "The schools Attend covers, their local authority and trust.",
    "ctf": "A Common Transfer File sent between schools when a pupil moves, with their details and marks.",
}
REPORTS = {
    "schools": "Schools: DfE attendance and absence figures, one row per school",
    "pupils": "Pupils: attendance, absence, persistent and severe absence, one row per enrolment",
}


def import_kinds_for(user) -> dict[str, str]:
    whole = sees_every_school(user)
    return {k: v for k, v in WEB_IMPORT_KINDS.items() if whole or k not in WHOLE_SERVICE_KINDS}


def import_kinds_described(kinds: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(k, label, IMPORT_KIND_HOLDS.get(k, "")) for k, label in kinds.items()]


def jobs_visible_to(user):
    """Jobs a person started (superusers see every job). Drafts (an MIS report whose columns are being matched,
    attend/jobs/drafts.py) are not jobs yet: only their uploader opens them, from their own pages."""
    jobs = Job.objects.exclude(status=Job.Status.DRAFT)
    if user.is_superuser:
        return jobs
    return jobs.filter(created_by=user)


def get_job_for_user(user, pk: int) -> Job:
    try:
        return jobs_visible_to(user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404("No such job.") from None


def schools_phrase(n: int) -> str:
    """'1 school', '20 schools'."""
    return f"{n} school{'s' if n != 1 else ''}"


def _scope_label(schools) -> str:
    return schools_phrase(len(schools))


@transaction.atomic
def job_import_start(*, user, kind: str, upload: UploadedFile) -> Job:
    """Store the uploaded file under VAR_DIR/uploads/<job>/ and queue the import (attend.jobs.tasks.run_import).

    The file is stored decompressed and within the upload limits (attend.jobs.uploads); UploadRefused means no job
    was created and nothing was kept. The task deletes the file when the import has finished."""
    from .tasks import run_import

    if kind not in import_kinds_for(user) or kind == "profile":
        raise ValueError(f"You cannot import {kind} files here.")
    schools = list(schools_visible_to(user).values_list("pk", flat=True))
    default_name = f"{kind}.{'xml' if kind == 'ctf' else 'csv'}"
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        title=f"Import {kind}",
        params={"import_kind": kind, "schools": schools},
        # The schools the file covered are known once it is read (import_covered): not every school the
        # uploader may import for (issue 23: "covering 20 schools" on a one-school file).
        scope="",
        message="Waiting for the task worker to start",
        created_by=user,
    )
    # One folder per job, so problems name the file as the person uploaded it (`pupils.csv:3: ...`).
    folder = uploads_dir() / str(job.pk)
    try:
        path = store_upload(upload, folder, default_name=default_name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job.title = f"Import {kind} from {path.name}"
    job.params.update(file_name=path.name, path=str(path.relative_to(settings.VAR_DIR)))
    job.task_id = str(run_import.enqueue(job.pk).id)
    job.save(update_fields=["title", "params", "task_id"])
    audit.record(
        "jobs.import.started",
        by=user,
        obj=job,
        data={"kind": kind, "file": path.name, "sent_as": upload.name},
    )
    return job


@transaction.atomic
def job_report_start(*, user, report: str, end) -> Job:
    """Queue a statistics report over the schools the person can see (attend.jobs.tasks.build_report)."""
    from .tasks import build_report

    if report not in REPORTS:
        raise ValueError(f"Unknown report {report!r}")
    schools = list(schools_visible_to(user).values_list("pk", flat=True))
    job = Job.objects.create(
        kind=Job.Kind.REPORT,
        title=f"{report.capitalize()} report to {end:%-d %B %Y}",
        params={"report": report, "end": end.isoformat(), "schools": schools},
        scope=_scope_label(schools),
        message="Waiting for the task worker to start",
        created_by=user,
    )
    job.task_id = str(build_report.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    audit.record("jobs.report.started", by=user, obj=job, data={"report": report, "schools": len(schools)})
    return job


def import_covered(job: Job, result) -> None:
    """Say which schools an import covered: the schools whose registers it carried (ImportResult.school_ids, or
    the ImportRun's schools). An import that does not know (pupils, contacts) says nothing rather than a guess."""
    school_ids = set(result.school_ids or ())
    if not school_ids and result.import_run_id:
        from attend.registers.models import ImportRun

        school_ids = set(
            ImportRun.schools.through.objects.filter(importrun_id=result.import_run_id).values_list(
                "school_id", flat=True
            )
        )
    job.scope = schools_phrase(len(school_ids)) if school_ids else ""
    Job.objects.filter(pk=job.pk).update(scope=job.scope)


def job_progress(job: Job, done: int, total: int, message: str) -> None:
    """Record progress (one UPDATE; the job page polls it)."""
    job.progress_done, job.progress_total, job.message = done, max(total, 1), message[:300]
    Job.objects.filter(pk=job.pk).update(
        progress_done=job.progress_done, progress_total=job.progress_total, message=job.message
    )


def job_started(job: Job) -> None:
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    Job.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at, message="Starting")


def job_finish(job: Job, *, summary: str, result: dict | None = None, output_file: str = "") -> None:
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    job.summary, job.result, job.output_file = summary, result or {}, output_file
    job.progress_done = job.progress_total
    job.message = "Finished"
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "summary",
            "result",
            "output_file",
            "progress_done",
            "message",
        ]
    )


def job_fail(job: Job, *, summary: str, problems: list[str] | None = None, total: int | None = None) -> None:
    job.status, job.finished_at = Job.Status.FAILED, timezone.now()
    job.summary, job.problems = summary, problems or []
    job.problems_total = len(job.problems) if total is None else total
    job.message = "Stopped"
    job.save(update_fields=["status", "finished_at", "summary", "problems", "problems_total", "message"])

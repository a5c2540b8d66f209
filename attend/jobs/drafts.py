"""Register reports from a school's MIS, imported through an import profile (issue 21): the draft between the
upload and the import.

Uploading a report makes a draft: a Job with status DRAFT whose file is stored like any upload (one folder per
job, within the upload limits, attend/jobs/uploads.py). The uploader matches the columns (or picks a profile),
previews the first rows as Attend will read them, and imports: the draft becomes a queued import job whose
params hold the profile (spec JSON and name), run by tasks.run_import. Nothing is written before "Import".

Only the uploader opens a draft (404 for anyone else, superusers included: the file is theirs). A draft nobody
imports is removed by the upload retention (attend/jobs/files.py): its folder and its row go when it is more than
ABANDONED_DAYS old, like any upload whose job never ran.

The reading (sniff, preview) and the profiles (profiles_for, save_profile) are the engine's,
attend.registers.imports.profiles.
"""

from __future__ import annotations

import codecs
import csv
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404

from attend import audit
from attend.core.scoping import schools_visible_to

from .files import delete_upload, uploads_dir
from .models import Job
from .uploads import CHUNK, UploadRefused, max_expanded_bytes, open_private, size_text, store_upload

PROFILE_KIND = "profile"
SAMPLE_ROWS = 20
# What can go wrong when reading a file that is not what it says (a spreadsheet saved as .csv, a PDF, binary).
UNREADABLE = (ValueError, UnicodeError, csv.Error, OSError, IndexError, KeyError)


def engine():
    """The profiles engine (imported late: it is another module's, and reads pyarrow)."""
    from attend.registers.imports import profiles

    return profiles


def import_failed():
    from attend.registers.imports import ImportFailed

    return ImportFailed


def draft_path(job: Job) -> Path:
    return Path(settings.VAR_DIR) / job.params["path"]


@dataclass
class Opened:
    """A draft and what its file looks like (engine.sniff's Sniffed)."""

    job: Job
    sniffed: object


def _unreadable(name: str, reason: str) -> UploadRefused:
    return UploadRefused(f"{name} could not be read as a register report: {reason}")


def sniff_or_refuse(path: Path, name: str):
    """The file's header and first rows, or UploadRefused saying in plain words why it cannot be read."""
    if path.stat().st_size == 0:
        raise UploadRefused(f"{name} is empty. Export the register report again and upload that file.")
    try:
        sniffed = engine().sniff(path, rows=SAMPLE_ROWS)
    except import_failed() as failed:
        raise _unreadable(name, "; ".join(failed.messages[:3])) from None
    except UNREADABLE as exc:
        raise _unreadable(name, "it is not a CSV file (save the report as CSV from your MIS).") from exc
    header = [h for h in (sniffed.header or []) if str(h).strip()]
    if not header:
        raise _unreadable(name, "no header row was found (save the report as CSV from your MIS).")
    if not sniffed.rows:
        raise UploadRefused(f"{name} has a header row but no rows of marks below it. Nothing was imported.")
    return sniffed


def as_utf8(path: Path) -> list[str]:
    """Store the file as UTF-8. Excel's "CSV" and many MIS exports are Windows-1252 ("ANSI") text, where a name
    like Renée is not UTF-8: such a file is rewritten as UTF-8, chunk by chunk (one byte is one character, so no
    character is split). Returns a note for the page, or nothing when the file already was UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return []
    except UnicodeDecodeError:
        pass
    converted = path.with_name(path.name + ".utf8")
    try:
        with path.open("rb") as f, open_private(converted) as out:
            while chunk := f.read(CHUNK):
                out.write(chunk.decode("cp1252", errors="strict").encode("utf-8"))
    except UnicodeDecodeError:
        converted.unlink(missing_ok=True)
        return []  # not text in either: the reading says so
    if converted.stat().st_size > max_expanded_bytes():
        converted.unlink(missing_ok=True)
        raise UploadRefused(
            f"{path.name} is larger than {size_text(max_expanded_bytes())} once read as UTF-8 text, the most "
            "Attend imports from one file. Nothing was imported.",
            too_large=True,
        )
    os.replace(converted, path)
    return [
        "The file was saved as Windows (ANSI) text, not UTF-8: Attend read it as Windows text. Check that names "
        "with accents look right in the rows below."
    ]


@transaction.atomic
def draft_start(*, user, upload: UploadedFile) -> Job:
    """Store an uploaded register report as a draft import. UploadRefused (nothing kept) if it is too large,
    an archive, empty, header-only or not a CSV file."""
    schools = list(schools_visible_to(user).values_list("pk", flat=True))
    job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        status=Job.Status.DRAFT,
        title="Import a register report",
        params={"import_kind": "marks", "profile_draft": True, "schools": schools},
        scope="",  # the schools the file covered, once imported (services.import_covered)
        message="Match the columns, preview, then import",
        created_by=user,
    )
    folder = uploads_dir() / str(job.pk)
    try:
        path = store_upload(upload, folder, default_name="register.csv")
        notes = as_utf8(path)
        sniff_or_refuse(path, path.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job.title = f"Import marks from {path.name}"
    job.params.update(
        file_name=path.name, path=str(path.relative_to(settings.VAR_DIR)), sent_as=upload.name, notes=notes
    )
    job.save(update_fields=["title", "params"])
    return job


def get_draft_for_user(user, pk: int) -> Job:
    """The user's own draft (404 for anyone else's, and for a draft already imported or expired)."""
    job = Job.objects.filter(pk=pk, status=Job.Status.DRAFT, created_by=user).first()
    if job is None or not user.is_authenticated:
        raise Http404("No such upload.")
    return job


def open_draft(user, pk: int, *, sniff: bool = True) -> Opened:
    """The draft and (with `sniff`) its sniffed file; 404 if it is not the user's or its file has gone."""
    job = get_draft_for_user(user, pk)
    path = draft_path(job)
    if not path.is_file():
        raise Http404("The uploaded file is no longer on the server. Upload it again.")
    if not sniff:
        return Opened(job, None)
    try:
        sniffed = sniff_or_refuse(path, job.params["file_name"])
    except UploadRefused:  # it was read at upload; it cannot have become unreadable
        raise Http404("The uploaded file can no longer be read. Upload it again.") from None
    return Opened(job, sniffed)


def draft_set_profile(job: Job, *, spec, name: str) -> None:
    """Remember the mapping chosen for the draft (what the preview reads with and the import will use)."""
    job.params.update(profile={"name": name, "spec": spec.to_json()})
    job.save(update_fields=["params"])


def draft_spec(job: Job):
    """The draft's chosen mapping, or None if no mapping was chosen yet."""
    chosen = job.params.get("profile")
    if not chosen:
        return None
    return engine().ProfileSpec.from_json(chosen["spec"])


def draft_preview(job: Job, user):
    """The first rows as Attend will read them and the first problems (writes nothing)."""
    spec = draft_spec(job)
    try:
        return engine().preview(draft_path(job), spec, user=user, limit=SAMPLE_ROWS)
    except import_failed() as failed:
        return _failed_preview(failed.messages, failed.total)
    except UNREADABLE as exc:
        return _failed_preview([f"{job.params['file_name']}: the file could not be read ({exc})"], 1)


@dataclass
class _FailedPreview:
    rows: list
    problems: list
    total_rows: int
    total_problems: int


def _failed_preview(messages: list[str], total: int) -> _FailedPreview:
    return _FailedPreview(rows=[], problems=list(messages)[:SAMPLE_ROWS], total_rows=0, total_problems=total)


@transaction.atomic
def draft_import(job: Job, *, user) -> Job:
    """Queue the draft's import with its profile (attend.jobs.tasks.run_import), audited as jobs.import.started."""
    from .tasks import run_import

    job = Job.objects.select_for_update().filter(pk=job.pk, status=Job.Status.DRAFT, created_by=user).first()
    if job is None:  # imported by a second click meanwhile, or expired
        raise Http404("No such upload.")
    profile = job.params.get("profile")
    if not profile:
        raise ValueError("Choose how to read the file first.")
    name = profile["name"]
    job.status = Job.Status.QUEUED
    job.message = "Waiting for the task worker to start"
    if name:
        job.title = f"Import marks from {job.params['file_name']} ({name})"
    job.task_id = str(run_import.enqueue(job.pk).id)
    job.save(update_fields=["status", "message", "title", "task_id"])
    audit.record(
        "jobs.import.started",
        by=user,
        obj=job,
        data={
            "kind": "marks",
            "file": job.params["file_name"],
            "sent_as": job.params.get("sent_as", ""),
            "profile": name or "a mapping made for this file",
        },
    )
    return job


def draft_discard(job: Job) -> None:
    delete_upload(job)
    job.delete()

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
from .services import job_fail, job_finish, job_progress, job_started, sees_every_school

log = logging.getLogger(__name__)
MAX_SCOPE_PROBLEMS = 1000


def _out_of_scope(job: Job, path: Path) -> tuple[list[str], int]:
    """Rows naming a school the person who uploaded the file cannot see: `file:line: school_urn: reason`.

    The importers accept any school in the service; the web upload is limited to the uploader's own schools.
    Reads only the school_urn column (pyarrow), so it costs seconds even for a year of marks."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from attend.schools.models import School

    allowed = {
        str(u) for u in School.objects.filter(pk__in=job.params["schools"]).values_list("urn", flat=True)
    }
    name = job.params["file_name"]
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=["school_urn"], column_types={"school_urn": pa.string()}
            ),
        )
    except (pa.ArrowInvalid, KeyError):
        return [], 0  # no school_urn column, or not CSV: the importer reports the file's own problems
    urns = table.column("school_urn")
    bad = pc.invert(pc.is_in(pc.utf8_trim_whitespace(urns), value_set=pa.array(sorted(allowed), pa.string())))
    rows = pc.indices_nonzero(bad).to_pylist()
    problems = [
        f"{name}:{row + 2}: school_urn: school {urns[row].as_py()} is not one of your schools"
        for row in rows[:MAX_SCOPE_PROBLEMS]
    ]
    return problems, len(rows)


def _pupils_out_of_scope(job: Job, path: Path) -> tuple[list[str], int]:
    """Contact rows for pupils the uploader cannot see (`file:line: upn: reason`); unknown UPNs are left to the
    importer, which reports them itself."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from attend.core.scoping import pupils_visible_to
    from attend.people.models import Pupil

    name = job.params["file_name"]
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(include_columns=["upn"], column_types={"upn": pa.string()}),
        )
    except (pa.ArrowInvalid, KeyError):
        return [], 0
    upns = [(u or "").strip() for u in table.column("upn").to_pylist()]
    known = set(Pupil.objects.filter(upn__in=set(upns)).values_list("upn", flat=True))
    visible = set(pupils_visible_to(job.created_by).filter(upn__in=known).values_list("upn", flat=True))
    rows = [i for i, u in enumerate(upns) if u in known and u not in visible]
    problems = [f"{name}:{row + 2}: upn: pupil {upns[row]} is not one of your pupils" for row in rows]
    return problems[:MAX_SCOPE_PROBLEMS], len(rows)


@task()
def run_import(job_id: int) -> dict:
    """Import the uploaded file of an import job, reporting each step to the job."""
    from attend.registers.imports import ImportFailed, import_file

    job = Job.objects.select_related("created_by").get(pk=job_id)
    job_started(job)
    kind = job.params["import_kind"]
    path = Path(settings.VAR_DIR) / job.params["path"]
    try:
        if kind in ("marks", "pupils", "calendar") and not sees_every_school(job.created_by):
            job_progress(job, 0, 1, "Checking the schools in the file are yours")
            problems, total = _out_of_scope(job, path)
            if total:
                raise ImportFailed(problems, total=total)
        if kind == "contacts" and not sees_every_school(job.created_by):
            job_progress(job, 0, 1, "Checking the pupils in the file are yours")
            problems, total = _pupils_out_of_scope(job, path)
            if total:
                raise ImportFailed(problems, total=total)

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

"""Pages for background jobs: start an import or a report, watch its progress, download the result."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from .drafts import PROFILE_KIND, draft_start
from .figures import figures_for
from .forms import ImportForm, ReportForm
from .models import Job
from .services import (
    get_job_for_user,
    import_kinds_described,
    import_kinds_for,
    job_import_start,
    job_report_start,
    jobs_visible_to,
)
from .uploads import UploadRefused, upload_limits_text, upload_refusal

# htmx stops polling when a response has this status (https://htmx.org/attributes/hx-trigger/).
STOP_POLLING = 286


@permission_required_for("job.view")
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = jobs_visible_to(request.user).select_related("created_by")[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@permission_required_for("import.run")
def import_new(request: HttpRequest) -> HttpResponse:
    kinds = import_kinds_for(request.user)
    data, files = request.POST or None, request.FILES or None  # parses the upload
    # A file over the upload limit is not read to the end (UploadLimitHandler): the form says so.
    form = ImportForm(data, files, kinds=kinds, refusal=upload_refusal(request))
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            if kind == PROFILE_KIND:  # an MIS report: match its columns first (attend/jobs/drafts.py)
                draft = draft_start(user=request.user, upload=form.cleaned_data["file"])
                return redirect("jobs:draft-map", pk=draft.pk)
            job = job_import_start(user=request.user, kind=kind, upload=form.cleaned_data["file"])
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("jobs:job", pk=job.pk)
    return render(
        request,
        "jobs/import_new.html",
        {"form": form, "limits": upload_limits_text(), "kinds": import_kinds_described(kinds)},
    )


@require_GET
@permission_required_for("import.run")
def import_help(request: HttpRequest) -> HttpResponse:
    """How to lay out each kind of file, in words (the full reference is docs/import-formats.md)."""
    return render(
        request, "jobs/import_help.html", {"kinds": import_kinds_described(import_kinds_for(request.user))}
    )


@permission_required_for("report.build")
def report_new(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = job_report_start(user=request.user, report=form.cleaned_data["report"], end=clock.today())
        return redirect("jobs:job", pk=job.pk)
    return render(request, "jobs/report_new.html", {"form": form, "today": clock.today()})


@permission_required_for("job.view")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/job_detail.html", {"job": job, "figures": figures_for(job)})


@require_GET
@permission_required_for("job.view")
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress and result fragment, polled by htmx every second until the job has finished."""
    job = get_job_for_user(request.user, pk)
    figures = figures_for(job)
    response = render(request, "jobs/_status.html", {"job": job, "figures": figures})
    # A finished import keeps the page polling until the dashboards' figures include it (for a while).
    if job.is_finished and (figures is None or not figures["waiting"]):
        response.status_code = STOP_POLLING
    return response


@permission_required_for("job.view")
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for_user(request.user, pk)
    if job.status != Job.Status.DONE or not job.output_file:
        raise Http404("This job has no file to download.")
    path = (Path(settings.VAR_DIR) / job.output_file).resolve()
    if Path(settings.VAR_DIR).resolve() not in path.parents or not path.is_file():
        raise Http404("The file is no longer there.")
    audit.record("jobs.report.downloaded", request=request, obj=job, data={"file": path.name})
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="text/csv")

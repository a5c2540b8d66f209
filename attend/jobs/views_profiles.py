"""Pages for importing a register report from a school's MIS: match the columns, preview, import
(attend/jobs/drafts.py holds the flow; the reading is attend.registers.imports.profiles)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend.accounts.permissions import permission_required_for
from attend.core.scoping import schools_visible_to

from . import drafts
from .forms_profiles import MappingForm, save_targets
from .mapping import MappingRefused, spec_from_form


def _mapping_form(request: HttpRequest, opened: drafts.Opened) -> MappingForm:
    engine = drafts.engine()
    sniffed = opened.sniffed
    form = MappingForm(
        request.POST or None,
        header=sniffed.header,
        suggested=sniffed.suggested,
        fields=engine.FIELDS,
        profiles=engine.profiles_for(request.user),
        schools=list(schools_visible_to(request.user).order_by("name")),
        targets=save_targets(request.user),
        date_formats=getattr(engine, "DATE_FORMATS", None),
    )
    chosen = opened.job.params.get("profile")
    if chosen and not request.POST:  # back from the preview: the mapping as it was left
        spec = chosen["spec"]
        form.initial.update(
            layout=spec.get("layout", "long"),
            date_format=spec.get("date_format", "auto"),
            wide_header=spec.get("wide_header", "auto"),
            fill_upn="upn" in spec.get("fill_down", []),
            fill_date="date" in spec.get("fill_down", []),
            **{f"col_{k}": v for k, v in (spec.get("columns") or {}).items()},
        )
        if spec.get("school_urn"):
            form.initial["school"] = spec["school_urn"]
    return form


@permission_required_for("import.run")
def draft_map(request: HttpRequest, pk: int) -> HttpResponse:
    opened = drafts.open_draft(request.user, pk)
    form = _mapping_form(request, opened)
    if request.method == "POST" and form.is_valid():
        try:
            spec, name = spec_from_form(form, user=request.user)
        except MappingRefused as refused:
            for field, message in refused.errors:
                form.add_error(field, message)
        else:
            drafts.draft_set_profile(opened.job, spec=spec, name=name)
            return redirect("jobs:draft-preview", pk=opened.job.pk)
    return render(
        request,
        "jobs/profiles/map.html",
        {"job": opened.job, "sniffed": opened.sniffed, "form": form, "sample_rows": opened.sniffed.rows},
    )


@permission_required_for("import.run")
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    opened = drafts.open_draft(request.user, pk, sniff=False)
    job = opened.job
    if drafts.draft_spec(job) is None:
        return redirect("jobs:draft-map", pk=job.pk)
    if request.method == "POST":
        job = drafts.draft_import(job, user=request.user)
        return redirect("jobs:job", pk=job.pk)
    preview = drafts.draft_preview(job, request.user)
    return render(
        request,
        "jobs/profiles/preview.html",
        {"job": job, "preview": preview, "profile_name": job.params["profile"]["name"]},
    )

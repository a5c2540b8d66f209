"""Case pages: the case and its chronology, opening a case, logging a contact, corrections, removals, stage,
closing, reopening and who holds the case. Thin: scope from access.py, rules in cases.py and chronology.py."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import access, case_pages, cases
from .chronology import (
    EntryRefused,
    approve_removal,
    correct_entry,
    record_entry,
    refuse_removal,
    request_removal,
)
from .forms_cases import (
    AssignForm,
    ChildForm,
    CloseForm,
    EntryForm,
    OpenCaseForm,
    RemovalForm,
    ReopenForm,
    StageForm,
)
from .models import ChronologyEntry, EntryRemoval, PathwayStep


@permission_required_for("cases.view")
def case_detail(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref)
    audit.record(
        "casework.case.viewed",
        request=request,
        obj=case,
        pupil=case.pupil,
        school=case.school,
        data={"case": case.ref},
    )
    return render(request, "casework/cases/case.html", case_pages.case_context(request, case))


@permission_required_for("cases.write")
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case for a pupil (?upn=) or from an alert (?alert=): the pupil's current school in your scope.
    Without either, the page asks for the pupil's UPN."""
    if not any(request.GET.get(k) or request.POST.get(k) for k in ("upn", "alert")):
        return render(request, "casework/cases/open_find.html", {})
    target = case_pages.open_target(request)
    existing = cases.open_case_for(target.pupil)
    if existing is not None:
        if access.cases_visible_to(request.user).filter(pk=existing.pk).exists():
            case_pages.link_alert(request, target.alert, existing)
            flash.info(request, f"{target.pupil.display_name} already has an open case, {existing.ref}.")
            return redirect("casework:case", ref=existing.ref)
        raise PermissionDenied("This pupil has an open case held by another school or LA.")
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case, _created = cases.open_case(
            by=request.user,
            pupil=target.pupil,
            school=target.school,
            stage=form.cleaned_data["stage"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        case_pages.link_alert(request, target.alert, case)
        flash.success(request, f"Case {case.ref} opened for {target.pupil.display_name}.")
        return redirect("casework:case", ref=case.ref)
    return render(request, "casework/cases/open.html", {"form": form, "target": target})


@permission_required_for("cases.write")
def case_open_child(request: HttpRequest) -> HttpResponse:
    """A child not on any roll or with no UPN: missing education, a new arrival, home education breaking down."""
    authorities = case_pages.authorities_for(request.user)
    form = ChildForm(request.POST or None, authorities=authorities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = {k: data[k] for k in ("forename", "surname", "date_of_birth", "address", "postcode")}
        case, _ = cases.open_case(
            by=request.user,
            local_authority=data["local_authority"],
            child=child,
            stage=data["stage"],
            reason=data["reason"],
            request=request,
        )
        flash.success(request, f"Case {case.ref} opened for {case.child_name}.")
        return redirect("casework:case", ref=case.ref)
    return render(request, "casework/cases/open_child.html", {"form": form, "la_staff": authorities.exists()})


@permission_required_for("cases.write")
def case_log(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    form = EntryForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        fields = form.entry_fields()
        try:
            record_entry(
                case,
                kind=form.entry_kind,
                summary=form.cleaned_data["summary"],
                by=request.user,
                request=request,
                **fields,
            )
        except EntryRefused as refused:
            form.add_error(None, str(refused))
        else:
            flash.success(request, f"Added to the chronology of {case.ref}.")
            return redirect("casework:case", ref=case.ref)
    return render(request, "casework/cases/log.html", {"case": case, "form": form, "correcting": None})


def _entry(case, pk: int) -> ChronologyEntry:
    entry = get_object_or_404(ChronologyEntry, pk=pk, case=case)
    return entry


@permission_required_for("cases.write")
def entry_correct(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    entry = _entry(case, pk)
    if entry.restricted and not access.sees_restricted(request.user, case):
        raise Http404("No such entry.")
    initial = case_pages.entry_initial(entry)
    form = EntryForm(request.POST or None, initial=initial, kind_fixed=entry.kind)
    if request.method == "POST" and form.is_valid():
        fields = form.entry_fields()
        fields.pop("occurred_at")
        try:
            correct_entry(entry, request.user, form.cleaned_data["summary"], request=request, **fields)
        except EntryRefused as refused:
            form.add_error(None, str(refused))
        else:
            flash.success(request, "Correction added. The original entry stays on the chronology with it.")
            return redirect("casework:case", ref=case.ref)
    return render(request, "casework/cases/log.html", {"case": case, "form": form, "correcting": entry})


@permission_required_for("cases.write")
def entry_remove(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    entry = _entry(case, pk)
    if entry.restricted and not access.sees_restricted(request.user, case):
        raise Http404("No such entry.")
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_removal(entry, request.user, form.cleaned_data["reason"], request=request)
        except EntryRefused as refused:
            form.add_error(None, str(refused))
        else:
            flash.success(request, "Removal asked for. A manager will decide; the entry stays until then.")
            return redirect("casework:case", ref=case.ref)
    return render(request, "casework/cases/remove.html", {"case": case, "entry": entry, "form": form})


@permission_required_for("cases.manage")
def removals(request: HttpRequest) -> HttpResponse:
    visible = access.cases_visible_to(request.user)
    pending = EntryRemoval.objects.filter(case__in=visible, pending_entry__isnull=False)
    problem = ""
    if request.method == "POST":
        removal = get_object_or_404(pending, pk=request.POST.get("removal") or 0)
        try:
            if request.POST.get("decision") == "approve":
                approve_removal(removal, request.user, request=request)
                flash.success(
                    request, f"The entry was removed from {removal.case.ref}. The removal is recorded."
                )
            elif request.POST.get("decision") == "refuse":
                refuse_removal(removal, request.user, request=request)
                flash.success(request, f"Removal refused: the entry stays on {removal.case.ref}.")
            else:
                raise EntryRefused("Choose approve or refuse")
            return redirect("casework:removals")
        except EntryRefused as refused:
            problem = str(refused)
    rows = pending.select_related("case", "requested_by", "pending_entry").order_by("requested_at")
    done = EntryRemoval.objects.filter(case__in=visible, approved_at__isnull=False).select_related(
        "case", "requested_by", "approved_by"
    )[:20]
    return render(
        request,
        "casework/cases/removals.html",
        {"pending": rows, "done": done, "problem": problem},
        status=200,
    )


@permission_required_for("cases.write")
def case_stage(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    steps = list(PathwayStep.objects.filter(local_authority_id=case.local_authority_id, active=True))
    form = StageForm(
        request.POST or None,
        steps=steps,
        initial={"stage": case.stage, "version": case.version, "pathway_step": case.pathway_step_id or ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = form.steps.get(data["pathway_step"] or "")
        done = case_pages.attempt(
            form,
            lambda: cases.change_stage(
                case,
                data["stage"],
                data["reason"],
                request.user,
                step,
                version=data["version"],
                request=request,
            ),
        )
        if done:
            flash.success(request, f"{case.ref} is now at the {case.get_stage_display().lower()} stage.")
            return redirect("casework:case", ref=case.ref)
    return render(
        request,
        "casework/cases/stage.html",
        {"case": case, "form": form, "heading": "Change the stage", "button": "Change the stage"},
    )


@permission_required_for("cases.write")
def case_close(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    form = CloseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = case_pages.attempt(
            form,
            lambda: cases.close_case(
                case, data["reason"], data["summary"], request.user, version=data["version"], request=request
            ),
        )
        if done:
            flash.success(request, f"{case.ref} is closed.")
            return redirect("casework:case", ref=case.ref)
    return render(
        request,
        "casework/cases/close.html",
        {
            "case": case,
            "form": form,
            "heading": "Close the case",
            "button": "Close the case",
            "warning": True,
        },
    )


@permission_required_for("cases.write")
def case_reopen(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref)
    if case.is_open:
        return redirect("casework:case", ref=case.ref)
    if not case_pages.may_reopen(request.user, case):
        raise Http404("No case with that reference that you may reopen.")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if case_pages.attempt(
            form, lambda: cases.reopen_case(case, form.cleaned_data["reason"], request.user, request=request)
        ):
            flash.success(request, f"{case.ref} is open again.")
            return redirect("casework:case", ref=case.ref)
    return render(
        request,
        "casework/cases/reopen.html",
        {"case": case, "form": form, "heading": "Reopen the case", "button": "Reopen the case"},
    )


@permission_required_for("cases.write")
def case_assign(request: HttpRequest, ref: str) -> HttpResponse:
    case = access.get_case_for_user(request.user, ref, write=True)
    la_choices, school_choices = cases.assignable_officers(case)
    initial = {
        "la_officer": case.la_officer_id or "",
        "school_lead": case.school_lead_id or "",
        "lead_practitioner": case.lead_practitioner,
        "version": case.version,
    }
    form = AssignForm(
        request.POST or None,
        initial=initial,
        la_choices=list(la_choices),
        school_choices=list(school_choices),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = case_pages.attempt(
            form,
            lambda: cases.assign(
                case,
                form.person("la_officer"),
                form.person("school_lead"),
                data["lead_practitioner"],
                request.user,
                data["version"],
                request=request,
            ),
        )
        if done:
            flash.success(request, f"Saved who holds {case.ref}.")
            return redirect("casework:case", ref=case.ref)
    return render(
        request,
        "casework/cases/assign.html",
        {"case": case, "form": form, "heading": "Who holds the case", "button": "Save"},
    )


@require_POST
@permission_required_for("cases.write")
def case_link_pupil(request: HttpRequest, ref: str) -> HttpResponse:
    """A case opened for a child not on roll joins the pupil record (by UPN) once there is one."""
    case = access.get_case_for_user(request.user, ref, write=True)
    pupil = case_pages.pupil_in_scope(request.user, request.POST.get("upn", ""))
    if pupil is None:
        flash.error(request, "No pupil with that UPN in your scope: check the UPN.")
    else:
        try:
            cases.link_to_pupil(case, pupil, request.user, request=request)
            flash.success(request, f"{case.ref} is now on {pupil.display_name}'s record.")
        except EntryRefused as refused:
            flash.error(request, str(refused))
    return redirect("casework:case", ref=case.ref)

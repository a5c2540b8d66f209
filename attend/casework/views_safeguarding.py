"""Safeguarding pages of a case. Thin: the rules live in casework.safeguarding."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from attend import audit
from attend.accounts.permissions import permission_required_for

from . import safeguarding
from .access import get_case_for_user, is_la_side, may_write, sees_restricted
from .forms_safeguarding import OutcomeForm, RestrictedNoteForm, SafeguardingForm
from .meetings import child_name
from .models import SafeguardingRecord


def _ctx(case, **extra) -> dict:
    return {"case": case, "child": child_name(case), **extra}


@permission_required_for("cases.view")
def safeguarding_list(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref)
    if case.pupil_id:
        audit.pupil_viewed(request, case.pupil, page="casework.safeguarding")
    entries, total = safeguarding.restricted_entries_seen_by(request.user, case, request=request)
    return render(
        request,
        "casework/safeguarding/list.html",
        _ctx(
            case,
            records=safeguarding.records_seen_by(request.user, case),
            entries=entries,
            hidden=total - len(entries),
            restricted_reader=sees_restricted(request.user, case),
            can_write=may_write(request.user, case),
            outcome_form=OutcomeForm(),
        ),
    )


@permission_required_for("cases.write")
def safeguarding_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    la_side = is_la_side(request.user, case)
    form = SafeguardingForm(request.POST or None, la_side=la_side)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == SafeguardingRecord.Kind.DSL_CONCERN:
                link = request.build_absolute_uri(reverse("casework:safeguarding", args=[case.ref]))
                safeguarding.raise_concern(
                    case, by=request.user, summary=d["summary"], link=link, request=request
                )
                done = "Concern raised to the designated safeguarding lead."
            else:
                safeguarding.record_referral(
                    case,
                    by=request.user,
                    kind=d["kind"],
                    summary=d["summary"],
                    reference=d["reference"],
                    outcome=d["outcome"],
                    request=request,
                )
                done = "Referral recorded."
        except safeguarding.Refused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, done)
            return redirect("casework:safeguarding", ref=case.ref)
    return render(request, "casework/safeguarding/new.html", _ctx(case, form=form, la_side=la_side))


@permission_required_for("cases.write")
def safeguarding_outcome(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    record = get_object_or_404(safeguarding.records_seen_by(request.user, case), pk=pk)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safeguarding.add_outcome(
                record, by=request.user, outcome=form.cleaned_data["outcome"], request=request
            )
        except safeguarding.Refused as exc:
            form.add_error("outcome", str(exc))
        else:
            flash.success(request, "Outcome added.")
            return redirect("casework:safeguarding", ref=case.ref)
    return render(request, "casework/safeguarding/outcome.html", _ctx(case, form=form, record=record))


@permission_required_for("cases.safeguarding")
def restricted_note_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    if not sees_restricted(request.user, case):
        raise PermissionDenied("Only safeguarding leads write restricted notes.")
    form = RestrictedNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        safeguarding.restricted_note(case, by=request.user, text=form.cleaned_data["text"], request=request)
        flash.success(request, "Restricted note added.")
        return redirect("casework:safeguarding", ref=case.ref)
    return render(request, "casework/safeguarding/note_new.html", _ctx(case, form=form))

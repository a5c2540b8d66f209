"""The enquiry pages: the list, opening one (from an alert, a pupil or by hand), the enquiry with its checklist,
recording a reasonable enquiry, and closing with an outcome. Thin: the rules are in attend.cme.enquiries."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import access, enquiries
from .enquiry_pages import closed_note, detail_context, open_target
from .forms_enquiries import CheckForm, ChildEnquiryForm, CloseForm, PupilEnquiryForm, la_or_none
from .models_enquiries import CmeEnquiry, EnquiryCheck


@permission_required_for("cme.view")
def enquiry_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = access.enquiries_visible_to(request.user).select_related(
        "pupil", "case", "school", "local_authority"
    )
    if status in CmeEnquiry.Status.values:
        rows = rows.filter(status=status)
    rows = sorted(rows, key=lambda e: (e.status != "open", -e.opened_at.timestamp()))
    return render(
        request, "cme/enquiries/list.html", {"rows": rows, "status": status, "today": clock.today()}
    )


@permission_required_for("cme.enquire")
def enquiry_new(request: HttpRequest) -> HttpResponse:
    target = open_target(request)  # 404 for an alert or pupil outside the user's scope
    data = request.POST if request.method == "POST" else None
    if target.pupil is None:
        form = ChildEnquiryForm(data, authorities=target.authorities)
    else:
        form = PupilEnquiryForm(
            data,
            fixed_source=target.fixed_source,
            initial={"source": target.source, "source_ref": target.ref},
        )
    if data is not None and form.is_valid():
        try:
            enquiry = _open(request, target, form)
        except enquiries.EnquiryRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            flash.success(request, f"Enquiry {enquiry.ref} is open for {enquiry.case.child_name}.")
            return redirect("cme:enquiry", ref=enquiry.ref)
    return render(request, "cme/enquiries/new.html", {"form": form, "target": target})


def _open(request, target, form) -> CmeEnquiry:
    data = form.cleaned_data
    if target.pupil is None:
        child = {k: data[k] for k in ("forename", "surname", "date_of_birth", "address", "postcode")}
        return enquiries.open_enquiry(
            by=request.user, source=CmeEnquiry.Source.BY_HAND, child=child, lives_in_la=data["local_authority"],
            concern=data["concern"], request=request,
        )  # fmt: skip
    return enquiries.open_enquiry(
        by=request.user, source=form.fixed_source or data["source"], pupil=target.pupil, school=target.school,
        lives_in_la=la_or_none(data["lives_in_la"]), placing_la=la_or_none(data["placing_la"]),
        concern=data["concern"], source_alert=target.alert, source_ref=data.get("source_ref") or "",
        request=request,
    )  # fmt: skip


@permission_required_for("cme.view")
def enquiry_detail(request: HttpRequest, ref: str) -> HttpResponse:
    enquiry = access.get_enquiry_for_user(request.user, ref)
    _audit_view(request, enquiry)
    return render(request, "cme/enquiries/enquiry.html", detail_context(request, enquiry))


def _audit_view(request, enquiry: CmeEnquiry) -> None:
    if enquiry.pupil_id:
        audit.pupil_viewed(request, enquiry.pupil, page="children missing education enquiry")
    else:
        audit.record("cme.enquiry.viewed", request=request, obj=enquiry, data={"enquiry": enquiry.ref})


@permission_required_for("cme.enquire")
def enquiry_check(request: HttpRequest, ref: str) -> HttpResponse:
    """Record a reasonable enquiry (or, with ?corrects=<id>, a correction of one)."""
    enquiry = access.get_enquiry_for_user(request.user, ref, write=True)
    corrects = None
    if corrects_id := (request.POST.get("corrects") or request.GET.get("corrects") or "").strip():
        if not corrects_id.isdigit():
            raise Http404("No such entry.")
        corrects = get_object_or_404(EnquiryCheck, pk=int(corrects_id), enquiry=enquiry)
    school_side = not access.is_la_side(request.user, enquiry)
    form = CheckForm(request.POST or None, school_side=school_side, initial=_check_initial(request, corrects))
    if request.method == "POST" and form.is_valid():
        try:
            enquiries.record_check(
                enquiry, by=request.user, corrects=corrects, request=request, **form.cleaned_data
            )
        except enquiries.EnquiryRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            flash.success(request, f"Recorded on enquiry {enquiry.ref}.")
            return redirect("cme:enquiry", ref=enquiry.ref)
    return render(
        request, "cme/enquiries/check.html", {"enquiry": enquiry, "form": form, "corrects": corrects}
    )


def _check_initial(request, corrects: EnquiryCheck | None) -> dict:
    initial = {
        "done_on": clock.today().isoformat(),
        "done_by_name": request.user.get_full_name() or request.user.username,
    }
    if corrects is not None:
        initial.update(
            kind=corrects.kind, party=corrects.party, done_on=corrects.done_on.isoformat(), result=corrects.result,
            done_by_name=corrects.done_by_name, located=corrects.located,
        )  # fmt: skip
    else:
        initial["kind"] = request.GET.get("kind", "")
    return initial


@permission_required_for("cme.decide")
def enquiry_close(request: HttpRequest, ref: str) -> HttpResponse:
    enquiry = access.get_enquiry_for_user(request.user, ref)
    if not access.may_decide(request.user, enquiry):
        raise Http404("No enquiry with that reference that you may close.")
    form = CloseForm(request.POST or None, enquiry=enquiry, initial={"on": clock.today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiries.close_enquiry(
                enquiry, by=request.user, outcome=data["outcome"], on=data["on"], note=data["note"],
                found_school=data["found_school"], found_la=la_or_none(data["found_la"]), sent_to=data["sent_to"],
                request=request,
            )  # fmt: skip
        except enquiries.EnquiryRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            enquiry.refresh_from_db()
            flash.success(request, f"Enquiry {enquiry.ref} closed: {closed_note(enquiry)}")
            return redirect("cme:enquiry", ref=enquiry.ref)
    return render(request, "cme/enquiries/close.html", {"enquiry": enquiry, "form": form})

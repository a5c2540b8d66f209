"""/cme/home-education/...: the LA's register of home-educated children, a parent's notice, the record page and
its steps (consent, contacts, return to school, end). Thin views: the rules are in attend/cme/ehe.py."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_for_user
from attend.schools.models import School

from . import ehe
from .forms_ehe import ConsentForm, ContactForm, EndForm, NoticeForm, RegisterFilter, ReturnForm
from .models_ehe import HomeEducation


def _attempt(form, action) -> bool:
    """Run a rule; its refusal becomes the form's error summary."""
    try:
        action()
    except ehe.EheRefused as refused:
        form.add_error(None, str(refused))
        return False
    return True


@permission_required_for("cme.returns")
def register(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = RegisterFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    records = ehe.records_visible_to(request.user)
    status = data.get("status") or ""
    if status in ("returned", "ended"):
        records = records.filter(status=status)
    elif status != "all":
        records = records.filter(status__in=ehe.CURRENT)
    if data.get("flag") == "ehc":
        records = records.filter(ehc_plan=True)
    elif data.get("flag") == "cp":
        records = records.filter(child_protection_plan=True)
    records = records.prefetch_related("contacts").order_by("-notice_received_on", "-id")
    rows = [(record, ehe.next_contact_due(record)) for record in records]
    if data.get("due"):
        rows = [(r, due) for r, due in rows if due is not None and due <= today]
    audit.record("cme.ehe_register.viewed", data={"children": len(rows)}, request=request)
    return render(request, "cme/ehe/register.html", {"form": form, "rows": rows, "today": today})


@permission_required_for("cme.deletion")
def notice_new(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = NoticeForm(
        request.POST or None, initial={"upn": request.GET.get("upn", ""), "received_on": today.isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = _notice(request, form, data)
        if record is not None:
            flash.success(request, f"{record.ref}: {record.get_status_display()}.")
            return redirect("cme:ehe-record", ref=record.ref)
    return render(request, "cme/ehe/new.html", {"form": form})


def _notice(request, form, data) -> HomeEducation | None:
    """The pupil must be in the user's scope and on the roll, on the day the notice arrived, at a school the user
    works for (an LA's school for LA staff, their own school for school staff)."""
    try:
        pupil = get_pupil_for_user(request.user, data["upn"].strip().upper())
    except Http404:
        pupil = None
    enrolment = ehe.notice_enrolment(request.user, pupil, data["received_on"]) if pupil else None
    if enrolment is None:
        form.add_error("upn", "No pupil with that UPN on the roll of a school you work for on that date")
        return None
    result = []
    ok = _attempt(
        form,
        lambda: result.append(
            ehe.record_notice(
                by=request.user,
                pupil=pupil,
                school=enrolment.school,
                received_on=data["received_on"],
                from_name=data["from_name"],
                note=data["note"],
                special_school_la_placed=data["special_school_la_placed"],
                request=request,
            )  # fmt: skip
        ),
    )
    return result[0] if ok else None


@permission_required_for("cme.view")
def record_page(request: HttpRequest, ref: str) -> HttpResponse:
    record = ehe.get_record_for_user(request.user, ref)
    la_side = ehe.is_la_side(request.user, record)
    audit.record("cme.home_education.viewed", obj=record, pupil=record.pupil, data={"ref": record.ref},
                 request=request)  # fmt: skip
    context = {
        "record": record,
        "la_side": la_side,
        "today": clock.today(),
        "due": ehe.next_contact_due(record),
        "view": ehe.latest_view(record) if la_side else None,
        "steps": ehe.next_steps(record) if la_side else [],
        "contacts": list(record.contacts.select_related("by")) if la_side else [],
        "deletions": list(record.deletions.all()),
    }
    return render(request, "cme/ehe/record.html", context)


def _step(request, ref: str, form_class, heading: str, button: str, run, initial=None) -> HttpResponse:
    record = ehe.get_record_for_user(request.user, ref, write=True)
    form = form_class(request.POST or None, initial={"version": record.version, **(initial or {})})
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: run(record, form.cleaned_data)):
            flash.success(request, f"{record.ref}: saved.")
            return redirect("cme:ehe-record", ref=record.ref)
    context = {"record": record, "form": form, "heading": heading, "button": button}
    return render(request, "cme/ehe/step.html", context)


@permission_required_for("cme.ehe")
def consent(request: HttpRequest, ref: str) -> HttpResponse:
    def run(record, d):
        ehe.decide_consent(record, request.user, d["decision"] == "given", d["on"], d["note"], request,
                           version=d["version"])  # fmt: skip

    return _step(request, ref, ConsentForm, "The local authority's consent", "Record the decision", run,
                 {"on": clock.today().isoformat()})  # fmt: skip


@permission_required_for("cme.ehe")
def contact(request: HttpRequest, ref: str) -> HttpResponse:
    def run(record, d):
        ehe.record_contact(record, request.user, d["kind"], d["on"], d["note"], d["suitability"],
                           d["next_contact_on"], with_whom=d["with_whom"], request=request)  # fmt: skip

    return _step(
        request,
        ref,
        ContactForm,
        "Record a contact",
        "Save the contact",
        run,
        {"on": clock.today().isoformat()},
    )


@permission_required_for("cme.ehe")
def return_to_school(request: HttpRequest, ref: str) -> HttpResponse:
    def run(record, d):
        school = School.objects.filter(urn=d["school_urn"]).first()
        if school is None:
            raise ehe.EheRefused("No school with that URN")
        ehe.record_return(record, request.user, school, d["on"], request, version=d["version"])

    return _step(
        request,
        ref,
        ReturnForm,
        "Return to school",
        "Record the return",
        run,
        {"on": clock.today().isoformat()},
    )


@permission_required_for("cme.ehe")
def end(request: HttpRequest, ref: str) -> HttpResponse:
    def run(record, d):
        ehe.record_end(record, request.user, d["reason"], d["on"], d["note"], request, version=d["version"])

    return _step(
        request, ref, EndForm, "End the record", "End the record", run, {"on": clock.today().isoformat()}
    )

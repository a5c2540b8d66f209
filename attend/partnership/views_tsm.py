"""Pages of targeting support meetings: thin views over attend.partnership.tsm and tsm_pack.

Reading needs `tsm.view` and the school in scope (`schools_visible_to`); writing needs `tsm.write` and a school of
one of the user's LAs (404 otherwise, never revealing the school's meetings)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend import audit
from attend.accounts.identity import is_superuser
from attend.accounts.models import Membership
from attend.accounts.permissions import LA_STAFF, has_permission, permission_required_for
from attend.core import clock
from attend.core.locking import VersionConflict
from attend.core.scoping import schools_visible_to
from attend.schools.models import School

from . import tsm
from .forms_tsm import ActionForm, MeetingForm, ReviewForm
from .models_tsm import AgreedAction


def _school(request: HttpRequest, urn: int, *, write: bool = False) -> School:
    school = get_object_or_404(schools_visible_to(request.user), urn=urn)
    if write and not _runs_meetings_for(request.user, school):
        raise Http404("No such school")
    return school


def _runs_meetings_for(user, school: School) -> bool:
    """The LA's own staff (or a superuser) record its schools' meetings; a school's staff only read them."""
    return (
        is_superuser(user)
        or Membership.objects.filter(
            user=user, role__in=LA_STAFF, local_authority_id=school.local_authority_id
        ).exists()
    )


def _refused(form, exc: tsm.TsmRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@permission_required_for("tsm.view")
def overview(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    context = tsm.term_overview(schools_visible_to(request.user), today)
    return render(request, "partnership/tsm/overview.html", {**context, "today": today})


@permission_required_for("tsm.view")
def school_page(request: HttpRequest, urn: int) -> HttpResponse:
    found = _school(request, urn)
    today = clock.today()
    meeting = tsm.meeting_for(found, today)
    meetings = list(found.support_meetings.all())
    meetings.sort(key=lambda m: m.term_key, reverse=True)
    actions = (
        list(meeting.actions.select_related("pupil", "case", "carried_from__meeting")) if meeting else []
    )
    return render(
        request,
        "partnership/tsm/school.html",
        {
            "school": found,
            "meeting": meeting,
            "actions": actions,
            "earlier": [m for m in meetings if m != meeting],
            "unusual_decline": tsm.unusual_decline(found, meeting),
            "term": tsm.school_term(found, today),
            "month_rule": tsm.MONTH_RULE,
            "today": today,
            "may_write": has_permission(request.user, "tsm.write")
            and _runs_meetings_for(request.user, found),
        },
    )


@permission_required_for("tsm.write")
def meeting_form(request: HttpRequest, urn: int) -> HttpResponse:
    found = _school(request, urn, write=True)
    today = clock.today()
    meeting = tsm.meeting_for(found, today)
    initial = {"status": "offered"}
    if meeting is not None:
        initial = {f: getattr(meeting, f) for f in ("status", "meeting_date", "attendees", "record")}
        initial |= {"declined_reason": meeting.declined_reason, "version": meeting.version}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tsm.record_meeting(
                found,
                by=request.user,
                status=data["status"],
                meeting_date=data["meeting_date"],
                attendees=data["attendees"],
                record=data["record"],
                declined_reason=data["declined_reason"],
                version=data["version"] if meeting is not None else None,
                request=request,
            )
        except tsm.TsmRefused as exc:
            _refused(form, exc)
        except VersionConflict:
            form.add_error(None, "Someone else changed this meeting record first: check it and try again")
        else:
            flash.success(request, "Meeting record saved")
            return redirect("partnership:tsm-school", urn=found.urn)
    return render(
        request,
        "partnership/tsm/record_form.html",
        {"school": found, "form": form, "meeting": meeting, "term": tsm.school_term(found, today).label},
    )


@permission_required_for("tsm.write")
def action_new(request: HttpRequest, urn: int) -> HttpResponse:
    found = _school(request, urn, write=True)
    meeting = tsm.meeting_for(found, clock.today())
    if meeting is None:
        flash.info(request, "Record this term's meeting first")
        return redirect("partnership:tsm-record", urn=found.urn)
    form = ActionForm(request.POST or None, initial={"upn": request.GET.get("upn", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreed = tsm.agree_action(meeting, by=request.user, request=request, **data)
        except tsm.TsmRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, f"Action agreed and added to case {agreed.case.ref}")
            return redirect("partnership:tsm-school", urn=found.urn)
    return render(
        request, "partnership/tsm/action_form.html", {"school": found, "meeting": meeting, "form": form}
    )


@permission_required_for("tsm.write")
def action_review(request: HttpRequest, pk: int) -> HttpResponse:
    agreed = get_object_or_404(AgreedAction.objects.select_related("meeting__school", "pupil"), pk=pk)
    found = _school(request, agreed.meeting.school.urn, write=True)
    form = ReviewForm(request.POST or None, initial={"status": agreed.status, "version": agreed.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tsm.review_action(
                agreed, by=request.user, status=data["status"], note=data["note"], version=data["version"],
                request=request,
            )  # fmt: skip
        except tsm.TsmRefused as exc:
            _refused(form, exc)
        except VersionConflict:
            form.add_error(None, "Someone else reviewed this action first: check it and try again")
        else:
            flash.success(request, "Action reviewed")
            return redirect("partnership:tsm-school", urn=found.urn)
    return render(
        request, "partnership/tsm/review_form.html", {"school": found, "agreed": agreed, "form": form}
    )


@permission_required_for("tsm.view")
def pack(request: HttpRequest, urn: int) -> HttpResponse:
    from .tsm_pack import pack_pdf

    found = _school(request, urn)
    today = clock.today()
    pdf = pack_pdf(found, today)
    audit.record(
        "partnership.tsm_pack.downloaded", by=request.user, obj=found, school=found,
        data={"school_name": found.name, "as_of": today.isoformat()}, request=request,
    )  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tsm-pack-{found.urn}-{today.isoformat()}.pdf"'
    return response

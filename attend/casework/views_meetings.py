"""Pages for consent, meetings by telephone or video, their records, and a contact's safety record. Thin: the
rules live in casework.meetings and casework.contacts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from attend import audit
from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import contacts as contact_safety
from . import meeting_records, meetings
from .access import get_case_for_user, may_write
from .forms_meetings import ConsentForm, MeetingForm, RecordForm, SafetyForm, SendRecordForm, WithdrawForm
from .models import Consent, Meeting


def _viewed(request, case, page: str) -> None:
    if case.pupil_id:
        audit.pupil_viewed(request, case.pupil, page=page)


def _ctx(case, **extra) -> dict:
    return {"case": case, "child": meetings.child_name(case), **extra}


@permission_required_for("cases.view")
def meeting_list(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref)
    _viewed(request, case, "casework.meetings")
    today = clock.today()
    return render(
        request,
        "casework/meetings/list.html",
        _ctx(
            case,
            meetings_list=case.meetings.order_by("-starts_at"),
            consents=case.consents.order_by("-given_on", "-id"),
            valid=meetings.valid_consent(case, today),
            can_write=may_write(request.user, case),
            contacts=meetings.barriers_before_booking(case),
            today=today,
        ),
    )


@permission_required_for("cases.write")
def consent_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    links = meetings.case_contacts(case)
    form = ConsentForm(request.POST or None, links=links, initial={"given_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meetings.consent_record(
                case,
                by=request.user,
                how=d["how"],
                given_on=d["given_on"],
                expires_on=d["expires_on"],
                contact=d["contact_obj"],
                given_by_name=d["given_by_name"],
                parent_at_home=d["parent_at_home"],
                contact_number=d["contact_number"],
                arrangement=d["arrangement"],
                arrangement_reason=d["arrangement_reason"],
                request=request,
            )
        except meetings.Refused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "Consent recorded and added to the chronology.")
            return redirect("casework:meetings", ref=case.ref)
    _viewed(request, case, "casework.consent")
    return render(request, "casework/meetings/consent_new.html", _ctx(case, form=form))


@permission_required_for("cases.write")
def consent_withdraw(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    consent = get_object_or_404(Consent, pk=pk, case=case)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.consent_withdraw(
                consent, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except meetings.Refused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "Consent withdrawn; the chronology says so.")
            return redirect("casework:meetings", ref=case.ref)
    return render(request, "casework/meetings/consent_withdraw.html", _ctx(case, form=form, consent=consent))


@permission_required_for("cases.write")
def meeting_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    today = clock.today()
    links = meetings.case_contacts(case)
    initial = {"length_minutes": 30, "route": "email", "method": "telephone"}
    if links:
        initial["invite"] = str(links[0].contact_id)
    form = MeetingForm(request.POST or None, links=links, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(d["date"], d["time"]))
        booking = meetings.Booking(
            method=d["method"],
            purpose=d["purpose"],
            starts_at=starts_at,
            length_minutes=d["length_minutes"],
            agenda=d["agenda"],
            joining_details=d["joining_details"],
            series=d["series"],
            purpose_shared=d["purpose_shared"],
            other_arrangement=d["other_arrangement"],
            invite=d["invite_obj"],
            route=d["route"],
        )
        try:
            meeting = meetings.book_meeting(case, booking, by=request.user, request=request)
        except meetings.Refused as exc:
            form.add_error(None, str(exc))
        else:
            note = ""
            if meeting.invitation_id:
                note = f" Invitation: {meeting.invitation.get_status_display().lower()}."
            flash.success(request, f"Meeting booked for {starts_at:%-d %B %Y at %H:%M}.{note}")
            return redirect("casework:meeting", ref=case.ref, pk=meeting.pk)
    _viewed(request, case, "casework.meeting_new")
    return render(
        request,
        "casework/meetings/meeting_new.html",
        _ctx(
            case,
            form=form,
            contacts=meetings.barriers_before_booking(case),
            consent=meetings.valid_consent(case, today),
        ),
    )


def _meeting(request, ref: str, pk: int, *, write: bool = False) -> tuple:
    case = get_case_for_user(request.user, ref, write=write)
    meeting = get_object_or_404(Meeting.objects.select_related("invitation", "consent"), pk=pk, case=case)
    return case, meeting


@permission_required_for("cases.view")
def meeting_detail(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case, meeting = _meeting(request, ref, pk)
    links = meetings.case_contacts(case)
    send_form = SendRecordForm(
        links=links, initial={"contact": str(links[0].contact_id) if links else "", "route": "email"}
    )
    _viewed(request, case, "casework.meeting")
    return render(
        request, "casework/meetings/meeting_detail.html", _meeting_ctx(request, case, meeting, send_form)
    )


def _meeting_ctx(request, case, meeting, send_form) -> dict:
    return _ctx(
        case,
        meeting=meeting,
        agenda=meetings.agenda_lines(meeting.agenda),
        record_blocks=meeting_records.record_blocks(meeting.record),
        can_write=may_write(request.user, case),
        send_form=send_form,
        sent=case.entries.filter(
            message__idempotency_key__startswith=f"casework/meeting/{meeting.pk}/"
        ).select_related("message"),
        local_start=timezone.localtime(meeting.starts_at),
    )


@permission_required_for("cases.write")
def meeting_record(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case, meeting = _meeting(request, ref, pk, write=True)
    headings = meetings.agenda_lines(meeting.agenda)
    form = RecordForm(request.POST or None, headings=headings, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rec = meeting_records.MeetingRecord(
            held=d["held"] == "yes",
            notes=d["notes"],
            child_seen=d["child_seen"],
            child_heard=d["child_heard"],
            child_words=d["child_words"],
            parent_words=d["parent_words"],
            participants=d["participants"],
            actions=[meeting_records.AgreedAction(what, owner, due) for what, owner, due in d["actions"]],
            next_step=d["next_step"],
            next_step_due=d["next_step_due"],
            why_not_held=d["why_not_held"],
        )
        try:
            meeting_records.record_meeting(
                meeting, rec, by=request.user, version=d["version"], request=request
            )
        except meetings.Refused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "Meeting recorded on the chronology.")
            return redirect("casework:meeting", ref=case.ref, pk=meeting.pk)
    _viewed(request, case, "casework.meeting_record")
    return render(
        request,
        "casework/meetings/meeting_record.html",
        _ctx(case, meeting=meeting, form=form, local_start=timezone.localtime(meeting.starts_at)),
    )


@permission_required_for("cases.write")
def meeting_send(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    case, meeting = _meeting(request, ref, pk, write=True)
    links = meetings.case_contacts(case)
    form = SendRecordForm(request.POST or None, links=links)
    if request.method == "POST" and form.is_valid():
        contact = form.links[form.cleaned_data["contact"]].contact
        try:
            sent = meeting_records.send_record_and_plan(
                meeting, contact, form.cleaned_data["route"], by=request.user
            )
        except meetings.Refused as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(
                request,
                "Record and action plan: " + ", ".join(m.get_status_display().lower() for m in sent) + ".",
            )
            return redirect("casework:meeting", ref=case.ref, pk=meeting.pk)
    if request.method != "POST":
        return redirect("casework:meeting", ref=case.ref, pk=meeting.pk)
    return render(
        request, "casework/meetings/meeting_detail.html", _meeting_ctx(request, case, meeting, form)
    )


@permission_required_for("cases.write")
def contact_safety_edit(request: HttpRequest, ref: str, contact_id: int) -> HttpResponse:
    case = get_case_for_user(request.user, ref, write=True)
    link = next((pc for pc in meetings.case_contacts(case) if pc.contact_id == contact_id), None)
    if link is None:
        raise Http404("No such contact on this case.")
    safety = contact_safety.safety_for(link.contact)
    form = SafetyForm(
        request.POST or None,
        initial={
            "contact_confidential": safety.contact_confidential,
            "address_confidential": safety.address_confidential,
            "confidential_reason": safety.confidential_reason,
            "barriers": safety.barriers,
            "barriers_note": safety.barriers_note,
            "version": safety.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contact_safety.safety_update(
                safety,
                by=request.user,
                version=d["version"],
                contact_confidential=d["contact_confidential"],
                address_confidential=d["address_confidential"],
                confidential_reason=d["confidential_reason"].strip(),
                barriers=d["barriers"],
                barriers_note=d["barriers_note"].strip(),
                case=case,
                request=request,
            )
        except contact_safety.SafetyConflict as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, f"Saved what we hold about {link.contact}.")
            return redirect("casework:meetings", ref=case.ref)
    _viewed(request, case, "casework.contact_safety")
    return render(
        request,
        "casework/meetings/contact_safety.html",
        _ctx(case, form=form, link=link, safety=safety, barrier_choices=form.fields["barriers"].choices),
    )

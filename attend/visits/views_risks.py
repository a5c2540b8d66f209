"""Risk markers (a pupil's page: list, record, review, end) and the risk check before a visit."""

from __future__ import annotations

from django.contrib import messages as flash
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import contact_links_visible, current_pupil_ids
from attend.people.models import Pupil, PupilContact

from . import lists, lone, risks
from .forms_risks import EndForm, MarkerForm, ReviewForm, RiskCheckForm, UrgentCheckForm
from .models_risks import RiskMarker
from .risks import RiskError

VIEW, WRITE = "visits.view", "visits.write"


def _about_choices(user, pupil: Pupil) -> list[tuple[str, str]]:
    choices = [("pupil", f"{pupil.display_name} (the pupil)")]
    links = PupilContact.objects.filter(pupil=pupil).filter(contact_links_visible(user))
    for link in links.select_related("contact").order_by("priority", "pk"):
        c = link.contact
        choices.append((f"contact-{c.pk}", f"{c.forename} {c.surname} ({link.relationship}): the person"))
    for a in lists.address_choices(user, pupil):
        if not a.confidential:
            choices.append((f"address-{a.contact.pk}", f"The address: {', '.join(a.lines)}"))
    return choices


def _pupil_markers(user, pupil: Pupil) -> list[RiskMarker]:
    """Every marker (ended ones too) about the pupil, their contacts, and their contacts' visitable addresses."""
    contact_ids = list(
        PupilContact.objects.filter(pupil=pupil)
        .filter(contact_links_visible(user))
        .values_list("contact_id", flat=True)
    )
    found = list(
        RiskMarker.objects.filter(Q(pupil=pupil) | Q(contact_id__in=contact_ids)).select_related(
            "pupil", "contact", "recorded_by", "reviewed_by", "ended_by"
        )
    )
    for a in lists.address_choices(user, pupil):
        if not a.confidential:
            postcode = risks.normalise_postcode(a.contact.postcode)
            for m in RiskMarker.objects.filter(postcode=postcode, contact=None, pupil=None):
                if risks.same_line(m.address_line1, a.contact.address_line1) and m not in found:
                    found.append(m)
    return found


def _marker_for_user(user, pk: int, today) -> tuple[RiskMarker, Pupil]:
    """The marker and a pupil of the user's it concerns; 404 unless it concerns one they may act on."""
    marker = RiskMarker.objects.select_related("pupil", "contact").filter(pk=pk).first()
    if marker is None:
        raise Http404("No such risk marker.")
    if marker.pupil_id:
        candidates = [marker.pupil_id]
    elif marker.contact_id:
        candidates = list(
            PupilContact.objects.filter(contact_id=marker.contact_id).values_list("pupil_id", flat=True)
        )
    else:
        # Contacts' postcodes come from the MIS as typed: match either spelling, in any case.
        spelled = Q(contact__postcode__iexact=marker.postcode) | Q(
            contact__postcode__iexact=marker.postcode.replace(" ", "")
        )
        links = PupilContact.objects.filter(spelled).select_related("contact")
        candidates = [
            link.pupil_id
            for link in links
            if risks.same_line(link.contact.address_line1, marker.address_line1)
        ]
    allowed = sorted(current_pupil_ids(user, candidates, today=today))
    for pupil in Pupil.objects.filter(pk__in=allowed).order_by("pk"):
        if marker in _pupil_markers(user, pupil):
            return marker, pupil
    raise Http404("No such risk marker in your scope.")


@permission_required_for(VIEW)
def pupil_risks(request: HttpRequest, upn: str) -> HttpResponse:
    today = clock.today()
    pupil = lists.writable_pupil(request.user, upn, today=today)
    rows = []
    for m in _pupil_markers(request.user, pupil):
        where = "contact" if m.contact_id else "pupil" if m.pupil_id else "address"
        rows.append(risks.MarkerRow(m, risks.marker_state(m, today), risks.marker_about(m), where))
    order = {"current": 0, "expired": 1, "ended": 2}
    rows.sort(key=lambda r: (order[r.state], r.marker.review_on))
    return render(
        request,
        "visits/risks/pupil.html",
        {"pupil": pupil, "rows": rows, "may_write": has_permission(request.user, WRITE), "today": today},
    )


def _about(user, pupil: Pupil, value: str) -> dict:
    if value == "pupil":
        return {"pupil": pupil}
    kind, _, pk = value.partition("-")
    if kind == "contact":
        link = PupilContact.objects.filter(pupil=pupil, contact_id=pk).filter(contact_links_visible(user))
        if link.exists():
            return {"contact": link.get().contact}
    if kind == "address":
        choice = lists.choose_address(user, pupil, pk)  # refuses a confidential address, with the reason
        return {"address_line1": choice.contact.address_line1, "postcode": choice.contact.postcode}
    raise RiskError("about", "Choose who or which address the marker is about")


@permission_required_for(WRITE)
def marker_new(request: HttpRequest, upn: str) -> HttpResponse:
    today, now = clock.today(), clock.now()
    pupil = lists.writable_pupil(request.user, upn, today=today)
    form = MarkerForm(
        request.POST if request.method == "POST" else None, about_choices=_about_choices(request.user, pupil)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            about = _about(request.user, pupil, data["about"])
            risks.record_marker(
                by=request.user, kind=data["kind"], reason=data["reason"], review_on=data["review_on"],
                now=now, **about,
            )  # fmt: skip
        except (RiskError, lists.ListError) as e:
            form.add_error(e.field if e.field in form.fields else "about", e.message)
        else:
            flash.success(request, "Risk marker recorded")
            return redirect("visits:risks", upn=pupil.upn)
    return render(request, "visits/risks/marker_form.html", {"form": form, "pupil": pupil})


@permission_required_for(WRITE)
def marker_review(request: HttpRequest, pk: int) -> HttpResponse:
    today, now = clock.today(), clock.now()
    marker, pupil = _marker_for_user(request.user, pk, today)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            risks.review_marker(
                marker, by=request.user, review_on=form.cleaned_data["review_on"],
                note=form.cleaned_data["note"], now=now,
            )  # fmt: skip
        except RiskError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            flash.success(request, "Risk marker reviewed")
            return redirect("visits:risks", upn=pupil.upn)
    return render(
        request,
        "visits/risks/marker_change.html",
        {"form": form, "pupil": pupil, "marker": marker, "heading": "Review a risk marker",
         "button": "Save the review", "state": risks.marker_state(marker, today),
         "about": risks.marker_about(marker)},
    )  # fmt: skip


@permission_required_for(WRITE)
def marker_end(request: HttpRequest, pk: int) -> HttpResponse:
    today, now = clock.today(), clock.now()
    marker, pupil = _marker_for_user(request.user, pk, today)
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            risks.end_marker(marker, by=request.user, reason=form.cleaned_data["reason"], now=now)
        except RiskError as e:
            form.add_error("reason", e.message)
        else:
            flash.success(request, "Risk marker ended")
            return redirect("visits:risks", upn=pupil.upn)
    return render(
        request,
        "visits/risks/marker_change.html",
        {"form": form, "pupil": pupil, "marker": marker, "heading": "End a risk marker",
         "button": "End the marker", "warning": True, "state": risks.marker_state(marker, today),
         "about": risks.marker_about(marker)},
    )  # fmt: skip


@permission_required_for(WRITE)
def risk_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The risk check before a visit; `?urgent=1` is the one-minute check for an urgent welfare visit. Timed by
    the lone-worker clock, like the check-out it comes before (clock.now() is 5 pm on a pinned day)."""
    today, now = clock.today(), lone.moment()
    visit = lists.get_visit_for_user(request.user, pk, today=today)
    if visit.round_id and visit.round.officer_id != request.user.pk:
        raise Http404("Only the officer on the round records its risk checks.")
    urgent = request.GET.get("urgent") == "1" or visit.urgent
    form = (UrgentCheckForm if urgent else RiskCheckForm)(request.POST if request.method == "POST" else None)
    rows = risks.markers_for_visit(visit, today)
    last = risks.last_visit_at(visit)
    if last is None and "last_visit_read" in form.fields:
        del form.fields["last_visit_read"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = risks.confirm_risk_check(
                visit, by=request.user, mode=data["mode"], answers=data, now=now, urgent=urgent
            )
        except RiskError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            flash.success(request, f"Risk check recorded: {visit.get_mode_display().lower()}")
            if visit.round_id:
                return redirect(reverse("visits:round", args=[visit.round_id]) + f"#visit-{visit.pk}")
            return redirect("visits:lists")
    return render(
        request,
        "visits/risks/check.html",
        {"form": form, "visit": visit, "rows": rows, "last": last, "urgent": urgent,
         "blocking": risks.blocking_markers(rows), "expired_label": risks.EXPIRED_LABEL},
    )  # fmt: skip

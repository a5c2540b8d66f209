"""Pages for deletions from the roll: the school's deletion form (from the pupil's page), the LA's deletion returns
(filters, CSV), and one return with its concerns. Thin: the rules are in roll.py and roll_checks.py."""

from __future__ import annotations

import csv

from django.contrib import messages as flash
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend import audit
from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.scoping import get_pupil_for_user, staff_school_ids
from attend.schools.models import School

from .forms_roll import FORM_GROUNDS, DeletionFilterForm, DeletionForm
from .models_roll import RollDeletion
from .roll import CONDITIONS, DeletionRefused, deletions_visible_to, ground_i_gaps, record_deletion
from .roll_checks import current_deletions


def _enrolment_for(user, pupil, today):
    """The pupil's enrolment on roll today at a school the user acts for (404 otherwise: change nothing)."""
    on_roll = Q(leaving_date__isnull=True) | Q(leaving_date__gte=today)
    enrolments = pupil.enrolments.filter(on_roll, admission_date__lte=today)
    if not user.is_superuser:
        enrolments = enrolments.filter(school_id__in=staff_school_ids(user))
    enrolment = enrolments.select_related("school", "pupil").order_by("-admission_date").first()
    if enrolment is None:
        raise Http404("The pupil is not on the roll of a school you act for.")
    return enrolment


@permission_required_for("cme.deletion")
def deletion_new(request, upn: str):
    today = clock.today()
    pupil = get_pupil_for_user(request.user, upn)
    corrects = None
    if request.GET.get("corrects") or request.POST.get("corrects"):
        pk = request.POST.get("corrects") or request.GET.get("corrects")
        if not str(pk).isdigit():
            raise Http404("No such deletion return.")
        corrects = get_object_or_404(
            deletions_visible_to(request.user).filter(pk__in=current_deletions().values("pk")),
            pk=pk,
            pupil=pupil,
        )
        enrolment = corrects.enrolment
    else:
        enrolment = _enrolment_for(request.user, pupil, today)
    initial = {"deleted_on": (corrects.deleted_on if corrects else today).isoformat()}
    form = DeletionForm(request.POST or None, pupil=pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deletion = record_deletion(
                by=request.user, enrolment=enrolment, ground=data["ground"], deleted_on=data["deleted_on"],
                destination_school=data["destination_urn"], destination_la=data["destination_la"],
                destination_note=data["destination_note"], home_education=data["home_education"],
                note=data["note"], corrects=corrects, request=request,
            )  # fmt: skip
        except DeletionRefused as refused:
            form.add_error("ground", refused.reason)
        else:
            flash.success(
                request, f"Deletion from the roll recorded for {pupil.display_name}: returned to the LA."
            )
            return redirect("cme:deletion", pk=deletion.pk)
    if request.method == "GET":
        audit.pupil_viewed(request, pupil, page="deletion form")
    on = enrolment.leaving_date if corrects else today
    grounds = [(value, label, CONDITIONS.get(value, "")) for value, label in FORM_GROUNDS]
    return render(
        request,
        "cme/roll/deletion_new.html",
        {
            "pupil": pupil,
            "enrolment": enrolment,
            "form": form,
            "grounds": grounds,
            "current_ground": form["ground"].value() or "",
            "ground_i_gaps": ground_i_gaps(enrolment, on),
            "corrects": corrects,
            "today": today,
        },
    )


def _filtered(request):
    schools = School.objects.filter(pk__in=staff_school_ids(request.user)).order_by("name")
    form = DeletionFilterForm(request.GET or None, schools=schools)
    rows = (
        deletions_visible_to(request.user)
        .filter(pk__in=current_deletions().values("pk"))
        .select_related("pupil", "school", "destination_school", "destination_la", "enrolment")
        .order_by("-deleted_on", "-id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["school"]:
            rows = rows.filter(school__urn=data["school"])
        if data["ground"]:
            rows = rows.filter(ground=data["ground"])
        if data["concerns"] == "yes":
            rows = rows.exclude(concerns=[])
        elif data["concerns"] == "no":
            rows = rows.filter(concerns=[])
    return form, rows


CSV_HEADER = ["School URN", "School", "UPN", "Pupil", "Year", "Deleted on", "Ground", "Source", "Destination school",
              "Destination LA", "Destination note", "Concerns", "Corrects return"]  # fmt: skip


@permission_required_for("cme.view")
def deletion_list(request):
    form, rows = _filtered(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="deletion-returns.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        count = 0
        for d in rows:
            writer.writerow(_csv_row(d))
            count += 1
        audit.record("cme.deletion_returns.exported", request=request, data={"rows": count})
        return response
    return render(
        request, "cme/roll/deletion_list.html", {"form": form, "rows": rows[:500], "count": rows.count()}
    )


def _safe(value: str) -> str:
    """No spreadsheet formulas from a cell (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_row(d: RollDeletion) -> list:
    return [
        d.school.urn, _safe(d.school.name), d.pupil.upn, _safe(d.pupil.display_name), d.enrolment.nc_year,
        d.deleted_on.isoformat(), d.ground, d.source,
        _safe(d.destination_school.name) if d.destination_school else "",
        _safe(d.destination_la.name) if d.destination_la else "", _safe(d.destination_note),
        _safe(" ".join(d.concerns)), d.corrects_id or "",
    ]  # fmt: skip


# Grounds that leave the child's whereabouts in doubt when no school is named: moved away, not back from leave, the
# 20-day ground, or no ground given. A CME enquiry may follow (CME statutory guidance, August 2024).
WHEREABOUTS_UNKNOWN = {"g", "h", "i", "not_given"}


def _offers_enquiry(user, deletion, corrections) -> bool:
    return (
        has_permission(user, "cme.enquire")
        and not corrections.exists()
        and not deletion.cme_enquiry_id
        and not deletion.destination_school_id
        and deletion.ground in WHEREABOUTS_UNKNOWN
    )


@permission_required_for("cme.view")
def deletion_detail(request, pk: int):
    deletion = get_object_or_404(
        deletions_visible_to(request.user).select_related("pupil", "school", "enrolment", "corrects"), pk=pk
    )
    audit.record("cme.deletion.viewed", request=request, obj=deletion, pupil=deletion.pupil)
    corrections = deletion.corrections.order_by("id")
    return render(
        request,
        "cme/roll/deletion_detail.html",
        {
            "deletion": deletion,
            "corrections": corrections,
            "may_correct": has_permission(request.user, "cme.deletion") and not corrections.exists(),
            "offers_enquiry": _offers_enquiry(request.user, deletion, corrections),
        },
    )

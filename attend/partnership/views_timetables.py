"""Pages of part-time timetables: thin views over attend.partnership.timetables and timetable_checks.

Recording and reviewing follow casework's permissions (`cases.write`, reading `cases.view`), for timetables at the
schools the user sees as staff (404 otherwise, never revealing one exists); the LA's list of all current
timetables needs `la.dashboard`."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attend.accounts import identity
from attend.accounts.permissions import LA_STAFF, permission_required_for
from attend.casework.models import PartTimeTimetable
from attend.core import clock
from attend.core.locking import VersionConflict
from attend.core.scoping import get_pupil_for_user, staff_school_ids
from attend.letters.compose import enrolment_on
from attend.schools.models import School

from .forms_timetables import ReviewForm, ScrutinyForm, TimetableForm
from .timetable_checks import c2_check, due_on, la_current_timetables
from .timetable_notice import notices_for
from .timetables import (
    GUIDANCE,
    ReviewInput,
    TimetableRefused,
    timetable_record,
    timetable_review,
    timetable_scrutiny,
)


def _school_ids(user) -> list[int]:
    """The schools whose timetables the user sees as staff (every school for a superuser)."""
    if identity.is_superuser(user):
        return list(School.objects.values_list("pk", flat=True))
    return staff_school_ids(user)


def _timetable(request: HttpRequest, pk: int) -> PartTimeTimetable:
    timetable = (
        PartTimeTimetable.objects.select_related("pupil", "school", "parent_contact")
        .filter(pk=pk, school_id__in=_school_ids(request.user))
        .first()
    )
    if timetable is None:
        raise Http404("No part-time timetable with that number in your scope.")
    return timetable


def _refused(form, exc: TimetableRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@permission_required_for("cases.write")
def timetable_new(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("upn"):  # opened without a pupil: ask for one (the pupil page links with it)
        return render(request, "partnership/timetables/choose.html", {})
    pupil = get_pupil_for_user(request.user, request.GET["upn"])
    enrolment = enrolment_on(pupil, clock.today())
    if enrolment is None or enrolment.school_id not in _school_ids(request.user):
        raise Http404("The pupil is not on roll at a school in your scope.")
    form = TimetableForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            timetable = timetable_record(
                pupil=pupil,
                school=enrolment.school,
                by=request.user,
                data=form.service_data(),
                request=request,
            )
        except TimetableRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, "Part-time timetable recorded and the LA told.")
            return redirect("partnership:timetable", pk=timetable.pk)
    context = {"form": form, "pupil": pupil, "school": enrolment.school, "guidance": GUIDANCE}
    return render(request, "partnership/timetables/form.html", context)


@permission_required_for("cases.view")
def timetable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    timetable = _timetable(request, pk)
    today = clock.today()
    context = {
        "timetable": timetable,
        "reviews": timetable.reviews.select_related("reviewed_by"),
        "check": c2_check(timetable, today),
        "due": due_on(timetable, today),
        "guidance": GUIDANCE,
        "la_side": _la_side(request.user, timetable),
        "notices": notices_for(timetable),
    }
    return render(request, "partnership/timetables/detail.html", context)


@permission_required_for("cases.write")
def timetable_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    timetable = _timetable(request, pk)
    initial = {
        "version": timetable.version,
        "reviewed_on": clock.today(),
        "end": timetable.end,
        "sessions_per_week": timetable.sessions_per_week,
        "hours_per_week": timetable.hours_per_week,
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = ReviewInput(**{k: data[k] for k in ReviewInput.__dataclass_fields__})
        try:
            timetable_review(
                timetable, by=request.user, expected_version=data["version"], review=review, request=request
            )
        except TimetableRefused as exc:
            _refused(form, exc)
        except VersionConflict as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "Review recorded.")
            return redirect("partnership:timetable", pk=timetable.pk)
    return render(request, "partnership/timetables/review.html", {"form": form, "timetable": timetable})


def _la_side(user, timetable: PartTimeTimetable) -> bool:
    if identity.is_superuser(user):
        return True
    return any(
        m.role in LA_STAFF and m.local_authority_id == timetable.school.local_authority_id
        for m in user.memberships.all()
    )


@permission_required_for("cases.write")
def timetable_scrutiny_view(request: HttpRequest, pk: int) -> HttpResponse:
    timetable = _timetable(request, pk)
    if not _la_side(request.user, timetable):
        raise PermissionDenied("Only the school's LA records its scrutiny of a timetable.")
    form = ScrutinyForm(request.POST or None, initial={"version": timetable.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            timetable_scrutiny(
                timetable, by=request.user, expected_version=data["version"], decision=data["decision"],
                note=data["note"],
            )  # fmt: skip
        except TimetableRefused as exc:
            _refused(form, exc)
        except VersionConflict as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, "The LA's scrutiny is recorded.")
            return redirect("partnership:timetable", pk=timetable.pk)
    return render(request, "partnership/timetables/scrutiny.html", {"form": form, "timetable": timetable})


@permission_required_for("la.dashboard")
def timetable_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rows = [(t, due_on(t, today)) for t in la_current_timetables(_school_ids(request.user))]
    return render(request, "partnership/timetables/list.html", {"rows": rows, "today": today})

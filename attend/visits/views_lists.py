"""Visit lists, planning a visit, rounds: the officer's list page, the phone round page and the printed sheet."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from attend.accounts.permissions import has_permission, permission_required_for
from attend.casework.access import get_case_for_user
from attend.core import clock

from . import lists
from .forms_lists import MoveForm, PlanForm
from .lists import ListError
from .models_rounds import Visit

VIEW, WRITE = "visits.view", "visits.write"


@permission_required_for(VIEW)
def visit_lists(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    rnd = lists.todays_round(request.user, today)
    return render(
        request,
        "visits/lists/lists.html",
        {
            "today": today,
            "listed": list(lists.listed_visits(request.user, today=today)),
            "reactive": lists.reactive_rows(request.user, today=today),
            "round": rnd,
            "round_visits": list(rnd.visits.select_related("pupil").order_by("order")) if rnd else [],
            "may_write": has_permission(request.user, WRITE),
            "may_manage": has_permission(request.user, "visits.manage"),
            "confidential_note": lists.CONFIDENTIAL_NOTE,
        },
    )


def _plan_target(request: HttpRequest, today):
    """The case (?case=ref) or TSM agreed action (?action=pk) the visit is planned from; 404 outside scope;
    None when the request names neither."""
    ref, action_pk = request.GET.get("case", ""), request.GET.get("action", "")
    if ref:
        case = get_case_for_user(request.user, ref, write=True)
        if case.pupil is None:
            raise Http404("Plan a visit to a child not on roll from the case's own address.")
        pupil = lists.writable_pupil(request.user, case.pupil.upn, today=today)
        return pupil, case, Visit.Source.CASE, f"Case {case.ref}"
    if action_pk.isdigit():
        from attend.partnership.models_tsm import AgreedAction

        action = AgreedAction.objects.select_related("pupil", "case").filter(pk=int(action_pk)).first()
        if action is None:
            raise Http404("No such agreed action.")
        pupil = lists.writable_pupil(request.user, action.pupil.upn, today=today)
        return pupil, action.case, Visit.Source.TSM, f"Agreed action: {action.action[:80]}"
    return None


@permission_required_for(WRITE)
def plan(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    target = _plan_target(request, today)
    if target is None:  # no case or action named: say where visits are planned from
        return render(request, "visits/lists/plan_from.html", {})
    pupil, case, source, origin = target
    choices = lists.address_choices(request.user, pupil)
    form = PlanForm(
        request.POST if request.method == "POST" else None, choices=choices, initial={"planned_for": today}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = lists.plan_visit(
                user=request.user, pupil=pupil, contact_id=data["contact"], reason=data["reason"],
                planned_for=data["planned_for"], today=today, source=source, case=case,
            )  # fmt: skip
        except ListError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            flash.success(request, f"Visit to {pupil.display_name} listed for {visit.planned_for:%-d %B %Y}")
            return redirect("visits:lists")
    return render(
        request,
        "visits/lists/plan.html",
        {
            "form": form,
            "pupil": pupil,
            "origin": origin,
            "case": case,
            "confidential": [c for c in choices if c.confidential],
            "confidential_note": lists.CONFIDENTIAL_NOTE,
        },
    )


@require_POST
@permission_required_for(WRITE)
def round_add(request: HttpRequest) -> HttpResponse:
    """Add a listed visit to today's round (the round is made on the first one)."""
    today = clock.today()
    pk = request.POST.get("visit", "")
    visit = lists.get_visit_for_user(request.user, int(pk) if pk.isdigit() else 0, today=today)
    try:
        rnd = lists.todays_round(request.user, today, create=True)
        lists.add_to_round(visit, rnd, by=request.user)
    except ListError as e:
        flash.error(request, e.message)
        return redirect("visits:lists")
    flash.success(request, f"Visit to {visit.pupil.display_name if visit.pupil else visit.postcode} added")
    return redirect("visits:lists")


@require_POST
@permission_required_for(WRITE)
def reactive_add(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    pk = request.POST.get("alert", "")
    try:
        visit = lists.add_reactive(request.user, int(pk) if pk.isdigit() else 0, today=today)
    except ListError as e:
        flash.error(request, e.message)
        return redirect("visits:lists")
    flash.success(request, f"Visit to {visit.pupil.display_name} added to today's round")
    return redirect("visits:lists")


def _round_context(request, rnd) -> dict:
    today = clock.today()
    rows = lists.round_sheet(rnd, today=today)
    context = {
        "round": rnd,
        "rows": rows,
        "districts": lists.districts(rows),
        "unchecked": [r.visit for r in rows if r.visit.risk_checked_at is None],
        "own": rnd.officer_id == request.user.pk,
        "may_write": has_permission(request.user, WRITE) and rnd.officer_id == request.user.pk,
        "today": today,
    }
    if context["may_write"]:
        # Check out, check in, "I need help" (attend/visits/views_lone.py) on the same page: one load for the round.
        from . import lone
        from .views_lone import lone_context

        context.update(lone_context(rnd, now=lone.moment()))
    return context


@permission_required_for(VIEW)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = lists.get_round_for_user(request.user, pk)
    return render(request, "visits/lists/round.html", _round_context(request, rnd))


@permission_required_for(VIEW)
def round_print(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = lists.get_round_for_user(request.user, pk)
    return render(request, "visits/lists/round_print.html", _round_context(request, rnd))


@require_POST
@permission_required_for(WRITE)
def round_move(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = lists.get_round_for_user(request.user, pk, own=True)
    form = MoveForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Choose a visit and whether to move it up or down")
        return redirect("visits:round", pk=rnd.pk)
    visit = rnd.visits.filter(pk=form.cleaned_data["visit"]).first()
    if visit is None:
        raise Http404("No such visit on this round.")
    try:
        lists.move_visit(visit, direction=form.cleaned_data["direction"], by=request.user)
    except ListError as e:
        flash.error(request, e.message)
    return redirect(reverse("visits:round", args=[rnd.pk]) + f"#visit-{visit.pk}")

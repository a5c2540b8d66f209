"""Pages of a case's assessment and support plans: thin views over attend.casework.plans and plan_letters.

Reading needs `cases.view` and the case in scope; every POST needs `cases.write` and a case the user may write to
(`get_case_for_user(..., write=True)`: 404 otherwise, never revealing the case exists)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from attend.accounts.permissions import has_permission, permission_required_for
from attend.core import clock
from attend.core.locking import VersionConflict
from attend.letters.compose import MessageError, enrolment_on
from attend.letters.figures import enrolment_figures

from . import plans
from .access import get_case_for_user, may_write
from .assessment import assessment_save
from .forms_plans import ActionForm, AssessmentForm, PlanForm, ReviewForm, SendPlanForm
from .impact import REGRESSION_NOTE, plan_impact
from .models import Assessment, PlanAction, SupportPlan
from .plan_letters import plan_send

VIEW = "cases.view"


def _case(request: HttpRequest, ref: str):
    writing = request.method == "POST"
    if writing and not has_permission(request.user, "cases.write"):
        raise PermissionDenied("You cannot change cases.")
    return get_case_for_user(request.user, ref, write=writing)


def _refused(form, exc: plans.PlanRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _conflicted(form_class, initial: dict, message: str, **kwargs):
    """The form again, showing the row as it is now, with the conflict in the error summary."""
    data = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in initial.items() if v is not None}
    form = form_class(data=data, **kwargs)
    form.is_valid()
    form.add_error(None, message)
    return form


@permission_required_for(VIEW)
def assessment(request: HttpRequest, ref: str) -> HttpResponse:
    case = _case(request, ref)
    current = Assessment.objects.filter(case=case).prefetch_related("barriers").first()
    form = AssessmentForm(request.POST or None, initial=AssessmentForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        fields, barriers = form.service_args()
        try:
            _saved, changes = assessment_save(
                case,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=fields,
                barriers=barriers,
                request=request,
            )
        except VersionConflict as exc:
            now = Assessment.objects.filter(case=case).first()
            form = _conflicted(AssessmentForm, AssessmentForm.initial_for(now), str(exc))
        else:
            flash.success(
                request, "Assessment saved." if changes else "Nothing had changed: nothing was saved."
            )
            return redirect("casework:assessment", ref=case.ref)
    today = clock.today()
    enrolment = enrolment_on(case.pupil, today) if case.pupil_id else None
    figures = enrolment_figures(enrolment, today) if enrolment else None
    return render(
        request,
        "casework/plans/assessment.html",
        {
            "case": case,
            "form": form,
            "assessment": current,
            "figures": figures,
            "enrolment": enrolment,
            "may_write": may_write(request.user, case, today=today),
        },
    )


@permission_required_for(VIEW)
def plan_new(request: HttpRequest, ref: str) -> HttpResponse:
    case = _case(request, ref)
    today = clock.today()
    form = PlanForm(request.POST or None, initial={"started_on": today, "goal_weeks": 6})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(case, by=request.user, request=request, **form.service_args())
        except plans.PlanRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, f"{plan.title} started. Now add its actions.")
            return redirect("casework:plan", ref=case.ref, plan_id=plan.pk)
    return render(request, "casework/plans/plan_form.html", {"case": case, "form": form})


def _plan(case, plan_id: int) -> SupportPlan:
    return get_object_or_404(SupportPlan.objects.select_related("case__pupil"), pk=plan_id, case=case)


def _plan_initial(plan: SupportPlan) -> dict:
    return {
        "version": plan.version,
        "title": plan.title,
        "started_on": plan.started_on,
        "review_date": plan.review_date,
        "goal_percent": plan.goal_percent,
        "goal_weeks": plan.goal_weeks,
        "status": plan.status,
    }


@permission_required_for(VIEW)
def plan_detail(request: HttpRequest, ref: str, plan_id: int) -> HttpResponse:
    case = _case(request, ref)
    plan = _plan(case, plan_id)
    form = PlanForm(request.POST or None, initial=_plan_initial(plan))
    if request.method == "POST" and form.is_valid():
        try:
            changes = plans.plan_update(
                plan,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
                status=form.cleaned_data["status"] or plan.status,
                **form.service_args(),
            )
        except VersionConflict:
            plan.refresh_from_db()
            form = _conflicted(PlanForm, _plan_initial(plan), plans.conflict_message(plan, "plan"))
        except plans.PlanRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, "Plan saved." if changes else "Nothing had changed: nothing was saved.")
            return redirect("casework:plan", ref=case.ref, plan_id=plan.pk)
    today = clock.today()
    impact = plan_impact(plan, today)
    actions = [(a, impact["actions"].get(a.pk)) for a in plan.actions.all()]
    return render(
        request,
        "casework/plans/plan_detail.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "actions": actions,
            "impact": impact["plan"],
            "regression_note": REGRESSION_NOTE,
            "reviews": _reviews(plan, {a.pk: a for a, _ in actions}),
            "today": today,
            "may_write": may_write(request.user, case, today=today),
        },
    )


def _reviews(plan: SupportPlan, actions: dict[int, PlanAction]) -> list[tuple]:
    """Each review, newest first, with (action description, status label, note) for the actions it covered."""
    rows = []
    for review in plan.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-id"):
        items = [
            (actions[int(pk)].description, PlanAction.Status(item["status"]).label, item.get("note", ""))
            for pk, item in review.action_progress.items()
            if int(pk) in actions
        ]
        rows.append((review, items))
    return rows


def _action_initial(action: PlanAction) -> dict:
    fields = (
        "description",
        "owner",
        "owner_name",
        "starts_on",
        "due",
        "review_date",
        "success_criteria",
        "status",
    )
    return {"version": action.version, **{f: getattr(action, f) for f in fields}}


@permission_required_for(VIEW)
def action_edit(request: HttpRequest, ref: str, plan_id: int, action_id: int | None = None) -> HttpResponse:
    case = _case(request, ref)
    plan = _plan(case, plan_id)
    action = get_object_or_404(PlanAction, pk=action_id, plan=plan) if action_id else None
    initial = _action_initial(action) if action else {"starts_on": clock.today(), "status": "not_started"}
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                plans.action_add(plan, by=request.user, request=request, **form.service_args())
            else:
                plans.action_update(
                    action,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    request=request,
                    **form.service_args(),
                )
        except VersionConflict:
            action.refresh_from_db()
            form = _conflicted(ActionForm, _action_initial(action), plans.conflict_message(action, "action"))
        except plans.PlanRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, "Action added." if action is None else "Action saved.")
            return redirect("casework:plan", ref=case.ref, plan_id=plan.pk)
    return render(
        request,
        "casework/plans/action_form.html",
        {"case": case, "plan": plan, "action": action, "form": form},
    )


@permission_required_for(VIEW)
def plan_review(request: HttpRequest, ref: str, plan_id: int) -> HttpResponse:
    case = _case(request, ref)
    plan = _plan(case, plan_id)
    today = clock.today()
    form = ReviewForm(request.POST or None, actions=plan.actions.all(), initial={"reviewed_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_review_record(
                plan,
                by=request.user,
                reviewed_on=form.cleaned_data["reviewed_on"],
                progress=form.cleaned_data["progress"],
                action_progress=form.action_progress(),
                next_review=form.cleaned_data["next_review"],
                as_of=today,
                request=request,
            )
        except plans.PlanRefused as exc:
            _refused(form, exc)
        else:
            flash.success(request, "Review recorded.")
            return redirect("casework:plan", ref=case.ref, plan_id=plan.pk)
    impact = plan_impact(plan, today)["plan"]
    return render(
        request,
        "casework/plans/review_form.html",
        {"case": case, "plan": plan, "form": form, "impact": impact, "regression_note": REGRESSION_NOTE},
    )


@permission_required_for(VIEW)
def plan_send_view(request: HttpRequest, ref: str, plan_id: int) -> HttpResponse:
    if request.method == "POST" and not has_permission(request.user, "letters.send"):
        raise PermissionDenied("You cannot send letters.")
    case = _case(request, ref)
    plan = _plan(case, plan_id)
    form = SendPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = plan_send(plan, by=request.user, route=form.cleaned_data["route"], as_of=clock.today())
        except MessageError as exc:
            form.add_error(None, str(exc))
        else:
            states = "; ".join(
                f"{m.recipient.splitlines()[0]}: {m.get_status_display().lower()}" for m in sent
            )
            flash.success(request, f"The plan went to the parents ({states}).")
            return redirect("casework:plan", ref=case.ref, plan_id=plan.pk)
    return render(request, "casework/plans/send_form.html", {"case": case, "plan": plan, "form": form})

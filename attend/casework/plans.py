"""Support plans, their SMART actions and reviews: saved with optimistic locking, each change on the chronology.

Every write here is audited and adds a chronology entry through `record_entry` (the one way in). Two officers
editing the same plan or action cannot overwrite each other silently: each save names the version it
was looking at (`attend.core.locking.update_if_version`) and the loser gets `VersionConflict` saying who changed it
and when. The plan as a letter to the parents is in `plan_letters.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attend import audit
from attend.audit.models import AuditEvent
from attend.core.locking import VersionConflict, update_if_version

from .chronology import record_entry
from .impact import before_after
from .models import Case, EntryKind, PlanAction, PlanReview, SupportPlan


class PlanRefused(ValueError):
    """A plan, action or review that cannot be saved, with the reason in words for the person who tried."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _when(at) -> str:
    local = timezone.localtime(at)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def conflict_message(obj, what: str) -> str:
    """Who changed `obj` last and when (from the audit trail), for the officer whose save lost."""
    last = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("-at", "-pk")
        .first()
    )
    who = f"{last.actor_username or 'Someone'} changed this {what} at {_when(last.at)}" if last else ""
    who = who or f"Someone else changed this {what}"
    return (
        f"{who} while you were editing it. Your changes have not been saved: the page now shows the {what} "
        "as it is. Make your changes again if they are still needed."
    )


def acting_user(by):
    return by if getattr(by, "pk", None) else None


# ----- plans


def goal_text(percent: Decimal | None, weeks: int | None) -> str:
    """'90% over the next 6 weeks' from the step goal's two numbers."""
    if percent is None:
        return ""
    number = f"{percent:.1f}".removesuffix(".0")
    if not weeks:
        return f"{number}% attendance"
    return f"{number}% over the next {weeks} week{'' if weeks == 1 else 's'}"


def _day(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else "not set"


def _check_plan(fields: dict) -> None:
    if not fields.get("started_on"):
        raise PlanRefused("Enter the date the plan starts", "started_on")
    if not fields.get("review_date"):
        raise PlanRefused("Enter the date the plan will be reviewed", "review_date")
    if fields["review_date"] < fields["started_on"]:
        raise PlanRefused("The review date must be on or after the date the plan starts", "review_date")
    percent = fields.get("goal_percent")
    if percent is not None and not (0 < percent <= 100):
        raise PlanRefused("The attendance goal must be a percentage between 1 and 100", "goal_percent")


PLAN_FIELDS = ("title", "started_on", "review_date", "goal_percent", "goal_weeks")


def plan_create(case: Case, *, by, request=None, **fields) -> SupportPlan:
    """Start a support plan on the case (fields: PLAN_FIELDS); a "plan" chronology entry says so."""
    _check_plan(fields)
    fields["title"] = (fields.get("title") or "").strip() or "Attendance support plan"
    with transaction.atomic():
        plan = SupportPlan.objects.create(
            case=case,
            created_by=acting_user(by),
            goal=goal_text(fields.get("goal_percent"), fields.get("goal_weeks")),
            **{k: fields.get(k) for k in PLAN_FIELDS},
        )
        goal = f", goal {plan.goal}" if plan.goal else ""
        record_entry(
            case,
            kind=EntryKind.PLAN,
            summary=f"{plan.title} started on {_day(plan.started_on)}{goal}; review on {_day(plan.review_date)}",
            by=by,
            next_step=f"Review the {plan.title.lower()}",
            next_step_due=plan.review_date,
            source_ref=f"casework.SupportPlan:{plan.pk}",
            request=request,
        )
        audit.record(
            "casework.plan.created", by=by, obj=plan, pupil=case.pupil, school=case.school,
            data={"case": case.ref, "title": plan.title}, request=request,
        )  # fmt: skip
    return plan


def _changed(obj, fields: dict, labels: dict[str, str]) -> list[str]:
    return [labels.get(k, k.replace("_", " ")) for k, v in fields.items() if getattr(obj, k) != v]


PLAN_LABELS = {
    "title": "title",
    "started_on": "start date",
    "review_date": "review date",
    "goal_percent": "goal",
    "goal_weeks": "goal",
    "status": "status",
}


def plan_update(plan: SupportPlan, *, by, expected_version: int, request=None, **fields) -> list[str]:
    """Change the plan as the officer saw it at `expected_version`; returns what changed. VersionConflict if
    someone saved first."""
    _check_plan(fields)
    fields["title"] = (fields.get("title") or "").strip() or plan.title
    fields["goal"] = goal_text(fields.get("goal_percent"), fields.get("goal_weeks"))
    with transaction.atomic():
        if plan.version != expected_version:
            raise VersionConflict(conflict_message(plan, "plan"), plan)
        changes = sorted(set(_changed(plan, fields, PLAN_LABELS)))
        if not changes:
            return []
        if not update_if_version(SupportPlan, plan.pk, expected_version, **fields):
            plan.refresh_from_db()
            raise VersionConflict(conflict_message(plan, "plan"), plan)
        before = {k: str(getattr(plan, k)) for k in fields}
        plan.refresh_from_db()
        record_entry(
            plan.case,
            kind=EntryKind.PLAN,
            summary=f"{plan.title} changed ({', '.join(changes)}): goal {plan.goal or 'none'}, "
            f"review on {_day(plan.review_date)}",
            by=by,
            source_ref=f"casework.SupportPlan:{plan.pk}",
            request=request,
        )
        audit.record(
            "casework.plan.updated", by=by, obj=plan, pupil=plan.case.pupil, school=plan.case.school,
            before=before, after={k: str(getattr(plan, k)) for k in fields},
            data={"case": plan.case.ref}, request=request,
        )  # fmt: skip
    return changes


# ----- actions

ACTION_FIELDS = (
    "description",
    "owner",
    "owner_name",
    "starts_on",
    "due",
    "review_date",
    "success_criteria",
    "status",
)
ACTION_LABELS = {"starts_on": "start date", "due": "due date", "owner_name": "owner's name"}


def _check_action(fields: dict) -> None:
    """The SMART rules: what, who and by when are required; the due date is not before the start."""
    if not (fields.get("description") or "").strip():
        raise PlanRefused("Enter what will be done", "description")
    if fields.get("owner") not in PlanAction.Owner.values:
        raise PlanRefused("Choose who owns this action: school, parent, pupil, agency or LA", "owner")
    if not fields.get("starts_on"):
        raise PlanRefused("Enter the date the action starts", "starts_on")
    if not fields.get("due"):
        raise PlanRefused("Enter the date the action is due by", "due")
    if fields["due"] < fields["starts_on"]:
        raise PlanRefused("The due date must be on or after the start date", "due")
    review = fields.get("review_date")
    if review and review < fields["starts_on"]:
        raise PlanRefused("The review date must be on or after the start date", "review_date")


def action_line(action: PlanAction) -> str:
    """'What — who — by when', as the plan letter lists it."""
    who = action.get_owner_display()
    if action.owner_name:
        who = f"{action.owner_name} ({who.lower()})"
    return f"{action.description.strip()} — {who} — by {action.due.day} {action.due:%B %Y}"


def action_add(plan: SupportPlan, *, by, request=None, **fields) -> PlanAction:
    _check_action(fields)
    fields["description"] = fields["description"].strip()
    fields["status"] = fields.get("status") or PlanAction.Status.NOT_STARTED
    with transaction.atomic():
        action = PlanAction.objects.create(
            plan=plan, **{k: fields.get(k) or _blank(k) for k in ACTION_FIELDS}
        )
        record_entry(
            plan.case,
            kind=EntryKind.PLAN,
            summary=f"Action added to the {plan.title.lower()}: {action_line(action)}",
            by=by,
            next_step=action.description,
            next_step_due=action.due,
            source_ref=f"casework.PlanAction:{action.pk}",
            request=request,
        )
        audit.record(
            "casework.plan_action.added", by=by, obj=action, pupil=plan.case.pupil, school=plan.case.school,
            data={"case": plan.case.ref, "plan": plan.pk}, request=request,
        )  # fmt: skip
    return action


def _blank(field: str):
    return None if field == "review_date" else ""


def action_update(action: PlanAction, *, by, expected_version: int, request=None, **fields) -> list[str]:
    _check_action(fields)
    fields["description"] = fields["description"].strip()
    fields["status"] = fields.get("status") or action.status
    fields = {k: fields.get(k) or _blank(k) for k in ACTION_FIELDS}
    with transaction.atomic():
        if action.version != expected_version:
            raise VersionConflict(conflict_message(action, "action"), action)
        changes = _changed(action, fields, ACTION_LABELS)
        if not changes:
            return []
        before = {k: str(getattr(action, k)) for k in fields}
        if not update_if_version(PlanAction, action.pk, expected_version, **fields):
            action.refresh_from_db()
            raise VersionConflict(conflict_message(action, "action"), action)
        action.refresh_from_db()
        plan = action.plan
        record_entry(
            plan.case,
            kind=EntryKind.PLAN,
            summary=f"Action changed ({', '.join(changes)}): {action_line(action)}; "
            f"{action.get_status_display().lower()}",
            by=by,
            source_ref=f"casework.PlanAction:{action.pk}",
            request=request,
        )
        audit.record(
            "casework.plan_action.updated", by=by, obj=action, pupil=plan.case.pupil, school=plan.case.school,
            before=before, after={k: str(getattr(action, k)) for k in fields},
            data={"case": plan.case.ref, "plan": plan.pk}, request=request,
        )  # fmt: skip
    return changes


# ----- reviews


def plan_review_record(
    plan: SupportPlan,
    *,
    by,
    reviewed_on: dt.date,
    progress: str,
    action_progress: dict[int, dict],
    next_review: dt.date | None,
    as_of: dt.date,
    request=None,
) -> PlanReview:
    """Record a review: progress against each action ({action_id: {"status", "note"}}) and the goal, the next
    review date. Actions take the status the review gives them; the plan's review date moves to `next_review`.
    The "plan_review" chronology entry carries attendance before vs after the plan started, as of the review."""
    if not (progress or "").strip():
        raise PlanRefused("Enter how the plan is going: progress against the goal", "progress")
    if next_review and next_review <= reviewed_on:
        raise PlanRefused("The next review must be after this review", "next_review")
    actions = {a.pk: a for a in plan.actions.all()}
    cleaned = {}
    for pk, item in action_progress.items():
        if pk not in actions or item.get("status") not in PlanAction.Status.values:
            raise PlanRefused("Choose how each action is going", f"action_{pk}_status")
        cleaned[str(pk)] = {"status": item["status"], "note": (item.get("note") or "").strip()}
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=reviewed_on,
            progress=progress.strip(),
            action_progress=cleaned,
            next_review=next_review,
            reviewed_by=acting_user(by),
        )
        # The review's judgement of each action stands; only the status and the review date change, and the
        # version moves on, so an officer with the action or plan open is told when they save.
        for pk, item in cleaned.items():
            action = actions[int(pk)]
            if action.status != item["status"]:
                PlanAction.objects.filter(pk=action.pk).update(
                    status=item["status"], version=F("version") + 1
                )
                action.status = item["status"]
        if next_review:
            SupportPlan.objects.filter(pk=plan.pk).update(review_date=next_review, version=F("version") + 1)
        record_entry(
            plan.case,
            kind=EntryKind.PLAN_REVIEW,
            summary=review_summary(plan, review, actions, as_of),
            by=by,
            next_step=f"Next review of the {plan.title.lower()}" if next_review else "",
            next_step_due=next_review,
            source_ref=f"casework.PlanReview:{review.pk}",
            request=request,
        )
        audit.record(
            "casework.plan.reviewed", by=by, obj=plan, pupil=plan.case.pupil, school=plan.case.school,
            data={"case": plan.case.ref, "review": review.pk}, request=request,
        )  # fmt: skip
    return review


def review_summary(plan: SupportPlan, review: PlanReview, actions: dict, as_of: dt.date) -> str:
    parts = [f"{plan.title} reviewed on {_day(review.reviewed_on)}: {review.progress}"]
    impact = before_after(plan.case.pupil_id, plan.started_on, min(as_of, review.reviewed_on))
    goal = f" (goal {plan.goal})" if plan.goal else ""
    if impact is not None:
        parts.append(
            f"Attendance since the plan started {impact.after.perc_text}{goal}, "
            f"{impact.before.perc_text} in the same length of time before"
        )
    for pk, item in review.action_progress.items():
        action = actions[int(pk)]
        note = f" ({item['note']})" if item["note"] else ""
        parts.append(f"{action.description}: {PlanAction.Status(item['status']).label.lower()}{note}")
    if review.next_review:
        parts.append(f"Next review on {_day(review.next_review)}")
    return ". ".join(p.rstrip(".") for p in parts) + "."

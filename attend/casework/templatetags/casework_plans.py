"""`{% plans_panel case user today as panel %}`: what the case page's plans panel shows, in two queries."""

from __future__ import annotations

from django import template

from attend.casework.access import may_write
from attend.casework.models import Assessment, PlanAction, SupportPlan

register = template.Library()

OPEN = (PlanAction.Status.NOT_STARTED, PlanAction.Status.IN_PROGRESS)


@register.simple_tag
def plans_panel(case, user, today) -> dict:
    plan = (
        SupportPlan.objects.filter(case=case, status=SupportPlan.Status.ACTIVE)
        .order_by("-started_on", "-id")
        .first()
    )
    due = list(plan.actions.filter(status__in=OPEN).order_by("due", "id")[:5]) if plan else []
    return {
        "plan": plan,
        "due": due,
        "review_overdue": bool(plan and today and plan.review_date < today),
        "assessment": Assessment.objects.filter(case=case).only("id", "version", "case_id").first(),
        "may_write": bool(user and may_write(user, case, today=today)),
    }
